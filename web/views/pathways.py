"""The pathways page (``/pathways``, ``/pathways.json``) and its map document."""

from __future__ import annotations

from flask import Blueprint, Response, g, request, url_for

from web.contexts import pathways_context, pathways_map_document
from web.contexts.pathways import parse_pathway_query, pathway_query_and_errors, pathways_page
from web.data import service_data
from web.privacy import suppressed_counts_up_to
from web.render import MAP_CSP, respond

__all__ = ["blueprint"]

blueprint = Blueprint("pathways", __name__)


@blueprint.get("/pathways", defaults={"fmt": "html"})
@blueprint.get("/pathways.<any(json):fmt>")
def pathways(fmt: str) -> Response:
    """A cohort's agency directly-follows map in one view, with its tables.

    A bad value is a 400: the JSON error, or the page with each bad value's
    default and the error beside its field. 503 before any analysis.
    """
    if fmt == "json":
        query, errors = parse_pathway_query(request.args), {}
    else:
        query, errors = pathway_query_and_errors(request.args)
    context = pathways_context(service_data(), query)

    def page(shown: dict) -> dict:
        return {**pathways_page(shown, query), "errors": errors}

    return respond("pathways.html", context, fmt, page=page, status=400 if errors else 200)


@blueprint.get("/pathways/map.html")
def pathways_map() -> Response:
    """The pathways map document (self-contained HTML, shown in the pathways page's iframe)."""
    journey_map = pathways_map_document(
        service_data(),
        parse_pathway_query(request.args),
        assets=url_for("static", filename="vendor"),
        suppress_up_to=suppressed_counts_up_to(),
    )
    g.csp = MAP_CSP
    return Response(journey_map.html, mimetype="text/html")
