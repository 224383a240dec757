"""Timelines: many journeys at once as sorted numpy arrays, with fast trailing windows."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from numbers import Real

import numpy as np
import pandas as pd

from journey.errors import MissingColumnError, ParameterError

__all__ = [
    "DAY_NS",
    "Timeline",
    "family_timeline",
    "person_timeline",
    "PreparedContacts",
    "prepare",
    "require_columns",
    "check_positive",
    "days_ns",
    "spans",
    "as_times",
    "order_by",
    "unique_ints",
    "factorize_rows",
]

DAY_NS = 86_400 * 10**9
_INT64_LIMIT = 2**62


def require_columns(contacts: pd.DataFrame, columns: list[str], source: str = "contacts") -> None:
    """Raise :class:`MissingColumnError` when ``contacts`` lacks any of ``columns``."""
    missing = [c for c in columns if c not in contacts.columns]
    if missing:
        raise MissingColumnError(source, missing)


def check_positive(**values: float) -> None:
    """Raise :class:`ParameterError` unless every named parameter is a positive number."""
    for name, value in values.items():
        if isinstance(value, bool | np.bool_) or not isinstance(value, Real) or not value > 0:
            raise ParameterError(f"{name} must be a positive number, not {value!r}")


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


def _times(contacts: pd.DataFrame) -> np.ndarray:
    return contacts["occurred_at"].to_numpy(dtype="datetime64[ns]").view("int64")


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
    if total < _INT64_LIMIT:
        packed = np.zeros(len(keys[0][0]), dtype=np.int64)
        for values, bound in keys:
            packed = packed * max(int(bound), 1) + values
        return np.argsort(packed)
    return np.lexsort(tuple(values for values, _ in reversed(keys)))


@dataclass(frozen=True)
class _Clock:
    """Packs (entity, time) into one sortable int64: ``entity * stride + offset(time)``.

    Offsets are whole ``unit``s since ``origin`` (``unit`` is the greatest common
    divisor of the times, a second or a day in practice) when that fits in an
    int64; otherwise the index among the sorted distinct ``times`` of the events.
    Either way, for an event time ``t`` and any time ``e``: ``e <= t`` exactly when
    ``offset(e, ceil=True) <= offset(t)``.
    """

    origin: int
    unit: int
    span: int
    distinct: np.ndarray | None

    @property
    def stride(self) -> int:
        return self.span + 1

    @classmethod
    def for_times(cls, times: np.ndarray, n_entities: int) -> _Clock:
        if len(times) == 0:
            return cls(origin=0, unit=1, span=1, distinct=None)
        origin = int(times.min())
        unit = max(int(np.gcd.reduce(times - origin)), 1)
        span = (int(times.max()) - origin) // unit + 1
        if max(n_entities, 1) * (span + 1) < _INT64_LIMIT:
            return cls(origin=origin, unit=unit, span=span, distinct=None)
        distinct = unique_ints(times)
        return cls(origin=origin, unit=unit, span=len(distinct), distinct=distinct)

    def offsets(self, times: np.ndarray, *, ceil: bool = False) -> np.ndarray:
        """Offsets of ``times``; ``ceil`` for times that need not be event times (window ends)."""
        if self.distinct is None:
            shifted = times - self.origin
            found = -((-shifted) // self.unit) if ceil else shifted // self.unit
        else:
            # Sorted queries make searchsorted several times faster.
            order = np.argsort(times)
            found = np.empty(len(times), dtype=np.int64)
            found[order] = np.searchsorted(self.distinct, times[order], side="left")
        return np.minimum(found, self.span)

    def later(self, offsets: np.ndarray, times: np.ndarray, window_ns: int) -> np.ndarray:
        """``offsets(times + window, ceil=True)`` for event ``times`` with known ``offsets``."""
        if self.distinct is None:
            # Event times are whole units from the origin, so no division per event.
            return np.minimum(offsets + -(-window_ns // self.unit), self.span)
        return self.offsets(times + window_ns, ceil=True)


def _tied(ordered: np.ndarray) -> np.ndarray:
    """Positions of the runs of equal values in a sorted array."""
    same = ordered[1:] == ordered[:-1]
    tied = np.zeros(len(ordered), dtype=bool)
    tied[1:] |= same
    tied[:-1] |= same
    return np.flatnonzero(tied)


def _break_ties(
    order: np.ndarray, keys: np.ndarray, contact_ids: np.ndarray, *, once: bool
) -> np.ndarray:
    """Order runs of equal ``keys[order]`` (one journey, one time) by contact id.

    With ``once``, a contact id that appears several times in a run (a contact
    that involved several members of one family) keeps one row.
    """
    where = _tied(keys[order])
    if once and len(where):
        repeated = pd.DataFrame({"key": keys[order[where]], "contact": contact_ids[order[where]]})
        keep = np.ones(len(order), dtype=bool)
        keep[where[repeated.duplicated().to_numpy()]] = False
        order = order[keep]
        where = _tied(keys[order])
    if len(where) == 0:
        return order
    runs = pd.DataFrame({"key": keys[order[where]], "contact": contact_ids[order[where]]})
    runs = runs.sort_values(["key", "contact"], kind="stable")
    order = order.copy()
    order[where] = order[where[runs.index.to_numpy()]]
    return order


@dataclass(frozen=True, eq=False)
class Timeline:
    """Many journeys as arrays sorted by (entity, time, contact id); an entity is a family/person.

    Every entity in ``ids`` has at least one event. A family's timeline counts
    each contact once however many members it involved; contacts at the same
    time are ordered by contact id, so the order never depends on the order of
    the input rows.

    The analyses count contacts and distinct agencies in *trailing windows*:
    the window of ``w`` ending at time ``t`` holds the contacts with
    ``t - w < time <= t``, so two contacts share a window of ``window_days``
    when they are less than ``window_days`` apart. The counting is vectorised:
    a contact "stays" in the windows ending in ``[time, time + w)``, so the
    number of contacts in the window ending at ``t`` is the number of those
    intervals that contain ``t`` (starts at or before ``t`` minus ends at or
    before ``t``), found with two ``searchsorted`` calls over all journeys at once.

    Attributes
    ----------
    entity : ndarray of int64
        The code of each event's family or person (non-decreasing); ``ids[code]`` is its id.
    ids : ndarray of object
        Family or person ids, sorted.
    times : ndarray of int64
        Contact times in nanoseconds (London wall-clock time).
    rows : ndarray of int64
        Positional row of each event in the contacts frame it was built from.
    """

    entity: np.ndarray
    ids: np.ndarray
    times: np.ndarray
    rows: np.ndarray
    clock: _Clock

    def __len__(self) -> int:
        return len(self.entity)

    @cached_property
    def bounds(self) -> np.ndarray:
        """Offsets of each entity's first event, and the total, length ``len(ids) + 1``."""
        return np.searchsorted(self.entity, np.arange(len(self.ids) + 1))

    @cached_property
    def starts(self) -> np.ndarray:
        """Offset of each entity's first event."""
        return self.bounds[:-1]

    @cached_property
    def offsets(self) -> np.ndarray:
        """Each event's time packed by the clock (equal times, equal offsets)."""
        return self.clock.offsets(self.times)

    @cached_property
    def keys(self) -> np.ndarray:
        """Sorted keys, equal for events of one entity at one time."""
        return self.entity * self.clock.stride + self.offsets

    @cached_property
    def upto(self) -> np.ndarray:
        """For each event, one past the last event of its entity at or before its time."""
        return np.searchsorted(self.keys, self.keys, side="right")

    def take(self, contacts: pd.DataFrame, column: str) -> np.ndarray:
        """The values of ``column`` for each event, from the frame the timeline was built from."""
        return contacts[column].to_numpy()[self.rows]

    def _active(self, end_offsets: np.ndarray) -> np.ndarray:
        """How many intervals ``[time_k, end_k)`` of the entity contain each event's time."""
        ends = np.sort(self.entity * self.clock.stride + end_offsets)
        return self.upto - np.searchsorted(ends, self.keys, side="right")

    def window_counts(self, window_ns: int) -> np.ndarray:
        """Events of the same entity in the trailing window ``(t - window, t]`` of each event.

        Examples
        --------
        >>> days = np.array([0, 10, 10, 40]) * DAY_NS
        >>> family = np.array(["F1"], dtype=object)
        >>> line = Timeline.from_arrays(np.zeros(4, dtype=np.int64), family, days)
        >>> line.window_counts(30 * DAY_NS).tolist()
        [1, 3, 3, 1]
        """
        return self._active(self.clock.later(self.offsets, self.times, window_ns))

    def window_distinct(self, values: np.ndarray, window_ns: int) -> np.ndarray:
        """Distinct ``values`` (non-negative int codes) among the events of each trailing window.

        A value is in the window ending at ``t`` when its latest event at or before
        ``t`` is later than ``t - window``: each event keeps its value in the window
        until ``min(time + window, time of the value's next event)``.

        Examples
        --------
        >>> days = np.array([0, 5, 20, 40]) * DAY_NS
        >>> family = np.array(["F1"], dtype=object)
        >>> line = Timeline.from_arrays(np.zeros(4, dtype=np.int64), family, days)
        >>> line.window_distinct(np.array([0, 1, 0, 0]), 30 * DAY_NS).tolist()
        [1, 2, 2, 1]
        """
        n_values = int(values.max()) + 1 if len(values) else 1
        order = order_by(
            (self.entity, len(self.ids)), (values, n_values), (self.offsets, self.clock.stride)
        )
        group = (self.entity * n_values + values)[order]
        offsets = self.offsets[order]
        ends = self.clock.later(offsets, self.times[order], window_ns)
        same = group[1:] == group[:-1]
        ends[:-1] = np.where(same, np.minimum(ends[:-1], offsets[1:]), ends[:-1])
        end_offsets = np.empty_like(ends)
        end_offsets[order] = ends
        return self._active(end_offsets)

    def best(self, score: np.ndarray) -> np.ndarray:
        """Per entity, the position of the earliest event with the highest ``score``."""
        top = np.maximum.reduceat(score, self.starts)
        positions = np.where(score == top[self.entity], np.arange(len(self)), len(self))
        return np.minimum.reduceat(positions, self.starts)

    def first(self, mask: np.ndarray) -> np.ndarray:
        """Per entity, the position of the earliest event where ``mask`` holds, or -1."""
        positions = np.where(mask, np.arange(len(self)), len(self))
        found = np.minimum.reduceat(positions, self.starts)
        return np.where(found < len(self), found, -1)

    def total(self, values: np.ndarray) -> np.ndarray:
        """Per entity, the sum of ``values``."""
        return np.add.reduceat(values, self.starts)

    def distinct(self, values: np.ndarray) -> np.ndarray:
        """Per entity, how many distinct ``values`` (int codes) its events have."""
        n_values = int(values.max()) + 1 if len(values) else 1
        pairs = unique_ints(self.entity * n_values + values)
        return np.bincount(pairs // n_values, minlength=len(self.ids))

    def select(self, positions: np.ndarray) -> tuple[Timeline, np.ndarray]:
        """The events at ``positions``, and the parent code of each entity kept.

        ``positions`` increase (repeats allowed); entities without a selected
        event are left out, so every entity still has an event.
        """
        entity = self.entity[positions]
        new = np.ones(len(entity), dtype=bool)
        new[1:] = entity[1:] != entity[:-1]
        kept = entity[new]
        line = Timeline(
            entity=np.cumsum(new) - 1,
            ids=self.ids[kept],
            times=self.times[positions],
            rows=self.rows[positions],
            clock=self.clock,
        )
        return line, kept

    def count_at(self, entity: np.ndarray, times: np.ndarray, window_ns: int) -> np.ndarray:
        """Events of ``entity[i]`` in the trailing window ``(times[i] - window, times[i]]``.

        ``times`` must be times of events the clock was built from.
        """
        stride = self.clock.stride
        queries = entity * stride + self.clock.offsets(times)
        ends = np.sort(self.entity * stride + self.clock.later(self.offsets, self.times, window_ns))
        inside = np.searchsorted(self.keys, queries, side="right")
        return inside - np.searchsorted(ends, queries, side="right")

    @classmethod
    def from_arrays(
        cls,
        entity: np.ndarray,
        ids: np.ndarray,
        times: np.ndarray,
        rows: np.ndarray | None = None,
        *,
        sort: bool = False,
    ) -> Timeline:
        """A timeline from arrays; ``sort`` when they are not yet sorted by (entity, time).

        Ties keep no particular order, so only counts over such a timeline are defined.
        """
        entity = entity.astype(np.int64)
        rows = np.arange(len(times)) if rows is None else rows
        clock = _Clock.for_times(times, len(ids))
        if sort:
            order = order_by((entity, len(ids)), (clock.offsets(times), clock.stride))
            entity, times, rows = entity[order], times[order], rows[order]
        return cls(entity=entity, ids=ids, times=times, rows=rows, clock=clock)


def _timeline(contacts: pd.DataFrame, entity_column: str, *, once: bool) -> Timeline:
    codes, ids = pd.factorize(contacts[entity_column], sort=True, use_na_sentinel=False)
    codes = codes.astype(np.int64)
    times = _times(contacts)
    clock = _Clock.for_times(times, len(ids))
    keys = codes * clock.stride + clock.offsets(times)
    order = _break_ties(np.argsort(keys), keys, contacts["contact_id"].to_numpy(), once=once)
    return Timeline(
        entity=codes[order],
        ids=np.asarray(ids, dtype=object),
        times=times[order],
        rows=order,
        clock=clock,
    )


def family_timeline(contacts: pd.DataFrame) -> Timeline:
    """Every family's journey as a :class:`Timeline`, each contact once per family.

    The rows of a multi-person contact share its time (they record one event),
    so the duplicates are found among the rows of a family at one time.

    Examples
    --------
    >>> contacts = pd.DataFrame({
    ...     "contact_id": ["c2", "c1", "c1"],
    ...     "person_id": ["p1", "p1", "p2"],
    ...     "family_id": ["F1", "F1", "F1"],
    ...     "occurred_at": pd.to_datetime(["2021-02-01", "2021-01-01", "2021-01-01"]),
    ... })
    >>> line = family_timeline(contacts)
    >>> contacts["contact_id"].to_numpy()[line.rows].tolist()
    ['c1', 'c2']
    """
    require_columns(contacts, ["contact_id", "family_id", "occurred_at"])
    return _timeline(contacts, "family_id", once=True)


def person_timeline(contacts: pd.DataFrame) -> Timeline:
    """Every person's journey as a :class:`Timeline` (one event per contact row)."""
    require_columns(contacts, ["contact_id", "person_id", "occurred_at"])
    return _timeline(contacts, "person_id", once=False)


class PreparedContacts:
    """A contacts frame with the work several analyses share done once, on first use.

    Pass one instead of the frame to :func:`journey.high_contact.high_contact`,
    :func:`journey.uncoordinated.uncoordinated` and
    :func:`journey.indicators.eligibility` to build the family timeline and
    factorize the columns once for all of them. The frame must not change
    while it is in use.
    """

    def __init__(self, contacts: pd.DataFrame):
        self.frame = contacts
        self._codes: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    @cached_property
    def families(self) -> Timeline:
        """Every family's journey (:func:`family_timeline`)."""
        return family_timeline(self.frame)

    @cached_property
    def people(self) -> Timeline:
        """Every person's journey (:func:`person_timeline`)."""
        return person_timeline(self.frame)

    def codes(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """Integer codes of ``column`` per row (-1 when missing) and the sorted distinct values."""
        if column not in self._codes:
            codes, uniques = pd.factorize(self.frame[column], sort=True)
            self._codes[column] = (codes.astype(np.int64), np.asarray(uniques, dtype=object))
        return self._codes[column]


def prepare(contacts: pd.DataFrame | PreparedContacts) -> PreparedContacts:
    """``contacts`` as :class:`PreparedContacts` (unchanged when it already is)."""
    return contacts if isinstance(contacts, PreparedContacts) else PreparedContacts(contacts)
