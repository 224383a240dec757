"""The Triage page (``/triage``, ``/triage.json``): the morning triage list."""

from __future__ import annotations

from flask import Blueprint, Response, request

from web.contexts.triage import parse_triage, triage_context, triage_page
from web.data import service_data
from web.render import respond

__all__ = ["blueprint"]

blueprint = Blueprint("triage", __name__)


@blueprint.get("/triage", defaults={"fmt": "html"})
@blueprint.get("/triage.<any(json):fmt>")
def triage(fmt: str) -> Response:
    """Every listed contact since the time, one row per family, highest priority first.

    A bad ``since``, ``until`` or ``types`` is a 400 naming it.
    """
    context = triage_context(service_data(), parse_triage(request.args))
    return respond("triage.html", context, fmt, page=triage_page)
