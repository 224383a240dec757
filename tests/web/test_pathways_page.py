"""The pathways page's default minimum (a readable map on a busy population) and share formatting.

The busy population: ten agencies, and families whose whole journey is two
contacts ten days apart, so each family adds exactly one transition.

* 38 pathways between two different agencies taken by 3 families each,
* 5 more taken by 2 families each,
* 10 more taken by 1 family each: 53 pathways between agencies in all,
* and 5 agencies each seen twice in a row by 5 families (A→A, 5 transitions):
  the map does not draw these, so they must not count towards the 40.

By hand: at minimum 1 the map would show 38 + 5 + 10 = 53 > 40 pathways; at 2,
38 + 5 = 43 > 40; at 3, 38 <= 40. So the default minimum is 3, showing 38 of 53.
(Counting the 5 self-transitions too would give 43 at 3 and wrongly choose 4.)
"""

from __future__ import annotations

import doctest
import itertools

import pandas as pd
import pytest

from graph_loader.stores import open_store
from tests.builders import contacts_frame, lead_periods_frame, people_frame
from tests.web.population import analyse_into, write_population
from tests.web.signin import signed_in_client
from web.app import create_app
from web.contexts.pathways import default_min_transitions
from web.render import _format_percent

AGENCIES = [
    "Police",
    "School",
    "Education Welfare",
    "GP",
    "Health Visiting",
    "School Nursing",
    "Hospital",
    "Midwifery",
    "CAMHS",
    "Early Help",
]
PAIRS = list(itertools.permutations(AGENCIES, 2))
FAMILIES_PER_PAIR = [3] * 38 + [2] * 5 + [1] * 10
LOOPS = AGENCIES[:5]
FAMILIES_PER_LOOP = 5


def _busy_population() -> dict:
    journeys = [
        pair
        for pair, families in zip(PAIRS, FAMILIES_PER_PAIR, strict=False)
        for _ in range(families)
    ]
    journeys += [(agency, agency) for agency in LOOPS for _ in range(FAMILIES_PER_LOOP)]
    rows, people = [], []
    for n, (first, then) in enumerate(journeys):
        family, child = f"B{n:03d}", f"B{n:03d}-kid"
        rows.append((f"{family}-1", child, first, "appointment", "2022-03-01 09:00", None, family))
        rows.append((f"{family}-2", child, then, "appointment", "2022-03-11 09:00", None, family))
        people.append((child, family, "child", "2012-05"))
    families = people_frame(people)[["family_id"]].assign(area="North")
    return {
        "contacts": contacts_frame(rows),
        "people": people_frame(people),
        "families": families,
        "lead_periods": lead_periods_frame([]),
    }


@pytest.fixture(scope="module")
def busy_client(tmp_path_factory):
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('busy') / 'journey.db'}")
    write_population(store, _busy_population())
    analyse_into(store)
    yield signed_in_client(create_app({"STORE": store, "TESTING": True}))
    store.close()


def test_the_busy_population_has_the_pathways_worked_out_by_hand(busy_client):
    body = busy_client.get("/pathways.json?min_transitions=1&collapse_repeats=0").get_json()
    assert sorted(t["transitions"] for t in body["transitions"]) == sorted(FAMILIES_PER_PAIR)
    assert all(t["from_agency"] != t["to_agency"] for t in body["transitions"])
    assert [t["transitions"] for t in body["repeats"]] == [FAMILIES_PER_LOOP] * len(LOOPS)
    assert all(t["from_agency"] == t["to_agency"] for t in body["repeats"])


def test_collapsing_repeats_drops_exactly_the_repeats(busy_client):
    kept = busy_client.get("/pathways.json?min_transitions=1&collapse_repeats=0").get_json()
    merged = busy_client.get("/pathways.json?min_transitions=1&collapse_repeats=1").get_json()
    assert merged["collapse_repeats"] is True and kept["collapse_repeats"] is False
    assert merged["transitions"] == kept["transitions"] and merged["repeats"] == []
    # Repeats merged is the page's default.
    assert busy_client.get("/pathways.json?min_transitions=1").get_json() == merged


def test_without_a_minimum_the_page_shows_the_strongest_pathways_only(busy_client):
    body = busy_client.get("/pathways.json?collapse_repeats=0").get_json()
    assert body["min_transitions"] == 3
    assert body["min_transitions_default"] is True
    assert (body["pathways_shown"], body["pathways_total"]) == (38, 53)
    # The tables keep every transition seen 3 times or more: 38 pathways and the 5 repeats.
    assert (len(body["transitions"]), len(body["repeats"])) == (38, 5)
    assert min(t["transitions"] for t in body["transitions"] + body["repeats"]) == 3
    map_url = "/pathways/map.html?cohort=all&until=end&collapse_repeats=0&min_transitions=3"
    assert body["map"]["url"] == map_url
    html = busy_client.get("/pathways?collapse_repeats=0").get_data(as_text=True)
    assert f'src="{map_url.replace("&", "&amp;")}"' in html
    # The form carries no minimum the user did not type: another cohort gets its own default.
    assert 'name="min_transitions" type="number" min="1" inputmode="numeric" value=""' in html
    assert "Empty: the strongest 40 are shown (now those seen 3 times or more)." in html
    sentence = " ".join(html[html.index("Showing the") :].split())
    assert sentence.startswith(
        "Showing the 38 pathways seen at least 3 times (the strongest, at most 40); "
        '<a href="/pathways?cohort=all&amp;until=end&amp;collapse_repeats=0&amp;min_transitions=1">'
        "set the minimum to 1</a> to see all 53."
    )


def test_the_map_document_draws_the_default_minimum(busy_client):
    for url in (
        "/pathways/map.html?cohort=all&min_transitions=3",
        "/pathways/map.html?cohort=all",
    ):
        document = busy_client.get(url).get_data(as_text=True)
        assert document.count('"id": "flow-') == 38, url
    document = busy_client.get("/pathways/map.html?cohort=all&min_transitions=1").get_data(
        as_text=True
    )
    assert document.count('"id": "flow-') == 53


def test_an_explicit_minimum_of_one_shows_everything(busy_client):
    body = busy_client.get("/pathways.json?min_transitions=1&collapse_repeats=0").get_json()
    assert body["min_transitions"] == 1
    assert body["min_transitions_default"] is False
    assert (body["pathways_shown"], body["pathways_total"]) == (53, 53)
    assert (len(body["transitions"]), len(body["repeats"])) == (53, 5)
    assert body["map"]["url"] == (
        "/pathways/map.html?cohort=all&until=end&collapse_repeats=0&min_transitions=1"
    )
    html = busy_client.get("/pathways?min_transitions=1").get_data(as_text=True)
    assert "Showing the" not in html
    assert 'inputmode="numeric" value="1"' in html


def test_an_explicit_minimum_is_kept_even_when_it_shows_more_than_40(busy_client):
    body = busy_client.get("/pathways.json?min_transitions=2").get_json()
    assert (body["min_transitions"], body["min_transitions_default"]) == (2, False)
    assert body["pathways_shown"] == 38 + 5


def test_a_quiet_population_keeps_every_pathway_by_default(client, store):
    # The shared web population has far fewer than 40 pathways: nothing to thin out.
    pathways = store.result("pathways")
    everyone = pathways[pathways["cohort"] == "all"]
    body = client.get("/pathways.json").get_json()
    assert body["min_transitions"] == 1 and body["min_transitions_default"] is True
    assert (
        body["pathways_shown"]
        == body["pathways_total"]
        == int((everyone["from_agency"] != everyone["to_agency"]).sum())
    )
    assert "Showing the" not in client.get("/pathways").get_data(as_text=True)


def _slow_default(counts: list[int], most: int) -> int:
    # The definition, literally: the smallest m >= 1 leaving at most `most` counts >= m.
    m = 1
    while sum(c >= m for c in counts) > most:
        m += 1
    return m


@pytest.mark.parametrize(
    "counts",
    [[], [1], [5, 5, 5], [9, 4, 4, 1], [3, 3, 3, 3, 2, 2, 1], list(range(1, 30)), [7] * 12],
)
@pytest.mark.parametrize("most", [1, 2, 3, 10])
def test_default_minimum_matches_its_definition(counts, most):
    agencies = [f"A{i}" for i in range(len(counts) + 1)]
    flows = pd.DataFrame(
        {
            "from_agency": agencies[:-1] + ["A0"],
            "to_agency": agencies[1:] + ["A0"],  # the last row is a loop, never counted
            "transitions": counts + [1000],
        }
    )
    assert default_min_transitions(flows, most=most) == _slow_default(counts, most)


def test_pathways_context_examples_pass():
    import web.contexts.pathways as module

    failures, tried = doctest.testmod(module)
    assert tried > 0 and failures == 0


@pytest.mark.parametrize(
    ("share", "shown"),
    [
        (0, "0%"),
        (0.0, "0%"),
        (0.0004, "<0.1%"),  # 0.04%: not zero, too small for one decimal place
        (0.0005, "0.1%"),
        (0.003, "0.3%"),
        (6 / 1947, "0.3%"),  # the 6 families of 1,947 that used to read "0%"
        (0.044, "4.4%"),
        (0.0999, "10%"),  # 9.99% rounds to 10.0: shown without the decimal
        (0.0994, "9.9%"),
        (0.1, "10%"),
        (0.12, "12%"),
        (1.0, "100%"),
        (None, "—"),
        (float("nan"), "—"),
    ],
)
def test_shares_have_a_decimal_place_under_ten_percent(share, shown):
    assert _format_percent(share) == shown


def test_the_variants_table_shows_small_shares(busy_client):
    # 38 * 3 + 5 * 2 + 10 + 5 * 5 = 159 families; a variant is a family's agency sequence,
    # so each of the 5 two-family pathways is 2 of 159 = 1.26%: "1.3%", never "1%".
    # The 10 one-family variants are folded into one sentence, not ranked.
    html = busy_client.get("/pathways?variants=500&collapse_repeats=0").get_data(as_text=True)
    assert '<td class="num">1.3%</td>' in html
    assert '<td class="num">0%</td>' not in html
    assert "10 variants are each followed by one family only" in html


# -- the views, on the shared web population (tests/web/population.py) --------------
# F004 is the one family that escalates: Police on 1 Mar 2022, then a social care
# referral 4 days later (its escalation) and an assessment. Up to the escalation its
# journey is Police → Children's Social Care; the repeat with social care comes after
# and is cut. The population has 4 families with contacts.

CSC = "Children's Social Care"


@pytest.mark.parametrize("cohort", ["all", "escalated"])
def test_up_to_the_escalation_keeps_escalated_families_cut_at_the_escalation(client, cohort):
    body = client.get(
        f"/pathways.json?cohort={cohort}&until=escalation&collapse_repeats=0"
    ).get_json()
    assert (body["until"], body["collapse_repeats"]) == ("escalation", False)
    assert body["families"] == 1
    assert body["cohort_families"] == (4 if cohort == "all" else 1)
    assert [(t["from_agency"], t["to_agency"], t["transitions"], t["median_days"])
            for t in body["transitions"]] == [("Police", CSC, 1, 4.0)]  # fmt: skip
    assert body["repeats"] == []  # the second social care contact is after the escalation
    assert body["ends"] == [
        {"agency": "Police", "starts": 1, "ends": 0},
        {"agency": CSC, "starts": 0, "ends": 1},
    ]
    assert body["step_part"] == "last_steps" and body["steps"] == 3
    # One family: its variant is counted, never ranked.
    assert (body["variants"], body["one_family_variants"]) == ([], 1)
    whole = client.get("/pathways.json?cohort=escalated&collapse_repeats=0").get_json()
    assert [(t["from_agency"], t["to_agency"]) for t in whole["repeats"]] == [(CSC, CSC)]
    html = " ".join(client.get(
        f"/pathways?cohort={cohort}&until=escalation&collapse_repeats=0"
    ).get_data(as_text=True).split())  # fmt: skip
    expected = 4 if cohort == "all" else 1
    assert (
        f"Families that never escalated are left out: 1 of the cohort's {expected} "
        f"{'families' if expected > 1 else 'family'} escalated."
    ) in html
    assert "How families reach the escalation: the last 3 steps" in html
    assert '<option value="escalation" selected>' in html


def test_a_cohort_that_never_escalated_has_an_empty_escalation_view(client):
    response = client.get("/pathways.json?cohort=high_contact&until=escalation")
    body = response.get_json()
    assert response.status_code == 200
    assert (body["families"], body["cohort_families"]) == (0, 1)
    assert body["transitions"] == body["repeats"] == body["ends"] == body["variants"] == []
    html = client.get("/pathways?cohort=high_contact&until=escalation").get_data(as_text=True)
    assert "No journeys in this view." in html
    assert "0 of the cohort's 1 family escalated" in " ".join(html.split())


def test_whole_journeys_list_their_first_steps(client):
    body = client.get("/pathways.json?collapse_repeats=1").get_json()
    assert body["step_part"] == "first_steps"
    html = client.get("/pathways").get_data(as_text=True)
    assert "How journeys begin: the first 3 steps" in html
    assert "Repeats are merged into one step in this view, so there are none" in html


@pytest.mark.parametrize(
    ("name", "value", "default_shown"),
    [
        ("cohort", "everyone", '<option value="all" selected>'),
        ("until", "tomorrow", '<option value="end" selected>'),
        ("collapse_repeats", "maybe", '<option value="1" selected>'),
        ("min_transitions", "0", 'inputmode="numeric" value=""'),
        ("min_transitions", "few", 'inputmode="numeric" value=""'),
    ],
)
def test_a_bad_value_is_shown_beside_its_field(client, name, value, default_shown):
    response = client.get(f"/pathways?{name}={value}&cohort=escalated"
                          if name != "cohort" else f"/pathways?cohort={value}")  # fmt: skip
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{name}-error"' in html
    assert f"Query parameter &#39;{name}&#39; is &#39;{value}&#39;" in html
    field = html[html.index(f'id="{name}"') : html.index(f'id="{name}-error"')]
    assert 'aria-invalid="true"' in field and f"{name}-error" in field
    assert default_shown in html
    # The JSON twin keeps its 400, naming the parameter.
    twin = client.get(f"/pathways.json?{name}={value}")
    assert twin.status_code == 400
    assert name in twin.get_json()["message"]


def test_the_map_document_takes_the_view(client):
    document = client.get(
        "/pathways/map.html?cohort=all&until=escalation&collapse_repeats=0&min_transitions=1"
    ).get_data(as_text=True)
    assert document.count('"id": "flow-') == 1  # Police → social care, up to the escalation
    assert "families that escalated" not in document and "up to the escalation" in document
    assert client.get("/pathways/map.html?until=later").status_code == 400


def test_the_page_names_the_commonest_pathway_above_the_map(busy_client):
    # Busy population, repeats kept: every journey is two contacts, so its first three steps
    # are the whole journey. The commonest are the five repeats A → A (5 families each, of
    # 159: 3.1%), ahead of the 38 pathways taken by 3 families.
    body = busy_client.get("/pathways.json?collapse_repeats=0").get_json()
    first = body["step_variants"][0]
    html = " ".join(busy_client.get("/pathways?collapse_repeats=0").get_data(as_text=True).split())
    assert first["families"] == FAMILIES_PER_LOOP  # the repeats: 5 families each
    assert (
        f'<strong>The commonest beginning:</strong> <span class="variant">{first["variant"]}'
        f'</span> (5 families, 3.1%'
    ) in html
    assert html.index("The commonest beginning") < html.index('class="map-frame')
    assert (
        "each is a step from that agency to itself. "
        '<a href="/pathways?cohort=all&amp;until=escalation&amp;collapse_repeats=0">'
        "Show these journeys up to the escalation</a>"
    ) in html
    assert "escalated. Repeat contacts" in " ".join(busy_client.get(
        "/pathways?until=escalation"
    ).get_data(as_text=True).split())  # fmt: skip


def test_a_bad_number_of_variants_is_said_and_the_first_20_shown(busy_client):
    response = busy_client.get("/pathways?variants=501&collapse_repeats=0")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="variants-error"' in html and "Showing the first 20 variants." in html
    assert html.count('<td class="variant">') == 20 + 20  # first steps and whole variants
    good = busy_client.get("/pathways?variants=3&collapse_repeats=0").get_data(as_text=True)
    assert good.count('<td class="variant">') == 3 + 3
    assert 'name="variants" value="3"' in good  # kept when the form is sent again
    assert busy_client.get("/pathways.json?variants=501").status_code == 400


def test_a_store_analysed_before_the_views_asks_for_a_new_analysis(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'journey.db'}")
    try:
        write_population(store, _busy_population())
        analyse_into(store)
        frames = {name: store.result(name) for name in ("family_summary", "pathways",
                                                         "pathway_ends", "variants")}  # fmt: skip
        store.save_results(frames, store.results_meta())  # as an older run stored them
        client = signed_in_client(create_app({"STORE": store, "TESTING": True}))
        response = client.get("/pathways.json")
        assert response.status_code == 503
        assert "older version" in response.get_json()["message"]
        assert "run `journey analyse` again" in response.get_json()["message"]
        assert client.get("/pathways/map.html").status_code == 503
    finally:
        store.close()
