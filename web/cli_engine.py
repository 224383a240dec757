"""``journey analyse --engine``: where the analyses run, in this process or on a Dask cluster.

:func:`engine_options` adds the options to a command and :func:`engine_from`
turns their values into the engine :func:`journey.analysis.analyse_store`
takes (None: the single-machine run). The Dask engine is
:mod:`journey.dask_engine`; Dask is imported only when it runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from journey.errors import ParameterError

__all__ = ["engine_from", "engine_options"]

# A scheduler address as Dask's clients take it: tcp://host:port (tls://, ws://, wss://, inproc://).
_ADDRESS = re.compile(r"(tcp|tls|ws|wss|inproc)://[^\s/:]+(:\d{1,5})?/?")

_OPTIONS = (
    click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
                 show_default=True,
                 help="local: analyse in this process; dask: the family-by-family steps on a "
                      "Dask cluster (pip install journey-graph[dask]); the results are the same."),
    click.option("--scheduler", metavar="ADDRESS", default=None,
                 help="With --engine dask: a running Dask scheduler (tcp://host:8786); "
                      "default: a local cluster on this machine."),
    click.option("--workers", metavar="N", type=click.IntRange(min=1), default=None,
                 help="With --engine dask and no --scheduler: the local cluster's workers "
                      "(default: one per core)."),
    click.option("--parquet", "parquet_dir", metavar="DIR", type=click.Path(file_okay=False),
                 default=None,
                 help="With --engine dask: the contacts as `journey export contacts` wrote them, "
                      "on storage every worker reads (default: exported to a temporary folder)."),
)  # fmt: skip


def engine_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--engine``, ``--scheduler``, ``--workers`` and ``--parquet``."""
    for option in reversed(_OPTIONS):
        command = option(command)
    return command


def engine_from(
    engine: str, scheduler: str | None, workers: int | None, parquet_dir: str | None
) -> Any:
    """The engine the options ask for: None for ``local``, else a ``DaskEngine``.

    Raises
    ------
    ParameterError
        For a Dask option without ``--engine dask``, ``--workers`` with
        ``--scheduler``, ``--scheduler`` without ``--parquet``, or an address
        that is not one.
    """
    given = [name for name, value in (("--scheduler", scheduler), ("--workers", workers),
                                      ("--parquet", parquet_dir)) if value is not None]  # fmt: skip
    if engine == "local":
        if given:
            raise ParameterError(f"{', '.join(given)}: only with --engine dask")
        return None
    if scheduler is not None:
        if not _ADDRESS.fullmatch(scheduler):
            raise ParameterError(
                f"--scheduler {scheduler!r}: not a scheduler address (tcp://host:8786)"
            )
        if workers is not None:
            raise ParameterError("--workers: the scheduler's cluster has its own workers")
        if parquet_dir is None:
            raise ParameterError(
                "--scheduler: give --parquet DIR, an export every worker can read "
                "(`journey export contacts --format parquet --partition-by family --identified`)"
            )
    from journey.dask_engine import DaskEngine

    return DaskEngine(scheduler=scheduler, workers=workers,
                      parquet=None if parquet_dir is None else Path(parquet_dir))  # fmt: skip
