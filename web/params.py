"""Parse and validate query-string parameters; a bad value is a 400 with a message saying why.

Empty values (``?area=``, as a GET form sends for an untouched field) count as
absent.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping

import pandas as pd
from werkzeug.exceptions import BadRequest

__all__ = [
    "BadParameter", "int_param", "number_param", "choice_param", "date_param", "flag_param",
    "text_param",
]  # fmt: skip

_TRUE = {"1", "yes", "true", "on"}
_FALSE = {"0", "no", "false", "off"}


class BadParameter(BadRequest):
    """A query parameter with a value the page cannot use."""

    def __init__(self, name: str, value: str, expected: str):
        shown = value if len(value) <= 40 else value[:40] + "…"
        super().__init__(f"Query parameter '{name}' is {shown!r}: expected {expected}.")
        self.parameter = name


def _raw(args: Mapping[str, str], name: str) -> str | None:
    value = args.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def text_param(args: Mapping[str, str], name: str, *, max_length: int = 200) -> str | None:
    """A free-text value, or None when absent.

    Examples
    --------
    >>> text_param({"area": " North "}, "area"), text_param({"area": ""}, "area")
    ('North', None)
    """
    value = _raw(args, name)
    if value is not None and len(value) > max_length:
        raise BadParameter(name, value, f"at most {max_length} characters")
    return value


def int_param(
    args: Mapping[str, str],
    name: str,
    *,
    default: int | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    """A whole number within ``[minimum, maximum]``, or ``default`` when absent.

    Examples
    --------
    >>> int_param({"page": "3"}, "page", default=1, minimum=1)
    3
    >>> int_param({}, "page", default=1)
    1
    >>> int_param({"page": "x"}, "page", minimum=1)
    Traceback (most recent call last):
    ...
    web.params.BadParameter: 400 Bad Request: Query parameter 'page' is 'x': expected a whole ...
    """
    value = _raw(args, name)
    if value is None:
        return default
    expected = _expected("a whole number", minimum, maximum)
    try:
        number = int(value)
    except ValueError:
        raise BadParameter(name, value, expected) from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise BadParameter(name, value, expected)
    return number


def _expected(kind: str, minimum: float | None, maximum: float | None) -> str:
    """What a number parameter must be, in words: "a number of at least 0 and at most 100"."""
    bounds = [f"{word} {bound:g}" if isinstance(bound, float) else f"{word} {bound}"
              for word, bound in (("at least", minimum), ("at most", maximum))
              if bound is not None]  # fmt: skip
    return kind + (" of " + " and ".join(bounds) if bounds else "")


def number_param(
    args: Mapping[str, str],
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
) -> float | None:
    """A finite number (decimals allowed) within ``[minimum, maximum]``, or None when absent.

    Examples
    --------
    >>> number_param({"share": "12.5"}, "share", minimum=0, maximum=100)
    12.5
    >>> number_param({"share": "101"}, "share", minimum=0, maximum=100)
    Traceback (most recent call last):
    ...
    web.params.BadParameter: 400 Bad Request: Query parameter 'share' is '101': expected ...
    """
    value = _raw(args, name)
    if value is None:
        return None
    expected = _expected("a number", minimum, maximum)
    try:
        number = float(value)
    except ValueError:
        raise BadParameter(name, value, expected) from None
    if not math.isfinite(number) or (minimum is not None and number < minimum) or (
        maximum is not None and number > maximum
    ):
        raise BadParameter(name, value, expected)
    return number


def choice_param(
    args: Mapping[str, str], name: str, choices: Collection[str], *, default: str | None = None
) -> str | None:
    """One of ``choices``, or ``default`` when absent.

    Examples
    --------
    >>> choice_param({"cohort": "escalated"}, "cohort", ["all", "escalated"], default="all")
    'escalated'
    """
    value = _raw(args, name)
    if value is None:
        return default
    if value not in choices:
        listed = ", ".join(sorted(choices)) if choices else "(none available)"
        raise BadParameter(name, value, f"one of {listed}")
    return value


def date_param(args: Mapping[str, str], name: str) -> pd.Timestamp | None:
    """A calendar date written YYYY-MM-DD, or None when absent.

    Examples
    --------
    >>> date_param({"from": "2021-02-03"}, "from")
    Timestamp('2021-02-03 00:00:00')
    """
    value = _raw(args, name)
    if value is None:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return pd.Timestamp(pd.to_datetime(value, format="%Y-%m-%d"))
    except ValueError:
        raise BadParameter(name, value, "a date written YYYY-MM-DD") from None


def flag_param(args: Mapping[str, str], name: str) -> bool | None:
    """A yes/no value (1/0, yes/no, true/false, on/off), or None when absent.

    Examples
    --------
    >>> flag_param({"not_yet_found": "on"}, "not_yet_found"), flag_param({}, "x")
    (True, None)
    """
    value = _raw(args, name)
    if value is None:
        return None
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise BadParameter(name, value, "yes or no (1 or 0)")
