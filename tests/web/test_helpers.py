"""The web layer's small helpers: JSON conversion, query parameters, CSV safety, chart geometry."""

from __future__ import annotations

import csv
import datetime as dt
import doctest
import importlib
import io
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from journey.csv_export import frame_to_csv, safe_cell
from web.charts import bar_chart, nice_step
from web.params import BadParameter, choice_param, date_param, flag_param, int_param
from web.render import to_jsonable

WEB_MODULES = [
    "web.params",
    "web.charts",
    "web.render",
    "journey.csv_export",
    "web.contexts.overview",
]


@pytest.mark.parametrize("name", WEB_MODULES)
def test_doctests_of_web_modules_pass(name):
    # pytest collects doctests under journey/ only, so the web modules' examples run here.
    failures, tried = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert tried > 0
    assert failures == 0


def test_to_jsonable_turns_pandas_values_into_plain_json():
    frame = pd.DataFrame(
        {
            "at": pd.to_datetime(["2021-01-02 03:04:05", None]),
            "share": [0.5, np.nan],
            "n": np.array([1, 2], dtype=np.int64),
            "ok": [True, False],
        }
    )
    out = to_jsonable({"rows": frame, "when": pd.NaT, "lag": pd.Timedelta(days=1)})
    assert out == {
        "rows": [
            {"at": "2021-01-02T03:04:05", "share": 0.5, "n": 1, "ok": True},
            {"at": None, "share": None, "n": 2, "ok": False},
        ],
        "when": None,
        "lag": 86400.0,
    }
    json.dumps(out, allow_nan=False)  # strict JSON: no NaN token anywhere


def test_to_jsonable_refuses_unknown_objects():
    with pytest.raises(TypeError):
        to_jsonable(object())


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )
)
def test_to_jsonable_output_is_always_strict_json(value):
    plain = to_jsonable(value)
    # Strict JSON (no NaN or Infinity), and already plain JSON data: a round trip changes nothing.
    assert json.loads(json.dumps(plain, allow_nan=False)) == plain


@pytest.mark.parametrize(
    ("args", "call", "expected"),
    [
        ({"n": "7"}, lambda a: int_param(a, "n", minimum=0), 7),
        ({"n": " "}, lambda a: int_param(a, "n", default=3), 3),
        ({"c": "all"}, lambda a: choice_param(a, "c", ["all", "eligible"]), "all"),
        ({"d": "2021-02-28"}, lambda a: date_param(a, "d"), pd.Timestamp("2021-02-28")),
        ({"f": "No"}, lambda a: flag_param(a, "f"), False),
    ],
)
def test_good_parameters_parse(args, call, expected):
    assert call(args) == expected


@pytest.mark.parametrize(
    ("args", "call", "fragment"),
    [
        ({"n": "-1"}, lambda a: int_param(a, "n", minimum=0), "at least 0"),
        ({"n": "1.5"}, lambda a: int_param(a, "n"), "whole number"),
        ({"n": "600"}, lambda a: int_param(a, "n", maximum=500), "at most 500"),
        (
            {"c": "some"},
            lambda a: choice_param(a, "c", ["all", "eligible"]),
            "one of all, eligible",
        ),
        ({"d": "31/12/2021"}, lambda a: date_param(a, "d"), "YYYY-MM-DD"),
        ({"d": "2021-02-30"}, lambda a: date_param(a, "d"), "YYYY-MM-DD"),
        ({"f": "maybe"}, lambda a: flag_param(a, "f"), "yes or no"),
    ],
)
def test_bad_parameters_are_a_400_that_names_the_parameter(args, call, fragment):
    with pytest.raises(BadParameter) as raised:
        call(args)
    assert raised.value.code == 400
    assert fragment in raised.value.description
    assert f"'{next(iter(args))}'" in raised.value.description


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\r=1"])
def test_formula_like_cells_are_quoted(text):
    assert safe_cell(text) == "'" + text


def test_csv_round_trip_keeps_values_and_defuses_formulas():
    frame = pd.DataFrame(
        {
            "area": ['=HYPERLINK("http://x")', "North", None],
            "at": pd.to_datetime(["2021-01-01 00:00", None, "2021-03-04 05:06"]),
            "n": [1, 2, 3],
        }
    )
    rows = list(csv.reader(io.StringIO(frame_to_csv(frame))))
    assert rows == [
        ["area", "at", "n"],
        ['\'=HYPERLINK("http://x")', "2021-01-01 00:00", "1"],
        ["North", "", "2"],
        ["", "2021-03-04 05:06", "3"],
    ]
    machine = list(csv.reader(io.StringIO(frame_to_csv(frame, excel=False))))
    assert machine[1][1] == "2021-01-01T00:00:00"  # the CLI's files keep ISO 8601


@given(
    st.lists(
        st.none() | st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1)),
        min_size=1,
        max_size=30,
    ),
    st.sampled_from(["ns", "us", "s"]),
    st.booleans(),
)
def test_times_are_written_as_pandas_own_formatting_would(times, unit, excel):
    frame = pd.DataFrame({"at": pd.Series(pd.to_datetime(times), dtype=f"datetime64[{unit}]")})
    expected = frame.to_csv(
        index=False,
        lineterminator="\n",
        date_format="%Y-%m-%d %H:%M" if excel else "%Y-%m-%dT%H:%M:%S",
    )
    assert frame_to_csv(frame, excel=excel) == expected
    assert frame["at"].dtype == f"datetime64[{unit}]"  # the caller's frame is left alone


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=60))
def test_bar_heights_are_proportional_and_fit_the_plot(values):
    rows = [{"month": f"2020-{i % 12 + 1:02d}", "contacts": v} for i, v in enumerate(values)]
    chart = bar_chart(rows)
    plot_height = chart.height - 8 - chart.bottom
    assert chart.maximum >= max(values)
    for bar, value in zip(chart.bars, values, strict=True):
        assert bar.height == pytest.approx(plot_height * value / chart.maximum, abs=0.01)
        assert bar.y >= 8 - 0.01 and bar.y + bar.height <= 8 + plot_height + 0.01
        assert chart.left <= bar.x <= chart.width


def test_nice_step_gives_round_numbers_about_four_ticks():
    for maximum in [1, 3, 9, 10, 11, 99, 101, 999, 12345, 10**6]:
        step = nice_step(maximum)
        mantissa = step / 10 ** int(np.floor(np.log10(step)))
        assert mantissa in (1, 2, 5)
        assert 2 <= -(-maximum // step) <= 5 or maximum < 4


def test_day_counts_render_as_whole_days_in_the_templates(app):
    """Day counts are stored as floats (time differences); pages show whole days."""
    template = app.jinja_env.from_string(
        "{{ a | days }} days, {{ b | days }} days, {{ c | days }}; {{ a | number }}"
    )
    assert template.render(a=2179.9, b=236.4, c=None) == "2,180 days, 236 days, —; 2,179.9"
