"""Every query the stores run, named and parameterised: SQL (embedded store), Cypher (Neo4j).

Each backend keeps its queries in one file (``sqlite.sql``, ``neo4j.cypher``),
one query per block introduced by a ``-- name: <query name>`` line (``//
name:`` in Cypher). Values are always passed as parameters; no query text is
ever built from input.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

__all__ = ["query", "query_names", "UnknownQueryError"]

_FILES = {"sqlite": "sqlite.sql", "neo4j": "neo4j.cypher"}
_NAME = re.compile(r"^(?:--|//)\s*name:\s*([a-z0-9_]+)\s*$", re.MULTILINE)


class UnknownQueryError(KeyError):
    """A query name that the backend's query file does not define."""


@cache
def _load(backend: str) -> dict[str, str]:
    text = resources.files("queries").joinpath(_FILES[backend]).read_text("utf-8")
    parts = _NAME.split(text)
    # parts = [preamble, name1, body1, name2, body2, ...]
    named = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name in named:
            raise ValueError(f"{_FILES[backend]}: query {name!r} is defined twice")
        named[name] = body.strip()
    return named


def query(backend: str, name: str) -> str:
    """The text of query ``name`` for ``backend`` (``"sqlite"`` or ``"neo4j"``).

    Examples
    --------
    >>> "contacts" in query("sqlite", "count_contact_rows")
    True
    """
    try:
        return _load(backend)[name]
    except KeyError:
        raise UnknownQueryError(f"no query {name!r} for backend {backend!r}") from None


def query_names(backend: str) -> list[str]:
    """The names of every query the backend defines."""
    return sorted(_load(backend))
