"""ISO 8601 dates and date-times read as Europe/London wall-clock times, and those out of range.

A value is ``YYYY-MM-DD``, optionally followed by ``T`` or a space and a time
(``HH``, ``HH:MM``, ``HH:MM:SS``, with a decimal fraction), optionally
followed by an offset: ``Z``, ``±HH``, ``±HHMM`` or ``±HH:MM``. A value with an
offset is converted to Europe/London; one without is taken as London time
already. Anything else is refused rather than guessed: day-first dates are
ambiguous, and an offset with seconds (``+01:00:00``) is not ISO 8601.

Frames carry times as naive ``datetime64[ns]``, which holds 1677-09-22 to
2262-04-11; a well-formed date outside that span is reported as too early or
too late rather than as malformed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from journey.contract import TIME_ZONE
from journey.rejection import all_text, trimmed_text

__all__ = ["ParsedTimes", "parse_times", "parse_times_checked", "time_strings"]

# Values longer than this cannot be ISO 8601 times (2021-03-01T10:00:00.123456789+05:00 is 35).
_WIDTH = 40
# Rows classified per step: bounds the memory of the character matrix (4 bytes a character).
_CHUNK = 100_000
_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9]
# The whole form of a value with an offset, checked for the few values that have one.
_WITH_OFFSET = (
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}(?::\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?)?"
    r"(?:Z|[+-]\d{2}(?::?\d{2})?)"
)
_FIRST_YEAR, _LAST_YEAR = pd.Timestamp.min.year + 1, pd.Timestamp.max.year - 1


@dataclass(frozen=True)
class ParsedTimes:
    """Parsed times (NaT where not parsed) and which well-formed values lie beyond the frame's span.

    ``too_early`` and ``too_late`` mark real calendar dates before 1678 or
    after 2261, which ``datetime64[ns]`` cannot hold: NaT in ``times``, but
    not malformed.
    """

    times: pd.Series
    too_early: pd.Series
    too_late: pd.Series


def _stripped(values: pd.Series) -> list[str]:
    """Each value stripped of whitespace ("" when not text): text with nothing to strip,
    the usual case, is found so by one scan in C (:func:`journey.rejection.trimmed_text`)
    and not stripped value by value."""
    raw = values.to_numpy(dtype=object)
    if all_text(values) and trimmed_text(raw):
        return raw.tolist()
    return [v.strip() if isinstance(v, str) else "" for v in raw]


def _classify(text: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(starts with a date ``YYYY-MM-DD`` then ``T``, a space or nothing; has an offset sign).

    Vectorised over the characters of fixed-width text, in chunks: a regular
    expression per value would take seconds over a million values.
    """
    dated = np.zeros(len(text), dtype=bool)
    signed = np.zeros(len(text), dtype=bool)
    for start in range(0, len(text), _CHUNK):
        part = [v if 10 <= len(v) <= _WIDTH else "" for v in text[start : start + _CHUNK]]
        codes = np.array(part, dtype=f"U{_WIDTH}").view(np.uint32).reshape(len(part), _WIDTH)
        digits = (codes[:, _DIGITS] >= ord("0")) & (codes[:, _DIGITS] <= ord("9"))
        after = codes[:, 10]
        ok = digits.all(axis=1) & (codes[:, 4] == ord("-")) & (codes[:, 7] == ord("-"))
        ok &= (after == 0) | (after == ord("T")) | (after == ord(" "))
        tail = codes[:, 11:]
        sign = ((tail == ord("+")) | (tail == ord("-")) | (tail == ord("Z"))).any(axis=1)
        dated[start : start + len(part)] = ok
        signed[start : start + len(part)] = sign
    return dated, signed


def _beyond_span(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Which dated values are real calendar dates before 1678 or after 2261."""
    early = pd.Series(False, index=text.index)
    late = pd.Series(False, index=text.index)
    for index, value in text.items():
        year = int(value[:4])
        if _FIRST_YEAR <= year <= _LAST_YEAR:
            continue
        try:  # a real calendar date? (0000-13-45 is malformed, not early)
            dt.date(max(year, 1), int(value[5:7]), int(value[8:10]))
        except ValueError:
            continue
        early[index], late[index] = year < _FIRST_YEAR, year > _LAST_YEAR
    return early, late


def parse_times_checked(values: pd.Series) -> ParsedTimes:
    """Parse ISO 8601 values to naive London wall-clock times, noting those beyond the span.

    Examples
    --------
    >>> parsed = parse_times_checked(pd.Series(["2021-01-05T10:00:00+05", "2021-01-05",
    ...                                         "3000-01-01", "2021-01-05T10:00:00+01:00:00"]))
    >>> parsed.times.tolist()
    [Timestamp('2021-01-05 05:00:00'), Timestamp('2021-01-05 00:00:00'), NaT, NaT]
    >>> parsed.too_late.tolist(), parsed.too_early.tolist()
    ([False, False, True, False], [False, False, False, False])
    """
    stripped = _stripped(values)
    if any("," in v for v in stripped):  # a decimal comma (10:00:00,5) is ISO 8601 too
        stripped = [v.replace(",", ".") for v in stripped]
    text = pd.Series(stripped, index=values.index, dtype=object)
    dated, signed = _classify(stripped)
    times = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    # Parsed apart: one call over naive and aware values together refuses to compare them.
    naive, aware = dated & ~signed, dated & signed
    if naive.any():
        times[naive] = pd.to_datetime(text[naive], format="ISO8601", errors="coerce")
    if aware.any():
        # pandas would also read "+1" or " +01:00"; ISO 8601 has neither.
        aware[aware] = text[aware].str.fullmatch(_WITH_OFFSET).to_numpy(dtype=bool)
        utc = pd.to_datetime(text[aware], format="ISO8601", errors="coerce", utc=True)
        times[aware] = utc.dt.tz_convert(TIME_ZONE).dt.tz_localize(None)
    early, late = _beyond_span(text[dated & times.isna().to_numpy()])
    return ParsedTimes(
        times=times,
        too_early=early.reindex(values.index, fill_value=False),
        too_late=late.reindex(values.index, fill_value=False),
    )


def parse_times(values: pd.Series) -> pd.Series:
    """Parse ISO 8601 dates and date-times to naive Europe/London wall-clock times (NaT if bad).

    Examples
    --------
    >>> parse_times(pd.Series(["2021-06-01", "2021-06-01T12:00:00+00:00", "31/12/2020"])).tolist()
    [Timestamp('2021-06-01 00:00:00'), Timestamp('2021-06-01 13:00:00'), NaT]
    """
    return parse_times_checked(values).times



def time_strings(values: np.ndarray, *, unit: str = "s", sep: str = "T") -> np.ndarray:
    """Naive ``datetime64`` values as ISO 8601 text to ``unit`` ("s" or "m"), ``sep`` between
    date and time; NaT becomes None. An object array.

    Formatted by NumPy in one pass: pandas' ``strftime`` takes several times as
    long over a million values.

    Examples
    --------
    >>> values = np.array(["2021-03-01T22:30:15.7", "NaT"], dtype="datetime64[ns]")
    >>> time_strings(values).tolist(), time_strings(values, unit="m", sep=" ").tolist()
    (['2021-03-01T22:30:15', None], ['2021-03-01 22:30', None])
    >>> time_strings(np.array([], dtype="datetime64[ns]")).tolist()
    []
    """
    values = np.asarray(values)
    fixed = np.datetime_as_string(values, unit=unit)
    width = {"s": 19, "m": 16}[unit]
    if sep != "T" and len(fixed):
        if fixed.dtype == np.dtype(f"<U{width}"):  # the T is character 10 of every value
            fixed.view("<U1").reshape(len(fixed), width)[:, 10] = sep
        else:  # years past 9999, or only NaT
            fixed = np.char.replace(fixed, "T", sep)
    text = fixed.astype(object)
    text[np.isnat(values)] = None
    return text
