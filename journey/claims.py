"""Payment-by-results claims: an attachment fee and a results payment per family, each once.

Definitions (docs/analyses.md#claims), over :func:`journey.outcomes.evaluate_outcomes`:

* **attachment**: for each family, its first lead-professional period to
  which at least one of the plan's outcomes applies; claimed on that
  period's ``lead_from`` for the plan's ``attachment_fee``; the evidence is
  the contacts that identified its indicators (12 months before);
* **results**: for each family, the period that met its plan earliest
  (``plan_met_on``); claimed on that day for the plan's ``results_payment``;
  the evidence is every counted contact of that period's outcomes;
* a family is never claimed twice for the same kind: one attachment and at
  most one results claim, and none of a kind already listed in ``claimed``
  (earlier claims the council made).
"""

from __future__ import annotations

import pandas as pd

from journey.contract import empty_frame
from journey.outcomes import OutcomeResult

__all__ = ["CLAIM_COLUMNS", "KINDS", "claims", "claim_totals"]

KINDS = ("attachment", "results")
_SPEC = {
    "family_id": "object", "lead_from": "datetime64[ns]", "kind": "object",
    "indicators": "object", "attached_on": "datetime64[ns]", "plan_met_on": "datetime64[ns]",
    "amount": "int64", "claimed_on": "datetime64[ns]", "evidence": "object",
}  # fmt: skip
CLAIM_COLUMNS = list(_SPEC)


def _results_evidence(result: OutcomeResult) -> pd.Series:
    """Every counted contact of each (family, period)'s outcomes, once each, in plan order."""
    grouped = result.outcomes.groupby(["family_id", "lead_from"], sort=False)["evidence"]
    return grouped.agg(lambda lists: list(dict.fromkeys(i for ids in lists for i in ids)))


def claims(result: OutcomeResult, claimed: pd.DataFrame | None = None) -> pd.DataFrame:
    """The claims an outcome result supports: one attachment and at most one results per family.

    Parameters
    ----------
    result : OutcomeResult
    claimed : DataFrame, optional
        Earlier claims (``family_id, kind``): those families are not claimed
        again for that kind.

    Returns
    -------
    DataFrame
        Columns :data:`CLAIM_COLUMNS`, by claimed_on, family_id, kind.

    Examples
    --------
    >>> from journey.outcomes import evaluate_outcomes
    >>> contacts = pd.DataFrame({"family_id": "F1", "contact_id": ["c1", "c2"],
    ...     "occurred_at": pd.to_datetime(["2021-03-01", "2022-09-01"]), "agency": "Police",
    ...     "sector": "police", "contact_type": ["incident", "phone_call"]})
    >>> periods = pd.DataFrame({"family_id": ["F1", "F1"],
    ...     "lead_from": pd.to_datetime(["2021-05-01", "2021-06-01"])})
    >>> table = claims(evaluate_outcomes(contacts, periods))
    >>> table[["family_id", "kind", "amount"]].values.tolist()
    [['F1', 'attachment', 1000], ['F1', 'results', 800]]
    """
    plan, periods = result.plan, result.periods
    applies = periods[periods["outcomes"] > 0]
    first = applies.sort_values(["family_id", "lead_from"], kind="mergesort")
    first = first.drop_duplicates("family_id")
    attachment = first.assign(
        kind="attachment", attached_on=first["lead_from"], plan_met_on=pd.NaT,
        amount=plan.attachment_fee, claimed_on=first["lead_from"],
        evidence=first["indicator_evidence"],
    )  # fmt: skip
    met = periods[periods["meets_plan"]].sort_values(
        ["family_id", "plan_met_on", "lead_from"], kind="mergesort"
    ).drop_duplicates("family_id")
    evidence = _results_evidence(result)
    attached = first.set_index("family_id")["lead_from"]
    results = met.assign(
        kind="results", attached_on=met["family_id"].map(attached),
        amount=plan.results_payment, claimed_on=met["plan_met_on"],
        evidence=[evidence.get((f, t), []) for f, t in zip(met["family_id"], met["lead_from"],
                                                            strict=True)],
    )  # fmt: skip
    table = pd.concat([attachment, results], ignore_index=True)
    if table.empty:
        return empty_frame(_SPEC)
    if claimed is not None and len(claimed):
        done = set(zip(claimed["family_id"].astype(str), claimed["kind"].astype(str), strict=True))
        keep = [(f, k) not in done for f, k in zip(table["family_id"], table["kind"], strict=True)]
        table = table[keep]
    table = table[CLAIM_COLUMNS].astype({k: v for k, v in _SPEC.items() if k != "evidence"})
    table = table.sort_values(["claimed_on", "family_id", "kind"], kind="mergesort")
    return table.reset_index(drop=True)


def claim_totals(table: pd.DataFrame) -> pd.DataFrame:
    """Claims and their value per kind (``kind, families, amount``), both kinds always listed.

    Examples
    --------
    >>> table = pd.DataFrame({"family_id": ["F1", "F2", "F1"],
    ...     "kind": ["attachment", "attachment", "results"], "amount": [1000, 1000, 800]})
    >>> claim_totals(table).values.tolist()
    [['attachment', 2, 2000], ['results', 1, 800]]
    """
    grouped = table.groupby("kind")
    totals = pd.DataFrame({
        "families": grouped["family_id"].nunique(), "amount": grouped["amount"].sum(),
    }).reindex(list(KINDS), fill_value=0)  # fmt: skip
    return totals.rename_axis("kind").reset_index().astype({"families": "int64", "amount": "int64"})
