"""The column checks the validators share (and the times' stripping), against plain per-value
definitions."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from journey.rejection import clean_text, has_control

# Text made of the characters that matter: letters, ASCII and Unicode whitespace, newlines,
# control characters (\x1c-\x1f count as whitespace to str.strip) and NUL.
_CHARS = st.sampled_from(["a", "B", " ", "\t", "\n", "\r", "\u00a0", "\u2003", "\x1c", "\x00"])
_TEXT = st.lists(_CHARS, max_size=5).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=6))
def test_clean_text_trims_and_empties_as_str_strip_does(values):
    # The fast path (a column already clean) and the per-value loop must agree with strip().
    assert clean_text(pd.Series(values)).tolist() == [v.strip() or None for v in values]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_TEXT, st.none(), st.integers(0, 9)), min_size=1, max_size=6))
def test_clean_text_of_mixed_values_and_control_characters(values):
    expected = [None if v is None else (str(v).strip() or None) for v in values]
    assert clean_text(pd.Series(values, dtype=object)).tolist() == expected
    control = [isinstance(v, str) and any(c in v for c in "\x00\x1c") for v in values]
    assert has_control(pd.Series(values, dtype=object)).tolist() == control


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_TEXT, st.none(), st.just(float("nan"))), min_size=1, max_size=6))
def test_clean_text_of_text_with_missing_values_as_str_strip_does(values):
    # Text and missing values only: the fast path for a clean column with gaps.
    expected = [v.strip() or None if isinstance(v, str) else None for v in values]
    assert clean_text(pd.Series(values, dtype=object)).tolist() == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_TEXT, st.none()), min_size=1, max_size=6))
def test_times_are_stripped_before_parsing_as_str_strip_does(values):
    from journey.times import _stripped

    expected = [v.strip() if isinstance(v, str) else "" for v in values]
    assert _stripped(pd.Series(values, dtype=object)) == expected
