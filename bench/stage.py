"""One stage of the scale benchmark (generate, load or analyse), timed in a process of its own.

Each stage starts from a fresh interpreter, so its peak resident memory is its
own and no cache of an earlier stage helps it. The stage process prints one
JSON line: the rows it handled, the seconds its work took and its peak RSS in
bytes (of itself for generate and load, from /proc; for analyse, of the
``journey analyse`` command it runs as its only child, from ``getrusage``).

Run by :func:`in_fresh_process`, or by hand::

    python -m bench.stage generate --families 400 --data /tmp/p400
    python -m bench.stage load --data /tmp/p400 --db /tmp/p400.db
    python -m bench.stage analyse --db /tmp/p400.db --out /tmp/p400-analysis
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["StageError", "in_fresh_process", "main"]

ROOT = Path(__file__).resolve().parents[1]


class StageError(RuntimeError):
    """A stage process failed: its exit status and the end of its error output."""


def own_peak_rss() -> int:
    """This process's peak resident set size in bytes (``VmHWM`` of /proc/self/status).

    Not ``getrusage(RUSAGE_SELF)``: Linux carries the parent's peak over into a
    process it starts (across ``exec``), so a stage started by a large
    benchmark process would report the parent's memory.
    """
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # no /proc: KiB


def children_peak_rss() -> int:
    """The largest peak resident set size in bytes of this process's finished children.

    A child's figure is at least this (small) process's resident size when it
    started the child, for the reason :func:`own_peak_rss` gives.
    """
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def generate_stage(families: int, seed: int, data: Path) -> dict:
    """Generate the population and write its CSVs, as ``journey generate`` does."""
    from journey.synthetic import generate, write_population

    start = time.perf_counter()
    population = generate(families, seed=seed)
    generated = time.perf_counter()
    write_population(population, data)
    written = time.perf_counter()
    return {
        "rows": len(population.contacts),
        "seconds": written - start,
        "generate_s": generated - start,
        "write_s": written - generated,
        "peak_rss": own_peak_rss(),
    }


def load_stage(data: Path, db: Path) -> dict:
    """Load the CSVs into a new SQLite store (any earlier store file is removed first)."""
    from graph_loader.load import load_path
    from graph_loader.stores import open_store

    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    start = time.perf_counter()
    store = open_store(f"sqlite:///{db}")
    try:
        load_path(data, store, rejects_dir=db.parent)
        seconds = time.perf_counter() - start
        rows = store.counts()["contact_rows"]
    finally:
        store.close()
    return {"rows": rows, "seconds": seconds, "peak_rss": own_peak_rss()}


def analyse_stage(db: Path, out: Path) -> dict:
    """Run the whole ``journey analyse`` command on the store, as a child of this process."""
    command = [sys.executable, "-m", "web.cli", "analyse", "--store", f"sqlite:///{db}",
               "--out", str(out)]  # fmt: skip
    start = time.perf_counter()
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if finished.returncode != 0:
        raise StageError(f"journey analyse exited {finished.returncode}: {finished.stderr[-2000:]}")
    return {"seconds": seconds, "peak_rss": children_peak_rss()}


def main(argv: list[str] | None = None) -> int:
    """Run one stage and print its figures as one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench.stage")
    stages = parser.add_subparsers(dest="stage", required=True)
    generate = stages.add_parser("generate")
    generate.add_argument("--families", type=int, required=True)
    generate.add_argument("--seed", type=int, default=1)
    generate.add_argument("--data", type=Path, required=True)
    load = stages.add_parser("load")
    load.add_argument("--data", type=Path, required=True)
    load.add_argument("--db", type=Path, required=True)
    analyse = stages.add_parser("analyse")
    analyse.add_argument("--db", type=Path, required=True)
    analyse.add_argument("--out", type=Path, required=True)
    options = parser.parse_args(argv)
    if options.stage == "generate":
        figures = generate_stage(options.families, options.seed, options.data)
    elif options.stage == "load":
        figures = load_stage(options.data, options.db)
    else:
        figures = analyse_stage(options.db, options.out)
    print(json.dumps(figures), flush=True)
    return 0


def in_fresh_process(stage: str, **options: object) -> dict:
    """Run ``python -m bench.stage STAGE --option value ...`` and return its figures.

    Raises
    ------
    StageError
        When the stage process exits with a failure status.
    """
    command = [sys.executable, "-m", "bench.stage", stage]
    for name, value in options.items():
        command += [f"--{name}", str(value)]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise StageError(f"{stage} exited {finished.returncode}: {finished.stderr[-2000:]}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    sys.exit(main())
