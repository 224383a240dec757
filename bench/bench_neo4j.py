"""The Neo4j store against the in-process Neo4j: load, reload, read everything, one family, analyse.

``JOURNEY_BENCH_NEO4J_FAMILIES`` sets the population (default 40,000 families,
about 1M contact rows, where the targets apply). Measured only when asked, as
it takes about 15 minutes: ``JOURNEY_BENCH_NEO4J=1`` starts the local Neo4j,
``NEO4J_URI`` points at a running one instead. Without Java and Maven it says
so and measures nothing.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import Measurement, measure
from graph_loader.load import load_path
from journey.analysis import analyse_store
from journey.store import ContactFilter
from journey.synthetic import generate, write_population

FAMILIES = int(os.environ.get("JOURNEY_BENCH_NEO4J_FAMILIES", "40000"))
# Targets at about 1M contact rows (40,000 families); smaller runs are reported only.
TARGETS = {"load": 120.0, "reload": 60.0, "contacts": 15.0, "family_p95": 0.020, "analyse": 30.0}


def _targets(rows: int) -> dict[str, float | None]:
    at_scale = rows >= 900_000
    return {name: target if at_scale else None for name, target in TARGETS.items()}


def _measure_store(store, data: Path, root: Path, rows: int) -> list[Measurement]:
    targets = _targets(rows)
    results = [
        measure(f"neo4j: load {rows:,} contact rows into an empty graph",
                lambda: load_path(data, store, rejects_dir=root), repeat=1,
                target_s=targets["load"]),
        measure(f"neo4j: reload the same {rows:,} rows (idempotent)",
                lambda: load_path(data, store, rejects_dir=root), repeat=1,
                target_s=targets["reload"]),
        measure(f"neo4j: contacts() of all {rows:,} rows", store.contacts, repeat=3,
                target_s=targets["contacts"]),
    ]  # fmt: skip
    family_ids = store.families()["family_id"].tolist()[:: max(1, len(store.families()) // 50)]
    times = []
    for family_id in family_ids:
        begun = time.perf_counter()
        store.contacts(ContactFilter(family_id=family_id))
        times.append(time.perf_counter() - begun)
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    family = Measurement("neo4j: one family's contacts, p95", p95, [p95], targets["family_p95"])
    print(family.line(), flush=True)
    results.append(family)
    results.append(measure(f"neo4j: journey analyse, {rows:,} rows",
                           lambda: analyse_store(store), repeat=1,
                           target_s=targets["analyse"]))  # fmt: skip
    return results


def run() -> list[Measurement]:
    from graph_loader.stores.neo4j_store import Neo4jStore
    from tests.neo4j_server import missing_tools, neo4j_server

    given = os.environ.get("NEO4J_URI")
    if not given and not os.environ.get("JOURNEY_BENCH_NEO4J"):
        print("neo4j: not measured by default (about 15 minutes at 1M rows); "
              "JOURNEY_BENCH_NEO4J=1 measures the local Neo4j, NEO4J_URI=… a running one")
        return []
    if not given and missing_tools():
        print(f"neo4j: not measured, the local Neo4j needs {', '.join(missing_tools())}")
        return []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        population = generate(FAMILIES, seed=1)
        write_population(population, root / "data")
        rows = len(population.contacts)
        if given:
            store = Neo4jStore(given)
            try:
                return _measure_store(store, root / "data", root, rows)
            finally:
                store.clear()
                store.close()
        with neo4j_server(root / "neo4j", heap="2g", page_cache="1g") as uri:
            store = Neo4jStore(uri)
            try:
                return _measure_store(store, root / "data", root, rows)
            finally:
                store.close()
