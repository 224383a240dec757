"""The intervention-points page: early-warning agencies per cohort, their ranking, broker agencies.

Reads the stored ``intervention_cohorts`` (one table per cohort, from
:func:`journey.cohorts.cohort_intervention`) and ``broker_agencies``. A store
analysed before ``intervention_cohorts`` existed answers 503 asking for
``journey analyse`` to be run again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from journey.cohorts import INTERVENTION_COHORTS
from journey.escalation import LEAD_CAP_DAYS, LIFT_CAP
from web.contexts.common import analysis_meta, records
from web.data import NotAnalysed, ServiceData
from web.params import choice_param

__all__ = [
    "interventions_context",
    "interventions_page",
    "parse_cohort",
    "EARLY_COLUMNS",
    "RANKING_COLUMNS",
    "BROKER_COLUMNS",
    "RERUN_ANALYSIS",
]

EARLY_COLUMNS = [
    "agency",
    "saw_before",
    "share_saw_before",
    "seen_first",
    "share_seen_first",
    "median_lead_first_days",
    "median_lead_days",
    "lift",
]
RANKING_COLUMNS = [
    "priority_rank",
    "agency",
    "saw_before",
    "share_saw_before",
    "median_lead_days",
    "lift",
    "priority",
]
BROKER_COLUMNS = ["agency", "betweenness", "pagerank"]

RERUN_ANALYSIS = (
    "The stored results come from an older version without intervention points per cohort: "
    "run `journey analyse` again, then reload this page."
)


def parse_cohort(args: Mapping[str, str]) -> str:
    """The ``cohort`` query parameter, ``all`` when absent (a bad value raises a 400)."""
    return choice_param(args, "cohort", INTERVENTION_COHORTS, default="all")


def interventions_context(data: ServiceData, cohort: str = "all") -> dict[str, Any]:
    """One cohort's early-warning agencies, its early-help ranking, and the broker agencies.

    ``early_warning_agencies`` keep the analysis' order (families seen first,
    then seen before escalating, then name; see
    :func:`journey.escalation.escalation_lead_times`); ``early_help_ranking``
    is by priority (:func:`journey.escalation.early_help_ranking`); broker
    agencies by betweenness, then PageRank, then name.

    Raises
    ------
    NotAnalysed
        Before any analysis, or when the stored run lacks the per-cohort results (503).
    """
    brokers = data.analysed_result("broker_agencies")
    cohorts = data.result("intervention_cohorts")
    if cohorts is None:
        raise NotAnalysed(RERUN_ANALYSIS)
    mine = cohorts[cohorts["cohort"] == cohort]
    early = mine.sort_values(
        ["seen_first", "saw_before", "agency"], ascending=[False, False, True], kind="mergesort"
    )
    ranking = mine.sort_values("priority_rank", kind="mergesort")
    return {
        "analysis": analysis_meta(data),
        "cohort": cohort,
        "cohort_label": INTERVENTION_COHORTS[cohort],
        "escalating_families": int(mine["escalating_families"].iloc[0]) if len(mine) else 0,
        "non_escalating_families": int(mine["non_escalating_families"].iloc[0])
        if len(mine)
        else 0,
        "early_warning_agencies": records(early, EARLY_COLUMNS),
        "early_help_ranking": records(ranking, RANKING_COLUMNS),
        "broker_agencies": records(brokers, BROKER_COLUMNS),
    }


def interventions_page(context: dict[str, Any]) -> dict[str, Any]:
    """What only the page needs: the cohorts, the escalation event and the comparison window."""
    parameters = (context["analysis"] or {}).get("parameters") or {}
    return {
        "cohorts": INTERVENTION_COHORTS,
        "escalation": parameters.get("escalation"),
        "comparison_days": parameters.get("comparison_days"),
        "lead_cap_days": LEAD_CAP_DAYS,
        "lift_cap": LIFT_CAP,
    }
