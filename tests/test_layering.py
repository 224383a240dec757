"""The packages' dependencies point one way (docs/architecture.md#layers-and-dependencies).

Every module is parsed with :mod:`ast` (nothing is imported), and every
``import``, ``from ... import`` and ``importlib.import_module("...")`` it
holds — at module level or inside a function — is checked against the
modules its package must not import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.paths import ROOT

WEB_STACK = {"flask", "werkzeug", "jinja2", "click", "waitress"}

# Package -> the top-level modules it must not import.
FORBIDDEN: dict[str, frozenset[str]] = {
    "journey": frozenset(WEB_STACK | {"sqlite3", "neo4j", "graph_loader", "web"}),
    "graph_loader": frozenset(WEB_STACK | {"web"}),
    "queries": frozenset({"journey", "graph_loader", "web"}),
}


def module_name(path: Path) -> str:
    """The dotted name of a module file under the project root (``journey/maps/page.py``)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module a (possibly relative) ``from ... import`` names."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, *([node.module] if node.module else [])])


def _import_module_target(node: ast.Call) -> str | None:
    """The module of ``importlib.import_module("x")`` or ``__import__("x")`` with a literal name."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in {"import_module", "__import__"} or not node.args:
        return None
    first = node.args[0]
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def imports(source: str, module: str, *, is_package: bool = False) -> list[tuple[int, str]]:
    """Every module ``source`` imports, as (line, absolute dotted name), in source order."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(node, module, is_package)
            if node.module is None:  # from . import x: each name may be a module
                found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, target))
        elif isinstance(node, ast.Call):
            target = _import_module_target(node)
            if target:
                found.append((node.lineno, target))
    return sorted(found)


def violations(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """Messages naming the module, the line and the import, one per forbidden import."""
    package = module.split(".")[0]
    forbidden = FORBIDDEN[package]
    return [
        f"{module} (line {line}) imports {name}: {package} must not import {name.split('.')[0]}"
        for line, name in imports(source, module, is_package=is_package)
        if name.split(".")[0] in forbidden
    ]


def package_modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_stay_in_their_layer(package):
    found = []
    for path in package_modules(package):
        source = path.read_text(encoding="utf-8")
        found += violations(source, module_name(path), is_package=path.name == "__init__.py")
    assert not found, "imports against the layering:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("package", "module"),
    [("journey", "journey.analysis"), ("journey", "journey.maps.page"),
     ("graph_loader", "graph_loader.stores.sqlite"), ("queries", "queries")],
)  # fmt: skip
def test_the_walk_finds_the_modules(package, module):
    """The check above is not vacuous: it reads the real modules."""
    assert module in {module_name(p) for p in package_modules(package)}


def module_level_imports(source: str) -> list[str]:
    """The modules imported when a module is loaded (function bodies left out)."""
    found = []
    pending = list(ast.parse(source).body)
    while pending:
        node = pending.pop(0)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
        pending += [child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt)]
    return found


SERVING = {"flask", "werkzeug", "jinja2", "waitress", "web"}
# Modules of the command line itself, which web.cli may import when it is loaded: they
# are held to the same rule.
COMMAND_LINE_MODULES = {"web.cli_loads": ROOT / "web" / "cli_loads.py"}


@pytest.mark.parametrize("path", [ROOT / "web" / "cli.py", *COMMAND_LINE_MODULES.values()],
                         ids=lambda p: p.name)  # fmt: skip
def test_the_command_line_loads_the_web_app_only_to_serve(path):
    """web/cli.py composes every package; the app and the server are imported by serve and demo."""
    loaded = module_level_imports(path.read_text(encoding="utf-8"))
    assert "click" in loaded
    # The command line's own modules (web/cli_*.py, and web.cli itself when run with -m)
    # load no Flask either: test_cli_imports.py.
    serving = [
        name for name in loaded
        if name.split(".")[0] in SERVING and not name.startswith("web.cli")
    ]  # fmt: skip
    assert not serving, f"{path.name} imports {serving} when it is loaded"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import flask\nfrom web import create_app", ["flask", "web"]),
        ("try:\n    import waitress\nexcept ImportError:\n    pass", ["waitress"]),
        ("def serve():\n    from web.server import serve", []),
        ("class Command:\n    def run(self):\n        import flask", []),
    ],
)
def test_module_level_imports_leave_function_bodies_out(source, expected):
    assert module_level_imports(source) == expected


# -- the check can fail -------------------------------------------------------------

FORBIDDEN_SOURCES = [
    ("journey.analysis", "import flask", "flask"),
    ("journey.analysis", "from flask import Flask", "flask"),
    ("journey.analysis", "import werkzeug.exceptions", "werkzeug.exceptions"),
    ("journey.analysis", "import jinja2 as templates", "jinja2"),
    ("journey.analysis", "def run():\n    import click\n", "click"),
    ("journey.analysis", "from waitress import serve", "waitress"),
    ("journey.analysis", "import sqlite3", "sqlite3"),
    ("journey.analysis", "from neo4j import GraphDatabase", "neo4j"),
    ("journey.analysis", "from graph_loader.stores import open_store", "graph_loader.stores"),
    ("journey.analysis", "import web.cli", "web.cli"),
    ("journey.analysis", "import importlib\nimportlib.import_module('flask')", "flask"),
    ("journey.maps.page", "if TYPE_CHECKING:\n    from web.data import ServiceData\n", "web.data"),
    ("graph_loader.load", "from flask import current_app", "flask"),
    ("graph_loader.load", "import click", "click"),
    ("graph_loader.stores.sqlite", "from web import create_app", "web"),
    ("graph_loader.load", "from werkzeug.exceptions import BadRequest", "werkzeug.exceptions"),
    ("queries", "from journey.errors import StoreError", "journey.errors"),
    ("queries", "import graph_loader", "graph_loader"),
    ("queries", "from web.render import respond", "web.render"),
]


@pytest.mark.parametrize(("module", "source", "imported"), FORBIDDEN_SOURCES)
def test_a_forbidden_import_is_named_with_its_module(module, source, imported):
    found = violations(source, module, is_package=module == "queries")
    assert len(found) == 1
    assert found[0].startswith(f"{module} (line ") and f" imports {imported}:" in found[0]


ALLOWED_SOURCES = [
    ("journey.analysis", "import numpy as np\nimport pandas as pd\nimport networkx"),
    ("journey.analysis", "from journey.errors import InputError"),
    ("journey.maps.page", "from pyvis.network import Network"),
    ("journey.analysis", "import flaskish\nimport websockets\nimport clicks"),
    ("journey.analysis", '"""A docstring that says: import flask."""\n# import click'),
    ("graph_loader.stores.sqlite", "import sqlite3\nfrom queries import query"),
    ("graph_loader.load", "from journey.contract import RULES"),
    ("graph_loader.stores.sqlite", "from . import snapshot"),
    ("queries", "import re\nfrom importlib import resources"),
]


@pytest.mark.parametrize(("module", "source"), ALLOWED_SOURCES)
def test_an_allowed_import_passes(module, source):
    assert violations(source, module, is_package=module == "queries") == []


@pytest.mark.parametrize(
    ("module", "is_package", "source", "expected"),
    [
        ("graph_loader.stores.sqlite", False, "from . import snapshot",
         "graph_loader.stores.snapshot"),
        ("graph_loader.stores", True, "from .sqlite import SQLiteStore",
         "graph_loader.stores.sqlite"),
        ("journey.maps.page", False, "from ..contract import RULES", "journey.contract"),
        ("journey.maps", True, "from .. import web", "journey.web"),
    ],
)  # fmt: skip
def test_relative_imports_resolve_inside_their_package(module, is_package, source, expected):
    assert imports(source, module, is_package=is_package) == [(1, expected)]
