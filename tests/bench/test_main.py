"""`python -m bench`: every chosen module runs, a failing one is recorded, the report is written."""

from __future__ import annotations

import json
import sys
import types

import pytest

import bench.__main__ as command
from bench.common import Measurement

CALLS: list[dict] = []


def _module(name: str, run) -> types.ModuleType:
    module = types.ModuleType(f"bench.{name}")
    module.run = run
    return module


def _scale(sizes=None, repeat=None, quick=False):
    CALLS.append({"sizes": sizes, "repeat": repeat, "quick": quick})
    return [Measurement("stage", 2.0, [2.0], 3.0)]


def _slow():
    return [Measurement("slow work", 2.0, [2.0], 1.0)]


def _broken():
    raise ZeroDivisionError("no rows to divide by")


@pytest.fixture
def fake_modules(monkeypatch):
    fakes = {"bench_fake_scale": _scale, "bench_fake_slow": _slow, "bench_fake_broken": _broken}
    for name, run in fakes.items():
        monkeypatch.setitem(sys.modules, f"bench.{name}", _module(name, run))
    monkeypatch.setattr(command, "module_names", lambda: sorted(fakes))
    CALLS.clear()


def test_a_failing_module_is_recorded_and_the_others_still_run(fake_modules, tmp_path):
    status = command.main(["--out", str(tmp_path), "--note", "trying"])
    assert status == 1
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    by_name = {m["name"]: m for m in report["modules"]}
    assert list(by_name) == ["bench_fake_broken", "bench_fake_scale", "bench_fake_slow"]
    assert "ZeroDivisionError: no rows to divide by" in by_name["bench_fake_broken"]["error"]
    assert by_name["bench_fake_scale"]["measurements"][0]["met"] is True
    assert by_name["bench_fake_slow"]["measurements"][0]["met"] is False
    assert len(report["missed"]) == 2 and report["note"] == "trying"
    assert "ZeroDivisionError" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_the_options_reach_the_modules_that_take_them(fake_modules, tmp_path):
    status = command.main(["scale", "--sizes", "10k,1M", "--repeat", "2", "--quick",
                           "--out", str(tmp_path)])  # fmt: skip
    assert status == 0  # only the chosen module ran, and it met its target
    assert CALLS == [{"sizes": ["10k", "1M"], "repeat": 2, "quick": True}]
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert [m["name"] for m in report["modules"]] == ["bench_fake_scale"]
    assert report["arguments"][0] == "scale" and report["missed"] == []
    assert report["commit"] is None or len(report["commit"].split("+")[0]) == 40


def test_the_real_modules_are_found():
    names = command.module_names()
    assert {"bench_scale", "bench_load", "bench_analyse"} <= set(names)
    assert "bench_generate" not in names  # the scale stages time generation
