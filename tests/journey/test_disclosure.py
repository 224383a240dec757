"""Small-count suppression with secondary suppression, worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from journey.disclosure import RULES, suppress, suppress_value


def _shown(frame, column):
    return [None if pd.isna(v) else v for v in frame[column]]


def test_counts_of_one_to_four_are_suppressed_and_zero_is_not():
    frame = pd.DataFrame({"families": [0, 1, 4, 5, 9, 30]})
    checked = suppress(frame, ["families"])
    # Two cells are small already: no secondary suppression is needed.
    assert _shown(checked.frame, "families") == [0, None, None, 5, 9, 30]
    assert checked.cells == 2


def test_a_lone_suppressed_cell_takes_the_next_smallest_with_it():
    # Total 62 is shown elsewhere: hiding only the 3 would let 62 - 40 - 12 - 7 = 3 through.
    frame = pd.DataFrame({"agency": list("ABCD"), "families": [40, 3, 12, 7]})
    checked = suppress(frame, ["families"])
    assert _shown(checked.frame, "families") == [40, None, 12, None]
    assert checked.cells == 2
    recoverable = 62 - sum(v for v in _shown(checked.frame, "families") if v is not None)
    assert recoverable == 10  # the two hidden cells together, neither one alone


def test_derived_values_of_a_suppressed_row_go_too():
    frame = pd.DataFrame({"families": [2, 50, 60], "transitions": [9, 80, 90],
                          "share": [0.02, 0.5, 0.6]})  # fmt: skip
    checked = suppress(frame, ["families"], derived=["transitions", "share"])
    assert _shown(checked.frame, "transitions") == [None, None, 90]
    assert _shown(checked.frame, "share") == [None, None, 0.6]
    assert frame["families"].tolist() == [2, 50, 60]  # the input is not changed


def test_nhs_digitals_rule_suppresses_up_to_seven_and_rounds_to_five():
    frame = pd.DataFrame({"families": [7, 8, 12, 13, 102]})
    checked = suppress(frame, ["families"], rule=RULES["nhs"])
    # 7 is suppressed; the next smallest (8) goes with it; the rest are rounded to 5s.
    assert _shown(checked.frame, "families") == [None, None, 10, 15, 100]


@pytest.mark.parametrize(
    "value, rule, expected",
    [(0, "1-4", 0), (4, "1-4", None), (5, "1-4", 5), (7, "nhs", None), (23, "nhs", 25),
     (None, "1-4", None)],  # fmt: skip
)
def test_one_count_on_its_own(value, rule, expected):
    assert suppress_value(value, RULES[rule]) == expected
