"""The overview page (``/``) and its JSON twin (``/.json``)."""

from __future__ import annotations

from flask import Blueprint, Response

from web.contexts import overview_context
from web.data import service_data
from web.render import respond

__all__ = ["blueprint"]

blueprint = Blueprint("overview", __name__)


@blueprint.get("/", defaults={"fmt": "html"})
@blueprint.get("/.<any(json):fmt>")
def overview(fmt: str) -> Response:
    """Counts, date range, stand-out families, contacts per month, top pathways."""
    return respond("overview.html", overview_context(service_data()), fmt, page=_triage_tile)


def _triage_tile(_: dict) -> dict:
    """The page's triage tile: this morning's list's size, for those who may open it."""
    from web.access import can
    from web.contexts.triage import triage_tile

    return {"triage_tile": triage_tile(service_data()) if can("triage.triage") else None}
