"""Opening a source file: what kind of file it is, gzip, the byte-order mark and the encoding.

A file is sniffed by its first bytes, not trusted by its name: a workbook
(``.xlsx``, ``.xls``, ``.ods``) saved as ``contacts.csv`` is still read as a
workbook, and a gzip-compressed file (``receipt.csv.gz``, ``log.xes.gz``) is
read through :mod:`gzip`. Text is UTF-8 unless a byte-order mark or the
caller says otherwise; a file that is not UTF-8 but is valid Windows-1252
(cp1252, what Excel on Windows writes: ``£``, ``é``) is read as cp1252 with a
warning naming the first byte that is not UTF-8. Every byte of the file
reaches the reader: no byte is dropped or replaced, NUL included.
"""

from __future__ import annotations

import codecs
import gzip
import io
import zipfile
from pathlib import Path
from typing import BinaryIO

from journey.errors import InputError

__all__ = ["file_kind", "open_binary", "open_text", "choose_encoding", "check_encoding"]

_GZIP = b"\x1f\x8b"
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and other Office files)
_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_CHUNK = 1 << 20


def open_binary(path: Path) -> BinaryIO:
    """The file's bytes, decompressed when it is gzip (whatever its name)."""
    try:
        with path.open("rb") as probe:
            magic = probe.read(2)
        return gzip.open(path, "rb") if magic == _GZIP else path.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from None


def _head(path: Path, size: int = 4096) -> bytes:
    with open_binary(path) as stream:
        try:
            return stream.read(size)
        except (OSError, EOFError) as error:  # a corrupt gzip stream
            raise InputError(f"{path}: cannot be read ({error})") from None


def file_kind(path: Path) -> str:
    """``"workbook"``, ``"xes"`` or ``"csv"``, from the file's first bytes (and name for XES).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "a.csv").write_text("contact_id\\nc1\\n") and file_kind(folder / "a.csv")
    'csv'
    >>> _ = (folder / "log.txt").write_text('<?xml version="1.0"?>\\n<log>')
    >>> file_kind(folder / "log.txt")
    'xes'
    """
    head = _head(path)
    if head.startswith(_OLE):
        return "workbook"
    if head.startswith(_ZIP):
        try:
            with open_binary(path) as stream, zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            raise InputError(f"{path}: a damaged zip file (not a workbook nor text)") from None
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names or "content.xml" in names:
            return "workbook"
        raise InputError(f"{path}: a zip archive, not a workbook: unzip it and load its files")
    name = path.name.lower()
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if name.endswith((".xes", ".xes.gz")) or (
        text.startswith(b"<") and b"<log" in head and not name.endswith((".csv", ".csv.gz"))
    ):
        return "xes"
    return "csv"


def check_encoding(name: str, where: str) -> str:
    """The codec's canonical name, or :class:`InputError` naming ``where`` for an unknown one."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise InputError(f"{where}: unknown encoding {name!r}") from None


def _first_error(path: Path, encoding: str) -> tuple[int, int] | None:
    """(byte offset, line) of the first byte ``encoding`` cannot decode, or None when all can."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset, lines = 0, 1
    with open_binary(path) as stream:
        while chunk := stream.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return offset + error.start, lines + chunk.count(b"\n", 0, error.start)
            offset += len(chunk)
            lines += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset, lines
    return None


def choose_encoding(path: Path, given: str | None = None) -> tuple[str, list[str]]:
    """The encoding to read ``path`` with, and a warning when it had to be guessed.

    ``given`` (from a mapping) wins, but a UTF-8 byte-order mark is still
    skipped. Without it: a byte-order mark decides; else UTF-8 when every byte
    decodes; else Windows-1252 when every byte decodes (with a warning).

    Raises
    ------
    InputError
        When the text is neither UTF-8 nor Windows-1252, or not the given encoding.
    """
    head = _head(path, 8)
    bom = next((encoding for mark, encoding in _BOMS if head.startswith(mark)), None)
    if given is not None:
        encoding = check_encoding(given, str(path))
        if encoding == "utf-8" and bom == "utf-8-sig":
            encoding = "utf-8-sig"
        error = _first_error(path, encoding)
        if error:
            raise InputError(f"{path}: not {given} text (line {error[1]}, byte {error[0]})")
        return encoding, []
    if bom is not None:
        error = _first_error(path, bom)
        if error:
            raise InputError(
                f"{path}: starts with a {bom} byte-order mark but is not {bom} text "
                f"(line {error[1]}, byte {error[0]})"
            )
        return bom, []
    utf8 = _first_error(path, "utf-8")
    if utf8 is None:
        return "utf-8", []
    offset, line = utf8
    with open_binary(path) as stream:
        stream.read(offset)
        byte = stream.read(1)
    if _first_error(path, "cp1252") is None:
        return "cp1252", [
            f"{path.name}: not UTF-8 (line {line}, byte {offset}: 0x{byte.hex().upper()}); "
            "read as Windows-1252 (cp1252). Give the encoding in a mapping "
            "([source] encoding) to be sure."
        ]
    raise InputError(
        f"{path}: not UTF-8 text (line {line}, byte {offset}: 0x{byte.hex().upper()}), nor "
        "Windows-1252; give its encoding in a mapping ([source] encoding = \"...\")"
    )


def open_text(path: Path, encoding: str) -> io.TextIOWrapper:
    """The file as text with its line endings kept (``newline=""``), as :mod:`csv` needs."""
    return io.TextIOWrapper(open_binary(path), encoding=encoding, newline="")
