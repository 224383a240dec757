"""Loading a synthetic population into the embedded store: first load and an idempotent reload."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import Measurement, measure
from graph_loader.load import load_path
from graph_loader.stores import open_store
from journey.synthetic import generate, write_population


def run() -> list[Measurement]:
    results = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for families, label in [(4000, "100k"), (40000, "1M")]:
            data = root / f"data-{label}"
            population = generate(families, seed=1)
            write_population(population, data)
            rows = len(population.contacts)
            db = root / f"{label}.db"

            def fresh(db: Path = db) -> None:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)

            def load(db: Path = db, data: Path = data) -> None:
                store = open_store(f"sqlite:///{db}")
                load_path(data, store, rejects_dir=root)
                store.close()

            results.append(
                measure(f"load {rows:,} contact rows into a new store", load, repeat=3, setup=fresh)
            )
            results.append(measure(f"reload the same {rows:,} rows (idempotent)", load, repeat=3))
    return results
