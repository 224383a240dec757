"""The morning triage list on hand-built families, rows and priorities worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from journey.errors import ParameterError
from journey.taxonomy import default_taxonomy
from journey.triage import PRIORITY_WEIGHTS, TRIAGE_COLUMNS, triage
from tests.builders import contacts_frame, lead_periods_frame, people_frame

SINCE = pd.Timestamp("2022-03-03 08:00")  # a Thursday: the Friday meeting's window
TAXONOMY = default_taxonomy()

# FA: two incidents last night, three in the past year (one 13 months ago: not counted),
#     a child of 3, a MARAC, children's social care last autumn, no lead professional.
# FB: one incident last night, none before, a child of 10, lead professional open (North).
# FC: one incident last night, one 2 months ago, no children, high-contact, no lead.
# FD: an incident before SINCE only; a school contact last night (not a listed type).
CONTACTS = contacts_frame(
    [
        ("a1", "ma", "Police", "domestic_incident", "2022-03-03 22:00", None, "FA"),
        ("a1", "ka", "Police", "domestic_incident", "2022-03-03 22:00", None, "FA"),
        ("a2", "ma", "Police", "domestic_incident", "2022-03-04 01:30", None, "FA"),
        ("a3", "ma", "Police", "domestic_incident", "2021-06-01", None, "FA"),
        ("a4", "ma", "Police", "domestic_incident", "2021-09-01", None, "FA"),
        ("a5", "ma", "Police", "domestic_incident", "2022-01-10", None, "FA"),
        ("a6", "ma", "Police", "domestic_incident", "2021-02-01", None, "FA"),  # 13 months
        ("a7", "ma", "Domestic Abuse Service", "marac", "2021-09-20", None, "FA"),
        ("a8", "ka", "CSC", "referral", "2021-10-01", "Police", "FA"),
        ("a9", "ka", "School", "school_absence", "2022-02-20", None, "FA"),  # 30 days
        ("b1", "mb", "Police", "domestic_incident", "2022-03-03 20:00", None, "FB"),
        ("c1", "mc", "Police", "domestic_incident", "2022-03-03 09:00", None, "FC"),
        ("c2", "mc", "Police", "domestic_incident", "2022-01-05", None, "FC"),
        ("d1", "md", "Police", "domestic_incident", "2022-03-03 07:59", None, "FD"),
        ("d2", "md", "School", "school_absence", "2022-03-03 10:00", None, "FD"),
        ("a10", "ma", "Police", "domestic_incident", "2022-03-05", None, "FA"),  # after
    ]
)
PEOPLE = people_frame(
    [
        ("ma", "FA", "parent", "1990-01"), ("ka", "FA", "child", "2018-06"),
        ("mb", "FB", "parent", "1988-01"), ("kb", "FB", "child", "2011-05"),
        ("mc", "FC", "adult", "1970-01"), ("md", "FD", "adult", "1980-01"),
    ]
)  # fmt: skip
PERIODS = lead_periods_frame([("FB", "2022-01-01", None, "Sam Key", "North")])
SUMMARY = pd.DataFrame(
    {"family_id": ["FA", "FB", "FC"], "high_contact": [False, False, True],
     "eligible": [True, False, True], "first_crossed": pd.to_datetime([None, None, "2021-12-01"]),
     "first_eligible": pd.to_datetime(["2021-10-01", None, "2021-11-01"])}
)  # fmt: skip
UNTIL = pd.Timestamp("2022-03-04 08:00")


def listed(**kwargs) -> pd.DataFrame:
    options = {"since": SINCE, "until": UNTIL, "taxonomy": TAXONOMY, **kwargs}
    return triage(CONTACTS, PEOPLE, PERIODS, SUMMARY, **options)


def test_each_row_says_what_the_meeting_needs():
    rows = listed().set_index("family_id")
    assert list(rows.reset_index().columns) == TRIAGE_COLUMNS
    a = rows.loc["FA"]
    assert (a["contacts"], a["contact_ids"], a["previous_incidents"]) == (2, "a1;a2", 3)
    assert (a["children"], a["child_ages"]) == (1, "3")
    assert a["agencies_30_days"] == "School"
    assert (a["marac_history"], a["escalated_last_year"], a["lead_worker"]) == (1, True, None)
    b = rows.loc["FB"]
    assert (b["lead_worker"], b["lead_team"], b["child_ages"]) == ("Sam Key", "North", "10")
    assert b["previous_incidents"] == 0 and b["agencies_30_days"] == ""
    assert rows.loc["FC", "high_contact"] and rows.loc["FC", "children"] == 0
    assert rows.loc["FA", "best_agency"] == "Police"  # first, earliest, most contacts
    assert "first agency to see the family" in rows.loc["FA", "best_agency_reason"]


def weighted(factors: dict[str, int]) -> int:
    """The stated sum, written independently of the module's own scoring."""
    return sum(PRIORITY_WEIGHTS[name][0] * min(count, PRIORITY_WEIGHTS[name][2])
               for name, count in factors.items())  # fmt: skip


def test_priority_order_follows_the_stated_weights():
    rows = listed()
    expected = {
        # 3 previous, 1 further, child, under 5, escalated, MARAC, no lead
        "FA": weighted({"previous_incidents": 3, "further_incidents": 1, "children": 1,
                        "under_five": 1, "escalated_last_year": 1, "marac_or_cp_history": 1,
                        "no_lead_now": 1}),
        "FB": weighted({"children": 1}),
        "FC": weighted({"previous_incidents": 1, "no_lead_now": 1, "high_contact": 1}),
    }  # fmt: skip
    assert expected == {"FA": 17, "FB": 3, "FC": 4}  # worked out by hand too
    assert dict(zip(rows["family_id"], rows["priority"], strict=True)) == expected
    assert rows["family_id"].tolist() == ["FA", "FC", "FB"]
    assert rows.loc[0, "priority_factors"].startswith("previous incidents 2×3 + further")


def test_since_is_inclusive_and_until_exclusive():
    at_since = listed(since=pd.Timestamp("2022-03-03 09:00"))
    assert "FC" in set(at_since["family_id"])  # c1 at exactly 09:00
    assert "FD" not in set(listed()["family_id"])  # d1 at 07:59 is before the window
    before_until = listed(until=pd.Timestamp("2022-03-04 01:30"))
    assert before_until.set_index("family_id").loc["FA", "contact_ids"] == "a1"  # a2 excluded
    assert "a10" not in "".join(listed()["contact_ids"])


def test_other_types_and_an_empty_window():
    schools = listed(types=("school_absence",))
    assert schools["family_id"].tolist() == ["FD"]
    nothing = listed(since=pd.Timestamp("2022-03-06"), until=None)
    assert nothing.empty and list(nothing.columns) == TRIAGE_COLUMNS
    with pytest.raises(ParameterError, match="must be after since"):
        listed(until=SINCE)
