"""The design docs stay true to the code.

* every validation rule id is in docs/data-contract.md, and nothing else is;
* every analysis parameter and its default is in docs/analyses.md;
* every file and column `journey analyse` writes, and every stored result
  frame, is in docs/data-contract.md (the analysis really runs, through the
  command line, on a small generated population in a temporary store);
* every relative link in the project's Markdown, and every ``docs/<file>.md#<anchor>``
  cited in Markdown or in the code, points at an existing file and heading;
* every reference stays inside the repository: no path into a folder beside it,
  no section number of a document it does not hold.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.paths import ROOT

DOCS = ROOT / "docs"
CODE_PACKAGES = ("journey", "graph_loader", "web", "queries")
PROJECT_FOLDERS = (*CODE_PACKAGES, "bench", "docs", ".ci")
SKIPPED_FOLDERS = {"__pycache__", ".git", ".venv", "node_modules"}
TEXT_SUFFIXES = {
    ".py", ".md", ".sql", ".cypher", ".toml", ".html", ".css", ".js", ".svg", ".txt", ".cfg",
    ".ini", ".yml", ".yaml", "",
}  # fmt: skip
_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
_LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_EXPLICIT_ANCHOR = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"")
_CITATION = re.compile(r"(?<![\w./-])docs/[\w./-]*?\.md(?:#[\w-]+)?")
_EXTERNAL = ("http://", "https://", "mailto:", "ftp://")


# -- reading Markdown ---------------------------------------------------------------


def prose(markdown: str) -> str:
    """The Markdown without fenced code blocks and HTML comments (neither holds links)."""
    return _FENCE.sub("", _COMMENT.sub("", markdown))


def slug(heading: str) -> str:
    """The anchor a Markdown renderer (GitHub's rules) gives a heading.

    Examples
    --------
    >>> slug("JSON twins of the pages"), slug("`variants.csv`"), slug("The embedded store's tables")
    ('json-twins-of-the-pages', 'variantscsv', 'the-embedded-stores-tables')
    >>> slug("How to add …"), slug("family_summary")
    ('how-to-add-', 'family_summary')
    """
    text = re.sub(r"<[^>]+>", "", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def headings(markdown: str) -> list[tuple[int, str, int]]:
    """(level, text, offset) of every heading outside code blocks, in order."""
    text = _FENCE.sub(lambda m: " " * len(m.group(0)), markdown)
    return [(len(m.group(1)), m.group(2), m.start()) for m in _HEADING.finditer(text)]


def anchors(markdown: str) -> set[str]:
    """Every anchor of a Markdown document: heading slugs (repeats get -1, -2 ...) and <a id>."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for _, text, _ in headings(markdown):
        base = slug(text)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found | set(_EXPLICIT_ANCHOR.findall(markdown))


def section(markdown: str, title: str) -> str:
    """The text under the heading ``title`` (backticks ignored) up to the next one at its level.

    Raises AssertionError when there is no such heading.
    """
    marks = headings(markdown)
    for i, (level, text, start) in enumerate(marks):
        if text.replace("`", "").strip() == title:
            end = next((s for lv, _, s in marks[i + 1 :] if lv <= level), len(markdown))
            return markdown[start:end]
    raise AssertionError(f"no heading {title!r}")


def subheadings(markdown: str, title: str) -> list[str]:
    """The titles (backticks removed) of the headings one level below ``title``, inside it."""
    text = section(markdown, title)
    marks = headings(text)
    level = marks[0][0]
    return [t.replace("`", "").strip() for lv, t, _ in marks[1:] if lv == level + 1]


def table_rows(text: str) -> list[list[str]]:
    """The cells of every table row of ``text``, header and separator rows left out."""
    lines = [line.strip() for line in text.splitlines()]
    separator = re.compile(r"\|?(\s*:?-+:?\s*\|)+\s*:?-*:?\s*")
    rows = []
    for number, line in enumerate(lines):
        if not line.startswith("|") or separator.fullmatch(line):
            continue
        if number + 1 < len(lines) and separator.fullmatch(lines[number + 1]):
            continue  # a header row
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def documented_names(text: str) -> set[str]:
    """The backticked names in the first cell of each table row (``a``, ``b`` gives both)."""
    names = set()
    for row in table_rows(text):
        names |= set(re.findall(r"`([^`]+)`", row[0]))
    return names


# -- links and citations ------------------------------------------------------------


def _anchor_problem(target: Path, anchor: str, where: str) -> str | None:
    if not target.is_file():
        return f"{where}: no such file {target}"
    if anchor and target.suffix == ".md" and anchor not in anchors(target.read_text("utf-8")):
        return f"{where}: {target.name} has no heading #{anchor}"
    return None


def link_problems(markdown: str, path: Path) -> list[str]:
    """Relative links of ``markdown`` (the file ``path``) to missing files or headings."""
    problems = []
    for target in _LINK.findall(_INLINE_CODE.sub("", prose(markdown))):
        if target.startswith(_EXTERNAL):
            continue
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        problem = _anchor_problem(resolved, anchor, f"{path.name}: link ({target})")
        if problem:
            problems.append(problem)
    return problems


def citation_problems(text: str, where: str) -> list[str]:
    """``docs/<file>.md#<anchor>`` citations in ``text`` whose file or heading does not exist."""
    problems = []
    for citation in _CITATION.findall(text):
        file_part, _, anchor = citation.partition("#")
        problem = _anchor_problem(ROOT / file_part, anchor, f"{where}: {citation}")
        if problem:
            problems.append(problem)
    return problems


def _files(folders: tuple[str, ...], suffixes: set[str] | None = None) -> list[Path]:
    found = []
    for folder in folders:
        for path in (ROOT / folder).rglob("*"):
            if SKIPPED_FOLDERS & set(path.relative_to(ROOT).parts) or not path.is_file():
                continue
            if suffixes is None or path.suffix in suffixes:
                found.append(path)
    return sorted(found)


def markdown_files() -> list[Path]:
    return sorted({*ROOT.glob("*.md"), *_files((*PROJECT_FOLDERS, "tests"), {".md"})})


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


# -- the rule ids, parameters, columns ---------------------------------------------


def test_every_rule_id_is_documented_and_nothing_else():
    from journey.contract import RULES

    rules = section((DOCS / "data-contract.md").read_text("utf-8"), "Validation rules")
    documented = documented_names(rules)
    assert sorted(set(RULES) - documented) == [], "rule ids missing from docs/data-contract.md"
    assert sorted(documented - set(RULES)) == [], "docs/data-contract.md names unknown rule ids"


def test_every_parameter_and_its_default_is_documented():
    from journey.parameters import AnalysisParameters

    text = section((DOCS / "analyses.md").read_text("utf-8"), "Parameters")
    rows = {row[0].strip("`"): row for row in table_rows(text) if row[0].startswith("`")}
    for field in fields(AnalysisParameters):
        assert field.name in rows, f"docs/analyses.md#parameters has no row for {field.name}"
        cells = [cell.strip("`") for cell in rows[field.name][1:]]
        assert str(field.default) in cells, (
            f"docs/analyses.md#parameters: {field.name} default {field.default!r} not in its row"
        )
    unknown = set(rows) - {f.name for f in fields(AnalysisParameters)}
    assert not unknown, f"docs/analyses.md#parameters documents unknown parameters {unknown}"


def test_the_anchor_table_of_the_analyses_names_real_headings():
    text = (DOCS / "analyses.md").read_text("utf-8")
    listed = {cell.strip("`#") for row in table_rows(text.split("\n## ")[0]) for cell in row[1:2]}
    assert listed and listed <= anchors(text), listed - anchors(text)


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    """`journey generate`, `journey load`, `journey analyse --evidence` in a temporary folder."""
    from web.cli import cli

    folder = tmp_path_factory.mktemp("docs")
    store = f"sqlite:///{folder / 'journey.db'}"
    runner = CliRunner()
    for args in (
        ["generate", "--families", "60", "--seed", "3", "--out", str(folder / "data")],
        ["load", str(folder / "data"), "--store", store, "--rejects", str(folder / "rejects")],
        ["analyse", "--store", store, "--out", str(folder / "out"), "--evidence"],
    ):
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return {"out": folder / "out", "store": store}


def _outputs_text() -> str:
    return section((DOCS / "data-contract.md").read_text("utf-8"), "Outputs of journey analyse")


def test_every_file_journey_analyse_writes_is_documented(analysed):
    written = {path.name for path in analysed["out"].iterdir()}
    documented = {t for t in subheadings(_outputs_text(), "Outputs of journey analyse") if "." in t}
    assert "uncoordinated_contacts.csv" in written  # --evidence really ran
    assert sorted(written - documented) == [], "files missing from docs/data-contract.md"
    assert sorted(documented - written) == [], "docs/data-contract.md documents unwritten files"


def test_every_column_journey_analyse_writes_is_documented(analysed):
    outputs = _outputs_text()
    problems = []
    for path in sorted(analysed["out"].glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as file:
            columns = set(next(csv.reader(file)))
        documented = documented_names(section(outputs, path.name))
        problems += [f"{path.name}: column {c} is not documented" for c in columns - documented]
        problems += [f"{path.name}: documents {c}, not a column" for c in documented - columns]
    assert not problems, "\n".join(problems)


def test_every_key_of_summary_json_is_documented(analysed):
    summary = json.loads((analysed["out"] / "summary.json").read_text("utf-8"))
    text = section(_outputs_text(), "summary.json")
    keys = documented_names(text)
    missing = [k for k in summary if k not in keys]
    missing += [f"counts.{k}" for k in summary["counts"] if k not in keys]
    parameters = next(row for row in table_rows(text) if row[0] == "`parameters`")
    missing += [f"parameters.{k}" for k in summary["parameters"] if f"`{k}`" not in parameters[1]]
    assert not missing, f"summary.json keys missing from docs/data-contract.md: {missing}"


def test_every_stored_result_is_documented(analysed):
    from graph_loader.stores import open_store
    from journey.analysis import analyse

    text = (DOCS / "data-contract.md").read_text("utf-8")
    stored = subheadings(text, "Stored results")
    files = {name.removesuffix(".csv") for name in subheadings(text, "Outputs of journey analyse")}
    store = open_store(analysed["store"], create=False)
    try:
        run = analyse(store.contacts(), store.people(), store.families(), store.lead_periods())
        problems = [f"stored frame {n} is not documented" for n in run.frames
                    if n not in stored and n not in files]  # fmt: skip
        for name in stored:
            columns = set(store.result(name).columns)
            documented = documented_names(section(text, name))
            problems += [f"{name}: column {c} is not documented" for c in columns - documented]
            problems += [f"{name}: documents {c}, not a column" for c in documented - columns]
    finally:
        store.close()
    assert stored and not problems, "\n".join(problems)


# -- links, citations, outside references -------------------------------------------


@pytest.mark.parametrize("path", markdown_files(), ids=_rel)
def test_markdown_links_and_citations_resolve(path):
    text = path.read_text("utf-8")
    problems = link_problems(text, path) + citation_problems(prose(text), _rel(path))
    assert not problems, "\n".join(problems)


def test_code_citations_of_the_docs_resolve():
    problems = []
    for path in _files(CODE_PACKAGES, TEXT_SUFFIXES):
        text = _read_text(path)
        if text is None:
            continue
        problems += citation_problems(text, _rel(path))
    assert not problems, "\n".join(problems)


# Spelled in pieces so that this file does not match itself.
OUTSIDE_REFERENCES = ("../" + "shared/", "ARCHITECTURE" + " §")


def test_every_reference_stays_inside_the_repository():
    files = [p for p in ROOT.iterdir() if p.is_file() and p.suffix in TEXT_SUFFIXES]
    files += _files(PROJECT_FOLDERS, TEXT_SUFFIXES)
    problems = []
    for path in files:
        text = _read_text(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            problems += [f"{_rel(path)}:{number}: {needle!r}" for needle in OUTSIDE_REFERENCES
                         if needle in line]  # fmt: skip
    assert not problems, "references outside the repository:\n" + "\n".join(problems)


# -- the checks can fail ------------------------------------------------------------

SAMPLE = """# Title

## Rules

| rule | meaning |
| --- | --- |
| `C101` | empty |
| `A`, `B` | two names |

```
[ignored](missing-in-code.md)
```
<!-- [ignored](missing-in-a-comment.md) -->
"""


def test_table_names_and_sections():
    assert documented_names(section(SAMPLE, "Rules")) == {"C101", "A", "B"}
    with pytest.raises(AssertionError, match="no heading"):
        section(SAMPLE, "Outputs")


def test_anchors_count_repeated_headings():
    assert anchors("# A\n## A\n```\n# not a heading\n```\n") == {"a", "a-1"}


@pytest.mark.parametrize(
    ("markdown", "problem"),
    [
        ("[x](nowhere.md)", "no such file"),
        ("[x](page.md#no-such-heading)", "page.md has no heading #no-such-heading"),
        ("[x](#no-such-heading)", "has no heading #no-such-heading"),
        ("see ![figure](missing.png)", "no such file"),
        ("[x](page.md#the-heading) [y](#local) [z](https://example.org/x.md)\n## Local", None),
        (SAMPLE, None),
    ],
)
def test_link_problems_are_found(tmp_path, markdown, problem):
    (tmp_path / "page.md").write_text("# The heading\n")
    (tmp_path / "here.md").write_text(markdown)
    found = link_problems(markdown, tmp_path / "here.md")
    assert (problem is None and found == []) or (len(found) == 1 and problem in found[0])


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("see docs/analyses.md#no-such-heading", "has no heading #no-such-heading"),
        ("see docs/no-such-page.md", "no such file"),
        ("see docs/analyses.md#parameters and docs/architecture.md", None),
        ("the folder mydocs/x.md is not a citation", None),
    ],
)
def test_citation_problems_are_found(text, problem):
    found = citation_problems(text, "here")
    assert (problem is None and found == []) or (len(found) == 1 and problem in found[0])
