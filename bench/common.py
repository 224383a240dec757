"""Timing helpers shared by the benchmarks: medians of repeated runs, compared with a target."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Measurement:
    """The median of several timed runs of one piece of work, and its target."""

    name: str
    median_s: float
    runs: list[float]
    target_s: float | None = None

    @property
    def met(self) -> bool | None:
        return None if self.target_s is None else self.median_s <= self.target_s

    def line(self) -> str:
        target = "" if self.target_s is None else f"  target <= {self.target_s:.3g}s"
        verdict = {True: "  OK", False: "  MISSED", None: ""}[self.met]
        runs = ", ".join(f"{r:.3f}" for r in self.runs)
        return f"{self.name:<48} median {self.median_s:8.3f}s  [{runs}]{target}{verdict}"


def measure(
    name: str,
    work: Callable[[], object],
    *,
    repeat: int = 5,
    target_s: float | None = None,
    setup: Callable[[], object] | None = None,
) -> Measurement:
    """Run ``work`` ``repeat`` times (after ``setup`` each time, untimed) and keep the median."""
    runs = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        work()
        runs.append(time.perf_counter() - start)
    measurement = Measurement(name, statistics.median(runs), runs, target_s)
    print(measurement.line(), flush=True)
    return measurement


_BUILT: dict[tuple[int, int], Path] = {}
_WORK: list[tempfile.TemporaryDirectory] = []


def analysed_store(families: int, *, seed: int = 1) -> Path:
    """The file of an analysed SQLite store of a synthetic population, built once per process.

    Benchmarks that need the same population (the web pages, the JSON
    throughput) share it instead of each generating, loading and analysing
    their own. The folder is removed when the process ends.
    """
    key = (families, seed)
    if key not in _BUILT:
        from graph_loader.load import load_path
        from graph_loader.stores import open_store
        from journey.analysis import analyse_store
        from journey.synthetic import generate, write_population

        if not _WORK:
            _WORK.append(tempfile.TemporaryDirectory(prefix="journey-bench-"))
        root = Path(_WORK[0].name) / f"population-{families}-{seed}"
        write_population(generate(families, seed=seed), root / "data")
        path = root / "journey.db"
        store = open_store(f"sqlite:///{path}")
        try:
            load_path(root / "data", store, rejects_dir=root)
            analyse_store(store)
        finally:
            store.close()
        _BUILT[key] = path
    return _BUILT[key]
