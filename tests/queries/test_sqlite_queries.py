"""The embedded store's query file: it parses, every query is named, used and bound by name.

Three checks meet here. The source of ``graph_loader/stores/`` names each
query it runs as a string literal, and runs no SQL text of its own. SQLite
itself prepares every query (so a positional ``?`` or a parameter spelt
another way cannot hide in a comment-stripping regex). And a real store runs
every query, through a connection that records what each statement was given.
"""

from __future__ import annotations

import ast
import re
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

import queries
from graph_loader.stores import sqlite as sqlite_store
from graph_loader.stores import sqlite_schema
from graph_loader.stores.sqlite import SQLiteStore
from journey.errors import NotFoundError, StoreError
from journey.store import ContactFilter, LoadRecord
from tests.builders import contacts_frame, lead_periods_frame, people_frame
from tests.paths import ROOT

# The embedded store's modules (the Neo4j store's queries: test_neo4j_queries.py).
STORE_SOURCES = sorted(
    p for p in (ROOT / "graph_loader" / "stores").glob("*.py") if not p.name.startswith("neo4j")
)
# The calls that take a query's name as their first argument.
NAMING_CALLS = {"statement", "_sql", "_frame", "_scalar", "_write", "query"}
SQLITE_CALLS = {"execute", "executemany", "executescript"}
_COMMENT = re.compile(r"--[^\n]*")
_STRING = re.compile(r"'(?:[^']|'')*'")
_PARAMETER = re.compile(r":([A-Za-z_][A-Za-z0-9_]*)")


def defined() -> dict[str, str]:
    """Every query of ``queries/sqlite.sql`` by name, as the store runs it (slots filled)."""
    return {name: sqlite_schema.statement(name) for name in queries._load("sqlite")}


def parameters(text: str) -> set[str]:
    """The named parameters of a query (outside its comments and string literals)."""
    return set(_PARAMETER.findall(_STRING.sub("''", _COMMENT.sub("", text))))


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def calls(names: set[str]) -> list[tuple[Path, ast.Call]]:
    """Every call in the store's source to a function or method called one of ``names``."""
    found = []
    for path in STORE_SOURCES:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and _name(node) in names:
                found.append((path, node))
    return found


# -- the file ----------------------------------------------------------------
def test_the_file_parses_and_every_name_is_defined_once():
    text = resources.files("queries").joinpath("sqlite.sql").read_text("utf-8")
    names = queries._NAME.findall(text)
    assert len(names) == len(set(names)) == len(queries._load("sqlite")) > 40
    assert all(body for body in queries._load("sqlite").values())


def test_a_repeated_name_is_refused():
    with pytest.raises(ValueError, match="'one' is defined twice"):
        queries._parse("-- name: one\nSELECT 1;\n-- name: one\nSELECT 2;\n", "x.sql")


def test_an_unknown_name_is_refused():
    with pytest.raises(queries.UnknownQueryError, match="no query 'nothing_like_this'"):
        queries.query("sqlite", "nothing_like_this")


def test_every_slot_is_filled():
    for name, text in defined().items():
        assert "{" not in text and "}" not in text, name


def test_no_query_has_a_positional_placeholder():
    for name, text in defined().items():
        assert "?" not in _STRING.sub("''", _COMMENT.sub("", text)), name


def test_sqlite_prepares_every_query_with_its_named_parameters_alone(tmp_path):
    # EXPLAIN prepares a statement without running it. A positional ``?`` fails
    # to bind from a dict, a parameter the regex missed fails as unsupplied, and
    # a block of two statements fails as such.
    db = sqlite3.connect(tmp_path / "prepare.db", isolation_level=None)
    db.executescript(sqlite_schema.statement("schema_script"))
    for name, text in defined().items():
        if name.endswith("_script"):
            assert sqlite3.complete_statement(text) and not parameters(text), name
            continue
        db.execute(f"EXPLAIN {text}", dict.fromkeys(parameters(text)))
    db.close()


# -- the store's source ------------------------------------------------------
def test_every_query_the_store_names_exists_and_every_query_is_named():
    named = set()
    for path, call in calls(NAMING_CALLS):
        first = call.args[1 if _name(call) == "query" else 0]
        if isinstance(first, ast.Name) and first.id == "name":
            continue  # a helper passing on the name its caller wrote out
        assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
            f"{path.name}:{call.lineno}: a query name must be written out, not computed"
        )
        named.add(first.value)
    assert named - set(defined()) == set()  # nothing asked for is missing
    assert set(defined()) - named == set()  # nothing defined is dead


def test_the_store_runs_no_sql_text_of_its_own():
    for path, call in calls(SQLITE_CALLS):
        first = call.args[0]
        assert not isinstance(first, ast.Constant | ast.JoinedStr), (
            f"{path.name}:{call.lineno}: SQL written in the code; name it in queries/sqlite.sql"
        )


# -- a real store ------------------------------------------------------------
class RecordingConnection:
    """A connection that records every statement and what it was given to bind."""

    def __init__(self, connection: sqlite3.Connection, log: list[tuple[str, list]]):
        self._connection = connection
        self._log = log

    def execute(self, sql, parameters=()):
        self._log.append((sql, [parameters]))
        return self._connection.execute(sql, parameters)

    def executemany(self, sql, rows):
        rows = list(rows)
        self._log.append((sql, rows))
        return self._connection.executemany(sql, rows)

    def executescript(self, sql):
        self._log.append((sql, []))
        return self._connection.executescript(sql)

    def __getattr__(self, name):
        return getattr(self._connection, name)


@pytest.fixture
def recorded(monkeypatch):
    """(statements run with their bindings, query names asked for), filled by any store."""
    log: list[tuple[str, list]] = []
    asked: list[str] = []
    connection_of = SQLiteStore._db.fget
    statement = sqlite_schema.statement

    def naming(name: str) -> str:
        asked.append(name)
        return statement(name)

    monkeypatch.setattr(sqlite_schema, "statement", naming)
    monkeypatch.setattr(sqlite_store, "_sql", naming)
    monkeypatch.setattr(
        SQLiteStore, "_db", property(lambda store: RecordingConnection(connection_of(store), log))
    )
    return log, asked


def exercise(store: SQLiteStore) -> None:
    """Run every write and every read of the store, the error paths included."""
    contacts = contacts_frame(
        [
            ("c1", "p1", "Police", "domestic_incident", "2021-03-01 22:30", None, "F1"),
            ("c2", "p2", "School", "school_absence", "2021-03-04", "Police", "F1"),
            ("c3", "p3", "JCP", "work_coach", "2020-12-01", None, "F2"),
        ]
    )
    store.write_families(pd.DataFrame({"family_id": ["F1", "F2"], "area": ["Ward A", None]}))
    store.write_people(people_frame([("p1", "F1", "adult", "1985-04"), ("p2", "F1", "child")]))
    store.write_lead_periods(lead_periods_frame([("F1", "2021-04-01", None)]))
    with store.loading(wait_seconds=0):  # a first load: inserted without the id index
        store.write_contacts(contacts.head(2))
        store.write_contacts(contacts.tail(1))
    store.write_contacts(contacts)  # outside a load, and stored already: an upsert
    now = datetime(2026, 1, 1, 12)
    store.record_load(LoadRecord("contacts.csv", now, now, rows_in=4, loaded=3, rejected=1))
    store.finish_load()
    store.contacts()  # from the snapshot
    for where in [
        ContactFilter(family_id="F1"),
        ContactFilter(person_id="p2"),
        ContactFilter(area="Ward A", start=datetime(2021, 1, 1), end=datetime(2022, 1, 1)),
    ]:
        store.contacts(where, columns=["contact_id", "occurred_at"])
    # Text holding the separator: no snapshot, and the table is read row by row.
    store.write_contacts(contacts.head(1).assign(service="Unit\x1fA"))
    store.finish_load()
    store.contacts()
    store.mark_touched(["F1"]), store.touched_families(), store.clear_touched(["F1"])
    with pytest.raises(StoreError, match="write failed"):
        store.write_contacts(contacts.assign(contact_type=None))  # NOT NULL: rolled back
    store.people(), store.people("F1"), store.families(), store.agencies(), store.loads()
    store.lead_periods(), store.lead_periods("F1"), store.counts(), store.date_range()
    store.load_version()
    store.save_results({"eligibility": pd.DataFrame({"family_id": ["F1"]})}, {"run": 1})
    store.result("eligibility"), store.results_meta()
    with pytest.raises(NotFoundError):
        store.result("pathways")


def _upgrade_a_version_1_store(tmp_path: Path) -> None:
    """Open a copy of the version 1 reference store: the upgrade's queries run."""
    import gzip

    reference = ROOT / "tests" / "graph_loader" / "stores" / "data" / "store-v1.db.gz"
    path = tmp_path / "v1.db"
    path.write_bytes(gzip.decompress(reference.read_bytes()))
    SQLiteStore(path).close()


def test_a_real_store_runs_every_query(recorded, tmp_path):
    log, asked = recorded
    with SQLiteStore(tmp_path / "every.db") as store:
        exercise(store)
    SQLiteStore(tmp_path / "every.db").close()  # an existing store: its schema version is read
    _upgrade_a_version_1_store(tmp_path)
    assert set(asked) == set(defined())
    ran = {sql for sql, _ in log}
    # A script runs whole, or statement by statement inside a transaction (an upgrade).
    pieces = {name: set(sqlite_schema._statements(text)) for name, text in defined().items()
              if name.endswith("_script")}  # fmt: skip
    for name, text in defined().items():
        if name != "configure_connection_script":  # run by the connection's own set-up
            assert text in ran or pieces.get(name, {None}) <= ran, f"{name} never ran"
    assert ran - set(defined().values()) - set().union(*pieces.values()) == set()


def test_every_statement_binds_exactly_its_named_parameters_from_a_dict(recorded, tmp_path):
    log, _ = recorded
    with SQLiteStore(tmp_path / "bound.db") as store:
        exercise(store)
    SQLiteStore(tmp_path / "bound.db").close()
    for sql, bindings in log:
        wanted = parameters(sql)
        for bound in bindings:
            if bound == () and not wanted:
                continue  # nothing to bind
            assert isinstance(bound, Mapping), f"bound by position: {sql[:60]!r}"
            assert set(bound) == wanted, f"{sql[:60]!r} names {wanted}, was given {set(bound)}"
    assert sum(len(bindings) for _, bindings in log) > 20
