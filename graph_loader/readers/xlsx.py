"""Reading a workbook (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``) as text, sheet by sheet.

Workbooks are read with python-calamine (Rust's calamine: fast, and it never
runs a macro or a formula; a formula cell gives its last computed value). A
cell becomes text as a person reads it: a whole number without ``.0``, a date
as ISO 8601 (``2021-03-01``, ``2021-03-01T10:30:00``), a boolean as ``TRUE``
or ``FALSE``. Each sheet's first non-empty row is its header; ``line`` is
the row's number in the sheet as Excel shows it. Every sheet with data is
read (they must share one header, else the load is refused, naming the
sheets) or only the one ``--sheet NAME`` (or a mapping's ``sheet``) names;
with several sheets a ``sheet`` column says which each row came from.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd

from graph_loader.readers.csv_reader import header_names, no_cycle_collection
from graph_loader.readers.source import LINE_COLUMN, SourceTable, reject_frame, text_frame
from journey.errors import InputError

__all__ = ["read_workbook", "cell_text"]

SHEET_COLUMN = "sheet"


def cell_text(value: object) -> str:
    """A cell's value as text.

    Examples
    --------
    >>> [cell_text(v) for v in (12.0, 1.5, True, "", dt.date(2021, 3, 1))]
    ['12', '1.5', 'TRUE', '', '2021-03-01']
    >>> cell_text(dt.datetime(2021, 3, 1, 10, 30))
    '2021-03-01T10:30:00'
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return "" if value is None else str(value)


def _record_text(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def _sheet(book, name: str, source: str) -> tuple[list[str], list[list[str]], list[int], list]:
    """One sheet's header, rows, their row numbers and the rows refused (a repeated header)."""
    sheet = book.get_sheet_by_name(name)
    if sheet.start is None:
        return [], [], [], []
    header: list[str] = []
    rows, lines, rejects = [], [], []
    # iter_rows gives every row from the sheet's first, empty ones too: row n is line n.
    for number, values in enumerate(sheet.iter_rows(), start=1):
        cells = [cell_text(v) for v in values]
        if not any(cell.strip() for cell in cells):
            continue
        if not header:
            header = header_names(cells, f"{source} (sheet {name!r})")
        elif [c.strip() for c in cells] == header:
            rejects.append((number, "R104", f"the header row again (sheet {name!r})",
                            _record_text(cells)))  # fmt: skip
        else:
            rows.append(cells)
            lines.append(number)
    return header, rows, lines, rejects


def read_workbook(path: Path, *, sheet: str | None = None) -> SourceTable:
    """Read every sheet of a workbook (or the one named) as text, with each row's number.

    Raises
    ------
    InputError
        A file calamine cannot open (or a password-protected one), a sheet
        name not in the workbook, sheets with different headers, no data.
    """
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    source = str(path)
    try:
        book = CalamineWorkbook.from_path(source)
    except PasswordError:
        raise InputError(f"{source}: the workbook is password-protected") from None
    except (CalamineError, OSError, ValueError) as error:
        raise InputError(f"{source}: cannot be read as a workbook ({error})") from None
    names = book.sheet_names
    if sheet is not None and sheet not in names:
        raise InputError(f"{source}: no sheet {sheet!r} (its sheets: {', '.join(names)})")
    frames, rejects, first = [], [], None
    with no_cycle_collection():
        for name in [sheet] if sheet else names:
            header, rows, lines, refused = _sheet(book, name, source)
            if not header:
                continue
            if first is None:
                first = (name, header)
            elif set(header) != set(first[1]):
                raise InputError(
                    f"{source}: sheet {name!r} has other columns than sheet {first[0]!r}; "
                    "load one sheet with --sheet NAME"
                )
            frame = text_frame(header, rows, lines)
            if sheet is None and len(names) > 1:
                label = SHEET_COLUMN if SHEET_COLUMN not in header else f"{SHEET_COLUMN} (workbook)"
                frame.insert(len(header), label, name)
            frames.append(frame)
            rejects += refused
    if first is None:
        raise InputError(f"{source}: no data in {'sheet ' + repr(sheet) if sheet else 'any sheet'}")
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    frame = frame[[c for c in frame.columns if c != LINE_COLUMN] + [LINE_COLUMN]]
    return SourceTable(path=path, frame=frame, rejects=reject_frame(rejects), encoding="workbook")
