"""Timing helpers shared by the benchmarks: medians of repeated runs, compared with a target."""

from __future__ import annotations

import math
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

# How a measurement's target is judged, and how the target is written.
TARGET_KINDS: dict[str, str] = {
    "max_s": "median <= {:.3g} s",
    "max_p95_s": "p95 <= {:.3g} s",
    "min_ratio": "ratio >= {:.3g}",
    "min_per_s": ">= {:,.0f} {}/s",
    "max_rss": "peak RSS <= {}",
}
GB = 1024**3


@dataclass
class Measurement:
    """The median of several timed runs of one piece of work, and its target.

    ``target_s`` is judged by ``target_kind``: ``"max_s"`` (the median at most
    ``target_s`` seconds), ``"max_p95_s"`` (the 95th percentile of the runs at
    most ``target_s`` seconds), ``"min_ratio"`` (``ratio`` at least
    ``target_s``), ``"min_per_s"`` (``rows`` per median second at least
    ``target_s``) or ``"max_rss"`` (``peak_rss`` at most ``target_s`` bytes).
    ``max_rss``, when given, is a second limit on the peak resident memory in
    bytes. ``rows`` counts what one run handles, in ``unit`` (contact rows,
    requests); ``series`` names the scaling series the measurement belongs to
    (the same work at several sizes), whose cost exponent the report fits;
    ``error`` says why the work could not be measured (its target is missed).

    Examples
    --------
    >>> m = Measurement("load", 2.0, [1.0, 2.0, 4.0], 3.0, rows=1000, unit="contact rows")
    >>> m.met, m.per_s, m.spread
    (True, 500.0, (1.0, 4.0))
    >>> Measurement("load", 2.0, [2.0], 900.0, rows=1000, target_kind="min_per_s").met
    False
    """

    name: str
    median_s: float
    runs: list[float]
    target_s: float | None = None
    unit: str | None = None
    rows: int | None = None
    peak_rss: int | None = None
    target_kind: str = "max_s"
    ratio: float | None = None
    max_rss: int | None = None
    series: str | None = None
    error: str | None = None

    def __post_init__(self) -> None:
        if self.target_kind not in TARGET_KINDS:
            known = ", ".join(TARGET_KINDS)
            raise ValueError(f"unknown target kind {self.target_kind!r}: one of {known}")

    @property
    def per_s(self) -> float | None:
        """Rows handled per second of the median run (None without rows or time)."""
        if self.rows is None or not self.median_s:
            return None
        return self.rows / self.median_s

    @property
    def p95_s(self) -> float:
        """The 95th percentile of the runs (nearest rank; the median without runs)."""
        if not self.runs:
            return self.median_s
        ordered = sorted(self.runs)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def spread(self) -> tuple[float, float]:
        """The fastest and slowest run."""
        return (min(self.runs), max(self.runs)) if self.runs else (self.median_s, self.median_s)

    @property
    def iqr_s(self) -> float | None:
        """The interquartile range of the runs (None for fewer than four runs)."""
        if len(self.runs) < 4:
            return None
        first, _, third = statistics.quantiles(self.runs, n=4, method="inclusive")
        return third - first

    def _target_met(self) -> bool | None:
        if self.target_s is None:
            return None
        judged = {
            "max_s": lambda: self.median_s <= self.target_s,
            "max_p95_s": lambda: self.p95_s <= self.target_s,
            "min_ratio": lambda: self.ratio is not None and self.ratio >= self.target_s,
            "min_per_s": lambda: self.per_s is not None and self.per_s >= self.target_s,
            "max_rss": lambda: self.peak_rss is not None and self.peak_rss <= self.target_s,
        }
        return judged[self.target_kind]()

    @property
    def met(self) -> bool | None:
        """True when every target is met, False when one is missed, None without a target."""
        if self.error is not None:
            return False
        verdicts = [self._target_met()]
        if self.max_rss is not None:
            verdicts.append(self.peak_rss is not None and self.peak_rss <= self.max_rss)
        known = [v for v in verdicts if v is not None]
        return None if not known else all(known)

    def target_text(self) -> str:
        """The targets in words (``median <= 5 s``), empty without one."""
        texts = []
        if self.target_s is not None:
            pattern = TARGET_KINDS[self.target_kind]
            if self.target_kind == "min_per_s":
                texts.append(pattern.format(self.target_s, self.unit or "rows"))
            elif self.target_kind == "max_rss":
                texts.append(pattern.format(size_text(self.target_s)))
            else:
                texts.append(pattern.format(self.target_s))
        if self.max_rss is not None:
            texts.append(TARGET_KINDS["max_rss"].format(size_text(self.max_rss)))
        return ", ".join(texts)

    def line(self) -> str:
        target = f"  target {self.target_text()}" if self.target_text() else ""
        verdict = {True: "  OK", False: "  MISSED", None: ""}[self.met]
        runs = ", ".join(f"{r:.3f}" for r in self.runs)
        extra = ""
        if self.per_s is not None:
            extra += f"  {self.per_s:,.0f} {self.unit or 'rows'}/s"
        if self.peak_rss is not None:
            extra += f"  peak {size_text(self.peak_rss)}"
        return f"{self.name:<48} median {self.median_s:8.3f}s  [{runs}]{extra}{target}{verdict}"

    def to_dict(self) -> dict:
        """The fields and the judged figures, for report.json."""
        low, high = self.spread
        return {
            **asdict(self),
            "kind": type(self).__name__,
            "min_s": low,
            "max_s": high,
            "iqr_s": self.iqr_s,
            "per_s": self.per_s,
            "target": self.target_text(),
            "met": self.met,
        }

    @classmethod
    def from_dict(cls, values: dict) -> Measurement:
        """The measurement ``to_dict`` described (its judged figures are worked out again)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})


def size_text(size: float) -> str:
    """A byte count in MB or GB.

    Examples
    --------
    >>> size_text(3 * 1024**3), size_text(50 * 1024**2)
    ('3.00 GB', '50 MB')
    """
    return f"{size / GB:.2f} GB" if size >= GB else f"{size / 1024**2:.0f} MB"


def power_exponent(rows: list[float], seconds: list[float]) -> float | None:
    """The exponent b of seconds ~ a * rows**b: least squares of log(seconds) on log(rows).

    None with fewer than two distinct sizes (or a time that is not positive).

    Examples
    --------
    >>> round(power_exponent([10, 100, 1000], [2.0, 20.0, 200.0]), 6)
    1.0
    >>> power_exponent([10], [1.0]) is None
    True
    """
    pairs = [(math.log(r), math.log(s)) for r, s in zip(rows, seconds, strict=True) if r > 0 < s]
    if len(pairs) != len(rows) or len({x for x, _ in pairs}) < 2:
        return None
    mean_x = sum(x for x, _ in pairs) / len(pairs)
    mean_y = sum(y for _, y in pairs) / len(pairs)
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in pairs)
    variance = sum((x - mean_x) ** 2 for x, _ in pairs)
    return covariance / variance


def measure(
    name: str,
    work: Callable[[], object],
    *,
    repeat: int = 5,
    target_s: float | None = None,
    setup: Callable[[], object] | None = None,
    **extra: object,
) -> Measurement:
    """Run ``work`` ``repeat`` times (after ``setup`` each time, untimed) and keep the median.

    ``extra`` holds the measurement's optional fields (``rows``, ``unit``,
    ``target_kind`` ...).
    """
    runs = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        work()
        runs.append(time.perf_counter() - start)
    measurement = Measurement(name, statistics.median(runs), runs, target_s, **extra)
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
