"""Every Cypher statement lints clean with Neo4j's own front end (@neo4j-cypher/language-support).

The schema is declared: the graph's labels, relationship types and property
keys, and every parameter with a value of its type, so a misspelt label, type,
property or parameter is a diagnostic. The linter is an npm package in
``tools/cypher-lint`` (installed with ``npm ci`` on first use). Without Node.js
the test skips, unless ``JOURNEY_REQUIRE_NEO4J=1`` (CI), when it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from queries import _load, explore_queries
from tests.paths import ROOT

LINTER = ROOT / "tools" / "cypher-lint"
# The keys of the rows the store sends in $rows (the linter reads row.key as a property key).
ROW_KEYS = ["contact_id", "agency", "occurred_at", "contact_type", "referred_by", "from_id",
            "to_id", "from_agency", "to_agency", "people", "families", "next_id"]  # fmt: skip
SCHEMA = {
    "labels": ["Person", "Family", "Contact", "Agency", "LeadPeriod", "Load", "Result", "Meta",
               "Touched"],
    "relationshipTypes": ["MEMBER_OF", "INVOLVES", "WITH", "REFERRED_BY", "NEXT_FOR_PERSON",
                          "NEXT_FOR_FAMILY", "FLOWS_TO", "LEAD_FOR"],
    "propertyKeys": ["id", "area", "listed", "role", "birth_month", "sex", "at", "type",
                     "service", "source_system", "name", "sector", "family_id", "person_id",
                     "step", "days", "lead_from", "lead_to", "lead_worker", "lead_team",
                     "source", "kind", "started_at", "finished_at", "rows_in", "loaded",
                     "rejected", "rejects_path", "payload",
                     "run_id", "mapping", "checksum", "duplicates", "updated",
                     "key", "value", "transitions", "families", "median_days", "digest",
                     "chain_digest", *ROW_KEYS],
    "parameters": {
        "rows": [{}], "family_ids": ["F1"], "person_ids": ["p1"], "contact_ids": ["c1"],
        "family_id": "F1",
        "person_id": "p1", "area": "North", "key": "k", "value": "v", "name": "pathways",
        "run_id": 1, "finished_at": "2021-01-01T00:00:00", "as_of": "2022-12-31T23:59:59",
        "min_agencies": 5,
        "min_contacts": 30, "by_age": 13, "escalation_sectors": ["social care"],
        "excluded_agencies": ["Adult Social Care"], "escalation_types": ["referral"],
    },
}  # fmt: skip


def _linter() -> None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        reason = "the Cypher linter needs Node.js and npm (tools/cypher-lint)"
        if os.environ.get("JOURNEY_REQUIRE_NEO4J") == "1":
            pytest.fail(f"JOURNEY_REQUIRE_NEO4J=1 but {reason}")
        pytest.skip(reason)
    if not (LINTER / "node_modules" / "@neo4j-cypher").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=LINTER,
                       check=True, timeout=300)  # fmt: skip


def lint(statements: dict[str, str]) -> dict[str, list[dict]]:
    _linter()
    answer = subprocess.run(
        ["node", str(LINTER / "lint.js")], input=json.dumps({"schema": SCHEMA,
        "statements": statements}), capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    return json.loads(answer.stdout)


def test_every_statement_lints_clean():
    statements = {**_load("neo4j"), **{f"explore/{k}": v for k, v in explore_queries().items()}}
    found = lint(statements)
    assert set(found) == set(statements)
    assert {name: d for name, d in found.items() if d} == {}


def test_the_linter_finds_a_misspelt_label_type_property_and_parameter():
    found = lint({
        "label": "MATCH (c:Contcat) RETURN c.id",
        "type": "MATCH (c:Contact)-[:INVOLVE]->(p:Person) RETURN p.id",
        "property": "MATCH (c:Contact) RETURN c.ocurred",
        "parameter": "MATCH (p:Person {id: $persn}) RETURN p.id",
        "clean": "MATCH (p:Person {id: $person_id}) RETURN p.id",
    })  # fmt: skip
    assert [name for name, d in found.items() if d] == ["label", "type", "property", "parameter"]
