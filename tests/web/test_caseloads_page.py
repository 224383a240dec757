"""The Caseloads page and its twin on the caseloads tests' hand-built team, in a real store."""

from __future__ import annotations

import pytest

from graph_loader.stores import open_store
from tests.journey.test_caseloads import CONTACTS, PERIODS
from tests.web.signin import signed_in_client
from web.app import create_app


@pytest.fixture
def team_app(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'team.db'}")
    store.write_contacts(CONTACTS)
    store.write_lead_periods(PERIODS)
    store.finish_load()
    app = create_app({"STORE": store, "TESTING": True})
    yield app
    store.close()


def test_the_team_its_workers_and_their_families(team_app):
    twin = signed_in_client(team_app).get("/caseloads.json?as_of=2022-06-30").get_json()
    assert [t["lead_team"] for t in twin["teams"]] == ["North"]
    assert {w["lead_worker"]: w["families"] for w in twin["workers"]} == {"Jo Bell": 1,
                                                                          "Sam Key": 2}
    assert [f["family_id"] for f in twin["over_18_months"]] == ["FB"]
    fa = next(f for f in twin["families"] if f["family_id"] == "FA")
    assert (fa["parallel_before"], fa["parallel_since"], fa["new_incidents"]) == (2, 0, 1)


def test_a_workers_own_view_lists_only_their_families(team_app):
    client = signed_in_client(team_app)
    twin = client.get("/caseloads.json?as_of=2022-06-30&worker=Jo Bell").get_json()
    assert [f["family_id"] for f in twin["families"]] == ["FC"]
    assert [w["lead_worker"] for w in twin["workers"]] == ["Jo Bell"]
    html = client.get("/caseloads?as_of=2022-06-30&worker=Jo+Bell").get_data(as_text=True)
    assert "Caseload: Jo Bell" in html and "/families/FC" in html and "/families/FA" not in html


def test_the_default_day_is_the_latest_contact_and_unknown_names_are_400(team_app):
    client = signed_in_client(team_app)
    twin = client.get("/caseloads.json").get_json()
    assert twin["as_of"].startswith("2022-07-01") and twin["as_of_is_latest_contact"]
    wrong = client.get("/caseloads.json?team=South")
    assert wrong.status_code == 400 and "'team'" in wrong.get_json()["message"]
    assert client.get("/caseloads.json?as_of=30/06/2022").status_code == 400


def test_no_open_family_says_so(team_app):
    html = signed_in_client(team_app).get("/caseloads?as_of=2019-01-01").get_data(as_text=True)
    assert "No family has an open lead-professional period on this day." in html


def test_only_operations_roles_open_it(team_app):
    assert signed_in_client(team_app, "analyst").get("/caseloads").status_code == 200
    assert signed_in_client(team_app, "designer").get("/caseloads").status_code == 403
