"""The JSON twins section of docs/data-contract.md and the twins agree: keys, fields and types.

The section is read as data: a ``### `route` `` heading opens a route's
part (``### The `name` object`` a shared object's), its first table lists the
top-level keys, and each ``#### `path` `` heading the fields of an object
(``summary``) or of each record of a list (``families[]``). The twins of a
small population that exercises every list are walked and compared with it,
so neither can change without the other.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from graph_loader.stores import open_store
from tests.web.population import analyse_into, population, write_population
from tests.web.signin import signed_in_client
from tests.web.test_outcomes_page import with_outcomes
from web.app import create_app

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-contract.md"
SECTION = "## JSON twins of the pages"

# Each documented route and URLs whose twins, together, fill every documented list.
EXAMPLES = {
    "/.json": ["/.json"],
    "/families.json": [
        "/families.json",
        "/families.json?from=2021-06-01&to=2022-12-31&min_contacts=1&high_contact=0&sort=area",
    ],
    "/families/<family_id>.json": [
        "/families/F001.json",  # a high-contact family
        "/families/F002.json",  # with a lead professional
        "/families/F005.json",  # without contacts
        "/families/F007.json",  # meets the example outcome plan
    ],
    "/pathways.json": ["/pathways.json", "/pathways.json?cohort=escalated&min_transitions=1",
                       "/pathways.json?cohort=escalated&until=escalation&collapse_repeats=0",
                       "/pathways.json?collapse_repeats=0&min_transitions=1"],
    "/interventions.json": ["/interventions.json"],
    "/loads.json": ["/loads.json"],
    "/outcomes.json": ["/outcomes.json"],
    "/caseloads.json": [
        "/caseloads.json?as_of=2024-01-01",  # F002's open period: 730 days, over 18 months
        "/caseloads.json?worker=unnamed",
    ],
    "/triage.json": [
        "/triage.json?since=2021-01-01&types=incident,domestic_incident",  # F001's and F004's
        "/triage.json?since=2021-01-01&until=2021-02-01&types=incident",
    ],
}
ERRORS = ["/families/F999.json", "/families.json?page=0", "/no/such/page.json"]

_ISO = {
    "date-time": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2})?"),
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "month": re.compile(r"\d{4}-\d{2}"),
}


def _is(value, documented: str) -> bool:
    """Whether a JSON value has the documented type (``integer or null``, ``list of strings``…)."""
    kinds = [kind.strip() for kind in documented.split(" or ")]
    if value is None:
        return "null" in kinds
    for kind in kinds:
        if kind in _ISO and isinstance(value, str) and _ISO[kind].fullmatch(value):
            return True
        if {
            "string": isinstance(value, str),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, int | float) and not isinstance(value, bool),
            "boolean": isinstance(value, bool),
            "object": isinstance(value, dict),
            "list of records": isinstance(value, list) and all(isinstance(v, dict) for v in value),
            "list of strings": isinstance(value, list) and all(isinstance(v, str) for v in value),
        }.get(kind, False):
            return True
    return False


def _documented() -> dict[str, dict[str, dict[str, str]]]:
    """Section (a route or a shared object) -> path -> key -> documented type."""
    sections: dict[str, dict[str, dict[str, str]]] = {}
    section = path = None
    text = DOC.read_text(encoding="utf-8")
    for line in text[text.index(SECTION) + len(SECTION):].splitlines():
        heading = re.match(r"(#{3,4}) [^`]*(?:`([^`]+)`)?", line)
        if heading:
            level, name = heading.groups()
            if level == "###":
                section = name
                # A route's first table is its top level; a shared object's is the object.
                path = None if name is None else ("" if name.startswith("/") else name)
            elif section is not None:
                path = name
            continue
        row = re.match(r"\| `([^`]+)` \| ([^|]+?) \|", line)
        if row and section is not None and path is not None:
            sections.setdefault(section, {}).setdefault(path, {})[row.group(1)] = row.group(2)
    return sections


def _observed(value, path: str, seen: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Every object in a JSON document by path: ``a.b`` for objects, ``a[]`` for records."""
    if isinstance(value, dict):
        seen.setdefault(path, []).append(value)
        for key, item in value.items():
            _observed(item, f"{path}.{key}" if path else key, seen)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                _observed(item, f"{path}[]", seen)
    return seen


def _compare(documented: dict[str, dict[str, str]], bodies: list) -> None:
    seen: dict[str, list[dict]] = {}
    for body in bodies:
        _observed(body, "", seen)
    assert sorted(seen) == sorted(documented), "objects and lists documented vs in the twins"
    for path, objects in seen.items():
        for found in objects:
            assert set(found) == set(documented[path]), f"keys of {path or 'the top level'}"
            for key, value in found.items():
                assert _is(value, documented[path][key]), f"{path}.{key} = {value!r}"


def _with_shared(route: str, sections: dict) -> dict[str, dict[str, str]]:
    """A route's documented paths, with the shared objects (``analysis``) it holds."""
    paths = dict(sections[route])
    for key in paths[""]:
        if key in sections and not key.startswith("/"):
            paths.update(sections[key])
    return paths


@pytest.fixture(scope="module")
def twins_client(tmp_path_factory):
    """The web population plus F006, whose journey is F004's: one variant of two families,
    and F007, which meets the example outcome plan (tests/web/test_outcomes_page.py)."""
    frames = population()
    copy = frames["contacts"][frames["contacts"]["family_id"] == "F004"].copy()
    copy["contact_id"] = copy["contact_id"].str.replace("F4", "F6")
    copy["person_id"] = copy["person_id"].str.replace("F4", "F6")
    copy["family_id"] = "F006"
    frames["contacts"] = pd.concat([frames["contacts"], copy], ignore_index=True)
    people = frames["people"][frames["people"]["family_id"] == "F004"].copy()
    people["person_id"] = people["person_id"].str.replace("F4", "F6")
    people["family_id"] = "F006"
    frames["people"] = pd.concat([frames["people"], people], ignore_index=True)
    frames["families"] = pd.concat(
        [frames["families"], pd.DataFrame({"family_id": ["F006"], "area": ["South"]})],
        ignore_index=True,
    )
    frames = with_outcomes(frames)
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('twins') / 'journey.db'}")
    write_population(store, frames)
    analyse_into(store)
    yield signed_in_client(create_app({"STORE": store, "TESTING": True}))
    store.close()


def test_the_document_lists_every_json_route_of_the_app(twins_client):
    rules = {
        rule.rule.replace(".<any(json):fmt>", ".json")
        for rule in twins_client.application.url_map.iter_rules()
        if rule.rule.endswith(".<any(json):fmt>")
    }
    routes = {name for name in _documented() if name.startswith("/")}
    assert routes == rules == set(EXAMPLES)


@pytest.mark.parametrize("route", EXAMPLES)
def test_each_twin_has_the_documented_keys_fields_and_types(twins_client, route):
    bodies = []
    for url in EXAMPLES[route]:
        response = twins_client.get(url)
        assert response.status_code == 200, url
        bodies.append(response.get_json())
    _compare(_with_shared(route, _documented()), bodies)


def test_every_list_the_document_names_holds_records_in_the_examples(twins_client):
    # Otherwise the comparison above could not see a documented record's fields.
    sections = _documented()
    for route, urls in EXAMPLES.items():
        seen: dict[str, list[dict]] = {}
        for url in urls:
            _observed(twins_client.get(url).get_json(), "", seen)
        for path in _with_shared(route, sections):
            assert seen.get(path), f"{route}: no example shows {path}"


def test_error_bodies_have_the_documented_keys(twins_client, bare_client):
    bodies = [twins_client.get(url).get_json() for url in ERRORS]
    bodies.append(bare_client.get("/families.json").get_json())  # 503: nothing analysed yet
    assert sorted(body["status"] for body in bodies) == [400, 404, 404, 503]
    _compare({"": _documented()["error"]["error"]}, bodies)
