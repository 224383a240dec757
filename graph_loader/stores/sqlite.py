"""The embedded store: one SQLite file (standard library sqlite3), WAL, versioned schema."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from datetime import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from graph_loader.stores import snapshot
from journey.contract import CONTACT_COLUMNS
from journey.errors import NotFoundError, SchemaVersionError, StoreError
from journey.store import ContactFilter, LoadRecord
from queries import query

__all__ = ["SQLiteStore", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_BATCH = 50_000
_NULLABLE = {"referred_by", "service", "source_system"}


def _sql(name: str) -> str:
    return query("sqlite", name)


def _time_text(values: pd.Series) -> pd.Series:
    """Times as sortable text; NaT becomes None."""
    text = pd.to_datetime(values).dt.strftime(_TIME_FORMAT)
    return text.astype(object).where(text.notna(), None)


def _parse_time_text(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, format=_TIME_FORMAT).astype("datetime64[ns]")


def _with_times(frame: pd.DataFrame) -> pd.DataFrame:
    """Parse the stored time text of ``occurred_at``, when the frame has it."""
    if "occurred_at" in frame.columns:
        frame = frame.assign(occurred_at=_parse_time_text(frame["occurred_at"]))
    return frame


def _rows(frame: pd.DataFrame, columns: list[str]) -> Iterable[tuple]:
    """Row tuples built column by column (much faster than itertuples); NaN becomes NULL."""
    values = []
    for column in columns:
        series = frame[column]
        if series.isna().any():
            series = series.astype(object).where(series.notna(), None)
        values.append(series.tolist())
    return zip(*values, strict=True)


class SQLiteStore:
    """The embedded graph store: the contract's entities as tables in one SQLite file.

    Contacts are clustered by (family, time) so that each family's journey is
    one contiguous range; every write is an upsert on the entity's id, so
    loading the same input twice leaves the same store.
    """

    def __init__(self, path: str | Path, *, url: str | None = None, create: bool = True):
        self.path = Path(path)
        self.url = url or f"sqlite:///{self.path}"
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no such store (load data first with `journey load`)")
        self._local = threading.local()
        self._closed = False
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory, not a store file")
        try:
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._check_schema()
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: cannot open as a journey store ({error})") from None
        except OSError as error:
            raise StoreError(f"{self.path}: cannot create the store ({error.strerror})") from None

    # -- lifecycle ----------------------------------------------------------
    @property
    def _db(self) -> sqlite3.Connection:
        """This thread's connection: a web server's threads never share one."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            if self._closed:
                raise StoreError(f"{self.path}: the store has been closed")
            # Used only by this thread; close() may run on another, hence no same-thread check.
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA cache_size=-200000")
            connection.execute("PRAGMA temp_store=MEMORY")
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    def _check_schema(self) -> None:
        tables = {row[0] for row in self._db.execute(_sql("table_names"))}
        if tables and "meta" not in tables:
            raise StoreError(f"{self.path}: is a SQLite file but not a journey store")
        if "meta" in tables:
            row = self._db.execute(_sql("get_meta"), {"key": "schema_version"}).fetchone()
            found = int(row[0]) if row else None
            if found != SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"{self.path}: store schema version {found}, this version of journey needs "
                    f"{SCHEMA_VERSION}; load your data into a new store file"
                )
        # Every statement is IF NOT EXISTS: this also adds tables new within the version.
        self._db.executescript(_sql("schema_script"))
        if "meta" not in tables:
            self._db.execute(
                _sql("set_meta"), {"key": "schema_version", "value": str(SCHEMA_VERSION)}
            )

    def close(self) -> None:
        """Close every thread's connection."""
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()
            self._closed = True
        self._local = threading.local()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    # -- writes -------------------------------------------------------------
    def _write(self, name: str, rows: Iterable[tuple], *, contacts: bool = False) -> int:
        rows = list(rows)
        try:
            self._db.execute("BEGIN")
            before = self._db.total_changes
            for start in range(0, len(rows), _BATCH):
                self._db.executemany(_sql(name), rows[start : start + _BATCH])
            if contacts and self._db.total_changes != before:
                # The snapshot no longer matches the table (unchanged rows are skipped).
                self._db.execute(_sql("delete_snapshot"))
            self._db.execute("COMMIT")
        except sqlite3.Error as error:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise StoreError(f"{self.path}: write failed ({error})") from None
        return len(rows)

    def write_contacts(self, contacts: pd.DataFrame) -> int:
        """Upsert contact rows (contract columns); return how many rows were written."""
        frame = contacts[CONTACT_COLUMNS].copy()
        frame["occurred_at"] = _time_text(frame["occurred_at"])
        # Writing in clustered-key order turns B-tree inserts into appends.
        frame = frame.sort_values(["family_id", "occurred_at", "contact_id", "person_id"])
        return self._write("upsert_contact", _rows(frame, CONTACT_COLUMNS), contacts=True)

    def write_people(self, people: pd.DataFrame) -> int:
        """Upsert people (person_id, family_id, role, birth_month, sex)."""
        columns = ["person_id", "family_id", "role", "birth_month", "sex"]
        return self._write("upsert_person", _rows(people.reindex(columns=columns), columns))

    def write_families(self, families: pd.DataFrame) -> int:
        """Upsert families (family_id, area)."""
        columns = ["family_id", "area"]
        return self._write("upsert_family", _rows(families.reindex(columns=columns), columns))

    def write_lead_periods(self, periods: pd.DataFrame) -> int:
        """Upsert lead-professional periods (family_id, lead_from, lead_to)."""
        frame = periods[["family_id", "lead_from", "lead_to"]].copy()
        frame["lead_from"] = _time_text(frame["lead_from"])
        frame["lead_to"] = _time_text(frame["lead_to"])
        return self._write("upsert_lead_period", _rows(frame, list(frame.columns)))

    def record_load(self, record: LoadRecord) -> None:
        """Append a load's reconciliation line to the load log."""
        self._db.execute(
            _sql("insert_load"),
            {
                "source": record.source,
                "kind": record.kind,
                "started_at": record.started_at.isoformat(timespec="seconds"),
                "finished_at": record.finished_at.isoformat(timespec="seconds"),
                "rows_in": record.rows_in,
                "loaded": record.loaded,
                "rejected": record.rejected,
                "rejects_path": record.rejects_path,
            },
        )

    def finish_load(self) -> None:
        """Add families named only by contacts; rebuild the agencies and the contacts snapshot."""
        self._db.execute("BEGIN")
        self._db.execute(_sql("add_families_from_contacts"))
        self._db.execute(_sql("rebuild_agencies"))
        self._db.execute("COMMIT")
        if self._db.execute(_sql("get_snapshot_id")).fetchone() is not None:
            return  # no contact changed since the snapshot was built
        payload = snapshot.encode(self._table_contacts(list(CONTACT_COLUMNS)))
        self._db.execute("BEGIN")
        self._db.execute(_sql("delete_snapshot"))
        if payload is not None:
            self._db.execute(_sql("set_snapshot"), {"payload": payload})
        self._db.execute("COMMIT")

    # -- reads --------------------------------------------------------------
    def _frame(self, name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        cursor = self._db.execute(_sql(name), params or {})
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
        if not rows:
            return pd.DataFrame(columns=columns)
        # Column-wise construction: far cheaper than from_records on a million tuples.
        return pd.DataFrame(dict(zip(columns, map(list, zip(*rows, strict=True)), strict=True)))

    def _all_contacts(self, wanted: list[str]) -> pd.DataFrame:
        """Every contact row: from the snapshot when it is current, else from the table."""
        row = self._db.execute(_sql("get_snapshot")).fetchone()
        if row is not None:
            return snapshot.decode(row[0], wanted)
        return self._table_contacts(wanted)

    def _table_contacts(self, wanted: list[str]) -> pd.DataFrame:
        """Every contact row read from the table column by column (see queries ``column_*``).

        Falls back to reading row tuples when a column's value count disagrees
        with the row count (text written around the control-character rule).
        """
        rows = int(self._scalar("count_contact_rows"))
        if rows == 0:
            return _with_times(pd.DataFrame(columns=wanted))
        columns = {}
        for column in wanted:
            (joined,) = self._db.execute(_sql(f"column_{column}")).fetchone()
            values = np.array(joined.split("\x1f"), dtype=object)
            if len(values) != rows:
                frame = self._frame("select_all_contacts")[wanted]
                return _with_times(frame)
            if column in _NULLABLE:
                values[values == "\x1e"] = None
            columns[column] = values
        return _with_times(pd.DataFrame(columns, copy=False))

    def contacts(
        self, where: ContactFilter | None = None, *, columns: list[str] | None = None
    ) -> pd.DataFrame:
        """Contact rows in journey order (family, time, contact, person), all or some columns."""
        wanted = list(columns) if columns is not None else list(CONTACT_COLUMNS)
        unknown = set(wanted) - set(CONTACT_COLUMNS)
        if unknown:
            raise StoreError(f"not contact columns: {', '.join(sorted(unknown))}")
        where = where or ContactFilter()
        if where == ContactFilter():
            return self._all_contacts(wanted)
        if where == ContactFilter(family_id=where.family_id):
            frame = self._frame("select_contacts_of_family", {"family_id": where.family_id})
        elif where == ContactFilter(person_id=where.person_id):
            frame = self._frame("select_contacts_of_person", {"person_id": where.person_id})
        else:
            params = {
                "family_id": where.family_id,
                "person_id": where.person_id,
                "start": where.start.strftime(_TIME_FORMAT) if where.start else None,
                "end": where.end.strftime(_TIME_FORMAT) if where.end else None,
                "agency": where.agency,
                "area": where.area,
            }
            frame = self._frame("select_contacts", params)
        if frame.empty:
            frame = pd.DataFrame(columns=CONTACT_COLUMNS)
        return _with_times(frame[wanted])

    def people(self, family_id: str | None = None) -> pd.DataFrame:
        """People, all or of one family."""
        if family_id is None:
            frame = self._frame("select_people")
        else:
            frame = self._frame("select_people_of_family", {"family_id": family_id})
        return (
            frame
            if not frame.empty
            else pd.DataFrame(columns=["person_id", "family_id", "role", "birth_month", "sex"])
        )

    def families(self) -> pd.DataFrame:
        """Families (family_id, area)."""
        frame = self._frame("select_families")
        return frame if not frame.empty else pd.DataFrame(columns=["family_id", "area"])

    def lead_periods(self, family_id: str | None = None) -> pd.DataFrame:
        """Lead-professional periods, all or of one family (lead_to NaT while open)."""
        if family_id is None:
            frame = self._frame("select_lead_periods")
        else:
            frame = self._frame("select_lead_periods_of_family", {"family_id": family_id})
        if frame.empty:
            frame = pd.DataFrame(columns=["family_id", "lead_from", "lead_to"])
        frame["lead_from"] = _parse_time_text(frame["lead_from"])
        frame["lead_to"] = _parse_time_text(frame["lead_to"])
        return frame

    def agencies(self) -> pd.DataFrame:
        """Agencies seen in contacts (agency, sector, contacts = contact rows)."""
        frame = self._frame("select_agencies")
        return frame if not frame.empty else pd.DataFrame(columns=["agency", "sector", "contacts"])

    def _scalar(self, name: str) -> Any:
        return self._db.execute(_sql(name)).fetchone()[0]

    def counts(self) -> dict[str, int]:
        """people, families, contacts (distinct contact_id), contact_rows, agencies, loads."""
        names = ["people", "families", "contacts", "contact_rows", "agencies", "loads"]
        return {name: int(self._scalar(f"count_{name}")) for name in names}

    def date_range(self) -> tuple[datetime | None, datetime | None]:
        """The first and last contact time, or (None, None) when empty."""
        first, last = self._db.execute(_sql("date_range")).fetchone()
        if first is None:
            return None, None
        return datetime.strptime(first, _TIME_FORMAT), datetime.strptime(last, _TIME_FORMAT)

    def loads(self) -> pd.DataFrame:
        """The load log, newest first."""
        return self._frame("select_loads")

    # -- analysis results ---------------------------------------------------
    def save_results(self, frames: dict[str, pd.DataFrame], meta: dict[str, Any]) -> None:
        """Replace the stored analysis results with ``frames`` and their ``meta``."""
        payloads = [
            (name, frame.reset_index(drop=True).to_json(orient="table", date_format="iso"))
            for name, frame in frames.items()
        ]
        self._db.execute("BEGIN")
        self._db.execute(_sql("delete_results"))
        self._db.executemany(
            _sql("insert_result"), [{"name": n, "payload": p} for n, p in payloads]
        )
        self._db.execute(_sql("set_results_meta"), {"payload": json.dumps(meta, default=str)})
        self._db.execute("COMMIT")

    def result(self, name: str) -> pd.DataFrame:
        """One stored result frame; NotFoundError when the analyses have not stored it."""
        row = self._db.execute(_sql("select_result"), {"name": name}).fetchone()
        if row is None:
            raise NotFoundError(
                f"no analysis result {name!r} in {self.path}; run `journey analyse`"
            )
        frame = pd.read_json(StringIO(row[0]), orient="table")
        for column in frame.columns:
            if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
                frame[column] = frame[column].dt.tz_localize(None)
        return frame

    def results_meta(self) -> dict[str, Any] | None:
        """The stored results' meta, or None when nothing has been analysed yet."""
        row = self._db.execute(_sql("select_results_meta")).fetchone()
        return None if row is None else json.loads(row[0])
