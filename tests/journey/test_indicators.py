"""Headline indicators, eligibility and families not yet found, on hand-built journeys."""

import pandas as pd
import pytest

from journey.errors import ParameterError, TaxonomyError
from journey.indicators import ELIGIBILITY_COLUMNS, eligibility
from journey.taxonomy import load_taxonomy
from tests.builders import contacts_frame, lead_periods_frame

# tf2015: a Police domestic incident evidences domestic_abuse, a school absence
# education, a hospital emergency attendance health, a work-coach meeting worklessness;
# a GP appointment evidences nothing.
DOMESTIC = ("Police", "domestic_incident")
ABSENCE = ("School", "school_absence")
EMERGENCY = ("Hospital", "emergency_attendance")
WORK = ("DWP JobCentre Plus", "work_coach")
ROUTINE = ("GP", "appointment")


def journey(*contacts, family="F1", prefix="c"):
    """``(kind, time)`` pairs to contact tuples of one family."""
    return [
        (f"{prefix}{i}", "kid", agency, contact_type, time, None, family)
        for i, ((agency, contact_type), time) in enumerate(contacts, start=1)
    ]


def row_of(result, family="F1"):
    return result.families.set_index("family_id").loc[family]


def test_two_indicators_within_a_year_make_a_family_eligible():
    contacts = contacts_frame(journey(
        (DOMESTIC, "2021-01-10"), (ROUTINE, "2021-03-01"), (ABSENCE, "2021-06-01")))
    row = row_of(eligibility(contacts))
    assert row["indicators"] == "domestic_abuse;education"
    assert row["indicator_count"] == 2 and row["eligible"]
    assert row["first_eligible"] == pd.Timestamp("2021-06-01")
    assert (row["window_start"], row["window_end"]) == (pd.Timestamp("2021-01-10"),
                                                        pd.Timestamp("2021-06-01"))
    # The GP appointment evidences nothing, so it is not evidence.
    assert row["evidence_contact_ids"] == ("c1", "c3")
    assert not row["has_lead_professional"] and row["not_yet_found"]
    assert pd.isna(row["lead_from"])


def test_indicators_exactly_a_year_apart_are_not_in_one_window():
    # 2021-01-10 to 2022-01-10 is 365 days: two windows with one indicator each.
    contacts = contacts_frame(journey((DOMESTIC, "2021-01-10"), (ABSENCE, "2022-01-10")))
    row = row_of(eligibility(contacts))
    assert (row["indicator_count"], row["eligible"]) == (1, False)
    assert row["indicators"] == "domestic_abuse"  # the earlier of two equal windows
    assert (row["all_indicators"], row["all_indicator_count"]) == ("domestic_abuse;education", 2)
    assert pd.isna(row["first_eligible"]) and not row["not_yet_found"]
    # A minute earlier they share a window.
    contacts = contacts_frame(journey((DOMESTIC, "2021-01-10"), (ABSENCE, "2022-01-09 23:59")))
    assert row_of(eligibility(contacts))["first_eligible"] == pd.Timestamp("2022-01-09 23:59")


def test_the_2022_set_needs_three_indicators():
    # domestic_abuse (Jan), education (Jun), health (Jul): tf2015 eligible in June with 2;
    # sf2022 (domestic_abuse, education, health all in its set) eligible in July with 3.
    contacts = contacts_frame(journey(
        (DOMESTIC, "2021-01-10"), (ABSENCE, "2021-06-01"), (EMERGENCY, "2021-07-01")))
    assert row_of(eligibility(contacts))["first_eligible"] == pd.Timestamp("2021-06-01")
    result = eligibility(contacts, indicator_set="sf2022")
    row = row_of(result)
    assert row["first_eligible"] == pd.Timestamp("2021-07-01")
    assert row["indicators"] == "domestic_abuse;education;health"
    assert result.params["min_indicators"] == 3
    two = contacts_frame(journey((DOMESTIC, "2021-01-10"), (ABSENCE, "2021-06-01")))
    assert not row_of(eligibility(two, indicator_set="sf2022"))["eligible"]


def test_the_best_window_and_the_first_eligible_date_can_differ():
    # 2019: domestic_abuse + education (eligible 2019-05-01). 2021: health, worklessness and
    # education: 3 indicators, the best window.
    contacts = contacts_frame(journey(
        (DOMESTIC, "2019-02-01"), (ABSENCE, "2019-05-01"),
        (EMERGENCY, "2021-02-01"), (WORK, "2021-03-01"), (ABSENCE, "2021-04-01")))
    row = row_of(eligibility(contacts))
    assert row["first_eligible"] == pd.Timestamp("2019-05-01")
    assert row["indicators"] == "education;health;worklessness"
    assert row["evidence_contact_ids"] == ("c3", "c4", "c5")
    assert row["all_indicator_count"] == 4


def test_a_contact_with_two_members_is_evidence_once():
    rows = journey((DOMESTIC, "2021-01-10"), (ABSENCE, "2021-02-10"))
    rows.append(("c1", "mum", "Police", "domestic_incident", "2021-01-10", None, "F1"))
    row = row_of(eligibility(contacts_frame(rows)))
    assert row["evidence_contact_ids"] == ("c1", "c2")


def test_a_contact_evidencing_two_indicators_is_listed_once(tmp_path):
    path = tmp_path / "taxonomy.toml"
    path.write_text(
        'sectors = ["police", "education"]\n'
        '[[agency]]\nname = "Police"\nsector = "police"\n'
        '[[agency]]\nname = "School"\nsector = "education"\n'
        "[indicator_sets.pair]\nmin_indicators = 2\n"
        '[indicator_sets.pair.indicators]\ncrime = "Crime"\nharm = "Harm"\n'
        '[[indicator_sets.pair.rules]]\nindicator = "crime"\nsectors = ["police"]\n'
        '[[indicator_sets.pair.rules]]\nindicator = "harm"\ncontact_types = ["incident"]\n'
    )
    taxonomy = load_taxonomy(path)
    # One police incident evidences crime and harm at once: eligible at that contact.
    contacts = contacts_frame(journey((("Police", "incident"), "2021-01-01")))
    row = row_of(eligibility(contacts, taxonomy=taxonomy, indicator_set="pair"))
    assert row["indicators"] == "crime;harm" and row["eligible"]
    assert row["first_eligible"] == pd.Timestamp("2021-01-01")
    assert row["evidence_contact_ids"] == ("c1",)


def test_families_eligible_but_not_yet_found():
    eligible_in_june = [(DOMESTIC, "2021-01-10"), (ABSENCE, "2021-06-01")]
    rows = []
    for family in ["F1", "F2", "F3", "F5"]:
        rows += journey(*eligible_in_june, family=family, prefix=family)
    rows += journey((ROUTINE, "2021-01-10"), family="F4", prefix="F4")
    periods = lead_periods_frame([
        ("F1", "2020-01-01", "2020-12-31"),  # ended before eligibility: not yet found
        ("F2", "2021-09-01", None),  # assigned after eligibility, still open: found
        ("F3", "2021-01-01", "2021-06-01"),  # ends on the day of eligibility: found
        ("F4", "2021-01-01", None),  # not eligible
        ("F5", "2022-01-01", None),  # two periods, the first long before
        ("F5", "2019-01-01", "2019-02-01"),
    ])
    frame = eligibility(contacts_frame(rows), periods).families.set_index("family_id")
    assert frame["not_yet_found"].to_dict() == {
        "F1": True, "F2": False, "F3": False, "F4": False, "F5": False}
    assert frame["has_lead_professional"].all()
    assert frame.loc["F5", "lead_from"] == pd.Timestamp("2019-01-01")
    assert frame.loc["F2", "lead_from"] == pd.Timestamp("2021-09-01")
    # Without as_of only a period with no end is open now: F3's has ended.
    assert frame["lead_now"].to_dict() == {
        "F1": False, "F2": True, "F3": False, "F4": True, "F5": True}
    # As of 1 June 2021 F3's period ends that very day (still open); F2's and
    # F5's open periods had not started.
    as_of = eligibility(contacts_frame(rows), periods, as_of="2021-06-01").families
    assert as_of.set_index("family_id")["lead_now"].to_dict() == {
        "F1": False, "F2": False, "F3": True, "F4": True, "F5": False}


def test_lead_now_differs_from_ever_having_had_one():
    rows = journey((DOMESTIC, "2021-01-10"), (ABSENCE, "2021-06-01"), family="F1", prefix="F1")
    rows += journey((DOMESTIC, "2021-01-10"), family="F2", prefix="F2")
    periods = lead_periods_frame([("F1", "2021-01-01", "2021-03-01")])
    frame = eligibility(contacts_frame(rows), periods).families.set_index("family_id")
    # F1 had one (ended 1 March), F2 never: neither has one now.
    assert frame["has_lead_professional"].to_dict() == {"F1": True, "F2": False}
    assert frame["lead_now"].to_dict() == {"F1": False, "F2": False}
    # As of 1 February F1's period was still open.
    early = eligibility(contacts_frame(rows), periods, as_of="2021-02-01").families
    assert early.set_index("family_id")["lead_now"].to_dict() == {"F1": True, "F2": False}


def test_as_of_ignores_later_contacts_and_later_lead_periods():
    rows = journey((DOMESTIC, "2021-01-10"), (ABSENCE, "2021-06-01"), (WORK, "2021-09-01"))
    periods = lead_periods_frame([("F1", "2021-10-01", None)])
    contacts = contacts_frame(rows)
    # As of 1 July: eligible since 1 June, no lead professional yet: not yet found.
    result = eligibility(contacts, periods, as_of="2021-07-01")
    row = row_of(result)
    assert row["indicators"] == "domestic_abuse;education"
    assert row["not_yet_found"] and not row["has_lead_professional"]
    assert result.params["as_of"] == "2021-07-01T00:00:00"
    # 23:30 UTC on 31 May is 00:30 on 1 June in London (BST): the absence counts.
    aware = eligibility(contacts, periods, as_of=pd.Timestamp("2021-05-31 23:30", tz="UTC"))
    assert row_of(aware)["eligible"]
    # As of March, one indicator only; today, found.
    assert not row_of(eligibility(contacts, periods, as_of="2021-03-01"))["eligible"]
    assert not row_of(eligibility(contacts, periods))["not_yet_found"]


def test_unknown_sets_empty_frames_and_parameters():
    with pytest.raises(TaxonomyError):
        eligibility(contacts_frame([]), indicator_set="tf1999")
    with pytest.raises(ParameterError, match="window_days"):
        eligibility(contacts_frame([]), window_days=0)
    result = eligibility(contacts_frame([]))
    assert result.families.empty and list(result.families.columns) == ELIGIBILITY_COLUMNS
    assert result.params["indicator_set"] == "tf2015" and result.params["window_days"] == 365
    # Families with no indicator at all have an empty list and no evidence.
    row = row_of(eligibility(contacts_frame(journey((ROUTINE, "2021-01-01")))))
    assert (row["indicators"], row["indicator_count"], row["evidence_contact_ids"]) == ("", 0, ())
    assert pd.isna(row["window_start"])
