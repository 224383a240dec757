"""What a reader gives the loader: a table of text, each row's line, and the records it refused.

Every reader (CSV, Excel, XES) returns a :class:`SourceTable`. Its ``frame``
holds every column of the source as text (object dtype, an empty cell is the
empty string, never NaN) plus ``line``, the physical line of the file where
the record starts (the header is line 1), or the row of the sheet in a
workbook. Its ``rejects`` are the records the reader itself could not use —
a record with the wrong number of fields, a stray quote, a repeated header, a
huge field — each with its line, rule id, reason and the record's raw text,
so that ``rows in = len(frame) + len(rejects)`` before validation starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from journey.contract import RULES

__all__ = [
    "SourceTable",
    "MAX_FIELD_CHARS",
    "REJECT_COLUMNS",
    "LINE_COLUMN",
    "text_frame",
    "columns_frame",
    "reject_frame",
    "record_text",
    "refuse_huge_fields",
]

#: A field longer than this (1 MB of text) is refused (rule R105): no contact needs it,
#: and one such cell would make every page that shows it megabytes long.
MAX_FIELD_CHARS = 1_048_576
#: The raw text kept of a refused record: a spreadsheet cell holds at most 32,767 characters.
_MAX_RECORD_TEXT = 32_000
LINE_COLUMN = "line"
REJECT_COLUMNS = ["line", "rule", "reason", "record"]


@dataclass
class SourceTable:
    """One source file read as text: the rows, the records refused while reading, and how."""

    path: Path
    frame: pd.DataFrame
    rejects: pd.DataFrame = field(default_factory=lambda: reject_frame([]))
    encoding: str | None = None
    delimiter: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def rows_in(self) -> int:
        """Every record of the file: the rows read plus the records refused."""
        return len(self.frame) + len(self.rejects)


_SAMPLE = 1_000


def _shared(values: list[str]) -> list[str] | None:
    """The values with each repeated string one object, for a column that repeats (else None).

    A reader makes a new string for every cell; pandas' own parser shares the
    repeats. Shared, a column of agencies takes a fraction of the memory, and
    validation hashes each distinct value once instead of once per row.
    """
    if len(set(values[:_SAMPLE])) == min(len(values), _SAMPLE):
        return None  # contact ids and the like: every value distinct, nothing to share
    one: dict[str, str] = {}
    return [one.setdefault(value, value) for value in values]


def text_frame(columns: list[str], rows: list[list[str]], lines: list[int]) -> pd.DataFrame:
    """A frame of text columns (object dtype) from equal-length rows, plus ``line``.

    Examples
    --------
    >>> text_frame(["a", "b"], [["1", ""], ["x", "y"]], [2, 4]).values.tolist()
    [['1', '', 2], ['x', 'y', 4]]
    """
    if rows:
        # One 2-D object block: no copy of the strings, no type inference.
        values = np.array(rows, dtype=object)
        if values.ndim != 2:  # numpy could not make a 2-D array (never for equal rows)
            values = np.array([np.array(r, dtype=object) for r in rows], dtype=object)
        for column in range(values.shape[1]):
            shared = _shared(values[:, column].tolist())
            if shared is not None:
                values[:, column] = shared
        # pandas keeps a block column by column: give it each column contiguous, as its own
        # parser does, or every pass over a column strides through memory (twice as slow).
        by_column = np.ascontiguousarray(values.T)
        frame = pd.DataFrame(by_column.T, columns=columns, copy=False)
    else:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    frame[LINE_COLUMN] = np.asarray(lines, dtype=np.int64)
    return frame


def columns_frame(columns: dict[str, list[str]], lines: list[int]) -> pd.DataFrame:
    """A frame of text columns (object dtype) from one list of values per column, plus ``line``.

    Examples
    --------
    >>> columns_frame({"a": ["1", "x"], "b": ["", "y"]}, [2, 4]).values.tolist()
    [['1', '', 2], ['x', 'y', 4]]
    """
    frame = pd.DataFrame(
        {name: np.array(_shared(values) or values, dtype=object)
         for name, values in columns.items()},  # fmt: skip
        index=pd.RangeIndex(len(lines)),
        copy=False,
    )
    frame[LINE_COLUMN] = np.asarray(lines, dtype=np.int64)
    return frame


def record_text(text: str) -> str:
    """The raw text of a refused record as kept in the rejects file (long ones cut, and said so).

    Examples
    --------
    >>> record_text("c1,p1\\n")
    'c1,p1'
    >>> len(record_text("x" * 50_000)) < 33_000
    True
    """
    text = text.rstrip("\r\n")
    if len(text) <= _MAX_RECORD_TEXT:
        return text
    return text[:_MAX_RECORD_TEXT] + f"… [cut: {len(text):,} characters in all]"


def reject_frame(rejects: list[tuple[int, str, str, str]]) -> pd.DataFrame:
    """A reader's rejects, ``(line, rule, detail, raw text)`` each, as a rejects frame.

    The reason is the rule id, a colon and the detail (the rule's meaning when
    the detail is empty), as validation writes it.

    Examples
    --------
    >>> reject_frame([(3, "R102", "3 fields, the header has 6", "a,b,c")]).values.tolist()
    [[3, 'R102', 'R102: 3 fields, the header has 6', 'a,b,c']]
    """
    rows = [(line, rule, f"{rule}: {detail or RULES[rule]}", record_text(raw))
            for line, rule, detail, raw in rejects]  # fmt: skip
    frame = pd.DataFrame(rows, columns=REJECT_COLUMNS)
    return frame.astype({"line": np.int64, "rule": object, "reason": object, "record": object})


def refuse_huge_fields(table: SourceTable) -> SourceTable:
    """The table with every row holding a field over :data:`MAX_FIELD_CHARS` refused (rule R105).

    The CSV reader checks as it reads; a workbook's or an event log's rows are checked here.
    """
    frame = table.frame
    huge = np.zeros(len(frame), dtype=bool)
    for column in frame.columns.drop(LINE_COLUMN):
        lengths = np.fromiter(map(len, frame[column].tolist()), dtype=np.int64, count=len(frame))
        huge |= lengths > MAX_FIELD_CHARS
    if not huge.any():
        return table
    refused = [
        (int(row[LINE_COLUMN]), "R105", f"a field is longer than {MAX_FIELD_CHARS:,} characters",
         ",".join(str(v) for k, v in row.items() if k != LINE_COLUMN))
        for row in frame[huge].to_dict("records")
    ]  # fmt: skip
    rejects = pd.concat([table.rejects, reject_frame(refused)], ignore_index=True)
    return replace(table, frame=frame[~huge].reset_index(drop=True), rejects=rejects)
