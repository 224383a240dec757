"""``journey users`` through the CLI runner, against a real store file, and in the README."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from graph_loader.accounts import open_accounts
from tests.paths import README
from web.cli import cli

PASSWORD = "a long cli password"


@pytest.fixture
def store_url(tmp_path):
    return f"sqlite:///{tmp_path / 'council.db'}"


def journey(*args, stdin=None):
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_users_are_added_from_stdin_or_a_prompt_and_listed(store_url):
    added = journey("users", "add", "ann", "--role", "admin", "--store", store_url,
                    "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "added ann (admin: everything" in added.output
    prompted = journey("users", "add", "bob", "--role", "designer", "--store", store_url,
                       stdin=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    assert prompted.exit_code == 0 and PASSWORD not in prompted.output  # never echoed
    listed = journey("users", "list", "--store", store_url).output.splitlines()
    assert listed[0].split() == ["name", "role", "status", "added"]
    assert [line.split()[:3] for line in listed[1:]] == [
        ["ann", "admin", "active"], ["bob", "designer", "active"]]  # fmt: skip
    accounts, audit = open_accounts(store_url)
    assert accounts.sign_in("bob", PASSWORD).ok
    assert [e.actor.startswith("cli:") for e in audit.events(action="user-add")] == [True, True]
    accounts.close()


def test_role_disable_enable_password_and_caseload(store_url):
    journey("users", "add", "ann", "--role", "admin", "--store", store_url, "--password-stdin",
            stdin=PASSWORD)  # fmt: skip
    journey("users", "add", "kay", "--role", "analyst", "--store", store_url, "--password-stdin",
            stdin=PASSWORD)  # fmt: skip
    assert journey("users", "set-role", "kay", "keyworker", "--store", store_url).exit_code == 0
    result = journey("users", "set-caseload", "kay", "F001", "F002", "--store", store_url)
    assert result.output.strip() == "kay's caseload: 2 families"
    assert journey("users", "disable", "kay", "--store", store_url).exit_code == 0
    accounts, _ = open_accounts(store_url)
    assert accounts.sign_in("kay", PASSWORD).outcome == "disabled"
    accounts.close()
    journey("users", "enable", "kay", "--store", store_url)
    journey("users", "reset-password", "kay", "--store", store_url, "--password-stdin",
            stdin="another long password\n")  # fmt: skip
    accounts, audit = open_accounts(store_url)
    assert accounts.user("kay").role == "keyworker"
    assert accounts.sign_in("kay", "another long password").ok
    assert [e.action for e in audit.events()][:5] == [
        "user-password", "user-enable", "user-disable", "user-caseload", "user-role"]  # fmt: skip
    accounts.close()


@pytest.mark.parametrize(
    "args, message",
    [
        (["users", "add", "ann", "--role", "admin", "--password-stdin"], "at least 12 characters"),
        (["users", "set-role", "nobody", "admin"], "there is no user called 'nobody'"),
        (["users", "add", "ann", "--role", "boss", "--password-stdin"], "Invalid value"),
    ],
)
def test_mistakes_are_one_line_and_a_failing_exit(store_url, args, message):
    result = journey(*args, "--store", store_url, stdin="short\n")
    assert result.exit_code != 0 and message in result.output
    assert "Traceback" not in result.output


def test_the_readme_names_every_users_command_and_option():
    from web.cli_users import users

    row = next(line for line in README.read_text().splitlines()
               if line.startswith("| `journey users COMMAND`"))  # fmt: skip
    for name, command in users.commands.items():
        usage = re.search(rf"`{name}( [^`]*)?`", row)
        assert usage, f"README does not show `journey users {name}`"
        options = {o for p in command.params for o in p.opts if o.startswith("--")}
        shown = set(re.findall(r"--[a-z-]+", usage.group(0))) | {"--store"}
        assert options <= shown, (name, options - shown)


def test_a_neo4j_stores_accounts_go_to_the_side_file_the_command_names(tmp_path, monkeypatch):
    side = tmp_path / "side-accounts.db"
    monkeypatch.setenv("JOURNEY_ACCOUNTS", str(side))
    # no server is needed: the accounts of a Neo4j store never touch the graph
    added = journey("users", "add", "ann", "--role", "admin", "--store", "bolt://127.0.0.1:9",
                    "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert f"are kept in {side.resolve()}" in added.output
    accounts, _ = open_accounts("bolt://127.0.0.1:9")
    assert accounts.sign_in("ann", PASSWORD).ok
    accounts.close()
