"""The families list (``/families``, ``.json``, ``.csv``) and one family's journey page and maps."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, request, url_for

from journey.csv_export import frame_to_csv
from web.contexts import families_context, families_csv_frame, family_context, family_map
from web.contexts.families import known_indicators, parse_family_query
from web.data import NOT_ANALYSED, service_data
from web.render import MAP_CSP, respond

__all__ = ["blueprint"]

blueprint = Blueprint("families", __name__)


def _query():
    config = current_app.config
    return parse_family_query(
        request.args,
        indicators=known_indicators(service_data()),
        per_page=config["FAMILIES_PER_PAGE"],
        max_per_page=config["MAX_PER_PAGE"],
    )


@blueprint.get("/families", defaults={"fmt": "html"})
@blueprint.get("/families.<any(json):fmt>")
def families(fmt: str) -> Response:
    """One page of the filtered, sorted families list."""
    return respond("families.html", families_context(service_data(), _query()), fmt)


@blueprint.get("/families.csv")
def families_csv() -> Response:
    """Every family passing the list's filters, as CSV (formula-safe)."""
    frame = families_csv_frame(service_data(), _query())
    if frame is None:
        return Response(NOT_ANALYSED + "\n", status=409, mimetype="text/plain")
    return Response(
        frame_to_csv(frame),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="families.csv"'},
    )


@blueprint.get("/families/<family_id>", defaults={"fmt": "html"})
@blueprint.get("/families/<family_id>.<any(json):fmt>")
def family(family_id: str, fmt: str) -> Response:
    """One family's journey: maps, metrics, intervention points (404 for an unknown family)."""
    context = family_context(
        service_data(), family_id, max_contacts=current_app.config["MAX_MAP_CONTACTS"]
    )
    return respond("family.html", context, fmt)


@blueprint.get("/families/<family_id>/maps/<any(swimlane, network):kind>.html")
def family_map_document(family_id: str, kind: str) -> Response:
    """A journey map document (self-contained HTML, shown in the family page's iframe)."""
    journey_map = family_map(
        service_data(),
        family_id,
        kind,
        assets=url_for("static", filename="vendor"),
        max_contacts=current_app.config["MAX_MAP_CONTACTS"],
    )
    g.csp = MAP_CSP
    return Response(journey_map.html, mimetype="text/html")
