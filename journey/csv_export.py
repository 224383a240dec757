"""CSV downloads that spreadsheets cannot run: cells starting = + - @ (or tab, CR) get a leading '.

A cell such as ``=HYPERLINK(...)`` in an area or agency name would otherwise
run as a formula when an analyst opens the file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["safe_cell", "frame_to_csv", "write_csv"]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Prefix text that a spreadsheet would read as a formula with a single quote.

    Examples
    --------
    >>> safe_cell("=1+1"), safe_cell("-2"), safe_cell("North"), safe_cell(-2)
    ("'=1+1", "'-2", 'North', -2)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _defuse(column: pd.Series) -> pd.Series:
    """Quote the formula-like text cells of one column (vectorised: no loop per row)."""
    if column.dtype != object and not isinstance(column.dtype, pd.StringDtype):
        return column
    text = column.astype("string")
    risky = text.str.startswith(_FORMULA_STARTS).fillna(False)
    if not risky.any():
        return column
    return column.where(~risky.to_numpy(), "'" + text.astype(object))


def frame_to_csv(frame: pd.DataFrame) -> str:
    """The frame as CSV text (header row, ISO 8601 times, empty cells for missing values).

    Examples
    --------
    >>> print(frame_to_csv(pd.DataFrame({"area": ["=cmd", "North"], "n": [1, 2]})), end="")
    area,n
    '=cmd,1
    North,2
    """
    safe = frame.apply(_defuse)
    safe.columns = [safe_cell(str(c)) for c in frame.columns]
    return safe.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%dT%H:%M:%S")


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write :func:`frame_to_csv` of ``frame`` to ``path`` as UTF-8."""
    Path(path).write_text(frame_to_csv(frame), encoding="utf-8")
