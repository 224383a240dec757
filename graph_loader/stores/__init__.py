"""Graph stores chosen by URL: ``sqlite:///path.db`` (embedded, default) or ``neo4j://…``/``bolt://…``."""

from __future__ import annotations

import os
from pathlib import Path

from journey.errors import StoreError
from journey.store import Store

__all__ = ["open_store", "default_store_url", "DEFAULT_STORE_URL"]

DEFAULT_STORE_URL = "sqlite:///journey.db"
_NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def default_store_url() -> str:
    """The store URL to use when none is given: ``$JOURNEY_STORE`` or ``sqlite:///journey.db``."""
    return os.environ.get("JOURNEY_STORE") or DEFAULT_STORE_URL


def sqlite_path(url: str) -> Path:
    """The file path of a ``sqlite:///`` URL (``sqlite:////abs/path`` for an absolute path).

    Examples
    --------
    >>> sqlite_path("sqlite:///journey.db").name
    'journey.db'
    >>> str(sqlite_path("sqlite:////tmp/x.db"))
    '/tmp/x.db'
    """
    rest = url[len("sqlite:///") :]
    if not rest:
        raise StoreError(f"{url}: no file path after sqlite:///")
    return Path(rest)


def open_store(url: str | None = None, *, create: bool = True) -> Store:
    """Open the store at ``url`` (default :func:`default_store_url`).

    Parameters
    ----------
    url : str, optional
        ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db``, or a
        Neo4j URL (``neo4j://``, ``neo4j+s://``, ``bolt://``).
    create : bool
        Create an empty SQLite store when the file does not exist; when False,
        a missing file is an error (for read-only commands such as ``serve``).

    Raises
    ------
    StoreError
        An unknown scheme, an unwritable or foreign file, a wrong schema version.
    StoreUnavailableError
        A Neo4j server that cannot be reached, refuses the credentials or is older than 5.
    """
    url = url or default_store_url()
    if url.startswith("sqlite:///"):
        from graph_loader.stores.sqlite import SQLiteStore

        return SQLiteStore(sqlite_path(url), url=url, create=create)
    if url.startswith(_NEO4J_SCHEMES):
        from graph_loader.stores.neo4j_store import Neo4jStore

        return Neo4jStore(url)
    raise StoreError(
        f"unknown store URL {url!r}: use sqlite:///path/to/file.db, or neo4j://host:7687 "
        "(also bolt://, neo4j+s://, bolt+s://) for Neo4j"
    )
