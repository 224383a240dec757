"""Which contacts the triage list shows, and reading them from a store.

The default window is the meeting's: from 08:00 on the working day before
today (:func:`journey.triage.default_since`). An extract is often older than
today (the demo's data end years ago), so when the store holds no listed
contact since then, the window is that of the morning after the store's
latest contact of those types (the first working day after it), and the
result says so (``note``). See docs/operations.md#the-morning-triage-list.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from journey.errors import NotFoundError
from journey.store import ContactFilter, Store
from journey.taxonomy import Taxonomy
from journey.triage import DEFAULT_TYPES, default_since, meeting_day, triage

__all__ = ["TriageList", "triage_list"]


@dataclass(frozen=True)
class TriageList:
    """The list (:data:`journey.triage.TRIAGE_COLUMNS`), its window, and why that window."""

    families: pd.DataFrame
    since: pd.Timestamp
    until: pd.Timestamp | None
    types: tuple[str, ...]
    chosen: bool  # the caller gave ``since``
    note: str | None  # set when the default window moved to the store's latest contact


def _listed(store: Store, since: pd.Timestamp, until: pd.Timestamp | None,
            types: tuple[str, ...]) -> pd.DataFrame:
    found = store.contacts(ContactFilter(start=since.to_pydatetime(),
                                         end=None if until is None else until.to_pydatetime()))
    return found[found["contact_type"].isin(types)]


def _latest_of(store: Store, types: tuple[str, ...]) -> pd.Timestamp | None:
    contacts = store.contacts()
    times = contacts.loc[contacts["contact_type"].isin(types), "occurred_at"]
    return None if times.empty else pd.Timestamp(times.max())


def _window(store: Store, since, until, types, now) -> tuple[pd.Timestamp, str | None]:
    if since is not None:
        return since, None
    since = default_since(now)
    if not _listed(store, since, until, types).empty:
        return since, None
    latest = _latest_of(store, types)
    if latest is None or latest >= since:
        return since, None
    meeting = meeting_day(latest)
    moved = default_since(meeting)
    note = (f"Nothing since {since:%A %d %B %Y %H:%M}: the store's latest listed contact is on "
            f"{latest:%d %B %Y}, so this is the list for the morning of "
            f"{meeting:%A %d %B %Y} (from {moved:%A %d %B %Y %H:%M}).")
    return moved, note


def triage_list(
    store: Store,
    *,
    taxonomy: Taxonomy,
    since: pd.Timestamp | None = None,
    until: pd.Timestamp | None = None,
    types: tuple[str, ...] = DEFAULT_TYPES,
    now: pd.Timestamp | None = None,
) -> TriageList:
    """Read the listed families' contacts, people and periods from ``store`` and triage them.

    ``now`` (default: the clock's local time) only places the default window.
    """
    now = pd.Timestamp.now() if now is None else now
    start, note = _window(store, since, until, types, now)
    listed = _listed(store, start, until, types)
    family_ids = sorted(set(listed["family_id"]))
    contacts = [store.contacts(ContactFilter(family_id=f)) for f in family_ids]
    people = [store.people(f) for f in family_ids]
    periods = [store.lead_periods(f) for f in family_ids]
    try:
        summary = store.result("family_summary")
    except NotFoundError:
        summary = None
    frame = triage(
        pd.concat(contacts, ignore_index=True) if contacts else listed,
        pd.concat(people, ignore_index=True) if people else store.people().iloc[0:0],
        pd.concat(periods, ignore_index=True) if periods else store.lead_periods().iloc[0:0],
        summary, since=start, until=until, types=types, taxonomy=taxonomy,
    )  # fmt: skip
    return TriageList(frame, start, until, tuple(types), since is not None, note)
