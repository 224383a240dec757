"""The CSV reader's fast path: pandas' C parser, for files it reads exactly as the loop would.

pandas parses a plain file three times faster than :mod:`csv` does, but it
cuts a field at a NUL byte, merges records after a stray quote, fills a short
record with empty fields and numbers rows, not lines. So it is used only for a
file whose bytes show that none of that can happen: no NUL, no quote
character at all, line endings that are all ``\\n`` or all ``\\r\\n``, no
blank line, every line holding exactly the header's number of delimiters, no
line over the field limit. Then each record is one line, ``line`` is the row
number plus one, and pandas' cells are the reader's. Every other file (and a
file whose rows hold the header again) is read by
:func:`graph_loader.readers.csv_reader.read_csv`'s own loop;
``tests/graph_loader/readers/test_fast_csv.py`` checks that both give the same.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from graph_loader.readers.source import LINE_COLUMN, MAX_FIELD_CHARS

__all__ = ["plain_table", "FAST_ENCODINGS", "MAX_FAST_BYTES"]

#: Encodings in which every delimiter, quote, NUL and line ending is one byte of its own.
FAST_ENCODINGS = frozenset({"utf-8", "utf-8-sig", "cp1252", "latin-1", "iso8859-1", "ascii"})
#: A bigger file is read by the reader's own loop, which streams: this path holds the bytes.
MAX_FAST_BYTES = 1 << 30
_LF = 10


def _plain_lines(data: bytes, delimiter: str, width: int) -> int | None:
    """How many data lines ``data`` (header first) has, when every one is plain; else None."""
    if b"\x00" in data or b'"' in data or not data.endswith(b"\n"):
        return None
    crlf = b"\r\n" in data
    if data.count(b"\r") != (data.count(b"\r\n") if crlf else 0):
        return None  # a bare carriage return: a line ending pandas and csv may count otherwise
    codes = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(codes == _LF)
    starts = np.concatenate(([0], ends[:-1] + 1))
    lengths = ends - starts - (1 if crlf else 0)
    if lengths.min() <= 0 or lengths.max() > MAX_FIELD_CHARS:
        return None  # a blank line, or one that could hold a huge field
    delimiters = np.flatnonzero(codes == ord(delimiter))
    per_line = np.diff(np.searchsorted(delimiters, np.concatenate(([0], ends))))
    if not (per_line == width - 1).all():
        return None
    return len(ends) - 1


def plain_table(
    data: bytes, encoding: str, delimiter: str, header: list[str]
) -> pd.DataFrame | None:
    """The rows of a plain file (see the module docstring) as the reader's text frame, or None.

    ``data`` is the whole file's bytes; ``header`` its column names as the
    reader made them from the first line.
    """
    if encoding not in FAST_ENCODINGS or len(delimiter.encode()) != 1:
        return None
    lines = _plain_lines(data, delimiter, len(header))
    if lines is None:
        return None
    frame = pd.read_csv(
        io.BytesIO(data),
        sep=delimiter,
        header=None,
        skiprows=1,
        names=header,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        quoting=csv.QUOTE_NONE,
        encoding=encoding,
        engine="c",
        skip_blank_lines=False,
    )
    if len(frame) != lines:
        return None
    first = frame.iloc[:, 0].str.strip(" \t\ufeff") if lines else frame.iloc[:, 0]
    if (first == header[0]).any():
        return None  # the header again: the reader's loop refuses it with its line
    frame[LINE_COLUMN] = np.arange(2, lines + 2, dtype=np.int64)
    return frame
