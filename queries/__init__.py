"""Every query the stores run, named and parameterised: SQL (embedded store), Cypher (Neo4j).

Each backend keeps its queries in one file (``sqlite.sql``, ``neo4j.cypher``),
one query per block introduced by a ``-- name: <query name>`` line (``//
name:`` in Cypher). Values are always passed as named parameters
(``:family_id``, ``$family_id`` in Cypher), bound from a dict; no query text is
ever built from input. Transaction control and connection settings are
queries too.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

__all__ = ["query", "explore_queries", "UnknownQueryError"]

_FILES = {"sqlite": "sqlite.sql", "neo4j": "neo4j.cypher", "accounts": "accounts.sql"}
_NAME = re.compile(r"^(?:--|//)\s*name:\s*([a-z0-9_]+)\s*$", re.MULTILINE)


class UnknownQueryError(KeyError):
    """A query name that the backend's query file does not define."""


def _parse(text: str, file_name: str) -> dict[str, str]:
    r"""Each query of a query file's ``text`` by name; ValueError when a name repeats.

    Examples
    --------
    >>> _parse("-- about\n-- name: one\nSELECT 1;\n\n-- name: two\nSELECT 2;\n", "x.sql")
    {'one': 'SELECT 1;', 'two': 'SELECT 2;'}
    """
    parts = _NAME.split(text)
    # parts = [preamble, name1, body1, name2, body2, ...]
    named = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name in named:
            raise ValueError(f"{file_name}: query {name!r} is defined twice")
        named[name] = body.strip()
    return named


@cache
def _load(backend: str) -> dict[str, str]:
    file_name = _FILES[backend]
    return _parse(resources.files("queries").joinpath(file_name).read_text("utf-8"), file_name)


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


@cache
def explore_queries() -> dict[str, str]:
    """The exploration queries for Neo4j Browser and Bloom users (``queries/explore/*.cypher``).

    Each file is one statement, named by its file, opening with comments that
    say what it returns and which ``$parameters`` it takes.

    Examples
    --------
    >>> "family_journey" in explore_queries()
    True
    """
    folder = resources.files("queries").joinpath("explore")
    return {
        entry.name.removesuffix(".cypher"): entry.read_text("utf-8").strip()
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".cypher")
    }
