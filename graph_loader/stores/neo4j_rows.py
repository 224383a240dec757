"""What the Neo4j store sends and receives: statement rows built from frames, frames from columns.

Pure functions over pandas frames, so the store itself only runs statements.
Contacts carry a *digest* (a 64-bit hash of all their rows), which lets a
load skip a contact the graph already holds unchanged; families and people
carry the digest of their journey chain, which lets a load skip a chain that
would come out the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from journey.contract import CONTACT_COLUMNS
from journey.event_log import sorted_codes

__all__ = [
    "NULLABLE_TEXT",
    "contact_rows",
    "digests",
    "new_contact_rows",
    "records",
    "contacts_frame",
    "journey_order",
]

#: Contact columns that may be missing; they come back from the graph as ''.
NULLABLE_TEXT = ("referred_by", "service", "source_system", "sector")
_JOURNEY_KEY = ["family_id", "occurred_at", "contact_id", "person_id"]


def contact_rows(contacts: pd.DataFrame) -> pd.DataFrame:
    """The contract columns with times as ISO 8601 text (Neo4j ``localdatetime``) and no NaN.

    Examples
    --------
    >>> frame = pd.DataFrame({"contact_id": ["c1"], "person_id": ["p1"], "family_id": ["F1"],
    ...     "agency": ["Police"], "contact_type": ["incident"],
    ...     "occurred_at": pd.to_datetime(["2021-03-01 22:30"])})
    >>> contact_rows(frame).loc[0, ["occurred_at", "referred_by"]].tolist()
    ['2021-03-01T22:30:00.000000', None]
    """
    frame = contacts.reindex(columns=CONTACT_COLUMNS)
    times = pd.to_datetime(frame["occurred_at"]).to_numpy(dtype="datetime64[us]")
    text = np.datetime_as_string(times, unit="us").astype(object)
    text[np.isnat(times)] = None
    frame = frame.astype(object).where(frame.notna(), None)
    frame["occurred_at"] = text
    return frame


def digests(rows: pd.DataFrame, key: str, columns: Iterable[str]) -> pd.Series:
    """One 64-bit digest per value of ``key``: the wrapping sum of its rows' hashes.

    A sum does not depend on the order of the rows, so the same rows give the
    same digest however a file orders them. Zero is kept for "no digest".

    Examples
    --------
    >>> a = pd.DataFrame({"id": ["x", "x", "y"], "v": ["1", "2", "3"]})
    >>> b = a.iloc[[1, 2, 0]]
    >>> digests(a, "id", ["id", "v"]).equals(digests(b, "id", ["id", "v"]))
    True
    """
    if rows.empty:
        return pd.Series([], index=pd.Index([], dtype=object, name=key), dtype=np.int64)
    hashed = pd.util.hash_pandas_object(rows[list(columns)], index=False).to_numpy()
    codes, ids = sorted_codes(rows[key])
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    total = np.add.reduceat(hashed[order], starts).view(np.int64)
    total[total == 0] = 1
    return pd.Series(total, index=pd.Index(ids[ordered[starts]], name=key))


def new_contact_rows(rows: pd.DataFrame, digest: pd.Series) -> list[dict[str, Any]]:
    """One statement row per contact: its properties, digest, and its people and families as lists.

    ``rows`` are contact rows from :func:`contact_rows`; the first row of a
    contact gives its properties (the contract has every row of a contact agree).
    """
    if rows.empty:
        return []
    codes, ids = sorted_codes(rows["contact_id"])
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    first = rows.iloc[order[starts]]
    people = np.split(rows["person_id"].to_numpy()[order], starts[1:])
    families = np.split(rows["family_id"].to_numpy()[order], starts[1:])
    properties = ["contact_id", "agency", "contact_type", "occurred_at", "referred_by",
                  "service", "source_system"]  # fmt: skip
    result = records(first, properties)
    codes_digest = digest.reindex(ids[ordered[starts]]).to_numpy().tolist()
    for row, person, family, value in zip(result, people, families, codes_digest, strict=True):
        row["people"] = person.tolist()
        row["families"] = family.tolist()
        row["digest"] = value
    return result


def records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """Rows as dicts for ``UNWIND $rows``; missing values become null."""
    ready = frame[columns].astype(object).where(frame[columns].notna(), None)
    return ready.to_dict("records")


def contacts_frame(columns: dict[str, list], wanted: list[str]) -> pd.DataFrame:
    """Contact rows from the graph's columns (a list each), contract types, in journey order.

    Examples
    --------
    >>> frame = contacts_frame({"contact_id": ["b", "a"], "person_id": ["p", "p"],
    ...     "family_id": ["F", "F"], "occurred_at": ["2021-01-02T00:00", "2021-01-01T00:00"],
    ...     "service": ["", "Early help"]}, ["contact_id", "service"])
    >>> frame.values.tolist()
    [['a', 'Early help'], ['b', None]]
    """
    frame = {}
    for column in CONTACT_COLUMNS:
        if column not in columns:
            continue
        values = np.array(columns[column], dtype=object)
        if column in NULLABLE_TEXT and len(values):
            values[values == ""] = None
        if column == "occurred_at":
            values = pd.to_datetime(values, format="ISO8601").to_numpy(dtype="datetime64[ns]")
        frame[column] = values
    result = pd.DataFrame(frame, copy=False)
    if len(result):
        result = result.take(journey_order(result)).reset_index(drop=True)
    missing = [c for c in wanted if c not in result.columns]
    for column in missing:
        result[column] = pd.Series(dtype="datetime64[ns]" if column == "occurred_at" else object)
    return result[wanted]


def journey_order(frame: pd.DataFrame) -> np.ndarray:
    """The row order (family, time, contact, person), as the store interface returns contacts."""
    keys = []
    for column in reversed(_JOURNEY_KEY):
        if column == "occurred_at":
            keys.append(frame[column].to_numpy(dtype="datetime64[ns]").view(np.int64))
        else:
            keys.append(sorted_codes(frame[column])[0])
    return np.lexsort(keys)
