"""The local Neo4j of ``tools/neo4j/run`` starts, answers Bolt, keeps a node and stops cleanly.

Without Java or Maven this test skips, unless ``JOURNEY_REQUIRE_NEO4J=1``, when it
fails. The first run on a machine fetches the Neo4j jars (about 145 MB) with Maven.
"""

from __future__ import annotations

import os

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import ServiceUnavailable

from tests.neo4j_server import missing_tools, neo4j_server

RETURN_ONE = "RETURN 1 AS x"
CREATE_PROBE = "CREATE (:Probe {name: $name})"
PROBE_NAMES = "MATCH (p:Probe) RETURN p.name AS name ORDER BY name"


def _require_tools() -> None:
    missing = missing_tools()
    if not missing:
        return
    reason = f"the local Neo4j needs {', '.join(missing)} (see tools/neo4j/README.md)"
    if os.environ.get("JOURNEY_REQUIRE_NEO4J") == "1":
        pytest.fail(f"JOURNEY_REQUIRE_NEO4J=1 but {reason}")
    pytest.skip(reason)


@pytest.mark.slow
def test_server_answers_keeps_a_node_and_stops(tmp_path):
    _require_tools()
    work_dir = tmp_path / "neo4j"
    with neo4j_server(work_dir) as uri:
        assert uri.startswith("bolt://127.0.0.1:")
        with GraphDatabase.driver(uri, auth=None) as driver:
            records, _, _ = driver.execute_query(RETURN_ONE)
            assert [record["x"] for record in records] == [1]
            driver.execute_query(CREATE_PROBE, name="first contact")
            records, _, _ = driver.execute_query(PROBE_NAMES)
            assert [record["name"] for record in records] == ["first contact"]

    # Stopped: nothing listens any more, and the clean shutdown removed the database.
    with GraphDatabase.driver(uri, auth=None) as driver:
        with pytest.raises(ServiceUnavailable):
            driver.verify_connectivity()
    assert list(work_dir.iterdir()) == []
