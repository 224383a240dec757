"""The Triage page and its JSON twin through the test client, on the web population."""

from __future__ import annotations

import pytest

from tests.paths import ROOT


def test_the_list_is_one_card_per_family_with_stated_weights(client):
    page = client.get("/triage?since=2022-01-01&types=incident")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # F003 (2022-05-03) and F004 (2022-03-01) had Police incidents in 2022; F001's were 2021.
    assert html.count('class="triage-family') == 2
    assert "F003" in html and "F004" in html and "/families/F001" not in html
    assert "each previous incident of these types in 12 months" in html  # the weights table
    assert "&lt;script&gt;" not in html or "<script>alert" not in html


def test_the_twin_orders_by_priority_and_says_why(client):
    twin = client.get("/triage.json?since=2022-01-01&types=incident").get_json()
    priorities = [row["priority"] for row in twin["families"]]
    assert priorities == sorted(priorities, reverse=True) and twin["family_count"] == 2
    assert twin["since"].startswith("2022-01-01T00:00") and twin["window_note"] is None
    f004 = next(row for row in twin["families"] if row["family_id"] == "F004")
    assert f004["children"] == 1 and f004["best_agency"] == "Police"


def test_the_default_window_moves_to_the_latest_incident_and_says_so(client):
    twin = client.get("/triage.json?types=incident").get_json()
    assert twin["window_note"].startswith("Nothing since")
    assert [row["family_id"] for row in twin["families"]] == ["F003"]  # 3 May 2022, latest
    page = client.get("/triage?types=incident").get_data(as_text=True)
    assert 'class="note"' in page and "the morning of Tuesday 03 May 2022" in page


def test_an_empty_window_says_so(client):
    html = client.get("/triage?since=2030-01-01").get_data(as_text=True)
    assert "No domestic_incident in this window." in html


@pytest.mark.parametrize(
    ("query", "named"),
    [("since=yesterday", "since"), ("since=2022-01-02&until=2022-01-01", "until"),
     ("types=<script>", "types")],
)
def test_bad_input_is_a_400_naming_the_parameter(client, query, named):
    answer = client.get(f"/triage.json?{query}")
    assert answer.status_code == 400 and f"'{named}'" in answer.get_json()["message"]


def test_only_roles_with_operations_open_it(client_of):
    assert client_of("analyst").get("/triage").status_code == 200
    assert client_of("commissioner").get("/triage").status_code == 403
    assert client_of("keyworker").get("/triage.json").status_code == 403


def test_the_print_stylesheet_breaks_a_sheet_every_dozen(client):
    css = (ROOT / "web" / "static" / "style.css").read_text()
    assert "@media print" in css and ".sheet-end { break-after: page; }" in css
    many = client.get("/triage?since=2021-01-01&types=incident,school_absence,home_visit,"
                      "eviction_notice,benefit_claim,appointment,support_session,referral")
    html = many.get_data(as_text=True)
    cards = html.count('class="triage-family')
    assert cards == 4 and "sheet-end" not in html  # fewer than a dozen: one sheet


def test_the_overview_tile_counts_this_mornings_list_for_those_who_may_open_it(client_of):
    html = client_of("analyst").get("/").get_data(as_text=True)
    # The store's latest domestic incident: none in the web population, so no family.
    assert "Triage this morning" in html and 'href="/triage">0 families</a>' in html
    assert "Triage this morning" not in client_of("commissioner").get("/").get_data(as_text=True)


def test_a_page_break_follows_every_twelfth_family(tmp_path):
    from graph_loader.stores import open_store
    from tests.builders import contacts_frame
    from tests.web.signin import signed_in_client
    from web.app import create_app

    rows = [(f"c{n}", f"p{n}", "Police", "domestic_incident", "2022-03-03 22:00", None,
             f"F{n:02d}") for n in range(25)]  # fmt: skip
    store = open_store(f"sqlite:///{tmp_path / 'many.db'}")
    store.write_contacts(contacts_frame(rows))
    store.finish_load()
    client = signed_in_client(create_app({"STORE": store, "TESTING": True}))
    html = client.get("/triage?since=2022-03-03T08:00").get_data(as_text=True)
    store.close()
    cards = html.split('<li class="triage-family')[1:]
    assert len(cards) == 25
    breaks = [n for n, card in enumerate(cards, start=1) if card.startswith(" sheet-end")]
    assert breaks == [12, 24]  # none after the last card
