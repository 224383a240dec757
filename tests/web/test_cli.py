"""The command line through click's runner: help, errors, exit statuses, and the docs in step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.paths import README
from web.cli import cli

COMMANDS = sorted(cli.commands)


@pytest.fixture
def runner():
    return CliRunner()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself_with_an_example(runner, command):
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and f"journey {command}" in result.output


def test_readme_documents_every_command_and_option():
    text = README.read_text()
    for name, command in cli.commands.items():
        assert f"`journey {name}" in text, f"README does not document journey {name}"
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt not in {"--help"}:
                    assert opt in text, f"README does not mention {opt} of journey {name}"


def test_readme_quick_start_has_exactly_the_two_commands():
    quick = README.read_text().split("## Quick start")[1].split("\n## ")[0]
    commands = re.findall(r"^(make \w+)", quick, flags=re.MULTILINE)
    assert commands == ["make demo", "make test"]


def write_folder(folder: Path, contacts: str) -> Path:
    folder.mkdir()
    (folder / "contacts.csv").write_text(contacts)
    return folder


GOOD = (
    "contact_id,person_id,family_id,agency,contact_type,occurred_at\n"
    "c1,p1,F1,Police,incident,2021-01-01\n"
    "c2,p1,F1,School,exclusion,not-a-date\n"
)


def test_load_prints_reconciliation_and_rejects(runner, tmp_path):
    folder = write_folder(tmp_path / "in", GOOD)
    store = f"sqlite:///{tmp_path / 'j.db'}"
    result = runner.invoke(
        cli, ["load", str(folder), "--store", store, "--rejects", str(tmp_path / "r")]
    )
    assert result.exit_code == 0, result.output
    assert "contacts.csv: rows in 2 / loaded 1 / rejected 1" in result.output
    assert str(tmp_path / "r" / "contacts.rejects.csv") in result.output


def test_missing_column_exits_2_and_writes_nothing(runner, tmp_path):
    folder = write_folder(tmp_path / "in", "contact_id,person_id\nc1,p1\n")
    db = tmp_path / "j.db"
    result = runner.invoke(cli, ["load", str(folder), "--store", f"sqlite:///{db}"])
    assert result.exit_code == 2
    assert "contacts.csv" in result.output and "agency" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["load", "{tmp}/nowhere"], 2, "does not exist"),
        (["load", "{tmp}/in", "--store", "neo4j://localhost:7687"], 1, "not available yet"),
        (
            ["load", "{tmp}/in", "--store", "sqlite:///{tmp}/text.db"],
            1,
            "cannot open as a journey store",
        ),
        (["analyse", "--store", "sqlite:///{tmp}/absent.db"], 1, "no such store"),
        (["serve", "--store", "sqlite:///{tmp}/absent.db"], 1, "no such store"),
        (["load", "{tmp}/in", "--taxonomy", "{tmp}/none.toml"], 1, "cannot read taxonomy"),
        # Unwritable even for root: nothing can be created under /proc.
        (["load", "{tmp}/in", "--store", "sqlite:////proc/journey.db"], 1, "/proc/journey.db"),
    ],
)
def test_errors_are_one_clear_line(runner, tmp_path, args, status, message):
    write_folder(tmp_path / "in", GOOD)
    (tmp_path / "text.db").write_text("not sqlite")
    result = runner.invoke(cli, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == status, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_serve_on_a_taken_port_is_one_clear_line(runner, tmp_path):
    import socket

    from graph_loader.stores import open_store

    store_url = f"sqlite:///{tmp_path / 'j.db'}"
    open_store(store_url).close()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(cli, ["serve", "--store", store_url, "--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "Traceback" not in result.output


def test_analyse_options_are_the_library_parameters_with_their_defaults(runner):
    from dataclasses import asdict

    from journey.parameters import PARAMETER_HELP, AnalysisParameters

    options = {p.name: p.default for p in cli.commands["analyse"].params if p.name != "help"}
    defaults = asdict(AnalysisParameters())
    assert set(PARAMETER_HELP) == set(defaults)
    for name, default in defaults.items():
        assert options[name] == default
