"""Uncoordinated contacts and repeat assessments on hand-built family journeys."""

import pandas as pd
import pytest

from journey.errors import ParameterError
from journey.taxonomy import default_taxonomy
from journey.uncoordinated import (
    UNCOORDINATED_CONTACT_COLUMNS,
    UNCOORDINATED_FAMILY_COLUMNS,
    uncoordinated,
)
from tests.builders import contacts_frame, lead_periods_frame

NONE_30 = "no other agency in the previous 30 days"


def reasons(result):
    return dict(zip(result.contacts["contact_id"], result.contacts["reason"], strict=True))


def flags(result):
    return dict(zip(result.contacts["contact_id"], result.contacts["uncoordinated"], strict=True))


def test_another_agency_in_the_previous_30_days_makes_a_contact_uncoordinated():
    # Police on 1 March, School on 10 March (9 days later), School again on 20 April
    # (41 days after Police; the School contact of 10 March is the same agency).
    contacts = contacts_frame([
        ("c1", "mum", "Police", "domestic_incident", "2021-03-01"),
        ("c2", "kid", "School", "school_absence", "2021-03-10"),
        ("c3", "kid", "School", "school_absence", "2021-04-20"),
    ], family_id="F1")
    result = uncoordinated(contacts)
    assert flags(result) == {"c1": False, "c2": True, "c3": False}
    assert reasons(result) == {
        "c1": NONE_30,
        "c2": "uncoordinated: Police also in contact in the previous 30 days",
        "c3": NONE_30,
    }
    family = result.families.iloc[0]
    assert (family["contacts"], family["uncoordinated"]) == (3, 1)
    assert family["uncoordinated_share"] == pytest.approx(1 / 3)


def test_the_window_is_less_than_30_days_back():
    # School exactly 30 days after Police is outside the window; one minute less is inside.
    contacts = contacts_frame([
        ("c1", "mum", "Police", "incident", "2021-03-01 09:00"),
        ("c2", "kid", "School", "school_absence", "2021-03-31 09:00"),
        ("c3", "kid", "GP", "appointment", "2021-03-31 08:59"),
    ], family_id="F1")
    result = uncoordinated(contacts)
    # c3 (08:59 on 31 March) has Police 29 days 23:59 earlier: uncoordinated.
    # c2 (09:00) is exactly 30 days after Police, but GP at 08:59 is in its window.
    assert reasons(result)["c3"] == "uncoordinated: Police also in contact in the previous 30 days"
    assert reasons(result)["c2"] == "uncoordinated: GP also in contact in the previous 30 days"
    alone = uncoordinated(contacts[contacts["contact_id"] != "c3"])
    assert reasons(alone)["c2"] == NONE_30


def test_contacts_at_the_same_time_see_each_other():
    # Police and School on the same date (both at midnight): each is in the other's window,
    # so both are uncoordinated, whatever their ids or row order.
    contacts = contacts_frame([
        ("b", "kid", "School", "school_absence", "2021-03-01"),
        ("a", "mum", "Police", "incident", "2021-03-01"),
    ], family_id="F1")
    result = uncoordinated(contacts)
    assert flags(result) == {"a": True, "b": True}
    assert result.contacts["contact_id"].tolist() == ["a", "b"]
    assert result.families.iloc[0]["peak_parallel_agencies"] == 2


def test_a_contact_referred_by_the_only_other_agency_is_coordinated():
    # School on 1 March; Children's Social Care on 5 March referred by School: not
    # uncoordinated. Add Police on 3 March: CSC is uncoordinated because of Police only.
    rows = [
        ("c1", "kid", "School", "school_absence", "2021-03-01"),
        ("c3", "kid", "Children's Social Care", "referral", "2021-03-05", "School"),
    ]
    result = uncoordinated(contacts_frame(rows, family_id="F1"))
    assert not flags(result)["c3"]
    assert reasons(result)["c3"] == (
        "referred by School, the only other agency in contact in the previous 30 days")
    rows.append(("c2", "mum", "Police", "incident", "2021-03-03"))
    result = uncoordinated(contacts_frame(rows, family_id="F1"))
    assert flags(result)["c3"]
    assert reasons(result)["c3"] == "uncoordinated: Police also in contact in the previous 30 days"


def test_a_referrer_outside_the_window_does_not_matter():
    # CSC is referred by Police, which had no contact with the family in the window; School
    # did: uncoordinated because of School.
    contacts = contacts_frame([
        ("c1", "kid", "School", "school_absence", "2021-03-01"),
        ("c2", "kid", "Children's Social Care", "referral", "2021-03-05", "Police"),
    ], family_id="F1")
    assert reasons(uncoordinated(contacts))["c2"] == (
        "uncoordinated: School also in contact in the previous 30 days")


def test_a_multi_agency_meeting_is_never_uncoordinated():
    contacts = contacts_frame([
        ("c1", "mum", "Police", "domestic_incident", "2021-03-01"),
        ("c2", "mum", "Domestic Abuse Service", "marac", "2021-03-04"),
        ("c3", "kid", "Children's Social Care", "strategy_meeting", "2021-03-05"),
    ], family_id="F1")
    result = uncoordinated(contacts)
    assert reasons(result) == {"c1": NONE_30, "c2": "multi-agency meeting",
                               "c3": "multi-agency meeting"}
    # The meetings still count as agencies working in parallel.
    assert result.families.iloc[0]["peak_parallel_agencies"] == 3


def test_an_active_lead_professional_covers_whole_days_of_open_and_closed_periods():
    # F1 has a lead from 1 to 31 January (closed), F2 one from 1 March (still open).
    rows = [
        ("a1", "mum", "Police", "incident", "2021-01-20", None, "F1"),
        ("a2", "kid", "School", "school_absence", "2021-01-31 17:00", None, "F1"),
        ("a3", "kid", "GP", "appointment", "2021-02-01 08:00", None, "F1"),
        ("b1", "dad", "Police", "incident", "2021-02-27", None, "F2"),
        ("b2", "kid", "School", "school_absence", "2021-02-28", None, "F2"),
        ("b3", "kid", "GP", "appointment", "2022-03-02", None, "F2"),
        ("b4", "kid", "Hospital", "emergency_attendance", "2022-03-03", None, "F2"),
    ]
    periods = lead_periods_frame([("F1", "2021-01-01", "2021-01-31"), ("F2", "2021-03-01", None)])
    result = uncoordinated(contacts_frame(rows), periods)
    lead = "lead professional active"
    # a2 is on the period's last day (17:00): covered. a3 on 1 Feb: not covered, with
    # School (a2, 15 hours before) and Police (a1, 12 days before) in its window, even
    # though those contacts were covered. b2 is before F2's period: uncoordinated.
    assert reasons(result) == {
        "a1": lead, "a2": lead,
        "a3": "uncoordinated: Police and School also in contact in the previous 30 days",
        "b1": NONE_30,
        "b2": "uncoordinated: Police also in contact in the previous 30 days",
        "b3": lead, "b4": lead,
    }
    # Another family's lead professional does not cover these contacts.
    other = lead_periods_frame([("F9", "2020-01-01", None)])
    assert flags(uncoordinated(contacts_frame(rows), other))["a2"]


def test_other_agencies_are_named_in_order():
    contacts = contacts_frame([
        ("c1", "kid", "School", "school_absence", "2021-03-01"),
        ("c2", "mum", "Police", "incident", "2021-03-02"),
        ("c3", "mum", "GP", "appointment", "2021-03-03"),
        ("c4", "kid", "Housing", "homelessness_application", "2021-03-04"),
    ], family_id="F1")
    result = uncoordinated(contacts)
    assert reasons(result)["c4"] == (
        "uncoordinated: GP, Police and School also in contact in the previous 30 days")
    assert result.families.iloc[0]["peak_parallel_agencies"] == 4


def test_a_contact_with_two_members_is_one_contact():
    contacts = contacts_frame([
        ("c1", "mum", "Police", "domestic_incident", "2021-03-01"),
        ("c1", "kid", "Police", "domestic_incident", "2021-03-01"),
        ("c2", "kid", "School", "school_absence", "2021-03-02"),
    ], family_id="F1")
    result = uncoordinated(contacts)
    assert result.contacts["contact_id"].tolist() == ["c1", "c2"]
    assert result.families.iloc[0][["contacts", "uncoordinated"]].tolist() == [2, 1]


def test_repeat_assessments_by_a_different_agency_within_90_days():
    # CSC assessment (day 0); Early Help assessment on day 60 (another agency, < 90 days:
    # repeat 1); CSC assessment again on day 61 (Early Help was 1 day before: repeat 2);
    # Housing needs assessment on day 200 (139 days after the last: not a repeat);
    # Housing again on day 210 (same agency only: not a repeat).
    day0 = pd.Timestamp("2021-01-01")
    contacts = contacts_frame([
        ("c1", "kid", "Children's Social Care", "assessment", day0),
        ("c2", "mum", "Early Help", "early_help_assessment", day0 + pd.Timedelta(days=60)),
        ("c3", "kid", "Children's Social Care", "assessment", day0 + pd.Timedelta(days=61)),
        ("c4", "mum", "Housing", "needs_assessment", day0 + pd.Timedelta(days=200)),
        ("c5", "mum", "Housing", "needs_assessment", day0 + pd.Timedelta(days=210)),
    ], family_id="F1")
    result = uncoordinated(contacts)
    assert result.contacts["repeat_assessment"].tolist() == [False, True, True, False, False]
    assert result.families.iloc[0]["repeat_assessments"] == 2
    # Exactly 90 days apart is not "within 90 days".
    edge = contacts_frame([
        ("c1", "kid", "Children's Social Care", "assessment", "2021-01-01"),
        ("c2", "mum", "Early Help", "early_help_assessment", "2021-04-01"),  # day 90
    ], family_id="F1")
    assert uncoordinated(edge).families.iloc[0]["repeat_assessments"] == 0


def test_two_assessments_on_one_day_by_two_agencies_are_one_repeat():
    contacts = contacts_frame([
        ("x", "kid", "Early Help", "early_help_assessment", "2021-01-01"),
        ("w", "kid", "Children's Social Care", "assessment", "2021-01-01"),
    ], family_id="F1")
    result = uncoordinated(contacts)
    # Journey order is w then x (contact id): x is the repeat.
    assert result.contacts["repeat_assessment"].tolist() == [False, True]
    assert result.families.iloc[0]["repeat_assessments"] == 1


def test_empty_contacts_and_parameters():
    result = uncoordinated(contacts_frame([]), parallel_days=14)
    assert result.contacts.empty and list(result.contacts.columns) == UNCOORDINATED_CONTACT_COLUMNS
    assert result.families.empty and list(result.families.columns) == UNCOORDINATED_FAMILY_COLUMNS
    assert result.params == {"parallel_days": 14, "assessment_days": 90,
                             "taxonomy": default_taxonomy().source}
    with pytest.raises(ParameterError, match="assessment_days"):
        uncoordinated(contacts_frame([]), assessment_days=-1)
    with pytest.raises(ParameterError, match="parallel_days"):
        uncoordinated(contacts_frame([]), parallel_days=0)


def test_the_window_length_is_a_parameter():
    contacts = contacts_frame([
        ("c1", "mum", "Police", "incident", "2021-03-01"),
        ("c2", "kid", "School", "school_absence", "2021-03-10"),
    ], family_id="F1")
    assert reasons(uncoordinated(contacts, parallel_days=7))["c2"] == (
        "no other agency in the previous 7 days")
