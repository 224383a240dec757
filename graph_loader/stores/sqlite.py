"""The embedded store: one SQLite file (standard library sqlite3), WAL, versioned schema."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from graph_loader.stores import lock, snapshot
from graph_loader.stores.frames import decode_frame, encode_frame
from graph_loader.stores.sqlite_schema import (
    CONTACTS_KEY,
    SCHEMA_VERSION,
    configure,
    ensure_schema,
)
from graph_loader.stores.sqlite_schema import statement as _sql
from graph_loader.stores.sqlite_values import TIME_FORMAT as _TIME_FORMAT
from graph_loader.stores.sqlite_values import load_line as _load_line
from graph_loader.stores.sqlite_values import parse_time_text as _parse_time_text
from graph_loader.stores.sqlite_values import records as _records
from graph_loader.stores.sqlite_values import split_columns
from graph_loader.stores.sqlite_values import time_text as _time_text
from graph_loader.stores.sqlite_values import with_times as _with_times
from journey.contract import CONTACT_COLUMNS, FAMILIES, LEAD_PERIODS, PEOPLE
from journey.errors import NotFoundError, StoreError
from journey.store import ContactFilter, LoadRecord

__all__ = ["SQLiteStore", "SCHEMA_VERSION"]

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
        self._without_id_index = False  # during a first load: see write_contacts
        self._loading = False
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory, not a store file")
        try:
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            ensure_schema(self._db, self.path)
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
            configure(connection)
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

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

    @contextmanager
    def _transaction(self, *, immediate: bool = False) -> Iterator[sqlite3.Connection]:
        """This thread's connection inside BEGIN … COMMIT; any error rolls back.

        ``immediate`` takes the write lock at BEGIN, so that what the
        transaction reads cannot change before it writes.
        """
        connection = self._db
        connection.execute(_sql("begin_immediate") if immediate else _sql("begin"))
        try:
            yield connection
            connection.execute(_sql("commit"))
        except BaseException:
            if connection.in_transaction:
                connection.execute(_sql("rollback"))
            raise

    # -- writes -------------------------------------------------------------
    def _write(
        self, name: str, records: Iterable[dict[str, Any]], *, contacts: bool = False
    ) -> None:
        try:
            with self._transaction() as connection:
                before = connection.total_changes
                connection.executemany(_sql(name), records)
                if contacts and connection.total_changes != before:
                    # The snapshot no longer matches the table (unchanged rows are skipped):
                    # a new contacts version tells every reader so, whatever it holds.
                    connection.execute(_sql("bump_contacts_version"))
                    connection.execute(_sql("delete_snapshot"))
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: write failed ({error})") from None

    def write_contacts(self, contacts: pd.DataFrame, *, in_journey_order: bool = False) -> int:
        """Upsert contact rows (contract columns); return how many rows were written.

        Into an empty table (a first load) the rows are inserted without the
        unique index on (contact_id, person_id), which :meth:`finish_load`
        builds in one sorted pass: about twice as fast at a million rows. The
        loader hands over rows already unique by that id (validation), and a
        store whose first load was killed gets the index back when it opens.
        """
        # Writing in clustered-key order turns B-tree inserts into appends (sorted
        # while the times are still numbers: faster than sorting their text). The
        # loader's batches come in that order already (``in_journey_order``).
        frame = contacts[CONTACT_COLUMNS]
        if not in_journey_order:
            frame = frame.sort_values(list(CONTACTS_KEY))
        frame = frame.assign(occurred_at=_time_text(frame["occurred_at"]))
        records = _records(frame, CONTACT_COLUMNS)
        if self._first_load():
            self._write("insert_contact", records, contacts=True)
        else:
            self._write("upsert_contact", records, contacts=True)
        return len(frame)

    def _first_load(self) -> bool:
        """Whether contacts go in without the id index: this load (:meth:`loading`) found the
        table empty. Writes outside a load always upsert."""
        if self._without_id_index:
            return True
        empty, indexed = self._db.execute(_sql("contacts_first_load")).fetchone()
        if not indexed:
            self._db.execute(_sql("create_contacts_id_index"))
        elif empty and self._loading:
            self._db.execute(_sql("drop_contacts_id_index"))
            self._without_id_index = True
        return self._without_id_index

    def _restore_id_index(self) -> None:
        if self._without_id_index:
            self._db.execute(_sql("create_contacts_id_index"))
            self._without_id_index = False

    def write_people(self, people: pd.DataFrame) -> int:
        """Upsert people (person_id, family_id, role, birth_month, sex)."""
        frame = people.reindex(columns=PEOPLE.columns)
        self._write("upsert_person", _records(frame, PEOPLE.columns))
        return len(frame)

    def write_families(self, families: pd.DataFrame) -> int:
        """Upsert families (family_id, area)."""
        frame = families.reindex(columns=FAMILIES.columns)
        self._write("upsert_family", _records(frame, FAMILIES.columns))
        return len(frame)

    def write_lead_periods(self, periods: pd.DataFrame) -> int:
        """Upsert lead-professional periods; an empty worker or team keeps the stored one."""
        frame = periods.reindex(columns=LEAD_PERIODS.columns)
        frame["lead_from"] = _time_text(frame["lead_from"])
        frame["lead_to"] = _time_text(frame["lead_to"])
        self._write("upsert_lead_period", _records(frame, LEAD_PERIODS.columns))
        return len(frame)

    @contextmanager
    def loading(self, *, wait_seconds: float) -> Iterator[None]:
        """Hold the store's load lock (``<file>.load-lock``) while a load writes.

        A second load waits up to ``wait_seconds``, then raises StoreBusyError.
        However the load ends, the contacts' id index is in place afterwards.
        """
        with lock.exclusive(self.path, name=self.url, wait_seconds=wait_seconds):
            self._without_id_index, self._loading = False, True
            try:
                yield
            finally:
                self._loading = False
                self._restore_id_index()

    def start_run(self, files: Sequence[LoadRecord]) -> int:
        """Record a run as started: one load-log line per file, finished_at NULL; the run's id."""
        try:
            with self._transaction(immediate=True) as connection:
                run_id = int(connection.execute(_sql("next_run_id")).fetchone()[0])
                connection.executemany(_sql("insert_load"), [_load_line(run_id, f) for f in files])
                connection.executemany(_sql("insert_load_update"), [
                    {"run_id": run_id, "source": f.source, "kind": f.kind, "updated": f.updated}
                    for f in files if f.updated
                ])  # fmt: skip
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot record the load ({error})") from None
        return run_id

    def finish_run(self, run_id: int, finished_at: datetime) -> None:
        """Mark every file of run ``run_id`` finished."""
        when = finished_at.isoformat(timespec="seconds")
        try:
            self._db.execute(_sql("finish_run"), {"run_id": run_id, "finished_at": when})
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot mark the load finished ({error})") from None

    def record_load(self, record: LoadRecord) -> None:
        """Append a run of one file, started and (when ``finished_at`` is set) finished."""
        run_id = self.start_run([record])
        if record.finished_at is not None:
            self.finish_run(run_id, record.finished_at)

    def mark_touched(self, family_ids: Sequence[str]) -> None:
        """Mark families whose contacts a load added or changed (kept until analysed)."""
        self._write("mark_touched", ({"family_id": f} for f in family_ids))

    def touched_families(self) -> list[str]:
        """The families marked touched since the last analyse, sorted."""
        return [row[0] for row in self._db.execute(_sql("select_touched"))]

    def clear_touched(self, family_ids: Sequence[str]) -> None:
        """Unmark families once their results are refreshed."""
        self._write("clear_touched", ({"family_id": f} for f in family_ids))

    def finish_load(self) -> None:
        """Add families named only by contacts; rebuild the agencies and the contacts snapshot.

        One write transaction, begun with the write lock: the snapshot is
        built from the table as this transaction sees it and stamped with the
        contacts version it mirrors, so a write by another process cannot
        slip in between the read and the snapshot.
        """
        with self._transaction(immediate=True) as connection:
            self._restore_id_index()
            connection.execute(_sql("add_families_from_contacts"))
            connection.execute(_sql("rebuild_agencies"))
            if connection.execute(_sql("get_snapshot_id")).fetchone() is not None:
                return  # no contact changed since the snapshot was built
            rows = int(self._scalar("count_contact_rows"))
            payload = snapshot.encode_columns(self._table_columns(list(CONTACT_COLUMNS)), rows)
            connection.execute(_sql("delete_snapshot"))
            if payload is not None:
                connection.execute(_sql("set_snapshot"), {"payload": payload})

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
        """Every contact row: from the snapshot when it is current, else from the table.

        One read transaction: the snapshot's version check and the table
        read see the same state of the file, whatever a load writes meanwhile.
        """
        with self._transaction():
            row = self._db.execute(_sql("get_snapshot")).fetchone()
            if row is not None:
                return snapshot.decode(row[0], wanted)
            return self._table_contacts(wanted)

    def _table_contacts(self, wanted: list[str]) -> pd.DataFrame:
        """Every contact row read from the table as one string per column.

        See the query ``select_contact_columns`` and :meth:`_table_columns`.
        """
        if int(self._scalar("count_contact_rows")) == 0:
            return _with_times(pd.DataFrame(columns=wanted))
        return pd.DataFrame(dict(self._table_columns(wanted)), copy=False)

    def _table_columns(self, wanted: list[str]) -> Iterator[tuple[str, np.ndarray]]:
        """The ``wanted`` columns of every contact row in journey order, one column at a time.

        Each column is split out of its joined string only when asked for, so
        a caller that reduces each column before the next (the snapshot)
        holds one column of Python strings at a time. Falls back to reading
        row tuples when a column's value count disagrees with the row count
        (text written around the control-character rule).
        """
        rows = int(self._scalar("count_contact_rows"))
        if rows == 0:
            empty = _with_times(pd.DataFrame(columns=wanted))
            yield from ((c, empty[c].to_numpy()) for c in wanted)
            return
        cursor = self._db.execute(_sql("select_contact_columns"))
        names = [d[0] for d in cursor.description]
        joined = dict(zip(names, cursor.fetchone(), strict=True))
        if not all(joined[c].count("\x1f") + 1 == rows for c in wanted):
            table = _with_times(self._frame("select_all_contacts")[wanted])
            yield from ((c, table[c].to_numpy()) for c in wanted)
            return
        yield from split_columns(joined, wanted)

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
        """Lead-professional periods, all or of one family (lead_to NaT while open, names None)."""
        if family_id is None:
            frame = self._frame("select_lead_periods")
        else:
            frame = self._frame("select_lead_periods_of_family", {"family_id": family_id})
        if frame.empty:
            frame = pd.DataFrame(columns=LEAD_PERIODS.columns)
        frame = frame.astype({"lead_worker": object, "lead_team": object})
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
        return {
            "people": int(self._scalar("count_people")),
            "families": int(self._scalar("count_families")),
            "contacts": int(self._scalar("count_contacts")),
            "contact_rows": int(self._scalar("count_contact_rows")),
            "agencies": int(self._scalar("count_agencies")),
            "loads": int(self._scalar("count_loads")),
        }

    def date_range(self) -> tuple[datetime | None, datetime | None]:
        """The first and last contact time, or (None, None) when empty."""
        first, last = self._db.execute(_sql("date_range")).fetchone()
        if first is None:
            return None, None
        return datetime.strptime(first, _TIME_FORMAT), datetime.strptime(last, _TIME_FORMAT)

    def loads(self) -> pd.DataFrame:
        """The load log, newest first."""
        return self._frame("select_loads")

    def load_version(self) -> tuple:
        """The load log's size and newest line (one indexed row read; see the Store protocol)."""
        row = self._db.execute(_sql("select_load_version")).fetchone()
        return (0,) if row is None else tuple(row)

    # -- analysis results ---------------------------------------------------
    def save_results(self, frames: dict[str, pd.DataFrame], meta: dict[str, Any]) -> None:
        """Replace the stored analysis results with ``frames`` and their ``meta``."""
        payloads = [(name, encode_frame(frame)) for name, frame in frames.items()]
        with self._transaction() as connection:
            connection.execute(_sql("delete_results"))
            connection.executemany(
                _sql("insert_result"), [{"name": n, "payload": p} for n, p in payloads]
            )
            connection.execute(_sql("set_results_meta"), {"payload": json.dumps(meta, default=str)})

    def result(self, name: str) -> pd.DataFrame:
        """One stored result frame; NotFoundError when the analyses have not stored it."""
        row = self._db.execute(_sql("select_result"), {"name": name}).fetchone()
        if row is None:
            raise NotFoundError(
                f"no analysis result {name!r} in {self.path}; run `journey analyse`"
            )
        return decode_frame(row[0])

    def results_meta(self) -> dict[str, Any] | None:
        """The stored results' meta, or None when nothing has been analysed yet."""
        row = self._db.execute(_sql("select_results_meta")).fetchone()
        return None if row is None else json.loads(row[0])
