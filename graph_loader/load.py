"""Load a folder of contract CSVs (or one contacts file) into a store, reconciling every row.

Every input row is either loaded or written to a rejects CSV with its line
number, rule id and reason; each file's reconciliation
(``rows in = loaded + rejected``) is recorded in the store's load log.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from graph_loader.readers import ReadOptions, read_source, with_reader_rejects
from journey.errors import InputError
from journey.store import LoadRecord, Store
from journey.taxonomy import Taxonomy, default_taxonomy
from journey.validation import (
    Validated,
    validate_contacts,
    validate_families,
    validate_people,
)

__all__ = ["load_path", "LoadReport", "FileReport", "Progress"]

Progress = Callable[[str, int, int], None]
"""Called as ``progress(file_name, rows_done, rows_total)`` while rows are written."""

_BATCH_ROWS = 100_000


@dataclass(frozen=True)
class FileReport:
    """One input file's reconciliation."""

    path: Path
    kind: str
    rows_in: int
    loaded: int
    rejected: int
    rejects_path: Path | None

    def line(self) -> str:
        """The reconciliation line printed for the file."""
        text = (
            f"{self.path.name}: rows in {self.rows_in:,} / loaded {self.loaded:,} / "
            f"rejected {self.rejected:,}"
        )
        return text + (f" (rejects: {self.rejects_path})" if self.rejects_path else "")


@dataclass
class LoadReport:
    """What a load did, file by file, and the warnings it raised."""

    files: list[FileReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)


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


def _write_rejects(validated: Validated, source: Path, rejects_dir: Path) -> Path | None:
    if validated.rejects.empty:
        return None
    rejects_dir.mkdir(parents=True, exist_ok=True)
    target = rejects_dir / f"{source.stem}.rejects.csv"
    columns = ["line", "rule", "reason"] + [
        c for c in validated.rejects.columns if c not in ("line", "rule", "reason")
    ]
    try:
        validated.rejects[columns].to_csv(target, index=False, quoting=csv.QUOTE_MINIMAL)
    except OSError as error:
        raise InputError(f"{target}: cannot write the rejects file ({error.strerror})") from None
    return target


def _in_batches(
    frame: pd.DataFrame, write: Callable[[pd.DataFrame], int], name: str, progress: Progress | None
) -> int:
    written = 0
    for start in range(0, len(frame), _BATCH_ROWS):
        written += write(frame.iloc[start : start + _BATCH_ROWS])
        if progress:
            progress(name, written, len(frame))
    return written


def load_path(
    path: str | Path,
    store: Store,
    *,
    taxonomy: Taxonomy | None = None,
    rejects_dir: str | Path | None = None,
    progress: Progress | None = None,
    reading: ReadOptions | None = None,
) -> LoadReport:
    """Validate and load ``path`` into ``store``.

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
    reading : ReadOptions, optional
        How to read the contacts file: a column mapping, ``format="eventlog"``,
        a workbook's sheet (see :mod:`graph_loader.readers`).

    Raises
    ------
    InputError
        A missing path, a missing required column (:class:`MissingColumnError`,
        nothing is written), an unreadable file.
    """
    path = Path(path)
    taxonomy = taxonomy or default_taxonomy()
    rejects_dir = Path(rejects_dir) if rejects_dir else Path.cwd()
    inputs = _inputs(path)
    # Read and validate everything before writing anything: a file with a
    # missing column refuses the whole load.
    tables = {kind: read_source(p, reading, kind=kind) for kind, p in inputs.items() if p}
    raw = {kind: table.frame for kind, table in tables.items()}
    started = datetime.now(UTC)
    report = LoadReport()
    people_checked = families_checked = None
    periods = None
    if "people" in raw:
        people_checked = validate_people(raw["people"], source=str(inputs["people"]))
    if "families" in raw:
        families_checked, periods = validate_families(
            raw["families"], source=str(inputs["families"])
        )
    person_family = None
    if people_checked is not None:
        person_family = people_checked.valid.set_index("person_id")["family_id"]
    contacts_checked = validate_contacts(
        raw["contacts"],
        source=str(inputs["contacts"]),
        taxonomy=taxonomy,
        person_family=person_family,
    )

    steps = [
        ("families", families_checked, store.write_families),
        ("people", people_checked, store.write_people),
        ("contacts", contacts_checked, store.write_contacts),
    ]
    for kind, validated, write in steps:
        if validated is None:
            continue
        source = inputs[kind]
        assert source is not None
        validated = with_reader_rejects(validated, tables[kind])
        rows_in = tables[kind].rows_in
        rejects_path = _write_rejects(validated, source, rejects_dir)
        loaded_rows = _in_batches(validated.valid, write, source.name, progress)
        if kind == "families":
            loaded_rows = rows_in - len(validated.rejects)
            store.write_lead_periods(periods)
        file_report = FileReport(
            path=source,
            kind=kind,
            rows_in=rows_in,
            loaded=loaded_rows,
            rejected=len(validated.rejects),
            rejects_path=rejects_path,
        )
        assert file_report.rows_in == file_report.loaded + file_report.rejected
        report.files.append(file_report)
        report.warnings.extend(tables[kind].warnings + validated.warnings)
        store.record_load(
            LoadRecord(
                source=str(source),
                kind=kind,
                started_at=started,
                finished_at=datetime.now(UTC),
                rows_in=file_report.rows_in,
                loaded=file_report.loaded,
                rejected=file_report.rejected,
                rejects_path=str(rejects_path) if rejects_path else None,
            )
        )
    store.finish_load()
    return report
