"""The families list: filters, whitelisted sorting, pagination and the CSV of the filtered list.

Filters (query parameters; all optional, combined with AND):

``min_contacts``, ``min_agencies``
    at least this many contacts / distinct agencies. With ``count=total`` (the
    default) over the whole journey; with ``count=peak`` within the family's
    busiest rolling window (``window_days`` of the stored analysis, 365 by
    default), i.e. "high-contact within the window" at your own thresholds.
``from``, ``to`` (YYYY-MM-DD)
    families whose journey (first to last contact) overlaps these dates, both
    inclusive.
``area``
    the family's area, exactly.
``indicator``
    the family has evidenced this headline indicator.
``high_contact``, ``eligible``, ``not_yet_found``
    yes/no on the stored flags (``not_yet_found``: eligible but no lead professional).
``lead``
    ``with`` or ``without`` a lead professional at any time.
``sort`` and ``order`` (``asc``/``desc``), ``page`` and ``per_page``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd
from werkzeug.exceptions import BadRequest

from web.contexts.common import analysis_status, records
from web.data import ServiceData
from web.params import choice_param, date_param, flag_param, int_param, text_param

__all__ = [
    "FamilyQuery",
    "SORTABLE",
    "parse_family_query",
    "filter_families",
    "families_context",
    "families_csv_frame",
]

# Columns the list can be sorted by (the whitelist), with their headings.
SORTABLE: dict[str, str] = {
    "family_id": "Family",
    "area": "Area",
    "people": "People",
    "contacts": "Contacts",
    "agencies": "Agencies",
    "peak_contacts": "Peak contacts",
    "peak_agencies": "Peak agencies",
    "uncoordinated": "Uncoordinated",
    "uncoordinated_share": "Uncoordinated share",
    "indicator_count": "Indicators",
    "first_eligible": "Eligible from",
    "first_contact": "First contact",
    "last_contact": "Last contact",
}
# The table's sortable columns, in order (the rest stay sortable by URL and in the JSON).
DISPLAYED = [
    "family_id",
    "area",
    "people",
    "contacts",
    "agencies",
    "peak_contacts",
    "peak_agencies",
    "uncoordinated",
    "uncoordinated_share",
    "indicator_count",
    "first_eligible",
]
SHOWN = [*SORTABLE, "high_contact", "has_lead_professional", "not_yet_found"]
_TEXT_SORTS = {"family_id", "area"}


@dataclass(frozen=True)
class FamilyQuery:
    """The families list's validated filters, sort and page."""

    min_contacts: int | None = None
    min_agencies: int | None = None
    count: str = "total"
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    area: str | None = None
    indicator: str | None = None
    high_contact: bool | None = None
    eligible: bool | None = None
    not_yet_found: bool | None = None
    lead: str | None = None
    sort: str = "contacts"
    order: str = "desc"
    page: int = 1
    per_page: int = 50
    # The app's page size: left out of links when per_page equals it.
    default_per_page: int = field(default=50, compare=False)

    def args(self, **changes: Any) -> dict[str, str]:
        """Query parameters that reproduce this query (with ``changes``), defaults left out."""
        values = {**asdict(self), **changes}
        names = {"start": "from", "end": "to"}
        defaults = asdict(FamilyQuery(per_page=self.default_per_page))
        out = {}
        for key, value in values.items():
            if key == "default_per_page" or value is None or value == defaults[key]:
                continue
            if isinstance(value, pd.Timestamp):
                value = value.strftime("%Y-%m-%d")
            elif isinstance(value, bool):
                value = "1" if value else "0"
            out[names.get(key, key)] = str(value)
        return out


def parse_family_query(
    args: Mapping[str, str], *, indicators: list[str], per_page: int = 50, max_per_page: int = 500
) -> FamilyQuery:
    """Validate the families list's query parameters (a bad value raises a 400 BadRequest)."""
    sort = choice_param(args, "sort", SORTABLE, default="contacts")
    query = FamilyQuery(
        min_contacts=int_param(args, "min_contacts", minimum=0),
        min_agencies=int_param(args, "min_agencies", minimum=0),
        count=choice_param(args, "count", ["total", "peak"], default="total"),
        start=date_param(args, "from"),
        end=date_param(args, "to"),
        area=text_param(args, "area"),
        indicator=choice_param(args, "indicator", indicators),
        high_contact=flag_param(args, "high_contact"),
        eligible=flag_param(args, "eligible"),
        not_yet_found=flag_param(args, "not_yet_found"),
        lead=choice_param(args, "lead", ["with", "without"]),
        sort=sort,
        order=choice_param(
            args, "order", ["asc", "desc"], default="asc" if sort in _TEXT_SORTS else "desc"
        ),
        page=int_param(args, "page", default=1, minimum=1),
        per_page=int_param(args, "per_page", default=per_page, minimum=1, maximum=max_per_page),
        default_per_page=per_page,
    )
    if query.start is not None and query.end is not None and query.start > query.end:
        raise BadRequest("Query parameter 'from' is after 'to': the date range is empty.")
    return query


def _flag(summary: pd.DataFrame, column: str) -> pd.Series:
    return summary[column].fillna(False).astype(bool)


def filter_families(summary: pd.DataFrame, query: FamilyQuery) -> pd.DataFrame:
    """The rows of ``family_summary`` that pass ``query``'s filters, in its sort order."""
    keep = pd.Series(True, index=summary.index)
    contacts, agencies = (
        ("peak_contacts", "peak_agencies") if query.count == "peak" else ("contacts", "agencies")
    )
    if query.min_contacts is not None:
        keep &= summary[contacts].fillna(0) >= query.min_contacts
    if query.min_agencies is not None:
        keep &= summary[agencies].fillna(0) >= query.min_agencies
    if query.start is not None:
        keep &= summary["last_contact"] >= query.start
    if query.end is not None:
        keep &= summary["first_contact"] < query.end + pd.Timedelta(days=1)
    if query.area is not None:
        keep &= summary["area"] == query.area
    if query.indicator is not None:
        evidenced = ";" + summary["indicators"].fillna("").astype(str) + ";"
        keep &= evidenced.str.contains(f";{query.indicator};", regex=False)
    for flag in ("high_contact", "eligible", "not_yet_found"):
        wanted = getattr(query, flag)
        if wanted is not None:
            keep &= _flag(summary, flag) == wanted
    if query.lead is not None:
        keep &= _flag(summary, "has_lead_professional") == (query.lead == "with")
    keys = [query.sort] if query.sort == "family_id" else [query.sort, "family_id"]
    ascending = [query.order == "asc"] + [True] * (len(keys) - 1)
    return summary[keep].sort_values(
        keys, ascending=ascending, na_position="last", kind="mergesort"
    )


def known_indicators(data: ServiceData) -> list[str]:
    """The indicator names of the stored analysis's indicator set (or of the default set)."""
    meta = data.meta() or {}
    name = meta.get("indicator_set") or "tf2015"
    sets = data.taxonomy.indicator_sets
    return list(sets[name].indicators) if name in sets else []


def families_csv_frame(data: ServiceData, query: FamilyQuery) -> pd.DataFrame | None:
    """Every family passing the filters (all pages), all stored columns; None before analysis."""
    summary = data.result("family_summary")
    return None if summary is None else filter_families(summary, query)


def families_context(data: ServiceData, query: FamilyQuery) -> dict[str, Any]:
    """One page of the filtered, sorted families list, with what the filter form needs.

    Raises
    ------
    BadRequest
        When ``query.page`` is past the last page.
    """
    summary = data.result("family_summary")
    context: dict[str, Any] = {
        "page_title": "Families",
        **analysis_status(data),
        # Links add their own page; the CSV holds every page.
        "query": {k: v for k, v in query.args().items() if k != "page"},
        "csv_query": {k: v for k, v in query.args().items() if k not in {"page", "per_page"}},
        "sort": query.sort,
        "order": query.order,
        "columns": {column: SORTABLE[column] for column in DISPLAYED},
        "window_days": data.parameters().get("window_days", 365),
        "areas": [],
        "indicators": known_indicators(data),
        "total": 0,
        "page": query.page,
        "per_page": query.per_page,
        "pages": 0,
        "families": [],
    }
    if summary is None:
        return context
    chosen = filter_families(summary, query)
    pages = math.ceil(len(chosen) / query.per_page)
    if query.page > max(pages, 1):
        raise BadRequest(
            f"Query parameter 'page' is {query.page}: this list has {max(pages, 1)} page(s)."
        )
    start = (query.page - 1) * query.per_page
    context.update(
        areas=sorted(summary["area"].dropna().astype(str).unique().tolist()),
        total=len(chosen),
        pages=pages,
        families=records(chosen.iloc[start : start + query.per_page], SHOWN),
    )
    return context
