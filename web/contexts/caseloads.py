"""The Caseloads page: per team and worker, the open families and whether things are calming.

Reads the open lead-professional periods and those families' contacts from
the store and runs :func:`journey.caseloads.caseloads` on the day of the
store's latest contact (an extract's "today"), or ``?as_of=``. ``?worker=``
shows one worker's own families only, ``?team=`` one team's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from journey.caseloads import (
    FAMILY_COLUMNS,
    LONG_DAYS,
    TEAM_COLUMNS,
    WORKER_COLUMNS,
    caseloads,
    plan_progress,
)
from journey.store import ContactFilter
from web.contexts.common import records
from web.data import ServiceData
from web.params import BadParameter, date_param, text_param

__all__ = ["CaseloadQuery", "parse_caseloads", "caseloads_context", "caseloads_page"]

CaseloadQuery = tuple[str | None, str | None, pd.Timestamp | None]


def parse_caseloads(args: Mapping[str, str]) -> CaseloadQuery:
    """``worker``, ``team`` and ``as_of`` (YYYY-MM-DD) from the query string."""
    return (text_param(args, "worker", max_length=200), text_param(args, "team", max_length=200),
            date_param(args, "as_of"))  # fmt: skip


def _open_family_ids(periods: pd.DataFrame, day: pd.Timestamp) -> list[str]:
    on = periods[(periods["lead_from"] < day + pd.Timedelta(days=1))
                 & (periods["lead_to"].isna() | (periods["lead_to"] >= day))]  # fmt: skip
    return sorted(set(on["family_id"]))


def caseloads_context(data: ServiceData, query: CaseloadQuery) -> dict[str, Any]:
    """The caseloads of ``query`` (its JSON twin): teams, workers and their open families.

    A worker or team the day's caseloads do not hold is a 400 naming it.
    """
    worker, team, as_of = query
    last = data.store.date_range()[1]
    day = as_of if as_of is not None else pd.Timestamp(last or pd.Timestamp.now()).normalize()
    periods = data.store.lead_periods()
    ids = _open_family_ids(periods, day)
    contacts = [data.store.contacts(ContactFilter(family_id=f)) for f in ids]
    frame = pd.concat(contacts, ignore_index=True) if contacts else data.store.contacts(
        ContactFilter(family_id="\x00none"))
    result = caseloads(frame, periods, as_of=day, taxonomy=data.taxonomy)
    families, workers, teams = result.families, result.workers, result.teams
    progress = plan_progress(families, data.result("outcome_periods"))
    families = families.assign(plan_progress=progress)
    if worker is not None:
        if worker not in set(workers["lead_worker"]):
            raise BadParameter("worker", worker, "a worker with open families on that day")
        families = families[families["lead_worker"] == worker]
        workers = workers[workers["lead_worker"] == worker]
        teams = teams[teams["lead_team"].isin(workers["lead_team"])]
    if team is not None:
        if team not in set(teams["lead_team"]):
            raise BadParameter("team", team, "a team with open families on that day")
        families, workers = (families[families["lead_team"] == team],
                             workers[workers["lead_team"] == team])  # fmt: skip
        teams = teams[teams["lead_team"] == team]
    return {
        "as_of": day,
        "as_of_is_latest_contact": as_of is None,
        "worker": worker,
        "team": team,
        "long_days": LONG_DAYS,
        "teams": records(teams, TEAM_COLUMNS),
        "workers": records(workers, WORKER_COLUMNS),
        "families": records(families, [*FAMILY_COLUMNS, "plan_progress"]),
        "over_18_months": records(families[families["over_18_months"]],
                                  [*FAMILY_COLUMNS, "plan_progress"]),
    }


def caseloads_page(context: Mapping[str, Any]) -> dict[str, Any]:
    """What only the page needs: its heading."""
    who = context["worker"] or context["team"]
    return {"heading": f"Caseload: {who}" if who else "Caseloads"}
