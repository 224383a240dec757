"""The Outcomes page: the plan's results, claims so far, the matched comparison, journey costs.

Reads the stored ``outcome_periods``, ``claims``, ``outcomes_cohort``,
``journey_costs`` and ``agency_costs`` (:mod:`journey.outcomes_run`, run by
``journey analyse`` with the shipped example plan). A store analysed before
they existed answers 503 asking for ``journey analyse`` to be run again.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from journey.claims import claim_totals
from journey.comparison import CONTACT_BINS
from journey.outcome_plan import default_plan
from web.charts import nice_step
from web.contexts.common import analysis_meta, records
from web.data import NotAnalysed, ServiceData

__all__ = ["outcomes_context", "change_chart", "RERUN_ANALYSIS", "RECENT_CLAIMS"]

RERUN_ANALYSIS = (
    "The stored results come from an older version without outcomes: run `journey analyse` "
    "again, then reload this page."
)
#: How many of the latest claims the page lists (the CSV has them all).
RECENT_CLAIMS = 50
COHORT_COLUMNS = [
    "measure", "label", "treated_families", "comparison_families", "strata",
    "unmatched_treated", "treated_before", "treated_after", "treated_change",
    "comparison_before", "comparison_after", "comparison_change", "difference", "ci_low",
    "ci_high",
]  # fmt: skip


def change_chart(cohort: list[dict[str, Any]], *, width: int = 480, row: int = 44) -> dict:
    """Geometry of the cohort chart: per measure, the treated and comparison mean change.

    Bars grow left (fewer contacts) or right (more) from a zero line; the
    template draws them, so labels pass through autoescaping.

    Examples
    --------
    >>> chart = change_chart([{"measure": "a", "label": "A", "treated_change": -2.0,
    ...                        "comparison_change": 1.0}])
    >>> [(b["group"], b["x"] < chart["zero"], b["value"]) for b in chart["bars"]]
    [('treated', True, -2.0), ('comparison', False, 1.0)]
    """
    left, right, top = 12, 12, 28
    values = [abs(float(r[k])) for r in cohort for k in ("treated_change", "comparison_change")
              if r.get(k) is not None and r[k] == r[k]]  # fmt: skip
    step = nice_step(max(values, default=0.0) or 1.0, ticks=2) if max(values, default=0) >= 1 \
        else 0.5
    limit = max(step, max(values, default=0.0))
    half = (width - left - right) / 2
    zero = left + half
    bars = []
    for i, measure in enumerate(cohort):
        for j, group in enumerate(("treated", "comparison")):
            value = measure.get(f"{group}_change")
            if value is None or value != value:
                continue
            length = half * abs(float(value)) / limit
            bars.append({"group": group, "label": measure["label"], "value": float(value),
                         "x": round(zero - length if value < 0 else zero, 2),
                         "y": round(top + i * row + 14 + j * 12, 2),
                         "width": round(max(length, 0.5), 2), "height": 10})  # fmt: skip
    labels = [{"text": m["label"], "y": top + i * row + 10} for i, m in enumerate(cohort)]
    return {"width": width, "height": top + row * max(len(cohort), 1) + 8, "zero": zero,
            "bars": bars, "labels": labels, "limit": limit, "top": top}  # fmt: skip


def _costs(costs: pd.DataFrame, agencies: pd.DataFrame) -> dict[str, Any]:
    led = costs[costs["lead_from"].notna()]
    return {
        "families": len(costs),
        "total_gbp": float(costs["cost_gbp"].sum()),
        "per_family_year_gbp": float(costs["cost_per_year"].mean()) if len(costs) else None,
        "led_families": len(led),
        "before_gbp": float(led["cost_12m_before"].mean()) if len(led) else None,
        "after_gbp": float(led["cost_12m_after"].mean()) if len(led) else None,
        "illustrative": bool(costs["illustrative"].any()) if len(costs) else True,
        "agencies": records(agencies.head(10), ["agency", "sector", "contacts", "families",
                                                "cost_gbp"]),
    }  # fmt: skip


def _head(frame: pd.DataFrame | None, rows: int) -> pd.DataFrame | None:
    return None if frame is None else frame.head(rows)


def _bins() -> list[str]:
    """The contact-count bins in words: ``0–4``, ``5–9``, ``10–19``, ``20 or more``."""
    edges = list(CONTACT_BINS)
    closed = [f"{a}–{b - 1}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    return [*closed, f"{edges[-1]} or more"]


def outcomes_context(data: ServiceData) -> dict[str, Any]:
    """The plan, its results per period, the claims so far, the comparison and the costs.

    Raises
    ------
    NotAnalysed
        Before any analysis, or when the stored run lacks the outcomes (503).
    """
    if data.meta() is None:
        raise NotAnalysed()
    periods = data.result("outcome_periods")
    names = ("claims", "outcomes_cohort", "journey_costs", "agency_costs")
    frames = {name: data.result(name) for name in names}
    if periods is None or any(frame is None for frame in frames.values()):
        raise NotAnalysed(RERUN_ANALYSIS)
    claims, cohort = frames["claims"], frames["outcomes_cohort"]
    plan = default_plan()
    recent = claims.sort_values(["claimed_on", "family_id", "kind"], ascending=[False, True, True],
                                kind="mergesort").head(RECENT_CLAIMS)  # fmt: skip
    recent = recent.assign(url=["/families/" + str(f) for f in recent["family_id"]],
                           evidence_contact_ids=recent["evidence"]).drop(columns="evidence")
    applies = periods["outcomes"] > 0
    cohort_rows = records(cohort, COHORT_COLUMNS)
    return {
        "analysis": analysis_meta(data),
        "plan": {"name": plan.name, "source": plan.source, "sustain_months": plan.sustain_months,
                 "attachment_fee": plan.attachment_fee, "results_payment": plan.results_payment,
                 "outcomes": [{"id": o.id, "label": o.label, "indicator": o.indicator,
                               "rule": o.rule, "describe": o.describe()} for o in plan.outcomes]},
        "periods": {"all": len(periods), "with_outcomes": int(applies.sum()),
                    "meeting_plan": int(periods["meets_plan"].sum()),
                    "not_yet": int((applies & ~periods["meets_plan"]).sum())},
        "claim_totals": records(claim_totals(claims)),
        "claims": records(recent.drop(columns=["indicators"]), None),
        "claims_shown": min(len(claims), RECENT_CLAIMS),
        "claims_count": len(claims),
        "cohort": cohort_rows,
        "matching": {"month_bin": 3, "contact_bins": _bins(), "indicator_cap": 4},
        "costs": _costs(frames["journey_costs"], frames["agency_costs"]),
        # Optional: a run stored before pathway costs existed shows the rest.
        "pathway_costs": records(_head(data.result("pathway_costs"), 10), None),
    }  # fmt: skip
