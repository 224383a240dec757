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
``min_uncoordinated``, ``min_uncoordinated_share``
    at least this many uncoordinated contacts / at least this percentage (0-100)
    of the family's contacts uncoordinated.
``high_contact``, ``eligible``, ``not_yet_found``, ``escalated``
    yes/no on the stored flags (``not_yet_found``: eligible but no lead professional).
``child_before_age``
    yes/no: a child of the family was high-contact before the ``by_age``
    birthday (``children_high_contact_before_age`` of the stored list).
``lead``
    ``with`` (had a lead professional at some time), ``never`` (never had one;
    ``without`` is the same, for old links), ``now`` (one is active at the
    analysis's time) or ``none_now`` (none active then: never had one, or it ended).
``sort`` and ``order`` (``asc``/``desc``), ``page`` and ``per_page``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd
from werkzeug.exceptions import BadRequest

from journey.parameters import AnalysisParameters
from web.contexts.common import analysis_meta, records
from web.contexts.families_filters import FILTERS, LEAD_ALIASES, LEAD_CHOICES, active_filters
from web.data import ServiceData
from web.params import (
    choice_param,
    date_param,
    flag_param,
    int_param,
    number_param,
    text_param,
)

__all__ = [
    "FamilyQuery",
    "SORTABLE",
    "parse_family_query",
    "filter_families",
    "families_context",
    "families_page",
    "families_csv_frame",
    "families_form_error",
    "indicator_names",
    "PAGE_SIZES",
]

# Columns the list can be sorted by (the whitelist), with their headings and how a cell reads:
# "family" (a link with its flags), "text", "number", "percent" (a share) or "date".
SORTABLE: dict[str, tuple[str, str]] = {
    "family_id": ("Family", "family"),
    "area": ("Area", "text"),
    "people": ("People", "number"),
    "contacts": ("Contacts", "number"),
    "agencies": ("Agencies", "number"),
    "peak_contacts": ("Peak contacts", "number"),
    "peak_agencies": ("Peak agencies", "number"),
    "uncoordinated": ("Uncoordinated", "number"),
    "uncoordinated_share": ("Uncoordinated share", "percent"),
    "indicator_count": ("Indicators", "number"),
    "children_high_contact_before_age": ("A child high-contact before 13", "number"),
    "first_eligible": ("Eligible from", "date"),
    "first_contact": ("First contact", "date"),
    "last_contact": ("Last contact", "date"),
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
    "children_high_contact_before_age",
    "first_eligible",
]
# The fields of each family record in the JSON twin and the page.
SHOWN = [*SORTABLE, "high_contact", "has_lead_professional", "lead_now", "not_yet_found",
         "escalated"]  # fmt: skip
# Text sorts A to Z first; numbers and dates largest or latest first.
_TEXT_SORTS = {column for column, (_, kind) in SORTABLE.items() if kind in ("family", "text")}
_NUMERIC_KINDS = {"number", "percent"}
# The page-size control's choices (the app's own page size is added when it is not one).
PAGE_SIZES = (25, 50, 100, 200)


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
    escalated: bool | None = None
    min_uncoordinated: int | None = None
    min_uncoordinated_share: float | None = None
    lead: str | None = None
    child_before_age: bool | None = None
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
            elif isinstance(value, float):
                value = f"{value:g}"
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
        escalated=flag_param(args, "escalated"),
        min_uncoordinated=int_param(args, "min_uncoordinated", minimum=0),
        min_uncoordinated_share=number_param(
            args, "min_uncoordinated_share", minimum=0, maximum=100
        ),
        lead=_lead(args),
        child_before_age=flag_param(args, "child_before_age"),
        sort=sort,
        order=choice_param(
            args, "order", ["asc", "desc"], default="asc" if sort in _TEXT_SORTS else "desc"
        ),
        page=int_param(args, "page", default=1, minimum=1),
        per_page=int_param(args, "per_page", default=per_page, minimum=1, maximum=max_per_page),
        default_per_page=per_page,
    )
    if query.start is not None and query.end is not None and query.start > query.end:
        error = BadRequest("Query parameter 'from' is after 'to': the date range is empty.")
        error.parameter = "to"
        raise error
    return query


def _lead(args: Mapping[str, str]) -> str | None:
    value = (args.get("lead") or "").strip()
    if value in LEAD_ALIASES:
        return LEAD_ALIASES[value]
    return choice_param(args, "lead", LEAD_CHOICES)


def filter_families(summary: pd.DataFrame, query: FamilyQuery) -> pd.DataFrame:
    """The rows of ``family_summary`` that pass ``query``'s filters, in its sort order."""
    keep = pd.Series(True, index=summary.index)
    for name, rows in FILTERS.items():
        value = getattr(query, name)
        if value is not None:
            keep &= rows(summary, value, query).to_numpy()
    keys = [query.sort] if query.sort == "family_id" else [query.sort, "family_id"]
    ascending = [query.order == "asc"] + [True] * (len(keys) - 1)
    return summary[keep].sort_values(
        keys, ascending=ascending, na_position="last", kind="mergesort"
    )


def known_indicators(data: ServiceData) -> list[str]:
    """The indicator names of the stored analysis's indicator set (or of the default set)."""
    meta = data.meta() or {}
    name = meta.get("indicator_set") or AnalysisParameters().indicator_set
    sets = data.taxonomy.indicator_sets
    return list(sets[name].indicators) if name in sets else []


def indicator_names(data: ServiceData) -> dict[str, str]:
    """Indicator code -> its readable name, for the stored analysis's indicator set."""
    meta = data.meta() or {}
    name = meta.get("indicator_set") or AnalysisParameters().indicator_set
    sets = data.taxonomy.indicator_sets
    return dict(sets[name].indicators) if name in sets else {}


def families_csv_frame(data: ServiceData, query: FamilyQuery) -> pd.DataFrame:
    """Every family passing the filters (all pages), all stored columns, in the list's order,
    with ``indicator_names`` (readable, ``; ``-joined) beside the ``indicators`` codes.

    Raises
    ------
    NotAnalysed
        Before any analysis (503).
    """
    chosen = filter_families(data.analysed_result("family_summary"), query).copy()
    if "indicators" in chosen:
        names = indicator_names(data)
        readable = chosen["indicators"].fillna("").astype(str).map(
            lambda codes: "; ".join(names.get(c, c) for c in codes.split(";") if c)
        )
        chosen.insert(chosen.columns.get_loc("indicators") + 1, "indicator_names", readable)
    return chosen


def _filters(query: FamilyQuery) -> dict[str, Any]:
    """The filters as typed values (None when not given), named as their query parameters."""
    names = {"start": "from", "end": "to"}
    fields = ["count", *FILTERS]
    filters = {names.get(name, name): getattr(query, name) for name in fields}
    for name in ("from", "to"):  # calendar dates, as the query gives them
        filters[name] = None if filters[name] is None else filters[name].date().isoformat()
    return filters


def families_context(data: ServiceData, query: FamilyQuery) -> dict[str, Any]:
    """One page of the filtered, sorted families list, with the values its filters accept.

    Raises
    ------
    NotAnalysed
        Before any analysis (503).
    BadRequest
        When ``query.page`` is past the last page.
    """
    summary = data.analysed_result("family_summary")
    chosen = filter_families(summary, query)
    pages = math.ceil(len(chosen) / query.per_page)
    if query.page > max(pages, 1):
        error = BadRequest(
            f"Query parameter 'page' is {query.page}: this list has {max(pages, 1)} page(s)."
        )
        error.parameter = "page"
        raise error
    start = (query.page - 1) * query.per_page
    return {
        "analysis": analysis_meta(data),
        "filters": _filters(query),
        "sort": query.sort,
        "order": query.order,
        "page": query.page,
        "per_page": query.per_page,
        "pages": pages,
        "total": len(chosen),
        "areas": sorted(summary["area"].dropna().astype(str).unique().tolist()),
        "indicators": known_indicators(data),
        "active_filters": active_filters(query, indicator_names(data)),
        "families": records(chosen.iloc[start : start + query.per_page], SHOWN),
    }


def families_form_error(
    data: ServiceData, args: Mapping[str, str], error: BadRequest, *, per_page: int
) -> dict[str, Any]:
    """The families page for a query with a bad value: the form as sent, the error beside
    its field (``errors``: parameter -> message) and no list."""
    summary = data.analysed_result("family_summary")
    field_name = getattr(error, "parameter", None) or "form"
    sent = {k: v for k, v in args.items() if isinstance(v, str)}
    return {
        "analysis": analysis_meta(data),
        "errors": {field_name: error.description},
        "query": sent,
        "sort": sent.get("sort") if sent.get("sort") in SORTABLE else "contacts",
        "order": "asc" if sent.get("order") == "asc" else "desc",
        "per_page": per_page,
        "page_sizes": _page_sizes(per_page, per_page),
        "lead_choices": LEAD_CHOICES,
        "default_per_page": per_page,
        "total": None,
        "pages": 0,
        "page": 1,
        "areas": sorted(summary["area"].dropna().astype(str).unique().tolist()),
        "indicators": known_indicators(data),
        "indicator_names": indicator_names(data),
        "active_filters": [],
        "families": [],
        "columns": [],
        "csv_query": {},
        "window_days": _window_days(analysis_meta(data)),
    }


def _page_sizes(default: int, current: int) -> list[int]:
    return sorted({*PAGE_SIZES, default, current})


def _window_days(analysis: dict[str, Any] | None) -> float:
    parameters = (analysis or {}).get("parameters") or {}
    # What count=peak counts over: the stored analysis' high-contact window.
    return parameters.get("window_days", AnalysisParameters().window_days)


def _column(name: str, query: FamilyQuery) -> dict[str, Any]:
    heading, kind = SORTABLE[name]
    first_order = "asc" if name in _TEXT_SORTS else "desc"
    if name == query.sort:
        # The sorted column's link turns the order round.
        next_order = "desc" if query.order == "asc" else "asc"
    else:
        next_order = first_order
    return {
        "name": name,
        "heading": heading,
        "kind": kind,
        "numeric": kind in _NUMERIC_KINDS,
        "next_order": next_order,
    }


def families_page(context: dict[str, Any], query: FamilyQuery) -> dict[str, Any]:
    """What only the families page needs: column headings, link parameters, the window's length.

    Parameters
    ----------
    context : dict
        From :func:`families_context`.
    query : FamilyQuery
        The list's validated query.
    """
    args = query.args()
    return {
        # Links add their own page; the CSV holds every page.
        "query": {k: v for k, v in args.items() if k != "page"},
        "csv_query": {k: v for k, v in args.items() if k not in {"page", "per_page"}},
        "columns": [_column(name, query) for name in DISPLAYED],
        "sort_heading": SORTABLE[query.sort][0],
        "window_days": _window_days(context["analysis"]),
        "page_sizes": _page_sizes(query.default_per_page, query.per_page),
        "lead_choices": LEAD_CHOICES,
        "default_per_page": query.default_per_page,
        "errors": {},
    }
