"""`journey loads`, load's --strict, --max-reject-share and --wait, and analyse's run check."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
from click.testing import CliRunner

from graph_loader.stores import open_store
from journey.store import LoadRecord
from web.cli import cli
from web.cli_loads import EXIT_TOO_MANY_REJECTS

CONTACTS = (
    "contact_id,person_id,family_id,agency,contact_type,occurred_at\n"
    "c1,p1,F1,Police,incident,2021-01-01\n"
    "c2,p1,F1,School,exclusion,2021-01-02\n"
    "c2,p1,F1,School,exclusion,2021-01-02\n"
    "c3,p2,F2,Kind Hearts Shop,visit,2021-01-03\n"
    "c4,p2,F2,GP,appointment,1899-12-30\n"
)


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def data(tmp_path):
    (tmp_path / "contacts.csv").write_text(CONTACTS)
    return tmp_path / "contacts.csv"


def _load(runner, data, store, *extra):
    args = ["load", str(data), "--store", store, "--rejects", str(data.parent), *extra]
    return runner.invoke(cli, args)


def test_load_prints_the_reconciliation_and_exits_3_over_the_reject_share(runner, data, tmp_path):
    store = f"sqlite:///{tmp_path / 'j.db'}"
    result = _load(runner, data, store)
    assert result.exit_code == EXIT_TOO_MANY_REJECTS == 3
    assert "contacts.csv: rows in 5 = loaded 3 + rejected 1 + duplicates 1" in result.output
    assert result.output.splitlines()[-1] == (
        "journey: error: contacts.csv rejected 1 of 5 rows (20.0%), more than "
        "--max-reject-share 5.0%; the valid rows were loaded and the rejects written"
    )
    opened = open_store(store, create=False)
    assert opened.counts()["contact_rows"] == 3  # the valid rows were written all the same
    opened.close()
    assert _load(runner, data, store, "--max-reject-share", "0.2").exit_code == 0


def test_load_strict_rejects_an_unknown_agency(runner, data, tmp_path):
    result = _load(runner, data, f"sqlite:///{tmp_path / 's.db'}", "--strict",
                   "--max-reject-share", "1")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "rows in 5 = loaded 2 + rejected 2 + duplicates 1" in result.output
    assert "Kind Hearts Shop" not in result.output  # rejected, so no "kept as written" warning
    assert ",C114," in (data.parent / "contacts.rejects.csv").read_text()


def test_loads_lists_runs_newest_first_with_checksums(runner, data, tmp_path):
    store = f"sqlite:///{tmp_path / 'l.db'}"
    assert runner.invoke(cli, ["loads", "--store", store]).exit_code == 1  # no such store yet
    _load(runner, data, store, "--max-reject-share", "1")
    opened = open_store(store, create=False)
    opened.start_run([LoadRecord("next/contacts.csv", datetime(2030, 1, 1), None, 1, 1, 0)])
    opened.close()
    result = runner.invoke(cli, ["loads", "--store", store])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    assert lines[0] == (
        "run 2  started 2030-01-01T00:00:00  UNFINISHED (stopped part-way, or still writing)"
    )
    assert lines[1] == "  next/contacts.csv: rows in 1 = loaded 1 + rejected 0 + duplicates 0"
    assert lines[2].startswith("run 1  started ") and " finished " in lines[2]
    assert lines[3] == (
        f"  {data}: rows in 5 = loaded 3 + rejected 1 + duplicates 1  sha256 {digest[:12]}…  "
        f"(rejects: {data.parent / 'contacts.rejects.csv'})"
    )


def test_loads_of_an_empty_store_says_so(runner, tmp_path):
    store = f"sqlite:///{tmp_path / 'e.db'}"
    open_store(store).close()
    result = runner.invoke(cli, ["loads", "--store", store])
    assert (result.exit_code, result.output) == (0, f"{store}: nothing has been loaded yet\n")


def test_analyse_warns_on_an_unfinished_latest_load_and_refuses_with_strict(runner, data,
                                                                           tmp_path):  # fmt: skip
    store = f"sqlite:///{tmp_path / 'a.db'}"
    _load(runner, data, store, "--max-reject-share", "1")
    out = str(tmp_path / "out")
    clean = runner.invoke(cli, ["analyse", "--store", store, "--out", out, "--strict"])
    assert clean.exit_code == 0 and "warning" not in clean.output
    opened = open_store(store, create=False)
    opened.start_run([LoadRecord("more.csv", datetime(2030, 1, 1), None, 1, 1, 0)])
    opened.close()
    warned = runner.invoke(cli, ["analyse", "--store", store, "--out", out])
    assert warned.exit_code == 0
    assert warned.output.splitlines()[0] == (
        f"journey: warning: {store}: the latest load (run 2, started 2030-01-01T00:00:00) did "
        "not finish: the store may hold only part of it; load the same files again to complete it"
    )
    refused = runner.invoke(cli, ["analyse", "--store", store, "--out", out, "--strict"])
    assert refused.exit_code == 1
    assert refused.output.splitlines() == [
        warned.output.splitlines()[0].replace("journey: warning:", "journey: error:")
    ]


def test_the_load_option_defaults_are_the_librarys():
    import inspect

    from graph_loader.load import load_path

    defaults = {p.name: p.default for p in inspect.signature(load_path).parameters.values()}
    options = {p.name: p.default for p in cli.commands["load"].params}
    assert options["max_reject_share"] == defaults["max_reject_share"] == 0.05
    assert options["wait_seconds"] == defaults["wait_seconds"] == 120
    assert defaults["strict"] is False


def test_serve_warns_when_the_latest_load_did_not_finish(runner, tmp_path):
    import socket

    store = f"sqlite:///{tmp_path / 'v.db'}"
    opened = open_store(store)
    opened.start_run([LoadRecord("part.csv", datetime(2030, 1, 1), None, 1, 1, 0)])
    opened.close()
    with socket.socket() as taken:  # the server then stops at once, after the warning
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(cli, ["serve", "--store", store, "--port", str(port)])
    assert result.output.splitlines()[0].startswith(
        f"journey: warning: {store}: the latest load (run 1, started 2030-01-01T00:00:00) did "
        "not finish"
    )
