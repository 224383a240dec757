"""Claims: one attachment and at most one results payment per family, never twice."""

from __future__ import annotations

import pandas as pd

from journey.claims import claim_totals, claims
from journey.outcome_plan import OutcomePlan
from journey.outcomes import evaluate_outcomes
from tests.builders import contacts_frame, lead_periods_frame
from tests.journey.test_outcomes import CALLOUTS

PLAN = OutcomePlan("test plan", "tf2015", 6, 1000, 800, (CALLOUTS,), "test")


def population() -> tuple[pd.DataFrame, pd.DataFrame]:
    """F1 meets the plan in both periods; F2 is attached and improves too little; F3 has no
    crime evidence (nothing applies)."""
    rows = [(f"b{i}", "p1", "Police", "incident", f"2021-0{1 + i}-10", None, "F1")
            for i in range(5)]
    rows += [(f"c{i}", "p2", "Police", "incident", f"2021-0{1 + i}-10", None, "F2")
             for i in range(5)]
    rows += [(f"d{i}", "p2", "Police", "incident", f"2021-{8 + i:02d}-10", None, "F2")
             for i in range(3)]
    rows += [("g1", "p3", "GP", "appointment", "2021-03-01", None, "F3"),
             ("end", "p3", "GP", "appointment", "2023-06-01", None, "F3")]
    periods = lead_periods_frame([("F1", "2021-07-01", "2021-09-01"), ("F1", "2021-09-01", None),
                                  ("F2", "2021-07-01", None), ("F3", "2021-07-01", None)])
    return contacts_frame(rows), periods


def test_each_family_is_claimed_once_per_kind():
    contacts, periods = population()
    result = evaluate_outcomes(contacts, periods, PLAN)
    assert result.periods["meets_plan"].tolist() == [True, True, False, False]
    table = claims(result)
    assert table[["family_id", "kind", "amount"]].values.tolist() == [
        ["F1", "attachment", 1000], ["F2", "attachment", 1000], ["F1", "results", 800]]
    results = table[table["kind"] == "results"].iloc[0]
    # The earlier of F1's two periods met its plan first: 2022-07-01.
    assert results.lead_from == pd.Timestamp("2021-07-01")
    assert results.claimed_on == pd.Timestamp("2022-07-01")
    assert results.attached_on == pd.Timestamp("2021-07-01")
    assert results.evidence == ["b0", "b1", "b2", "b3", "b4"]
    attached = table[table["kind"] == "attachment"].set_index("family_id")
    assert attached.loc["F2", "evidence"] == ["c0", "c1", "c2", "c3", "c4"]
    assert not table.duplicated(["family_id", "kind"]).any()
    assert claim_totals(table).values.tolist() == [["attachment", 2, 2000], ["results", 1, 800]]


def test_earlier_claims_are_not_made_again():
    contacts, periods = population()
    earlier = pd.DataFrame({"family_id": ["F1"], "kind": ["results"]})
    table = claims(evaluate_outcomes(contacts, periods, PLAN), claimed=earlier)
    assert table[["family_id", "kind"]].values.tolist() == [["F1", "attachment"],
                                                           ["F2", "attachment"]]


def test_no_periods_no_claims():
    contacts, _ = population()
    table = claims(evaluate_outcomes(contacts, lead_periods_frame([]), PLAN))
    assert table.empty and list(table.columns)[:3] == ["family_id", "lead_from", "kind"]
    assert claim_totals(table)["amount"].tolist() == [0, 0]
