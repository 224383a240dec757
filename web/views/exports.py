"""The Export menu's downloads: a family's journey, a cohort's pathways, intervention tables.

Every download is de-identified unless ``?identified=1`` is asked by a role
that may see identified data (any other role gets 403); the family is then
named by its pseudonym, as on its de-identified page. The routes need the
``export`` permission (:mod:`web.access`) and every download is audited
(:mod:`web.security`).
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, g, request
from werkzeug.exceptions import Forbidden

from journey.access import sees_identified
from journey.csv_export import csv_filename, excel_csv_bytes
from journey.disclosure import RULES
from journey.exports import FORMATS, MEDIA_TYPES, render
from journey.exports.render import FAMILY_MAPS
from web.contexts.exports import (
    INTERVENTION_TABLES,
    ExportQuery,
    family_model,
    intervention_table,
    pathways_model,
)
from web.contexts.interventions import parse_cohort
from web.contexts.pathways import parse_pathway_query
from web.data import service_data
from web.params import choice_param, flag_param
from web.privacy import family_pseudonym, viewer

__all__ = ["blueprint"]

blueprint = Blueprint("exports", __name__)
_FORMATS = "any(" + ", ".join(f'"{name}"' for name in FORMATS) + ")"
_OWN_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')
_TABLES = "any(" + ", ".join(f'"{name}"' for name in INTERVENTION_TABLES) + ")"


def _query() -> ExportQuery:
    identified = bool(flag_param(request.args, "identified"))
    if identified and not sees_identified(g.user.role):
        raise Forbidden("Your role may export only de-identified data.")
    d = viewer()
    rule = d.rule if d is not None else RULES[current_app.config.get("SUPPRESSION", "1-4")]
    return ExportQuery(identified=identified, rule=rule)


def _download(content: bytes, fmt: str, stem: str) -> Response:
    name = csv_filename(stem)[: -len(".csv")] + f".{fmt}"
    response = Response(content)
    response.headers["Content-Type"] = MEDIA_TYPES[fmt]
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    if fmt == "html":
        # Opened from the server, the file gets the policy it carries (it requests nothing).
        policy = _OWN_POLICY.search(content.decode("utf-8", "replace"))
        g.csp = policy.group(1) if policy else "default-src 'none'"
    return response


@blueprint.get(f"/families/<family_id>/export.<{_FORMATS}:fmt>")
def family_export(family_id: str, fmt: str) -> Response:
    """One family's journey in ``fmt`` (404 for an unknown family)."""
    query = _query()
    label = family_id if query.identified else f"Family {family_pseudonym(family_id)}"
    model = family_model(service_data(), family_id, label=label, query=query,
                         max_contacts=current_app.config["MAX_MAP_CONTACTS"])  # fmt: skip
    stem = f"family-{label}" if query.identified else f"family-{family_pseudonym(family_id)}"
    family_map = choice_param(request.args, "map", FAMILY_MAPS, default="swimlane")
    stem += "-network" if family_map == "network" and fmt == "html" else ""
    content = render(model, fmt, taxonomy=service_data().taxonomy, family_map=family_map)
    return _download(content, fmt, stem)


@blueprint.get(f"/pathways/export.<{_FORMATS}:fmt>")
def pathways_export(fmt: str) -> Response:
    """A cohort's pathways in ``fmt`` (``cohort``, ``min`` as on the page; ``collapse``)."""
    pathway_query = parse_pathway_query(request.args)
    collapse = bool(flag_param(request.args, "collapse"))
    model = pathways_model(service_data(), pathway_query, collapse_repeats=collapse,
                           query=_query())  # fmt: skip
    stem = f"pathways-{pathway_query.cohort}" + ("-collapsed" if collapse else "")
    return _download(render(model, fmt, taxonomy=service_data().taxonomy), fmt, stem)


@blueprint.get(f"/interventions/<{_TABLES}:table>.csv")
def interventions_csv(table: str) -> Response:
    """One intervention-points table of a cohort as CSV (small counts suppressed)."""
    cohort = parse_cohort(request.args)
    frame = intervention_table(service_data(), table, cohort, _query())
    name = csv_filename(table, {"cohort": cohort})
    return Response(
        excel_csv_bytes(frame), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )  # fmt: skip


@blueprint.app_context_processor
def export_menu() -> dict:
    """What the Export menu include needs: the formats, and whether identified links show."""
    user = g.get("user")
    return {
        "export_formats": FORMATS,
        "intervention_tables": list(INTERVENTION_TABLES),
        "export_identified": bool(user and sees_identified(user.role)),
    }

