"""The Neo4j store beyond the shared contract: the graph itself, its chains, its flows, its queries.

Every test runs against a live Neo4j (see ``tests/graph_loader/conftest.py``).
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from graph_loader.load import load_path
from graph_loader.stores import open_store
from graph_loader.stores.neo4j_store import SCHEMA_STATEMENTS, Neo4jStore, connection_settings
from journey.analysis import analyse_store
from journey.errors import StoreError, StoreUnavailableError
from journey.synthetic import generate, write_population
from queries import _load as named_queries
from tests.graph_loader.stores.test_store_contract import CONTACTS, fill

pytestmark = pytest.mark.neo4j

GRAPH_SHAPE = """
CALL () { MATCH (n) UNWIND labels(n) AS label RETURN label AS kind, count(*) AS n }
RETURN kind, n
UNION ALL
CALL () { MATCH ()-[r]->() RETURN type(r) AS kind, count(*) AS n }
RETURN kind, n
"""
FAMILY_CHAIN = """
MATCH (a:Contact)-[n:NEXT_FOR_FAMILY {family_id: $family_id}]->(b:Contact)
RETURN a.id AS from_id, b.id AS to_id, n.days AS days ORDER BY from_id
"""
PERSON_CHAIN = """
MATCH (a:Contact)-[n:NEXT_FOR_PERSON {person_id: $person_id}]->(b:Contact)
RETURN a.id AS from_id, b.id AS to_id ORDER BY from_id
"""
STEPS = """
MATCH (c:Contact)-[i:INVOLVES {family_id: $family_id}]->()
RETURN DISTINCT c.id AS contact_id, i.step AS step ORDER BY step
"""


def _shape(store: Neo4jStore) -> dict[str, int]:
    records, _, _ = store._driver.execute_query(GRAPH_SHAPE, database_=store.database)
    return {r["kind"]: r["n"] for r in records}


def _rows(store: Neo4jStore, cypher: str, **params) -> list[tuple]:
    records, _, _ = store._driver.execute_query(cypher, params, database_=store.database)
    return [tuple(r.values()) for r in records]


def test_loading_twice_leaves_the_same_graph(neo4j_store):
    fill(neo4j_store)
    first = _shape(neo4j_store)
    fill(neo4j_store)
    assert _shape(neo4j_store) == first
    # One node per contact, one INVOLVES per contact row, one link of each chain per step.
    assert first["Contact"] == 4 and first["INVOLVES"] == 5
    assert first["NEXT_FOR_FAMILY"] == 2 and first["NEXT_FOR_PERSON"] == 2


def test_chains_follow_each_journey_in_order(neo4j_store):
    fill(neo4j_store)
    # F1: c1 (1 Mar 22:30, mum and child), c3 (2 Mar, mum), c2 (4 Mar, child).
    chain = _rows(neo4j_store, FAMILY_CHAIN, family_id="F1")
    assert [(a, b) for a, b, _ in chain] == [("c1", "c3"), ("c3", "c2")]
    assert chain[0][2] == pytest.approx(1.5 / 24)  # 22:30 to midnight
    assert _rows(neo4j_store, PERSON_CHAIN, person_id="p2") == [("c1", "c2")]
    assert _rows(neo4j_store, PERSON_CHAIN, person_id="p1") == [("c1", "c3")]
    assert _rows(neo4j_store, STEPS, family_id="F1") == [("c1", 0), ("c3", 1), ("c2", 2)]


def test_a_corrected_contact_moves_in_the_chain(neo4j_store):
    fill(neo4j_store)
    moved = CONTACTS[CONTACTS["contact_id"] == "c2"].assign(
        occurred_at=pd.Timestamp("2021-03-01 08:00")
    )
    neo4j_store.write_contacts(moved)
    neo4j_store.finish_load()
    chain = _rows(neo4j_store, FAMILY_CHAIN, family_id="F1")
    assert sorted((a, b) for a, b, _ in chain) == [("c1", "c3"), ("c2", "c1")]


CHAIN_IDS = "MATCH ()-[n:NEXT_FOR_FAMILY|NEXT_FOR_PERSON]->() RETURN elementId(n) ORDER BY 1"
CONTACT_IDS = "MATCH (c:Contact)-[i:INVOLVES]->() RETURN elementId(i) ORDER BY 1"


def test_a_reload_of_the_same_rows_rewrites_nothing(neo4j_store):
    fill(neo4j_store)
    chains, rows = _rows(neo4j_store, CHAIN_IDS), _rows(neo4j_store, CONTACT_IDS)
    fill(neo4j_store)
    # The same relationships, not equal new ones: unchanged digests skip the writes.
    assert _rows(neo4j_store, CHAIN_IDS) == chains and len(chains) == 4
    assert _rows(neo4j_store, CONTACT_IDS) == rows


def test_a_contact_moved_to_another_family_leaves_both_journeys_right(neo4j_store):
    fill(neo4j_store)
    moved = CONTACTS[CONTACTS["contact_id"] == "c3"].assign(family_id="F2")
    neo4j_store.write_contacts(moved)
    neo4j_store.finish_load()
    # F1 keeps c1 -> c2; F2 gains c3 after its December contact c4.
    assert [(a, b) for a, b, _ in _rows(neo4j_store, FAMILY_CHAIN, family_id="F1")] == [
        ("c1", "c2")
    ]
    assert [(a, b) for a, b, _ in _rows(neo4j_store, FAMILY_CHAIN, family_id="F2")] == [
        ("c4", "c3")
    ]
    assert _rows(neo4j_store, STEPS, family_id="F2") == [("c4", 0), ("c3", 1)]


def test_a_changed_agency_or_referrer_replaces_the_link(neo4j_store):
    fill(neo4j_store)
    changed = CONTACTS[CONTACTS["contact_id"] == "c2"].assign(agency="GP", referred_by=None)
    neo4j_store.write_contacts(changed.assign(sector="health"))
    got = neo4j_store.contacts().set_index(["contact_id", "person_id"])
    assert got.loc[("c2", "p2"), "agency"] == "GP"
    assert got.loc[("c2", "p2"), "referred_by"] is None
    assert _shape(neo4j_store)["WITH"] == 4 and _shape(neo4j_store).get("REFERRED_BY") == 1


def _population(tmp_path, store) -> None:
    data = tmp_path / "data"
    write_population(generate(60, seed=3), data)
    load_path(data, store, rejects_dir=tmp_path / "rejects")


def test_analyses_read_the_same_from_sqlite_and_neo4j(tmp_path, neo4j_store):
    sqlite = open_store(f"sqlite:///{tmp_path / 'same.db'}")
    try:
        _population(tmp_path, sqlite)
        _population(tmp_path, neo4j_store)
        assert neo4j_store.counts() == sqlite.counts()
        pd.testing.assert_frame_equal(neo4j_store.contacts(), sqlite.contacts())
        pd.testing.assert_frame_equal(neo4j_store.people(), sqlite.people())
        pd.testing.assert_frame_equal(neo4j_store.families(), sqlite.families())
        pd.testing.assert_frame_equal(neo4j_store.lead_periods(), sqlite.lead_periods())
        from_sqlite, from_neo4j = analyse_store(sqlite), analyse_store(neo4j_store)
        for name, frame in from_sqlite.frames.items():
            pd.testing.assert_frame_equal(from_neo4j.frames[name], frame, obj=name)
            pd.testing.assert_frame_equal(neo4j_store.result(name), sqlite.result(name), obj=name)
    finally:
        sqlite.close()


def test_flows_in_the_graph_equal_the_pathways_analysis(tmp_path, neo4j_store):
    _population(tmp_path, neo4j_store)
    run = analyse_store(neo4j_store)
    everyone = run.frames["pathways"].query("cohort == 'all'").drop(columns="cohort")
    flows = neo4j_store.flows()
    assert len(flows) == len(everyone) > 10
    expected = everyone.reset_index(drop=True)
    pd.testing.assert_frame_equal(flows, expected, check_dtype=False)


def test_every_named_statement_explains_clean(neo4j_store):
    """Neo4j parses and plans each statement with no error, deprecation or performance note."""
    fill(neo4j_store)  # labels, types and properties exist, so nothing is "unrecognised"
    flows = pd.DataFrame({"cohort": ["all"], "from_agency": ["Police"], "to_agency": ["School"],
                          "transitions": [1], "families": [1], "median_days": [3.0]})
    neo4j_store.save_results({"pathways": flows}, {"run": 1})
    parameters = {"rows": [], "family_ids": [], "person_ids": [], "contact_ids": [], "key": "k",
                  "value": "v", "family_id": "F1", "person_id": "p1", "area": "A",
                  "name": "n"}  # fmt: skip
    loads = {"run_id": 1, "finished_at": datetime(2024, 1, 1, 9)}
    problems = []
    with neo4j_store._driver.session(database=neo4j_store.database) as session:
        for name, text in named_queries("neo4j").items():
            if name in SCHEMA_STATEMENTS or name == "delete_everything":
                continue  # schema commands and CALL IN TRANSACTIONS cannot be explained
            summary = session.run("EXPLAIN " + text, {**parameters, **loads}).consume()
            for status in summary.gql_status_objects:
                if not status.is_notification:
                    continue
                if status.classification.name in {"DEPRECATION", "PERFORMANCE"} or (
                    status.severity.name == "WARNING"
                ):
                    problems.append(f"{name}: {status.gql_status} {status.status_description}")
    assert problems == []


def test_a_database_holding_other_data_is_refused(neo4j_store):
    neo4j_store._driver.execute_query("MATCH (m:Meta) DETACH DELETE m")
    neo4j_store._driver.execute_query("CREATE (:Customer {name: 'someone else'})")
    with pytest.raises(StoreError, match="1 nodes this service did not create"):
        Neo4jStore(neo4j_store.url)
    neo4j_store._driver.execute_query("MATCH (c:Customer) DELETE c")


@pytest.mark.parametrize("url", ["bolt://127.0.0.1:9", "neo4j://127.0.0.1:9"])
def test_an_unreachable_server_is_one_clear_error(url):
    with pytest.raises(StoreUnavailableError, match="cannot reach Neo4j.*`make neo4j`"):
        open_store(url)


def test_the_routing_scheme_reaches_the_same_graph(neo4j_uri, neo4j_store):
    fill(neo4j_store)
    routed = open_store(neo4j_uri.replace("bolt://", "neo4j://"))
    try:
        assert routed.counts() == neo4j_store.counts()
    finally:
        routed.close()


def test_credentials_come_from_the_url_or_the_environment(monkeypatch):
    monkeypatch.setenv("NEO4J_USER", "reader")
    monkeypatch.setenv("NEO4J_PASSWORD", "from-env")
    monkeypatch.setenv("NEO4J_DATABASE", "journeys")
    assert connection_settings("neo4j+s://db.example:7687") == (
        "neo4j+s://db.example:7687", ("reader", "from-env"), "journeys")  # fmt: skip
    assert connection_settings("bolt://ana:pw@db.example")[1] == ("ana", "pw")


@pytest.mark.slow
def test_a_killed_load_rerun_converges_to_a_clean_load(tmp_path, neo4j_store):
    import os
    import signal
    import subprocess
    import sys
    import time

    data = tmp_path / "data"
    write_population(generate(400, seed=5), data)
    load_path(data, neo4j_store, rejects_dir=tmp_path)
    clean = _shape(neo4j_store)
    neo4j_store.clear()
    command = [sys.executable, "-m", "web.cli", "load", str(data), "--store", neo4j_store.url,
               "--rejects", str(tmp_path)]  # fmt: skip
    killed = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "PYTHONPATH": os.getcwd(),
                                   "JOURNEY_NEO4J_BATCH": "100"})  # fmt: skip
    deadline = time.monotonic() + 60
    # Many small batches: the kill lands in the middle of the contacts.
    while time.monotonic() < deadline and _shape(neo4j_store).get("Contact", 0) < 500:
        time.sleep(0.2)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()
    partial = _shape(neo4j_store)
    assert 0 < partial.get("Contact", 0) < clean["Contact"]  # killed part-way through
    assert partial["Load"] == clean["Load"]  # the run was recorded before its first write
    load_path(data, neo4j_store, rejects_dir=tmp_path)
    assert _shape(neo4j_store) == {**clean, "Load": clean["Load"] + partial.get("Load", 0)}
    from graph_loader.runs import runs

    assert [run.finished for run in runs(neo4j_store)] == [True, False]
