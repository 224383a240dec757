"""A store's contacts as a Parquet dataset in groups of whole families, for an analysis cluster.

The export is **identified**: it holds every contact row as the store does
(ids, times, agencies, services), for the analyses that run on a cluster
(:mod:`journey.dask_engine`), never for sharing.

Families are taken in id order and cut into ``partitions`` groups of about
equal size (range partitioning by ``family_id``); group ``i`` is the file
``part-0000i.parquet``, its rows in journey order. So every family lies
wholly in one file, a Dask partition is one file, and the files read in
turn are the store's contacts row for row. ``manifest.json`` says what the
folder holds: the files with their rows, families and first and last family,
the columns, and the store's counts when it was written (to tell a stale
export from a current one).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from journey.errors import InputError, OutputError
from journey.event_log import sorted_codes
from journey.store import Store

__all__ = [
    "FORMAT",
    "MANIFEST",
    "ParquetExport",
    "family_groups",
    "read_contacts_parquet",
    "read_manifest",
    "write_contacts_parquet",
]

#: The manifest's file name and the format it names.
MANIFEST = "manifest.json"
FORMAT = "journey-contacts-parquet"
_VERSION = 1


@dataclass(frozen=True)
class ParquetExport:
    """A written export: its folder, files, and how many rows and families it holds."""

    path: Path
    files: tuple[str, ...]
    rows: int
    families: int

    def line(self) -> str:
        """What the terminal says about the export."""
        return (
            f"wrote {self.rows:,} contact rows of {self.families:,} families in "
            f"{len(self.files)} Parquet files (identified) to {self.path}/"
        )


def family_groups(family_ids: pd.Series, partitions: int) -> np.ndarray:
    """The group of each row: families in id order cut into ``partitions`` groups of equal count.

    Examples
    --------
    >>> family_groups(pd.Series(["F3", "F1", "F1", "F2", "F4"]), 2).tolist()
    [1, 0, 0, 0, 1]
    >>> family_groups(pd.Series(["F1", "F2"]), 5).tolist()
    [0, 1]
    """
    if partitions < 1:
        raise InputError(f"partitions must be at least 1, not {partitions}")
    codes, ids = sorted_codes(family_ids)
    groups = min(partitions, len(ids))
    return (codes * groups // max(len(ids), 1)).astype(np.int64)


def _pyarrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(
            "the Parquet export needs pyarrow: pip install journey-graph[dask]"
        ) from None
    return pa, pq


def _write_files(contacts: pd.DataFrame, out: Path, partitions: int) -> list[dict[str, Any]]:
    pa, pq = _pyarrow()
    groups = family_groups(contacts["family_id"], partitions)
    if len(groups) and (np.diff(groups) < 0).any():  # not grouped by family: put in group order
        order = np.argsort(groups, kind="stable")
        contacts, groups = contacts.iloc[order], groups[order]
    cuts = np.flatnonzero(np.diff(groups)) + 1
    listed = []
    for number, (start, end) in enumerate(zip([0, *cuts], [*cuts, len(groups)], strict=True)):
        part = contacts.iloc[start:end].reset_index(drop=True)
        name = f"part-{number:05d}.parquet"
        pq.write_table(pa.Table.from_pandas(part, preserve_index=False), out / name)
        family_ids = part["family_id"]
        listed.append({
            "file": name, "rows": len(part), "families": int(family_ids.nunique()),
            "first_family": str(family_ids.iloc[0]), "last_family": str(family_ids.iloc[-1]),
        })  # fmt: skip
    return listed


def write_contacts_parquet(
    store: Store, out_dir: str | Path, *, partitions: int = 16
) -> ParquetExport:
    """Write the store's contacts to ``out_dir`` as Parquet files of whole families, and a manifest.

    ``out_dir`` must be new or empty. ``partitions`` is how many files (fewer
    when the store holds fewer families).

    Raises
    ------
    InputError
        When the store holds no contacts.
    OutputError
        When ``out_dir`` holds files already or cannot be written.
    """
    out = Path(out_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OutputError(f"{out}: not a new or empty folder; the export writes a whole dataset")
    contacts = store.contacts()
    if contacts.empty:
        raise InputError(f"{store.url}: the store holds no contacts; load data first")
    try:
        out.mkdir(parents=True, exist_ok=True)
        files = _write_files(contacts, out, partitions)
        manifest = {
            "format": FORMAT, "version": _VERSION, "identified": True,
            "partition_by": "family_id",
            "partitioning": "families in id order, cut into groups of equal count; "
                            "one file per group, rows in journey order",
            "columns": {name: str(dtype) for name, dtype in contacts.dtypes.items()},
            "rows": len(contacts), "families": sum(f["families"] for f in files),
            "files": files, "store_counts": store.counts(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }  # fmt: skip
        (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        raise OutputError(f"{out}: cannot write the Parquet export ({error.strerror})") from None
    return ParquetExport(out, tuple(f["file"] for f in files), len(contacts), manifest["families"])


def read_manifest(path: str | Path) -> dict[str, Any]:
    """The manifest of an export folder.

    Raises
    ------
    InputError
        When the folder holds no manifest of this format.
    """
    target = Path(path) / MANIFEST
    try:
        manifest = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(
            f"{path}: no Parquet export of contacts here (write one with "
            "`journey export contacts --format parquet --partition-by family --identified`)"
        ) from None
    if manifest.get("format") != FORMAT or manifest.get("version") != _VERSION:
        raise InputError(f"{target}: not a {FORMAT} manifest of version {_VERSION}")
    return manifest


def read_contacts_parquet(path: str | Path, *, columns: list[str] | None = None) -> pd.DataFrame:
    """Every contact of an export, in the store's order, with the store's column types."""
    _, pq = _pyarrow()
    manifest = read_manifest(path)
    parts = [pq.read_table(Path(path) / f["file"], columns=columns).to_pandas()
             for f in manifest["files"]]  # fmt: skip
    return pd.concat(parts, ignore_index=True)
