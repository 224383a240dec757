"""De-identified pages for the roles without ``identified`` (commissioner, designer).

For those roles every page's context passes through :func:`deidentify_context`
before it is rendered or sent as JSON (one hook in :func:`web.render.respond`),
the families CSV through :func:`deidentify_frame`, and the family map
documents are drawn from de-identified rows (:func:`row_filter`):

* family, person and contact ids become keyed pseudonyms
  (:func:`journey.pseudonym.pseudonym`); a family's URL carries its pseudonym,
  which :func:`resolve_request` turns back into the family's own id, and a
  real id in the URL is "not found";
* dates become months, or on a family's page and maps days since the
  journey's first contact; birth months become years;
* areas with fewer than ``AREA_MIN_FAMILIES`` families become "other";
* counts of families in the aggregate tables are suppressed with secondary
  suppression (:func:`journey.disclosure.suppress`, rule ``SUPPRESSION``), and
  the page says so.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import pandas as pd
from flask import Flask, current_app, g, request
from werkzeug.exceptions import BadRequest, NotFound

from journey.access import sees_identified
from journey.disclosure import RULES, SuppressionRule, suppress, suppress_value
from journey.pseudonym import AREA_MIN_FAMILIES, OTHER_AREA, days_since, merged_areas, month_of
from journey.pseudonym import pseudonym as keyed
from web.data import service_data

__all__ = [
    "Deidentifier",
    "viewer",
    "resolve_request",
    "deidentify_context",
    "deidentify_frame",
    "row_filter",
    "suppressed_counts_up_to",
    "family_pseudonym",
    "install",
]

_ID_KINDS = {"family_id": "family", "person_id": "person", "contact_id": "contact"}
# Parts of a context that describe the analysis run or echo the user's own query.
_LEFT_AS_THEY_ARE = {"analysis", "parameters", "filters", "query", "csv_query"}
# Per page: table key -> (family counts, columns derived from them).
_TABLES: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "overview.overview": {
        "top_pathways": (("families",), ("transitions", "median_days")),
    },
    "pathways.pathways": {
        "transitions": (("families",), ("transitions", "median_days")),
        "ends": (("starts", "ends"), ()),
        "variants": (("families",), ("share",)),
        "repeats": (("families",), ("transitions", "median_days")),
        "step_variants": (("families",), ("share",)),
    },
    "outcomes.outcomes": {
        "claim_totals": (("families",), ("amount",)),
        "pathway_costs": (("families",), ("transitions", "cost_gbp", "mean_cost_gbp")),
        "cohort": (("treated_families", "comparison_families"), (
            "treated_before", "treated_after", "treated_change", "comparison_before",
            "comparison_after", "comparison_change", "difference", "ci_low", "ci_high")),
    },
    "interventions.interventions": {
        "early_warning_agencies": (
            ("escalating_families", "seen_first"), ("share_seen_first", "median_lead_days", "lift")
        ),
    },
}


@dataclass(frozen=True)
class Deidentifier:
    """How one request's data is de-identified: the key, the merged areas, the date origin."""

    key: bytes
    areas: dict[str, str]
    rule: SuppressionRule
    first_contact: object = None  # set on a family's page: dates become days since it

    def id(self, value: object, kind: str = "family") -> object:
        return value if value is None else keyed(self.key, value, kind=kind)

    def area(self, value: object) -> object:
        if not isinstance(value, str):
            return value
        return self.areas.get(value, OTHER_AREA)

    def when(self, value: object) -> object:
        if self.first_contact is not None:
            return days_since(value, self.first_contact)
        return month_of(value)


def _key() -> bytes:
    config = current_app.config
    if config.get("PSEUDONYM_KEY"):
        return str(config["PSEUDONYM_KEY"]).encode()
    secret = str(config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"journey pseudonyms", hashlib.sha256).digest()


def _areas() -> dict[str, str]:
    data = service_data()
    threshold = current_app.config.get("AREA_MIN_FAMILIES", AREA_MIN_FAMILIES)
    areas = lambda: merged_areas(data.store.families()["area"], threshold=threshold)  # noqa: E731
    return data.cached(("merged_areas", threshold), areas)


def viewer() -> Deidentifier | None:
    """The current request's :class:`Deidentifier`, or None for a role that sees identified data."""
    user = g.get("user")
    if user is None or sees_identified(user.role):
        return None
    if "deidentifier" not in g:
        rule = RULES[current_app.config.get("SUPPRESSION", "1-4")]
        g.deidentifier = Deidentifier(_key(), _areas(), rule)
    return g.deidentifier


def _family_ids(key: bytes) -> dict[str, str]:
    """Pseudonym -> family id, for every family (cached per data version)."""
    data = service_data()

    def build() -> dict[str, str]:
        ids = data.store.families()["family_id"].astype(str)
        return {keyed(key, family_id): family_id for family_id in ids}

    return data.cached(("family_pseudonyms", key), build)


_LISTS = {"families.families", "families.families_csv"}


def _check_list_filters(d: Deidentifier) -> None:
    """Refuse list filters that would re-identify: a merged area by name, a date within a month."""
    area = request.args.get("area")
    if area and (area == OTHER_AREA or d.areas.get(area, OTHER_AREA) == OTHER_AREA):
        raise BadRequest(
            "Query parameter 'area': a de-identified list can be filtered only by an area "
            "it shows by name (areas with few families are merged into \"other\")."
        )
    for name in ("from", "to"):
        value = request.args.get(name, "")
        if value and not value.endswith("-01"):
            raise BadRequest(f"Query parameter '{name}': a de-identified list filters by whole "
                             "months; give the first day of a month (YYYY-MM-01).")  # fmt: skip


def resolve_request() -> None:
    """Turn a pseudonym in the URL into the family's own id (before_request; 404 if unknown).

    For a de-identified families list, also refuse the filters that would
    re-identify (:func:`_check_list_filters`).
    """
    if request.endpoint in _LISTS and viewer() is not None:
        _check_list_filters(viewer())
    args = request.view_args or {}
    if "family_id" not in args:
        return
    found = viewer()
    if found is None:
        g.family_id = args["family_id"]
        return
    family_id = _family_ids(found.key).get(args["family_id"])
    if family_id is None:
        raise NotFound("There is no family with this id.")
    args["family_id"] = g.family_id = family_id


def _url(value: str, d: Deidentifier) -> str:
    parts = value.split("/")
    if len(parts) > 2 and parts[1] == "families":
        parts[2] = str(d.id(parts[2]))
    return "/".join(parts)


# one piece: a dispatch on each value's key and type, read best at once
def _walk(value: Any, key: str | None, d: Deidentifier) -> Any:
    if key in _LEFT_AS_THEY_ARE:
        return value
    if isinstance(value, dict):
        return {k: _walk(v, k, d) for k, v in value.items()}
    if key is not None and key.endswith("_contact_ids") and isinstance(value, list | tuple):
        return [d.id(v, "contact") for v in value]
    if key == "areas" and isinstance(value, list):
        return sorted({str(d.area(v)) for v in value})
    if isinstance(value, list | tuple):
        return [_walk(v, key, d) for v in value]
    if key in _ID_KINDS:
        return d.id(value, _ID_KINDS[key])
    if key == "area":
        return d.area(value)
    if key == "birth_month" and isinstance(value, str):
        return value[:4]
    if key == "url" and isinstance(value, str):
        return _url(value, d)
    if isinstance(value, pd.Timestamp | datetime | date) and not pd.isna(value):
        return d.when(value)
    return value


def _suppress_tables(context: dict[str, Any], d: Deidentifier) -> int:
    cells = 0
    for name, (counts, derived) in _TABLES.get(request.endpoint or "", {}).items():
        rows = context.get(name)
        if not rows:
            continue
        checked = suppress(pd.DataFrame(rows), counts, derived=derived, rule=d.rule)
        context[name] = checked.frame.astype(object).where(checked.frame.notna(), None).to_dict(
            orient="records"
        )
        cells += checked.cells
    if request.endpoint == "overview.overview" and context.get("counts"):
        counts = dict(context["counts"])
        for name in ("people", "families"):
            if name in counts:
                counts[name] = suppress_value(counts[name], d.rule)
        context["counts"] = counts
    if request.endpoint == "pathways.pathways":
        for name in ("families", "cohort_families"):
            if name in context:
                context[name] = suppress_value(context[name], d.rule)
    if request.endpoint == "overview.overview" and context.get("headline"):
        headline = {k: suppress_value(v, d.rule) for k, v in context["headline"].items()}
        cells += sum(1 for k, v in headline.items() if v is None and context["headline"][k])
        context["headline"] = headline
    return cells


def deidentify_context(context: dict[str, Any]) -> dict[str, Any]:
    """The page's context as the current user may see it (unchanged for identified roles)."""
    d = viewer()
    if d is None:
        return context
    if request.endpoint == "families.family":
        d = replace(d, first_contact=(context.get("summary") or {}).get("first_contact"))
    shown = _walk(dict(context), None, d)
    cells = _suppress_tables(shown, d)
    shown["disclosure"] = {
        "deidentified": True,
        "rule": d.rule.name,
        "suppressed_cells": cells,
        "description": d.rule.describe(),
        "dates": "days since the first contact" if d.first_contact is not None else "months",
    }
    return shown


def deidentify_frame(frame: pd.DataFrame, *, first_contact: object = None) -> pd.DataFrame:
    """A frame for export as the current user may see it: pseudonyms, months, merged areas.

    With ``first_contact`` (one family's download) dates become days since it,
    as on the family's page, instead of months.
    """
    d = viewer()
    if d is None:
        return frame
    out = frame.copy()
    when = month_of if first_contact is None else replace(d, first_contact=first_contact).when
    for column, kind in _ID_KINDS.items():
        if column in out.columns:
            out[column] = out[column].map(lambda v, kind=kind: d.id(v, kind))
    if "area" in out.columns:
        out["area"] = out["area"].map(d.area)
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].map(when).astype(object)
    return out


def family_pseudonym(family_id: str) -> str:
    """The family's pseudonym (as de-identified pages show it), for any role's export."""
    return keyed(_key(), family_id)


def suppressed_counts_up_to() -> int | None:
    """For the current user, the largest count the aggregate maps leave out (None: all shown)."""
    d = viewer()
    return None if d is None else d.rule.highest


def row_filter():
    """For the current user, a function de-identifying a family's rows for its maps (or None)."""
    d = viewer()
    if d is None:
        return None
    from web.privacy_rows import deidentify_rows

    return lambda rows: deidentify_rows(rows, d)


def install(app: Flask) -> None:
    """Register :func:`deidentify_context` as the context filter :func:`web.render.respond` runs."""
    app.extensions["journey.context_filter"] = deidentify_context
