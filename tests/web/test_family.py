"""One family's journey page, its JSON twin and its map documents.

F001 worked out by hand (see tests/web/population.py): 32 contacts 10 days
apart from 4 Jan 2021 10:00, agencies in turn Police, School, Health
Visiting, Housing, DWP JobCentre Plus, CAMHS; police contacts involve both
members; no lead professional.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.web.population import F001_AGENCIES, HOSTILE
from tests.web.signin import signed_in_client
from web.app import create_app
from web.contexts import family_map
from web.data import service_data


@pytest.fixture
def f001(client):
    return client.get("/families/F001.json").get_json()


def test_summary_worked_out_by_hand(f001):
    assert f001["family_id"] == "F001" and f001["area"] == "North"
    summary = f001["summary"]
    assert (
        summary["contacts"],
        summary["contact_rows"],
        summary["agencies"],
        summary["people"],
    ) == (32, 38, 6, 2)  # 32 contacts + 6 police contacts with a second member
    # Last contact: 4 Jan 2021 + 31 x 10 days = 10 Nov 2021.
    assert (summary["first_contact"], summary["last_contact"]) == (
        "2021-01-04T10:00:00",
        "2021-11-10T10:00:00",
    )
    by_agency = {row["agency"]: row["contacts"] for row in summary["by_agency"]}
    # 32 = 5 x 6 + 2: the first two agencies in turn (Police, School) get a sixth contact.
    assert by_agency == {
        "Police": 6,
        "School": 6,
        "Health Visiting": 5,
        "Housing": 5,
        "DWP JobCentre Plus": 5,
        "CAMHS": 5,
    }


def test_peak_window_and_threshold_worked_out_by_hand(f001):
    high = f001["high_contact"]
    # All 32 contacts lie within 310 days, so the peak window holds them all.
    assert (high["peak_start"], high["peak_end"]) == ("2021-01-04T10:00:00", "2021-11-10T10:00:00")
    assert (high["peak_contacts"], high["peak_agencies"]) == (32, 6)
    # 30 contacts (the 6-agency condition is met from the 6th): the 30th contact,
    # 4 Jan + 29 x 10 days = 21 Oct 2021.
    assert high["is_high_contact"] is True
    assert high["first_crossed"] == "2021-10-21T10:00:00"


def test_uncoordinated_contacts_worked_out_by_hand(f001):
    # Every contact but the first has another agency 10 days before it, with no lead
    # professional, no referral and no meeting: 31 of 32. In any 30 days: 3 agencies.
    unco = f001["uncoordinated"]
    assert unco["uncoordinated"] == 31
    assert unco["uncoordinated_share"] == pytest.approx(31 / 32)
    assert unco["peak_parallel_agencies"] == 3
    contacts = f001["uncoordinated_contacts"]
    assert len(contacts) == 31
    assert "F1C00" not in {c["contact_id"] for c in contacts}
    third = next(c for c in contacts if c["contact_id"] == "F1C02")  # Health Visiting, 24 Jan
    assert "Police" in third["reason"] and "School" in third["reason"]


def test_a_lead_professional_makes_contacts_coordinated(client):
    body = client.get("/families/F002.json").get_json()
    assert body["uncoordinated"]["uncoordinated"] == 0
    assert [p["lead_from"] for p in body["lead_periods"]] == ["2022-01-01T00:00:00"]
    assert body["lead_periods"][0]["open"] is True
    assert "still open" in client.get("/families/F002").get_data(as_text=True)


@pytest.mark.parametrize("family_id", ["F001", "F002", "F003", "F004"])
def test_live_metrics_agree_with_the_stored_family_list(client, store, family_id):
    stored = store.result("family_summary").set_index("family_id").loc[family_id]
    body = client.get(f"/families/{family_id}.json").get_json()
    assert body["summary"]["contacts"] == stored["contacts"]
    assert body["summary"]["agencies"] == stored["agencies"]
    assert body["high_contact"]["peak_contacts"] == stored["peak_contacts"]
    assert body["high_contact"]["is_high_contact"] == bool(stored["high_contact"])
    assert body["uncoordinated"]["uncoordinated"] == stored["uncoordinated"]
    assert body["eligibility"]["indicator_count"] == stored["indicator_count"]
    assert body["eligibility"]["eligible"] == bool(stored["eligible"])
    first_eligible = body["eligibility"]["first_eligible"]
    assert (None if first_eligible is None else pd.Timestamp(first_eligible)) == (
        None if pd.isna(stored["first_eligible"]) else stored["first_eligible"]
    )


def test_intervention_points_rank_agencies_with_reasons(f001):
    points = f001["intervention"]
    agencies = points["agencies"]
    assert sorted(a["agency"] for a in agencies) == sorted(F001_AGENCIES)
    assert [a["rank"] for a in agencies] == list(range(1, 7))
    # Police saw the family first, holds the joint-most contacts and connects both members.
    assert agencies[0]["agency"] == "Police"
    assert "first agency to see the family" in agencies[0]["reasons"]
    assert points["window_start"] == "2021-01-04T10:00:00"
    assert points["window_end"] <= f001["high_contact"]["first_crossed"]
    assert points["lead_assigned"] is None


def test_page_shows_maps_in_titled_iframes(client):
    html = client.get("/families/F001").get_data(as_text=True)
    assert "<title>Family F001 — Journey service</title>" in html
    frames = re.findall(r'<iframe src="([^"]+)" title="([^"]+)"', html)
    assert frames == [
        ("/families/F001/maps/swimlane.html", "Swimlane journey map of family F001"),
        ("/families/F001/maps/network.html", "Network map of members and agencies of family F001"),
    ]
    assert "Intervention points" in html and "Uncoordinated contacts" in html


def _map(app, kind: str, max_contacts: int = 500):
    with app.test_request_context():
        return family_map(
            service_data(), "F001", kind, assets="/static/vendor", max_contacts=max_contacts
        )


def test_map_sizes_worked_out_by_hand(app):
    # Swimlane: 6 lanes + 32 contacts; one step between consecutive contacts.
    swimlane = _map(app, "swimlane")
    assert (swimlane.nodes, swimlane.edges, swimlane.aggregated) == (38, 31, False)
    # Network: 2 members + 6 agencies; the child met all six, mum the police: 7 links.
    network = _map(app, "network")
    assert (network.nodes, network.edges) == (8, 7)


@pytest.mark.parametrize("kind", ["swimlane", "network"])
def test_map_documents_are_whole_pages_from_this_server(client, kind):
    response = client.get(f"/families/F001/maps/{kind}.html")
    assert response.status_code == 200 and response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert 'src="/static/vendor/vis-network.min.js"' in text
    assert "https://" not in text and "http://" not in text
    assert 'class="journey-map-legend"' in text  # each map carries its legend
    # The map's scripts are files of this server: no inline script runs.
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp


def test_swimlane_highlights_uncoordinated_contacts_with_their_reason(client, f001):
    text = client.get("/families/F001/maps/swimlane.html").get_data(as_text=True)
    reason = next(c["reason"] for c in f001["uncoordinated_contacts"] if c["contact_id"] == "F1C05")
    assert reason.startswith("uncoordinated: ")
    # The tooltip says "Uncoordinated:" once, then the reason without its own prefix.
    assert "Uncoordinated: " + reason.removeprefix("uncoordinated: ") in text
    assert "Uncoordinated: uncoordinated" not in text


def test_long_journeys_are_aggregated_with_a_note(store):
    app = create_app({"STORE": store, "TESTING": True, "MAX_MAP_CONTACTS": 10})
    maps = signed_in_client(app).get("/families/F001.json").get_json()["maps"]
    assert maps == {
        "swimlane": {"url": "/families/F001/maps/swimlane.html", "aggregated": True},
        "network": {"url": "/families/F001/maps/network.html", "aggregated": False},
    }
    html = signed_in_client(app).get("/families/F001").get_data(as_text=True)
    assert "<strong>Note:</strong> This journey has 32 contacts, more than 10" in html
    drawn = _map(app, "swimlane", max_contacts=10)
    assert drawn.aggregated is True and drawn.note  # the page's rule is the map's
    # Contacts are 10 days apart, so every (week, agency) group holds one: 6 lanes + 32 groups.
    assert drawn.nodes == 38


def test_family_without_contacts_has_a_page_without_maps(client):
    response = client.get("/families/F005")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "This family has no contacts in the store." in text
    assert "<iframe" not in text
    assert client.get("/families/F005.json").get_json()["summary"]["contacts"] == 0


@pytest.mark.parametrize("url", ["/families/F999", "/families/F999/maps/swimlane.html"])
def test_unknown_family_is_a_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "no family &#39;F999&#39;" in response.get_data(as_text=True)


def test_unknown_family_json_is_a_json_404(client):
    response = client.get("/families/F999.json")
    assert response.status_code == 404
    assert response.get_json()["message"] == "There is no family 'F999' in the store."


def test_hostile_names_are_escaped_on_the_page_and_in_the_maps(client):
    for url in [
        "/families/F003",
        "/families/F003/maps/swimlane.html",
        "/families/F003/maps/network.html",
    ]:
        text = client.get(url).get_data(as_text=True)
        assert HOSTILE not in text, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/families/F003").get_data(
        as_text=True
    )


def test_hostile_family_id_in_the_url_is_escaped(client):
    response = client.get("/families/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert response.status_code == 404
    assert HOSTILE not in response.get_data(as_text=True)


def test_family_page_before_analysis_still_shows_the_journey(bare_client):
    response = bare_client.get("/families/F001")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "<code>journey analyse</code>" in text
    assert "/families/F001/maps/swimlane.html" in text


def _links(html: str) -> set[str]:
    return {link.replace("&amp;", "&") for link in re.findall(r'(?:href|src)="(/[^"]*)"', html)}


def test_no_dead_links_anywhere(client):
    seen, queue = (
        set(),
        [
            "/",
            "/families",
            "/families/F001",
            "/families/F003",
            "/pathways",
            "/interventions",
            "/loads",
        ],
    )
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        with client.get(url) as response:  # static files are streamed: close them
            assert response.status_code == 200, url
            if response.mimetype == "text/html":
                queue.extend(_links(response.get_data(as_text=True)) - seen)
    assert "/families.csv" in {u.split("?")[0] for u in seen}


@pytest.mark.parametrize("kind", ["swimlane", "network"])
def test_a_family_without_contacts_still_has_maps(client, kind):
    # F005 is one adult with no contacts: the page and its maps say so, never a 500.
    page = client.get("/families/F005")
    assert page.status_code == 200
    response = client.get(f"/families/F005/maps/{kind}.html")
    assert response.status_code == 200
    assert "<html" in response.get_data(as_text=True).lower()


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    """A small demo population (`journey demo`), whose family F000001 holds the before-13 girl."""
    from click.testing import CliRunner

    from graph_loader.stores import open_store
    from web.cli import cli

    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'demo.db'}"
    args = ["demo", "--families", "60", "--store", url, "--data", str(folder / "data"),
            "--no-serve"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    store = open_store(url, create=False)
    app = create_app({"STORE": store, "TESTING": True, "SESSION_COOKIE_SECURE": False})
    yield app, store
    app.extensions["journey"].close()
    store.close()


def test_the_before_13_girl_of_f000001_in_the_family_json(demo_app):
    app, store = demo_app
    body = signed_in_client(app, "analyst").get("/families/F000001.json").get_json()
    members = {m["person_id"]: m for m in body["members"]}
    assert "month of birth" in body["age_basis"] or "birth month" in body["age_basis"]
    # Worked out again from the stored rows, independently of the analyses.
    people = store.people("F000001").set_index("person_id")
    contacts = store.contacts()
    contacts = contacts[contacts["family_id"] == "F000001"]
    girl = members["P0000002"]
    assert (girl["role"], girl["sex"]) == ("child", "F")
    year, month = (int(p) for p in people.at["P0000002", "birth_month"].split("-"))
    birthday = pd.Timestamp(year + 13, month, 1)
    hers = contacts[contacts["person_id"] == "P0000002"].sort_values("occurred_at")
    before = hers[hers["occurred_at"] < birthday]
    assert girl["total_contacts"] == len(hers)
    assert girl["contacts_before_age"] == len(before) >= 30
    assert girl["agencies_before_age"] == before["agency"].nunique() >= 5
    assert girl["high_contact_before_age"] is True
    # The running totals first reach 30 contacts and 5 agencies at this contact.
    firsts = ~before["agency"].duplicated()
    reached = before[(pd.Series(range(1, len(before) + 1), index=before.index) >= 30)
                     & (firsts.cumsum() >= 5)]
    crossed = reached["occurred_at"].iloc[0]
    assert pd.Timestamp(girl["crossed_before_age_at"]) == crossed
    age = crossed.year - year - (1 if crossed.month < month else 0)
    assert girl["age_at_crossing_before_age"] == age < 13
    first = hers["occurred_at"].iloc[0]
    assert girl["age_at_first_contact"] == first.year - year - (1 if first.month < month else 0)
    assert pd.Timestamp(girl["by_age_birthday"]) == birthday
    # Every member of the family is listed, with a role.
    assert set(members) == set(people.index)
    # The family page shows her row and the families list finds the family.
    html = signed_in_client(app, "analyst").get("/families/F000001").get_data(as_text=True)
    assert "People in this family" in html and "P0000002" in html
    listed = signed_in_client(app, "analyst").get(
        "/families.json?child_before_age=1&per_page=500").get_json()
    assert "F000001" in [f["family_id"] for f in listed["families"]]


def test_the_swimlane_shades_and_names_the_threshold_and_busiest_windows(client, f001):
    import html as html_module
    import json
    import re

    page = client.get("/families/F001/maps/swimlane.html").get_data(as_text=True)
    data = json.loads(re.search(r'id="journey-map-data">(.*?)</script>', page, re.S).group(1))
    bands = {band["kind"]: band for band in data["decor"]["bands"]}
    # Worked out above: the threshold window ends on 21 Oct 2021 (30 contacts, 6 agencies);
    # the busiest holds all 32 contacts with 6 agencies, from 4 Jan to 10 Nov 2021.
    high = f001["high_contact"]
    assert bands["threshold"]["label"] == (
        f"Window that met the threshold (the first): {high['threshold_contacts']} contacts with "
        f"{high['threshold_agencies']} agencies"
    )
    assert bands["threshold"]["dates"].endswith("to 2021-10-21")
    busiest = "Busiest window (most contacts): 32 contacts with 6 agencies"
    assert bands["busiest"]["label"] == busiest
    assert bands["busiest"]["dates"] == "2021-01-04 to 2021-11-10"
    legend = html_module.unescape(page)
    assert "Busiest window (most contacts): 32 contacts with 6 agencies, 2021-01-04 to " in legend


def test_a_busiest_window_below_the_threshold_says_why():
    import pandas as pd

    from journey.parameters import AnalysisParameters
    from web.contexts.family import _map_windows

    # As family F000666 of the demo: high-contact through one window, busiest in another
    # with 4 agencies while the threshold asks for 5.
    row = {"is_high_contact": True, "threshold_contacts": 54, "threshold_agencies": 5,
           "threshold_start": pd.Timestamp("2017-02-24"),
           "first_crossed": pd.Timestamp("2018-02-23"),
           "peak_contacts": 159, "peak_agencies": 4, "peak_start": pd.Timestamp("2020-06-13"),
           "peak_end": pd.Timestamp("2021-06-10")}
    windows = _map_windows(row, AnalysisParameters(min_agencies=5))
    assert [(w.kind, w.label) for w in windows] == [
        ("threshold", "Window that met the threshold (the first): 54 contacts with 5 agencies"),
        ("busiest", "Busiest window (most contacts): 159 contacts with 4 agencies (fewer agencies "
                    "than the threshold of 5)"),
    ]
    assert [w.kind for w in _map_windows({**row, "is_high_contact": False},
                                          AnalysisParameters())] == ["busiest"]
