"""De-identification for the roles that may not see who a family is: keyed ids, coarse dates, areas.

A pseudonym is the first 12 hex digits of HMAC-SHA-256 of the id, keyed with
a secret the service holds (``JOURNEY_PSEUDONYM_KEY``): the same id always
gets the same pseudonym, on every page and in every export, so people can
talk about "family 7f3a09c2d1e4"; without the key nobody can recompute or
reverse one. Dates become months (:class:`Month`) or days since the journey's
first contact (:class:`DayOffset`); areas with fewer families than a
threshold are merged into :data:`OTHER_AREA`.

Examples
--------
>>> key = b"k" * 32
>>> same = pseudonym(key, "F001") == pseudonym(key, "F001")
>>> same, pseudonym(key, "F001") == pseudonym(key, "F002")
(True, False)
>>> len(pseudonym(key, "F001")), pseudonym(key, "P1", kind="person") != pseudonym(key, "P1")
(12, True)
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import date, datetime

import pandas as pd

__all__ = [
    "OTHER_AREA",
    "AREA_MIN_FAMILIES",
    "Month",
    "DayOffset",
    "pseudonym",
    "month_of",
    "days_since",
    "merged_areas",
]

OTHER_AREA = "other"
#: Areas with fewer families than this are merged into "other".
AREA_MIN_FAMILIES = 10
_LENGTH = 12


class Month(str):
    """A date coarsened to its month, ``YYYY-MM`` (a string: JSON shows it as it is)."""


class DayOffset(int):
    """A date as the number of days since the journey's first contact (an int in JSON)."""


def pseudonym(key: bytes, value: object, *, kind: str = "family") -> str:
    """The keyed pseudonym of an id; ``kind`` keeps a family's and a person's apart."""
    message = f"{kind}:{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:_LENGTH]


def _timestamp(value: object) -> pd.Timestamp | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, datetime | date | pd.Timestamp | str):
        return pd.Timestamp(value)
    return None


def month_of(value: object) -> Month | None:
    """A date's month (None for a missing date).

    Examples
    --------
    >>> month_of(pd.Timestamp("2021-03-04 10:00")), month_of(None)
    ('2021-03', None)
    """
    moment = _timestamp(value)
    return None if moment is None else Month(moment.strftime("%Y-%m"))


def days_since(value: object, first: object) -> DayOffset | None:
    """Whole days from ``first`` (the journey's first contact) to ``value`` (None if either is).

    Examples
    --------
    >>> days_since("2021-01-14 09:00", "2021-01-04 18:00")
    10
    """
    moment, start = _timestamp(value), _timestamp(first)
    if moment is None or start is None:
        return None
    return DayOffset((moment.normalize() - start.normalize()).days)


def merged_areas(
    family_areas: Iterable[object], *, threshold: int = AREA_MIN_FAMILIES
) -> dict[str, str]:
    """Each area as shown: itself when it has ``threshold`` families or more, else "other".

    Parameters
    ----------
    family_areas : iterable
        One area per family (missing areas are left out).

    Examples
    --------
    >>> merged_areas(["North"] * 10 + ["South"] * 3, threshold=10)
    {'North': 'North', 'South': 'other'}
    """
    counts = pd.Series(list(family_areas), dtype=object).dropna().astype(str).value_counts()
    return {area: area if n >= threshold else OTHER_AREA for area, n in counts.items()}
