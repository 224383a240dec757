"""Generate, load and analyse populations of 10k to 10M contact rows, each stage in a fresh process.

One population per size (``generate(families, seed=1)``, about 25 contact rows
a family) is generated and written as CSVs, loaded into a new SQLite store and
analysed by the whole ``journey analyse`` command; every stage runs in a
process of its own (:mod:`bench.stage`), which reports its peak RSS. Each
stage runs three times up to 1M rows and once at 10M (``--repeat`` changes
both). The report fits each stage's cost exponent over the sizes.

Targets: generate 1M rows <= 5 s; load 1M rows <= 20 s; analyse 1M rows
<= 3 s; analyse 10M rows <= 45 s within 8 GB peak RSS.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
from pathlib import Path

from bench.common import GB, Measurement
from bench.stage import StageError, in_fresh_process

__all__ = ["FAMILIES", "QUICK_SIZES", "TARGETS", "run", "stage_measurement"]

# Size label -> families (40,000 families give about a million contact rows).
FAMILIES = {"10k": 400, "100k": 4_000, "1M": 40_000, "10M": 400_000}
QUICK_SIZES = ("10k", "100k")
# (series, size) -> (target seconds, peak RSS limit in bytes).
TARGETS: dict[tuple[str, str], tuple[float | None, int | None]] = {
    ("generate", "1M"): (5.0, None),
    ("load", "1M"): (20.0, None),
    ("analyse", "1M"): (3.0, None),
    ("analyse", "10M"): (45.0, 8 * GB),
}
SERIES = {
    "generate": "generate the population",
    "write": "write its CSVs",
    "load": "load into a new SQLite store",
    "analyse": "whole journey analyse (CLI)",
}


def default_repeat(size: str) -> int:
    """Runs of each stage: three up to 1M rows, one at 10M."""
    return 1 if FAMILIES[size] > FAMILIES["1M"] else 3


def stage_measurement(
    series: str, size: str, runs: list[dict], key: str = "seconds"
) -> Measurement:
    """The measurement of one stage at one size from its runs' figures (``key`` is the time)."""
    target_s, max_rss = TARGETS.get((series, size), (None, None))
    times = [run[key] for run in runs]
    rows = runs[-1].get("rows")
    return Measurement(
        f"{SERIES[series]}, {size} ({rows:,} rows)" if rows else f"{SERIES[series]}, {size}",
        statistics.median(times),
        times,
        target_s,
        unit="contact rows",
        rows=rows,
        peak_rss=max(run["peak_rss"] for run in runs),
        max_rss=max_rss,
        series=series,
    )


def _failed(series: str, size: str, error: StageError) -> Measurement:
    target_s, max_rss = TARGETS.get((series, size), (None, None))
    return Measurement(f"{SERIES[series]}, {size}", float("nan"), [], target_s,
                       max_rss=max_rss, series=series, error=str(error))  # fmt: skip


def _stages(size: str, folder: Path, repeat: int, results: list[Measurement]) -> None:
    """Generate, load and analyse one population ``repeat`` times each, adding to ``results``."""
    data, db = folder / "data", folder / "journey.db"
    generated = [in_fresh_process("generate", families=FAMILIES[size], seed=1, data=data)
                 for _ in range(repeat)]  # fmt: skip
    rows = generated[-1]["rows"]
    results.append(stage_measurement("generate", size, generated, "generate_s"))
    results.append(stage_measurement("write", size, generated, "write_s"))
    print(results[-2].line() + "\n" + results[-1].line(), flush=True)
    loaded = [in_fresh_process("load", data=data, db=db) for _ in range(repeat)]
    if loaded[-1]["rows"] != rows:
        raise StageError(f"{size}: loaded {loaded[-1]['rows']:,} of {rows:,} generated rows")
    results.append(stage_measurement("load", size, loaded))
    print(results[-1].line(), flush=True)
    analysed = [in_fresh_process("analyse", db=db, out=folder / "analysis") | {"rows": rows}
                for _ in range(repeat)]  # fmt: skip
    results.append(stage_measurement("analyse", size, analysed))
    print(results[-1].line(), flush=True)


def run(
    sizes: list[str] | None = None, repeat: int | None = None, quick: bool = False
) -> list[Measurement]:
    """Measure every stage at each size (default all four; ``quick``: 10k and 100k, one run)."""
    sizes = list(QUICK_SIZES if quick and sizes is None else sizes or FAMILIES)
    unknown = [s for s in sizes if s not in FAMILIES]
    if unknown:
        raise ValueError(f"unknown sizes {unknown}: choose from {list(FAMILIES)}")
    results: list[Measurement] = []
    for size in sizes:
        runs = repeat or (1 if quick else default_repeat(size))
        print(f"-- {size} rows ({FAMILIES[size]:,} families), {runs} run(s) a stage", flush=True)
        folder = Path(tempfile.mkdtemp(prefix=f"journey-scale-{size}-"))
        before = len(results)
        try:
            _stages(size, folder, runs, results)
        except StageError as error:
            done = {m.series for m in results[before:]}
            results += [_failed(s, size, error) for s in SERIES if s not in done]
            print(f"{size}: {error}", flush=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return results


if __name__ == "__main__":
    run()
