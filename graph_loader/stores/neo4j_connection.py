"""The Neo4j store's connection: one driver, named statements, batched writes, clear errors.

Every statement is a named block of ``queries/neo4j.cypher``, run with its
values as parameters. Writes are ``UNWIND $rows`` batches in managed write
transactions (the driver retries transient failures); reads that return
many values come back as one record of columns.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import pandas as pd

from journey.errors import StoreError, StoreUnavailableError
from queries import query

__all__ = ["Neo4jConnection", "BATCH_SIZE", "LOOKUP_IDS", "chunks", "connection_settings", "cypher"]

BATCH_SIZE = 5_000
#: Ids per lookup of what the graph holds (digests, row counts).
LOOKUP_IDS = 20_000


def _batch_size() -> int:
    """Rows per write transaction: ``$JOURNEY_NEO4J_BATCH`` or :data:`BATCH_SIZE`."""
    text = os.environ.get("JOURNEY_NEO4J_BATCH", "")
    if not text:
        return BATCH_SIZE
    if not text.isdigit() or int(text) < 1:
        raise StoreError(f"JOURNEY_NEO4J_BATCH must be a whole number of rows, not {text!r}")
    return int(text)


def cypher(name: str) -> str:
    """The named statement of ``queries/neo4j.cypher``."""
    return query("neo4j", name)


def connection_settings(url: str) -> tuple[str, tuple[str, str] | None, str | None]:
    """(URL without credentials, auth or None, database or None) from a URL and the environment.

    ``NEO4J_USER``/``NEO4J_PASSWORD`` give the credentials unless the URL
    holds them; ``NEO4J_DATABASE`` the database (the server's default otherwise).

    Examples
    --------
    >>> connection_settings("bolt://ana:s%40cret@db.example:7687")[:2]
    ('bolt://db.example:7687', ('ana', 's@cret'))
    """
    parts = urlsplit(url)
    user = unquote(parts.username) if parts.username else os.environ.get("NEO4J_USER")
    password = unquote(parts.password) if parts.password else os.environ.get("NEO4J_PASSWORD")
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    auth = (user, password or "") if user else None
    return clean, auth, os.environ.get("NEO4J_DATABASE") or None


def chunks(values: list, size: int) -> list[list]:
    return [values[start : start + size] for start in range(0, len(values), size)]



class Neo4jConnection:
    """A driver for one Neo4j database, checked on opening: reachable, and Neo4j 5 or later."""

    def __init__(self, url: str, *, batch_size: int | None = None):
        from neo4j import GraphDatabase

        self.url = url
        self.batch_size = batch_size or _batch_size()
        address, auth, self.database = connection_settings(url)
        # Labels and properties an empty graph does not have yet are expected, not news.
        self._driver = GraphDatabase.driver(
            address, auth=auth, notifications_disabled_classifications=["UNRECOGNIZED"]
        )
        try:
            self._check_server()
        except BaseException:
            self._driver.close()
            raise

    def _query(self, name: str, params: dict[str, Any]) -> tuple[list, list[str]]:
        """Run a named statement; its records and keys."""
        from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

        try:
            # No bookmark manager: every query goes to the same (leader) server,
            # and managing bookmarks costs more than a small read itself.
            records, _, keys = self._driver.execute_query(
                cypher(name), params, database_=self.database, bookmark_manager_=None
            )
        except (ServiceUnavailable, SessionExpired) as error:
            raise StoreUnavailableError(f"{self.url}: Neo4j is not reachable ({error})") from None
        except Neo4jError as error:
            raise StoreError(f"{self.url}: Neo4j refused {name}: {error.message}") from None
        return records, keys

    def _run(self, name: str, /, **params: Any) -> pd.DataFrame:
        """Run a named read or small write; the records as a frame (columns kept when empty)."""
        records, keys = self._query(name, params)
        return pd.DataFrame([r.values() for r in records], columns=keys)

    def _columns(self, name: str, key: str, ids: list, size: int) -> dict[str, list]:
        """Run a statement of one record of columns ``size`` ids at a time; the columns joined."""
        joined: dict[str, list] = {}
        for chunk in chunks(ids, size):
            records, keys = self._query(name, {key: chunk})
            for column, values in zip(keys, records[0].values(), strict=True):
                joined.setdefault(column, []).extend(values)
        return joined

    def _stored(self, name: str, key: str, ids: list) -> dict[str, list]:
        """What the graph holds about these ids (a lookup statement), as columns."""
        return self._columns(name, key, ids, LOOKUP_IDS)

    def _write(self, name: str, rows: list[dict[str, Any]]) -> int:
        """``UNWIND $rows`` in batches, each a managed write transaction (retried if transient)."""
        from neo4j.exceptions import Neo4jError

        def work(tx, batch):
            tx.run(cypher(name), rows=batch).consume()

        try:
            with self._driver.session(database=self.database) as session:
                for start in range(0, len(rows), self.batch_size):
                    session.execute_write(work, rows[start : start + self.batch_size])
        except Neo4jError as error:
            raise StoreError(f"{self.url}: Neo4j refused {name}: {error.message}") from None
        return len(rows)

    def _check_server(self) -> None:
        from neo4j.exceptions import AuthError, ServiceUnavailable

        try:
            self._driver.verify_connectivity()
        except AuthError:
            raise StoreUnavailableError(
                f"{self.url}: Neo4j refused the credentials (set NEO4J_USER and NEO4J_PASSWORD)"
            ) from None
        except (ServiceUnavailable, OSError) as error:
            raise StoreUnavailableError(
                f"{self.url}: cannot reach Neo4j ({error.__class__.__name__}); is the server "
                "running? (`make neo4j` starts a local one)"
            ) from None
        version = str(self._run("server_components")["version"].iloc[0])
        if int(version.split(".")[0]) < 5:
            raise StoreUnavailableError(f"{self.url}: Neo4j {version}; this store needs Neo4j 5")

    def close(self) -> None:
        """Close the driver (and its connections)."""
        self._driver.close()

