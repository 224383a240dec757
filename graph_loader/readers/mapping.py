"""Column mappings: one TOML file per source system, turning its export into the data contract.

A mapping names, for each contract column, the source column that holds it;
optionally a constant agency and the source system's name; the file's
encoding and delimiter when they should not be detected; the strptime format
of its dates and their time zone; and, per column, source values to replace
with contract values. The layout (docs/data-contract.md#column-mappings)::

    [source]
    system = "police-rms"            # written to source_system
    agency = "Police"                # a constant agency (optional)
    encoding = "cp1252"              # optional; detected when absent
    delimiter = ";"                  # optional; sniffed when absent
    date_format = "%d/%m/%Y %H:%M"   # optional strptime format; ISO 8601 when absent
    timezone = "Europe/London"       # the zone of times written without an offset
    [columns]                        # contract column = source column
    contact_id = "Incident Ref"
    [values.contact_type]            # source value = contract value
    "DOMESTIC" = "domestic_incident"

A mapping is checked whole when it is read, and against the file before
anything is written: a source column the file lacks refuses the load.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from graph_loader.readers.source import LINE_COLUMN, SourceTable
from graph_loader.readers.text import check_encoding
from journey.contract import CONTACTS, TIME_ZONE
from journey.errors import InputError, MappingError

__all__ = ["Mapping", "load_mapping", "apply_mapping", "MAPPABLE_COLUMNS"]

#: The contract columns a mapping may fill (a contact's sector comes from the taxonomy).
MAPPABLE_COLUMNS = [c for c in CONTACTS.columns if c not in CONTACTS.derived]
_SOURCE_KEYS = {"system", "agency", "encoding", "delimiter", "date_format", "timezone", "sheet"}
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


@dataclass(frozen=True)
class Mapping:
    """One source system's export described in contract terms (see the module docstring)."""

    path: Path | None = None
    system: str | None = None
    agency: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    date_format: str | None = None
    timezone: str | None = None
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """How errors name the mapping: its file, or "the mapping"."""
        return str(self.path) if self.path else "the mapping"

    def with_columns(self, columns: dict[str, str], why: str) -> Mapping:
        """This mapping with more columns; one it already maps is an error naming ``why``."""
        clash = sorted(set(columns) & set(self.columns))
        if clash or ("agency" in columns and self.agency):
            names = ", ".join(clash or ["agency"])
            raise MappingError(f"{self.name}: maps {names}, which {why} sets already")
        return replace(self, columns={**self.columns, **columns})


def _text(table: dict, key: str, where: str) -> str | None:
    value = table.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise MappingError(f"{where}: {key} must be a non-empty string")
    return value


def _delimiter(value: str | None, where: str) -> str | None:
    if value is None:
        return None
    value = _DELIMITER_NAMES.get(value.lower(), value)
    if len(value) != 1 or value in "\"\r\n":
        raise MappingError(f"{where}: delimiter must be one character (or tab), not {value!r}")
    return value


def _timezone(value: str | None, where: str) -> str | None:
    if value is not None:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise MappingError(f"{where}: unknown time zone {value!r}") from None
    return value


def _source(table: dict, where: str) -> dict[str, str | None]:
    unknown = sorted(set(table) - _SOURCE_KEYS)
    if unknown:
        raise MappingError(f"{where}: [source] has unknown key(s) {', '.join(unknown)} "
                           f"(known: {', '.join(sorted(_SOURCE_KEYS))})")  # fmt: skip
    settings = {key: _text(table, key, f"{where} [source]") for key in _SOURCE_KEYS}
    if settings["encoding"]:
        try:
            check_encoding(settings["encoding"], f"{where} [source]")
        except InputError as error:
            raise MappingError(str(error)) from None
    settings["delimiter"] = _delimiter(settings["delimiter"], f"{where} [source]")
    settings["timezone"] = _timezone(settings["timezone"], f"{where} [source]")
    if settings["date_format"] and "%" not in settings["date_format"]:
        raise MappingError(f"{where} [source]: date_format {settings['date_format']!r} has no "
                           "% directive (e.g. \"%d/%m/%Y %H:%M\")")  # fmt: skip
    return settings


def _columns(table: dict, where: str) -> dict[str, str]:
    for contract, source in table.items():
        if contract not in MAPPABLE_COLUMNS:
            raise MappingError(f"{where} [columns]: {contract!r} is not a contract column "
                               f"(one of {', '.join(MAPPABLE_COLUMNS)})")  # fmt: skip
        if not isinstance(source, str) or not source.strip():
            raise MappingError(f"{where} [columns]: {contract} must name a source column")
    return {contract: source.strip() for contract, source in table.items()}


def _values(table: dict, where: str) -> dict[str, dict[str, str]]:
    values = {}
    for column, replacements in table.items():
        if column not in MAPPABLE_COLUMNS or not isinstance(replacements, dict):
            raise MappingError(f"{where}: [values.{column}] must be a table of a contract column")
        for source, target in replacements.items():
            if not isinstance(target, str):
                raise MappingError(f"{where} [values.{column}]: {source!r} must map to a string")
        values[column] = {source.strip(): target for source, target in replacements.items()}
    return values


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file.

    Raises
    ------
    MappingError
        A missing or unreadable file, TOML that does not parse, an unknown
        section or key, a contract column that does not exist, an unknown
        encoding or time zone, a delimiter that is not one character.
    """
    path = Path(path)
    where = str(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"{where}: no such mapping file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise MappingError(f"{where}: cannot be read ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"{where}: not valid TOML ({error})") from None
    unknown = sorted(set(document) - {"source", "columns", "values"})
    if unknown:
        raise MappingError(f"{where}: unknown section(s) {', '.join(unknown)} "
                           "(a mapping has [source], [columns] and [values.<column>])")  # fmt: skip
    for section in ("source", "columns", "values"):
        if not isinstance(document.get(section, {}), dict):
            raise MappingError(f"{where}: {section} must be a table ([{section}])")
    settings = _source(document.get("source", {}), where)
    columns = _columns(document.get("columns", {}), where)
    for constant, column in (("agency", "agency"), ("system", "source_system")):
        if settings[constant] and column in columns:
            raise MappingError(f"{where}: [source] {constant} and [columns] {column} "
                               "both set the same column; keep one")  # fmt: skip
    return Mapping(path=path, columns=columns, values=_values(document.get("values", {}), where),
                   **settings)  # fmt: skip


def _replaced(values: pd.Series, replacements: dict[str, str]) -> np.ndarray:
    """The values with each one (trimmed) the table names replaced; the others as written."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    mapped = np.array([replacements.get(v.strip(), v) for v in distinct], dtype=object)
    return mapped[codes]


_OFFSET = r"(?:Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)$"


def _iso_times(values: pd.Series, date_format: str | None, timezone: str | None) -> pd.Series:
    """The times as ISO 8601 text; None where a value does not match ``date_format``.

    Without a format the values are kept as written, but in a zone other than
    London those without an offset are given one (as UTC, ``Z``), so that
    validation turns every one into London wall-clock time.
    """
    text = values.str.strip()
    foreign = timezone is not None and timezone != TIME_ZONE
    if date_format is None:
        if not foreign:
            return values
        naive = text.str.match(r"^\d{4}-\d{2}-\d{2}") & ~text.str.contains(_OFFSET)
        parsed = pd.to_datetime(text[naive], format="ISO8601", errors="coerce")
    else:
        aware = "%z" in date_format or "%Z" in date_format
        parsed = pd.to_datetime(text, format=date_format, errors="coerce", exact=True, utc=aware)
    if getattr(parsed.dtype, "tz", None) is None and foreign:
        parsed = parsed.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    if getattr(parsed.dtype, "tz", None) is not None:
        stamps = parsed.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
        iso = [f"{stamp}Z" for stamp in np.datetime_as_string(stamps, unit="auto")]
    else:
        iso = np.datetime_as_string(parsed.to_numpy(), unit="auto").tolist()
    result = pd.Series(iso, index=parsed.index, dtype=object).where(parsed.notna(), None)
    if date_format is None:  # what did not parse stays as written, for validation to judge
        converted = result.reindex(values.index)
        return values.where(~(naive & converted.notna()), converted)
    return result.where(text != "", values)


def _renamed(name: str, taken: set[str]) -> str:
    """A source column's name that no contract column the mapping fills has."""
    candidate = f"{name} (source)"
    while candidate in taken:
        candidate += "'"
    return candidate


def _mapped_columns(table: SourceTable, mapping: Mapping) -> tuple[dict[str, pd.Series], list[str]]:
    """The contract columns the mapping fills, then every source column; and the warnings."""
    frame = table.frame
    missing = [(c, s) for c, s in mapping.columns.items() if s not in frame.columns]
    if missing:
        contract, source = missing[0]
        present = ", ".join(repr(c) for c in frame.columns if c != LINE_COLUMN)
        raise MappingError(
            f"{mapping.name}: column {source!r} (mapped to {contract}) is not in {table.path} "
            f"(its columns: {present}) (rule M001)"
        )
    n = len(frame)
    filled: dict[str, pd.Series] = {c: frame[s] for c, s in mapping.columns.items()}
    if mapping.agency:
        filled["agency"] = pd.Series([mapping.agency] * n, index=frame.index, dtype=object)
    if mapping.system:
        filled["source_system"] = pd.Series([mapping.system] * n, index=frame.index, dtype=object)
    columns, warnings = dict(filled), []
    for name in frame.columns:
        if name == LINE_COLUMN or (name in filled and mapping.columns.get(name) == name):
            continue
        if name in filled:  # the file has a contract column the mapping fills from another
            new_name = _renamed(name, set(frame.columns) | set(filled))
            warnings.append(f"{table.path.name}: its column {name!r} is kept as {new_name!r}: "
                            f"{mapping.name} fills {name} from another column")  # fmt: skip
            name, series = new_name, frame[name]
        else:
            series = frame[name]
        columns[name] = series
    return columns, warnings


def apply_mapping(table: SourceTable, mapping: Mapping) -> SourceTable:
    """The table in contract columns: mapped, constants filled, values replaced, dates in ISO 8601.

    The source columns stay beside the contract ones (so a rejected row keeps
    its values as exported). A date that does not match the mapping's
    ``date_format`` rejects its row (rule C106) with the value as written.

    Raises
    ------
    MappingError
        When a column the mapping names is not in the file (before anything is written).

    Examples
    --------
    >>> from graph_loader.readers.source import text_frame
    >>> rows = [["I1", "05/03/2021 22:30", "DOM"], ["I2", "5th", "ASB"]]
    >>> table = SourceTable(Path("police.csv"), text_frame(["Ref", "When", "Type"], rows, [2, 3]))
    >>> mapping = Mapping(columns={"contact_id": "Ref", "occurred_at": "When",
    ...     "contact_type": "Type"}, values={"contact_type": {"DOM": "domestic_incident"}},
    ...     date_format="%d/%m/%Y %H:%M", agency="Police")
    >>> mapped = apply_mapping(table, mapping)
    >>> columns = ["contact_id", "occurred_at", "contact_type", "agency", "line"]
    >>> mapped.frame[columns].values.tolist()
    [['I1', '2021-03-05T22:30', 'domestic_incident', 'Police', 2]]
    >>> mapped.rejects[["line", "rule", "When"]].values.tolist()
    [[3, 'C106', '5th']]
    """
    columns, warnings = _mapped_columns(table, mapping)
    for column, replacements in mapping.values.items():
        if column in columns:
            columns[column] = pd.Series(_replaced(columns[column], replacements),
                                        index=table.frame.index, dtype=object)  # fmt: skip
    columns[LINE_COLUMN] = table.frame[LINE_COLUMN]
    frame = pd.DataFrame(columns)
    rejects = table.rejects
    if "occurred_at" in frame.columns:
        times = _iso_times(frame["occurred_at"], mapping.date_format, mapping.timezone)
        bad = times.isna().to_numpy()
        if bad.any():  # refused with the value as exported
            refused = frame[bad].copy()
            refused.insert(0, "reason", f"C106: occurred_at does not match the mapping's "
                                        f"date_format {mapping.date_format}")  # fmt: skip
            refused.insert(0, "rule", "C106")
            refused.insert(0, LINE_COLUMN, refused.pop(LINE_COLUMN))
            rejects = pd.concat([rejects, refused], ignore_index=True)
        frame = frame.assign(occurred_at=times)[~bad].reset_index(drop=True)
    return replace(table, frame=frame, rejects=rejects, warnings=table.warnings + warnings)
