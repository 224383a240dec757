"""Readers: every source file (CSV, Excel, XES event log) to the text frame validation takes.

:func:`read_source` sniffs what a file is and reads it with the right reader
(:mod:`~graph_loader.readers.csv_reader`, :mod:`~graph_loader.readers.xlsx`,
:mod:`~graph_loader.readers.xes`), then, for a contacts file, applies a
column mapping (:mod:`~graph_loader.readers.mapping`) and, for an event log,
the event-log id scheme (:mod:`~graph_loader.readers.eventlog`). What comes
back is a :class:`~graph_loader.readers.source.SourceTable`: the rows as text
with their lines, and the records refused while reading, which
:func:`with_reader_rejects` adds to validation's rejects so that every
record reaches the rejects file or the store.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from graph_loader.readers.csv_reader import read_csv
from graph_loader.readers.eventlog import EventLogColumns, eventlog_mapping, number_events
from graph_loader.readers.mapping import Mapping, apply_mapping, load_mapping
from graph_loader.readers.source import LINE_COLUMN, SourceTable, refuse_huge_fields
from graph_loader.readers.text import file_kind
from graph_loader.readers.xes import read_xes
from graph_loader.readers.xlsx import read_workbook
from journey.errors import InputError
from journey.rejection import Validated

__all__ = [
    "ReadOptions",
    "SourceTable",
    "Mapping",
    "EventLogColumns",
    "FORMATS",
    "load_mapping",
    "read_source",
    "with_reader_rejects",
]

FORMATS = ("contract", "eventlog")


@dataclass(frozen=True)
class ReadOptions:
    """How to read the contacts file of a load (people and families files are read as they are).

    Parameters
    ----------
    mapping : Mapping, optional
        The contacts file's column mapping.
    format : str
        ``"contract"`` (rows of the data contract, mapped or not) or
        ``"eventlog"`` (one row per event, see :mod:`~graph_loader.readers.eventlog`).
        An XES file is always an event log.
    eventlog : EventLogColumns
        The event log's case, agency, type and time columns.
    sheet : str, optional
        The one sheet of a workbook to read (default: every sheet).
    """

    mapping: Mapping | None = None
    format: str = "contract"
    eventlog: EventLogColumns = field(default_factory=EventLogColumns)
    sheet: str | None = None

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise InputError(f"unknown format {self.format!r} (one of {', '.join(FORMATS)})")


def _read(path: Path, options: ReadOptions, mapping: Mapping | None) -> SourceTable:
    kind = file_kind(path)
    if kind == "xes":
        if mapping is None:  # only the contacts file of a load may be an event log
            raise InputError(f"{path}: an XES event log can only be the contacts file of a load")
        wanted = sorted(set(mapping.columns.values()))
        return refuse_huge_fields(read_xes(path, columns=wanted))
    if kind == "workbook":
        sheet = options.sheet or (mapping.sheet if mapping else None)
        return refuse_huge_fields(read_workbook(path, sheet=sheet))
    return read_csv(
        path,
        encoding=mapping.encoding if mapping else None,
        delimiter=mapping.delimiter if mapping else None,
    )


def read_source(path: str | Path, options: ReadOptions | None = None, *,
                kind: str = "contacts") -> SourceTable:  # fmt: skip
    """Read one source file of a load as text, with each row's line and the records refused.

    Parameters
    ----------
    path : str or Path
        A CSV (any of the encodings and delimiters the readers know, gzip or
        not), a workbook or an XES log; what it is comes from its bytes.
    options : ReadOptions, optional
        The mapping, format and sheet; they apply to the contacts file only.
    kind : str
        ``"contacts"``, ``"people"`` or ``"families"``.

    Raises
    ------
    InputError
        A file that cannot be read; :class:`~journey.errors.MappingError` a
        mapping that names a column the file lacks.
    """
    path = Path(path)
    options = options or ReadOptions()
    if kind != "contacts":
        return _read(path, options, None)
    eventlog = options.format == "eventlog" or file_kind(path) == "xes"
    mapping = options.mapping
    if eventlog:
        mapping = eventlog_mapping(options.eventlog, mapping, path.name)
    table = _read(path, options, mapping)
    if mapping is not None:
        table = apply_mapping(table, mapping)
    return number_events(table) if eventlog else table


def with_reader_rejects(validated: Validated, table: SourceTable) -> Validated:
    """Validation's result with the records the reader refused added to its rejects, by line."""
    if table.rejects.empty:
        return validated
    rejects = pd.concat([table.rejects, validated.rejects], ignore_index=True)
    rejects = rejects.sort_values(LINE_COLUMN, kind="stable", ignore_index=True)
    return dataclasses.replace(
        validated, rejects=rejects, rows_in=validated.rows_in + len(table.rejects)
    )
