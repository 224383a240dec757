"""The event log: every family's and every person's contacts in one order, as sorted arrays.

This module owns the order every analysis, map and page reads journeys in:
a family's contacts, each contact once (a contact that involved several
members appears once per member in the contacts frame, with the same
``contact_id``; one row is kept per family), ordered by time and, at the same
time, by ``contact_id`` in its natural order (text sorts as text). A person's
journey is that person's rows in the same order. Families, people and
agencies become integer codes so that everything after is numpy work with no
loop per contact or per family: one argsort of a packed (entity, time) key
orders 2.6 million rows in well under a second.

:class:`PreparedContacts` builds each of these once per contacts frame and
shares them: the family and person :class:`~journey.timeline.Timeline`,
per-column codes, and :class:`AgencyJourneys` (the agency view the pathways
read), which is cut from the family timeline without sorting again.
See docs/analyses.md#journeys for the definitions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from journey.arrays import run_starts
from journey.contract import require_columns
from journey.errors import InputError
from journey.event_log_cache import (
    PreparedParts,
    factorize,
    forget_prepared,
    object_addresses,
    parts_for,
    shares_objects,
)
from journey.timeline import Clock, Timeline

__all__ = [
    "AgencyJourneys",
    "PreparedContacts",
    "agency_journeys",
    "family_timeline",
    "forget_prepared",
    "person_timeline",
    "prepare",
    "sorted_codes",
]

_AGENCY_COLUMNS = ["family_id", "contact_id", "agency", "occurred_at"]


@dataclass(frozen=True)
class AgencyJourneys:
    """Every family's journey as agency codes in time order: the event log the pathways read.

    Events are sorted by family, then time, then contact id, one per contact.
    ``family`` indexes ``family_ids``; ``agency`` indexes ``agencies`` (sorted
    names); ``occurred_at`` is int64 nanoseconds; ``rows`` are the positions in
    the contacts frame of the rows kept.
    """

    family_ids: np.ndarray
    agencies: np.ndarray
    family: np.ndarray
    agency: np.ndarray
    occurred_at: np.ndarray
    rows: np.ndarray

    @property
    def n_families(self) -> int:
        """How many families have at least one contact in this log."""
        if len(self.family) == 0:
            return 0
        return int(np.count_nonzero(run_starts(self.family)))

    def for_families(self, family_ids: Iterable) -> AgencyJourneys:
        """The journeys of the given families only (ids not in the log are ignored)."""
        wanted = pd.Index(self.family_ids).isin(list(family_ids))
        keep = wanted[self.family]
        return AgencyJourneys(
            self.family_ids,
            self.agencies,
            self.family[keep],
            self.agency[keep],
            self.occurred_at[keep],
            self.rows[keep],
        )


def _in_id_order(codes: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Renumber ``codes`` (-1 kept) so that they follow the sorted ``ids``.

    ASCII text ids (the usual case) sort as fixed-width bytes, several times
    faster than comparing Python strings and in the same order; anything else
    sorts as Python objects.

    Examples
    --------
    >>> codes, ids = _in_id_order(np.array([0, 1, -1, 0]), np.array(["F2", "F1"], dtype=object))
    >>> codes.tolist(), ids.tolist()
    ([1, 0, -1, 1], ['F1', 'F2'])
    """
    keys = ids
    if len(ids) and pd.api.types.infer_dtype(ids, skipna=False) == "string":
        try:
            keys = ids.astype("S")
        except UnicodeEncodeError:
            keys = ids
    order = np.argsort(keys, kind="stable")
    if (order == np.arange(len(order))).all():
        return codes.astype(np.int64), ids
    rank = np.empty(len(order) + 1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    rank[-1] = -1  # code -1 (a missing id) stays -1
    return rank[codes], ids[order]


def sorted_codes(ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A code per row and the distinct ids, sorted; cheaply when rows come grouped by entity.

    Examples
    --------
    >>> codes, ids = sorted_codes(pd.Series(["F2", "F1", "F2"]))
    >>> codes.tolist(), ids.tolist()
    ([1, 0, 1], ['F1', 'F2'])

    Stores return contacts grouped by family; then each run of equal ids is
    one entity (checked: no id heads two runs) and hashing every row is
    avoided. Codes always follow the sorted ids, so every view of the log
    lists families in one order whatever the order of the rows.
    """
    values = ids.to_numpy()
    # Shared objects compare by address: one object per run is the usual case, and
    # two runs holding equal ids in distinct objects are caught by the check.
    keys = object_addresses(values) if shares_objects(values) else values
    sample = keys[:1000]
    if len(values) > len(sample) and np.count_nonzero(sample[1:] != sample[:-1]) < 100:
        heads = run_starts(keys)
        runs = pd.Index(values[heads])
        if runs.is_unique and not runs.hasnans:
            codes = np.cumsum(heads) - 1
            return _in_id_order(codes, np.asarray(runs, dtype=object))
    # Missing ids become one entity, listed last (use_na_sentinel=False would do the
    # same at twice the cost).
    codes, uniques = factorize(values)
    codes, uniques = _in_id_order(codes, uniques)
    missing = codes < 0
    if missing.any():
        codes[missing] = len(uniques)
        uniques = np.append(uniques, values[np.argmax(missing)])
    return codes.astype(np.int64), uniques


def _time_unit(span: np.ndarray) -> int:
    """The coarsest of second, millisecond, microsecond dividing every time (else 1 ns)."""
    for unit in (10**9, 10**6, 10**3):
        if not (span[:1000] % unit).any() and not (span % unit).any():
            return unit
    return 1


def _sort_order(family: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray, Any]:
    """Row positions ordered by (family, time); the packed key in that order; how to unpack it.

    One int64 argsort of a packed (family, time) key is several times faster
    than a lexsort. Times are shifted to start at 0 and divided by their
    resolution (most logs are to the second) to leave room for the family
    code; when they still do not fit, their dense rank is packed instead and
    the key cannot be unpacked back to times (the third item is then None).
    """
    origin = int(times.min())
    # Unsigned: datetime64[ns] spans up to 584 years, more than int64 nanoseconds hold.
    span = times.view(np.uint64) - np.uint64(origin % 2**64)
    unit = _time_unit(span)
    span = span // np.uint64(unit) if unit > 1 else span
    time_bits = int(span.max()).bit_length()
    unpack = (unit, origin)
    if int(family.max()).bit_length() + time_bits > 62:
        _, span = np.unique(times, return_inverse=True)
        time_bits = int(span.max()).bit_length()
        unpack = None
    key = (family.astype(np.int64) << time_bits) | span.astype(np.int64)
    order = np.argsort(key)
    return order, key[order], (time_bits, unpack)


def _break_ties(order: np.ndarray, key: np.ndarray, contact: np.ndarray) -> np.ndarray:
    """Order rows at the same family and time by contact id; return which sorted rows to keep.

    Rows of one contact share its family and time, so duplicates can only sit
    inside a run of equal keys: only those runs' contact ids are compared,
    and only runs holding different contacts are sorted (rare), which keeps
    string work off the hot path.
    """
    keep = np.ones(len(order), dtype=bool)
    tied = np.flatnonzero(key[1:] == key[:-1]) + 1
    if len(tied) == 0:
        return keep
    same = contact[order[tied]] == contact[order[tied - 1]]
    if not same.all():
        # A run of equal keys is a tied position's predecessor (its head) and
        # the consecutive tied positions after it; work on tied positions only.
        opens = np.ones(len(tied), dtype=bool)
        opens[1:] = tied[1:] != tied[:-1] + 1
        run = np.cumsum(opens) - 1
        is_mixed = np.zeros(int(run[-1]) + 1, dtype=bool)
        is_mixed[run[~same]] = True
        mixed = is_mixed[run]
        heads = opens & mixed
        slots = np.concatenate([tied[heads] - 1, tied[mixed]])
        within = pd.DataFrame(
            {"run": np.concatenate([run[heads], run[mixed]]), "slot": slots,
             "contact": contact[order[slots]]}
        ).sort_values(["run", "slot"], kind="mergesort")  # fmt: skip
        slots = within["slot"].to_numpy()
        resorted = within.sort_values(["run", "contact"], kind="mergesort")["slot"].to_numpy()
        order[slots] = order[resorted]
        recheck = tied[mixed]
        same[mixed] = contact[order[recheck]] == contact[order[recheck - 1]]
    keep[tied[same]] = False
    return keep


def _timeline(contacts: pd.DataFrame, entity_column: str, *, once: bool) -> Timeline:
    """The journeys of every ``entity_column`` value in the log's order (see the module)."""
    require_columns(contacts, ["contact_id", entity_column, "occurred_at"], "contacts")
    entity, ids = sorted_codes(contacts[entity_column])
    times = contacts["occurred_at"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    clock = Clock.for_times(times, len(ids))
    if len(times) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Timeline(entity=empty, ids=ids, times=empty, rows=empty, clock=clock)
    order, key, (time_bits, unpack) = _sort_order(entity, times)
    keep = _break_ties(order, key, contacts["contact_id"].to_numpy())
    rows, key = (order[keep], key[keep]) if once else (order, key)
    # Reading entity and time back from the sorted key avoids two random gathers.
    if unpack is None:
        sorted_times = times[rows]
    else:
        sorted_times = (key & ((1 << time_bits) - 1)) * unpack[0] + unpack[1]
    return Timeline(entity=key >> time_bits, ids=ids, times=sorted_times, rows=rows, clock=clock)


def family_timeline(contacts: pd.DataFrame) -> Timeline:
    """Every family's journey as a :class:`~journey.timeline.Timeline`, each contact once.

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
    return _timeline(contacts, "family_id", once=True)


def person_timeline(contacts: pd.DataFrame) -> Timeline:
    """Every person's journey as a :class:`~journey.timeline.Timeline` (one event per row).

    Examples
    --------
    >>> contacts = pd.DataFrame({
    ...     "contact_id": ["c2", "c1", "c3"], "person_id": ["p1", "p1", "p2"],
    ...     "occurred_at": pd.to_datetime(["2021-01-01", "2021-01-01", "2020-06-01"]),
    ... })
    >>> line = person_timeline(contacts)
    >>> line.ids.tolist(), contacts["contact_id"].to_numpy()[line.rows].tolist()
    (['p1', 'p2'], ['c1', 'c2', 'c3'])
    """
    return _timeline(contacts, "person_id", once=False)


class PreparedContacts:
    """A contacts frame with the event log built once, on first use, for every analysis.

    Pass one instead of the frame to the analyses (:func:`journey.high_contact.high_contact`,
    :func:`journey.uncoordinated.uncoordinated`, :func:`journey.indicators.eligibility`,
    the functions of :mod:`journey.pathways` and :mod:`journey.intervention`) to sort the
    journeys and factorize the columns once for all of them. The frame must not
    change while it is in use. :func:`prepare` gives one that shares what was
    already built from the same frame (see :mod:`journey.event_log_cache`).
    """

    def __init__(self, contacts: pd.DataFrame, *, parts: PreparedParts | None = None):
        self.frame = contacts
        self._parts = parts if parts is not None else PreparedParts(recording=False)

    @property
    def families(self) -> Timeline:
        """Every family's journey (:func:`family_timeline`)."""
        return self._parts.get(self.frame, "families", ["family_id", "contact_id", "occurred_at"],
                               lambda: family_timeline(self.frame))  # fmt: skip

    @property
    def people(self) -> Timeline:
        """Every person's journey (:func:`person_timeline`)."""
        return self._parts.get(self.frame, "people", ["person_id", "contact_id", "occurred_at"],
                               lambda: person_timeline(self.frame))  # fmt: skip

    @property
    def agency_journeys(self) -> AgencyJourneys:
        """The family journeys as agency codes, cut from :attr:`families` (no second sort).

        Raises
        ------
        MissingColumnError
            When ``family_id``, ``contact_id``, ``agency`` or ``occurred_at`` is missing.
        InputError
            When a family id, agency or time is missing.
        """
        return self._parts.get(self.frame, "agency_journeys", _AGENCY_COLUMNS, self._agency_view)

    def _agency_view(self) -> AgencyJourneys:
        require_columns(self.frame, _AGENCY_COLUMNS, "contacts")
        line = self.families
        codes, agencies = self.codes("agency")
        if pd.isna(line.ids).any():
            raise InputError("contacts: every row needs a family_id")
        if (codes < 0).any() or (line.times == np.iinfo(np.int64).min).any():
            raise InputError("contacts: every row needs an agency and an occurred_at")
        return AgencyJourneys(
            family_ids=line.ids,
            agencies=agencies,
            family=line.entity,
            agency=codes[line.rows],
            occurred_at=line.times,
            rows=line.rows,
        )

    def codes(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """Integer codes of ``column`` per row (-1 when missing) and the sorted distinct values."""
        return self._parts.get(self.frame, ("codes", column), [column],
                               lambda: factorize(self.frame[column], sort=True))  # fmt: skip


def prepare(contacts: pd.DataFrame | PreparedContacts) -> PreparedContacts:
    """``contacts`` as :class:`PreparedContacts` (unchanged when it already is).

    A frame shares what was built from it by earlier calls while its data is
    unchanged, so each frame is sorted and coded once however many analyses
    read it; :func:`forget_prepared` frees that memory.

    Examples
    --------
    >>> contacts = pd.DataFrame({"family_id": ["F1"], "contact_id": ["c1"], "agency": ["GP"],
    ...                          "occurred_at": pd.to_datetime(["2021-01-01"])})
    >>> prepare(contacts).families is prepare(contacts).families
    True
    >>> contacts.loc[0, "occurred_at"] = pd.Timestamp("2021-02-01")
    >>> prepare(contacts).families.times.tolist() == [pd.Timestamp("2021-02-01").value]
    True
    """
    if isinstance(contacts, PreparedContacts):
        return contacts
    return PreparedContacts(contacts, parts=parts_for(contacts))


def agency_journeys(contacts: pd.DataFrame | PreparedContacts | AgencyJourneys) -> AgencyJourneys:
    """Every family's journey of agencies, for several analyses to share.

    Parameters
    ----------
    contacts : DataFrame, PreparedContacts or AgencyJourneys
        Contract contacts; needs ``family_id``, ``contact_id``, ``agency`` and
        ``occurred_at``. Rows of one contact are assumed to agree on its time
        and agency, as the contract has it: one of them is kept. (Rows of one
        ``contact_id`` at different times would count as separate contacts.)
        An ``AgencyJourneys`` is returned as it is.

    Returns
    -------
    AgencyJourneys

    Raises
    ------
    MissingColumnError
        When a needed column is missing.
    InputError
        When a family id, agency or time is missing.

    Examples
    --------
    >>> contacts = pd.DataFrame({
    ...     "family_id": ["F1", "F1", "F1", "F2"],
    ...     "contact_id": ["c2", "c1", "c1", "c3"],
    ...     "agency": ["School", "Police", "Police", "GP"],
    ...     "occurred_at": pd.to_datetime(["2021-02-01", "2021-01-01", "2021-01-01", "2021-03-01"]),
    ... })
    >>> journeys = agency_journeys(contacts)
    >>> journeys.n_families, journeys.agencies[journeys.agency].tolist()
    (2, ['Police', 'School', 'GP'])
    """
    if isinstance(contacts, AgencyJourneys):
        return contacts
    return prepare(contacts).agency_journeys
