"""The Neo4j store's Cypher: every statement it names is in queries/neo4j.cypher, and only those.

That Neo4j parses and plans each of them cleanly is checked against a live
Neo4j in ``tests/graph_loader/stores/test_neo4j_store.py``.
"""

from __future__ import annotations

import ast
import re

from graph_loader.stores.neo4j_store import SCHEMA_STATEMENTS
from queries import _load
from tests.paths import ROOT

SOURCES = sorted((ROOT / "graph_loader" / "stores").glob("neo4j*.py"))
# Calls whose first argument names a statement, and keywords that name one.
NAMING_CALLS = {"_run", "_write", "_query", "_columns", "_stored", "_contacts_of", "_journey_rows",
                "cypher"}  # fmt: skip
NAMING_KEYWORDS = {"delete", "create", "digests", "steps"}
_STRING = re.compile(r"'[^']*'")


def named_in_source() -> set[str]:
    names = set(SCHEMA_STATEMENTS)
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name)):
                continue
            called = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            for keyword in node.keywords:
                if keyword.arg in NAMING_KEYWORDS:
                    assert isinstance(keyword.value, ast.Constant), f"{path.name}:{node.lineno}"
                    names.add(keyword.value.value)
            if called not in NAMING_CALLS or not node.args:
                continue
            first = node.args[0]
            if isinstance(first, ast.Name) and first.id in {"name", *NAMING_KEYWORDS}:
                continue  # a helper passing on its caller's name
            assert isinstance(first, ast.Constant), f"{path.name}:{node.lineno}: name it"
            names.add(first.value)
    return names


def test_every_statement_named_exists_and_every_statement_is_used():
    defined = set(_load("neo4j"))
    named = named_in_source()
    assert named - defined == set()
    assert defined - named == set()


def test_labels_and_types_are_written_out_never_taken_from_parameters():
    for name, text in _load("neo4j").items():
        code = _STRING.sub("''", text)
        # Neo4j's dynamic labels and types, :$(expr), would take them from input.
        assert "$(" not in code, name
        assert re.findall(r"\$\w+", code) == re.findall(r"\$[a-z_]+\b", code), name
