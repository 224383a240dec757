"""Key-worker caseloads: each worker's and team's open families, and whether things are calming.

A family is on a worker's caseload on ``as_of`` when a lead-professional
period naming that worker (``lead_worker``) started on or before that day and
has not ended before it. For each such family (docs/operations.md#key-worker-caseloads):

* ``days_since_allocation``: whole days from the day of ``lead_from`` to ``as_of``;
* the comparison window: N = the days since allocation, today included, at
  most ``window_days``; *since* is the N days from the day of allocation,
  *before* the N days before it;
* ``contacts_since`` and ``contacts_before``: distinct contacts in each (the
  before/after comparison until outcome plans exist);
* ``parallel_since`` and ``parallel_before``: those of them that are
  *uncoordinated contacts* by the rule of :mod:`journey.uncoordinated` with
  its first condition dropped (another agency, not the referrer, in contact
  in the previous ``parallel_days`` days; not a multi-agency meeting) — the
  analysis itself counts none during a lead period. A key worker's
  coordination should make them fall;
* ``new_incidents``: contacts of :data:`INCIDENT_TYPES` in the 30 days to ``as_of``;
* ``over_18_months``: allocated more than 548 days ago (18 months).

``workers`` and ``teams`` sum these per worker and per team. Periods without a
worker's name are counted under ``unnamed``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from journey.contract import require_columns
from journey.taxonomy import Taxonomy
from journey.uncoordinated import uncoordinated

__all__ = [
    "INCIDENT_TYPES",
    "LONG_DAYS",
    "FAMILY_COLUMNS",
    "WORKER_COLUMNS",
    "TEAM_COLUMNS",
    "Caseloads",
    "caseloads",
    "plan_progress",
]

INCIDENT_TYPES = frozenset({"incident", "domestic_incident", "arrest", "emergency_attendance"})
#: 18 months in days: a family allocated longer is listed for review.
LONG_DAYS = 548
UNNAMED = "unnamed"
FAMILY_COLUMNS = [
    "lead_team", "lead_worker", "family_id", "lead_from", "days_since_allocation",
    "parallel_before", "parallel_since", "contacts_before", "contacts_since", "new_incidents",
    "over_18_months",
]  # fmt: skip
_SUMMED = ["parallel_before", "parallel_since", "contacts_before", "contacts_since",
           "new_incidents", "over_18_months"]  # fmt: skip
WORKER_COLUMNS = ["lead_team", "lead_worker", "families", "median_days", *_SUMMED]
TEAM_COLUMNS = ["lead_team", "workers", "families", "median_days", *_SUMMED]
_DAY = pd.Timedelta(days=1)


@dataclass(frozen=True, eq=False)
class Caseloads:
    """Open families (``families``), per worker (``workers``) and per team (``teams``)."""

    families: pd.DataFrame
    workers: pd.DataFrame
    teams: pd.DataFrame
    as_of: pd.Timestamp


def _open_periods(lead_periods: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    day = as_of.normalize()
    periods = lead_periods.reindex(columns=["family_id", "lead_from", "lead_to", "lead_worker",
                                            "lead_team"])  # fmt: skip
    on = periods[(periods["lead_from"] <= day + _DAY - pd.Timedelta(1))
                 & (periods["lead_to"].isna() | (periods["lead_to"] >= day))]  # fmt: skip
    on = on.sort_values("lead_from").drop_duplicates("family_id", keep="last")
    names = {"lead_worker": UNNAMED, "lead_team": UNNAMED}
    return on.fillna(names).reset_index(drop=True)


def _family_row(period: pd.Series, mine: pd.DataFrame, flags: pd.DataFrame,
                as_of: pd.Timestamp, window_days: int) -> dict:
    start, end = period["lead_from"].normalize(), as_of.normalize() + _DAY
    days = int((as_of.normalize() - start) / _DAY)
    span = min(days + 1, window_days) * _DAY  # the days since allocation, today included
    once = mine.drop_duplicates("contact_id")
    since = once[(once["occurred_at"] >= start) & (once["occurred_at"] < start + span)]
    before = once[(once["occurred_at"] >= start - span) & (once["occurred_at"] < start)]
    parallel = set(flags.loc[flags["uncoordinated"].astype(bool), "contact_id"])
    recent = once[(once["occurred_at"] >= end - 30 * _DAY) & (once["occurred_at"] < end)]
    return {
        "lead_team": period["lead_team"], "lead_worker": period["lead_worker"],
        "family_id": period["family_id"], "lead_from": period["lead_from"],
        "days_since_allocation": days,
        "parallel_before": int(before["contact_id"].isin(parallel).sum()),
        "parallel_since": int(since["contact_id"].isin(parallel).sum()),
        "contacts_before": len(before), "contacts_since": len(since),
        "new_incidents": int(recent["contact_type"].isin(INCIDENT_TYPES).sum()),
        "over_18_months": days > LONG_DAYS,
    }  # fmt: skip


def _summary(families: pd.DataFrame, keys: list[str], columns: list[str]) -> pd.DataFrame:
    if families.empty:
        return pd.DataFrame(columns=columns)
    grouped = families.groupby(keys, sort=True)
    table = grouped[_SUMMED].sum()
    table["families"] = grouped.size()
    table["median_days"] = grouped["days_since_allocation"].median()
    if "workers" in columns:
        table["workers"] = grouped["lead_worker"].nunique()
    table["over_18_months"] = table["over_18_months"].astype("int64")
    return table.reset_index()[columns]


def caseloads(
    contacts: pd.DataFrame,
    lead_periods: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    parallel_days: float = 30,
    window_days: int = 365,
    taxonomy: Taxonomy | None = None,
) -> Caseloads:
    """Every open family on ``as_of`` with its figures, and their sums per worker and team.

    Parameters
    ----------
    contacts : DataFrame
        Contract contact rows of (at least) the families with an open period.
    lead_periods : DataFrame
        ``family_id, lead_from, lead_to`` and optionally ``lead_worker, lead_team``.
    as_of : Timestamp
        The day of the caseloads (whole day).
    parallel_days : float, default 30
        As :func:`journey.uncoordinated.uncoordinated`.
    window_days : int, default 365
        The longest before/after comparison window.
    taxonomy : Taxonomy, optional
        Multi-agency meeting types; the shipped taxonomy by default.

    Returns
    -------
    Caseloads
        ``families`` (:data:`FAMILY_COLUMNS`, by team, worker, then longest
        allocated first), ``workers`` (:data:`WORKER_COLUMNS`), ``teams``
        (:data:`TEAM_COLUMNS`).
    """
    require_columns(contacts, ["contact_id", "person_id", "family_id", "agency", "contact_type",
                               "occurred_at"])  # fmt: skip
    require_columns(lead_periods, ["family_id", "lead_from", "lead_to"], "lead_periods")
    periods = _open_periods(lead_periods, as_of)
    mine = contacts[contacts["family_id"].isin(periods["family_id"])
                    & (contacts["occurred_at"] < as_of.normalize() + _DAY)]  # fmt: skip
    flags = (uncoordinated(mine, None, parallel_days=parallel_days, taxonomy=taxonomy).contacts
             if len(mine) else pd.DataFrame(columns=["family_id", "contact_id", "uncoordinated"]))
    rows = [
        _family_row(period, mine[mine["family_id"] == period["family_id"]],
                    flags[flags["family_id"] == period["family_id"]], as_of, window_days)
        for _, period in periods.iterrows()
    ]  # fmt: skip
    families = pd.DataFrame(rows, columns=FAMILY_COLUMNS)
    if len(families):
        families = families.sort_values(
            ["lead_team", "lead_worker", "days_since_allocation", "family_id"],
            ascending=[True, True, False, True]).reset_index(drop=True)
    return Caseloads(
        families=families,
        workers=_summary(families, ["lead_team", "lead_worker"], WORKER_COLUMNS),
        teams=_summary(families, ["lead_team"], TEAM_COLUMNS),
        as_of=as_of.normalize(),
    )


def plan_progress(families: pd.DataFrame, outcome_periods: pd.DataFrame | None) -> pd.Series:
    """Each open family's outcome-plan progress in its current period, from the stored
    ``outcome_periods`` (docs/analyses.md#outcomes): ``met`` (it meets its plan), ``on track``
    (every outcome that applies is met, not yet all sustained), ``at risk`` (some not met, or
    not yet due), ``no outcome applies``; missing when no outcomes are stored.

    Examples
    --------
    >>> open_ = pd.DataFrame({"family_id": ["F1", "F2", "F3", "F4"],
    ...                       "lead_from": pd.to_datetime(["2021-01-01"] * 4)})
    >>> stored = pd.DataFrame({"family_id": ["F1", "F2", "F3"],
    ...                        "lead_from": pd.to_datetime(["2021-01-01"] * 3),
    ...                        "outcomes": [2, 2, 0], "met": [2, 1, 0],
    ...                        "meets_plan": [False, False, False]})
    >>> plan_progress(open_, stored).tolist()
    ['on track', 'at risk', 'no outcome applies', None]
    """
    if outcome_periods is None or families.empty:
        return pd.Series([None] * len(families), index=families.index, dtype=object)
    stored = outcome_periods.assign(lead_from=pd.to_datetime(outcome_periods["lead_from"]))
    stored = stored.set_index(["family_id", "lead_from"])
    keys = zip(families["family_id"], pd.to_datetime(families["lead_from"]), strict=True)
    progress = []
    for key in keys:
        if key not in stored.index:
            progress.append(None)
            continue
        row = stored.loc[key]
        row = row.iloc[0] if isinstance(row, pd.DataFrame) else row
        if int(row["outcomes"]) == 0:
            progress.append("no outcome applies")
        elif bool(row["meets_plan"]):
            progress.append("met")
        elif int(row["met"]) == int(row["outcomes"]):
            progress.append("on track")
        else:
            progress.append("at risk")
    return pd.Series(progress, index=families.index, dtype=object)
