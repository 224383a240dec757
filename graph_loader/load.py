"""Load a folder of contract CSVs (or one contacts file) into a store, reconciling every row.

Every input row is loaded, counted as an exact copy of an earlier row, or
written to a rejects CSV with its line number, rule id and reason
(:mod:`graph_loader.rejects`). A load is a run (:mod:`graph_loader.runs`):
recorded in the store's load log before anything is written, with each
file's reconciliation (``rows in = loaded + rejected + duplicates``) and
checksum, and marked finished after the last write. Loads of one store take
turns: each holds the store's load lock while it writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from graph_loader.defaults import BATCH_ROWS, DEFAULT_MAX_REJECT_SHARE, DEFAULT_WAIT_SECONDS
from graph_loader.incremental import classify, stored_rows
from graph_loader.readers import ReadOptions, read_source, with_reader_rejects
from graph_loader.rejects import write_rejects
from graph_loader.runs import checksum
from journey.errors import InputError, ParameterError
from journey.rejection import Validated
from journey.store import LoadRecord, Store
from journey.taxonomy import Taxonomy, default_taxonomy
from journey.validation import validate_contacts, validate_families, validate_people

__all__ = ["load_path", "LoadReport", "FileReport", "Progress",
           "DEFAULT_MAX_REJECT_SHARE", "DEFAULT_WAIT_SECONDS"]  # fmt: skip

Progress = Callable[[str, int, int], None]
"""Called as ``progress(file_name, rows_done, rows_total)`` while rows are written."""



@dataclass(frozen=True)
class FileReport:
    """One input file's reconciliation: ``rows_in == loaded + rejected + duplicates``."""

    path: Path
    kind: str
    rows_in: int
    loaded: int
    rejected: int
    rejects_path: Path | None
    duplicates: int = 0
    checksum: str | None = None
    updated: int = 0
    """Of the ``loaded`` rows, how many replaced a stored row with different content."""

    @property
    def reject_share(self) -> float:
        """Rejected rows as a share of the rows in (0 for an empty file)."""
        return self.rejected / self.rows_in if self.rows_in else 0.0

    def line(self) -> str:
        """The reconciliation line printed for the file.

        Examples
        --------
        >>> FileReport(Path("in/contacts.csv"), "contacts", 6, 3, 2, None, 1).line()
        'contacts.csv: rows in 6 = loaded 3 + rejected 2 + duplicates 1'
        >>> FileReport(Path("in/contacts.csv"), "contacts", 6, 3, 0, None, 3, updated=1).line()
        'contacts.csv: rows in 6 = loaded 3 (new 2, updated 1) + rejected 0 + duplicates 3'
        """
        changes = f" (new {self.loaded - self.updated:,}, updated {self.updated:,})"
        text = (
            f"{self.path.name}: rows in {self.rows_in:,} = loaded {self.loaded:,}"
            f"{changes if self.updated else ''} + "
            f"rejected {self.rejected:,} + duplicates {self.duplicates:,}"
        )
        return text + (f" (rejects: {self.rejects_path})" if self.rejects_path else "")


@dataclass
class LoadReport:
    """What a load did, file by file, the warnings it raised, and its run in the load log."""

    files: list[FileReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    run_id: int | None = None
    max_reject_share: float = DEFAULT_MAX_REJECT_SHARE
    touched_families: tuple[str, ...] = ()
    """The families whose contacts this load added or changed (marked in the store)."""

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    def over_reject_share(self) -> list[FileReport]:
        """The files whose rejected share exceeds ``max_reject_share``."""
        return [f for f in self.files if f.reject_share > self.max_reject_share]


def _inputs(path: Path) -> dict[str, Path | None]:
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    if path.is_file():
        return {"contacts": path, "people": None, "families": None}
    contacts = path / "contacts.csv"
    if not contacts.is_file():
        raise InputError(f"{path}: no contacts.csv in this directory")
    people, families = path / "people.csv", path / "families.csv"
    return {
        "contacts": contacts,
        "people": people if people.is_file() else None,
        "families": families if families.is_file() else None,
    }


def _journey_order(contacts: pd.DataFrame) -> np.ndarray:
    """Row positions of ``contacts`` in journey order (family, time, contact, person).

    Exports come in time order; written in batches of that order, every batch
    lands all over a store laid out by family. Batches cut from journey order
    append to the store instead. Sorted on integer codes, so no copy of the
    frame is made (the load's peak memory).
    """
    keys = [pd.factorize(contacts[c], sort=True)[0] for c in ("person_id", "contact_id")]
    when = contacts["occurred_at"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    family = pd.factorize(contacts["family_id"], sort=True)[0]
    return np.lexsort((*keys, when, family))


def _in_batches(
    frame: pd.DataFrame,
    write: Callable[[pd.DataFrame], int],
    name: str,
    progress: Progress | None,
    batch_rows: int,
    order: np.ndarray | None = None,
) -> int:
    written = 0
    for start in range(0, len(frame), batch_rows):
        if order is None:
            batch = frame.iloc[start : start + batch_rows]
        else:
            batch = frame.iloc[order[start : start + batch_rows]]
        written += write(batch)
        if progress:
            progress(name, written, len(frame))
    return written


def _validate(
    raw: dict[str, pd.DataFrame], inputs: dict[str, Path | None], taxonomy: Taxonomy, strict: bool
) -> tuple[dict[str, Validated], pd.DataFrame | None]:
    """Each file's verdict (families, people, contacts, in writing order) and the lead periods."""
    checked: dict[str, Validated] = {}
    periods = None
    if "families" in raw:
        checked["families"], periods = validate_families(
            raw["families"], source=str(inputs["families"])
        )
    person_family = None
    if "people" in raw:
        checked["people"] = validate_people(raw["people"], source=str(inputs["people"]))
        person_family = checked["people"].valid.set_index("person_id")["family_id"]
    checked["contacts"] = validate_contacts(
        raw["contacts"], source=str(inputs["contacts"]), taxonomy=taxonomy,
        person_family=person_family, strict=strict,
    )  # fmt: skip
    return checked, periods


def _against_store(contacts: Validated, store: Store) -> tuple[Validated, int, tuple[str, ...]]:
    """The contacts still to write (new or changed against the store), the updates, the families.

    Rows already stored with the same content join the duplicates (see
    :mod:`graph_loader.incremental`). An empty store is not read.
    """
    # Only the stored rows' ids and hashes are kept: the store's frame is freed at once.
    empty = contacts.valid.iloc[:0]
    stored = stored_rows(store.contacts() if store.counts()["contact_rows"] else empty)
    changes = classify(contacts.valid, stored)
    duplicates = contacts.duplicates + changes.unchanged
    kept = replace(contacts, valid=changes.write, duplicates=duplicates)
    return kept, changes.updated, changes.touched_families


def _file_report(
    kind: str, source: Path, validated: Validated, rejects_dir: Path, updated: int = 0
) -> FileReport:
    report = FileReport(
        path=source, kind=kind, rows_in=validated.rows_in, loaded=validated.loaded,
        rejected=len(validated.rejects), duplicates=validated.duplicates,
        rejects_path=write_rejects(validated, source, rejects_dir), checksum=checksum(source),
        updated=updated,
    )  # fmt: skip
    assert report.rows_in == report.loaded + report.rejected + report.duplicates
    return report


def _record(report: FileReport, started: datetime) -> LoadRecord:
    return LoadRecord(
        source=str(report.path), kind=report.kind, started_at=started, finished_at=None,
        rows_in=report.rows_in, loaded=report.loaded, rejected=report.rejected,
        duplicates=report.duplicates, checksum=report.checksum, updated=report.updated,
        rejects_path=str(report.rejects_path) if report.rejects_path else None,
    )  # fmt: skip


def load_path(
    path: str | Path,
    store: Store,
    *,
    taxonomy: Taxonomy | None = None,
    rejects_dir: str | Path | None = None,
    progress: Progress | None = None,
    strict: bool = False,
    max_reject_share: float = DEFAULT_MAX_REJECT_SHARE,
    wait_seconds: float = DEFAULT_WAIT_SECONDS,
    batch_rows: int = BATCH_ROWS,
    reading: ReadOptions | None = None,
) -> LoadReport:
    """Validate and load ``path`` into ``store`` as one run of its load log.

    Parameters
    ----------
    path : str or Path
        A directory holding ``contacts.csv`` and optionally ``people.csv`` and
        ``families.csv``, or a single contacts CSV that carries ``family_id``.
    store : Store
        Where to write; writes are upserts, so loading twice is harmless.
    taxonomy : Taxonomy, optional
        Agency and contact-type mapping; the shipped one by default.
    rejects_dir : str or Path, optional
        Where rejects CSVs go (``<file>.rejects.csv``); default: the current directory.
    progress : callable, optional
        Called with (file name, rows written, rows to write) after each batch.
    strict : bool
        Reject rows whose agency or referrer is not in the taxonomy (rule C114).
    max_reject_share : float
        The report's :meth:`LoadReport.over_reject_share` lists the files that
        rejected a larger share of their rows (the valid rows are loaded anyway).
    wait_seconds : float
        How long to wait for another load of the same store to finish.
    batch_rows : int
        Rows per write transaction.
    reading : ReadOptions, optional
        How to read the contacts file: a column mapping, ``format="eventlog"``,
        a workbook's sheet (see :mod:`graph_loader.readers`).

    Raises
    ------
    InputError
        A missing path, a missing required column (:class:`MissingColumnError`,
        nothing is written), an unreadable file.
    StoreBusyError
        Another load still held the store after ``wait_seconds``; nothing was written.
    """
    if not 0 <= max_reject_share <= 1:
        raise ParameterError(f"max_reject_share must be between 0 and 1, not {max_reject_share}")
    path = Path(path)
    started = datetime.now(UTC)
    taxonomy = taxonomy or default_taxonomy()
    rejects_dir = Path(rejects_dir) if rejects_dir else Path.cwd()
    inputs = _inputs(path)
    # Read and validate everything before writing anything: a file with a
    # missing column refuses the whole load.
    tables = {kind: read_source(p, reading, kind=kind) for kind, p in inputs.items() if p}
    raw = {kind: table.frame for kind, table in tables.items()}
    checked, periods = _validate(raw, inputs, taxonomy, strict)
    report = LoadReport(max_reject_share=max_reject_share)
    for kind, validated in checked.items():
        checked[kind] = with_reader_rejects(validated, tables[kind])
        report.warnings.extend(tables[kind].warnings + checked[kind].warnings)
    writers = {"families": store.write_families, "people": store.write_people,
               "contacts": partial(store.write_contacts, in_journey_order=True)}  # fmt: skip
    with store.loading(wait_seconds=wait_seconds):
        # Compared with the store under its load lock: no other load changes it meanwhile.
        checked["contacts"], updated, report.touched_families = _against_store(
            checked["contacts"], store
        )
        for kind, validated in checked.items():
            changed = updated if kind == "contacts" else 0
            report.files.append(_file_report(kind, inputs[kind], validated, rejects_dir, changed))
        report.run_id = store.start_run([_record(f, started) for f in report.files])
        # Marked before the writes: a load killed mid-way and re-run still marks them.
        store.mark_touched(report.touched_families)
        for kind, validated in checked.items():
            name = inputs[kind].name
            order = _journey_order(validated.valid) if kind == "contacts" else None
            _in_batches(validated.valid, writers[kind], name, progress, batch_rows, order)
            if kind == "families":
                store.write_lead_periods(periods)
        # The frames are written: free them before the store reads its table back for the
        # snapshot, so the two never sit in memory together (peak memory, not speed).
        del validated, raw, tables, periods
        checked.clear()
        store.finish_load()
        store.finish_run(report.run_id, datetime.now(UTC))
    return report
