"""Journey maps: counts, layout, aggregation, escaping and self-containment, on tiny journeys."""

from __future__ import annotations

import json
import re
import tomllib
from importlib import resources

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journey.errors import InputError, MissingColumnError
from journey.maps import (
    STATIC_FILES,
    MapError,
    network_map,
    pathways_map,
    swimlane_map,
    write_static_assets,
)
from journey.maps.assets import PAGE_FILES, map_script, map_style, vis_script, vis_style
from journey.maps.swimlane import LANE_SPACING
from journey.maps.text import plain_text
from journey.taxonomy import default_taxonomy
from tests.builders import contacts_frame, people_frame
from tests.paths import ROOT

HOSTILE = [
    "</script><script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "\"quoted\" & 'single' <b>bold</b>",
    '<a href="javascript:window.__pwned=1">HREF</a>',
]

# A small family journey, worked out by hand:
#   c1 Police incident, 4 Jan, P1 and P2 (one contact, two rows)
#   c2 School exclusion, 4 Jan, P2
#   c3 Police arrest, 4 Jan, P1        (same day and lane as c1: stacked)
#   c4 GP appointment, 1 Feb, P3
#   c5 School absence, 1 Mar, P1
# Chain by (time, id): c1 -> c2 -> c3 -> c4 -> c5 (4 edges).
# Lanes by first contact, ties by name: Police (0), School (90), GP (180).
FAMILY = contacts_frame(
    [
        ("c1", "P1", "Police", "incident", "2021-01-04"),
        ("c1", "P2", "Police", "incident", "2021-01-04"),
        ("c2", "P2", "School", "exclusion", "2021-01-04"),
        ("c3", "P1", "Police", "arrest", "2021-01-04"),
        ("c4", "P3", "GP", "appointment", "2021-02-01"),
        ("c5", "P1", "School", "school_absence", "2021-03-01"),
    ],
    family_id="F1",
)
PEOPLE = people_frame(
    [("P1", "F1", "adult", "1980-01"), ("P2", "F1", "child", "2010-05"),
     ("P3", "F1", "child", "2012-07"), ("P4", "F1", "child", "2015-02")]
)


def _kind(journey_map, kind):
    return [n for n in journey_map.nodes if n.get("kind") == kind]


def _by_contact(journey_map):
    return {n["contact_id"]: n for n in _kind(journey_map, "contact")}


def _data_block(page: str) -> str:
    match = re.search(r'<script type="application/json" id="journey-map-data">(.*?)</script>', page,
                      re.S)
    assert match, "the page has no data block"
    return match.group(1)


def _without_vendor(page: str) -> str:
    """The page minus the verbatim vendor and page-script text (as inlined, with LF line ends)."""
    for text in (vis_script(), vis_style(), map_script(), map_style()):
        page = page.replace(text.replace("\r\n", "\n"), "")
    return page


# -- swimlane ----------------------------------------------------------------


def test_swimlane_counts_dedupe_and_chain_worked_by_hand():
    journey_map = swimlane_map(FAMILY, people=PEOPLE)
    contacts = _by_contact(journey_map)
    assert sorted(contacts) == ["c1", "c2", "c3", "c4", "c5"]
    assert [n["agency"] for n in _kind(journey_map, "lane")] == ["Police", "School", "GP"]
    assert len(journey_map.nodes) == 3 + 5
    id_of = {n["id"]: n["contact_id"] for n in _kind(journey_map, "contact")}
    chain = [(id_of[e["from"]], id_of[e["to"]]) for e in journey_map.edges]
    assert chain == [("c1", "c2"), ("c2", "c3"), ("c3", "c4"), ("c4", "c5")]
    assert not journey_map.aggregated and journey_map.note is None


def test_swimlane_same_day_same_lane_contacts_do_not_overlap():
    contacts = _by_contact(swimlane_map(FAMILY))
    c1, c3 = contacts["c1"], contacts["c3"]
    assert c1["x"] == c3["x"]
    assert c1["y"] != c3["y"]
    # both stay inside the Police lane (centre 0)
    assert abs(c1["y"]) < LANE_SPACING / 2 and abs(c3["y"]) < LANE_SPACING / 2
    assert contacts["c2"]["y"] == LANE_SPACING  # alone in the School lane on its day


def test_swimlane_multi_person_contact_is_marked_with_members():
    contacts = _by_contact(swimlane_map(FAMILY, people=PEOPLE))
    assert contacts["c1"]["label"] == "×2"
    # Ages on 2021-01-04 from the birth months 1980-01 and 2010-05.
    title = contacts["c1"]["title"]
    assert "Members involved (2): P1 (adult, aged 41), P2 (child, aged 10)" in title
    assert contacts["c2"]["label"].strip() == ""
    assert contacts["c1"]["size"] > contacts["c2"]["size"]


def test_swimlane_highlights_peak_and_uncoordinated_with_reasons():
    journey_map = swimlane_map(
        FAMILY, peak_contact_ids=["c2", "c3"], uncoordinated_contact_ids={"c3": "no lead worker"}
    )
    contacts = _by_contact(journey_map)
    assert contacts["c2"]["borderWidth"] > contacts["c1"]["borderWidth"]
    assert "In the busiest window" in contacts["c2"]["title"]
    assert "Uncoordinated: no lead worker" in contacts["c3"]["title"]
    assert "shapeProperties" in contacts["c3"] and "shapeProperties" not in contacts["c2"]
    assert "Uncoordinated" not in contacts["c1"]["title"]
    shapes = {item.shape for item in journey_map.legend if item.kind == "highlight"}
    assert {"thick-border", "dashed-border"} <= shapes


def test_swimlane_contact_types_have_group_shapes():
    contacts = _by_contact(swimlane_map(FAMILY))
    assert contacts["c1"]["shape"] == "triangle"  # incident
    assert contacts["c4"]["shape"] == "dot"  # appointment
    assert contacts["c5"]["shape"] == "square"  # education record
    assert contacts["c2"]["shape"] == contacts["c5"]["shape"]  # exclusion is an education record


def _journey(n_contacts: int, *, agencies=("Police", "School", "GP"), every_days=2):
    rows = [
        (f"k{i:05d}", f"P{i % 3}", agencies[i % len(agencies)], "incident",
         pd.Timestamp("2020-01-06") + pd.Timedelta(days=every_days * i))
        for i in range(n_contacts)
    ]
    return contacts_frame(rows, family_id="F9")


def test_swimlane_aggregates_above_max_contacts_and_not_at_it():
    at_limit = swimlane_map(_journey(30), max_contacts=30)
    assert not at_limit.aggregated
    assert len(_kind(at_limit, "contact")) == 30 and len(at_limit.edges) == 29

    above = swimlane_map(_journey(31), max_contacts=30)
    assert above.aggregated
    assert above.note == "31 contacts, counted by week for each agency."
    assert not _kind(above, "contact")


def test_swimlane_aggregation_by_week_per_agency_matches_a_simple_count():
    contacts = _journey(200, every_days=1)
    journey_map = swimlane_map(contacts, max_contacts=50)
    # Independent count: Monday of each contact's ISO week, per agency.
    expected: dict[tuple, int] = {}
    for agency, moment in zip(contacts["agency"], contacts["occurred_at"], strict=True):
        monday = (moment - pd.Timedelta(days=moment.weekday())).strftime("%Y-%m-%d")
        expected[(agency, monday)] = expected.get((agency, monday), 0) + 1
    weeks = _kind(journey_map, "count")
    assert {n["period"] for n in weeks} == {"week"}
    found = {}
    for node in weeks:
        agency, rest = node["title"].split(", week of ", 1)
        found[(agency, rest[:10])] = node["contacts"]
    assert found == expected
    assert len(journey_map.edges) == len(weeks) - 1
    assert all(edge["hidden"] for edge in journey_map.edges)  # next-contact lines off at first
    first = next(n for n in weeks if n["contacts"] == max(expected.values()))
    assert f"{first['contacts']} contacts" in first["title"]


journeys = st.lists(
    st.tuples(
        st.integers(0, 5),  # contact number (ids repeat: several members)
        st.sampled_from(["P1", "P2", "P3"]),
        st.sampled_from(["Police", "School", "GP", "Housing", "Early Help"]),
        st.integers(0, 400),  # day offset
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys)
def test_swimlane_positions_are_monotone_in_time_and_in_their_lane(rows):
    # A contact's agency and date are those of its first row, as in real data.
    first: dict[str, tuple] = {}
    built = []
    for number, person, agency, day in rows:
        cid = f"c{number}-{day % 7}"
        first.setdefault(cid, (agency, day))
        agency, day = first[cid]
        moment = pd.Timestamp("2021-01-01") + pd.Timedelta(days=day)
        built.append((cid, person, agency, "referral", moment))
    contacts = contacts_frame(built, family_id="F1").drop_duplicates(["contact_id", "person_id"])
    journey_map = swimlane_map(contacts)
    nodes = _by_contact(journey_map)
    assert set(nodes) == set(contacts["contact_id"])
    when = {cid: pd.Timestamp("2021-01-01") + pd.Timedelta(days=first[cid][1]) for cid in first}
    ordered = sorted(nodes, key=lambda c: (when[c], c))
    for a, b in zip(ordered, ordered[1:], strict=False):
        if when[a].normalize() == when[b].normalize():
            assert nodes[a]["x"] == nodes[b]["x"]
        else:
            assert nodes[a]["x"] < nodes[b]["x"]
    lanes = {n["agency"]: n["y"] for n in _kind(journey_map, "lane")}
    assert sorted(lanes) == sorted(set(contacts["agency"]))
    assert len(set(lanes.values())) == len(lanes)
    for cid, node in nodes.items():
        assert abs(node["y"] - lanes[first[cid][0]]) < LANE_SPACING / 2
    # chain: every contact once, in (time, id) order
    id_of = {n["id"]: n["contact_id"] for n in _kind(journey_map, "contact")}
    assert [id_of[e["from"]] for e in journey_map.edges] == ordered[:-1]
    assert [id_of[e["to"]] for e in journey_map.edges] == ordered[1:]


def test_swimlane_refuses_several_families_and_missing_columns():
    two = pd.concat([FAMILY, FAMILY.assign(family_id="F2", contact_id="x")])
    with pytest.raises(MapError):
        swimlane_map(two)
    with pytest.raises(MissingColumnError):
        swimlane_map(FAMILY.drop(columns=["occurred_at"]))


def test_swimlane_of_no_contacts_is_an_empty_map_with_a_note():
    journey_map = swimlane_map(FAMILY.iloc[0:0])
    assert journey_map.nodes == [] and journey_map.edges == []
    assert journey_map.note == "No contacts to show."


# -- network -----------------------------------------------------------------


def test_network_map_worked_by_hand():
    # P1-Police: c1, c3 (2); P2-Police: c1 (1); P2-School: c2 (1); P3-GP: c4 (1); P1-School: c5 (1)
    journey_map = network_map(FAMILY, people=PEOPLE)
    members = {n["person_id"]: n for n in _kind(journey_map, "member")}
    agencies = {n["agency"]: n for n in _kind(journey_map, "agency")}
    assert set(members) == {"P1", "P2", "P3", "P4"}  # P4 had no contact but is in the family
    assert members["P2"]["label"] == "child P2" and members["P1"]["label"] == "adult P1"
    assert set(agencies) == {"Police", "School", "GP"}
    pairs = {
        (next(k for k, n in members.items() if n["id"] == e["from"]),
         next(k for k, n in agencies.items() if n["id"] == e["to"])): e
        for e in journey_map.edges
    }
    assert set(pairs) == {("P1", "Police"), ("P2", "Police"), ("P2", "School"), ("P3", "GP"),
                          ("P1", "School")}
    assert pairs[("P1", "Police")]["title"] == "2 contacts"
    assert pairs[("P2", "School")]["title"] == "1 contact"
    assert pairs[("P1", "Police")]["width"] > pairs[("P2", "School")]["width"]
    assert "2 contacts with the family" in agencies["Police"]["title"]
    assert "2 members involved" in agencies["Police"]["title"]
    assert {n["x"] for n in members.values()} == {0.0}
    assert len({n["x"] for n in agencies.values()}) == 1
    assert min(n["x"] for n in agencies.values()) > 0


# -- pathways ----------------------------------------------------------------

PATHWAYS = pd.DataFrame(
    {
        "from_agency": ["Police", "School", "Police", "Children's Social Care", "School"],
        "to_agency": ["School", "Children's Social Care", "Children's Social Care",
                      "Children's Social Care", "Police"],
        "transitions": [1204, 500, 20, 40, 1],
        "families": [980, 400, 18, 30, 1],
        "median_days": [21.0, 35.4, 60.0, 9.0, 3.0],
    }
)
ENDS = pd.DataFrame({"agency": ["Police", "Children's Social Care"], "starts": [700, 3],
                     "ends": [10, 650]})


def test_pathways_map_worked_by_hand():
    journey_map = pathways_map(PATHWAYS, min_transitions=2, ends=ENDS)
    agencies = {n["agency"]: n for n in journey_map.nodes}
    assert set(agencies) == {"Police", "School", "Children's Social Care"}
    # School -> Police (1) is hidden; CSC -> CSC is a self-loop, shown in the tooltip only.
    labels = sorted(e["caption"] for e in journey_map.edges)
    assert labels == ["1,204 · 21d", "20 · 60d", "500 · 35d"]
    assert "Children's Social Care again: 40 transitions, median 9d" in agencies[
        "Children's Social Care"]["title"]
    assert "Journeys starting here: 700 · ending here: 10" in agencies["Police"]["title"]
    assert journey_map.note and "1 smaller pathway hidden" in journey_map.note
    by_value = sorted(journey_map.edges, key=lambda e: e["value"])
    assert [e["value"] for e in by_value] == [20, 500, 1204]
    # Police comes before School, which comes before social care: left to right.
    x = {a: n["x"] for a, n in agencies.items()}
    assert x["Police"] <= x["School"] <= x["Children's Social Care"]
    assert x["Police"] < x["Children's Social Care"]


def test_pathways_map_uses_the_taxonomy_sectors():
    journey_map = pathways_map(PATHWAYS)
    taxonomy = default_taxonomy()
    from journey.maps.style import sector_colour

    for node in journey_map.nodes:
        assert node["color"]["background"] == sector_colour(taxonomy.sector_of(node["agency"]))
    assert len(journey_map.edges) == 4  # every non-self pathway at min_transitions=1


# -- legend ------------------------------------------------------------------


@pytest.mark.parametrize("which", ["swimlane", "network", "pathways"])
def test_legend_covers_every_sector_used_with_its_colour(which):
    journey_map = _all_maps()[which]
    legend = {item.colour for item in journey_map.legend if item.kind == "sector"}
    coloured = [n for n in journey_map.nodes if n.get("kind") in ("lane", "agency", "contact")]
    assert coloured
    assert {n["color"]["background"] for n in coloured} <= legend
    assert all(item.label for item in journey_map.legend)


def _all_maps(assets="inline"):
    return {
        "swimlane": swimlane_map(FAMILY, people=PEOPLE, peak_contact_ids=["c2"], assets=assets),
        "network": network_map(FAMILY, people=PEOPLE, assets=assets),
        "pathways": pathways_map(PATHWAYS, ends=ENDS, assets=assets),
    }


# -- safety ------------------------------------------------------------------


def _hostile_family():
    rows = []
    for i, text in enumerate(HOSTILE):
        rows.append((text + f"#{i}", text, "Police", "incident", f"2021-01-0{i + 1}"))
        rows.append((f"s{i}", "P1", "School", "exclusion", f"2021-02-0{i + 1}"))
    contacts = contacts_frame(rows, family_id="F1")
    contacts.loc[contacts["agency"] == "Police", "agency"] = HOSTILE[0]
    contacts.loc[contacts["agency"] == "School", "contact_type"] = HOSTILE[1]
    contacts["service"] = HOSTILE[3]
    return contacts


def hostile_maps(assets="inline"):
    """The three maps with hostile text in every field a user can write."""
    contacts = _hostile_family()
    people = pd.DataFrame({"person_id": HOSTILE, "family_id": "F1", "role": HOSTILE[2]})
    pathways = pd.DataFrame({"from_agency": HOSTILE, "to_agency": HOSTILE[1:] + HOSTILE[:1],
                             "transitions": [5, 6, 7, 8], "families": [1, 2, 3, 4],
                             "median_days": [1.0, 2.0, 3.0, 4.0]})
    return {
        "swimlane": swimlane_map(contacts, people=people, title=HOSTILE[0], assets=assets,
                                 uncoordinated_contact_ids={contacts["contact_id"][0]: HOSTILE[3]}),
        "network": network_map(contacts, people=people, title=HOSTILE[1], assets=assets),
        "pathways": pathways_map(pathways, title=HOSTILE[2], assets=assets),
    }


@pytest.mark.parametrize("assets", ["inline", "/static/vendor"])
def test_hostile_text_cannot_leave_the_data_block(assets):
    for name, journey_map in hostile_maps(assets).items():
        page = _without_vendor(journey_map.html)
        data = _data_block(page)
        assert "<" not in data and ">" not in data and "&" not in data, name
        # our own three script elements, and no other
        assert page.count("<script") == 3, name
        assert page.count("</script") == 3, name
        payload = json.loads(data)
        assert payload["nodes"] == journey_map.nodes and payload["edges"] == journey_map.edges
        assert "<title>&lt;" in page or "<title>&quot;" in page, name
        for text in ("<img", "<b>", "<a h"):
            assert text not in page.replace(data, ""), (name, text)


def test_hostile_text_stays_readable_as_text_in_tooltips():
    journey_map = hostile_maps()["swimlane"]
    titles = " ".join(n.get("title", "") for n in journey_map.nodes)
    assert HOSTILE[0] in titles  # shown as the text it is, not dropped or entity-encoded
    assert '<img src=x onerror="window.__pwned=1">' in titles


@pytest.mark.parametrize("which", ["swimlane", "network", "pathways"])
def test_no_tooltip_or_label_contains_href(which):
    journey_map = hostile_maps()[which]
    texts = [item.get(k, "") for item in journey_map.nodes + journey_map.edges
             for k in ("title", "label")]
    assert texts
    assert not any("href" in str(t).lower() for t in texts)
    assert any("h\u200dref" in str(t).lower() for t in texts)  # neutralised, still legible


def test_plain_text_neutralises_href_in_any_case_and_drops_control_characters():
    assert plain_text("HREF href HrEf") == "H\u200dREF h\u200dref H\u200drEf"
    assert plain_text("a\u202eb\x00c\nd") == "abc d"
    assert plain_text("x" * 300).endswith("…") and len(plain_text("x" * 300)) == 200


@pytest.mark.parametrize("assets", ["inline", "/static/vendor"])
def test_pages_reference_no_other_host(assets):
    for name, journey_map in _all_maps(assets).items():
        page = _without_vendor(journey_map.html)
        for needle in ("http://", "https://", "//cdn", "@import", "url("):
            assert needle not in page, (name, needle)
        sources = [s for s in re.findall(r'(?:src|href)="([^"]*)"', page) if s != "data:,"]
        if assets == "inline":
            assert sources == [], name
        else:
            assert sorted(sources) == sorted(f"/static/vendor/{f}" for f in STATIC_FILES), name
        assert "default-src 'none'" in page  # the page's own CSP forbids anything else


def test_inline_vendor_code_requests_nothing_itself():
    # The vendored code mentions URLs only in its licence header and an SVG namespace.
    found = set(re.findall(r"https?://[^\s\"')]+", vis_script() + vis_style()))
    assert found <= {
        "https://visjs.github.io/vis-network/", "http://almende.com", "https://github.com/visjs",
        "http://www.apache.org/licenses/LICENSE-2.0", "http://opensource.org/licenses/MIT",
        "http://www.w3.org/2000/svg", "https://github.com/zloirock/core-js",
        "https://github.com/zloirock/core-js/blob/v3.21.1/LICENSE",
        "https://github.com/uuidjs/uuid#getrandomvalues-not-supported",
    }


@pytest.mark.parametrize(
    "prefix", ["https://cdn.example.com/vis", "//cdn.example.com", "/x\"><script>"]
)
def test_assets_prefix_must_be_a_path_on_this_server(prefix):
    with pytest.raises(MapError):
        swimlane_map(FAMILY, assets=prefix)


def _pyvis_bytes(name: str) -> bytes:
    return resources.files("pyvis").joinpath("lib", "vis-9.1.2", name).read_bytes()


def _package_bytes(name: str) -> bytes:
    return resources.files("journey.maps").joinpath("static", name).read_bytes()


def test_vendored_vis_network_is_pyvis_own_and_the_page_files_are_the_package_own():
    vendor = ROOT / "web" / "static" / "vendor"
    # Only third-party files are vendored; the page's own files live in the package.
    assert sorted(p.name for p in vendor.iterdir()) == [
        "README.md", "vis-network.css", "vis-network.min.js"
    ]
    for name in ("vis-network.min.js", "vis-network.css"):
        assert (vendor / name).read_bytes() == _pyvis_bytes(name), name
    readme = (vendor / "README.md").read_text(encoding="utf-8")
    assert "9.1.2" in readme and "Apache-2.0" in readme and "MIT" in readme
    assert "@version 9.1.2" in vis_script()[:400] and "Apache 2.0" in vis_script()[:1000]
    assert sorted(PAGE_FILES) == sorted(set(STATIC_FILES) - {"vis-network.min.js",
                                                              "vis-network.css"})
    assert map_script().encode("utf-8") == _package_bytes("journey-map.js")
    assert map_style().encode("utf-8") == _package_bytes("journey-map.css")


def test_the_page_files_are_package_data():
    # Wheels carry journey/maps/static/ only as package data: a namespace package
    # (found because discovery includes namespaces) whose *.js and *.css are included.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = project["tool"]["setuptools"]
    assert setuptools["packages"]["find"]["namespaces"] is True
    assert not (ROOT / "journey" / "maps" / "static" / "__init__.py").exists()
    patterns = setuptools["package-data"].get("*", []) + setuptools["package-data"].get(
        "journey.maps.static", []
    )
    assert "*.js" in patterns and "*.css" in patterns


def test_the_app_serves_the_package_files_byte_for_byte(fresh_store, tmp_path):
    from web import create_app
    from web.maps_view import blueprint

    client = create_app({"STORE": fresh_store, "TESTING": True}).test_client()
    expected = {name: _package_bytes(name) for name in PAGE_FILES}
    expected |= {name: _pyvis_bytes(name) for name in ("vis-network.min.js", "vis-network.css")}
    written = {path.name: path.read_bytes() for path in write_static_assets(tmp_path / "vendor")}
    assert sorted(expected) == sorted(STATIC_FILES) == sorted(written)
    registered = client.application.blueprints.get(blueprint.name) is blueprint
    assert registered, "create_app must register web.maps_view.blueprint"
    for name in STATIC_FILES:
        with client.get(f"/static/vendor/{name}") as response:  # streamed: close it
            assert response.status_code == 200, name
            assert response.get_data() == expected[name] == written[name], name
            kind = "text/javascript" if name.endswith(".js") else "text/css"
            assert response.mimetype == kind, name
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Cache-Control"] == "no-cache", name
            etag = response.headers["ETag"]
        with client.get(f"/static/vendor/{name}", headers={"If-None-Match": etag}) as response:
            assert response.status_code == 304, name


def test_legend_only_in_the_page_for_exports_unless_asked():
    inline = swimlane_map(FAMILY)
    linked = swimlane_map(FAMILY, assets="/static/vendor")
    assert 'class="journey-map-legend"' in inline.html
    assert 'class="journey-map-legend"' not in linked.html
    forced = swimlane_map(FAMILY, assets="/static/vendor", show_legend=True)
    assert 'class="journey-map-legend"' in forced.html


def test_network_and_pathways_of_nothing_are_empty_maps_with_a_note():
    network = network_map(FAMILY.iloc[0:0])
    assert network.nodes == [] and network.edges == [] and network.note == "No contacts to show."
    with_people = network_map(FAMILY.iloc[0:0].assign(family_id="F1"), people=PEOPLE)
    assert with_people.edges == [] and with_people.nodes == []  # no family id to match on
    pathways = pathways_map(PATHWAYS, min_transitions=10_000)
    assert pathways.nodes == [] and pathways.edges == []
    assert pathways.note == "No pathways with at least 10,000 transitions."


def test_pathways_map_with_a_fixed_layout_draws_every_agency_there():
    from journey.maps.pathways import agency_layout

    everyone = agency_layout(PATHWAYS, ["Police", "School", "Children's Social Care", "GP"])
    # A cohort with one pathway: every agency of the layout is drawn, at its place.
    cohort = PATHWAYS[PATHWAYS["from_agency"] == "School"]
    journey_map = pathways_map(cohort, positions=everyone)
    drawn = {n["agency"]: (n["x"], n["y"]) for n in journey_map.nodes}
    assert drawn == {a: (float(x), float(y)) for a, (x, y) in everyone.items()}
    on = {n["agency"] for n in journey_map.nodes if n["on_pathway"]}
    assert on == {"School", "Children's Social Care", "Police"}  # School → both
    pale = next(n for n in journey_map.nodes if n["agency"] == "GP")
    assert pale["color"]["background"] == "#e4e7eb" and "On no pathway shown" in pale["title"]
    # The same layout whatever the order the agencies come in: it is deterministic.
    assert agency_layout(PATHWAYS.iloc[::-1], ["GP", "Children's Social Care", "School",
                                                "Police"]) == everyone  # fmt: skip


def test_pathways_map_refuses_a_layout_without_an_agency_it_draws():
    with pytest.raises(InputError, match="no position for Children.s Social Care, School"):
        pathways_map(PATHWAYS, positions={"Police": (0.0, 0.0)})


def test_pathways_map_counts_hidden_pathways_between_agencies_only():
    # Raising the minimum to 41 hides Police → CSC (20), School → Police (1) and the
    # CSC repeat (40): two pathways, as the page counts them; the repeat is not one.
    journey_map = pathways_map(PATHWAYS, min_transitions=41)
    assert "2 smaller pathways hidden" in journey_map.note
