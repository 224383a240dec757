"""Per-member results on a tiny hand-built family whose answers are worked out in the comments."""

import pandas as pd
import pytest

from journey.high_contact import high_contact
from journey.members import MEMBER_COLUMNS, age_in_years, member_results
from tests.builders import contacts_frame, people_frame

AS_OF = pd.Timestamp("2024-05-01")


def _family():
    # The child, born 2008-05, turns 13 on 2021-05-01 (ages count from the month's first day).
    # Her contacts: GP 2020-01-15, Police 2021-04-30, School 2021-05-01 (her birthday: not
    # before 13), GP 2021-06-01. Mum (born 1980-01) has one Police contact; dad none.
    rows = [
        ("c0", "kid", "GP", "appointment", "2020-01-15"),
        ("c1", "kid", "Police", "appointment", "2021-04-30 10:00"),
        ("c2", "kid", "School", "appointment", "2021-05-01 09:00"),
        ("c3", "kid", "GP", "appointment", "2021-06-01"),
        ("c4", "mum", "Police", "appointment", "2019-03-10"),
    ]
    contacts = contacts_frame(rows, family_id="F1")
    people = people_frame([("kid", "F1", "child", "2008-05"), ("mum", "F1", "parent", "1980-01"),
                           ("dad", "F1", "adult", "1979-11")])
    people["sex"] = ["F", "F", "M"]
    return contacts, people


def _members(**params):
    contacts, people = _family()
    result = high_contact(contacts, people, min_contacts=2, min_agencies=2)
    return member_results(people, result.people, as_of=AS_OF, **params).set_index("person_id")


def test_each_members_ages_counts_and_crossings_worked_out_by_hand():
    members = _members()
    assert list(members.reset_index().columns) == MEMBER_COLUMNS
    # Adults first (by person id), then the child.
    assert members.index.tolist() == ["dad", "mum", "kid"]
    kid = members.loc["kid"]
    assert (kid["role"], kid["sex"]) == ("child", "F")
    # 2024-05 - 2008-05 = 16 years; 2020-01 - 2008-05 = 11 years 8 months.
    assert (kid["age_now"], kid["age_at_first_contact"]) == (16, 11)
    assert kid["by_age_birthday"] == pd.Timestamp("2021-05-01")
    assert (kid["total_contacts"], kid["total_agencies"]) == (4, 3)
    # Before 13: c0 and c1, two agencies; the running totals reach 2 and 2 at c1.
    assert (kid["contacts_before_age"], kid["agencies_before_age"]) == (2, 2)
    assert kid["high_contact_before_age"]
    assert kid["crossed_before_age_at"] == pd.Timestamp("2021-04-30 10:00")
    assert kid["age_at_crossing_before_age"] == 12  # 2021-04 is 12 years 11 months
    # Rolling: c0 is more than 365 days before c1, so the first window with 2 contacts
    # and 2 agencies ends at c2, her birthday: aged 13; it starts at c1.
    assert kid["is_high_contact"] and kid["first_crossed"] == pd.Timestamp("2021-05-01 09:00")
    assert kid["age_at_crossing"] == 13
    assert kid["threshold_start"] == pd.Timestamp("2021-04-30 10:00")
    assert (kid["threshold_contacts"], kid["threshold_agencies"]) == (2, 2)
    # The busiest window ends at c3: c1, c2, c3 with Police, School, GP.
    assert (kid["peak_contacts"], kid["peak_agencies"]) == (3, 3)
    mum = members.loc["mum"]
    # 2019-03 - 1980-01 = 39 years 2 months; her 13th birthday (1993) is before any contact.
    assert (mum["age_now"], mum["age_at_first_contact"]) == (44, 39)
    assert (mum["total_contacts"], mum["contacts_before_age"]) == (1, 0)
    assert not mum["is_high_contact"] and not mum["high_contact_before_age"]
    assert pd.isna(mum["age_at_crossing"]) and pd.isna(mum["age_at_crossing_before_age"])
    dad = members.loc["dad"]  # listed, no contacts
    assert (dad["total_contacts"], dad["total_agencies"], dad["contacts_before_age"]) == (0, 0, 0)
    assert not dad["is_high_contact"] and pd.isna(dad["age_at_first_contact"])
    assert dad["age_now"] == 44  # 2024-05 - 1979-11 = 44 years 6 months


def test_the_day_before_the_birthday_month_is_a_year_younger():
    contacts, people = _family()
    result = high_contact(contacts, people, min_contacts=2, min_agencies=2)
    kid = member_results(people, result.people, as_of=pd.Timestamp("2024-04-30"))
    assert kid.set_index("person_id").at["kid", "age_now"] == 15


def test_a_member_without_a_birth_month_has_no_ages():
    contacts, people = _family()
    people.loc[people["person_id"] == "kid", "birth_month"] = "2008-13"  # not a month
    result = high_contact(contacts, people, min_contacts=2, min_agencies=2)
    kid = member_results(people, result.people, as_of=AS_OF).set_index("person_id").loc["kid"]
    assert pd.isna(kid["age_now"]) and pd.isna(kid["age_at_first_contact"])
    assert pd.isna(kid["contacts_before_age"]) and pd.isna(kid["high_contact_before_age"])
    assert kid["total_contacts"] == 4 and kid["is_high_contact"]


def _simple_age(birth_month: str, when: pd.Timestamp) -> int:
    """The independent reading: years since the first day of the birth month."""
    year, month = (int(part) for part in birth_month.split("-"))
    return when.year - year - (1 if when.month < month else 0)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ages_agree_with_a_simple_implementation(seed):
    rng = pd.Series(range(200)).sample(frac=1, random_state=seed).to_numpy()
    births = [f"{1950 + int(r) % 70}-{1 + int(r) % 12:02d}" for r in rng]
    whens = pd.Series(pd.Timestamp("2000-01-01") + pd.to_timedelta(rng * 97 % 9000, unit="D"))
    got = age_in_years(pd.Series(births), whens)
    expected = [_simple_age(b, w) for b, w in zip(births, whens, strict=True)]
    assert got.tolist() == expected
