"""The intervention-points page (``/interventions``, ``/interventions.json``)."""

from __future__ import annotations

from flask import Blueprint, Response

from web.contexts import interventions_context
from web.contexts.interventions import interventions_page
from web.data import service_data
from web.render import respond

__all__ = ["blueprint"]

blueprint = Blueprint("interventions", __name__)


@blueprint.get("/interventions", defaults={"fmt": "html"})
@blueprint.get("/interventions.<any(json):fmt>")
def interventions(fmt: str) -> Response:
    """Early-warning agencies and broker agencies of the population (503 before any analysis)."""
    context = interventions_context(service_data())
    return respond("interventions.html", context, fmt, page=interventions_page)
