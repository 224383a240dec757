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

__all__ = ["Changes", "classify", "ROW_ID"]

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


def _fingerprints(frame: pd.DataFrame) -> pd.Series:
    """Each row's content as one string, indexed by its row id."""
    parts = [_text(frame[column]) for column in CONTACT_COLUMNS]
    first, *others = (pd.Series(part, copy=False) for part in parts)
    joined = first.str.cat(others, sep="\x1f").to_numpy()
    index = pd.MultiIndex.from_frame(frame[list(ROW_ID)].astype(str))
    return pd.Series(joined, index=index)


def classify(incoming: pd.DataFrame, existing: pd.DataFrame) -> Changes:
    """Split an extract's valid contact rows into new, updated and unchanged against the store.

    Parameters
    ----------
    incoming : DataFrame
        Valid contact rows of the new extract (contract columns; ids unique).
    existing : DataFrame
        The store's contact rows (contract columns), e.g. ``store.contacts()``.

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
    if incoming.empty or existing.empty:
        families = tuple(sorted(set(incoming["family_id"].astype(str)))) if len(incoming) else ()
        return Changes(incoming, len(incoming), 0, 0, families)
    mine = _fingerprints(incoming)
    stored = _fingerprints(existing)
    known = mine.index.isin(stored.index)
    before = stored.reindex(mine.index[known])
    same = np.zeros(len(incoming), dtype=bool)
    same[known] = before.to_numpy() == mine[known].to_numpy()
    changed = known & ~same
    write = incoming[~same]
    former = existing.set_index(list(ROW_ID))["family_id"].astype(str)
    former.index = stored.index
    families = set(write["family_id"].astype(str))
    families |= set(former.reindex(mine.index[changed]))
    return Changes(
        write=write, new=int((~known).sum()), updated=int(changed.sum()),
        unchanged=int(same.sum()), touched_families=tuple(sorted(families)),
    )  # fmt: skip
