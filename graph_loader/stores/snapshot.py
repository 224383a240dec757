"""A columnar snapshot of every contact, kept inside the store file, for reading them all quickly.

Reading a million contact rows through ``sqlite3`` creates a million Python
objects per column and takes seconds. After each load the embedded store
keeps each column as integer codes plus its distinct values (numpy arrays
saved with ``np.savez``; loaded with ``allow_pickle=False``, so a store file
can never run code), and rebuilds the columns by indexing: the distinct
values are shared, not copied.

The snapshot is only a cache: any write to contacts deletes it, and the
store falls back to reading the table.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from journey.contract import CONTACT_COLUMNS

__all__ = ["encode", "encode_columns", "decode"]

_SEPARATOR = "\x1f"


def _code_type(distinct: int) -> type:
    if distinct < np.iinfo(np.int8).max:
        return np.int8
    if distinct < np.iinfo(np.int16).max:
        return np.int16
    return np.int32


def encode(contacts: pd.DataFrame) -> bytes | None:
    """The contacts frame (contract columns, journey order) as snapshot bytes.

    Returns None when a text value holds the separator character (text
    written around validation, which refuses control characters): such a
    store is read from its table instead.

    Examples
    --------
    >>> frame = pd.DataFrame({c: ["x", None] for c in CONTACT_COLUMNS})
    >>> frame["occurred_at"] = pd.to_datetime(["2021-01-01", "2021-01-02"])
    >>> decode(encode(frame), ["agency", "occurred_at"]).equals(frame[["agency", "occurred_at"]])
    True
    """
    return encode_columns(((c, contacts[c]) for c in CONTACT_COLUMNS), len(contacts))


def encode_columns(columns: Iterable[tuple[str, Any]], rows: int) -> bytes | None:
    """Snapshot bytes from (column, values) pairs given one at a time, in contract order.

    Each column is reduced to its codes and distinct values before the next
    is asked for, so a caller reading the columns lazily never holds more
    than one column of Python strings (the load's peak memory).
    """
    arrays: dict[str, np.ndarray] = {"rows": np.array([rows])}
    for column, values in columns:
        if column == "occurred_at":
            arrays[column] = pd.Series(values, copy=False).to_numpy(
                dtype="datetime64[ns]"
            ).view(np.int64)
            continue
        codes, distinct = pd.factorize(values, use_na_sentinel=True)
        del values
        text = _SEPARATOR.join(map(str, distinct))
        if text.count(_SEPARATOR) != max(len(distinct) - 1, 0):
            return None
        arrays[f"{column}.codes"] = codes.astype(_code_type(len(distinct)))
        arrays[f"{column}.count"] = np.array([len(distinct)])
        arrays[f"{column}.values"] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def decode(payload: bytes, columns: list[str]) -> pd.DataFrame:
    """The ``columns`` of the snapshot as a frame (missing text as None, times as datetime64)."""
    frame = {}
    with np.load(io.BytesIO(payload), allow_pickle=False) as data:
        for column in columns:
            if column == "occurred_at":
                frame[column] = data[column].view("datetime64[ns]")
                continue
            count = int(data[f"{column}.count"][0])
            text = data[f"{column}.values"].tobytes().decode("utf-8")
            distinct = text.split(_SEPARATOR) if count else []
            # Code -1 (a missing value) picks the None appended last.
            lookup = np.array([*distinct, None], dtype=object)
            frame[column] = lookup[data[f"{column}.codes"].astype(np.intp)]
        rows = int(data["rows"][0])
    result = pd.DataFrame(frame, copy=False)
    if result.empty and rows:
        result = pd.DataFrame(index=range(rows))
    return result
