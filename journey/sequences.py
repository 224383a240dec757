"""Journey variants as sequences of agency codes: grouping equal ones, labels, and label order.

A family's journey read as its sequence of agencies (see
:class:`journey.event_log.AgencyJourneys`) is a *variant*; these tools group
equal sequences by hashing, label them (``Police → School``) and sort them
the way their labels sort, without a loop per family.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from journey.arrays import run_starts

__all__ = [
    "ARROW",
    "sequence_groups",
    "representatives",
    "sequence_labels",
    "sequence_order",
]

#: Joins the agencies of a variant's label.
ARROW = " → "


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
