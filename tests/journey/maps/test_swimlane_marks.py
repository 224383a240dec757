"""The swimlane's count strips, ages, birthdays, shaded windows and highlights, on tiny journeys."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from journey.maps import MapWindow, swimlane_map
from journey.maps.swimlane_counts import MAX_WEEK_COLUMNS, choose_period, period_counts
from journey.maps.swimlane_marks import birthdays, ordinal
from journey.members import age_in_years
from tests.builders import contacts_frame, people_frame
from tests.journey.maps.test_maps import _data_block, _kind

# 19 agencies, the number of lanes of the demo's largest family.
AGENCIES = (
    "Police", "DWP JobCentre Plus", "Children's Social Care", "School", "Domestic Abuse Service",
    "Early Help", "GP", "Housing", "CAMHS", "Health Visiting", "School Nursing",
    "Voluntary Sector", "Education Welfare", "Adult Social Care", "Substance Misuse Service",
    "Hospital", "Adult Mental Health", "Youth Justice", "Midwifery",
)


def big_family(n_contacts: int = 1100, *, every_hours: int = 47) -> pd.DataFrame:
    """``n_contacts`` contacts, one every ``every_hours`` hours from 2017, rotating agencies
    (the police more often) and members (every fifth contact involves two members)."""
    rows = []
    for i in range(n_contacts):
        when = pd.Timestamp("2017-01-02 09:00") + pd.Timedelta(hours=every_hours * i)
        # Every fourth contact is with the police, so some cells hold several contacts.
        agency = AGENCIES[0] if i % 4 == 0 else AGENCIES[(i * 7) % len(AGENCIES)]
        rows.append((f"b{i:05d}", f"M{i % 3}", agency, "incident", when))
        if i % 5 == 0:
            rows.append((f"b{i:05d}", f"M{(i + 1) % 3}", agency, "incident", when))
    return contacts_frame(rows, family_id="FBIG")


BIG_PEOPLE = people_frame(
    [("M0", "FBIG", "parent", "1980-03"), ("M1", "FBIG", "child", "2006-09"),
     ("M2", "FBIG", "child", "2015-01")]
)


def _decor(journey_map) -> dict:
    return json.loads(_data_block(journey_map.html))["decor"]


# -- count strips ------------------------------------------------------------


def test_monthly_counts_equal_an_independent_count():
    contacts = big_family(900)
    journey_map = swimlane_map(contacts, max_contacts=500)
    assert journey_map.aggregated
    cells = _kind(journey_map, "count")
    assert {n["period"] for n in cells} == {"month"}  # 900 contacts over ~4.8 years
    # Independent count: each contact once, by agency and calendar month of its date.
    once = contacts.drop_duplicates("contact_id")
    expected: dict[tuple, int] = {}
    for agency, moment in zip(once["agency"], once["occurred_at"], strict=True):
        key = (agency, f"{moment.year:04d}-{moment.month:02d}-01")
        expected[key] = expected.get(key, 0) + 1
    found = {(n["title"].split(", ", 1)[0], n["period_start"]): n["contacts"] for n in cells}
    assert found == expected
    assert sum(n["contacts"] for n in cells) == 900
    assert all(re.match(r"[A-Z][a-z]+ \d{4}: \d+ contacts?", n["title"].split(", ", 1)[1])
               for n in cells)


def test_weekly_counts_equal_an_independent_count_and_weeks_start_on_monday():
    contacts = big_family(300, every_hours=30)  # about 53 weeks: counted by week
    from journey.maps.swimlane import journey_frame

    frame = journey_frame(contacts)
    assert choose_period(frame) == "week"
    cells = period_counts(frame, "week")
    expected: dict[tuple, int] = {}
    for agency, moment in zip(frame["agency"], frame["occurred_at"], strict=True):
        monday = (moment.normalize() - pd.Timedelta(days=moment.weekday()))
        expected[(agency, monday)] = expected.get((agency, monday), 0) + 1
    assert dict(zip(zip(cells["agency"], cells["period"], strict=True), cells["contacts"],
                    strict=True)) == expected
    assert (cells["period"].dt.dayofweek == 0).all()
    assert list(cells["period"]) == sorted(cells["period"])  # time order


def test_the_strip_counts_weeks_up_to_the_limit_and_months_beyond():
    def weeks(n):
        return contacts_frame(
            [(f"w{i}", "P1", "Police", "incident",
              pd.Timestamp("2021-01-04") + pd.Timedelta(weeks=i)) for i in range(n)],
            family_id="F1")

    from journey.maps.swimlane import journey_frame

    assert choose_period(journey_frame(weeks(MAX_WEEK_COLUMNS))) == "week"
    assert choose_period(journey_frame(weeks(MAX_WEEK_COLUMNS + 1))) == "month"


def test_aggregated_map_hides_next_contact_lines_and_says_so():
    journey_map = swimlane_map(big_family(600), max_contacts=500)
    assert journey_map.edges and all(edge["hidden"] for edge in journey_map.edges)
    decor = _decor(journey_map)
    assert decor["steps"] is False and decor["period"] == "month"
    assert '<input type="checkbox" id="journey-map-steps">' in journey_map.html  # unchecked
    assert any("hidden: use the switch" in item.label for item in journey_map.legend)
    detailed = swimlane_map(big_family(40))
    assert not any(edge.get("hidden") for edge in detailed.edges)
    assert '<input type="checkbox" id="journey-map-steps" checked>' in detailed.html
    shown = swimlane_map(big_family(600), max_contacts=500, show_steps=True)
    assert _decor(shown)["steps"] is True


# -- ages and birthdays ----------------------------------------------------------

TINY = contacts_frame(
    [
        ("t1", "kid", "Police", "incident", "2021-04-30 10:00"),
        ("t1", "mum", "Police", "incident", "2021-04-30 10:00"),
        ("t2", "kid", "School", "exclusion", "2021-05-01 09:00"),
        ("t3", "mum", "GP", "appointment", "2021-09-01 09:00"),
        ("t4", "dad", "Police", "arrest", "2022-02-01 09:00"),
    ],
    family_id="FT",
)
TINY_PEOPLE = people_frame(
    [("kid", "FT", "child", "2008-05"), ("mum", "FT", "parent", "1984-11"),
     ("dad", "FT", "parent", None)]
)


def _titles(journey_map) -> dict[str, str]:
    return {n["contact_id"]: n["title"] for n in _kind(journey_map, "contact")}


def test_tooltips_say_each_members_age_at_the_contact_worked_by_hand():
    titles = _titles(swimlane_map(TINY, people=TINY_PEOPLE))
    # kid born 2008-05: 12 on 30 April 2021, 13 from 1 May 2021; mum born 1984-11: 36.
    assert "Members involved (2): kid (child, aged 12), mum (parent, aged 36)" in titles["t1"]
    assert "Members involved (1): kid (child, aged 13)" in titles["t2"]
    assert "Members involved (1): mum (parent, aged 36)" in titles["t3"]
    assert "Members involved (1): dad (parent)" in titles["t4"]  # no birth month: no age


def test_tooltip_ages_agree_with_the_members_module():
    titles = _titles(swimlane_map(TINY, people=TINY_PEOPLE))
    births = TINY_PEOPLE.set_index("person_id")["birth_month"]
    for row in TINY.itertuples(index=False):
        age = age_in_years(pd.Series([births[row.person_id]]), row.occurred_at).iloc[0]
        if pd.notna(age):
            assert f"{row.person_id} (" in titles[row.contact_id]
            assert re.search(rf"{row.person_id} \([a-z]+, aged {int(age)}\)",
                             titles[row.contact_id])


def test_aggregated_tooltips_give_ages_at_the_cells_first_contact():
    journey_map = swimlane_map(big_family(600), people=BIG_PEOPLE, max_contacts=500)
    cell = next(n for n in _kind(journey_map, "count") if n["period_start"] == "2018-03-01"
                and "M1" in n["members"])
    # M1 born 2006-09: 11 in March 2018.
    assert "M1 (child, aged 11)" in cell["title"]


def test_the_birthday_line_is_at_the_childs_13th_birthday():
    journey_map = swimlane_map(TINY, people=TINY_PEOPLE)
    lines = _decor(journey_map)["birthdays"]
    # Only the kid's 13th birthday (2021-05-01) falls within the journey (2021-04-30 to 2022-02).
    assert [line["person"] for line in lines] == ["kid"]
    assert lines[0]["label"] == "kid's 13th birthday (2021-05-01)"
    assert lines[0]["agencies"] == ["Police", "School"]  # the lanes of the kid's own contacts
    xs = {n["contact_id"]: n["x"] for n in _kind(journey_map, "contact")}
    # 1 May is the day of t2, after t1 (30 April): the line is exactly at t2's day.
    assert xs["t1"] < lines[0]["x"] == xs["t2"]
    labels = [item.label for item in journey_map.legend]
    assert "A member's 13th birthday (dashed line)" in labels


def test_the_birthday_follows_by_age_and_is_left_out_beyond_the_journey():
    assert birthdays(TINY_PEOPLE, 13, pd.Timestamp("2021-04-30"), pd.Timestamp("2022-02-01")) == [
        ("kid", pd.Timestamp("2021-05-01"))
    ]
    assert birthdays(TINY_PEOPLE, 12, pd.Timestamp("2021-04-30"), pd.Timestamp("2022-02-01")) == []
    assert birthdays(TINY_PEOPLE, 37, pd.Timestamp("2021-04-30"), pd.Timestamp("2022-02-01")) == [
        ("mum", pd.Timestamp("2021-11-01"))
    ]
    assert ordinal(13) == "13th" and ordinal(21) == "21st" and ordinal(12) == "12th"
    # De-identified rows keep the birth year only: no age, no birthday.
    year_only = TINY_PEOPLE.assign(birth_month=["2008", "1984", None])
    journey_map = swimlane_map(TINY, people=year_only, relative_days=True)
    assert _decor(journey_map)["birthdays"] == []
    assert "aged" not in " ".join(_titles(journey_map).values())


# -- windows, highlights, member filter, the doubled word ---------------------------


def test_threshold_and_busiest_windows_are_shaded_and_named():
    windows = [
        MapWindow("threshold", "Window that met the threshold (the first): 3 contacts with 2 "
                  "agencies", pd.Timestamp("2021-04-30"), pd.Timestamp("2021-05-01 09:00")),
        MapWindow("busiest", "Busiest window (most contacts): 4 contacts with 3 agencies "
                  "(fewer agencies than the threshold of 5)", pd.Timestamp("2021-04-30"),
                  pd.Timestamp("2022-02-01")),
    ]
    journey_map = swimlane_map(TINY, windows=windows)
    bands = _decor(journey_map)["bands"]
    assert [b["kind"] for b in bands] == ["threshold", "busiest"]
    xs = {n["contact_id"]: n["x"] for n in _kind(journey_map, "contact")}
    assert bands[0]["x0"] == xs["t1"]  # the window starts on the day of t1
    assert xs["t2"] <= bands[0]["x1"] < xs["t3"]
    assert bands[1]["x1"] >= xs["t4"] - 1
    labels = [item.label for item in journey_map.legend if item.shape == "band"]
    assert labels == [
        "Window that met the threshold (the first): 3 contacts with 2 agencies, "
        "2021-04-30 to 2021-05-01 (shaded)",
        "Busiest window (most contacts): 4 contacts with 3 agencies (fewer agencies than the "
        "threshold of 5), 2021-04-30 to 2022-02-01 (shaded)",
    ]
    with pytest.raises(ValueError, match="'threshold' or 'busiest'"):
        MapWindow("peak", "x", pd.Timestamp("2021-01-01"), pd.Timestamp("2021-01-02"))


def test_peak_contacts_alone_shade_a_busiest_window():
    bands = _decor(swimlane_map(TINY, peak_contact_ids=["t2", "t3"]))["bands"]
    assert [(b["kind"], b["dates"]) for b in bands] == [("busiest", "2021-05-01 to 2021-09-01")]
    # Peak contacts of another journey, or an undated window, shade nothing.
    assert _decor(swimlane_map(TINY, peak_contact_ids=["zz"]))["bands"] == []
    undated = MapWindow("threshold", "Window that met the threshold", pd.NaT, pd.NaT)
    assert _decor(swimlane_map(TINY, windows=[undated]))["bands"] == []


def test_highlighted_contacts_are_drawn_emphasised_with_their_reason():
    journey_map = swimlane_map(TINY, highlight_contact_ids={"t3": "evidence of the outcome"},
                               highlight_label="Evidence of the outcome")
    contacts = {n["contact_id"]: n for n in _kind(journey_map, "contact")}
    assert contacts["t3"]["highlighted"] is True and "highlighted" not in contacts["t2"]
    assert contacts["t3"]["borderWidth"] > contacts["t2"]["borderWidth"]
    assert contacts["t3"]["color"]["border"] != contacts["t2"]["color"]["border"]
    assert "Highlighted: evidence of the outcome" in contacts["t3"]["title"]
    assert "Evidence of the outcome (wide ring)" in [item.label for item in journey_map.legend]
    # Aggregated: the cell holding a highlighted contact is emphasised and counts it.
    big = big_family(600)
    chosen = big["contact_id"].iloc[100]
    cells = _kind(swimlane_map(big, max_contacts=500, highlight_contact_ids=[chosen]), "count")
    marked = [n for n in cells if n.get("highlighted")]
    assert len(marked) == 1 and "1 highlighted" in marked[0]["title"]


def test_uncoordinated_reason_is_not_said_twice():
    reason = "uncoordinated: Police also in contact in the previous 30 days"
    titles = _titles(swimlane_map(TINY, uncoordinated_contact_ids={"t2": reason}))
    assert "Uncoordinated: Police also in contact in the previous 30 days" in titles["t2"]
    assert "Uncoordinated: uncoordinated" not in titles["t2"]


def test_member_filter_lists_every_member_involved():
    journey_map = swimlane_map(TINY, people=TINY_PEOPLE)
    assert _decor(journey_map)["members"] == [
        {"id": "dad", "label": "dad (parent)"}, {"id": "kid", "label": "kid (child)"},
        {"id": "mum", "label": "mum (parent)"},
    ]
    assert '<option value="kid">kid (child)</option>' in journey_map.html
    assert {n["contact_id"]: n["members"] for n in _kind(journey_map, "contact")}["t1"] == [
        "kid", "mum"]
