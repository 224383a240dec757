"""Run the benchmark modules (bench_*.py) in this folder and write report.md and report.json.

Usage::

    python -m bench [NAME ...] [--sizes 10k,100k,1M,10M] [--repeat N] [--quick]
                    [--out DIR] [--note TEXT]

NAME picks modules by substring (``scale``, ``load``); ``--sizes`` and
``--repeat`` set the scale stages' sizes and runs (default all four sizes,
three runs up to 1M rows and one at 10M); ``--quick``, for trying a change,
runs the scale stages at 10k and 100k rows once and the modules that take it
(load, analyse) at 100k rows; ``--out`` is the report's folder (default
``bench/``). Options reach the modules whose ``run`` takes them. The exit
status is 1 when a target is missed or a module fails; the report is written
either way.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench.report import ModuleResult, build_report, git_commit, write_report

HERE = Path(__file__).resolve().parent


def module_names() -> list[str]:
    """Every benchmark module in this folder, in name order."""
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("bench_"))


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line's options."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="modules whose name holds NAME")
    parser.add_argument("--sizes", type=lambda text: [s.strip() for s in text.split(",") if s],
                        help="scale sizes, comma-separated: 10k,100k,1M,10M")  # fmt: skip
    parser.add_argument("--repeat", type=int, help="runs of each scale stage")
    parser.add_argument("--quick", action="store_true", help="small sizes only, one run")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the report")
    parser.add_argument("--note", default="", help="a free note written into the report")
    return parser.parse_args(argv)


def run_module(name: str, options: argparse.Namespace) -> ModuleResult:
    """Import and run one module, passing the options its ``run`` takes; record its error."""
    started = time.perf_counter()
    result = ModuleResult(name)
    try:
        run = importlib.import_module(f"bench.{name}").run
        accepted = inspect.signature(run).parameters
        given = {"sizes": options.sizes, "repeat": options.repeat, "quick": options.quick}
        result.measurements = list(run(**{k: v for k, v in given.items() if k in accepted}))
    # A failing module is recorded in the report, and the others still run.
    except Exception:  # noqa: BLE001
        result.error = traceback.format_exc(limit=8)
        print(f"{name} failed:\n{result.error}", flush=True)
    result.seconds = time.perf_counter() - started
    return result


def main(argv: list[str]) -> int:
    """Run the chosen modules, write the report, return 1 when a target was missed."""
    options = parse(argv)
    started, started_at, commit = time.perf_counter(), datetime.now(UTC), git_commit()
    names = [n for n in module_names() if not options.names or any(a in n for a in options.names)]
    results = []
    for name in names:
        print(f"== {name}", flush=True)
        results.append(run_module(name, options))
    report = build_report(results, note=options.note, total_s=time.perf_counter() - started,
                          arguments=argv, started=started_at, commit=commit)  # fmt: skip
    paths = write_report(report, options.out)
    print(f"report: {paths[1]} and {paths[0].name} ({report['total_s'] / 60:.1f} min)")
    if report["missed"]:
        print("targets missed:\n  " + "\n  ".join(report["missed"]))
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
