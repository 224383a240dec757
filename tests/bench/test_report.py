"""The report: written from made-up measurements, read back as JSON, and its Markdown tables."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bench.common import GB, Measurement
from bench.report import ModuleResult, build_report, markdown, read_report, write_report
from tests.test_docs import section, table_rows

# A stage whose time grows exactly as rows ** 1.0 and one as rows ** 2.0.
SIZES = [10_000, 100_000, 1_000_000, 10_000_000]
LINEAR = [Measurement(f"load, {r:,} rows", r / 50_000, [r / 50_000], rows=r, unit="contact rows",
                      series="load", peak_rss=r * 100) for r in SIZES]  # fmt: skip
SQUARE = [Measurement(f"analyse, {r:,} rows", (r / 1e6) ** 2, [(r / 1e6) ** 2], rows=r,
                      series="analyse") for r in SIZES]  # fmt: skip


def modules() -> list[ModuleResult]:
    return [
        ModuleResult("bench_scale", LINEAR + SQUARE, seconds=120.0),
        ModuleResult("bench_web", [
            Measurement("family page", 0.05, [0.04, 0.05, 0.2], 0.1, target_kind="max_p95_s"),
            Measurement("overview page", 0.02, [0.02, 0.03], 0.1),
            Measurement("analyse 10M", 40.0, [40.0], 45.0, peak_rss=9 * GB, max_rss=8 * GB),
            Measurement("load 10M", float("nan"), [], 600.0, error="StageError: killed"),
        ], seconds=30.0),  # fmt: skip
        ModuleResult("bench_neo4j", seconds=1.0, error="Traceback ...\nOSError: no java"),
    ]


@pytest.fixture
def written(tmp_path):
    report = build_report(modules(), note="after the loader change", total_s=600.0,
                          arguments=["--quick"])  # fmt: skip
    paths = write_report(report, tmp_path / "out")
    return report, paths


def test_both_files_are_written_and_the_json_reads_back(written):
    report, (as_json, as_markdown) = written
    assert as_json.name == "report.json" and as_markdown.name == "report.md"
    back = read_report(as_json)
    assert back == json.loads(json.dumps(report))  # NaN was written as null: valid JSON
    assert back["note"] == "after the loader change" and back["total_s"] == 600.0
    assert back["machine"]["cores"] >= 1 and back["machine"]["python"].startswith("3.")
    assert len(back["machine"]["load_average"]) == 3
    web = back["modules"][1]["measurements"]
    assert [m["met"] for m in web] == [False, True, False, False]  # p95 0.2 s > 0.1 s
    assert web[3]["median_s"] is None and web[3]["error"] == "StageError: killed"
    assert Measurement.from_dict(web[1]) == modules()[1].measurements[1]
    assert back["modules"][2]["error"].endswith("OSError: no java")


def test_the_missed_targets_name_each_miss_and_failure(written):
    report, _ = written
    missed = report["missed"]
    assert len(missed) == 4
    assert any(line.startswith("family page: ") and "p95 200.0 ms" in line for line in missed)
    assert any(line.startswith("analyse 10M: ") and "peak RSS 9.00 GB" in line for line in missed)
    assert "load 10M: failed: StageError: killed" in missed
    assert "bench_neo4j: failed: OSError: no java" in missed
    slow = next(line for line in missed if line.startswith("analyse 10M"))
    assert slow == ("analyse 10M: median 40.00 s, peak RSS 9.00 GB; "
                    "target median <= 45 s, peak RSS <= 8.00 GB")  # fmt: skip


def test_the_scale_series_are_fitted(written):
    report, _ = written
    fitted = {s["series"]: s["exponent"] for s in report["scale"]}
    assert fitted == {"load": pytest.approx(1.0), "analyse": pytest.approx(2.0)}
    load = next(s for s in report["scale"] if s["series"] == "load")
    assert [p["rows"] for p in load["points"]] == SIZES


def test_the_markdown_tables(written):
    report, (_, as_markdown) = written
    text = as_markdown.read_text(encoding="utf-8")
    assert text == markdown(report)
    assert "* note: after the loader change" in text
    scale = table_rows(section(text, "Scale"))
    assert scale == [
        ["load", "200.0 ms", "2.00 s", "20.00 s", "200.00 s", "1.00"],
        ["analyse", "0.1 ms", "10.0 ms", "1.00 s", "100.00 s", "2.00"],
    ]
    web = table_rows(section(text, "bench_web"))
    assert web[0] == ["family page", "50.0 ms", "40.0 ms – 200.0 ms", "3", "—", "—",
                      "p95 <= 0.1 s", "**missed**"]  # fmt: skip
    assert web[2][-2:] == ["median <= 45 s, peak RSS <= 8.00 GB", "**missed**"]
    assert web[3][1:4] == ["—", "—", "0"] and web[3][-1] == "failed"
    first = table_rows(section(text, "bench_scale"))[0]
    assert first[4] == "10,000 contact rows; 50,000/s" and first[5] == "1 MB"  # 1,000,000 bytes
    assert "OSError: no java" in section(text, "bench_neo4j")
    assert section(text, "Missed targets").count("\n* ") == 4


def test_a_report_without_misses_says_so(tmp_path):
    report = build_report([ModuleResult("bench_maps", [Measurement("map", 0.1, [0.1], 1.0)])])
    assert report["missed"] == []
    assert "None." in section(markdown(report), "Missed targets")
    assert "## Scale" not in markdown(report)


def test_the_run_is_dated_by_its_start_and_its_commit():
    started = datetime(2026, 1, 2, 9, 30, tzinfo=UTC)
    report = build_report([], started=started, commit="0123abcd", note="", total_s=90.0)
    assert report["date"] == "2026-01-02T09:30:00+00:00" and report["commit"] == "0123abcd"
    text = markdown(report)
    assert "* started: 2026-01-02T09:30:00+00:00" in text and "* commit: 0123abcd" in text
    assert "* total time: 1.5 min" in text
