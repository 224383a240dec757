"""Measurements: each target kind met and missed, the spread of runs, the cost exponent."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

import bench.common
from bench.common import GB, Measurement, power_exponent, size_text

MB = 1024**2


def test_the_docstring_examples_hold():
    assert doctest.testmod(bench.common).failed == 0


@pytest.mark.parametrize(
    ("values", "met"),
    [
        # median 2 s against at most 3 s / at most 1 s
        ({"target_s": 3.0}, True),
        ({"target_s": 1.0}, False),
        # runs 1..20 s: nearest-rank p95 of 20 runs is the 19th (index round(0.95 * 19) = 18)
        ({"target_s": 19.0, "target_kind": "max_p95_s"}, True),
        ({"target_s": 18.5, "target_kind": "max_p95_s"}, False),
        ({"target_s": 4.0, "target_kind": "min_ratio", "ratio": 4.5}, True),
        ({"target_s": 4.0, "target_kind": "min_ratio", "ratio": 3.9}, False),
        ({"target_s": 4.0, "target_kind": "min_ratio"}, False),  # no ratio measured
        # 1,000 rows in a median of 2 s: 500 rows/s
        ({"target_s": 500.0, "target_kind": "min_per_s", "rows": 1000}, True),
        ({"target_s": 501.0, "target_kind": "min_per_s", "rows": 1000}, False),
        ({"target_s": 2 * GB, "target_kind": "max_rss", "peak_rss": 2 * GB}, True),
        ({"target_s": 2 * GB, "target_kind": "max_rss", "peak_rss": 2 * GB + 1}, False),
        ({"target_s": 2 * GB, "target_kind": "max_rss"}, False),  # no peak measured
        # a time target and a memory limit: both must hold
        ({"target_s": 3.0, "max_rss": GB, "peak_rss": GB - 1}, True),
        ({"target_s": 3.0, "max_rss": GB, "peak_rss": GB + 1}, False),
        ({"target_s": 1.0, "max_rss": GB, "peak_rss": GB - 1}, False),
        ({"max_rss": GB, "peak_rss": GB + 1}, False),
        ({}, None),
        ({"target_s": 3.0, "error": "out of memory"}, False),
    ],
)
def test_met_or_missed_by_target_kind(values, met):
    runs = [2.0] if values.get("target_kind") != "max_p95_s" else [float(i) for i in range(1, 21)]
    median = 2.0 if len(runs) == 1 else 10.5
    assert Measurement("work", median, runs, **values).met is met


def test_an_unknown_target_kind_is_refused():
    with pytest.raises(ValueError, match="unknown target kind 'fastest'"):
        Measurement("work", 1.0, [1.0], 1.0, target_kind="fastest")


def test_spread_iqr_and_rows_per_second():
    m = Measurement("work", 3.0, [5.0, 1.0, 3.0, 2.0, 4.0], rows=600, unit="contact rows")
    assert m.spread == (1.0, 5.0)
    assert m.iqr_s == 2.0  # inclusive quartiles of 1..5 are 2 and 4
    assert m.per_s == 200.0
    assert Measurement("work", 3.0, [2.0, 3.0, 4.0]).iqr_s is None  # too few runs
    assert Measurement("work", 3.0, [3.0]).per_s is None


def test_target_text_names_every_limit():
    m = Measurement("load", 2.0, [2.0], 20.0, max_rss=8 * GB)
    assert m.target_text() == "median <= 20 s, peak RSS <= 8.00 GB"
    rate = Measurement("web", 2.0, [2.0], 400, unit="requests", rows=900, target_kind="min_per_s")
    assert rate.target_text() == ">= 400 requests/s"
    assert Measurement("x", 1.0, [1.0]).target_text() == ""
    assert size_text(512 * MB) == "512 MB"


def test_the_dict_reads_back_into_the_same_measurement():
    m = Measurement("load", 2.0, [1.0, 2.0, 4.0], 3.0, unit="contact rows", rows=10,
                    peak_rss=5 * MB, max_rss=GB, series="load")  # fmt: skip
    values = m.to_dict()
    assert values["met"] is True and values["min_s"] == 1.0 and values["max_s"] == 4.0
    assert Measurement.from_dict(values) == m


def test_measurements_made_before_the_new_fields_still_work():
    m = Measurement("old", 1.5, [1.0, 1.5, 2.0], 1.0)
    assert m.met is False
    assert m.line().endswith("MISSED") and "median    1.500s" in m.line()


@pytest.mark.parametrize("exponent", [0.5, 1.0, 1.3, 2.0])
def test_the_exponent_of_an_exact_power_law(exponent):
    rows = [10_000, 100_000, 1_000_000, 10_000_000]
    seconds = [3e-6 * r**exponent for r in rows]
    assert power_exponent(rows, seconds) == pytest.approx(exponent, abs=1e-9)


def test_the_exponent_matches_an_independent_least_squares_fit():
    rows = [8_000, 102_000, 1_009_000, 10_090_000]
    seconds = [0.36, 3.9, 21.0, 400.0]
    slope, _ = np.polyfit(np.log(rows), np.log(seconds), 1)
    assert power_exponent(rows, seconds) == pytest.approx(slope, rel=1e-12)
    assert not math.isclose(slope, 1.0, abs_tol=0.01)  # the data is not linear: a real check


def test_no_exponent_from_one_size_or_a_zero_time():
    assert power_exponent([1000, 1000], [1.0, 2.0]) is None
    assert power_exponent([1000, 2000], [0.0, 2.0]) is None
