"""The whole `journey analyse` (read, analyse, write files and results) at 100k and 1M rows."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import Measurement, measure
from graph_loader.load import load_path
from graph_loader.stores import open_store
from journey.analysis import analyse, analyse_store
from journey.outputs import write_outputs
from journey.synthetic import generate, write_population


def run() -> list[Measurement]:
    results = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for families, label, target in [(4000, "100k", None), (40000, "1M", 5.0)]:
            data = root / f"data-{label}"
            write_population(generate(families, seed=1), data)
            store = open_store(f"sqlite:///{root / label}.db")
            load_path(data, store, rejects_dir=root)
            contacts = store.contacts()
            people, families_frame, periods = store.people(), store.families(), store.lead_periods()
            rows = len(contacts)
            results.append(
                measure(f"read all {rows:,} contact rows from the store", store.contacts, repeat=3)
            )
            results.append(
                measure(
                    f"analyses only, {rows:,} rows (in memory)",
                    lambda c=contacts, p=people, f=families_frame, lp=periods: analyse(c, p, f, lp),
                    repeat=3,
                )
            )

            def whole(store=store, out=root / f"out-{label}") -> None:
                write_outputs(analyse_store(store), out)

            results.append(
                measure(f"whole journey analyse, {rows:,} rows", whole, repeat=3, target_s=target)
            )
            store.close()
    return results
