"""The families list (``/families``, ``.json``, ``.csv``) and one family's journey page and maps.

One family's page and JSON twin come from the app's family cache
(:mod:`web.family_cache`): the context is built and de-identified for the
viewer's role once per role, family and data version, and kept pickled; the
JSON twin's body is encoded from it once and kept too. The page is rendered on
every request (it carries the user's name and CSRF token).
"""

from __future__ import annotations

import pickle
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request, url_for
from werkzeug.exceptions import BadRequest

from journey.csv_export import csv_filename, excel_csv_bytes
from web.contexts import families_context, families_csv_frame, family_context, family_map
from web.contexts.families import (
    families_form_error,
    families_page,
    indicator_names,
    known_indicators,
    parse_family_query,
)
from web.contexts.family import family_page
from web.contexts.family_csv import family_contacts_frame
from web.data import service_data
from web.privacy import deidentify_frame, row_filter, viewer
from web.render import MAP_CSP, respond, to_jsonable

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
    """One page of the filtered, sorted families list (503 before any analysis).

    A bad value gives the page again (HTTP 400) with the form as sent and the error beside its
    field; the JSON twin answers 400 with a JSON error.
    """
    try:
        query = _query()
        context = families_context(service_data(), query)
    except BadRequest as error:
        if fmt == "json":
            raise
        per_page = current_app.config["FAMILIES_PER_PAGE"]
        context = families_form_error(service_data(), request.args, error, per_page=per_page)
        return respond("families.html", context, fmt, status=400)
    names = indicator_names(service_data())
    return respond(
        "families.html", context, fmt,
        page=lambda c: {**families_page(c, query), "indicator_names": names},
    )  # fmt: skip


@blueprint.get("/families.csv")
def families_csv() -> Response:
    """Every family passing the list's filters, as CSV (formula-safe; 503 before any analysis)."""
    query = _query()
    frame = deidentify_frame(families_csv_frame(service_data(), query))
    args = {k: v for k, v in query.args().items() if k not in {"page", "per_page"}}
    return Response(
        excel_csv_bytes(frame),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{csv_filename("families", args)}"'},
    )


@blueprint.get("/families/<family_id>", defaults={"fmt": "html"})
@blueprint.get("/families/<family_id>.<any(json):fmt>")
def family(family_id: str, fmt: str) -> Response:
    """One family's journey: maps, metrics, intervention points (404 for an unknown family)."""
    data = service_data()
    max_contacts = current_app.config["MAX_MAP_CONTACTS"]
    version = data.version()
    # The role, and whether it sees identified data: no role is answered from another's entry.
    viewer_key = (g.user.role if g.get("user") else None, viewer() is None)
    key = (viewer_key, family_id, max_contacts)

    def shown() -> bytes:
        context = family_context(data, family_id, max_contacts=max_contacts)
        deidentify = current_app.extensions.get("journey.context_filter")
        return pickle.dumps(deidentify(context) if deidentify is not None else context)

    def page_context() -> dict[str, Any]:
        return pickle.loads(data.family_cache.get_or_build(version, ("page", *key), shown))

    if fmt == "json":
        body = data.family_cache.get_or_build(
            version, ("json", *key), lambda: _json_bytes(page_context())
        )
        return Response(body, mimetype="application/json")
    context = page_context()
    values = {**context, **family_page(context, max_contacts=max_contacts)}
    return Response(render_template("family.html", **values), mimetype="text/html")


def _json_bytes(context: dict[str, Any]) -> bytes:
    """The JSON twin's body, exactly as :func:`web.render.respond` would send it."""
    return jsonify(to_jsonable(context)).get_data()


@blueprint.get("/families/<family_id>/contacts.csv")
def family_contacts_csv(family_id: str) -> Response:
    """One family's contacts with the uncoordinated reasons, as CSV (404 for an unknown family)."""
    frame = family_contacts_frame(service_data(), family_id)
    first = frame["occurred_at"].min() if len(frame) else None
    shown = deidentify_frame(frame, first_contact=first)
    name = csv_filename(f"family-{shown['family_id'].iloc[0] if len(shown) else 'none'}-contacts")
    return Response(
        excel_csv_bytes(shown),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blueprint.get("/families/<family_id>/maps/<any(swimlane, network):kind>.html")
def family_map_document(family_id: str, kind: str) -> Response:
    """A journey map document (self-contained HTML, shown in the family page's iframe)."""
    journey_map = family_map(
        service_data(),
        family_id,
        kind,
        assets=url_for("static", filename="vendor"),
        max_contacts=current_app.config["MAX_MAP_CONTACTS"],
        deidentify=row_filter(),
    )
    g.csp = MAP_CSP
    return Response(journey_map.html, mimetype="text/html")
