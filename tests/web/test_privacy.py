"""De-identified pages: what a commissioner or designer sees, next to what an analyst sees."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest

from tests.web.population import FORMULA_AREA, HOSTILE
from tests.web.test_access import pseudonym_of

# Identified values of the hand-built population that must not reach a de-identified page.
REAL_IDS = ["F001", "F002", "F003", "F004", "F1-kid", "F1-mum", "F1C05"]


@pytest.fixture
def commissioner(client_of):
    return client_of("commissioner")


@pytest.fixture
def f001(app):
    return pseudonym_of(app, "F001")


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/", "/.json", "/families", "/families.json", "/pathways", "/pathways.json",
             "/interventions", "/interventions.json"],
)  # fmt: skip
def test_no_real_id_reaches_a_de_identified_page(commissioner, path):
    text = _text(commissioner.get(path))
    for real in REAL_IDS:
        assert not re.search(rf"\b{re.escape(real)}\b", text), (path, real)


def test_a_familys_pseudonym_is_stable_and_opens_its_page(commissioner, client_of, f001):
    listed = commissioner.get("/families.json").get_json()["families"]
    assert f001 in [f["family_id"] for f in listed]
    again = client_of("designer").get("/families.json").get_json()["families"]
    assert [f["family_id"] for f in again] == [f["family_id"] for f in listed]  # same everywhere
    page = commissioner.get(f"/families/{f001}.json").get_json()
    assert page["family_id"] == f001 and page["summary"]["contacts"] == 32
    assert commissioner.get("/families/F001.json").status_code == 404  # real ids are not keys
    text = json.dumps(page)
    for real in REAL_IDS:
        assert real not in text, real


def test_dates_become_days_since_first_contact_on_a_family_page(commissioner, client, f001):
    shown = commissioner.get(f"/families/{f001}.json").get_json()
    real = client.get("/families/F001.json").get_json()
    # F001's contacts are every 10 days from 4 Jan 2021: the last is on day 310.
    assert (shown["summary"]["first_contact"], shown["summary"]["last_contact"]) == (0, 310)
    assert real["summary"]["first_contact"].startswith("2021-01-04")
    assert sorted(p["birth_month"] for p in shown["people"]) == ["1988", "2010"]
    html = _text(commissioner.get(f"/families/{f001}"))
    assert "day 0 to day 310" in html and "2021" not in html
    assert "De-identified view:" in html


def test_lists_show_months_and_merged_areas(commissioner):
    families = commissioner.get("/families.json").get_json()
    row = next(f for f in families["families"] if f["contacts"] == 32)
    assert (row["first_contact"], row["last_contact"]) == ("2021-01", "2021-11")
    assert families["areas"] == ["other"]  # every area of the population has under 10 families
    html = _text(commissioner.get("/families"))
    assert HOSTILE not in html and "Jan 2021" in html


def test_maps_are_drawn_from_de_identified_rows(commissioner, f001):
    swimlane = _text(commissioner.get(f"/families/{f001}/maps/swimlane.html"))
    network = _text(commissioner.get(f"/families/{f001}/maps/network.html"))
    for document in (swimlane, network):
        for real in REAL_IDS:
            assert real not in document, real
    assert "day 310" in swimlane and not re.search(r"20\d\d-\d\d-\d\d", swimlane)
    assert "day 0" in swimlane and "Jan 2021" not in swimlane


def test_aggregates_suppress_small_family_counts_and_say_so(commissioner, client):
    shown = commissioner.get("/pathways.json").get_json()
    real = client.get("/pathways.json").get_json()
    # Five families: every pathway has 1 to 4 of them, so every count is suppressed.
    assert {t["families"] for t in shown["transitions"]} == {None}
    assert {t["transitions"] for t in shown["transitions"]} == {None}  # derived: gone too
    assert all(t["families"] >= 1 for t in real["transitions"])
    assert shown["disclosure"]["suppressed_cells"] >= len(shown["transitions"])
    html = _text(commissioner.get("/pathways"))
    assert "counts from 1 to 4 are not shown" in html
    overview = commissioner.get("/.json").get_json()
    assert overview["headline"] == {"high_contact": None, "eligible": None,
                                    "not_yet_found": None, "escalated": None,
                                    "children_before_age": None}  # fmt: skip
    assert "disclosure" not in client.get("/.json").get_json()  # identified roles: unchanged


def test_the_pathways_views_suppress_small_counts_too(commissioner, client):
    query = "/pathways.json?cohort=escalated&until=escalation&collapse_repeats=0&min_transitions=1"
    shown, real = commissioner.get(query).get_json(), client.get(query).get_json()
    # One family escalated (F004): its count, and the cohort's, are 1 to 4 and not shown.
    assert (real["families"], real["cohort_families"]) == (1, 1)
    assert (shown["families"], shown["cohort_families"]) == (None, None)
    assert {t["families"] for t in shown["transitions"]} == {None}
    kept = client.get("/pathways.json?cohort=escalated&collapse_repeats=0").get_json()["repeats"]
    hidden = commissioner.get("/pathways.json?cohort=escalated&collapse_repeats=0").get_json()
    assert kept and {t["families"] for t in hidden["repeats"]} == {None}
    # No first steps are shared by two of these families; the step variants obey the
    # variants' rule (families suppressed, shares derived from them).
    from web.privacy import _TABLES

    rules = _TABLES["pathways.pathways"]
    assert rules["step_variants"] == rules["variants"] == (("families",), ("share",))
    assert rules["repeats"] == rules["transitions"]


def test_the_pathways_map_leaves_out_small_pathways(commissioner, client):
    shown = _text(commissioner.get("/pathways/map.html?min_transitions=1"))
    real = _text(client.get("/pathways/map.html?min_transitions=1"))
    edges = lambda text: len(re.findall(r'"from":', text))  # noqa: E731
    assert edges(real) > 0 and edges(shown) == 0


def test_the_designers_csv_is_de_identified_and_formula_safe(client_of, app):
    response = client_of("designer").get("/families.csv")
    frame = pd.read_csv(io.StringIO(response.get_data(as_text=True)), dtype=str)
    assert set(frame["family_id"]) == {pseudonym_of(app, f) for f in
                                       ["F001", "F002", "F003", "F004", "F005"]}  # fmt: skip
    assert set(frame["area"]) == {"other"} and FORMULA_AREA not in response.get_data(as_text=True)
    assert frame["first_contact"].str.fullmatch(r"\d{4}-\d{2}").all()
    events = app.extensions["journey.security"].audit.events(action="export")
    assert [(e.actor, e.subject) for e in events] == [("designer", "families.csv")]


def test_an_analyst_still_sees_identified_data_and_the_audit_says_which_family(client, app):
    assert client.get("/families/F001.json").get_json()["family_id"] == "F001"
    events = app.extensions["journey.security"].audit.events(action="view-family")
    assert [(e.actor, e.role, e.subject) for e in events] == [("analyst", "analyst", "F001")]


def test_a_commissioners_view_is_audited_under_the_real_id(commissioner, app, f001):
    commissioner.get(f"/families/{f001}")
    events = app.extensions["journey.security"].audit.events(action="view-family")
    assert [(e.actor, e.subject) for e in events] == [("commissioner", "F001")]


@pytest.mark.parametrize(
    "query", ["area=North", "area=other", "area=" + HOSTILE, "from=2021-03-14", "to=2022-02-02"]
)
def test_a_de_identified_list_refuses_filters_that_would_re_identify(commissioner, client, query):
    # North has 2 families: filtering by it would tell which pseudonyms live there.
    assert commissioner.get(f"/families.json?{query}").status_code == 400
    assert client.get(f"/families.json?{query}").status_code == 200  # an analyst may
    assert commissioner.get("/families.json?from=2021-03-01&to=2022-02-01").status_code == 200
