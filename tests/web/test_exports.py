"""The Export menu's downloads from the web, and ``journey export`` through the CLI runner.

Against the real SQLite store of :mod:`tests.web.population`: who may
download (the ``export`` permission), that downloads are de-identified unless
a role with ``identified`` asks, that every menu link works, and the audit.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner

from journey.exports import FORMATS
from tests.web.test_access import pseudonym_of
from web.cli import cli

# What no de-identified download of F001 may hold: its ids, birth months, area, dates.
F001_SECRETS = ("F001", "F1-mum", "F1-kid", "1988-06", "2010-03", "North", "2021-01-04", "2021-01")


def _events(app):
    return [(e.actor, e.subject) for e in app.extensions["journey.security"].audit.events(
        action="export")]  # fmt: skip


@pytest.fixture
def designer(client_of):
    return client_of("designer")


def _menu_links(client, path: str) -> list[str]:
    page = client.get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    section = text.split('class="export-menu"', 1)[1].split("</section>", 1)[0]
    return [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', section)]


def test_every_link_of_the_family_menu_downloads_a_de_identified_file(designer, app):
    family = pseudonym_of(app, "F001")
    links = _menu_links(designer, f"/families/{family}")
    expected = [f"/families/{family}/export.{fmt}" for fmt in FORMATS]  # no identified ones
    expected.insert(1, f"/families/{family}/export.html?map=network")
    assert links == expected
    for link in links:
        response = designer.get(link)
        assert response.status_code == 200, link
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")
        body = response.get_data()
        if link.endswith(".png"):
            assert body.startswith(b"\x89PNG")
            continue
        if link.endswith(".pdf"):
            assert body.startswith(b"%PDF")
            continue
        text = body.decode("utf-8")
        found = [s for s in F001_SECRETS if re.search(rf"\b{re.escape(s)}\b", text)]
        assert found == [], (link, found)
    assert sorted(_events(app)) == sorted(
        [("designer", f"{fmt} of F001") for fmt in FORMATS] + [("designer", "html of F001")]
    )


def test_the_family_graph_holds_its_members_as_roles(designer, app):
    family = pseudonym_of(app, "F001")
    graph = nx.read_graphml(io.BytesIO(designer.get(f"/families/{family}/export.graphml").data))
    members = {n for n, d in graph.nodes(data=True) if d["kind"] == "member"}
    assert members == {"Adult", "Child 1, aged 10 at first contact"}  # mum's role is "adult"
    assert graph.graph["title"] == f"Family journey: Family {family}"
    police = graph["Child 1, aged 10 at first contact"]["Police"]
    assert police["contacts"] == 6  # every Police contact involves both members


def test_a_designer_may_not_ask_for_identified_data(designer, app):
    family = pseudonym_of(app, "F001")
    assert designer.get(f"/families/{family}/export.csv?identified=1").status_code == 403
    assert designer.get("/pathways/export.csv?identified=1").status_code == 403
    assert designer.get("/families/F001/export.csv").status_code == 404  # a real id is unknown


def test_an_analyst_gets_de_identified_by_default_and_identified_on_asking(client, app):
    links = _menu_links(client, "/families/F001")
    assert "/families/F001/export.csv?identified=1" in links
    plain = pd.read_csv(io.BytesIO(client.get("/families/F001/export.csv").data),
                        encoding="utf-8-sig")  # fmt: skip
    assert "date" not in plain and plain["journey"].iloc[0] == f"Family {pseudonym_of(app, 'F001')}"
    named = pd.read_csv(io.BytesIO(client.get("/families/F001/export.csv?identified=1").data),
                        encoding="utf-8-sig")  # fmt: skip
    assert named["date"].iloc[0] == "2021-01-04" and named["journey"].iloc[0] == "F001"
    assert len(named) == len(plain) == 32
    assert sorted(_events(app)) == [("analyst", "csv of F001"),
                                    ("analyst", "csv of F001 (identified)")]  # fmt: skip


def test_a_commissioner_has_no_export_menu_and_no_downloads(client_of, app):
    commissioner = client_of("commissioner")
    family = pseudonym_of(app, "F001")
    assert 'class="export-menu"' not in commissioner.get(f"/families/{family}").get_data(
        as_text=True)  # fmt: skip
    assert commissioner.get(f"/families/{family}/export.html").status_code == 403
    assert commissioner.get("/pathways/export.gexf").status_code == 403
    assert commissioner.get("/interventions/broker-agencies.csv").status_code == 403


def test_every_pathways_menu_link_works_and_small_counts_are_left_out(designer, client, app):
    links = _menu_links(designer, "/pathways?cohort=all&min=1")
    assert len(links) == 2 * len(FORMATS)
    for link in links:
        assert designer.get(link).status_code == 200, link
    shown = json.loads(designer.get("/pathways/export.json?cohort=all&min=1").data)
    full = json.loads(client.get("/pathways/export.json?cohort=all&min=1&identified=1").data)
    # Five families: every pathway is of 1 to 4 families, so the de-identified map has none.
    assert shown["links"] == [] and len(full["links"]) > 0
    assert all(link["families"] <= 4 for link in full["links"])
    collapsed = json.loads(client.get("/pathways/export.json?min=1&collapse=1&identified=1").data)
    assert all(e["source"] != e["target"] for e in collapsed["links"])
    assert any(e["source"] == e["target"] for e in full["links"])


def test_intervention_tables_download_as_csv(client, app):
    links = _menu_links(client, "/interventions")
    assert "/interventions/early-warning-agencies.csv?cohort=all" in links
    for link in links:
        response = client.get(link)
        assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf"), link
    table = pd.read_csv(io.BytesIO(client.get("/interventions/broker-agencies.csv").data),
                        encoding="utf-8-sig")  # fmt: skip
    assert list(table.columns) == ["agency", "betweenness", "pagerank"]
    early = pd.read_csv(io.BytesIO(client.get("/interventions/early-warning-agencies.csv").data),
                        encoding="utf-8-sig")  # fmt: skip
    # One escalating family: its count is suppressed; zeros tell nothing and stay.
    assert early["seen_first"].isna().any() and not early["seen_first"].between(1, 4).any()
    events = _events(app)
    assert ("analyst", "broker-agencies.csv?cohort=all") in events  # the query says which cohort
    assert ("analyst", "early-help-ranking.csv?cohort=all&identified=1 (identified)") in events


def test_a_bad_format_is_not_found(client):
    assert client.get("/families/F001/export.xlsx").status_code == 404


# -- the command line -----------------------------------------------------------------------


@pytest.fixture
def store_url(store):
    return store.url


def test_cli_exports_a_family_de_identified_and_audits_it(store_url, tmp_path, app):
    out = tmp_path / "f.csv"
    result = CliRunner().invoke(cli, ["export", "family", "F001", "--format", "csv", "--out",
                                      str(out), "--store", store_url])  # fmt: skip
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8-sig")
    assert not [s for s in F001_SECRETS if re.search(rf"\b{re.escape(s)}\b", text)]
    assert text.splitlines()[1].startswith("Family,c1,0,")
    events = app.extensions["journey.security"].audit.events(action="export")
    assert [e.subject for e in events] == ["csv of F001"] and events[0].actor.startswith("cli:")


def test_cli_identified_and_errors(store_url, tmp_path):
    out = tmp_path / "named.json"
    runner = CliRunner()
    ok = runner.invoke(cli, ["export", "family", "F001", "--format", "json", "--identified",
                             "--out", str(out), "--store", store_url])  # fmt: skip
    assert ok.exit_code == 0 and "2021-01-04" in out.read_text()
    unknown = runner.invoke(cli, ["export", "family", "NOPE", "--format", "csv",
                                  "--store", store_url])  # fmt: skip
    assert unknown.exit_code == 1 and "There is no family 'NOPE'" in unknown.output
    bad = runner.invoke(cli, ["export", "family", "F001", "--format", "xlsx",
                              "--store", store_url])  # fmt: skip
    assert bad.exit_code == 2
    assert "use one of html, png, svg, pdf, graphml, gexf, json, csv" in bad.output
    cohort = runner.invoke(cli, ["export", "pathways", "--format", "csv", "--cohort", "nobody",
                                 "--store", store_url])  # fmt: skip
    assert cohort.exit_code == 2 and "Unknown cohort 'nobody'" in cohort.output


def test_cli_pathways_with_its_choices(store_url, tmp_path):
    out = tmp_path / "p.gexf"
    result = CliRunner().invoke(cli, ["export", "pathways", "--format", "gexf", "--identified",
                                      "--min-transitions", "2", "--collapse-repeats", "--out",
                                      str(out), "--store", store_url])  # fmt: skip
    assert result.exit_code == 0, result.output
    graph = nx.read_gexf(out)
    assert graph.number_of_edges() > 0
    assert all(d["transitions"] >= 2 for _, _, d in graph.edges(data=True))
    assert all(u != v for u, v in graph.edges())


def test_cli_pack_writes_the_top_families_and_says_how_far_it_is(store_url, tmp_path):
    folder = tmp_path / "workshop"
    result = CliRunner().invoke(cli, ["export", "pack", "--top", "2", "--out", str(folder),
                                      "--store", store_url])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "[1/3] journey-1: Family journey: Journey 1" in result.output
    assert "[3/3] pathways" in result.output
    with zipfile.ZipFile(tmp_path / "workshop.zip") as zipped:
        names = set(zipped.namelist())
    assert "workshop/index.html" in names and "workshop/journey-2.svg" in names
    first = (folder / "journey-1.html").read_text(encoding="utf-8")
    assert "contacts: 32" in first  # F001, the family with most contacts
    again = CliRunner().invoke(cli, ["export", "pack", "--out", str(folder), "--store", store_url])
    assert again.exit_code == 1 and "not an empty folder" in again.output


def test_the_cli_lists_the_same_formats_as_the_library():
    from web.cli_export import FORMAT_NAMES

    assert FORMAT_NAMES == tuple(FORMATS)
