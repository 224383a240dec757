"""Operations on the command line: ``journey flags`` (partner flag files) and ``journey triage``.

Registered on the ``journey`` group by :func:`register` (one line of
:mod:`web.cli`); each command parses its options, calls one library function
and prints a short summary. See docs/operations.md.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click
import pandas as pd

from journey.errors import NotFoundError, ParameterError

__all__ = ["register", "store_day"]


def store_day(store) -> pd.Timestamp:
    """The day of the store's latest contact (what "today" is for an extract), at midnight.

    Raises :class:`~journey.errors.NotFoundError` for a store without contacts.
    """
    last = store.date_range()[1]
    if last is None:
        raise NotFoundError("the store holds no contacts; run `journey load` first")
    return pd.Timestamp(last).normalize()


def _day_option(value: str | None, name: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        return pd.Timestamp(datetime.fromisoformat(value)).normalize()
    except ValueError:
        raise ParameterError(f"{name}: {value!r} is not an ISO 8601 date (YYYY-MM-DD)") from None


def _record(store_url: str, action: str, subject: str) -> None:
    """Record a file written in the store's audit log (actor: the operating-system user)."""
    import getpass

    from graph_loader.accounts import open_accounts

    accounts, audit = open_accounts(store_url)
    try:
        audit.record(action, actor=f"cli:{getpass.getuser()}", subject=subject, address="local")
    finally:
        accounts.close()


def _flags_command(store_option, handles_errors, open_store: Callable[..., Any]):
    @click.command()
    @click.option("--agency", required=True, metavar="AGENCY",
                  help="The partner agency, as the taxonomy names it or an alias (Police, DWP).")
    @click.option("--as-of", "as_of", metavar="DATE", default=None,
                  help="The day of the file (default: the day of the store's latest contact).")
    @click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
                  help="The CSV file to write.")
    @store_option()
    @handles_errors
    def flags(agency: str, as_of: str | None, out: str, store_url: str | None) -> None:
        """Write one partner agency's flag file: its people in families known to the programme.

        Columns person_id, family_id, status, contact_ids, source_system; only
        that agency's own contacts, no indicators. Prints a count per status
        and records the file in the audit log.

        \b
        Example:
          journey flags --agency Police --out police-flags.csv
        """
        from journey.csv_export import write_csv
        from journey.flags import partner_flags, status_counts
        from journey.store import ContactFilter
        from journey.taxonomy import default_taxonomy

        name, _, known = default_taxonomy().canonical_agency(agency)
        store = open_store(store_url, create=False)
        try:
            day = _day_option(as_of, "--as-of") or store_day(store)
            contacts = store.contacts(ContactFilter(agency=name))
            if contacts.empty:
                hint = "" if known else " (not an agency of the taxonomy)"
                raise ParameterError(f"--agency: no contact of {name!r} in the store{hint}")
            found = partner_flags(contacts, store.lead_periods(), store.result("eligibility"),
                                  agency=name, as_of=day)  # fmt: skip
            write_csv(found, out)
            url = store.url
        finally:
            store.close()
        _record(url, "flag-file", f"{name} as of {day:%Y-%m-%d}: {Path(out).name}")
        click.echo(f"wrote {len(found):,} people of {found['family_id'].nunique():,} families "
                   f"to {out} ({name}, as of {day:%Y-%m-%d})")  # fmt: skip
        for kind, count in status_counts(found).items():
            click.echo(f"  {kind}: {count:,}")

    return flags


def _time_option(value: str | None, name: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        return pd.Timestamp(datetime.fromisoformat(value)).tz_localize(None)
    except ValueError:
        raise ParameterError(
            f"{name}: {value!r} is not an ISO 8601 date or date-time (YYYY-MM-DDTHH:MM)"
        ) from None


def _triage_command(store_option, handles_errors, open_store: Callable[..., Any]):
    @click.command()
    @click.option("--since", metavar="DATETIME", default=None,
                  help="List contacts at or after this time (default: 08:00 the previous "
                  "working day; the morning after the store's latest one when it has none since).")
    @click.option("--until", metavar="DATETIME", default=None,
                  help="List contacts before this time (default: no end).")
    @click.option("--types", metavar="TYPE,...", default="domestic_incident", show_default=True,
                  help="The contact types listed, comma-separated.")
    @click.option("--out", "out", default=None, type=click.Path(dir_okay=False),
                  help="Also write the list as CSV.")
    @store_option()
    @handles_errors
    def triage(since: str | None, until: str | None, types: str, out: str | None,
               store_url: str | None) -> None:
        """The morning triage list: a row per family with a listed contact, highest priority first.

        \b
        Example:
          journey triage --since 2022-12-30T08:00 --out triage.csv
        """
        from journey.csv_export import write_csv
        from journey.taxonomy import default_taxonomy
        from journey.triage_window import triage_list

        wanted = tuple(t.strip() for t in types.split(",") if t.strip())
        if not wanted:
            raise ParameterError("--types: give at least one contact type")
        store = open_store(store_url, create=False)
        url = store.url
        try:
            found = triage_list(store, taxonomy=default_taxonomy(),
                                since=_time_option(since, "--since"),
                                until=_time_option(until, "--until"), types=wanted)
        finally:
            store.close()
        if found.note:
            click.echo(found.note)
        frame = found.families
        noun = "family" if len(frame) == 1 else "families"
        click.echo(f"{len(frame):,} {noun} with {', '.join(wanted)} since "
                   f"{found.since:%Y-%m-%d %H:%M}" + (
                       f" until {found.until:%Y-%m-%d %H:%M}" if found.until is not None else ""))
        for row in frame.head(20).itertuples():
            click.echo(f"  {row.priority:>3}  {row.family_id}  {row.contacts} contact(s)  "
                       f"{row.priority_factors}")
        if out:
            write_csv(frame, out)
            _record(url, "export", f"triage CSV from {found.since:%Y-%m-%d %H:%M}: "
                                   f"{Path(out).name}")
            click.echo(f"wrote {out}")

    return triage


def register(cli: click.Group, *, store_option, handles_errors,
             open_store: Callable[..., Any]) -> None:
    """Add ``journey flags`` and ``journey triage`` to the ``journey`` group."""
    cli.add_command(_flags_command(store_option, handles_errors, open_store))
    cli.add_command(_triage_command(store_option, handles_errors, open_store))
