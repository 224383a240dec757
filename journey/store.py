"""The store interface every graph store implements (the embedded SQLite store, the Neo4j store).

Stores hold the contract's entities and the latest analysis results, and
return them as pandas frames with the contract's columns (see
:mod:`journey.contract`). The analyses never see a store: the service reads
frames from one and passes them in.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

import pandas as pd

__all__ = ["Store", "LoadRecord", "ContactFilter"]


@dataclass(frozen=True)
class LoadRecord:
    """One input file of a load run: ``rows_in == loaded + rejected + duplicates``.

    ``loaded`` counts the rows written, new or ``updated`` (a later extract's
    changed row); ``duplicates`` the exact copies and the rows already stored unchanged.

    ``finished_at`` is None while the run is unfinished (still writing, or
    stopped before its end); ``checksum`` is the SHA-256 of the file's bytes;
    ``mapping`` names the column mapping the file was read with, if any.
    """

    source: str
    started_at: datetime
    finished_at: datetime | None
    rows_in: int
    loaded: int
    rejected: int
    rejects_path: str | None = None
    kind: str = "contacts"
    duplicates: int = 0
    checksum: str | None = None
    mapping: str | None = None
    updated: int = 0
    """How many of the ``loaded`` rows replaced a stored row with different content."""


@dataclass(frozen=True)
class ContactFilter:
    """Which contact rows to return; every field is optional and they combine with AND."""

    family_id: str | None = None
    person_id: str | None = None
    start: datetime | None = None  # inclusive
    end: datetime | None = None  # exclusive
    agency: str | None = None
    area: str | None = None


@runtime_checkable
class Store(Protocol):
    """What the loader, the analyses' runner and the web app need of a graph store."""

    url: str

    def close(self) -> None:
        """Release the connection(s)."""

    # -- writes (idempotent: upsert on ids) ---------------------------------
    def write_contacts(self, contacts: pd.DataFrame, *, in_journey_order: bool = False) -> int:
        """Upsert contact rows (contract columns); return how many rows were written.

        ``in_journey_order`` says the rows are already sorted by family, time,
        contact and person (the loader's batches are), so a store need not sort them.
        """

    def write_people(self, people: pd.DataFrame) -> int:
        """Upsert people (person_id, family_id, role, birth_month, sex)."""

    def write_families(self, families: pd.DataFrame) -> int:
        """Upsert families (family_id, area)."""

    def write_lead_periods(self, periods: pd.DataFrame) -> int:
        """Upsert lead-professional periods (family_id, lead_from, lead_to, worker, team)."""

    def loading(self, *, wait_seconds: float) -> AbstractContextManager[None]:
        """Hold the store's load lock while a load writes.

        A second load waits up to ``wait_seconds`` for the first, then raises
        :class:`~journey.errors.StoreBusyError` naming the store.
        """

    def start_run(self, files: Sequence[LoadRecord]) -> int:
        """Record a load run as started (its files, finished_at null) before it writes; its id."""

    def finish_run(self, run_id: int, finished_at: datetime) -> None:
        """Mark the run ``run_id`` finished: every file of it was written."""

    def record_load(self, record: LoadRecord) -> None:
        """Append a run of one file, started and finished, to the load log."""

    def finish_load(self) -> None:
        """Rebuild derived structure (journey chains, family list) after a load."""

    # -- reads --------------------------------------------------------------
    def contacts(
        self, where: ContactFilter | None = None, *, columns: list[str] | None = None
    ) -> pd.DataFrame:
        """Contact rows in journey order (family, time, contact, person).

        ``columns`` limits the result to some of the contract's columns (in
        that order); all of them by default.
        """

    def people(self, family_id: str | None = None) -> pd.DataFrame:
        """People, all or of one family."""

    def families(self) -> pd.DataFrame:
        """Families (family_id, area) including those only named by contacts."""

    def lead_periods(self, family_id: str | None = None) -> pd.DataFrame:
        """Lead-professional periods, all or of one family (worker and team None when not given)."""

    def agencies(self) -> pd.DataFrame:
        """Agencies seen in contacts (agency, sector, contacts)."""

    def counts(self) -> dict[str, int]:
        """people, families, contacts (distinct contact_id), contact_rows, agencies, loads."""

    def date_range(self) -> tuple[datetime | None, datetime | None]:
        """The first and last contact time, or (None, None) when empty."""

    def loads(self) -> pd.DataFrame:
        """The load log, one line per file of each run, newest first.

        Columns: load_id, run_id, source, kind, mapping, checksum, started_at,
        finished_at (null while the run is unfinished), rows_in, loaded,
        rejected, duplicates, rejects_path, updated (of the loaded, how many
        replaced a stored row with different content).
        """

    def load_version(self) -> tuple:
        """What changes with every line the load log gains or finishes: the number of lines
        and the newest line's id, run, times and counts. Far cheaper than :meth:`loads`,
        for a reader that only needs to know whether anything was loaded since it last asked.
        """

    def mark_touched(self, family_ids: Sequence[str]) -> None:
        """Mark families whose contacts a load added or changed (kept until analysed)."""

    def touched_families(self) -> list[str]:
        """The families marked touched since the last analyse, sorted."""

    def clear_touched(self, family_ids: Sequence[str]) -> None:
        """Unmark families once their results are refreshed."""

    # -- analysis results ---------------------------------------------------
    def save_results(self, frames: dict[str, pd.DataFrame], meta: dict[str, Any]) -> None:
        """Replace the stored results with ``frames`` and their ``meta`` (parameters, counts)."""

    def result(self, name: str) -> pd.DataFrame:
        """One stored result frame; raises NotFoundError when there is none."""

    def results_meta(self) -> dict[str, Any] | None:
        """The stored results' meta, or None when nothing has been analysed yet."""
