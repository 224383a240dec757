"""Disclosure control of aggregate counts: small counts suppressed, with secondary suppression.

A count of families or people from 1 to the rule's ``highest`` is suppressed
(shown as missing); zero is not (it tells nothing about anyone). Secondary
suppression: where a column then has exactly one suppressed cell, the next
smallest cell of that column is suppressed as well, so the suppressed value
can never be recovered by subtracting the others from a total shown
elsewhere. Under a rule with ``round_to`` (NHS Digital's: 1 to 7 suppressed,
the rest rounded to the nearest 5) every count that is shown is rounded.

Examples
--------
>>> frame = pd.DataFrame({"agency": ["A", "B", "C", "D"], "families": [40, 3, 12, 0]})
>>> checked = suppress(frame, ["families"])
>>> checked.frame["families"].tolist(), checked.cells
([40.0, nan, nan, 0.0], 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["SuppressionRule", "RULES", "DEFAULT_RULE", "Suppressed", "suppress", "suppress_value"]


@dataclass(frozen=True)
class SuppressionRule:
    """Counts from 1 to ``highest`` are suppressed; shown counts are rounded to ``round_to``."""

    name: str
    highest: int
    round_to: int | None = None

    def describe(self) -> str:
        """The rule in words, for the page that applied it."""
        text = f"counts from 1 to {self.highest} are not shown"
        if self.round_to:
            text += f" and the others are rounded to the nearest {self.round_to}"
        return text


RULES: dict[str, SuppressionRule] = {
    "1-4": SuppressionRule("1-4", 4),
    "nhs": SuppressionRule("nhs", 7, round_to=5),
}
DEFAULT_RULE = RULES["1-4"]


@dataclass(frozen=True)
class Suppressed:
    """A table after suppression, and how many of its cells were suppressed."""

    frame: pd.DataFrame
    cells: int


def _small(values: pd.Series, rule: SuppressionRule) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    return (numbers >= 1) & (numbers <= rule.highest)


def _secondary(values: pd.Series, hidden: pd.Series) -> pd.Series:
    """Hide the next smallest shown, non-zero cell of a column with exactly one hidden cell."""
    if hidden.sum() != 1:
        return hidden
    numbers = pd.to_numeric(values, errors="coerce")
    candidates = numbers[~hidden & (numbers > 0)]
    if candidates.empty:
        return hidden
    hidden = hidden.copy()
    hidden[candidates.idxmin()] = True
    return hidden


def _rounded(values: pd.Series, step: int) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    return (np.floor(numbers / step + 0.5) * step).where(numbers.notna())


def suppress(
    frame: pd.DataFrame,
    counts: Sequence[str],
    *,
    derived: Sequence[str] = (),
    rule: SuppressionRule = DEFAULT_RULE,
) -> Suppressed:
    """Suppress the small ``counts`` of ``frame`` (and ``derived`` values of those rows).

    Parameters
    ----------
    frame : DataFrame
        One row per cell group (an agency, a pathway); not changed.
    counts : sequence of str
        Columns of family or person counts to control (those present).
    derived : sequence of str
        Columns computed from the counts (shares, other counts of the same
        families): blanked in every row where a count was suppressed.
    rule : SuppressionRule
        Default: counts 1 to 4 suppressed.
    """
    out = frame.copy()
    cells = 0
    hidden_rows = pd.Series(False, index=frame.index)
    for column in (c for c in counts if c in frame.columns):
        hidden = _secondary(frame[column], _small(frame[column], rule))
        cells += int(hidden.sum())
        hidden_rows |= hidden
        values = pd.to_numeric(frame[column], errors="coerce").astype(float)
        if rule.round_to:
            values = _rounded(values, rule.round_to)
        out[column] = values.mask(hidden)
    for column in (c for c in derived if c in frame.columns):
        out[column] = frame[column].astype(object).mask(hidden_rows, None)
    return Suppressed(out, cells)


def suppress_value(value: int | None, rule: SuppressionRule = DEFAULT_RULE) -> int | None:
    """One count on its own: None when suppressed, rounded when the rule rounds.

    Examples
    --------
    >>> suppress_value(3), suppress_value(0), suppress_value(23, RULES["nhs"])
    (None, 0, 25)
    """
    if value is None:
        return None
    if 1 <= value <= rule.highest:
        return None
    if rule.round_to:
        return int(np.floor(value / rule.round_to + 0.5) * rule.round_to)
    return int(value)
