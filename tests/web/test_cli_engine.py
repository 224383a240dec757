"""``journey analyse --engine`` and ``journey export contacts`` through click's runner."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from graph_loader.stores import open_store
from web.cli import cli


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    """A store of 80 synthetic families, through `journey generate` and `journey load`."""
    folder = tmp_path_factory.mktemp("engine")
    url = f"sqlite:///{folder / 'journey.db'}"
    runner = CliRunner()
    for args in (["generate", "--families", "80", "--seed", "2", "--out", str(folder / "data")],
                 ["load", str(folder / "data"), "--store", url]):  # fmt: skip
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return url


@pytest.fixture(scope="module")
def parquet(store_url, tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "contacts"
    result = CliRunner().invoke(cli, ["export", "contacts", "--format", "parquet",
                                      "--partition-by", "family", "--partitions", "3",
                                      "--identified", "--out", str(out),
                                      "--store", store_url])  # fmt: skip
    assert result.exit_code == 0, result.output
    return out, result.output


def _analyse(store_url, out, *options):
    return CliRunner().invoke(cli, ["analyse", "--store", store_url, "--out", str(out), *options])


def _headline(output: str) -> str:
    """The run's headline without its time."""
    return output.splitlines()[1].rsplit(" (", 1)[0]


def _one_line_error(result, status: int, words: str) -> None:
    assert result.exit_code == status, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("journey: error: ") and words in lines[0]


def test_the_contacts_export_writes_files_of_whole_families_and_is_audited(store_url, parquet):
    from web.cli_users import _accounts

    out, said = parquet
    manifest = json.loads((out / "manifest.json").read_text())
    assert said.startswith("wrote ") and "(identified)" in said and "3 Parquet files" in said
    assert [f["file"] for f in manifest["files"]] == sorted(p.name for p in out.glob("*.parquet"))
    assert sum(f["rows"] for f in manifest["files"]) == manifest["rows"]
    with _accounts(store_url) as (_, audit):
        subjects = [event.subject for event in audit.events(action="export")]
    families = manifest["families"]
    assert subjects == [f"parquet of the contacts of {families:,} families (identified)"]


def test_the_contacts_export_asks_for_identified_and_writes_nothing_without(store_url, tmp_path):
    result = CliRunner().invoke(cli, ["export", "contacts", "--format", "parquet",
                                      "--partition-by", "family", "--out", str(tmp_path / "c"),
                                      "--store", store_url])  # fmt: skip
    _one_line_error(result, 2, "give --identified")
    assert not (tmp_path / "c").exists()
    help_text = CliRunner().invoke(cli, ["export", "contacts", "--help"]).output
    assert "identified" in help_text and "journey export contacts" in help_text


def test_dask_with_an_export_writes_what_the_local_engine_writes(store_url, parquet, tmp_path):
    local = _analyse(store_url, tmp_path / "local")
    assert local.exit_code == 0, local.output
    on_dask = _analyse(store_url, tmp_path / "dask", "--engine", "dask", "--workers", "1",
                       "--parquet", str(parquet[0]))  # fmt: skip
    assert on_dask.exit_code == 0, on_dask.output
    assert _headline(on_dask.output) == _headline(local.output)
    for path in sorted((tmp_path / "local").glob("*.csv")):
        assert path.read_bytes() == (tmp_path / "dask" / path.name).read_bytes(), path.name
    store = open_store(store_url, create=False)
    try:
        assert "cluster" in store.results_meta()["step_seconds"]  # the Dask run's, stored
    finally:
        store.close()


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler: only with --engine dask"),
        (["--workers", "2", "--parquet", "x"], "--workers, --parquet: only with --engine dask"),
        (["--engine", "dask", "--scheduler", "127.0.0.1:8786", "--parquet", "x"],
         "not a scheduler address (tcp://host:8786)"),
        (["--engine", "dask", "--scheduler", "tcp://there:8786"], "give --parquet DIR"),
        (["--engine", "dask", "--scheduler", "tcp://there:8786", "--workers", "2",
          "--parquet", "x"], "--workers: the scheduler's cluster has its own workers"),
        (["--engine", "spark"], None),
    ],
)  # fmt: skip
def test_options_that_do_not_go_together_are_one_line_and_exit_2(store_url, tmp_path, options,
                                                                  words):
    result = _analyse(store_url, tmp_path / "out", *options)
    if words is None:  # click's own refusal of a choice
        assert result.exit_code == 2 and "'spark' is not one of 'local', 'dask'" in result.output
    else:
        _one_line_error(result, 2, words)
    assert not (tmp_path / "out").exists()


def test_an_unreachable_scheduler_is_one_line_and_exit_1(store_url, parquet, tmp_path):
    result = _analyse(store_url, tmp_path / "out", "--engine", "dask", "--scheduler",
                      "tcp://127.0.0.1:9", "--parquet", str(parquet[0]))  # fmt: skip
    _one_line_error(result, 1, "cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert not (tmp_path / "out").exists()


def test_a_missing_export_folder_is_one_line_and_exit_2(store_url, tmp_path):
    result = _analyse(store_url, tmp_path / "out", "--engine", "dask", "--workers", "1",
                      "--parquet", str(tmp_path / "nowhere"))  # fmt: skip
    _one_line_error(result, 2, "no Parquet export of contacts here")


def test_without_dask_the_one_line_says_how_to_install_it(store_url, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    result = _analyse(store_url, tmp_path / "out", "--engine", "dask")
    _one_line_error(result, 1, "pip install journey-graph[dask]")
