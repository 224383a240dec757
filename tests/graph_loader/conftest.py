"""A live Neo4j for the store tests: the user's (``NEO4J_URI``) or one started for the session.

Without ``NEO4J_URI`` the suite starts the local Neo4j of ``tools/neo4j/run``
on a free port once per session and stops it at the end. When Java or Maven
is missing the Neo4j tests skip with one line saying why, unless
``JOURNEY_REQUIRE_NEO4J=1`` (CI), which turns that skip into a failure.
Each test gets an empty graph: the store refuses a database holding nodes it
did not create, and the fixture deletes what each test wrote.
"""

from __future__ import annotations

import os

import pytest

from tests.neo4j_server import missing_tools, neo4j_server


def _unavailable(reason: str) -> None:
    if os.environ.get("JOURNEY_REQUIRE_NEO4J") == "1":
        pytest.fail(f"JOURNEY_REQUIRE_NEO4J=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory):
    """The Bolt URI of a Neo4j 5 the suite may write to."""
    given = os.environ.get("NEO4J_URI")
    if given:
        yield given
        return
    missing = missing_tools()
    if missing:
        _unavailable(f"the local Neo4j needs {', '.join(missing)} (see tools/neo4j/README.md)")
    with neo4j_server(tmp_path_factory.mktemp("neo4j")) as uri:
        yield uri


@pytest.fixture
def neo4j_store(neo4j_uri):
    """An empty Neo4j store; whatever the test wrote is deleted afterwards."""
    from graph_loader.stores.neo4j_store import Neo4jStore

    store = Neo4jStore(neo4j_uri)
    try:
        yield store
    finally:
        store.clear()
        store.close()
