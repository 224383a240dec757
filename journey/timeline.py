"""Timelines: many journeys at once as sorted numpy arrays, with fast trailing windows.

A :class:`Timeline` holds the events of many families (or people) sorted by
entity and time. :mod:`journey.event_log` builds them from the contacts in the
one order every analysis uses; this module holds the arrays and the window
arithmetic over them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from journey.arrays import INT64_LIMIT, order_by, unique_ints

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Clock", "Timeline"]


@dataclass(frozen=True)
class Clock:
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
    def for_times(cls, times: np.ndarray, n_entities: int) -> Clock:
        if len(times) == 0:
            return cls(origin=0, unit=1, span=1, distinct=None)
        origin = int(times.min())
        unit = max(int(np.gcd.reduce(times - origin)), 1)
        span = (int(times.max()) - origin) // unit + 1
        if max(n_entities, 1) * (span + 1) < INT64_LIMIT:
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
    clock: Clock

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
        >>> from journey.arrays import DAY_NS
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
        >>> from journey.arrays import DAY_NS
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
        clock = Clock.for_times(times, len(ids))
        if sort:
            order = order_by((entity, len(ids)), (clock.offsets(times), clock.stride))
            entity, times, rows = entity[order], times[order], rows[order]
        return cls(entity=entity, ids=ids, times=times, rows=rows, clock=clock)
