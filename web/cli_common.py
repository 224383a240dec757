"""What every ``journey`` command shares: the ``--store`` option and turning errors into exits."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from journey.errors import InputError, JourneyError, ParameterError

__all__ = ["EXIT_BAD_INPUT", "handles_errors", "store_option"]

EXIT_BAD_INPUT = 2


def _fail(message: str, status: int) -> None:
    click.echo(f"journey: error: {message}", err=True)
    sys.exit(status)


def handles_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the library's errors into one line on stderr and a non-zero exit, no traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (InputError, ParameterError) as error:
            _fail(str(error), EXIT_BAD_INPUT)
        except JourneyError as error:
            _fail(str(error), 1)

    return wrapper


def store_option(default: str | None = None) -> Callable[[Callable[..., Any]], Any]:
    """``--store URL``; without ``default``, open_store's own ($JOURNEY_STORE, else journey.db)."""
    return click.option(
        "--store",
        "store_url",
        metavar="URL",
        default=default,
        # A string stands for the default in the help, shown in parentheses.
        show_default=True if default else "$JOURNEY_STORE, else sqlite:///journey.db",
        help="sqlite:///file.db, or Neo4j: bolt://host:7687.",
    )
