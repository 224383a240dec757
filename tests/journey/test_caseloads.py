"""Key-worker caseloads for a hand-built team whose figures are worked out by hand."""

from __future__ import annotations

import pandas as pd

from journey.caseloads import FAMILY_COLUMNS, caseloads
from tests.builders import contacts_frame, lead_periods_frame

AS_OF = pd.Timestamp("2022-06-30")

# North: Sam holds FA (from 1 Jun 2022: 29 days) and FB (from 1 Dec 2020: 576 days, over
# 18 months); Jo holds FC (from 20 Jun). FD's period ended; FE's starts after AS_OF.
PERIODS = lead_periods_frame(
    [
        ("FA", "2022-06-01", None, "Sam Key", "North"),
        ("FB", "2020-12-01", None, "Sam Key", "North"),
        ("FC", "2022-06-20", "2022-12-31", "Jo Bell", "North"),
        ("FD", "2021-01-01", "2022-06-29", "Jo Bell", "North"),
        ("FE", "2022-07-01", None, "Jo Bell", "North"),
    ]
)
CONTACTS = contacts_frame(
    [
        # FA, 30 days before (2 May to 31 May): Police and School in parallel (2), a GP alone.
        ("a1", "ma", "Police", "domestic_incident", "2022-05-10", None, "FA"),
        ("a2", "ka", "School", "school_absence", "2022-05-12", None, "FA"),  # parallel
        ("a3", "ka", "Police", "incident", "2022-05-20", None, "FA"),  # parallel (School)
        ("a0", "ma", "GP", "appointment", "2022-04-01", None, "FA"),  # before the window
        # FA since: one Police incident (30 days, new incident), a TAF meeting (coordination).
        ("a4", "ma", "Police", "domestic_incident", "2022-06-15", None, "FA"),
        ("a5", "ma", "Early Help", "taf_meeting", "2022-06-16", None, "FA"),
        ("a6", "ma", "Police", "incident", "2022-07-01", None, "FA"),  # after AS_OF
        # FB: one contact in its window since allocation, none before.
        ("b1", "mb", "Housing", "eviction_notice", "2021-03-01", None, "FB"),
        # FC: Police the day before allocation, School on the day: parallel since 1.
        ("c1", "mc", "Police", "incident", "2022-06-19", None, "FC"),
        ("c2", "kc", "School", "school_absence", "2022-06-20", None, "FC"),
    ]
)


def test_family_figures_for_a_hand_built_team():
    result = caseloads(CONTACTS, PERIODS, as_of=AS_OF)
    assert list(result.families.columns) == FAMILY_COLUMNS
    found = result.families.set_index("family_id")
    assert sorted(found.index) == ["FA", "FB", "FC"]  # FD ended, FE not started
    a = found.loc["FA"]
    assert a["days_since_allocation"] == 29
    assert (a["contacts_before"], a["parallel_before"]) == (3, 2)  # a1, a2, a3 in 30 days
    assert (a["contacts_since"], a["parallel_since"]) == (2, 0)  # a4 alone; a5 a meeting
    assert a["new_incidents"] == 1 and not a["over_18_months"]
    b = found.loc["FB"]
    assert b["days_since_allocation"] == 576 and b["over_18_months"]
    assert (b["contacts_before"], b["contacts_since"]) == (0, 1)  # 365-day windows
    c = found.loc["FC"]
    assert (c["contacts_before"], c["contacts_since"], c["parallel_since"]) == (1, 1, 1)


def test_worker_and_team_sums_and_order():
    result = caseloads(CONTACTS, PERIODS, as_of=AS_OF)
    assert result.families["family_id"].tolist() == ["FC", "FB", "FA"]  # Jo, then Sam longest
    workers = result.workers.set_index("lead_worker")
    assert workers.loc["Sam Key", "families"] == 2 and workers.loc["Jo Bell", "families"] == 1
    assert workers.loc["Sam Key", "over_18_months"] == 1
    assert workers.loc["Sam Key", "median_days"] == (29 + 576) / 2
    team = result.teams.iloc[0]
    assert (team["lead_team"], team["workers"], team["families"]) == ("North", 2, 3)
    assert team["parallel_before"] == 2 and team["new_incidents"] == 2  # a4 and c1


def test_the_boundaries_of_as_of():
    on_end = caseloads(CONTACTS, PERIODS, as_of=pd.Timestamp("2022-06-29"))
    assert "FD" in set(on_end.families["family_id"])  # lead_to is inclusive
    on_start = caseloads(CONTACTS, PERIODS, as_of=pd.Timestamp("2022-07-01"))
    row = on_start.families.set_index("family_id").loc["FE"]
    assert row["days_since_allocation"] == 0
    assert on_start.families.set_index("family_id").loc["FA", "new_incidents"] == 2  # a6 now


def test_no_open_family_is_empty_and_unnamed_periods_are_counted():
    empty = caseloads(CONTACTS, PERIODS, as_of=pd.Timestamp("2019-01-01"))
    assert empty.families.empty and empty.workers.empty and empty.teams.empty
    unnamed = lead_periods_frame([("FA", "2022-06-01", None)])
    result = caseloads(CONTACTS, unnamed, as_of=AS_OF)
    assert result.workers[["lead_team", "lead_worker"]].values.tolist() == [
        ["unnamed", "unnamed"]]
