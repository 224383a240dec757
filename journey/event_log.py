"""Family journeys as an event log: one row per contact, in time order, as integer codes.

The pathway and intervention analyses read the same log: every family's
contacts, each contact once (a contact that involved several members appears
once per member in the contacts frame, with the same ``contact_id``; rows are
de-duplicated on ``(family_id, contact_id)``), ordered by time and, at the same
time, by ``contact_id`` in its natural order (text sorts as text). Families and
agencies become integer codes so that everything after is numpy work with no
loop per contact or per family: one argsort of a packed (family, time) key
orders 2.6 million rows in well under a second.

This module also holds the tools that treat each family's journey as a
sequence of agencies: grouping equal sequences (journey variants) by hashing,
labelling them, and sorting them the way their labels sort.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from journey.errors import InputError, MissingColumnError

__all__ = [
    "AgencyJourneys",
    "agency_journeys",
    "run_starts",
    "sequence_groups",
    "representatives",
    "sequence_labels",
    "sequence_order",
    "ARROW",
]

ARROW = " → "
_NEEDED = ["family_id", "contact_id", "agency", "occurred_at"]


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


def run_starts(values: np.ndarray) -> np.ndarray:
    """True where a value differs from the one before it (and at the first position)."""
    starts = np.ones(len(values), dtype=bool)
    if len(values) > 1:
        np.not_equal(values[1:], values[:-1], out=starts[1:])
    return starts


def _family_codes(family_ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A code per row and the family ids, cheaply when rows come grouped by family.

    Stores return contacts ordered by family; then each run of equal ids is a
    family (checked: no id heads two runs) and hashing every row is avoided.
    """
    values = family_ids.to_numpy()
    sample = values[:1000]
    if len(values) > len(sample) and np.count_nonzero(sample[1:] != sample[:-1]) < 100:
        heads = run_starts(values)
        ids = values[heads]
        if pd.Index(ids).is_unique and not pd.isna(ids).any():
            return np.cumsum(heads) - 1, ids
    codes, ids = pd.factorize(values)
    if (codes < 0).any():
        raise InputError("contacts: every row needs a family_id")
    return codes, np.asarray(ids, dtype=object)


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


def _check_columns(contacts: pd.DataFrame) -> None:
    missing = [c for c in _NEEDED if c not in contacts.columns]
    if missing:
        raise MissingColumnError("contacts", missing)


def agency_journeys(contacts: pd.DataFrame | AgencyJourneys) -> AgencyJourneys:
    """Build every family's journey of agencies once, for several analyses to share.

    Parameters
    ----------
    contacts : DataFrame or AgencyJourneys
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
    _check_columns(contacts)
    family, family_ids = _family_codes(contacts["family_id"])
    agency_codes, agencies = pd.factorize(contacts["agency"], sort=True)
    agencies = np.asarray(agencies, dtype=object)
    times = contacts["occurred_at"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    if (agency_codes < 0).any() or (times == np.iinfo(np.int64).min).any():
        raise InputError("contacts: every row needs an agency and an occurred_at")
    if len(family) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return AgencyJourneys(family_ids, agencies, empty, empty, empty, empty)
    order, key, (time_bits, unpack) = _sort_order(family, times)
    keep = _break_ties(order, key, contacts["contact_id"].to_numpy())
    rows = order[keep]
    # Reading family and time back from the sorted key avoids two random gathers.
    key = key[keep]
    if unpack is None:
        occurred_at = times[rows]
    else:
        occurred_at = (key & ((1 << time_bits) - 1)) * unpack[0] + unpack[1]
    return AgencyJourneys(
        family_ids=family_ids,
        agencies=agencies,
        family=key >> time_bits,
        agency=agency_codes[rows].astype(np.int64),
        occurred_at=occurred_at,
        rows=rows,
    )


# A fixed odd 64-bit multiplier: a sequence's key is its length and a
# polynomial hash of its codes (arithmetic wraps modulo 2**64). Collisions are
# caught by comparing every sequence with its group's first, so one hash does.
_HASH_BASE = 0x9E3779B97F4A7C15


def _hash_groups(
    agency: np.ndarray, starts: np.ndarray, lengths: np.ndarray, position: np.ndarray
) -> np.ndarray:
    """Group sequences by (length, hash) of their codes; a group id per sequence."""
    powers = np.full(int(lengths.max()), _HASH_BASE, dtype=np.uint64)
    powers[0] = 1
    np.multiply.accumulate(powers, out=powers)
    code = agency.astype(np.uint64) + np.uint64(1)
    hashes = np.add.reduceat(code * powers[position], starts)
    order = np.lexsort((hashes, lengths))
    changed = run_starts(lengths[order]) | run_starts(hashes[order])
    group = np.empty(len(starts), dtype=np.int64)
    group[order] = np.cumsum(changed) - 1
    return group


def _exact_groups(agency: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Group families by their exact agency sequences (slow: one bytes key per family)."""
    codes = agency.astype(np.int64)
    keys = [
        codes[a : a + n].tobytes() for a, n in zip(starts.tolist(), lengths.tolist(), strict=True)
    ]
    return pd.factorize(pd.Series(keys, dtype=object))[0].astype(np.int64)


def representatives(group: np.ndarray) -> np.ndarray:
    """The first member of each group, indexed by group id (``group`` holds ids 0..n-1)."""
    first = np.full(int(group.max()) + 1, len(group), dtype=np.int64)
    np.minimum.at(first, group, np.arange(len(group)))
    return first


def _concatenate(agency: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The codes of the sequences ``agency[start : start + length]``, one after the other."""
    offsets = np.cumsum(lengths) - lengths
    return agency[np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()))]


def sequence_labels(
    names: list[str], agency: np.ndarray, starts: np.ndarray, lengths: np.ndarray
) -> list[str]:
    """Label each sequence ``agency[start : start + length]`` with its names joined by ``ARROW``.

    One string is joined for all the sequences and each label is cut from it,
    rather than joining once per sequence.

    Examples
    --------
    >>> sequence_labels(["GP", "Police"], np.array([1, 0, 0]), np.array([0, 2]), np.array([2, 1]))
    ['Police → GP', 'GP']
    """
    codes = _concatenate(agency, starts, lengths)
    offsets = np.cumsum(lengths) - lengths
    name_length = np.array([len(n) for n in names], dtype=np.int64)[codes]
    piece_start = np.cumsum(name_length + len(ARROW)) - (name_length + len(ARROW))
    # Joining "name → " tokens is quicker than joining names with a separator.
    joined = "".join(np.array([n + ARROW for n in names], dtype=object)[codes].tolist())
    last = offsets + lengths - 1
    begin, end = piece_start[offsets], piece_start[last] + name_length[last]
    return [joined[a:b] for a, b in zip(begin.tolist(), end.tolist(), strict=True)]


def _token_ranks(names: list[str]) -> tuple[np.ndarray, np.ndarray] | None:
    """Ranks making label order equal to the order of rank sequences, or None when none do.

    A label is ``name + ARROW`` for every step but the last, then ``name``.
    When no ``name + ARROW`` is a prefix of another of these tokens, comparing
    two labels text-wise is comparing their tokens one by one, so ranking the
    tokens is enough to sort labels without building them.
    """
    tokens = [n + ARROW for n in names] + list(names)
    for middle in tokens[: len(names)]:
        if any(t != middle and t.startswith(middle) for t in tokens):
            return None
    rank = np.empty(len(tokens), dtype=np.int64)
    rank[np.argsort(np.array(tokens, dtype=object), kind="stable")] = np.arange(1, len(tokens) + 1)
    return rank[: len(names)], rank[len(names) :]


def _words(ranks: np.ndarray, starts: np.ndarray, lengths: np.ndarray, word: int, bits: int):
    """Pack ranks ``word * per_word ...`` of each sequence into one int64 (0 past the end)."""
    per_word = 63 // bits
    key = np.zeros(len(starts), dtype=np.int64)
    for i in range(word * per_word, (word + 1) * per_word):
        inside = lengths > i
        step = np.where(inside, starts + i, 0)
        key = (key << bits) | np.where(inside, ranks[step], 0)
    return key


def _lexicographic_order(ranks: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Order of the sequences ``ranks[start : start + length]`` lexicographically, shorter first.

    Most-significant word first: sort by the first packed word of ranks, then
    re-sort only the groups still tied by the next word, and so on.
    """
    bits = int(ranks.max()).bit_length()
    per_word = 63 // bits
    first_word = _words(ranks, starts, lengths, 0, bits)
    order = np.argsort(first_word, kind="stable")
    boundary = run_starts(first_word[order])
    word = 0
    while True:
        group = np.cumsum(boundary) - 1
        size = np.bincount(group)
        longer = np.bincount(group, weights=lengths[order] > (word + 1) * per_word)
        tied = np.flatnonzero(((size > 1) & (longer > 0))[group])
        if len(tied) == 0:
            return order
        word += 1
        members = order[tied]
        key = _words(ranks, starts[members], lengths[members], word, bits)
        resort = np.lexsort((key, group[tied]))
        order[tied] = members[resort]
        boundary[tied] |= run_starts(key[resort])


def sequence_order(
    names: list[str], agency: np.ndarray, starts: np.ndarray, lengths: np.ndarray
) -> np.ndarray:
    """The order of the sequences ``agency[start : start + length]`` by their labels, text-wise.

    Sorting 100,000 long labels as text costs more than the rest of the
    variant analysis; when the agency names allow it (see
    :func:`_token_ranks`) the same order is computed from the codes.

    Examples
    --------
    >>> names = ["School", "School Nursing"]
    >>> agency, starts, lengths = np.array([0, 1, 1, 0]), np.array([0, 2, 3]), np.array([2, 1, 1])
    >>> sequence_labels(names, agency, starts, lengths)
    ['School → School Nursing', 'School Nursing', 'School']
    >>> sequence_order(names, agency, starts, lengths).tolist()
    [2, 1, 0]
    """
    ranks = _token_ranks(names)
    if ranks is None:
        # Names holding the arrow can give two sequences one label ("A", "B" and
        # "A → B"): the shorter sequence comes first, so the order is total.
        labels = np.array(sequence_labels(names, agency, starts, lengths), dtype=object)
        by_length = np.argsort(lengths, kind="stable")
        return by_length[np.argsort(labels[by_length], kind="stable")]
    middle, final = ranks
    step_ranks = middle[agency]
    last = starts + lengths - 1
    step_ranks[last] = final[agency[last]]
    return _lexicographic_order(step_ranks, starts, lengths)


def sequence_groups(agency: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Give equal sequences ``agency[start : start + length]`` the same group id (0, 1, ...).

    Sequences are grouped by their length and a 64-bit polynomial hash, then
    every sequence is checked code for code against its group's first member;
    on a collision the exact (slow) grouping is used, so the groups are always
    exact.

    Examples
    --------
    >>> agency = np.array([1, 2, 1, 2, 1])  # [1, 2], [1, 2], [1]
    >>> group = sequence_groups(agency, np.array([0, 2, 4]), np.array([2, 2, 1]))
    >>> bool(group[0] == group[1]), bool(group[1] == group[2])
    (True, False)
    """
    position = np.arange(len(agency)) - np.repeat(starts, lengths)
    group = _hash_groups(agency, starts, lengths, position)
    lead = starts[representatives(group)][group]
    if not np.array_equal(agency, agency[np.repeat(lead, lengths) + position]):
        # A hash collision (vanishingly rare): fall back to exact keys.
        group = _exact_groups(agency, starts, lengths)
    return group
