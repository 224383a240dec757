"""`journey load`: read, validate and load files into a store (its own module: web/cli.py is full).

The command parses its options, builds the readers' options
(:class:`graph_loader.readers.ReadOptions`: a column mapping, the event-log
columns, a workbook's sheet) and calls :func:`graph_loader.load.load_path`
through the shared ``_load`` of :mod:`web.cli`, which prints the warnings and
one reconciliation line per file.
"""

from __future__ import annotations

import click
from click.core import ParameterSource

import web.cli_loads as cli_loads
import web.cli_users as cli_users
from web.cli import _load, cli, handles_errors, store_option, taxonomy_option

__all__ = ["load"]

# Parameter -> (option, field of EventLogColumns, its default, what the column holds). The
# defaults are EventLogColumns' (a test keeps them equal), written out so that `journey
# --help` need not import the readers and pandas.
_EVENTLOG_OPTIONS = {
    "case_column": ("--case-column", "case", "case:concept:name",
                    "the case id: each case becomes a family and its one person"),
    "agency_column": ("--agency-column", "agency", "org:group",
                      "the agency (a group or resource)"),
    "type_column": ("--type-column", "contact_type", "concept:name",
                    "the contact type (the activity)"),
    "time_column": ("--time-column", "occurred_at", "time:timestamp",
                    "when the event happened (ISO 8601, or the mapping's date_format)"),
}  # fmt: skip


def _eventlog_option(name: str):
    flag, _, default, meaning = _EVENTLOG_OPTIONS[name]
    return click.option(
        flag,
        name,
        metavar="COLUMN",
        default=default,
        show_default=True,
        help=f"With --format eventlog: the column (XES attribute) of {meaning}.",
    )


def _reading(ctx: click.Context, mapping_path: str | None, format_name: str | None,
             sheet: str | None, columns: dict[str, str]):  # fmt: skip
    """The readers' options; an event-log option without --format eventlog is refused."""
    from graph_loader.readers import EventLogColumns, ReadOptions, load_mapping

    given = [_EVENTLOG_OPTIONS[n][0] for n in columns
             if ctx.get_parameter_source(n) is ParameterSource.COMMANDLINE]  # fmt: skip
    if given and format_name != "eventlog":
        raise click.UsageError(f"{', '.join(given)} need(s) --format eventlog")
    eventlog = EventLogColumns(**{_EVENTLOG_OPTIONS[n][1]: v for n, v in columns.items()})
    mapping = load_mapping(mapping_path) if mapping_path else None
    return ReadOptions(
        mapping=mapping, format=format_name or "contract", eventlog=eventlog, sheet=sheet
    )


@cli.command()
@click.argument("path", type=click.Path(exists=True))
@store_option()
@taxonomy_option
@click.option(
    "--rejects",
    "rejects_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for <file>.rejects.csv files (default: the current folder).",
)
@click.option(
    "--mapping",
    "mapping_path",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    default=None,
    help="A column mapping (TOML) of the contacts file: its system, encoding, delimiter, "
    "date format, columns and values (docs/data-contract.md#column-mappings).",
)
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["contract", "eventlog"]),
    default=None,
    help="contract: rows of the data contract (mapped or not; the default); eventlog: one "
    "row per event of a process-mining log, each case a family (an .xes file always is).",
)
@_eventlog_option("case_column")
@_eventlog_option("agency_column")
@_eventlog_option("type_column")
@_eventlog_option("time_column")
@click.option(
    "--sheet",
    metavar="NAME",
    default=None,
    help="Read only this sheet of a workbook (default: every sheet, which must share a header).",
)
@cli_loads.load_options
@handles_errors
def load(
    path: str,
    store_url: str | None,
    taxonomy_path: str | None,
    rejects_dir: str | None,
    mapping_path: str | None,
    format_name: str | None,
    sheet: str | None,
    strict: bool,
    max_reject_share: float,
    wait_seconds: float,
    **columns: str,
) -> None:
    """Validate and load contacts (and people, families) into a store.

    PATH is a folder holding contacts.csv (and optionally people.csv and
    families.csv), or one contacts file that carries family_id: CSV (UTF-8,
    UTF-8 with BOM or Windows-1252; comma, semicolon, tab or pipe; gzip or
    not), an Excel workbook, or with --format eventlog an event log (CSV or
    XES). Every row is loaded, counted as a copy of an earlier row, or written
    to a rejects CSV with its line, rule and reason; one reconciliation line
    per file says rows in = loaded + rejected + duplicates. Loading the same
    data twice leaves the store unchanged; `journey loads` lists the runs.

    \b
    Example:
      journey load demo-data/ --store sqlite:///journey.db
      journey load police.csv --mapping examples/mappings/police-incidents.toml
      journey load receipt.xes.gz --format eventlog --case-column case:concept:name \\
          --agency-column org:group --type-column concept:name --time-column time:timestamp
    """
    reading = _reading(click.get_current_context(), mapping_path, format_name, sheet, columns)
    integrity = {"strict": strict, "max_reject_share": max_reject_share,
                 "wait_seconds": wait_seconds}  # fmt: skip
    _load(path, store_url, taxonomy_path, rejects_dir, reading, **integrity).close()
    cli_users.record_load(store_url, path)
