"""Text on the maps: user data made plain and safe, JSON safe in a script element, dates, counts."""

from __future__ import annotations

import json
import math
import re

import pandas as pd

__all__ = [
    "plain_text",
    "script_json",
    "plural",
    "format_day",
    "format_when",
    "days_later",
    "DateText",
]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
# pyvis (and code copied from it) switches a tooltip to innerHTML when it sees "href".
_HREF = re.compile(r"(h)(?=ref)", re.IGNORECASE)


def plain_text(value: object, *, limit: int = 200) -> str:
    """User data as safe plain text for a label or one tooltip line.

    Missing values become ``""``; line breaks become spaces; control and
    bidirectional-override characters are dropped; ``href`` gets a zero-width
    joiner after its ``h`` so no tooltip ever contains that string; text longer
    than ``limit`` characters is cut.

    Examples
    --------
    >>> plain_text("<a href='x'>")
    "<a h\\u200dref='x'>"
    >>> plain_text(None), plain_text(float("nan"))
    ('', '')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    text = _CONTROL.sub("", str(value).replace("\t", " ").replace("\r", " ").replace("\n", " "))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _HREF.sub("\\1\u200d", text)


def script_json(value: object) -> str:
    """JSON that is safe inside a ``<script>`` element: ``<``, ``>``, ``&`` are escaped.

    Examples
    --------
    >>> script_json({"label": "</script>&"})
    '{"label": "\\\\u003c/script\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=True, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``"1 contact"``, ``"1,204 contacts"``.

    Examples
    --------
    >>> plural(1, "contact"), plural(1204, "family", "families")
    ('1 contact', '1,204 families')
    """
    return f"{count:,} {noun if count == 1 else (nouns or noun + 's')}"


def format_day(moment: pd.Timestamp) -> str:
    """A date as ISO ``YYYY-MM-DD``.

    Examples
    --------
    >>> format_day(pd.Timestamp("2021-03-04 14:30"))
    '2021-03-04'
    """
    return moment.strftime("%Y-%m-%d")


def format_when(moment: pd.Timestamp) -> str:
    """A contact's time: weekday and date, and the time of day when one was recorded.

    Examples
    --------
    >>> format_when(pd.Timestamp("2021-03-04 14:30")), format_when(pd.Timestamp("2021-03-04"))
    ('Thu 2021-03-04 14:30', 'Thu 2021-03-04')
    """
    text = moment.strftime("%a %Y-%m-%d")
    if moment.hour or moment.minute:
        text += moment.strftime(" %H:%M")
    return text


def days_later(days: int) -> str:
    """How long after the previous contact, in words.

    Examples
    --------
    >>> days_later(0), days_later(1), days_later(12)
    ('the same day', '1 day later', '12 days later')
    """
    return "the same day" if days == 0 else plural(days, "day") + " later"



class DateText:
    """How a map writes dates: as dates, or (de-identified) as days since the first contact.

    Examples
    --------
    >>> DateText().when(pd.Timestamp("2021-03-04")), DateText().day(pd.Timestamp("2021-03-04"))
    ('Thu 2021-03-04', '2021-03-04')
    >>> relative = DateText(origin=pd.Timestamp("2021-03-01 09:00"))
    >>> relative.when(pd.Timestamp("2021-03-04 14:30")), relative.day(pd.Timestamp("2021-03-01"))
    ('day 3', 'day 0')
    """

    def __init__(self, origin: pd.Timestamp | None = None):
        self.origin = None if origin is None else origin.normalize()

    def _days(self, moment: pd.Timestamp) -> str:
        return f"day {(moment.normalize() - self.origin).days:,}"

    def day(self, moment: pd.Timestamp) -> str:
        """A date (:func:`format_day`), or its day number."""
        return format_day(moment) if self.origin is None else self._days(moment)

    def when(self, moment: pd.Timestamp) -> str:
        """A contact's time (:func:`format_when`), or its day number."""
        return format_when(moment) if self.origin is None else self._days(moment)
