"""Cohorts and intervention points per cohort, by hand and against a simple implementation."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journey.cohorts import INTERVENTION_COHORTS, cohort_families, cohort_intervention
from journey.escalation import early_help_ranking, escalation_lead_times
from tests.builders import contacts_frame

# F1: School 01-01, Police 01-11, Children's Social Care 01-21 -> escalates
# F2: Police 01-01, Police 01-05, Children's Social Care 02-10 -> escalates
# F3: School 01-01, GP 01-20, Police 03-01
# F4: GP 01-01, School 03-01
POPULATION = [
    ("a1", "kid", "School", "school_absence", "2021-01-01", None, "F1"),
    ("a2", "mum", "Police", "incident", "2021-01-11", None, "F1"),
    ("a3", "kid", "Children's Social Care", "referral", "2021-01-21", None, "F1"),
    ("b1", "dad", "Police", "incident", "2021-01-01", None, "F2"),
    ("b2", "dad", "Police", "incident", "2021-01-05", None, "F2"),
    ("b3", "dad", "Children's Social Care", "assessment", "2021-02-10", None, "F2"),
    ("d1", "gran", "School", "school_absence", "2021-01-01", None, "F3"),
    ("d2", "gran", "GP", "appointment", "2021-01-20", None, "F3"),
    ("d3", "gran", "Police", "incident", "2021-03-01", None, "F3"),
    ("e1", "son", "GP", "appointment", "2021-01-01", None, "F4"),
    ("e2", "son", "School", "school_absence", "2021-03-01", None, "F4"),
]


@pytest.fixture
def population():
    return contacts_frame(POPULATION)


def test_cohort_families_by_hand():
    high = pd.DataFrame({"family_id": ["F1", "F2", "F3"], "is_high_contact": [True, False, True]})
    eligible = pd.DataFrame({"family_id": ["F1", "F2", "F3"], "eligible": [True, True, None],
                             "not_yet_found": [False, True, None]})  # fmt: skip
    cohorts = cohort_families(["F3", "F1", "F2", "F4"], high, eligible)
    assert list(cohorts) == list(INTERVENTION_COHORTS)
    assert cohorts == {"all": ["F1", "F2", "F3", "F4"], "high_contact": ["F1", "F3"],
                       "eligible": ["F1", "F2"], "not_yet_found": ["F2"]}  # fmt: skip


def test_a_cohort_counts_only_its_own_families(population):
    # Cohort F1 + F3: one escalating family (F1, 20 days to escalation), one other (F3).
    # F1: School first (20 days before), Police 10 days before. Comparison window
    # 20 days: F3 saw School (day 0) and GP (day 19).
    # Lift: School (1/1) / (1/1) = 1; Police (1/1) / (0/1) -> NaN; GP 0 / 1 = 0.
    table = escalation_lead_times(population, cohort=["F1", "F3"]).set_index("agency")
    assert set(table["escalating_families"]) == {1} and set(table["non_escalating_families"]) == {1}
    assert table.loc["School", ["seen_first", "saw_before", "median_lead_first_days", "lift"]
                     ].tolist() == [1, 1, 20.0, 1.0]  # fmt: skip
    assert table.loc["Police", ["seen_first", "saw_before", "median_lead_days"]].tolist() == [
        0, 1, 10.0]  # fmt: skip
    assert math.isnan(table.loc["Police", "median_lead_first_days"])
    assert math.isnan(table.loc["Police", "lift"]) and table.loc["GP", "lift"] == 0.0
    assert table.attrs["parameters"]["comparison_days"] == 20.0


def test_saw_before_is_the_agencys_own_count_not_the_cohort_size(population):
    table = escalation_lead_times(population).set_index("agency")
    # Two families escalate; the GP saw neither, School one, Police both.
    assert table["escalating_families"].unique().tolist() == [2]
    assert table["saw_before"].to_dict() == {"Police": 2, "School": 1,
                                             "Children's Social Care": 0, "GP": 0}  # fmt: skip


def test_a_cohort_without_escalation_has_no_lift(population):
    table = escalation_lead_times(population, cohort=["F3", "F4"])
    assert (table["escalating_families"] == 0).all() and table["lift"].isna().all()
    assert early_help_ranking(table)["priority"].eq(0).all()


def test_early_help_ranking_by_hand():
    table = pd.DataFrame({
        "agency": ["A", "B", "C", "D"], "saw_before": [5, 2, 4, 1],
        "share_saw_before": [0.5, 0.2, 0.4, 0.1],
        "median_lead_days": [100.0, 800.0, 365.0, None], "lift": [1.0, 5.0, 0.5, 3.0],
    })  # fmt: skip
    ranked = early_help_ranking(table).set_index("agency")
    # A 0.5 x 100/365 x 1; B 0.2 x 1 x 2 (both capped); C 0.4 x 1 x 0.5; D no lead -> 0.
    assert ranked["priority"].to_dict() == pytest.approx(
        {"A": 0.5 * 100 / 365, "B": 0.4, "C": 0.2, "D": 0.0})
    assert ranked["priority_rank"].to_dict() == {"B": 1, "C": 2, "A": 3, "D": 4}


def test_cohort_intervention_stacks_each_cohort(population):
    table = cohort_intervention(population, {"all": ["F1", "F2", "F3", "F4"], "pair": ["F2", "F4"]})
    assert table["cohort"].unique().tolist() == ["all", "pair"]
    pair = table[table["cohort"] == "pair"].set_index("agency")
    # F2 escalates after 40 days, Police first; F4 (GP day 0, School day 59) the comparison.
    assert pair.loc["Police", ["saw_before", "median_lead_first_days"]].tolist() == [1, 40.0]
    assert pair["priority_rank"].sort_values().tolist() == list(range(1, len(pair) + 1))


# -- an independent, family-by-family implementation ----------------------------------


def simple_lead_times(contacts: pd.DataFrame, escalating_agency: str, cohort: list[str]) -> dict:
    """Per agency (saw_before, seen_first, median lead of those seen first, lift), by loops."""
    journeys = {}
    for family, rows in contacts[contacts["family_id"].isin(cohort)].groupby("family_id"):
        journeys[family] = sorted(zip(rows["occurred_at"], rows["agency"], strict=True))
    escalates = {}
    for family, steps in journeys.items():
        times = [t for t, a in steps if a == escalating_agency]
        if times:
            escalates[family] = min(times)
    windows = sorted((escalates[f] - journeys[f][0][0]).value for f in escalates)
    comparison = windows[len(windows) // 2] if len(windows) % 2 else (
        (windows[len(windows) // 2 - 1] + windows[len(windows) // 2]) // 2 if windows else 0)
    others = [f for f in journeys if f not in escalates]
    agencies = {a for steps in journeys.values() for _, a in steps}
    result = {}
    for agency in agencies:
        before = [f for f in escalates if any(a == agency and t < escalates[f]
                                              for t, a in journeys[f])]
        first = [f for f in before if journeys[f][0][1] == agency]
        leads = sorted((escalates[f] - journeys[f][0][0]).days for f in first)
        median = (leads[len(leads) // 2] if len(leads) % 2 else
                  (leads[len(leads) // 2 - 1] + leads[len(leads) // 2]) / 2) if leads else None
        seen = [f for f in others if any(a == agency and (t - journeys[f][0][0]).value < comparison
                                         for t, a in journeys[f])]
        share_other = len(seen) / len(others) if others else 0
        lift = (len(before) / len(escalates)) / share_other if share_other and escalates else None
        result[agency] = (len(before), len(first), median, lift)
    return result


AGENCIES = ["School", "Police", "GP", "Children's Social Care"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["F1", "F2", "F3", "F4", "F5"]),
                          st.sampled_from(AGENCIES), st.integers(0, 60)),
                min_size=1, max_size=25, unique_by=lambda r: (r[0], r[2])),
       st.sets(st.sampled_from(["F1", "F2", "F3", "F4", "F5"]), min_size=1))
def test_lead_times_match_a_simple_implementation(rows, cohort):
    base = pd.Timestamp("2021-01-01")
    contacts = contacts_frame([(f"c{i}", f"p{f}", agency, "incident", base + pd.Timedelta(days=d),
                                None, f) for i, (f, agency, d) in enumerate(rows)])  # fmt: skip
    flags = contacts["agency"] == "Children's Social Care"
    table = escalation_lead_times(contacts, escalation=flags, cohort=sorted(cohort))
    expected = simple_lead_times(contacts, "Children's Social Care", sorted(cohort))
    assert set(table["agency"]) == set(expected)
    for row in table.itertuples():
        saw_before, seen_first, median, lift = expected[row.agency]
        assert (row.saw_before, row.seen_first) == (saw_before, seen_first)
        if median is None:
            assert math.isnan(row.median_lead_first_days)
        else:
            assert row.median_lead_first_days == pytest.approx(median)
        if lift is None:
            assert math.isnan(row.lift) or row.lift == 0
        else:
            assert row.lift == pytest.approx(lift)
