"""One real run of each scale stage on a tiny population, each in a process of its own."""

from __future__ import annotations

import json

import pytest

from bench import bench_scale
from bench.bench_scale import run, stage_measurement
from bench.stage import StageError, in_fresh_process
from journey.synthetic import generate

FAMILIES = 50


@pytest.fixture(scope="module")
def stages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scale")
    data, db = folder / "data", folder / "journey.db"
    generated = in_fresh_process("generate", families=FAMILIES, seed=1, data=data)
    loaded = in_fresh_process("load", data=data, db=db)
    analysed = in_fresh_process("analyse", db=db, out=folder / "analysis")
    return folder, generated, loaded, analysed


def test_the_stages_report_rows_times_and_memory(stages):
    folder, generated, loaded, analysed = stages
    rows = len(generate(FAMILIES, seed=1).contacts)
    assert generated["rows"] == rows and loaded["rows"] == rows
    for figures in (generated, loaded, analysed):
        assert figures["seconds"] > 0
        # More than an empty interpreter's ~10 MB; less than a whole machine.
        assert 20 * 1024**2 < figures["peak_rss"] < 8 * 1024**3
    assert generated["seconds"] == pytest.approx(generated["generate_s"] + generated["write_s"])
    assert (folder / "data" / "contacts.csv").is_file()
    summary = json.loads((folder / "analysis" / "summary.json").read_text(encoding="utf-8"))
    assert summary  # the whole command ran and wrote its results


def test_a_stage_measurement_from_the_runs(stages):
    _, generated, loaded, _ = stages
    m = stage_measurement("load", "10k", [loaded, loaded])
    assert m.rows == generated["rows"] and m.runs == [loaded["seconds"]] * 2
    assert m.peak_rss == loaded["peak_rss"] and m.series == "load" and m.met is None
    assert stage_measurement("load", "1M", [loaded]).target_text() == "median <= 20 s"


def test_a_failing_stage_raises_with_its_error_output():
    # An unknown option fails in the argument parser, before the stage imports pandas.
    with pytest.raises(StageError, match="(?s)load exited 2.*unrecognized arguments: --rows"):
        in_fresh_process("load", data="data", db="journey.db", rows=5)


def test_unknown_sizes_are_refused():
    with pytest.raises(ValueError, match="unknown sizes"):
        run(sizes=["5k"])


def test_a_failed_stage_is_recorded_and_the_next_size_still_runs(monkeypatch):
    calls = []

    def stage(name, **options):
        calls.append((name, options.get("families")))
        if name == "load" and len(calls) == 2:  # the first size's load fails
            raise StageError("load exited -9: killed")
        figures = {"rows": 10, "seconds": 1.0, "peak_rss": 1, "generate_s": 0.4, "write_s": 0.6}
        return figures if name != "analyse" else {"seconds": 2.0, "peak_rss": 3}

    monkeypatch.setattr(bench_scale, "in_fresh_process", stage)
    results = bench_scale.run(sizes=["10k", "100k"], repeat=1)
    assert [(m.series, m.error) for m in results[:4]] == [
        ("generate", None), ("write", None),
        ("load", "load exited -9: killed"), ("analyse", "load exited -9: killed"),
    ]  # fmt: skip
    assert [m.met for m in results[2:4]] == [False, False]
    assert [m.series for m in results[4:]] == ["generate", "write", "load", "analyse"]
    assert results[5].median_s == 0.6 and results[7].median_s == 2.0 and results[7].rows == 10
    assert calls[-1] == ("analyse", None) and ("generate", 4_000) in calls
