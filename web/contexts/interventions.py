"""The intervention-points page: early-warning agencies and broker agencies of the population."""

from __future__ import annotations

from typing import Any

from web.contexts.common import analysis_status, records
from web.data import ServiceData

__all__ = ["interventions_context"]

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

    Early-warning agencies are ordered by the share of escalating families they
    saw first, broker agencies by betweenness on the agency flow graph.
    """
    early = data.result("intervention_agencies")
    if early is not None and "share_seen_first" in early.columns:
        early = early.sort_values(
            ["share_seen_first", "agency"], ascending=[False, True], kind="mergesort"
        )
    brokers = data.result("broker_agencies")
    if brokers is not None and "betweenness" in brokers.columns:
        brokers = brokers.sort_values(
            ["betweenness", "agency"], ascending=[False, True], kind="mergesort"
        )
    parameters = data.parameters()
    return {
        "page_title": "Intervention points",
        **analysis_status(data),
        "escalation": parameters.get(
            "escalation", "first contact with children's social care or a child protection plan"
        ),
        "early_warning_agencies": records(early, EARLY_COLUMNS),
        "broker_agencies": records(brokers, BROKER_COLUMNS),
    }
