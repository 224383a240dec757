"""Reading a delimited text file record by record, keeping each record's physical line.

The records are parsed by :mod:`csv` (which keeps every character, NUL
included) from a stream of the file's physical lines, so each record's first
line is known exactly, after blank lines and quoted fields that run over
several lines alike. A record the reader cannot use is refused with a rule
(see docs/data-contract.md#validation-rules) and its raw text:

* R102: more or fewer fields than the header;
* R103: a quoted field that runs over lines which read as records of their own
  (a stray opening quote), or over more than :data:`MAX_RECORD_LINES` lines:
  the record's first line is refused and the lines after it are read again,
  so one stray quote costs one row, not every row after it;
* R104: the header line again (files pasted together);
* R105: a field longer than :data:`~graph_loader.readers.source.MAX_FIELD_CHARS`.

A header naming a column twice refuses the whole file (rule R101). The
delimiter is sniffed from the header line (comma, semicolon, tab or pipe)
unless given.
"""

from __future__ import annotations

import csv
import gc
import itertools
import re
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from graph_loader.readers.fast_csv import FAST_ENCODINGS, MAX_FAST_BYTES, plain_table
from graph_loader.readers.source import (
    LINE_COLUMN,
    MAX_FIELD_CHARS,
    SourceTable,
    reject_frame,
    text_frame,
)
from graph_loader.readers.text import choose_encoding, open_binary, open_text
from journey.errors import InputError

__all__ = [
    "read_csv",
    "sniff_delimiter",
    "header_names",
    "no_cycle_collection",
    "DELIMITERS",
    "MAX_RECORD_LINES",
]

DELIMITERS = (",", ";", "\t", "|")
#: A quoted field over more lines than this is taken for a stray quote (rule R103).
MAX_RECORD_LINES = 100
_QUOTED = re.compile(r'"[^"]*"')
_SPACE_BOM = " \t\ufeff"
_FIELD_LIMIT = 2**31 - 1


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of records are made.

    Each record is a list, which the collector tracks; left on, it walks every
    record made so far again and again, and reading a million rows takes four
    times as long. Nothing a reader makes holds a reference cycle.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def sniff_delimiter(header_line: str) -> str:
    """The candidate delimiter the header line holds most often outside quotes (comma if none).

    Examples
    --------
    >>> sniff_delimiter("contact_id;person_id;agency\\n"), sniff_delimiter('"a,b"\\tc\\n')
    (';', '\\t')
    >>> sniff_delimiter("contact_id\\n")
    ','
    """
    unquoted = _QUOTED.sub("", header_line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def header_names(cells: list[str], source: str) -> list[str]:
    """The column names of a header: trimmed, empty ones named by position, none twice.

    A source column called ``line`` is renamed ``input_line``: ``line`` is
    the reader's own column.

    Raises
    ------
    InputError
        When a name appears twice (rule R101): the file's columns cannot be told apart.

    Examples
    --------
    >>> header_names([" contact_id", "", "line"], "a.csv")
    ['contact_id', '(column 2)', 'input_line']
    >>> header_names(["a", "b", "a"], "a.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    journey.errors.InputError: a.csv: the header names column 'a' twice (columns 1 and 3) ...
    """
    names = []
    seen: dict[str, int] = {}
    for number, cell in enumerate(cells, start=1):
        name = cell.strip(_SPACE_BOM) or f"(column {number})"
        if name == LINE_COLUMN:
            name = f"input_{LINE_COLUMN}"
        if name in seen:
            raise InputError(
                f"{source}: the header names column {name!r} twice "
                f"(columns {seen[name]} and {number}) (rule R101)"
            )
        seen[name] = number
        names.append(name)
    return names


class _Lines:
    """The physical lines of a text stream, with the lines of the current record kept.

    Lines put back (after a stray quote) are given out again before the stream's next.
    """

    def __init__(self, stream: Iterator[str]):
        self.stream = stream
        self.taken: list[str] = []
        self.pending: deque[str] = deque()

    def __iter__(self) -> Iterator[str]:
        stream, taken, pending = self.stream, self.taken, self.pending
        while True:
            if pending:
                line = pending.popleft()
            else:
                line = next(stream, None)
                if line is None:
                    return
            taken.append(line)
            yield line

    def put_back(self, lines: list[str]) -> None:
        self.pending.extendleft(reversed(lines))


def _quoted_fields(text: str, delimiter: str) -> list[str]:
    """The contents of the quoted fields of ``text`` (one record's lines), as :mod:`csv` reads
    them: a quote opens a field only at its start, and ``""`` inside is one quote.

    >>> _quoted_fields('"line\\nbreak",x,"a""b"', ",")
    ['line\\nbreak', 'a"b']
    """
    fields: list[str] = []
    current: list[str] | None = None
    at_start = True
    i = 0
    while i < len(text):
        char = text[i]
        if current is not None:
            if char == '"' and text[i + 1 : i + 2] == '"':
                current.append('"')
                i += 1
            elif char == '"':
                fields.append("".join(current))
                current, at_start = None, False
            else:
                current.append(char)
        elif char == '"' and at_start:
            current = []
        else:
            at_start = char in (delimiter, "\n", "\r")
        i += 1
    if current is not None:
        fields.append("".join(current))
    return fields


def _looks_like_records(lines: list[str], delimiter: str, width: int) -> bool:
    """Whether a quoted field of a record read over several ``lines`` holds, on a line after its
    first, a whole record's worth of delimiters (a stray opening quote swallowed records).

    Only the text inside quoted fields counts, each field on its own: a record
    whose quoted fields each hold a line break is a record, not a stray quote.

    >>> _looks_like_records(['c1,"School,x,1\\n', 'c2,School,x,1\\n', 'c3,"a",1\\n'], ",", 4)
    True
    >>> _looks_like_records(['"line\\n', 'break",,,"\\r', 'CR"\\r\\n'], ",", 4)
    False
    """
    if width < 2 or len(lines) < 2:
        return False
    for field in _quoted_fields("".join(lines), delimiter):
        after_first = re.split(r"\r\n|\r|\n", field)[1:]
        if any(line.count(delimiter) >= width - 1 for line in after_first):
            return True
    return False


class _Records:
    """The state of one file's reading: the rows kept, their lines, the records refused."""

    def __init__(self, header: list[str], raw_header: list[str], delimiter: str, first_line: int):
        self.header, self.raw_header, self.delimiter = header, raw_header, delimiter
        self.width = len(header)
        self.first = header[0]
        self.header_line = first_line
        self.rows: list[list[str]] = []
        self.lines: list[int] = []
        self.rejects: list[tuple[int, str, str, str]] = []

    def odd(self, record: list[str], lines: _Lines, start: int) -> int:
        """Place a record that is not a plain one-line row; return the last line it used."""
        taken = lines.taken
        span = len(taken)
        if not record or (len(record) == 1 and not "".join(taken).strip()):
            return start + span - 1  # a blank line (a quoted empty field is a record)
        if span > 1 and (
            span > MAX_RECORD_LINES or _looks_like_records(taken, self.delimiter, self.width)
        ):
            why = (f"a quoted field runs over {span} lines" if span > MAX_RECORD_LINES
                   else f"a quoted field runs over {span - 1} line(s) that read as records")
            self.rejects.append((start, "R103", f"{why} (a stray quote?); the lines after it "
                                 "are read again", taken[0]))  # fmt: skip
            lines.put_back(taken[1:])
            return start
        raw = "".join(taken)
        if len(record) != self.width:
            detail = f"{len(record)} field(s), the header has {self.width}"
            self.rejects.append((start, "R102", detail, raw))
        elif max(map(len, record)) > MAX_FIELD_CHARS:
            longest = max(range(self.width), key=lambda i: len(record[i]))
            detail = (f"field {self.header[longest]!r} is {len(record[longest]):,} characters "
                      f"long (the limit is {MAX_FIELD_CHARS:,})")  # fmt: skip
            self.rejects.append((start, "R105", detail, raw))
        elif [cell.strip(_SPACE_BOM) for cell in record] == self.header:
            detail = f"the header line again (first on line {self.header_line})"
            self.rejects.append((start, "R104", detail, raw))
        else:
            self.rows.append(record)
            self.lines.append(start)
        return start + span - 1


# one piece: the loop every record of every file goes through, kept tight for speed
def _read_records(reader_of: Callable[[], Iterator[list[str]]], lines: _Lines, state: _Records,
                  line: int) -> None:  # fmt: skip
    """Read every record after the header into ``state``; ``line`` is the header's last line.

    After a stray quote the lines put back are read by a new reader: the old
    one may have met the end of the file inside the quote.
    """
    taken, rows, starts = lines.taken, state.rows, state.lines
    width, first = state.width, state.first
    while True:
        for record in reader_of():
            start = line + 1
            # The common case in one test: one line, the header's width, short, not the header.
            if (
                len(taken) == 1
                and len(record) == width
                and len(taken[0]) <= MAX_FIELD_CHARS
                and record[0].strip(_SPACE_BOM) != first
            ):
                rows.append(record)
                starts.append(start)
                line = start
                taken.clear()
                continue
            line = state.odd(record, lines, start)
            taken.clear()
            if lines.pending:
                break
        else:
            return


def _header(reader: Iterator[list[str]], lines: _Lines, source: str) -> tuple[list[str], int]:
    """The header record (blank lines before it skipped) and the last line it used."""
    line = 0
    for record in reader:
        line += len(lines.taken)
        lines.taken.clear()
        if record and any(cell.strip() for cell in record):
            return record, line
    raise InputError(f"{source}: empty file (no header line)")


def _check_delimiter(header: list[str], delimiter: str, given: bool, source: str) -> None:
    """A one-column header that holds another delimiter: the file is not delimited as told."""
    if len(header) != 1 or not given:
        return
    found = sniff_delimiter(header[0])
    if found != delimiter and header[0].count(found):
        raise InputError(
            f"{source}: the header is one column, {header[0][:60]!r}, holding {found!r} "
            f"{header[0].count(found)} time(s): the file looks {found!r}-delimited, "
            f"not {delimiter!r} as the mapping says"
        )


def _fast(path: Path, encoding: str, delimiter: str | None) -> SourceTable | None:
    """The file read by pandas when it is plain (graph_loader/readers/fast_csv.py), else None."""
    if encoding not in FAST_ENCODINGS or path.stat().st_size > MAX_FAST_BYTES:
        return None
    with open_binary(path) as stream:
        data = stream.read(MAX_FAST_BYTES + 1)
    if len(data) > MAX_FAST_BYTES or not data:
        return None
    first = data[: data.find(b"\n") + 1].decode(encoding, errors="replace")
    used = delimiter or sniff_delimiter(first)
    if '"' in first or not first.strip():
        return None
    cells = first.rstrip("\r\n").split(used)
    header = header_names(cells, str(path))
    if len(header) == 1 and delimiter is not None:
        return None  # the loop explains a delimiter that the header does not hold
    frame = plain_table(data, encoding, used, header)
    if frame is None:
        return None
    return SourceTable(path=path, frame=frame, encoding=encoding, delimiter=used)


def read_csv(
    path: Path, *, encoding: str | None = None, delimiter: str | None = None, fast: bool = True
) -> SourceTable:
    """Read a delimited text file (optionally gzip-compressed) as text, with each record's line.

    Parameters
    ----------
    path : Path
        The file.
    encoding : str, optional
        Its encoding; detected when absent (see :func:`~graph_loader.readers.text.choose_encoding`).
    delimiter : str, optional
        Its delimiter; sniffed from the header line when absent.
    fast : bool
        Let pandas' parser read a plain file (the same result, three times as
        fast; see :mod:`~graph_loader.readers.fast_csv`); False reads every
        file record by record.

    Raises
    ------
    InputError
        An unreadable or undecodable file, an empty one, a header naming a column twice.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "contacts.csv"
    >>> _ = path.write_text('id;note\\n\\nc1;"two\\nlines"\\nc2\\nc3;x\\n')
    >>> table = read_csv(path)
    >>> table.frame.values.tolist()
    [['c1', 'two\\nlines', 3], ['c3', 'x', 6]]
    >>> table.rejects[["line", "rule"]].values.tolist()
    [[5, 'R102']]
    """
    source = str(path)
    chosen, warnings = choose_encoding(path, encoding)
    plain = _fast(path, chosen, delimiter) if fast else None
    if plain is not None:
        plain.warnings = warnings
        return plain
    previous_limit = csv.field_size_limit(_FIELD_LIMIT)
    try:
        with no_cycle_collection(), open_text(path, chosen) as stream:
            lines = _Lines(stream)
            line_source = iter(lines)
            first = next(line_source, None)
            if first is None:
                raise InputError(f"{source}: empty file (no header line)")
            used = delimiter or sniff_delimiter(first)
            lines.put_back([first])
            lines.taken.clear()
            def reader_of() -> Iterator[list[str]]:
                return csv.reader(iter(lines), delimiter=used, quotechar='"', doublequote=True)

            reader = reader_of()
            raw_header, header_end = _header(reader, lines, source)
            _check_delimiter(raw_header, used, delimiter is not None, source)
            header = header_names(raw_header, source)
            state = _Records(header, raw_header, used, header_end)
            readers = itertools.chain([reader], iter(reader_of, None))
            _read_records(lambda: next(readers), lines, state, header_end)
    except UnicodeDecodeError as error:  # only with a given encoding the check let through
        raise InputError(f"{source}: not {chosen} text ({error.reason})") from None
    except csv.Error as error:
        raise InputError(f"{source}: cannot be read as delimited text ({error})") from None
    finally:
        csv.field_size_limit(previous_limit)
    return SourceTable(
        path=path,
        frame=text_frame(header, state.rows, state.lines),
        rejects=reject_frame(state.rejects),
        encoding=chosen,
        delimiter=used,
        warnings=warnings,
    )
