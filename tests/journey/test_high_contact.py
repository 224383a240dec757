"""High-contact journeys on hand-built journeys whose answers are worked out in the comments."""

import pandas as pd
import pytest

from journey.errors import ParameterError
from journey.high_contact import (
    HIGH_CONTACT_FAMILY_COLUMNS,
    HIGH_CONTACT_PERSON_COLUMNS,
    high_contact,
)
from tests.builders import contacts_frame, people_frame

FIVE = ["Police", "School", "GP", "Hospital", "CAMHS"]
DAY = pd.Timedelta(days=1)
START = pd.Timestamp("2021-01-01")


def journey(times, agencies=FIVE, person="kid", family="F1", prefix="c"):
    """One contact per time, agencies taken in turn."""
    return [
        (f"{prefix}{i:02d}", person, agencies[i % len(agencies)], "appointment", str(t), None,
         family)
        for i, t in enumerate(times)
    ]


def family_row(result, family="F1"):
    return result.families.set_index("family_id").loc[family]


def test_thirty_contacts_with_five_agencies_in_a_year_is_high_contact():
    # 30 contacts ten days apart: days 0..290, all within one 365-day window, with 5
    # agencies. The trailing window first holds 30 contacts at the 30th: day 290.
    times = [START + 10 * i * DAY for i in range(30)]
    row = family_row(high_contact(contacts_frame(journey(times))))
    assert (row["peak_contacts"], row["peak_agencies"]) == (30, 5)
    assert row["is_high_contact"]
    assert row["first_crossed"] == START + 290 * DAY
    assert (row["peak_start"], row["peak_end"]) == (START, START + 290 * DAY)
    assert row["peak_contact_ids"] == tuple(f"c{i:02d}" for i in range(30))


def test_twenty_nine_contacts_just_miss():
    times = [START + 10 * i * DAY for i in range(29)]
    row = family_row(high_contact(contacts_frame(journey(times))))
    assert row["peak_contacts"] == 29
    assert not row["is_high_contact"]
    assert pd.isna(row["first_crossed"])


def test_four_agencies_just_miss():
    # 30 contacts in the year but only Police, School, GP and Hospital.
    times = [START + 10 * i * DAY for i in range(30)]
    row = family_row(high_contact(contacts_frame(journey(times, FIVE[:4]))))
    assert (row["peak_contacts"], row["peak_agencies"]) == (30, 4)
    assert not row["is_high_contact"]
    # With min_agencies=4 the same journey crosses at its 30th contact.
    row = family_row(high_contact(contacts_frame(journey(times, FIVE[:4])), min_agencies=4))
    assert row["first_crossed"] == START + 290 * DAY


def test_a_contact_exactly_365_days_later_is_in_another_window():
    # Days 0, 10, ..., 280 (29 contacts) and one at day 365 (2022-01-01 00:00): the window
    # [day 0, day 365) holds 29; [day 10, day 375) holds days 10..280 and 365: also 29.
    # Both have 5 agencies, so the earlier is the peak: days 0..280.
    times = [START + 10 * i * DAY for i in range(29)] + [START + 365 * DAY]
    row = family_row(high_contact(contacts_frame(journey(times))))
    assert row["peak_contacts"] == 29 and not row["is_high_contact"]
    assert (row["peak_start"], row["peak_end"]) == (START, START + 280 * DAY)
    # One second earlier, the 30th contact falls in the first contact's window.
    times[-1] = START + 365 * DAY - pd.Timedelta(seconds=1)
    row = family_row(high_contact(contacts_frame(journey(times))))
    assert row["peak_contacts"] == 30 and row["is_high_contact"]
    assert row["first_crossed"] == pd.Timestamp("2021-12-31 23:59:59")


def test_peak_ties_go_to_more_agencies_then_to_the_earlier_window():
    # 2019: three Police contacts (3 contacts, 1 agency). 2021: three contacts with three
    # agencies (3 contacts, 3 agencies): the later window wins on agencies.
    rows = journey([pd.Timestamp(f"2019-03-0{d}") for d in (1, 2, 3)], ["Police"], prefix="a")
    rows += journey([pd.Timestamp(f"2021-03-0{d}") for d in (1, 2, 3)], FIVE, prefix="b")
    row = family_row(high_contact(contacts_frame(rows)))
    assert (row["peak_contacts"], row["peak_agencies"]) == (3, 3)
    assert row["peak_start"] == pd.Timestamp("2021-03-01")
    # Two windows of two contacts with two agencies each (2019 and 2021): the earlier.
    rows = journey([pd.Timestamp("2019-03-01"), pd.Timestamp("2019-03-02")], prefix="a")
    rows += journey([pd.Timestamp("2021-03-01"), pd.Timestamp("2021-03-02")], prefix="b")
    row = family_row(high_contact(contacts_frame(rows)))
    assert row["peak_start"] == pd.Timestamp("2019-03-01")
    assert row["peak_contact_ids"] == ("a00", "a01")


def test_contacts_at_the_same_time_all_count_at_that_time():
    # Three agencies at 10:00 on 5 May, one more the next day. With thresholds 3 and 3 the
    # trailing window ending at 10:00 already holds all three (ties included).
    at = pd.Timestamp("2021-05-05 10:00")
    rows = journey([at, at, at, at + DAY], ["Police", "School", "GP", "GP"])
    row = family_row(high_contact(contacts_frame(rows), min_contacts=3, min_agencies=3))
    assert row["first_crossed"] == at
    assert (row["peak_contacts"], row["peak_agencies"]) == (4, 3)


def test_a_contact_with_two_members_counts_once_for_the_family_and_once_for_each():
    rows = [
        ("c1", "mum", "Police", "domestic_incident", "2021-01-01", None, "F1"),
        ("c1", "kid", "Police", "domestic_incident", "2021-01-01", None, "F1"),
        ("c2", "kid", "School", "school_absence", "2021-01-05", None, "F1"),
    ]
    result = high_contact(contacts_frame(rows), min_contacts=2, min_agencies=2)
    row = family_row(result)
    assert (row["total_contacts"], row["total_agencies"]) == (2, 2)
    assert row["peak_contact_ids"] == ("c1", "c2")
    people = result.people.set_index("person_id")
    assert people.loc["kid", "total_contacts"] == 2 and people.loc["kid", "is_high_contact"]
    assert people.loc["mum", "total_contacts"] == 1 and not people.loc["mum", "is_high_contact"]
    assert people.loc["mum", "family_id"] == "F1"


def test_contacts_before_the_thirteenth_birthday():
    # Born 2008-05: 13 at 2021-05-01 00:00. Before: c00 (GP, 2020-01-01) and c01 (Police,
    # 2021-04-30 23:59): 2 contacts, 2 agencies, reached at c01. c02 (School) at the
    # birthday itself is not before age 13.
    # Rolling: the window ending at c01 holds c01 only (c00 is 485 days earlier); the one
    # ending at c02 holds c01 and c02 -> first crossed at the birthday, aged 13.
    times = ["2020-01-01", "2021-04-30 23:59", "2021-05-01 00:00"]
    rows = journey(times, ["GP", "Police", "School"])
    people = people_frame([("kid", "F1", "child", "2008-05")])
    result = high_contact(contacts_frame(rows), people, min_contacts=2, min_agencies=2)
    kid = result.people.set_index("person_id").loc["kid"]
    assert (kid["contacts_before_age"], kid["agencies_before_age"]) == (2, 2)
    assert kid["high_contact_before_age"]
    assert kid["crossed_before_age_at"] == pd.Timestamp("2021-04-30 23:59")
    assert kid["first_crossed"] == pd.Timestamp("2021-05-01")
    assert kid["age_at_crossing"] == 13
    # The before-age crossing, 2021-04-30, is in April: 155 - 152 months = 12 years 11 months.
    assert kid["age_at_crossing_before_age"] == 12
    # Needing 3 contacts, the cumulative threshold is never met before age 13.
    result = high_contact(contacts_frame(rows), people, min_contacts=3, min_agencies=2)
    kid = result.people.set_index("person_id").loc["kid"]
    assert kid["contacts_before_age"] == 2 and not kid["high_contact_before_age"]
    assert pd.isna(kid["crossed_before_age_at"])
    assert pd.isna(kid["age_at_crossing_before_age"])
    # by_age=14: all three contacts are before 2022-05-01.
    result = high_contact(contacts_frame(rows), people, min_contacts=3, min_agencies=3, by_age=14)
    kid = result.people.set_index("person_id").loc["kid"]
    assert kid["crossed_before_age_at"] == pd.Timestamp("2021-05-01")
    assert kid["age_at_crossing_before_age"] == 13


def test_people_without_a_birth_month_have_missing_ages():
    rows = journey(["2021-01-01", "2021-02-01"], person="mum") + journey(
        ["2021-01-01"], person="dad", prefix="d")
    people = people_frame([("mum", "F1", "adult", None)])  # dad is not in people at all
    result = high_contact(contacts_frame(rows), people, min_contacts=1, min_agencies=1)
    frame = result.people.set_index("person_id")
    assert frame["contacts_before_age"].isna().all()
    assert frame["high_contact_before_age"].isna().all()
    assert frame["age_at_crossing"].isna().all()
    assert frame["age_at_crossing_before_age"].isna().all()
    assert frame["is_high_contact"].all()
    assert list(result.people.columns) == HIGH_CONTACT_PERSON_COLUMNS


def test_evidence_can_be_left_out():
    result = high_contact(contacts_frame(journey(["2021-01-01", "2021-01-02"])), evidence=False)
    assert result.families["peak_contact_ids"].isna().all()
    assert result.people["peak_contact_ids"].isna().all()
    assert result.families["peak_contacts"].tolist() == [2]


def test_empty_contacts_give_empty_frames_with_the_columns():
    result = high_contact(contacts_frame([]))
    assert result.families.empty and list(result.families.columns) == HIGH_CONTACT_FAMILY_COLUMNS
    assert result.people.empty and list(result.people.columns) == HIGH_CONTACT_PERSON_COLUMNS


def test_the_result_says_which_parameters_produced_it():
    result = high_contact(contacts_frame(journey(["2021-01-01"])), window_days=30, by_age=16)
    assert result.params == {"window_days": 30, "min_contacts": 30, "min_agencies": 5,
                             "by_age": 16}
    with pytest.raises(ParameterError, match="window_days"):
        high_contact(contacts_frame([]), window_days=0)
    with pytest.raises(ParameterError, match="min_agencies"):
        high_contact(contacts_frame([]), min_agencies=-2)
    with pytest.raises(ParameterError, match="by_age must be a whole number"):
        high_contact(contacts_frame([]), by_age=12.5)


def test_one_family_alone_gives_the_same_answer_as_in_the_population():
    rows = journey([START + 3 * i * DAY for i in range(40)], family="F1")
    rows += journey([START + 7 * i * DAY for i in range(40)], family="F2", person="other",
                    prefix="x")
    contacts = contacts_frame(rows)
    everyone = high_contact(contacts, min_contacts=10, min_agencies=3)
    alone = high_contact(contacts[contacts["family_id"] == "F2"], min_contacts=10,
                         min_agencies=3)
    pd.testing.assert_frame_equal(
        everyone.families[everyone.families["family_id"] == "F2"].reset_index(drop=True),
        alone.families,
    )


def test_the_threshold_window_is_named_apart_from_a_busier_window_with_fewer_agencies():
    # Needing 3 contacts with 3 agencies in 365 days: Police, School, GP on days 0, 10 and 20
    # cross at day 20 (the threshold window is days 0-20). Five Police contacts on days
    # 400-440 make the busiest window (5 contacts) with 1 agency only.
    times = [START + d * DAY for d in (0, 10, 20, 400, 410, 420, 430, 440)]
    agencies = ["Police", "School", "GP"] + ["Police"] * 5
    result = high_contact(contacts_frame(journey(times, agencies)), min_contacts=3,
                          min_agencies=3)
    family = family_row(result)
    assert family["is_high_contact"] and family["first_crossed"] == START + 20 * DAY
    assert family["threshold_start"] == START
    assert (family["threshold_contacts"], family["threshold_agencies"]) == (3, 3)
    assert family["peak_start"] == START + 400 * DAY
    assert (family["peak_contacts"], family["peak_agencies"]) == (5, 1)
    # Below the threshold, the threshold window is empty.
    result = high_contact(contacts_frame(journey(times, agencies)), min_contacts=3,
                          min_agencies=4)
    family = family_row(result)
    assert pd.isna(family["threshold_start"]) and pd.isna(family["threshold_contacts"])
