"""The rejects file of an input file: every rejected row with its place, rule and reason.

Columns: ``source_file``, ``line`` (where the row starts in the input, as the
reader gives it), ``rule``, ``reason``, then the row's input columns as they
were read (one named like those four is kept as ``input_<name>``). The file
is safe to open in a spreadsheet: a text cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading ``'``; and records end
in CRLF, so that any cell holding a line break, a bare carriage return
included, is quoted and the file reads back with one record per rejected row.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from journey.csv_export import safe_cell
from journey.errors import InputError
from journey.rejection import Validated

__all__ = ["write_rejects", "rejects_path"]


def rejects_path(source: Path, rejects_dir: Path) -> Path:
    """Where the rejects of ``source`` go: ``<rejects_dir>/<stem>.rejects.csv``.

    Examples
    --------
    >>> rejects_path(Path("in/contacts.csv"), Path("out")).as_posix()
    'out/contacts.rejects.csv'
    """
    return rejects_dir / f"{source.stem}.rejects.csv"


def _cells(rejects: pd.DataFrame, source: Path):
    """Header and rows of the rejects file, every text cell made formula-safe."""
    yield ["source_file", *(safe_cell(str(c)) for c in rejects.columns)]
    columns = [rejects[c].to_numpy(dtype=object) for c in rejects.columns]
    name = safe_cell(str(source))
    for row in zip(*columns, strict=True):
        yield [name, *(_cell(value) for value in row)]


def _cell(value: object) -> object:
    """A value as the csv module writes it: missing as an empty cell, text formula-safe."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return safe_cell(value)


def write_rejects(validated: Validated, source: Path, rejects_dir: Path) -> Path | None:
    """Write the rejected rows of ``source``; the file's path, or None when nothing was rejected.

    Raises
    ------
    InputError
        When the rejects file cannot be written (nothing has been loaded yet).
    """
    if validated.rejects.empty:
        return None
    target = rejects_path(source, rejects_dir)
    try:
        rejects_dir.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
            writer.writerows(_cells(validated.rejects, source))
    except OSError as error:
        raise InputError(f"{target}: cannot write the rejects file ({error.strerror})") from None
    return target
