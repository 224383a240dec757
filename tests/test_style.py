"""The house style's size limits: modules under 450 lines, functions under about 70.

A function may be longer when a comment on the line above its ``def`` says why
it must be one piece (it contains "one piece").
"""

from __future__ import annotations

import ast

import pytest

from tests.paths import ROOT

PACKAGES = ("journey", "graph_loader", "web", "queries")
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 70
MODULES = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def long_functions(source: str, limit: int = MAX_FUNCTION_LINES) -> list[tuple[str, int, int]]:
    """(name, line, length) of each function whose code after its docstring exceeds ``limit``.

    Examples
    --------
    >>> long_functions("def f():\\n    '''Doc.'''\\n" + "    x = 1\\n" * 3, limit=2)
    [('f', 1, 3)]
    >>> long_functions("# one piece: a state machine\\ndef f():\\n" + "    x = 1\\n" * 3, limit=2)
    []
    """
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        first = node.body[0]
        has_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
        start = first.end_lineno + 1 if has_doc and len(node.body) > 1 else first.lineno
        length = node.end_lineno - start + 1
        top = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        explained = top >= 2 and "one piece" in lines[top - 2]
        if length > limit and not explained:
            found.append((node.name, node.lineno, length))
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_and_functions_stay_short(path):
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= MAX_MODULE_LINES, f"{path.name}: split it by responsibility"
    assert long_functions(source) == [], f"{path.name}: functions too long to read at once"


def test_the_check_finds_a_long_function():
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES + 1))
    assert long_functions("def long():\n" + body) == [("long", 1, MAX_FUNCTION_LINES + 1)]
