"""CSV downloads that spreadsheets open cleanly and cannot run.

* Cells starting = + - @ (or tab, CR) get a leading ': a cell such as
  ``=HYPERLINK(...)`` in an area or agency name would otherwise run as a
  formula when an analyst opens the file.
* :func:`frame_to_csv` writes for Excel by default (the web app's downloads):
  date-times as ``YYYY-MM-DD HH:MM``, shares (columns named ``share`` or
  ``*_share``, fractions 0-1) as percentages with one decimal (``97.2%``), and
  :func:`excel_csv_bytes` adds the UTF-8 byte-order mark Excel needs to read
  UTF-8. With ``excel=False`` (the CLI's ``journey analyse --out`` files) it
  keeps ISO 8601 times and fractions, for machines.
* :func:`csv_filename` names a download after its view and filters, in safe
  characters only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from journey.times import time_strings

__all__ = ["safe_cell", "frame_to_csv", "excel_csv_bytes", "csv_filename", "write_csv"]

BOM = "\ufeff"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")

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


def _is_share(name: object, column: pd.Series) -> bool:
    text = str(name)
    return (text == "share" or text.endswith("_share")) and pd.api.types.is_numeric_dtype(column)


def _percent(column: pd.Series) -> pd.Series:
    """Fractions as percentage text with one decimal; missing stays missing."""
    return column.map(lambda v: "" if pd.isna(v) else f"{float(v) * 100:.1f}%")


def _times_as_text(frame: pd.DataFrame, *, excel: bool) -> pd.DataFrame:
    """Naive date-time columns as text, formatted by NumPy in one pass rather than pandas'
    value-by-value ``strftime`` (missing stays missing); other columns untouched."""
    unit, sep = ("m", " ") if excel else ("s", "T")
    for name in frame.columns:
        if pd.api.types.is_datetime64_dtype(frame[name].dtype):
            frame[name] = time_strings(frame[name].to_numpy(), unit=unit, sep=sep)
    return frame


def frame_to_csv(frame: pd.DataFrame, *, excel: bool = True) -> str:
    """The frame as CSV text (header row, empty cells for missing values), formula-safe.

    With ``excel`` (the default) date-times read ``YYYY-MM-DD HH:MM`` and shares
    are percentages with one decimal; without, ISO 8601 times and fractions.

    Examples
    --------
    >>> frame = pd.DataFrame({"area": ["=cmd", "North"], "uncoordinated_share": [0.97152, None],
    ...                       "at": pd.to_datetime(["2021-03-04 05:06:07", None])})
    >>> print(frame_to_csv(frame), end="")
    area,uncoordinated_share,at
    '=cmd,97.2%,2021-03-04 05:06
    North,,
    >>> print(frame_to_csv(frame, excel=False), end="")
    area,uncoordinated_share,at
    '=cmd,0.97152,2021-03-04T05:06:07
    North,,
    """
    safe = frame.apply(_defuse)
    if excel:
        for name in frame.columns:
            if _is_share(name, frame[name]):
                safe[name] = _percent(frame[name])
    safe = _times_as_text(safe, excel=excel)
    safe.columns = [safe_cell(str(c)) for c in frame.columns]
    date_format = "%Y-%m-%d %H:%M" if excel else "%Y-%m-%dT%H:%M:%S"
    return safe.to_csv(index=False, lineterminator="\n", date_format=date_format)


def excel_csv_bytes(frame: pd.DataFrame) -> bytes:
    """:func:`frame_to_csv` for Excel, as UTF-8 bytes starting with the byte-order mark.

    Examples
    --------
    >>> excel_csv_bytes(pd.DataFrame({"n": [1]}))
    b'\\xef\\xbb\\xbfn\\n1\\n'
    """
    return (BOM + frame_to_csv(frame, excel=True)).encode("utf-8")


def csv_filename(view: str, filters: Mapping[str, object] | None = None) -> str:
    """A download's file name: the view, then each filter as ``name-value`` (a yes flag by its
    name alone), in safe characters only (letters, digits, ``_ . -``), at most 120 of them.

    Examples
    --------
    >>> csv_filename("families", {"min_agencies": "5", "escalated": "1", "area": "North / East"})
    'families-min_agencies-5-escalated-area-North_East.csv'
    >>> csv_filename("../audit")
    'audit.csv'
    """
    parts = [view]
    for name, value in (filters or {}).items():
        parts.append(str(name) if str(value) in ("1", "True") else f"{name}-{value}")
    cleaned = [_UNSAFE.sub("_", part).strip("._") for part in parts]
    stem = "-".join(part for part in cleaned if part)[:120].strip("-._") or "download"
    return stem + ".csv"


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write :func:`frame_to_csv` of ``frame`` (machine-readable: ISO times, fractions, no
    byte-order mark) to ``path`` as UTF-8."""
    Path(path).write_text(frame_to_csv(frame, excel=False), encoding="utf-8")
