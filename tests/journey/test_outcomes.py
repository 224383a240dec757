"""Outcome plans evaluated on tiny hand-built journeys, each rule checked by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journey.errors import ParameterError
from journey.event_log import prepare
from journey.indicators import eligibility
from journey.outcome_plan import Outcome, OutcomePlan, load_plan, parse_plan
from journey.outcomes import add_months, distinct_contacts, evaluate_outcomes
from journey.outcomes_run import outcome_frames
from tests.builders import contacts_frame, lead_periods_frame

LEAD = "2021-07-01"


def plan(*outcomes: Outcome, sustain: int = 6) -> OutcomePlan:
    return OutcomePlan("test plan", "tf2015", sustain, 1000, 800, tuple(outcomes), "test")


CALLOUTS = Outcome("callouts", "crime_asb", "reduction", 6, sectors=("police",),
                   contact_types=("incident",), at_least=0.6)  # fmt: skip
NO_ARREST = Outcome("no_arrest", "crime_asb", "none", 6, contact_types=("arrest",))
ABSENCE = Outcome("absence", "education", "at_most", 6, contact_types=("school_absence",),
                  at_most=1)  # fmt: skip


def journey(incidents_before: int, incidents_after: int, *, later: list[str] = (),
            end: str = "2022-08-01", extra: list[tuple] = ()) -> pd.DataFrame:
    """Police incidents one a month before 1 July 2021, then after, then a phone call at ``end``."""
    rows = [(f"b{i}", "p1", "Police", "incident", f"2021-0{6 - i}-10")
            for i in range(incidents_before)]
    rows += [(f"a{i}", "p1", "Police", "incident", f"2021-{8 + i:02d}-10")
             for i in range(incidents_after)]
    rows += [(f"n{i}", "p1", "Police", "incident", day) for i, day in enumerate(later)]
    rows += [("end", "p1", "GP", "appointment", end), *extra]
    return contacts_frame(rows, family_id="F1")


def one(contacts, outcome=CALLOUTS, periods=None, **kwargs):
    periods = lead_periods_frame([("F1", LEAD, None)]) if periods is None else periods
    result = evaluate_outcomes(contacts, periods, plan(outcome), **kwargs)
    rows = result.outcomes
    return (rows.iloc[0] if len(rows) else None), result


def test_a_reduction_met_and_sustained():
    # before [2021-01-01, 2021-07-01): 5; after [2021-07-01, 2022-01-01): 2 <= 0.4 x 5;
    # next [2022-01-01, 2022-07-01): 0 <= 0.4 x 5 x 6/6, ended by 2022-08-01.
    row, result = one(journey(5, 2))
    assert (row.before, row.after, row.change, row.change_pct) == (5, 2, -3, -60.0)
    assert row.met and row.sustained and row.due
    assert row.sustained_on == pd.Timestamp("2022-07-01")
    assert row.evidence == ["b4", "b3", "b2", "b1", "b0", "a0", "a1"]
    assert result.periods.loc[0, "meets_plan"]
    assert result.periods.loc[0, "plan_met_on"] == pd.Timestamp("2022-07-01")


def test_a_reduction_missed_by_one_contact_still_shows_the_improvement():
    row, result = one(journey(5, 3))  # 3 > 0.4 x 5 = 2
    assert (row.before, row.after, row.change_pct) == (5, 3, -40.0)
    assert not row.met and not row.sustained and pd.isna(row.sustained_on)
    assert not result.periods.loc[0, "meets_plan"]


def test_no_before_contacts_cannot_meet_a_reduction_and_the_outcome_does_not_apply():
    # The family's only crime evidence is an arrest: the outcome applies, no incident before.
    arrest = [("x1", "p1", "Police", "arrest", "2021-03-03")]
    row, _ = one(journey(0, 0, extra=arrest))
    assert (row.before, row.after) == (0, 0) and not row.met and pd.isna(row.change_pct)
    # Without any crime evidence in the 12 months before, nothing applies.
    row, result = one(journey(0, 0))
    assert row is None and result.periods.loc[0, "outcomes"] == 0
    assert not result.periods.loc[0, "meets_plan"]


def test_none_rule_missed_by_one_contact():
    arrests = [("x1", "p1", "Police", "arrest", "2021-03-03"),
               ("x2", "p1", "Police", "arrest", "2021-12-31 23:00")]  # fmt: skip
    row, _ = one(journey(0, 0, extra=arrests), NO_ARREST)
    assert (row.before, row.after, row.met) == (1, 1, False)
    row, _ = one(journey(0, 0, extra=arrests[:1]), NO_ARREST)
    assert (row.before, row.after, row.met, row.sustained) == (1, 0, True, True)


def test_at_most_rule_and_improvement_without_meeting_it():
    absences = [(f"s{i}", "p2", "School", "school_absence", day) for i, day in enumerate(
        ["2021-02-01", "2021-03-01", "2021-04-01", "2021-05-01", "2021-09-01", "2021-10-01"])]
    row, _ = one(journey(0, 0, extra=absences), ABSENCE)
    assert (row.before, row.after, row.change) == (4, 2, -2) and not row.met  # 2 > at_most 1
    row, _ = one(journey(0, 0, extra=absences[:5]), ABSENCE)
    assert (row.after, row.met) == (1, True)


def test_a_period_still_open_and_windows_not_yet_ended():
    # The period has no end: it is evaluated from its start all the same.
    row, _ = one(journey(5, 1, end="2022-07-01"))
    assert row.met and row.sustained  # the next window ends on 2022-07-01, the last contact
    row, _ = one(journey(5, 1, end="2022-06-30"))
    assert row.met and not row.sustained
    # The after window has not ended by the last contact: not yet due, not met.
    row, _ = one(journey(5, 0, end="2021-12-01"))
    assert not row.due and not row.met and row.after == 0


def test_sustained_needs_the_rule_to_hold_in_the_next_window():
    row, _ = one(journey(5, 2, later=["2022-02-01", "2022-03-01", "2022-04-01"]))
    assert row.met and not row.sustained  # 3 > 0.4 x 5 in the next six months


def test_a_lag_moves_the_after_window():
    lagged = Outcome("lagged", "crime_asb", "none", 3, contact_types=("incident",), lag_months=3)
    row, _ = one(journey(2, 2), lagged)  # incidents on 08-10 and 09-10, before the lag ends
    assert (row.before, row.after, row.met) == (2, 0, True)


def test_each_period_is_an_anchor():
    periods = lead_periods_frame([("F1", LEAD, "2021-12-31"), ("F1", "2022-01-01", None)])
    _, result = one(journey(5, 2), periods=periods)
    assert result.outcomes["lead_from"].astype(str).tolist() == ["2021-07-01", "2022-01-01"]
    assert result.outcomes["before"].tolist() == [5, 2]


def test_calendar_months():
    times = pd.Series(pd.to_datetime(["2024-03-31 00:00", "2024-02-29 12:00"]))
    assert add_months(times, -1).astype(str).tolist() == ["2024-02-29 00:00:00",
                                                          "2024-01-29 12:00:00"]
    assert add_months(times, 12).astype(str).tolist() == ["2025-03-31 00:00:00",
                                                          "2025-02-28 12:00:00"]


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_outcomes_are_invariant_to_row_order(random):
    contacts = journey(5, 2, later=["2022-02-01"], extra=[
        ("x1", "p2", "Police", "arrest", "2021-03-03"),
        ("x1", "p3", "Police", "arrest", "2021-03-03"),
        ("s1", "p2", "School", "school_absence", "2021-09-01")])
    periods = lead_periods_frame([("F1", LEAD, None), ("F1", "2021-10-01", None)])
    whole = plan(CALLOUTS, NO_ARREST, ABSENCE)
    expected = evaluate_outcomes(contacts, periods, whole)
    order = list(range(len(contacts)))
    random.shuffle(order)
    shuffled = evaluate_outcomes(contacts.iloc[order], periods.iloc[::-1], whole)
    pd.testing.assert_frame_equal(shuffled.outcomes, expected.outcomes)
    pd.testing.assert_frame_equal(shuffled.periods, expected.periods)


def test_the_shipped_plan_loads():
    shipped = load_plan()
    assert shipped.indicators() == ["crime_asb", "education", "domestic_abuse",
                                    "children_need_help", "worklessness"]


@pytest.mark.parametrize(("document", "message"), [
    ({}, "plan: a [plan] table is required"),
    ({"plan": {"name": "P"}}, "outcome: at least one"),
    ({"plan": {"name": "P", "colour": 1}, "outcome": []}, "plan.colour: unknown key"),
    ({"plan": {"name": "P"}, "outcome": [{"id": "a", "indicator": "x", "rule": "less",
      "months": 6}]}, "outcome[1].rule: must be one of none, reduction, at_most"),
    ({"plan": {"name": "P"}, "outcome": [{"id": "a", "indicator": "x", "rule": "reduction",
      "months": 6, "at_least": 1.5}]}, "outcome[1].at_least"),
    ({"plan": {"name": "P"}, "outcome": [{"id": "a", "indicator": "x", "rule": "none",
      "months": 0}]}, "outcome[1].months: must be a whole number >= 1"),
    ({"plan": {"name": "P"}, "outcome": [{"id": "a", "indicator": "x", "rule": "none",
      "months": 6, "at_most": 2}]}, "outcome[1].at_most: applies only"),
    ({"plan": {"name": "P"}, "outcome": [{"id": "a", "indicator": "x", "rule": "none",
      "months": 6}] * 2}, "outcome.id: 'a' names more than one outcome"),
])  # fmt: skip
def test_a_bad_plan_is_refused_naming_the_file_and_the_key(document, message):
    with pytest.raises(ParameterError, match="^plan.toml: ") as caught:
        parse_plan(document, "plan.toml")
    assert message in str(caught.value)


def test_a_plan_file_with_an_unknown_indicator_is_refused(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text('[plan]\nname = "P"\n[[outcome]]\nid = "a"\nindicator = "luck"\n'
                    'rule = "none"\nmonths = 6\n')
    with pytest.raises(ParameterError, match=r"plan.toml: outcome\[1\].indicator: 'luck'"):
        evaluate_outcomes(journey(1, 0), lead_periods_frame([("F1", LEAD, None)]),
                          load_plan(path))
    path.write_text("[plan\n")
    with pytest.raises(ParameterError, match="plan.toml: not valid TOML"):
        load_plan(path)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 5), st.integers(0, 3),
                          st.integers(1, 3)), min_size=1, max_size=40),
       st.randoms(use_true_random=False))  # fmt: skip
def test_distinct_contacts_from_the_event_log_equal_the_sorted_frame(rows, random):
    # Families, days (many ties), contact numbers and members per contact.
    records = []
    for family, day, number, members in rows:
        agency = ["Police", "GP", "School"][number % 3]  # the rows of a contact agree
        for member in range(members):
            records.append((f"F{family}", f"c{family}-{number}-{day}", f"p{member}", agency,
                            pd.Timestamp("2021-01-01") + pd.Timedelta(days=day)))
    frame = pd.DataFrame(records, columns=["family_id", "contact_id", "person_id", "agency",
                                           "occurred_at"]).drop_duplicates()  # fmt: skip
    frame = frame.assign(sector="police", contact_type="incident")
    order = list(range(len(frame)))
    random.shuffle(order)
    frame = frame.iloc[order]
    expected = distinct_contacts(frame)
    pd.testing.assert_frame_equal(distinct_contacts(prepare(frame)), expected)
    # Journey order, each (family, contact) once: checked independently of both.
    assert not expected.duplicated(["family_id", "contact_id"]).any()
    keys = list(zip(expected["family_id"], expected["occurred_at"], expected["contact_id"],
                    strict=True))
    assert keys == sorted(keys)


def test_the_outcomes_run_gives_the_same_frames_from_the_event_log():
    contacts = journey(5, 2, later=["2022-02-01"], extra=[
        ("x1", "p2", "Police", "arrest", "2021-03-03"),
        ("x1", "p3", "Police", "arrest", "2021-03-03")])  # fmt: skip
    periods = lead_periods_frame([("F1", LEAD, None)])
    eligible = eligibility(contacts, periods).families
    from_frame = outcome_frames(contacts, periods, eligible)
    from_log = outcome_frames(prepare(contacts), periods, eligible)
    assert from_frame.keys() == from_log.keys()
    for name, frame in from_frame.items():
        pd.testing.assert_frame_equal(from_log[name], frame, obj=name)
    assert len(from_frame["outcomes_families"]) > 0
