"""The overview page: how much is loaded, who stands out, contacts per month, top pathways."""

from __future__ import annotations

from typing import Any

import pandas as pd

from web.contexts.common import analysis_status, records, top
from web.data import ServiceData

__all__ = ["overview_context"]

FAMILY_COLUMNS = [
    "family_id",
    "area",
    "contacts",
    "agencies",
    "peak_contacts",
    "peak_agencies",
    "peak_start",
    "peak_end",
    "uncoordinated",
    "uncoordinated_share",
]


def _headline(summary) -> dict[str, int] | None:
    if summary is None:
        return None
    flags = ["high_contact", "eligible", "not_yet_found", "escalated"]
    return {
        flag: int(summary[flag].fillna(False).astype(bool).sum())
        for flag in flags
        if flag in summary.columns
    }


def _every_month(monthly: pd.DataFrame | None) -> pd.DataFrame | None:
    """Months without contacts as zeros, so that the chart's bars are evenly spaced in time.

    Examples
    --------
    >>> _every_month(pd.DataFrame({"month": ["2021-11", "2022-01"], "contacts": [3, 4]}))
         month  contacts
    0  2021-11         3
    1  2021-12         0
    2  2022-01         4
    """
    if monthly is None or monthly.empty:
        return monthly
    months = pd.PeriodIndex(monthly["month"], freq="M")
    every = pd.period_range(months.min(), months.max(), freq="M")
    counts = pd.Series(monthly["contacts"].to_numpy(), index=months).reindex(every, fill_value=0)
    return pd.DataFrame({"month": every.strftime("%Y-%m"), "contacts": counts.to_numpy()})


def overview_context(data: ServiceData, *, top_n: int = 10) -> dict[str, Any]:
    """Counts, date range, the top high-contact and most-uncoordinated families, monthly contacts.

    Built once per data version (it reads whole-store aggregates) and shared
    between requests; callers must not mutate it.

    Parameters
    ----------
    data : ServiceData
        The app's store and caches.
    top_n : int, default 10
        How many families and pathways each table lists.
    """
    return data.cached(("overview", top_n), lambda: _overview(data, top_n))


def _overview(data: ServiceData, top_n: int) -> dict[str, Any]:
    first, last = data.store.date_range()
    summary = data.result("family_summary")
    high = None
    if summary is not None and "high_contact" in summary.columns:
        high = top(
            summary,
            "peak_contacts",
            top_n,
            where=summary["high_contact"].fillna(False).astype(bool),
        )
    uncoordinated = None
    if summary is not None and "uncoordinated" in summary.columns:
        uncoordinated = top(summary, "uncoordinated", top_n, where=summary["uncoordinated"] > 0)
    pathways = data.result("pathways")
    if pathways is not None:
        pathways = top(pathways[pathways["cohort"] == "all"], "transitions", top_n)
    monthly = _every_month(data.result("contacts_per_month"))
    return {
        "page_title": "Overview",
        "counts": data.store.counts(),
        "date_range": {"first": first, "last": last},
        **analysis_status(data),
        "headline": _headline(summary),
        "high_contact_families": records(high, FAMILY_COLUMNS),
        "uncoordinated_families": records(uncoordinated, FAMILY_COLUMNS),
        "contacts_per_month": records(monthly, ["month", "contacts"]),
        "top_pathways": records(
            pathways, ["from_agency", "to_agency", "transitions", "families", "median_days"]
        ),
    }
