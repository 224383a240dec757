"""The accounts database: one SQLite file, a connection per thread, named statements only."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from journey.errors import StoreError
from queries import query

__all__ = ["AccountsDB", "utc_now", "time_text", "parse_time"]

_TIME = "%Y-%m-%dT%H:%M:%SZ"


def utc_now() -> datetime:
    """The current time in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def time_text(moment: datetime) -> str:
    """A time as the database keeps it: UTC text that sorts as it compares.

    Examples
    --------
    >>> time_text(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    '2026-01-02T03:04:05Z'
    """
    return moment.astimezone(UTC).strftime(_TIME)


def parse_time(text: str | None) -> datetime | None:
    """The time a :func:`time_text` string stands for (None for None).

    Examples
    --------
    >>> parse_time("2026-01-02T03:04:05Z").isoformat()
    '2026-01-02T03:04:05+00:00'
    """
    return None if text is None else datetime.strptime(text, _TIME).replace(tzinfo=UTC)


def _sql(name: str) -> str:
    return query("accounts", name)


class AccountsDB:
    """The accounts tables in ``path``: created when missing, one connection per thread.

    Parameters
    ----------
    path : Path
        The SQLite file (the embedded store's, or a side file for Neo4j).
    clock : callable, default :func:`utc_now`
        What time it is (tests pass their own, to move time on).
    """

    def __init__(self, path: str | Path, *, clock: Callable[[], datetime] = utc_now):
        self.path = Path(path)
        self.clock = clock
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.connection.executescript(_sql("accounts_schema_script"))
        except (sqlite3.DatabaseError, OSError) as error:
            raise StoreError(f"{self.path}: cannot open the accounts tables ({error})") from None

    @property
    def connection(self) -> sqlite3.Connection:
        """This thread's connection (a web server's threads never share one)."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            if self._closed:
                raise StoreError(f"{self.path}: the accounts database has been closed")
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            connection.executescript(_sql("accounts_configure_script"))
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    def now(self) -> str:
        """The clock's time as database text."""
        return time_text(self.clock())

    def run(self, name: str, parameters: dict[str, Any] | None = None) -> sqlite3.Cursor:
        """Run the named statement of ``queries/accounts.sql`` with named ``parameters``."""
        try:
            return self.connection.execute(_sql(name), parameters or {})
        except sqlite3.IntegrityError:
            raise
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: accounts query {name} failed ({error})") from None

    def rows(self, name: str, parameters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Every row of a named query, as dicts of column name to value."""
        cursor = self.run(name, parameters)
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def scalar(self, name: str, parameters: dict[str, Any] | None = None) -> Any:
        """The first column of the first row of a named query (None without rows)."""
        row = self.run(name, parameters).fetchone()
        return None if row is None else row[0]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Statements that stand or fall together (BEGIN IMMEDIATE: writers queue, never fail)."""
        self.run("accounts_begin")
        try:
            yield
        except BaseException:
            self.run("accounts_rollback")
            raise
        self.run("accounts_commit")

    def close(self) -> None:
        """Close every thread's connection."""
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()
            self._closed = True
        self._local = threading.local()
