"""The Outcomes section of a family's page: each outcome of its plan, per lead-professional period.

Reads the stored ``outcomes_families`` and ``outcome_periods`` (the analysis
run's, with the shipped example plan), so the page agrees with the Outcomes
page and ``claims.csv``; the evidence contacts come from the family's rows.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from journey.outcome_plan import OutcomePlan, default_plan
from web.data import ServiceData

__all__ = ["family_outcomes", "evidence_reasons"]


def _plan(data: ServiceData) -> OutcomePlan:
    """The shipped plan, read from its file once per app (it never changes while serving)."""
    return data.cached(("default_plan",), default_plan, version=("shipped",))


def _evidence(ids: list[str], contacts: pd.DataFrame) -> list[dict[str, Any]]:
    """The evidence contacts with their time, agency and type, in journey order."""
    shown = contacts.drop_duplicates("contact_id").set_index("contact_id")
    return [{"contact_id": i, "occurred_at": shown.at[i, "occurred_at"],
             "agency": shown.at[i, "agency"], "contact_type": shown.at[i, "contact_type"]}
            for i in ids if i in shown.index]  # fmt: skip


def family_outcomes(data: ServiceData, family_id: str,
                    contacts: pd.DataFrame) -> dict[str, Any] | None:
    """The family's periods with their outcomes, or None when no outcomes are stored."""
    rows, periods = data.result("outcomes_families"), data.result("outcome_periods")
    if rows is None or periods is None:
        return None
    plan = _plan(data)
    labels = {o.id: (o.label or o.id, o.describe()) for o in plan.outcomes}
    mine = rows[rows["family_id"] == family_id]
    shown = []
    for period in periods[periods["family_id"] == family_id].itertuples(index=False):
        outcomes = []
        for row in mine[mine["lead_from"] == period.lead_from].itertuples(index=False):
            label, rule = labels.get(row.outcome, (row.outcome, row.rule))
            outcomes.append({
                "outcome": row.outcome, "label": label, "rule_text": rule,
                "indicator": row.indicator, "before": int(row.before), "after": int(row.after),
                "change_pct": None if pd.isna(row.change_pct) else float(row.change_pct),
                "due": bool(row.due), "met": bool(row.met), "sustained": bool(row.sustained),
                "sustained_on": None if pd.isna(row.sustained_on) else row.sustained_on,
                "evidence_contact_ids": list(row.evidence),
                "evidence": _evidence(list(row.evidence), contacts),
            })  # fmt: skip
        shown.append({
            "lead_from": period.lead_from,
            "lead_to": None if pd.isna(period.lead_to) else period.lead_to,
            "indicators": [i for i in str(period.indicators or "").split(";") if i],
            "meets_plan": bool(period.meets_plan),
            "plan_met_on": None if pd.isna(period.plan_met_on) else period.plan_met_on,
            "outcomes": outcomes,
        })  # fmt: skip
    return {"plan": plan.name, "periods": shown}


def evidence_reasons(data: ServiceData, family_id: str) -> dict[str, str]:
    """Contact id -> the outcomes it is evidence for, for the swimlane's highlighted contacts."""
    rows = data.result("outcomes_families")
    if rows is None:
        return {}
    labels = {o.id: o.label or o.id for o in _plan(data).outcomes}
    reasons: dict[str, list[str]] = {}
    for row in rows[rows["family_id"] == family_id].itertuples(index=False):
        for contact_id in row.evidence:
            named = reasons.setdefault(str(contact_id), [])
            label = labels.get(row.outcome, row.outcome)
            if label not in named:
                named.append(label)
    return {i: "evidence for: " + "; ".join(names) for i, names in reasons.items()}
