"""The accounts' query file: every statement named, used by graph_loader/accounts, bound by name."""

from __future__ import annotations

import ast
import sqlite3

import queries
from tests.paths import ROOT
from tests.queries.test_sqlite_queries import parameters

SOURCES = sorted((ROOT / "graph_loader" / "accounts").glob("*.py"))
# The calls that take a query's name as their first argument.
NAMING = {"run", "rows", "scalar", "_sql"}


def _named_in_source() -> set[str]:
    named = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            first = node.args[0]
            if name in NAMING and isinstance(first, ast.Constant) and isinstance(first.value, str):
                named.add(first.value)
    return named


def test_every_query_is_used_and_every_used_query_exists():
    defined = set(queries._load("accounts"))
    assert _named_in_source() == defined


def test_sqlite_prepares_every_query_with_its_named_parameters_alone(tmp_path):
    db = sqlite3.connect(tmp_path / "prepare.db", isolation_level=None)
    db.executescript(queries.query("accounts", "accounts_schema_script"))
    for name, text in queries._load("accounts").items():
        if name.endswith("_script"):
            assert not parameters(text), name
            continue
        assert "?" not in text, name
        db.execute(f"EXPLAIN {text}", dict.fromkeys(parameters(text)))
    db.close()


def test_the_source_runs_no_sql_text_of_its_own():
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in {
                "execute", "executemany", "executescript"
            }:  # fmt: skip
                assert not isinstance(node.args[0], ast.Constant | ast.JoinedStr), path.name
