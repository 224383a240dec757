"""The command line through click's runner: help, errors, exit statuses, and the docs in step."""

from __future__ import annotations

import re
from pathlib import Path

import click
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


def cli_options(command: click.Command) -> set[str]:
    return {opt for param in command.params for opt in param.opts if opt.startswith("--")}


def readme_commands_section() -> str:
    return README.read_text().split("\n## Commands\n")[1].split("\n## ")[0]


def readme_parameter_rows() -> dict[str, str]:
    """The analysis parameters table: option -> its default cell, backticks removed."""
    rows = re.findall(r"^\| `(--[a-z-]+)` \| ([^|]+) \|", readme_commands_section(), re.MULTILINE)
    return {option: default.strip().strip("`") for option, default in rows}


def readme_command_options() -> dict[str, set[str]]:
    """Each command's row of the Commands table: the options its usage cell shows.

    ``[analysis parameters]`` stands for every option of the analysis parameters table.
    """
    rows = re.findall(r"^\| `journey (\w+)([^`]*)` \|", readme_commands_section(), re.MULTILINE)
    commands = {}
    for name, usage in rows:
        options = set(re.findall(r"--[a-z][a-z-]*", usage))
        if "[analysis parameters]" in usage:
            options |= set(readme_parameter_rows())
        commands[name] = options
    return commands


def test_readme_commands_table_shows_exactly_each_commands_options():
    documented = readme_command_options()
    defined = {name: cli_options(command) for name, command in cli.commands.items()}
    assert set(documented) == set(defined), "the Commands table and the CLI list other commands"
    for name, options in defined.items():
        assert documented[name] == options, (
            f"journey {name}: README lacks {sorted(options - documented[name])}, "
            f"shows options the CLI does not define: {sorted(documented[name] - options)}"
        )


def test_readme_analysis_parameters_show_the_cli_defaults():
    from journey.taxonomy import default_taxonomy

    rows = readme_parameter_rows()
    analyse = {param.opts[0]: param for param in cli.commands["analyse"].params}
    for option, default in rows.items():
        expected = "shipped" if option == "--taxonomy" else str(analyse[option].default)
        assert default == expected, f"README gives {option} the default {default}"
    indicator_row = next(
        line for line in readme_commands_section().splitlines()
        if line.startswith("| `--indicator-set`")
    )  # fmt: skip
    for name in default_taxonomy().indicator_sets:
        assert f"`{name}`" in indicator_row, f"README does not list the shipped set {name}"


SHARED_OPTIONS = ["--store", "--taxonomy", "--host", "--port", "--families", "--seed"]


@pytest.mark.parametrize("option", SHARED_OPTIONS)
def test_a_shared_option_means_the_same_in_every_command(option):
    """Defined once: the same type, metavar and help wherever it appears."""
    seen = {}
    for name, command in cli.commands.items():
        ctx = click.Context(command, info_name=name)
        for param in command.params:
            if option in param.opts:
                seen[name] = (param.name, repr(param.type), param.metavar, param.help)
                assert param.get_help_record(ctx)[1], f"{option} of journey {name} has no help"
    assert len(seen) >= 2, f"{option} is not shared"
    assert len(set(seen.values())) == 1, seen


def test_demo_store_defaults_to_the_demo_store_and_says_so(runner):
    from web.cli import DEMO_STORE

    store = next(p for p in cli.commands["demo"].params if p.name == "store_url")
    assert store.default == DEMO_STORE
    assert DEMO_STORE in runner.invoke(cli, ["demo", "--help"]).output
    assert "$JOURNEY_STORE" in runner.invoke(cli, ["serve", "--help"]).output


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
    result = runner.invoke(cli, ["load", str(folder), "--store", store, "--rejects",
                                 str(tmp_path / "r"), "--max-reject-share", "0.5"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "contacts.csv: rows in 2 = loaded 1 + rejected 1 + duplicates 0" in result.output
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
        (["load", "{tmp}/in", "--store", "neo4j://127.0.0.1:9"], 1, "cannot reach Neo4j"),
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


def test_serve_on_a_taken_port_is_one_clear_line(runner, tmp_path, monkeypatch):
    import socket

    from graph_loader.accounts import open_accounts
    from graph_loader.stores import open_store

    store_url = f"sqlite:///{tmp_path / 'j.db'}"
    open_store(store_url).close()
    accounts, _ = open_accounts(store_url)
    accounts.add_user("admin", "admin", "an admin test password")
    accounts.close()
    monkeypatch.setenv("JOURNEY_SECRET_KEY", "x" * 32)
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


@pytest.fixture
def loaded_store(runner, tmp_path):
    folder = write_folder(tmp_path / "in", GOOD)
    store = f"sqlite:///{tmp_path / 'j.db'}"
    result = runner.invoke(cli, ["load", str(folder), "--store", store, "--rejects", str(tmp_path),
                                 "--max-reject-share", "1"])  # fmt: skip
    assert result.exit_code == 0, result.output
    return store


def test_analyse_says_how_many_touched_families_it_refreshed(runner, tmp_path, loaded_store):
    from graph_loader.stores import open_store

    with open_store(loaded_store) as store:
        families = len(store.touched_families())
    assert families > 0  # the load marked every family it added
    first = runner.invoke(cli, ["analyse", "--store", loaded_store])
    assert first.exit_code == 0, first.output
    noun = "family" if families == 1 else "families"
    assert first.output.splitlines()[-1] == (
        f"refreshed the results of {families} {noun} touched by loads since the last analyse"
    )
    again = runner.invoke(cli, ["analyse", "--store", loaded_store]).output.splitlines()[-1]
    assert again.startswith("refreshed the results of 0 families")


LOCAL_SET = """
[indicator_sets.local2024]
label = "A council's own set"
min_indicators = 1

[indicator_sets.local2024.indicators]
police_contact = "Known to the police"

[[indicator_sets.local2024.rules]]
indicator = "police_contact"
sectors = ["police"]
"""


def test_analyse_help_lists_the_shipped_indicator_sets(runner):
    from journey.taxonomy import default_taxonomy

    shown = runner.invoke(cli, ["analyse", "--help"]).output
    names = list(default_taxonomy().indicator_sets)
    assert names and all(name in shown for name in names)


def test_an_indicator_set_the_taxonomy_lacks_is_one_line_and_exit_2(runner, tmp_path, loaded_store):
    out = tmp_path / "out"
    args = ["analyse", "--store", loaded_store, "--out", str(out), "--indicator-set", "local2024"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [
        "journey: error: --indicator-set 'local2024': no such indicator set in the shipped "
        "taxonomy (known: tf2015, sf2022)"
    ]
    assert not out.exists()


def test_an_indicator_set_of_the_given_taxonomy_is_accepted(runner, tmp_path, loaded_store):
    import json
    from importlib import resources

    shipped = resources.files("journey.data").joinpath("taxonomy.toml").read_text("utf-8")
    taxonomy = tmp_path / "council.toml"
    taxonomy.write_text(shipped + LOCAL_SET)
    out = tmp_path / "out"
    args = ["analyse", "--store", loaded_store, "--out", str(out), "--taxonomy", str(taxonomy)]
    result = runner.invoke(cli, [*args, "--indicator-set", "local2024"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["parameters"]["indicator_set"] == "local2024"
    # One police contact: eligible under the council's set (1 of 1), not under tf2015 (2 of 6).
    assert summary["counts"]["eligible_families"] == 1

    result = runner.invoke(cli, [*args, "--indicator-set", "nope"])
    assert result.exit_code == 2
    assert f"'nope': no such indicator set in {taxonomy} (known: tf2015, sf2022, local2024)" in (
        result.output
    )
