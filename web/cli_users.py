"""``journey users``: add, list and change the accounts that may sign in to the web app.

Registered on the ``journey`` group by one line of :mod:`web.cli`. Each
change is recorded in the audit log with the operating-system user who ran
the command as its actor. Passwords are prompted for (twice, not echoed), or
read from the first line of standard input with ``--password-stdin`` (for
scripts); never from an option, which would leave them in the shell's history.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from journey.access import ROLE_DESCRIPTIONS, ROLES
from web.cli_common import handles_errors, store_option

__all__ = ["users", "record_load", "record_export"]

_password_stdin = click.option(
    "--password-stdin", is_flag=True,
    help="Read the password from the first line of standard input instead of prompting.",
)  # fmt: skip
_role = click.Choice(ROLES)


@contextmanager
def _accounts(store_url: str | None) -> Iterator[tuple]:
    """The accounts and audit log of the store (an embedded store file is created if new)."""
    from graph_loader.accounts import open_accounts
    from graph_loader.stores import default_store_url, open_store

    url = store_url or default_store_url()
    if url.startswith("sqlite:///"):
        open_store(url).close()  # a new file becomes a journey store first, then gains accounts
    accounts, audit = open_accounts(url)
    try:
        yield accounts, audit
    finally:
        accounts.close()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _record(audit, action: str, subject: str) -> None:
    audit.record(action, actor=f"cli:{getpass.getuser()}", subject=subject, address="local")


def record_export(store_url: str | None, subject: str) -> None:
    """Record a ``journey export`` of ``subject`` in the store's audit log."""
    with _accounts(store_url) as (_, audit):
        _record(audit, "export", subject)


def record_load(store_url: str | None, path: str) -> None:
    """Record a ``journey load`` of ``path`` in the store's audit log."""
    with _accounts(store_url) as (_, audit):
        _record(audit, "load", path)


@click.group()
def users() -> None:
    """Accounts of the web app: add, list, set-role, disable, enable, reset-password, set-caseload.

    \b
    Roles:
      admin         everything, and users, uploads and the audit log
      analyst       identified family-level data
      commissioner  aggregates and de-identified journeys
      designer      de-identified journeys and exports
      keyworker     identified data of the families on their own caseload only
    \b
    Example:
      journey users add a.smith --role analyst --store sqlite:///council.db
    """


@users.command("add")
@click.argument("name")
@click.option("--role", type=_role, required=True, help="What the user may see (see above).")
@store_option()
@_password_stdin
@handles_errors
def add(name: str, role: str, store_url: str | None, password_stdin: bool) -> None:
    """Add a user who signs in with NAME and a password of at least 12 characters.

    \b
    Example:
      echo "$PASSWORD" | journey users add a.smith --role analyst --password-stdin
    """
    with _accounts(store_url) as (accounts, audit):
        user = accounts.add_user(name, role, _password(password_stdin))
        _record(audit, "user-add", f"{user.name} ({user.role})")
    click.echo(f"added {user.name} ({user.role}: {ROLE_DESCRIPTIONS[user.role]})")
    _say_where_accounts_live(store_url)


def _say_where_accounts_live(store_url: str | None) -> None:
    """A Neo4j store's accounts are in a side file: say which, so `serve` is run beside it."""
    from graph_loader.accounts import accounts_path
    from graph_loader.stores import default_store_url

    url = store_url or default_store_url()
    if not url.startswith("sqlite:///"):
        where = accounts_path(url).resolve()
        click.echo(f"accounts of {url} are kept in {where}; serve from that folder or set "
                   "JOURNEY_ACCOUNTS to it")  # fmt: skip


@users.command("list")
@store_option()
@handles_errors
def list_users(store_url: str | None) -> None:
    """List every user: name, role, whether they can sign in, when they were added.

    \b
    Example:
      journey users list --store sqlite:///council.db
    """
    with _accounts(store_url) as (accounts, _):
        listed = accounts.users()
    width = max([len(u.name) for u in listed] + [4])
    click.echo(f"{'name':<{width}}  {'role':<12}  {'status':<8}  added")
    for user in listed:
        status = "disabled" if user.disabled else "active"
        added = f"{user.created_at:%Y-%m-%d}"
        click.echo(f"{user.name:<{width}}  {user.role:<12}  {status:<8}  {added}")


@users.command("set-role")
@click.argument("name")
@click.argument("role", type=_role)
@store_option()
@handles_errors
def set_role(name: str, role: str, store_url: str | None) -> None:
    """Give NAME another ROLE; their open sessions end.

    \b
    Example:
      journey users set-role a.smith commissioner
    """
    with _accounts(store_url) as (accounts, audit):
        accounts.set_role(name, role)
        _record(audit, "user-role", f"{name} ({role})")
    click.echo(f"{name} is now {role}; their sessions ended")


@users.command("disable")
@click.argument("name")
@store_option()
@handles_errors
def disable(name: str, store_url: str | None) -> None:
    """Stop NAME signing in; every open session of theirs ends at once.

    \b
    Example:
      journey users disable a.smith
    """
    with _accounts(store_url) as (accounts, audit):
        accounts.set_disabled(name, True)
        _record(audit, "user-disable", name)
    click.echo(f"{name} is disabled; their sessions ended")


@users.command("enable")
@click.argument("name")
@store_option()
@handles_errors
def enable(name: str, store_url: str | None) -> None:
    """Let a disabled NAME sign in again.

    \b
    Example:
      journey users enable a.smith
    """
    with _accounts(store_url) as (accounts, audit):
        accounts.set_disabled(name, False)
        _record(audit, "user-enable", name)
    click.echo(f"{name} can sign in again")


@users.command("reset-password")
@click.argument("name")
@store_option()
@_password_stdin
@handles_errors
def reset_password(name: str, store_url: str | None, password_stdin: bool) -> None:
    """Give NAME a new password (lifting a lock-out); their open sessions end.

    \b
    Example:
      journey users reset-password a.smith
    """
    with _accounts(store_url) as (accounts, audit):
        accounts.reset_password(name, _password(password_stdin))
        _record(audit, "user-password", name)
    click.echo(f"{name} has a new password; their sessions ended")


@users.command("set-caseload")
@click.argument("name")
@click.argument("family_ids", nargs=-1)
@store_option()
@handles_errors
def set_caseload(name: str, family_ids: tuple[str, ...], store_url: str | None) -> None:
    """Replace keyworker NAME's caseload with FAMILY_IDS (none: an empty caseload).

    \b
    Example:
      journey users set-caseload k.jones F000012 F000345
    """
    with _accounts(store_url) as (accounts, audit):
        kept = accounts.set_caseload(name, list(family_ids))
        _record(audit, "user-caseload", name)
    click.echo(f"{name}'s caseload: {len(kept)} families")
