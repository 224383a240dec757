"""The overview, pathways, intervention-points and data-loads pages and their JSON twins."""

from __future__ import annotations

import re

import pytest

from journey.pathways import ONE_FAMILY_VARIANTS
from tests.web.population import HOSTILE
from web.contexts import PathwayQuery, pathways_map_document
from web.data import service_data

PAGES = {
    "/": "Overview — Journey service",
    "/families": "Families — Journey service",
    "/families/F001": "Family F001 — Journey service",
    "/pathways": "Pathways: All families, the whole journey — Journey service",
    "/interventions": "Intervention points: All families — Journey service",
    "/loads": "Data loads — Journey service",
}


@pytest.mark.parametrize(("url", "title"), PAGES.items())
def test_every_page_and_its_json_twin(client, url, title):
    html = client.get(url)
    assert html.status_code == 200
    assert html.mimetype == "text/html"
    text = html.get_data(as_text=True)
    assert f"<title>{title}</title>" in text
    assert 'aria-current="page"' in text  # the nav says where you are
    twin = "/.json" if url == "/" else url + ".json"
    as_json = client.get(twin)
    assert as_json.status_code == 200
    assert as_json.mimetype == "application/json"
    assert f'href="{twin}"' in text  # the page links its twin
    # The twin is data only: no template furniture at any depth, and the only
    # links in it are the map documents a client needs.
    for path, key, value in _walk(as_json.get_json()):
        assert key not in FURNITURE, path
        if isinstance(value, str) and value.startswith("/"):
            assert key == "url", path
            assert "/maps/" in value or value.startswith("/pathways/map.html?"), path


# Keys that only a template needs: headings, labels, titles, link parameters, notices.
FURNITURE = {"page_title", "title", "heading", "columns", "cohorts", "query", "csv_query", "note"}


def _walk(value, path="$", key=None):
    """Every (path, key, value) in a JSON document, depth first."""
    yield path, key, value
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _walk(item, f"{path}.{name}", name)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]", key)


def test_overview_counts_worked_out_by_hand(client):
    body = client.get("/.json").get_json()
    # People: F001 2, F002 1, F003 1, F004 2, F005 1. Contacts: 32 + 5 + 4 + 3 distinct ids,
    # 50 rows (F001's 6 police contacts involve 2 people: contacts 0, 6, ..., 30).
    assert body["counts"]["people"] == 7
    assert body["counts"]["families"] == 5
    assert body["counts"]["contacts"] == 44
    assert body["counts"]["contact_rows"] == 50
    # Agencies: F001's six, Early Help, GP, the hostile one, Children's Social Care.
    assert body["counts"]["agencies"] == 10
    assert body["date_range"] == {"first": "2021-01-04T10:00:00", "last": "2022-05-20T00:00:00"}
    assert [f["family_id"] for f in body["high_contact_families"]] == ["F001"]
    html = client.get("/").get_data(as_text=True)
    assert "<dd>44</dd>" in html and "<dd>10</dd>" in html
    assert "4 Jan 2021 to 20 May 2022" in html


def test_overview_chart_is_inline_svg_with_one_bar_per_month(client, store):
    monthly = store.result("contacts_per_month")
    html = client.get("/").get_data(as_text=True)
    chart = html[html.index('<svg viewBox="0 0 760 220"') :]
    chart = chart[: chart.index("</svg>")]
    # Jan 2021 to May 2022 is 17 months, with none in Dec 2021 (a zero bar).
    assert len(re.findall(r'<rect class="bar"', chart)) == 17
    assert "<title>2021-12: 0 contacts</title>" in chart
    assert 'role="img"' in chart and "<title" in chart
    body = client.get("/.json").get_json()
    assert sum(m["contacts"] for m in body["contacts_per_month"]) == int(monthly["contacts"].sum())
    assert "<script" not in html  # no chart library


def test_overview_top_pathways_come_from_the_all_families_cohort(client, store):
    stored = store.result("pathways")
    everyone = stored[stored["cohort"] == "all"].sort_values("transitions", ascending=False)
    shown = client.get("/.json").get_json()["top_pathways"]
    assert [p["transitions"] for p in shown] == everyone["transitions"].head(10).tolist()


def test_overview_before_analysis_shows_counts_and_what_to_do(bare_client):
    response = bare_client.get("/")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "<dd>44</dd>" in text
    assert "<code>journey analyse</code>" in text


def _pathways(store, cohort: str):
    stored = store.result("pathways")
    return stored[stored["cohort"] == cohort]


@pytest.mark.parametrize("cohort", ["all", "high_contact", "escalated", "eligible"])
def test_pathways_cohorts_show_their_stored_transitions(client, store, cohort):
    # The whole journeys with repeats kept are exactly the stored pathways (pathways.csv).
    body = client.get(f"/pathways.json?cohort={cohort}&collapse_repeats=0").get_json()
    expected = _pathways(store, cohort)
    assert body["cohort"] == cohort
    assert sorted(
        (t["from_agency"], t["to_agency"], t["transitions"])
        for t in body["transitions"] + body["repeats"]
    ) == sorted(
        zip(expected["from_agency"], expected["to_agency"], expected["transitions"], strict=True)
    )
    assert body["map"]["url"] == (
        f"/pathways/map.html?cohort={cohort}&until=end&collapse_repeats=0&min_transitions=1"
    )


@pytest.mark.parametrize("cohort", ["all", "escalated"])
def test_pathways_map_draws_the_stored_flows(app, store, cohort):
    expected = _pathways(store, cohort)
    flows = expected[expected["from_agency"] != expected["to_agency"]]
    with app.test_request_context():
        document = pathways_map_document(
            service_data(), PathwayQuery(cohort=cohort), assets="/static/vendor"
        )
    assert document.edges == len(flows)


def test_pathways_minimum_hides_rare_transitions(client, store):
    everyone = _pathways(store, "all")
    threshold = int(everyone["transitions"].max())
    query = f"min_transitions={threshold}&collapse_repeats=0"
    body = client.get(f"/pathways.json?{query}").get_json()
    kept = everyone[everyone["transitions"] >= threshold]
    assert len(body["transitions"]) + len(body["repeats"]) == len(kept) >= 1
    assert body["hidden_transitions"] == len(everyone) - len(kept)
    html = client.get(f"/pathways?{query}").get_data(as_text=True)
    assert (
        'src="/pathways/map.html?cohort=all&amp;until=end&amp;collapse_repeats=0&amp;'
        f'min_transitions={threshold}"'
    ) in html
    assert 'title="Agency pathways map: All families, the whole journey"' in html


def test_pathways_map_document_is_a_whole_page_from_this_server(client):
    response = client.get("/pathways/map.html?cohort=all&min_transitions=1")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert "/static/vendor/vis-network.min.js" in text
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp


@pytest.mark.parametrize(
    "query",
    [
        "?cohort=everyone", "?min_transitions=0", "?min_transitions=few", "?variants=0",
        "?until=never", "?collapse_repeats=maybe",
    ],
)  # fmt: skip
def test_pathways_bad_parameters_are_400(client, query):
    assert client.get(f"/pathways{query}").status_code == 400
    assert client.get(f"/pathways.json{query}").status_code == 400
    assert client.get(f"/pathways/map.html{query}").status_code == 400


def test_pathways_tables_list_ends_and_variants(client, store):
    body = client.get("/pathways.json?collapse_repeats=0").get_json()
    ends = store.result("pathway_ends")
    assert sum(e["starts"] for e in body["ends"]) == int(
        ends[ends["cohort"] == "all"]["starts"].sum()
    )
    variants = store.result("variants")
    everyone = variants[variants["cohort"] == "all"]
    ranked = everyone[everyone["variants"] == 1]
    assert len(body["variants"]) == min(20, len(ranked))
    shares = [v["families"] for v in body["variants"]]
    assert shares == sorted(shares, reverse=True)
    # Single-family variants are stated, never ranked.
    folded = int(everyone.loc[everyone["variants"] > 1, "variants"].sum())
    assert body["one_family_variants"] == folded
    assert all(v["variant"] != ONE_FAMILY_VARIANTS for v in body["variants"])
    if folded:
        html = client.get("/pathways?collapse_repeats=0").get_data(as_text=True)
        assert f"{folded:,} variants are each followed by one family" in html


@pytest.mark.parametrize("cohort", ["all", "escalated"])
def test_pathways_tables_keep_the_analysis_order(client, store, cohort):
    query = f"cohort={cohort}&min_transitions=1&variants=500&collapse_repeats=0"
    body = client.get(f"/pathways.json?{query}").get_json()
    flows = _pathways(store, cohort)
    between = flows[flows["from_agency"] != flows["to_agency"]]
    assert [(t["from_agency"], t["to_agency"]) for t in body["transitions"]] == list(
        zip(between["from_agency"], between["to_agency"], strict=True)
    )
    ends = store.result("pathway_ends")
    ends = ends[(ends["cohort"] == cohort) & ((ends["starts"] > 0) | (ends["ends"] > 0))]
    assert [e["agency"] for e in body["ends"]] == ends["agency"].tolist()
    variants = store.result("variants")
    cohort_rows = variants[variants["cohort"] == cohort]
    ranked = cohort_rows[cohort_rows["variant"] != ONE_FAMILY_VARIANTS]
    assert [v["variant"] for v in body["variants"]] == ranked["variant"].tolist()
    # The folded row is never ranked, even when it stands for a single variant.
    folded = cohort_rows.loc[cohort_rows["variant"] == ONE_FAMILY_VARIANTS, "variants"]
    assert body["one_family_variants"] == int(folded.sum())


def test_overview_lists_the_most_uncoordinated_in_the_analysis_order(client, store):
    ranked = store.result("uncoordinated_families")
    ranked = ranked[ranked["uncoordinated"] > 0]
    shown = client.get("/.json").get_json()["uncoordinated_families"]
    assert [f["family_id"] for f in shown] == ranked["family_id"].head(10).tolist()
    assert len(shown) > 1


def test_overview_headline_is_the_runs_own_counts(client, store):
    counts = store.results_meta()["counts"]
    assert client.get("/.json").get_json()["headline"] == {
        "high_contact": counts["high_contact_families"],
        "eligible": counts["eligible_families"],
        "not_yet_found": counts["not_yet_found"],
        "escalated": counts["escalated_families"],
        "children_before_age": _children_before_age(store),
    }


def _children_before_age(store) -> int:
    """Children high-contact before 13, counted from the stored people results directly."""
    people = store.result("high_contact_people")
    roles = store.people().set_index("person_id")["role"]
    before = people["high_contact_before_age"].fillna(False).astype(bool)
    return int((before & people["person_id"].map(roles).eq("child")).sum())


def test_overview_links_the_children_high_contact_before_13(client, store):
    expected = _children_before_age(store)
    assert expected >= 1  # the population holds one such child
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'href="/families\?(child_before_age=1&amp;sort=family_id|'
                     r'sort=family_id&amp;child_before_age=1)"', html)
    assert f"<strong>{expected}</strong> child" in html
    listed = client.get("/families.json?child_before_age=1").get_json()
    assert listed["total"] == expected  # one child per family here
    assert all(f["children_high_contact_before_age"] >= 1 for f in listed["families"])
    others = client.get("/families.json?child_before_age=0&per_page=500").get_json()
    assert others["total"] + listed["total"] == client.get("/families.json").get_json()["total"]
    assert all(f["children_high_contact_before_age"] == 0 for f in others["families"])


def test_pathways_escape_hostile_agency_names(client):
    html = client.get("/pathways").get_data(as_text=True)
    assert HOSTILE not in html
    map_document = client.get("/pathways/map.html").get_data(as_text=True)
    assert HOSTILE not in map_document


def test_interventions_lists_early_warning_and_broker_agencies(client, store):
    body = client.get("/interventions.json").get_json()
    early = store.result("intervention_agencies")
    brokers = store.result("broker_agencies")
    # In the analysis' own order (journey.escalation), never re-sorted by the page.
    assert [a["agency"] for a in body["early_warning_agencies"]] == early["agency"].tolist()
    assert [a["agency"] for a in body["broker_agencies"]] == brokers["agency"].tolist()
    shares = [a["share_seen_first"] for a in body["early_warning_agencies"]]
    assert shares == sorted(shares, reverse=True)
    # Tied on betweenness, brokers follow PageRank (the analysis' tie-break), not their names.
    zero = [a["pagerank"] for a in body["broker_agencies"] if a["betweenness"] == 0]
    assert len(zero) > 1 and zero == sorted(zero, reverse=True)
    html = client.get("/interventions").get_data(as_text=True)
    assert "Early-warning agencies" in html and "Broker agencies" in html


def test_loads_page_shows_the_reconciliation_line(client):
    body = client.get("/loads.json").get_json()
    # write_population records 50 rows loaded and 2 rejected out of 52.
    assert body["loads"] == [
        {
            "run_id": 1,
            "source": "contacts.csv",
            "kind": "contacts",
            "mapping": None,
            "checksum": None,
            "started_at": "2023-01-02T09:30:00",
            "finished_at": "2023-01-02T09:30:00",
            "rows_in": 52,
            "loaded": 50,
            "rejected": 2,
            "duplicates": 0,
            "rejects_path": "rejects-contacts.csv",
            "reconciles": True,
            "finished": True,
        }
    ]
    assert body["unfinished_run"] is None
    html = client.get("/loads").get_data(as_text=True)
    assert '<code title="rejects-contacts.csv">rejects-contacts.csv</code>' in html
    assert (
        '<td class="num">52</td><td class="num">50</td><td class="num">2</td><td class="num">0</td>'
        in html
    )
    assert "did not finish" not in html and "not finished" not in html


def test_loads_page_shows_an_unfinished_run_plainly(client, store):
    from datetime import datetime

    from journey.store import LoadRecord

    started = datetime(2023, 2, 1, 8, 0)
    run = store.start_run([LoadRecord("new/contacts.csv", started, None, rows_in=9, loaded=7,
                                      rejected=1, duplicates=1, checksum="c0ffee" * 10 + "abcd")])
    body = client.get("/loads.json").get_json()
    assert body["unfinished_run"] == run == 2
    assert (body["loads"][0]["finished"], body["loads"][0]["finished_at"]) == (False, None)
    assert body["loads"][0]["reconciles"] and body["loads"][1]["finished"]
    html = client.get("/loads").get_data(as_text=True)
    notice = '<div class="notice" role="alert"><strong>The latest load (run 2) did not finish.'
    assert notice in html
    assert html.count('<strong class="warn-text">not finished</strong>') == 1
    checksum = "c0ffee" * 10 + "abcd"
    assert f'<code class="checksum" title="SHA-256 {checksum}">c0ffeec0ffee…</code>' in html
    assert '<span class="tag warn">unfinished</span>' in html
    store.finish_run(run, datetime(2023, 2, 1, 8, 5))
    assert client.get("/loads.json").get_json()["unfinished_run"] is None


def test_overview_names_the_window_that_met_the_threshold_beside_the_busiest(client):
    """F001: contacts every 10 days from 4 Jan 2021, six agencies in turn; the 30th contact
    (21 Oct 2021) completes the first window of 30 contacts, and it holds all 6 agencies."""
    body = client.get("/.json").get_json()
    assert body["threshold"] == {"min_contacts": 30, "min_agencies": 5, "window_days": 365}
    (f001,) = body["high_contact_families"]
    assert (f001["threshold_contacts"], f001["threshold_agencies"]) == (30, 6)
    assert f001["first_crossed"].startswith("2021-10-21")
    html = client.get("/").get_data(as_text=True)
    assert "21 Oct 2021: 30 contacts, 6 agencies" in html
    assert "30 contacts with 5 agencies fall within 365 days" in html
    assert "(marked *)" not in html  # its busiest window also holds at least 5 agencies
