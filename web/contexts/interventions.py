"""The intervention-points page: early-warning agencies and broker agencies of the population."""

from __future__ import annotations

from typing import Any

from web.contexts.common import analysis_meta, records
from web.data import ServiceData

__all__ = ["interventions_context", "interventions_page", "EARLY_COLUMNS", "BROKER_COLUMNS"]

EARLY_COLUMNS = [
    "agency",
    "escalating_families",
    "seen_first",
    "share_seen_first",
    "median_lead_days",
    "lift",
]
BROKER_COLUMNS = ["agency", "betweenness", "pagerank"]


def interventions_context(data: ServiceData) -> dict[str, Any]:
    """Agencies that saw escalating families first (share, lead time, lift) and broker agencies.

    Both tables are in the order the analysis gave them: early-warning
    agencies by families seen first, then families seen before escalating,
    then name (:func:`journey.escalation.escalation_lead_times`); broker
    agencies by betweenness, then PageRank, then name
    (:func:`journey.escalation.broker_agencies`).

    Raises
    ------
    NotAnalysed
        Before any analysis (503).
    """
    early = data.analysed_result("intervention_agencies")
    brokers = data.analysed_result("broker_agencies")
    return {
        "analysis": analysis_meta(data),
        "early_warning_agencies": records(early, EARLY_COLUMNS),
        "broker_agencies": records(brokers, BROKER_COLUMNS),
    }


def interventions_page(context: dict[str, Any]) -> dict[str, Any]:
    """What only the page needs: the escalation event in words, from the run's parameters."""
    parameters = (context["analysis"] or {}).get("parameters") or {}
    return {"escalation": parameters.get("escalation")}
