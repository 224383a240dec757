"""The exploration queries of queries/explore/ answer what the analyses answer, on a live Neo4j."""

from __future__ import annotations

import pandas as pd
import pytest

from graph_loader.load import load_path
from journey.high_contact import high_contact
from journey.journeys import family_journeys
from journey.pathways import pathways
from journey.synthetic import generate, write_population
from journey.taxonomy import default_taxonomy
from queries import explore_queries

pytestmark = pytest.mark.neo4j

TAXONOMY = default_taxonomy()
PARAMETERS = {
    "family_id": "F000001", "family_ids": [], "min_agencies": 5, "min_contacts": 30, "by_age": 13,
    "as_of": "2022-12-31T23:59:59", "escalation_sectors": sorted(TAXONOMY.escalation_sectors),
    "excluded_agencies": sorted(TAXONOMY.escalation_exclude_agencies),
    "escalation_types": sorted(TAXONOMY.escalation_types),
}  # fmt: skip


@pytest.fixture
def loaded(tmp_path, neo4j_store):
    """60 synthetic families (F000001 is the girl with many contacts before 13), loaded."""
    write_population(generate(60, seed=3), tmp_path / "data")
    load_path(tmp_path / "data", neo4j_store, rejects_dir=tmp_path)
    return neo4j_store, neo4j_store.contacts(), neo4j_store.people()


def _ask(store, name: str, **params) -> pd.DataFrame:
    records, _, keys = store._driver.execute_query(
        explore_queries()[name], {**PARAMETERS, **params}, database_=store.database
    )
    return pd.DataFrame([r.values() for r in records], columns=keys)


def test_every_exploration_query_explains_clean(loaded):
    store = loaded[0]
    with store._driver.session(database=store.database) as session:
        for name, text in explore_queries().items():
            summary = session.run("EXPLAIN " + text, PARAMETERS).consume()
            notes = [s for s in summary.gql_status_objects if s.is_notification]
            bad = {"DEPRECATION", "PERFORMANCE"}
            problems = [n.status_description for n in notes
                        if n.severity.name == "WARNING" or n.classification.name in bad]
            assert problems == [], name


def test_a_familys_journey_in_order(loaded):
    store, contacts, _ = loaded
    got = _ask(store, "family_journey", family_id="F000001")
    journey = family_journeys(contacts[contacts["family_id"] == "F000001"], members=True)
    assert got["contact_id"].tolist() == journey["contact_id"].tolist()
    assert got["step"].tolist() == list(range(len(journey)))
    assert got["members"].tolist() == journey["members"].tolist()


def test_families_seen_by_many_agencies_in_a_year(loaded):
    store, contacts, _ = loaded
    got = _ask(store, "families_seen_by_many_agencies", min_agencies=4)
    end = pd.Timestamp(PARAMETERS["as_of"])
    year = contacts[(contacts["occurred_at"] > end - pd.DateOffset(months=12))
                    & (contacts["occurred_at"] <= end)]  # fmt: skip
    agencies = year.groupby("family_id")["agency"].nunique()
    expected = sorted(agencies[agencies >= 4].index)
    assert sorted(got["family_id"]) == expected and len(expected) > 0


def test_the_agency_flows_of_a_cohort_are_its_pathways(loaded):
    store, contacts, _ = loaded
    cohort = sorted(contacts["family_id"].unique())[:30]
    got = _ask(store, "cohort_agency_flows", family_ids=cohort)
    expected = pathways(contacts[contacts["family_id"].isin(cohort)])
    assert got[["from_agency", "to_agency", "transitions", "families"]].values.tolist() == (
        expected[["from_agency", "to_agency", "transitions", "families"]].values.tolist()
    )


def test_the_contacts_before_a_familys_first_escalation(loaded):
    store, contacts, _ = loaded
    flagged = contacts[TAXONOMY.is_escalation(contacts)]
    family_id = sorted(flagged["family_id"].unique())[0]
    journey = family_journeys(contacts[contacts["family_id"] == family_id])
    first = journey.loc[journey["contact_id"].isin(flagged["contact_id"]), "step"].min()
    got = _ask(store, "contacts_before_first_escalation", family_id=family_id)
    assert got["contact_id"].tolist() == journey.loc[journey["step"] < first, "contact_id"].tolist()


def test_people_high_contact_before_13(loaded):
    store, contacts, people = loaded
    got = _ask(store, "high_contact_before_age")
    analysed = high_contact(contacts, people).people
    crossed = analysed[analysed["high_contact_before_age"].fillna(False).astype(bool)]
    assert sorted(got["person_id"]) == sorted(crossed["person_id"])
    assert "P0000002" in set(got["person_id"])
    by_person = crossed.set_index("person_id")
    for row in got.itertuples():
        assert row.contacts == by_person.at[row.person_id, "contacts_before_age"]
        assert row.agencies == by_person.at[row.person_id, "agencies_before_age"]
