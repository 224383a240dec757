"""The load log on the command line: ``journey loads``, and the load options and checks.

``journey load``'s ``--strict``, ``--max-reject-share`` and ``--wait``, and
``journey analyse``'s check of an unfinished latest run live here, apart
from :mod:`web.cli` so that each module stays short. It imports nothing of
:mod:`web.cli` (which imports it): :func:`register` adds the commands, given
the shared ``--store`` option and the error handler.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

__all__ = [
    "EXIT_TOO_MANY_REJECTS",
    "load_options",
    "strict_option",
    "progress_bars",
    "refuse_if_over_reject_share",
    "check_latest_run",
    "register",
]

#: The exit status of a load that wrote its valid rows but rejected too large a share.
EXIT_TOO_MANY_REJECTS = 3


def load_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--strict``, ``--max-reject-share`` and ``--wait`` of ``journey load``."""
    from graph_loader.defaults import DEFAULT_MAX_REJECT_SHARE, DEFAULT_WAIT_SECONDS

    options = [
        click.option(
            "--strict",
            is_flag=True,
            help="Reject rows whose agency or referrer is not in the taxonomy (rule C114) "
            "instead of keeping them in sector 'other'.",
        ),
        click.option(
            "--max-reject-share",
            metavar="SHARE",
            type=click.FloatRange(0, 1),
            default=DEFAULT_MAX_REJECT_SHARE,
            show_default=True,
            help="Exit with status 3 when a file rejects a larger share of its rows (after "
            "loading the valid rows and writing the rejects).",
        ),
        click.option(
            "--wait",
            "wait_seconds",
            metavar="SECONDS",
            type=click.FloatRange(min=0),
            default=DEFAULT_WAIT_SECONDS,
            show_default=True,
            help="How long to wait for another load of the same store to finish.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


strict_option = click.option(
    "--strict",
    is_flag=True,
    help="Refuse (exit 1) when the store's latest load did not finish, instead of warning.",
)


@contextmanager
def progress_bars() -> Iterator[Callable[[str, int, int], None]]:
    """A loader progress callback drawing one tqdm bar per file on stderr (off when not a TTY)."""
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def update(name: str, done: int, total: int) -> None:
        bar = bars.get(name)
        if bar is None:
            bar = bars[name] = tqdm(total=total, desc=name, unit=" rows", disable=None, leave=False)
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        for bar in bars.values():
            bar.close()


def refuse_if_over_reject_share(report) -> None:
    """Exit with :data:`EXIT_TOO_MANY_REJECTS` and one line when a file rejected too many rows."""
    over = report.over_reject_share()
    if not over:
        return
    shares = "; ".join(
        f"{f.path.name} rejected {f.rejected:,} of {f.rows_in:,} rows ({f.reject_share:.1%})"
        for f in over
    )
    click.echo(
        f"journey: error: {shares}, more than --max-reject-share {report.max_reject_share:.1%}; "
        "the valid rows were loaded and the rejects written",
        err=True,
    )
    sys.exit(EXIT_TOO_MANY_REJECTS)


def check_latest_run(store, strict: bool) -> None:
    """Warn on stderr when the store's latest load did not finish; with ``strict``, refuse.

    Raises
    ------
    StoreError
        Under ``strict``, when the latest run is unfinished (exit status 1).
    """
    from graph_loader.runs import latest_run, unfinished_message
    from journey.errors import StoreError

    run = latest_run(store)
    if run is None or run.finished:
        return
    if strict:
        raise StoreError(f"{store.url}: {unfinished_message(run)}")
    click.echo(f"journey: warning: {store.url}: {unfinished_message(run)}", err=True)


def register(
    cli: click.Group,
    *,
    store_option: Callable[..., Any],
    handles_errors: Callable[..., Any],
    open_store: Callable[..., Any],
) -> None:
    """Add ``journey loads`` to ``cli``."""

    @cli.command()
    @store_option()
    @handles_errors
    def loads(store_url: str | None) -> None:
        """List the store's load runs, newest first, file by file.

        Each run says when it started and whether it finished (an unfinished
        run was stopped part-way, or is still writing: the store may hold part
        of it), then one line per file: rows in = loaded + rejected +
        duplicates, the file's SHA-256 and its rejects file.

        \b
        Example:
          journey loads --store sqlite:///journey.db
        """
        from graph_loader.runs import runs

        store = open_store(store_url, create=False)
        try:
            found = runs(store)
        finally:
            store.close()
        if not found:
            click.echo(f"{store.url}: nothing has been loaded yet")
        for run in found:
            click.echo("\n".join(run.lines()))
