"""Array building blocks of the event log: day lengths, packed sort keys, distinct ints, spans.

Nothing here knows about families or agencies; :mod:`journey.event_log` and
the analyses build on these to stay vectorised (no loop per contact).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "DAY_NS",
    "INT64_LIMIT",
    "days_ns",
    "spans",
    "as_times",
    "unique_ints",
    "factorize_rows",
    "order_by",
    "run_starts",
]

#: One day (24 hours) in nanoseconds, the unit of every time array.
DAY_NS = 86_400 * 10**9
#: Packed int64 keys stay below this bound, leaving room for arithmetic without overflow.
INT64_LIMIT = 2**62


def days_ns(days: float) -> int:
    """A number of days (24-hour periods) in nanoseconds.

    Examples
    --------
    >>> days_ns(1) == DAY_NS
    True
    """
    return int(round(days * DAY_NS))


def spans(values: np.ndarray, lo: np.ndarray, hi: np.ndarray,
          index: np.ndarray | None = None) -> list[tuple]:
    """``tuple(values[index[lo[i]:hi[i] + 1]])`` for each i (``index`` defaults to identity).

    Examples
    --------
    >>> spans(np.array(["a", "b", "c"], dtype=object), np.array([0, 2]), np.array([1, 2]))
    [('a', 'b'), ('c',)]
    """
    if len(lo) == 0:
        return []
    lengths = hi - lo + 1
    ends = np.cumsum(lengths)
    flat = np.arange(ends[-1]) + np.repeat(lo - (ends - lengths), lengths)
    items = values[flat if index is None else index[flat]].tolist()
    starts = (ends - lengths).tolist()
    return [tuple(items[a:b]) for a, b in zip(starts, ends.tolist(), strict=True)]


def as_times(column: pd.Series) -> np.ndarray:
    """A column of times as ``datetime64[ns]`` (NaT when missing)."""
    if pd.api.types.is_datetime64_dtype(column.dtype):
        return column.to_numpy(dtype="datetime64[ns]")
    return pd.to_datetime(column).to_numpy(dtype="datetime64[ns]")


def unique_ints(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an int array (faster than :func:`numpy.unique` on big arrays).

    Examples
    --------
    >>> unique_ints(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    ordered = np.sort(values)
    new = np.ones(len(ordered), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    return ordered[new]


def factorize_rows(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct rows of a boolean matrix, and those rows (first-seen order).

    Examples
    --------
    >>> codes, rows = factorize_rows(np.array([[True, False], [False, False], [True, False]]))
    >>> codes.tolist(), rows.tolist()
    ([0, 1, 0], [[True, False], [False, False]])
    """
    width = flags.shape[1]
    packed = np.packbits(flags, axis=1)
    # One byte string per row (numpy drops trailing zero bytes: still one per row).
    codes, uniques = pd.factorize(packed.view(f"S{packed.shape[1]}").ravel())
    joined = b"".join(u.ljust(packed.shape[1], b"\0") for u in uniques)
    rows = np.frombuffer(joined, np.uint8).reshape(len(uniques), packed.shape[1])
    return codes, np.unpackbits(rows, axis=1)[:, :width].astype(bool)


def order_by(*keys: tuple[np.ndarray, int]) -> np.ndarray:
    """Argsort by several non-negative integer keys ``(values, bound)``, the first most significant.

    The keys are packed into one int64 when their bounds allow it (much faster
    than :func:`numpy.lexsort`). Equal keys keep no particular order.

    Examples
    --------
    >>> order_by((np.array([1, 0, 1]), 2), (np.array([0, 5, 3]), 6)).tolist()
    [1, 0, 2]
    """
    total = 1
    for _, bound in keys:
        total *= max(int(bound), 1)
    if total < INT64_LIMIT:
        packed = np.zeros(len(keys[0][0]), dtype=np.int64)
        for values, bound in keys:
            packed = packed * max(int(bound), 1) + values
        return np.argsort(packed)
    return np.lexsort(tuple(values for values, _ in reversed(keys)))


def run_starts(values: np.ndarray) -> np.ndarray:
    """True where a value differs from the one before it (and at the first position).

    Examples
    --------
    >>> run_starts(np.array([4, 4, 7, 4])).tolist()
    [True, False, True, True]
    """
    starts = np.ones(len(values), dtype=bool)
    if len(values) > 1:
        np.not_equal(values[1:], values[:-1], out=starts[1:])
    return starts
