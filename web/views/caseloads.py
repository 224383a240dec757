"""The Caseloads page (``/caseloads``, ``/caseloads.json``): key workers' open families."""

from __future__ import annotations

from flask import Blueprint, Response, request

from web.contexts.caseloads import caseloads_context, caseloads_page, parse_caseloads
from web.data import service_data
from web.render import respond

__all__ = ["blueprint"]

blueprint = Blueprint("caseloads", __name__)


@blueprint.get("/caseloads", defaults={"fmt": "html"})
@blueprint.get("/caseloads.<any(json):fmt>")
def caseloads(fmt: str) -> Response:
    """Per team and worker the open families; ``?worker=`` or ``?team=`` narrows it."""
    context = caseloads_context(service_data(), parse_caseloads(request.args))
    return respond("caseloads.html", context, fmt, page=caseloads_page)
