"""Journeys: the time-ordered contacts of a family or a person, one frame per journey.

A person's journey is that person's contact rows in time order. A family's
journey is the union of its members' contacts with each contact counted once,
however many members it involved. Contacts at the same time are ordered by
contact id, so a journey's order never depends on the order of the input rows.
The order is the event log's (:mod:`journey.event_log`); these frames are
what the swimlane map and the family page read.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from journey.contract import require_columns
from journey.errors import NotFoundError
from journey.event_log import PreparedContacts, person_timeline, prepare
from journey.timeline import Timeline

__all__ = [
    "JOURNEY_COLUMNS",
    "family_journeys",
    "family_journey",
    "person_journey",
    "agency_counts",
    "is_aggregated",
    "MAX_DETAILED_CONTACTS",
]

#: A journey with more contacts is drawn grouped by week per agency (the swimlane
#: map does it, the family page says so).
MAX_DETAILED_CONTACTS = 500

JOURNEY_COLUMNS = [
    "family_id",
    "contact_id",
    "occurred_at",
    "agency",
    "sector",
    "contact_type",
    "referred_by",
    "service",
    "people",
    "n_people",
    "step",
]


def _people_of_contacts(contacts: pd.DataFrame, line: Timeline) -> tuple[np.ndarray, np.ndarray]:
    """For each family event: the ';'-joined sorted person ids, and how many there are."""
    family, _ = pd.factorize(contacts["family_id"], use_na_sentinel=False)
    contact, contact_ids = pd.factorize(contacts["contact_id"], use_na_sentinel=False)
    pair, _ = pd.factorize(family.astype(np.int64) * (len(contact_ids) + 1) + contact)
    n_people = np.bincount(pair)
    event_pair = pair[line.rows]
    people = contacts["person_id"].to_numpy()[line.rows].astype(object)
    shared = np.flatnonzero(n_people[pair] > 1)
    if len(shared):
        members = pd.DataFrame({"pair": pair[shared],
                                "person": contacts["person_id"].to_numpy()[shared].astype(str)})
        members = members.sort_values(["pair", "person"])
        names, groups = members["person"].to_numpy(dtype=object), members["pair"].to_numpy()
        first = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
        size = np.diff(np.r_[first, len(groups)])
        joined = names[first].copy()
        # Concatenate the k-th member of every group at once, k = 1, 2, ...
        for k in range(1, int(size.max())):
            longer = size > k
            joined[longer] = joined[longer] + ";" + names[first[longer] + k]
        by_pair = np.empty(len(n_people), dtype=object)
        by_pair[groups[first]] = joined
        multi = n_people[event_pair] > 1
        people[multi] = by_pair[event_pair[multi]]
    return people, n_people[event_pair]


def family_journeys(
    contacts: pd.DataFrame | PreparedContacts, *, members: bool = False
) -> pd.DataFrame:
    """Every family's journey: one row per (family, contact), in time order within the family.

    A contact that involved several members appears once, with ``people`` the
    ';'-joined sorted ids of the members it involved and ``n_people`` their
    number. Contacts at the same time are ordered by contact id; ``step`` is the
    0-based position in the family's journey. Families come in family id order.

    Parameters
    ----------
    contacts : DataFrame or PreparedContacts
        Contract contact rows (one per contact and person).
    members : bool, default False
        Also a ``members`` column: the sorted list of the contact's person ids
        (what the swimlane map lists; a list per contact, so meant for one
        family's journey rather than a population's).

    Returns
    -------
    DataFrame
        Columns ``family_id, contact_id, occurred_at, agency, sector, contact_type,
        referred_by, service, people, n_people, step`` (and ``members``).

    Examples
    --------
    >>> contacts = pd.DataFrame({
    ...     "contact_id": ["c2", "c1", "c1"],
    ...     "person_id": ["mum", "mum", "kid"],
    ...     "family_id": "F1",
    ...     "agency": ["School", "Police", "Police"],
    ...     "sector": ["education", "police", "police"],
    ...     "contact_type": ["school_absence", "incident", "incident"],
    ...     "occurred_at": pd.to_datetime(["2021-02-01", "2021-01-01", "2021-01-01"]),
    ...     "referred_by": None,
    ... })
    >>> family_journeys(contacts)[["contact_id", "people", "n_people", "step"]]
      contact_id   people  n_people  step
    0         c1  kid;mum         2     0
    1         c2      mum         1     1
    """
    prepared = prepare(contacts)
    contacts = prepared.frame
    require_columns(contacts, ["contact_id", "person_id", "family_id", "agency", "sector",
                               "contact_type", "occurred_at"])
    line = prepared.families
    people, n_people = _people_of_contacts(contacts, line)
    frame = pd.DataFrame(
        {c: line.take(contacts, c) if c in contacts else None for c in JOURNEY_COLUMNS[:8]},
        copy=False,
    )
    frame["occurred_at"] = line.times.view("datetime64[ns]")
    frame["people"] = people
    frame["n_people"] = n_people.astype(np.int64)
    frame["step"] = np.arange(len(line), dtype=np.int64) - line.starts[line.entity]
    if members:
        frame["members"] = _members(contacts, line)
    return frame


def _members(contacts: pd.DataFrame, line) -> list[list[str]]:
    """For each family event of ``line``, the sorted person ids of its contact's rows."""
    pair = pd.MultiIndex.from_arrays([contacts["family_id"], contacts["contact_id"]])
    by_pair: dict[tuple, set[str]] = {}
    for key, person in zip(pair, contacts["person_id"], strict=True):
        by_pair.setdefault(key, set()).add(str(person))
    return [sorted(by_pair[pair[row]]) for row in line.rows.tolist()]


def agency_counts(journey: pd.DataFrame) -> pd.DataFrame:
    """Contacts per agency in a journey frame: ``agency, sector, contacts``, most contacts first.

    Examples
    --------
    >>> journey = pd.DataFrame({"agency": ["Police", "School", "Police"],
    ...                         "sector": ["police", "education", "police"]})
    >>> agency_counts(journey).values.tolist()
    [['Police', 'police', 2], ['School', 'education', 1]]
    """
    counts = journey.groupby(["agency", "sector"], as_index=False).size()
    counts = counts.rename(columns={"size": "contacts"})
    return counts.sort_values(["contacts", "agency"], ascending=[False, True]).reset_index(
        drop=True
    )


def family_journey(contacts: pd.DataFrame, family_id: str) -> pd.DataFrame:
    """One family's journey (the rows of :func:`family_journeys` for ``family_id``).

    Raises
    ------
    NotFoundError
        When no contact belongs to ``family_id``.

    Examples
    --------
    >>> contacts = pd.DataFrame({
    ...     "contact_id": ["c1"], "person_id": ["p1"], "family_id": ["F1"],
    ...     "agency": ["Police"], "sector": ["police"], "contact_type": ["incident"],
    ...     "occurred_at": pd.to_datetime(["2021-01-01"]), "referred_by": [None],
    ... })
    >>> family_journey(contacts, "F1")["contact_id"].tolist()
    ['c1']
    """
    require_columns(contacts, ["family_id"])
    rows = contacts[contacts["family_id"] == family_id]
    if rows.empty:
        raise NotFoundError(f"no contacts for family {family_id!r}")
    return family_journeys(rows)


def person_journey(contacts: pd.DataFrame, person_id: str) -> pd.DataFrame:
    """One person's contact rows in time order (ties by contact id), with a 0-based ``step``.

    Raises
    ------
    NotFoundError
        When no contact involves ``person_id``.

    Examples
    --------
    >>> contacts = pd.DataFrame({
    ...     "contact_id": ["c2", "c1"],
    ...     "person_id": "p1",
    ...     "agency": ["School", "Police"],
    ...     "occurred_at": pd.to_datetime(["2021-01-01", "2021-01-01"]),
    ... })
    >>> person_journey(contacts, "p1")[["contact_id", "step"]].values.tolist()
    [['c1', 0], ['c2', 1]]
    """
    require_columns(contacts, ["contact_id", "person_id", "occurred_at"])
    rows = contacts[contacts["person_id"] == person_id]
    if rows.empty:
        raise NotFoundError(f"no contacts for person {person_id!r}")
    line = person_timeline(rows)
    journey = rows.iloc[line.rows].reset_index(drop=True)
    journey["step"] = np.arange(len(journey), dtype=np.int64)
    return journey


def is_aggregated(contacts: int, max_contacts: int = MAX_DETAILED_CONTACTS) -> bool:
    """Whether a journey of ``contacts`` contacts is drawn grouped by week (the page says so).

    Examples
    --------
    >>> is_aggregated(500), is_aggregated(501)
    (False, True)
    """
    return contacts > max_contacts
