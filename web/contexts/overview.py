"""The overview page: how much is loaded, who stands out, contacts per month, top pathways."""

from __future__ import annotations

from typing import Any

import pandas as pd

from journey.parameters import AnalysisParameters
from web.contexts.common import analysis_meta, records, top
from web.data import ServiceData

__all__ = ["overview_context"]

STAND_OUT_COLUMNS = [
    "family_id",
    "area",
    "contacts",
    "agencies",
    "peak_contacts",
    "peak_agencies",
    "peak_start",
    "peak_end",
    "threshold_start",
    "first_crossed",
    "threshold_contacts",
    "threshold_agencies",
    "uncoordinated",
    "uncoordinated_share",
]


# Headline figures and the run's counts they are (journey.analysis.analyse counts them).
HEADLINE_COUNTS = {
    "high_contact": "high_contact_families",
    "eligible": "eligible_families",
    "not_yet_found": "not_yet_found",
    "escalated": "escalated_families",
}


def _headline(data: ServiceData) -> dict[str, int | None] | None:
    """The stored run's own counts of high-contact, eligible, not-yet-found, escalated families."""
    meta = data.meta()
    if meta is None:
        return None
    counts = meta.get("counts") or {}
    return {key: counts.get(name) for key, name in HEADLINE_COUNTS.items()}


def _with_children(
    headline: dict[str, int | None] | None, summary: pd.DataFrame | None
) -> dict[str, int | None] | None:
    """Add how many children were high-contact before the ``by_age`` birthday (from the list)."""
    if headline is None:
        return None
    column = "children_high_contact_before_age"
    if summary is None or column not in summary:
        return {**headline, "children_before_age": None}
    return {**headline, "children_before_age": int(summary[column].sum())}


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


def _most_uncoordinated(data: ServiceData, top_n: int) -> pd.DataFrame | None:
    """The first families of the analysis' ``uncoordinated_families`` (in its order), listed.

    The analysis ranks them (most uncoordinated contacts first, then family
    id); the family list adds the area and journey columns the table shows.
    """
    ranked = data.result("uncoordinated_families")
    summary = data.result("family_summary")
    if ranked is None or summary is None:
        return None
    chosen = ranked.loc[ranked["uncoordinated"] > 0, "family_id"].head(top_n)
    return summary.set_index("family_id").loc[chosen].reset_index()


def _threshold(analysis: dict[str, Any] | None) -> dict[str, int]:
    """The high-contact threshold the stored run used (the documented defaults before one)."""
    stored = (analysis or {}).get("parameters") or {}
    defaults = AnalysisParameters()
    names = ("min_contacts", "min_agencies", "window_days")
    return {name: int(stored.get(name, getattr(defaults, name))) for name in names}


def _overview(data: ServiceData, top_n: int) -> dict[str, Any]:
    first, last = data.store.date_range()
    summary = data.result("family_summary")
    high = None
    if summary is not None:
        # The analysis does not rank high-contact families; the overview lists the busiest.
        high = top(
            summary,
            "peak_contacts",
            top_n,
            where=summary["high_contact"].fillna(False).astype(bool),
        )
    pathways = data.result("pathways")
    if pathways is not None:
        pathways = pathways[pathways["cohort"] == "all"].head(top_n)  # the analysis' order
    monthly = _every_month(data.result("contacts_per_month"))
    analysis = analysis_meta(data)
    return {
        "counts": data.store.counts(),
        "date_range": {"first": first, "last": last},
        "analysed": analysis is not None,
        "analysis": analysis,
        "headline": _with_children(_headline(data), summary),
        "high_contact_families": records(high, STAND_OUT_COLUMNS),
        "threshold": _threshold(analysis),
        "uncoordinated_families": records(_most_uncoordinated(data, top_n), STAND_OUT_COLUMNS),
        "contacts_per_month": records(monthly, ["month", "contacts"]),
        "top_pathways": records(
            pathways, ["from_agency", "to_agency", "transitions", "families", "median_days"]
        ),
    }
