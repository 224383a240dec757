"""The families list's filters: one row per filter, what it keeps and how it reads.

Adding a filter: a :class:`web.contexts.families.FamilyQuery` field, its parsing
in :func:`web.contexts.families.parse_family_query`, a row in :data:`FILTERS`, a
label in :data:`LABELS` and its form field in ``families.html``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

__all__ = ["FILTERS", "LABELS", "LEAD_CHOICES", "LEAD_ALIASES", "active_filters"]

# The lead-professional choices: value -> (label, column, wanted value of the column).
LEAD_CHOICES: dict[str, tuple[str, str, bool]] = {
    "with": ("had a lead professional at some time", "has_lead_professional", True),
    "never": ("never had a lead professional", "has_lead_professional", False),
    "now": ("has a lead professional now", "lead_now", True),
    "none_now": ("no lead professional now (never had one, or it ended)", "lead_now", False),
}
LEAD_ALIASES = {"without": "never"}


def _flag(summary: pd.DataFrame, column: str) -> pd.Series:
    if column not in summary:  # a store analysed before the column existed
        return pd.Series(False, index=summary.index)
    return summary[column].fillna(False).astype(bool)


def _counted(summary: pd.DataFrame, query: Any, what: str) -> pd.Series:
    column = f"peak_{what}" if query.count == "peak" else what
    return summary[column].fillna(0)


def _has_indicator(summary: pd.DataFrame, code: str) -> pd.Series:
    evidenced = ";" + summary["indicators"].fillna("").astype(str) + ";"
    return evidenced.str.contains(f";{code};", regex=False)


def _yes_no(column: str) -> Callable[[pd.DataFrame, Any, Any], pd.Series]:
    return lambda summary, wanted, query: _flag(summary, column) == wanted


def _lead_rows(summary: pd.DataFrame, lead: str, query: Any) -> pd.Series:
    _, column, wanted = LEAD_CHOICES[lead]
    return _flag(summary, column) == wanted


# The filters: Any field -> the rows it keeps (given the summary, its value, the query).
FILTERS: dict[str, Callable[[pd.DataFrame, Any, Any], pd.Series]] = {
    "min_contacts": lambda s, n, q: _counted(s, q, "contacts") >= n,
    "min_agencies": lambda s, n, q: _counted(s, q, "agencies") >= n,
    "start": lambda s, day, q: s["last_contact"] >= day,
    "end": lambda s, day, q: s["first_contact"] < day + pd.Timedelta(days=1),
    "area": lambda s, area, q: s["area"] == area,
    "indicator": lambda s, code, q: _has_indicator(s, code),
    "min_uncoordinated": lambda s, n, q: s["uncoordinated"].fillna(0) >= n,
    # A share in percent; compared in hundredths of a percent so that 97.2 keeps 0.972.
    "min_uncoordinated_share": lambda s, pct, q: (
        (s["uncoordinated_share"].fillna(0) * 10000).round() >= round(pct * 100)
    ),
    "high_contact": _yes_no("high_contact"),
    "eligible": _yes_no("eligible"),
    "not_yet_found": _yes_no("not_yet_found"),
    "escalated": _yes_no("escalated"),
    "lead": _lead_rows,
    "child_before_age": lambda s, wanted, q: (
        s.get("children_high_contact_before_age", pd.Series(0, index=s.index)).fillna(0) > 0
    ) == wanted,
}


# How the "active filters" summary names each filter: field -> text for its value.
LABELS: dict[str, Callable[[Any, Any, dict[str, str]], str]] = {
    "min_contacts": lambda n, q, _: f"at least {n} contacts" + _within(q),
    "min_agencies": lambda n, q, _: f"at least {n} agencies" + _within(q),
    "start": lambda day, q, _: f"in contact on or after {day:%d %b %Y}",
    "end": lambda day, q, _: f"in contact on or before {day:%d %b %Y}",
    "area": lambda area, q, _: f"area {area}",
    "indicator": lambda code, q, names: f"indicator: {names.get(code, code)}",
    "min_uncoordinated": lambda n, q, _: f"at least {n} uncoordinated contacts",
    "min_uncoordinated_share": lambda pct, q, _: f"at least {pct:g}% uncoordinated",
    "high_contact": lambda v, q, _: "high-contact" if v else "not high-contact",
    "eligible": lambda v, q, _: "eligible" if v else "not eligible",
    "not_yet_found": lambda v, q, _: "eligible but not yet found" if v else "not 'not yet found'",
    "escalated": lambda v, q, _: "escalated" if v else "not escalated",
    "lead": lambda lead, q, _: LEAD_CHOICES[lead][0],
    "child_before_age": lambda v, q, _: (
        "a child high-contact before 13" if v else "no child high-contact before 13"
    ),
}


def _within(query: Any) -> str:
    return " in the busiest window" if query.count == "peak" else ""


def active_filters(query: Any, names: dict[str, str]) -> list[str]:
    """The filters the list used, in words (empty when none), in the order of :data:`FILTERS`."""
    return [
        LABELS[name](getattr(query, name), query, names)
        for name in FILTERS
        if getattr(query, name) is not None
    ]
