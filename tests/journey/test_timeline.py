"""Timelines: trailing-window counts over many journeys at once, checked by hand."""

import numpy as np

from journey.arrays import DAY_NS
from journey.timeline import Timeline


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
