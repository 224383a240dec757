"""Load runs: what each load read and wrote, file by file, and whether it finished.

A run is recorded in the store's load log before it writes anything (one line
per input file, ``finished_at`` empty) and marked finished after its last
write. A run that stays unfinished was stopped part-way (killed, or it failed)
or is still writing: the store may hold part of it. Each file's line carries
its reconciliation, ``rows in = loaded + rejected + duplicates``, and the
SHA-256 checksum of its bytes, so that two loads of the same input can be
told apart from two loads of different input.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from journey.errors import InputError
from journey.store import Store

__all__ = ["Run", "checksum", "runs", "latest_run", "unfinished_message"]

_READ_BYTES = 1 << 20


def checksum(path: Path) -> str:
    """The SHA-256 of the file's bytes, as hex (what ``sha256sum`` prints).

    Raises
    ------
    InputError
        When the file cannot be read.
    """
    digest = hashlib.sha256()
    try:
        with path.open("rb") as file:
            while chunk := file.read(_READ_BYTES):
                digest.update(chunk)
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from None
    return digest.hexdigest()


@dataclass(frozen=True)
class Run:
    """One load run: its id, when it started and finished (None if it did not), its files."""

    run_id: int
    started_at: str
    finished_at: str | None
    files: pd.DataFrame

    @property
    def finished(self) -> bool:
        """Whether every file of the run was written."""
        return self.finished_at is not None

    def total(self, column: str) -> int:
        """The sum of ``rows_in``, ``loaded``, ``rejected`` or ``duplicates`` over its files."""
        return int(self.files[column].sum())

    def lines(self) -> list[str]:
        """The run as text: a heading line, then one reconciliation line per file.

        Examples
        --------
        >>> files = pd.DataFrame({"source": ["in/contacts.csv"], "rows_in": [6], "loaded": [3],
        ...     "rejected": [2], "duplicates": [1], "checksum": ["ab" * 32],
        ...     "rejects_path": [None]})
        >>> print("\\n".join(Run(2, "2024-05-01T09:00:00+00:00", None, files).lines()))
        run 2  started 2024-05-01T09:00:00+00:00  UNFINISHED (stopped part-way, or still writing)
          in/contacts.csv: rows in 6 = loaded 3 + rejected 2 + duplicates 1  sha256 abababababab…
        """
        status = (
            f"finished {self.finished_at}"
            if self.finished
            else "UNFINISHED (stopped part-way, or still writing)"
        )
        text = [f"run {self.run_id}  started {self.started_at}  {status}"]
        for file in self.files.itertuples(index=False):
            line = (
                f"  {file.source}: rows in {file.rows_in:,} = loaded {file.loaded:,} + rejected "
                f"{file.rejected:,} + duplicates {file.duplicates:,}"
            )
            if isinstance(file.checksum, str):
                line += f"  sha256 {file.checksum[:12]}…"
            if isinstance(file.rejects_path, str):
                line += f"  (rejects: {file.rejects_path})"
            text.append(line)
        return text


def runs(store: Store) -> list[Run]:
    """Every run of the store's load log, newest first, its files in the order they were read."""
    loads = store.loads()
    found = []
    if loads.empty:
        return found
    loads = loads.sort_values("load_id")
    for run_id, files in loads.groupby("run_id", sort=False):
        finished = files["finished_at"].dropna()
        found.append(
            Run(
                run_id=int(run_id),
                started_at=str(files["started_at"].iloc[0]),
                # Every file of a run is marked at once; one unmarked file leaves it unfinished.
                finished_at=str(finished.iloc[0]) if len(finished) == len(files) else None,
                files=files.reset_index(drop=True),
            )
        )
    return sorted(found, key=lambda run: run.run_id, reverse=True)


def latest_run(store: Store) -> Run | None:
    """The newest run, or None before any load."""
    found = runs(store)
    return found[0] if found else None


def unfinished_message(run: Run) -> str:
    """What to tell someone about to use a store whose latest run did not finish.

    Examples
    --------
    >>> print(unfinished_message(Run(4, "2024-05-01T09:00:00+00:00", None, pd.DataFrame())))
    ... # doctest: +NORMALIZE_WHITESPACE
    the latest load (run 4, started 2024-05-01T09:00:00+00:00) did not finish: the store
    may hold only part of it; load the same files again to complete it
    """
    return (
        f"the latest load (run {run.run_id}, started {run.started_at}) did not finish: the "
        "store may hold only part of it; load the same files again to complete it"
    )
