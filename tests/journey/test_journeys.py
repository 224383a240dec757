"""Family and person journeys, and the timeline windows every journey analysis counts with."""

import numpy as np
import pandas as pd
import pytest

from journey.arrays import DAY_NS
from journey.errors import MissingColumnError, NotFoundError, ParameterError
from journey.event_log import family_timeline, person_timeline, prepare
from journey.journeys import (
    JOURNEY_COLUMNS,
    family_journey,
    family_journeys,
    person_journey,
)
from journey.parameters import check_positive
from journey.timeline import Timeline
from tests.builders import contacts_frame

# Two families. F1: a police call-out to mum and kid (one contact, two rows), a
# school absence, and two contacts at the same time (ids "c4" and "c3").
ROWS = [
    ("c2", "kid", "School", "school_absence", "2021-02-01", None, "F1"),
    ("c1", "mum", "Police", "domestic_incident", "2021-01-01 22:00", None, "F1"),
    ("c1", "kid", "Police", "domestic_incident", "2021-01-01 22:00", None, "F1"),
    ("c4", "mum", "GP", "appointment", "2021-03-01 09:00", None, "F1"),
    ("c3", "kid", "Hospital", "emergency_attendance", "2021-03-01 09:00", None, "F1"),
    ("d1", "dad", "DWP JobCentre Plus", "work_coach", "2020-05-05", None, "F0"),
]


def test_family_journey_counts_a_multi_person_contact_once_in_time_order():
    journeys = family_journeys(contacts_frame(ROWS))
    assert list(journeys.columns) == JOURNEY_COLUMNS
    # Families in id order (F0 before F1); in F1: c1 (Jan), c2 (Feb), then the two
    # contacts of 1 March 09:00 in contact id order: c3 before c4.
    assert journeys["family_id"].tolist() == ["F0", "F1", "F1", "F1", "F1"]
    assert journeys["contact_id"].tolist() == ["d1", "c1", "c2", "c3", "c4"]
    assert journeys["step"].tolist() == [0, 0, 1, 2, 3]
    assert journeys["people"].tolist() == ["dad", "kid;mum", "kid", "kid", "mum"]
    assert journeys["n_people"].tolist() == [1, 2, 1, 1, 1]
    assert journeys["occurred_at"].dtype == "datetime64[ns]"


def test_journeys_do_not_depend_on_row_order_and_do_not_change_the_input():
    contacts = contacts_frame(ROWS)
    before = contacts.copy()
    shuffled = contacts.sample(frac=1, random_state=3).reset_index(drop=True)
    pd.testing.assert_frame_equal(family_journeys(contacts), family_journeys(shuffled))
    pd.testing.assert_frame_equal(contacts, before)


def test_one_family_and_one_person():
    contacts = contacts_frame(ROWS)
    assert family_journey(contacts, "F1")["contact_id"].tolist() == ["c1", "c2", "c3", "c4"]
    # kid: c1 (1 Jan), c2 (1 Feb), c3 (1 Mar); mum: c1, c4.
    assert person_journey(contacts, "kid")["contact_id"].tolist() == ["c1", "c2", "c3"]
    assert person_journey(contacts, "mum")["step"].tolist() == [0, 1]
    with pytest.raises(NotFoundError):
        family_journey(contacts, "F9")
    with pytest.raises(NotFoundError):
        person_journey(contacts, "nobody")


def test_empty_contacts_give_an_empty_journey_with_the_columns():
    empty = contacts_frame([])
    journeys = family_journeys(empty)
    assert journeys.empty and list(journeys.columns) == JOURNEY_COLUMNS


def test_a_missing_column_is_named():
    with pytest.raises(MissingColumnError, match="occurred_at"):
        family_journeys(contacts_frame(ROWS).drop(columns="occurred_at"))


def test_parameters_must_be_positive():
    check_positive(days=0.5, contacts=np.int64(30), share=np.float64(0.1))
    for bad in (0, -1, "30", None, True):
        with pytest.raises(ParameterError, match="days must be a positive number"):
            check_positive(days=bad)
    # Callers that catch ValueError for bad thresholds keep working.
    assert issubclass(ParameterError, ValueError)


def _timeline(days, families=None, *, jitter: bool = False):
    """A timeline of events on ``days`` (sorted by family and day) of ``families`` (default one)."""
    entity = np.zeros(len(days), dtype=np.int64) if families is None else np.asarray(families)
    times = (np.asarray(days) * DAY_NS).astype(np.int64)
    assert (np.diff(entity * 10**6 + np.asarray(days)) >= 0).all()
    if jitter:
        # Odd families one nanosecond later: the same journeys, but no common unit of time.
        times = times + entity % 2
    ids = np.array([f"F{i}" for i in range(int(entity.max()) + 1)], dtype=object)
    return Timeline.from_arrays(entity, ids, times)


def test_window_counts_include_same_time_contacts_and_exclude_the_far_edge():
    # Days 0, 10, 10, 40, 50 with a 30-day window (t - 30, t]:
    # day 0 -> {0}; day 10 -> {0, 10, 10}; day 40 -> {40} (day 10 is exactly 30 days
    # before: outside); day 50 -> {40, 50}.
    line = _timeline([0, 10, 10, 40, 50])
    assert line.window_counts(30 * DAY_NS).tolist() == [1, 3, 3, 1, 2]


def test_window_distinct_counts_agencies_still_in_the_window():
    # Agencies A B A C on days 0, 5, 20, 40 with a 30-day window:
    # day 0 {A}; day 5 {A, B}; day 20 {A, B}; day 40 {A (day 20), C} (day 5 is 35 days back).
    line = _timeline([0, 5, 20, 40])
    assert line.window_distinct(np.array([0, 1, 0, 2]), 30 * DAY_NS).tolist() == [1, 2, 2, 2]


def test_windows_are_counted_per_family():
    # F0 on days 0 and 1; F1 on days 1 and 2: nothing leaks between families.
    line = _timeline([0, 1, 1, 2], [0, 0, 1, 1])
    assert line.window_counts(30 * DAY_NS).tolist() == [1, 2, 1, 2]
    assert line.window_distinct(np.array([0, 1, 1, 1]), 30 * DAY_NS).tolist() == [1, 2, 1, 1]


def test_rank_fallback_gives_the_same_windows():
    # 3,000 families over a century in nanoseconds do not fit an int64 key, so the
    # jittered timeline packs times by rank instead of by a common unit.
    rng = np.random.default_rng(5)
    families = rng.integers(0, 3000, 8000)
    days = rng.integers(0, 36_500, 8000)
    order = np.lexsort((days, families))
    families, days, agencies = families[order], days[order], rng.integers(0, 6, 8000)
    exact = _timeline(days, families)
    ranked = _timeline(days, families, jitter=True)
    assert exact.clock.distinct is None and ranked.clock.distinct is not None
    np.testing.assert_array_equal(exact.entity, ranked.entity)
    for window in (1, 30, 365, 36_500):
        np.testing.assert_array_equal(exact.window_counts(window * DAY_NS),
                                      ranked.window_counts(window * DAY_NS))
        np.testing.assert_array_equal(exact.window_distinct(agencies, window * DAY_NS),
                                      ranked.window_distinct(agencies, window * DAY_NS))


def test_family_timeline_keeps_one_row_per_family_contact():
    contacts = contacts_frame(ROWS)
    line = family_timeline(contacts)
    assert contacts["contact_id"].to_numpy()[line.rows].tolist() == ["d1", "c1", "c2", "c3", "c4"]
    assert line.ids.tolist() == ["F0", "F1"]
    assert line.starts.tolist() == [0, 1]
    people = person_timeline(contacts)
    assert people.ids.tolist() == ["dad", "kid", "mum"]
    assert len(people) == len(contacts)


def test_prepared_contacts_share_the_timeline_and_codes():
    prepared = prepare(contacts_frame(ROWS))
    assert prepare(prepared) is prepared
    assert prepared.families is prepared.families
    codes, agencies = prepared.codes("agency")
    assert agencies.tolist() == sorted(agencies.tolist())
    assert agencies[codes].tolist() == prepared.frame["agency"].tolist()
