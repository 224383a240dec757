"""The Triage page: the morning triage list, its window, and the priority's stated weights.

The list comes from :func:`journey.triage_window.triage_list` (the same as
``journey triage``); the page adds the weights table and the form's values.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pandas as pd

from journey.triage import DEFAULT_TYPES, PRIORITY_WEIGHTS, TRIAGE_COLUMNS
from journey.triage_window import triage_list
from web.contexts.common import records
from web.data import ServiceData
from web.params import BadParameter, text_param

__all__ = ["TriageQuery", "parse_triage", "triage_context", "triage_page", "triage_tile",
           "FAMILIES_PER_PAGE"]

#: Families printed on one sheet (a page break follows every twelfth).
FAMILIES_PER_PAGE = 12
_TYPE = "a contact type such as domestic_incident (letters, digits and _ only)"

TriageQuery = tuple[pd.Timestamp | None, pd.Timestamp | None, tuple[str, ...]]


def _time(args: Mapping[str, str], name: str) -> pd.Timestamp | None:
    value = text_param(args, name, max_length=40)
    if value is None:
        return None
    try:
        return pd.Timestamp(datetime.fromisoformat(value)).tz_localize(None)
    except ValueError:
        raise BadParameter(name, value, "a date or date-time written YYYY-MM-DDTHH:MM") from None


def parse_triage(args: Mapping[str, str]) -> TriageQuery:
    """``since``, ``until`` and ``types`` (comma-separated) from the query string.

    A bad value raises :class:`~web.params.BadParameter` (400) naming it.
    """
    since, until = _time(args, "since"), _time(args, "until")
    if since is not None and until is not None and until <= since:
        raise BadParameter("until", args.get("until", ""), "a time after since")
    raw = text_param(args, "types", max_length=300)
    types = DEFAULT_TYPES if raw is None else tuple(t.strip() for t in raw.split(",") if t.strip())
    for name in types:
        if not name.replace("_", "").isalnum():
            raise BadParameter("types", raw or "", _TYPE)
    return since, until, types or DEFAULT_TYPES


def triage_context(data: ServiceData, query: TriageQuery) -> dict[str, Any]:
    """The triage list of ``query`` (its JSON twin), its window and the weights."""
    since, until, types = query
    found = triage_list(data.store, taxonomy=data.taxonomy, since=since, until=until, types=types)
    return {
        "since": found.since,
        "until": found.until,
        "types": list(found.types),
        "window_note": found.note,
        "analysed": data.result("family_summary") is not None,
        "family_count": len(found.families),
        "families": records(found.families, TRIAGE_COLUMNS),
        "priority_weights": [
            {"factor": name, "weight": weight, "counts": what, "at_most": cap}
            for name, (weight, what, cap) in PRIORITY_WEIGHTS.items()
        ],
    }


def triage_tile(data: ServiceData) -> dict[str, Any]:
    """The overview's tile: how many families this morning's default list holds, and since when."""
    def build() -> dict[str, Any]:
        found = triage_list(data.store, taxonomy=data.taxonomy)
        return {"families": len(found.families), "since": found.since, "moved": bool(found.note)}

    return data.cached(("triage-tile", pd.Timestamp.now().strftime("%Y-%m-%d %H")), build)


def triage_page(context: Mapping[str, Any]) -> dict[str, Any]:
    """What only the page needs: the form's values and the sheet size."""
    since = context["since"]
    return {
        "since_value": since.strftime("%Y-%m-%dT%H:%M"),
        "until_value": "" if context["until"] is None else context["until"].strftime(
            "%Y-%m-%dT%H:%M"),
        "types_value": ",".join(context["types"]),
        "per_page": FAMILIES_PER_PAGE,
    }
