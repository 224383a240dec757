"""Timing helpers shared by the benchmarks: medians of repeated runs, compared with a target."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


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
