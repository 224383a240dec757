"""Rows that hold the very same objects: coding them quickly, and knowing a frame seen before.

Sorting the journeys and coding the columns of a contacts frame is most of
the work of an analysis given the frame: a notebook that calls
:func:`journey.pathways.pathways` and then :func:`journey.pathways.variants`
on one frame would otherwise do it twice. :func:`journey.event_log.prepare`
keeps what it builds from a frame here (:func:`parts_for`), for the
:data:`MOST_FRAMES` frames used last; an entry goes when its frame is
garbage-collected (the frame is held weakly) or by :func:`forget_prepared`.

An entry is reused only when it is provably built from the same data: the
same frame object, and every column read so far unchanged. Each column is
copied when first read and compared with the frame's column at every reuse:
numbers and times value for value; text and other Python objects by identity
(the copy holds the very objects, which keeps them alive, so an address
cannot be taken by a new object and equal addresses are the same object).
Assigning a column, editing values in place (``.loc``, ``.iloc``, ``.at``),
sorting in place, adding or dropping rows or renaming columns all make a
column differ, and the frame is prepared afresh.

The same identity makes coding text columns cheap: stores and most frames
built in code hold one object per distinct value, so :func:`factorize`
groups rows by object address and hashes each distinct object once.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "MOST_FRAMES",
    "PreparedParts",
    "factorize",
    "forget_prepared",
    "object_addresses",
    "parts_for",
    "prepared_frames",
    "shares_objects",
]

#: How many contacts frames keep their prepared event log (the least recently used goes first).
MOST_FRAMES = 4


class _Addresses:
    """Exposes an object array's pointers as uint64 through the array interface (no copy)."""

    def __init__(self, values: np.ndarray):
        self.values = values  # keeps the memory alive as long as the view
        self.__array_interface__ = {
            "shape": values.shape,
            "typestr": np.dtype(np.uint64).str,
            "data": (values.__array_interface__["data"][0], True),
            "strides": values.strides,
            "version": 3,
        }


def object_addresses(values: np.ndarray) -> np.ndarray:
    """The address of every object of an object array, as a read-only uint64 view.

    Equal addresses are the same object (while the array holds it), so
    comparing them compares objects by identity without calling into Python
    once per row.

    Examples
    --------
    >>> name = "Police"
    >>> addresses = object_addresses(np.array([name, name, "School"], dtype=object))
    >>> bool(addresses[0] == addresses[1] == id(name)), bool(addresses[1] == addresses[2])
    (True, False)
    """
    if values.dtype != object:
        raise TypeError("object_addresses needs an array of Python objects")
    return np.asarray(_Addresses(values))


def shares_objects(values: np.ndarray) -> bool:
    """Whether rows of equal value mostly hold one object (judged on the first 1000 rows)."""
    if values.dtype != object or len(values) <= 1000:
        return False
    sample = values[:1000]
    return len({id(value) for value in sample}) <= 2 * len(pd.unique(sample))


def _by_identity(values: np.ndarray, sort: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`factorize` of shared objects: each distinct object is hashed once, not each row.

    Rows are first grouped by the address of their object (equal addresses,
    equal values); objects usually lie close together in memory, so an
    address becomes a slot of a table no longer than the column, else the
    addresses are hashed as integers. Then one row per object is factorized
    by value, merging distinct objects of equal value. None when most rows
    hold distinct objects (nothing to gain).
    """
    addresses = object_addresses(values)
    offsets = addresses - addresses.min()
    alignment = int(np.bitwise_or.reduce(offsets))
    shift = (alignment & -alignment).bit_length() - 1 if alignment else 0
    size = (int(offsets.max()) >> shift) + 1
    if size <= 2 * len(values):
        slots = (offsets >> np.uint64(shift)).astype(np.intp)
        one = np.full(size, -1, dtype=np.intp)
        one[slots] = np.arange(len(values))
        used = np.flatnonzero(one >= 0)
        if len(used) > len(values) // 2:
            return None
        one = one[used]
    else:
        slots, distinct = pd.factorize(addresses)
        size = len(distinct)
        used = np.arange(size)
        one = np.empty(size, dtype=np.intp)
        one[slots] = np.arange(len(values))
    codes, uniques = pd.factorize(values[one], sort=sort)
    table = np.empty(size, dtype=np.int64)
    table[used] = codes
    return table[slots], np.asarray(uniques, dtype=object)


def factorize(
    values: np.ndarray | pd.Series, *, sort: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """``pandas.factorize`` (int64 codes, -1 when missing; the distinct values as objects).

    Several times faster when rows of equal value hold one Python object, as
    the stores' frames and most built in code do (see :func:`_by_identity`).

    Examples
    --------
    >>> police = "Police"
    >>> codes, agencies = factorize(np.array([police, "GP", None, police] * 300, dtype=object),
    ...                             sort=True)
    >>> codes[:4].tolist(), agencies.tolist()
    ([1, 0, -1, 1], ['GP', 'Police'])
    """
    array = values.to_numpy() if isinstance(values, pd.Series) else values
    if shares_objects(array):
        found = _by_identity(array, sort)
        if found is not None:
            return found
    codes, uniques = pd.factorize(values, sort=sort)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


class _ColumnCopy:
    """A column as it was when first read, to tell whether the frame's column still holds it."""

    def __init__(self, column: pd.Series | pd.DataFrame):
        self.values = np.array(column.to_numpy(), copy=True)

    def matches(self, column: pd.Series | pd.DataFrame) -> bool:
        current = np.asarray(column.to_numpy())
        kept = self.values
        if current.shape != kept.shape or current.dtype != kept.dtype:
            return False
        if kept.dtype == object:
            return np.array_equal(object_addresses(current), object_addresses(kept))
        if kept.dtype.kind in "mM":
            return np.array_equal(current.view(np.int64), kept.view(np.int64))
        return np.array_equal(current, kept, equal_nan=kept.dtype.kind in "fc")


class PreparedParts:
    """What has been built from one contacts frame, by name, and the columns it was built from.

    ``recording=False`` (a frame prepared by hand, not kept here) skips the
    copies: nothing will be compared with them.
    """

    def __init__(self, *, recording: bool = True):
        self.recording = recording
        self._built: dict[Any, Any] = {}
        self._columns: dict[str, _ColumnCopy] = {}

    def get(self, frame: pd.DataFrame, name: Any, columns: Iterable[str], build: Callable[[], Any]):
        """The part ``name``, built from ``frame``'s ``columns`` on first use.

        The columns are copied before the build reads them. Arrays in a kept
        part are made read-only: every later analysis of the frame shares them.
        """
        if name not in self._built:
            if self.recording:
                for column in columns:
                    if column not in self._columns and column in frame.columns:
                        self._columns[column] = _ColumnCopy(frame[column])
            part = build()
            if self.recording:
                _freeze(part)
            self._built[name] = part
        return self._built[name]

    def matches(self, frame: pd.DataFrame) -> bool:
        """Whether every column read so far still holds the same data in ``frame``."""
        return all(
            column in frame.columns and copy.matches(frame[column])
            for column, copy in self._columns.items()
        )


def _freeze(part: Any) -> None:
    """Make the arrays of a part (an array, a tuple of them, an object's attributes) read-only.

    Only arrays owning their memory: a view might be of the frame's own data,
    which must stay editable.
    """
    if isinstance(part, np.ndarray):
        if part.flags.owndata:
            part.flags.writeable = False
    elif isinstance(part, tuple):
        for item in part:
            _freeze(item)
    elif hasattr(part, "__dict__"):
        for item in vars(part).values():
            if isinstance(item, np.ndarray):
                _freeze(item)


_LOCK = threading.RLock()  # reentrant: a frame collected inside the lock drops its entry
_ENTRIES: OrderedDict[int, tuple[weakref.ref, PreparedParts]] = OrderedDict()


def _drop(key: int, ref: weakref.ref) -> None:
    with _LOCK:
        entry = _ENTRIES.get(key)
        if entry is not None and entry[0] is ref:
            del _ENTRIES[key]


def parts_for(frame: pd.DataFrame) -> PreparedParts:
    """The parts kept for ``frame`` when its data is unchanged since they were built, else new."""
    key = id(frame)
    with _LOCK:
        entry = _ENTRIES.get(key)
        if entry is not None and entry[0]() is frame and entry[1].matches(frame):
            _ENTRIES.move_to_end(key)
            return entry[1]
        parts = PreparedParts()
        _ENTRIES[key] = (weakref.ref(frame, lambda ref, key=key: _drop(key, ref)), parts)
        _ENTRIES.move_to_end(key)
        while len(_ENTRIES) > MOST_FRAMES:
            _ENTRIES.popitem(last=False)
        return parts


def prepared_frames() -> int:
    """How many contacts frames have a prepared event log kept.

    Examples
    --------
    >>> forget_prepared(); prepared_frames()
    0
    """
    with _LOCK:
        return len(_ENTRIES)


def forget_prepared(contacts: pd.DataFrame | None = None) -> None:
    """Drop what was prepared from ``contacts`` (every frame's when None), to free its memory.

    Never needed for correct results: a changed frame is prepared afresh.

    Examples
    --------
    >>> forget_prepared()
    """
    with _LOCK:
        if contacts is None:
            _ENTRIES.clear()
            return
        entry = _ENTRIES.get(id(contacts))
        if entry is not None and entry[0]() is contacts:
            del _ENTRIES[id(contacts)]
