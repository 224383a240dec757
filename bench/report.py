"""The benchmark report: report.md (tables per module, scale, missed targets) and report.json.

Both hold the same figures; the JSON is for comparing runs by machine. Each
report names its date, the machine (cores, memory, Python), the git commit
and a free note.
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.common import Measurement, power_exponent, size_text

__all__ = ["ModuleResult", "build_report", "machine", "markdown", "read_report", "write_report"]

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class ModuleResult:
    """What one benchmark module gave: its measurements, or the error it raised."""

    name: str
    measurements: list[Measurement] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None


def machine() -> dict:
    """Cores, memory (bytes), Python version, platform and load averages of this machine.

    The load averages (1, 5 and 15 minutes, when the report is written) say
    whether other work shared the cores during the run.
    """
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        memory = None
    return {
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def git_commit(root: Path = ROOT) -> str | None:
    """The checked-out commit, with ``+changes`` when the work tree differs from it."""
    def git(*arguments: str) -> str:
        return subprocess.run(["git", *arguments], cwd=root, capture_output=True, text=True,
                              check=True).stdout.strip()  # fmt: skip

    try:
        commit = git("rev-parse", "HEAD")
        status = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + ("+changes" if status else "")


def _finite(value: object) -> object:
    """NaN and infinities as None, which JSON can hold."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def scale_series(measurements: list[Measurement]) -> list[dict]:
    """Per series: its (rows, median seconds) points by size and the fitted cost exponent."""
    series: dict[str, list[Measurement]] = {}
    for m in measurements:
        if m.series and m.rows and m.error is None:
            series.setdefault(m.series, []).append(m)
    table = []
    for name, points in series.items():
        points.sort(key=lambda m: m.rows)
        rows = [m.rows for m in points]
        seconds = [m.median_s for m in points]
        table.append({
            "series": name,
            "points": [{"rows": r, "median_s": s} for r, s in zip(rows, seconds, strict=True)],
            "exponent": power_exponent(rows, seconds),
        })  # fmt: skip
    return table


def missed_targets(modules: list[ModuleResult]) -> list[str]:
    """One line per missed target and per failed module or figure."""
    lines = []
    for module in modules:
        if module.error is not None:
            lines.append(f"{module.name}: failed: {module.error.splitlines()[-1]}")
        for m in module.measurements:
            if m.error is not None:
                lines.append(f"{m.name}: failed: {(m.error.splitlines() or [''])[-1]}")
            elif m.met is False:
                lines.append(f"{m.name}: {_measured(m)}; target {m.target_text()}")
    return lines


def _measured(m: Measurement) -> str:
    """The figures a missed target is judged on, in words."""
    figures = [f"median {_seconds(m.median_s)}"]
    if m.target_kind == "max_p95_s":
        figures.append(f"p95 {_seconds(m.p95_s)}")
    if m.per_s is not None:
        figures.append(f"{m.per_s:,.0f} {m.unit or 'rows'}/s")
    if m.ratio is not None:
        figures.append(f"ratio {m.ratio:.3g}")
    if m.peak_rss is not None:
        figures.append(f"peak RSS {_rss(m.peak_rss)}")
    return ", ".join(figures)


def build_report(modules: list[ModuleResult], *, note: str = "", total_s: float = 0.0,
                 arguments: list[str] | None = None, started: datetime | None = None,
                 commit: str | None = None) -> dict:  # fmt: skip
    """The whole report as one JSON-ready dict.

    ``started`` and ``commit`` are the run's start and the commit it measured
    (default: now, and the commit checked out now).
    """
    everything = [m for module in modules for m in module.measurements]
    return {
        "date": (started or datetime.now(UTC)).isoformat(timespec="seconds"),
        "machine": machine(),
        "commit": commit or git_commit(),
        "note": note,
        "arguments": arguments or [],
        "total_s": total_s,
        "modules": [
            {
                "name": module.name,
                "seconds": module.seconds,
                "error": module.error,
                "measurements": [
                    {k: _finite(v) for k, v in m.to_dict().items()} for m in module.measurements
                ],
            }
            for module in modules
        ],
        "scale": scale_series(everything),
        "missed": missed_targets(modules),
    }


def read_report(path: Path) -> dict:
    """report.json read back (its measurements as dicts; see :meth:`Measurement.from_dict`)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _seconds(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _rss(value: int | None) -> str:
    return "—" if value is None else size_text(value)


def _load(averages: list[float] | None) -> str:
    return "unknown" if not averages else ", ".join(f"{a:.1f}" for a in averages)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _unit(m: dict) -> str:
    if m.get("ratio") is not None:
        return f"ratio {m['ratio']:.2f}x"
    if m["rows"] is None:
        return m["unit"] or "—"
    rate = f"; {m['per_s']:,.0f}/s" if m["per_s"] is not None else ""
    return f"{m['rows']:,} {m['unit'] or 'rows'}{rate}"


def _verdict(m: dict) -> str:
    if m["error"] is not None:
        return "failed"
    return {True: "met", False: "**missed**", None: ""}[m["met"]]


def _spread(m: dict) -> str:
    if not m["runs"]:
        return "—"
    spread = f"{_seconds(m['min_s'])} – {_seconds(m['max_s'])}"
    return spread + (f" (IQR {_seconds(m['iqr_s'])})" if m["iqr_s"] is not None else "")


def _module_table(module: dict) -> list[str]:
    lines = [f"## {module['name']}", "", f"{module['seconds']:.0f} s in all.", ""]
    if module["error"]:
        lines += ["**Failed:**", "", "```", module["error"].rstrip(), "```", ""]
    if not module["measurements"]:
        return lines
    lines += [
        "| figure | median | spread (min – max) | runs | unit | peak RSS | target | |",
        "|---|---:|---:|---:|---|---:|---|---|",
    ]
    for m in module["measurements"]:
        cells = [m["name"], _seconds(m["median_s"]), _spread(m), str(len(m["runs"])), _unit(m),
                 _rss(m["peak_rss"]), m["target"], _verdict(m)]  # fmt: skip
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    errors = [m for m in module["measurements"] if m["error"]]
    lines += [f"* {m['name']} failed: `{_cell(m['error'].splitlines()[-1])}`" for m in errors]
    return lines + [""]


def _scale_table(scale: list[dict]) -> list[str]:
    if not scale:
        return []
    sizes = sorted({p["rows"] for s in scale for p in s["points"]})
    lines = [
        "## Scale",
        "",
        "Median seconds of each stage by contact rows, and the exponent b of",
        "time ~ rows^b (least squares of log time on log rows; 1 is linear).",
        "",
        "| stage | " + " | ".join(f"{r:,} rows" for r in sizes) + " | exponent |",
        "|---|" + "---:|" * (len(sizes) + 1),
    ]
    for s in scale:
        by_rows = {p["rows"]: p["median_s"] for p in s["points"]}
        cells = [_seconds(by_rows.get(r)) for r in sizes]
        exponent = "—" if s["exponent"] is None else f"{s['exponent']:.2f}"
        lines.append(f"| {s['series']} | " + " | ".join(cells) + f" | {exponent} |")
    return lines + [""]


def markdown(report: dict) -> str:
    """report.md from the report dict (as written to report.json)."""
    box = report["machine"]
    memory = "unknown memory" if box["memory"] is None else f"{size_text(box['memory'])} RAM"
    lines = [
        "# Benchmark report",
        "",
        f"* started: {report['date']}",
        f"* machine: {box['cores']} cores, {memory}, Python {box['python']}, {box['platform']}",
        f"* load average at the end (1, 5, 15 min): {_load(box.get('load_average'))}",
        f"* commit: {report['commit'] or 'unknown'}",
        f"* arguments: `{' '.join(report['arguments']) or '(none)'}`",
        f"* total time: {report['total_s'] / 60:.1f} min",
    ]
    if report["note"]:
        lines.append(f"* note: {report['note']}")
    lines += ["", "## Missed targets", ""]
    lines += [f"* {_cell(line)}" for line in report["missed"]] or ["None."]
    lines += [""] + _scale_table(report["scale"])
    for module in report["modules"]:
        lines += _module_table(module)
    return "\n".join(lines).rstrip() + "\n"


def write_report(report: dict, folder: Path) -> tuple[Path, Path]:
    """Write report.json and report.md into ``folder`` (created); return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    as_json, as_markdown = folder / "report.json", folder / "report.md"
    as_json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    as_markdown.write_text(markdown(report), encoding="utf-8")
    return as_json, as_markdown
