"""Incremental loads: which rows of a later extract are new, changed or already in the store.

A contact row is identified by ``(contact_id, person_id)``, the store's row
id. Against what the store already holds, each valid row of a new extract is

* **new** -- its id is not in the store: it is added (counted as ``loaded``);
* **updated** -- its id is in the store with different content: the stored
  row is replaced (counted as ``updated``);
* **unchanged** -- its id is in the store with the same content: nothing is
  written (counted with the ``duplicates``).

The families a load touched are those of its new and updated rows, plus the
family an updated row belonged to before (a row that moved family changes
both). An incremental load never deletes: a row missing from a later extract
stays in the store.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from journey.contract import CONTACT_COLUMNS

__all__ = ["Changes", "StoredRows", "classify", "stored_rows", "ROW_ID"]

#: The columns that identify one contact row in the store.
ROW_ID = ("contact_id", "person_id")


@dataclass(frozen=True)
class Changes:
    """How a new extract's valid contact rows compare with the store's."""

    write: pd.DataFrame
    """The new and updated rows: the only ones that need writing."""
    new: int
    updated: int
    unchanged: int
    touched_families: tuple[str, ...]


def _text(values: pd.Series) -> np.ndarray:
    """One column as comparable text: times to the second (as stored), missing as ``\\x1e``."""
    if pd.api.types.is_datetime64_any_dtype(values):
        times = pd.to_datetime(values)
        if times.dt.tz is not None:
            times = times.dt.tz_localize(None)
        text = np.datetime_as_string(times.to_numpy(dtype="datetime64[s]"), unit="s")
        return np.where(times.notna().to_numpy(), text.astype(object), "\x1e")
    return values.astype(object).where(values.notna(), "\x1e").astype(str).to_numpy(dtype=object)


# Two independent 64-bit hashes of each row's content: a changed row passes for unchanged
# only if both collide (odds about 1 in 2**128 per row).
_HASH_KEYS = ("journey-rows-0a1", "journey-rows-1b2")
_MIX = np.uint64(0x100000001B3)


def _column_hashes(values: pd.Series) -> np.ndarray:
    """One column's values hashed as :func:`_text` would compare them: an ``(n, 2)`` array.

    Times are hashed as whole seconds (an integer hash that never collides);
    text through its distinct values only, each hashed once per key.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        times = pd.to_datetime(values)
        if times.dt.tz is not None:
            times = times.dt.tz_localize(None)
        seconds = times.to_numpy(dtype="datetime64[s]").view(np.int64)  # NaT: its own value
        hashed = pd.util.hash_array(seconds)
        return np.stack([hashed] * len(_HASH_KEYS), axis=1)
    codes, distinct = pd.factorize(_text(values))
    return np.stack(
        [pd.util.hash_array(distinct, hash_key=key, categorize=False)[codes] for key in _HASH_KEYS],
        axis=1,
    )


def _fingerprints(frame: pd.DataFrame) -> tuple[pd.MultiIndex, np.ndarray]:
    """Each row's id, and a 128-bit hash of its content (an ``(n, 2)`` uint64 array).

    Hashed one column at a time, so no row's joined text is ever built: at a
    million rows this needs a few MB, not hundreds.
    """
    digest = np.zeros((len(frame), len(_HASH_KEYS)), dtype=np.uint64)
    for column in CONTACT_COLUMNS:
        digest = (digest ^ _column_hashes(frame[column])) * _MIX
    ids = [frame[column].astype(str).to_numpy(dtype=object) for column in ROW_ID]
    return pd.MultiIndex.from_arrays(ids, names=list(ROW_ID)), digest


@dataclass(frozen=True)
class StoredRows:
    """What classifying needs of the store's rows: ids, content hashes and families.

    Far smaller than the rows themselves: a caller that keeps only this frees
    the store's frame before the extract's rows are hashed.
    """

    ids: pd.MultiIndex
    digest: np.ndarray
    family_id: np.ndarray


def stored_rows(existing: pd.DataFrame) -> StoredRows:
    """The :class:`StoredRows` of the store's contact rows (contract columns)."""
    ids, digest = _fingerprints(existing)
    return StoredRows(ids, digest, existing["family_id"].astype(str).to_numpy(dtype=object))


def classify(incoming: pd.DataFrame, existing: pd.DataFrame | StoredRows) -> Changes:
    """Split an extract's valid contact rows into new, updated and unchanged against the store.

    Parameters
    ----------
    incoming : DataFrame
        Valid contact rows of the new extract (contract columns; ids unique).
    existing : DataFrame or StoredRows
        The store's contact rows (contract columns), e.g. ``store.contacts()``,
        or their :func:`stored_rows`.

    Returns
    -------
    Changes
        The rows to write, the three counts, and the touched families (sorted).

    Examples
    --------
    >>> row = {"contact_id": "c1", "person_id": "p1", "family_id": "F1", "agency": "Police",
    ...        "sector": "police", "contact_type": "incident", "referred_by": None,
    ...        "service": None, "source_system": None,
    ...        "occurred_at": pd.Timestamp("2021-01-01")}
    >>> old = pd.DataFrame([row, row | {"contact_id": "c2"}])
    >>> new = pd.DataFrame([row, row | {"contact_id": "c2", "agency": "School"},
    ...                     row | {"contact_id": "c3", "family_id": "F2"}])
    >>> changes = classify(new, old)
    >>> (changes.new, changes.updated, changes.unchanged, changes.touched_families)
    (1, 1, 1, ('F1', 'F2'))
    """
    stored = existing if isinstance(existing, StoredRows) else stored_rows(existing)
    if incoming.empty or not len(stored.ids):
        families = tuple(sorted(set(incoming["family_id"].astype(str)))) if len(incoming) else ()
        return Changes(incoming, len(incoming), 0, 0, families)
    mine, mine_digest = _fingerprints(incoming)
    position = stored.ids.get_indexer(mine)  # the store's row ids are unique
    known = position >= 0
    same = np.zeros(len(incoming), dtype=bool)
    same[known] = (stored.digest[position[known]] == mine_digest[known]).all(axis=1)
    changed = known & ~same
    write = incoming[~same]
    families = set(write["family_id"].astype(str))
    families |= set(stored.family_id[position[changed]])
    return Changes(
        write=write, new=int((~known).sum()), updated=int(changed.sum()),
        unchanged=int(same.sum()), touched_families=tuple(sorted(families)),
    )  # fmt: skip
