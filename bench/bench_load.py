"""Reloading a population already in the embedded store: the idempotent reload.

The first load of each size is measured by bench_scale.py, in a fresh process.
Here the same CSVs are loaded again into a copy of the shared analysed store
(1M rows; 100k with ``--quick``), which must leave it unchanged.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bench.common import Measurement, analysed_store, measure
from graph_loader.load import load_path
from graph_loader.stores import open_store


def run(quick: bool = False) -> list[Measurement]:
    """Time three reloads of the shared population into a copy of its store."""
    shared = analysed_store(4_000 if quick else 40_000)
    data = shared.parent / "data"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        db = root / "journey.db"
        shutil.copyfile(shared, db)
        store = open_store(f"sqlite:///{db}")
        try:
            rows = store.counts()["contact_rows"]
            result = measure(
                f"reload the same {rows:,} rows (idempotent)",
                lambda: load_path(data, store, rejects_dir=root),
                repeat=3,
                rows=rows,
                unit="contact rows",
            )
            if store.counts()["contact_rows"] != rows:
                raise RuntimeError("the reload changed the number of contact rows")
        finally:
            store.close()
    return [result]


if __name__ == "__main__":
    run()
