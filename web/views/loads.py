"""The data page (``/loads``, ``/loads.json``): the load log with its reconciliation lines."""

from __future__ import annotations

from flask import Blueprint, Response

from web.contexts import loads_context
from web.data import service_data
from web.render import respond

__all__ = ["blueprint"]

blueprint = Blueprint("loads", __name__)


@blueprint.get("/loads", defaults={"fmt": "html"})
@blueprint.get("/loads.<any(json):fmt>")
def loads(fmt: str) -> Response:
    """Every load so far: rows in, loaded, rejected, and where the rejects file is."""
    return respond("loads.html", loads_context(service_data()), fmt)
