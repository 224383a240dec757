"""Intervention points: a family's best point of contact, escalation lead times, broker agencies."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journey.errors import InputError, MissingColumnError
from journey.event_log import agency_journeys
from journey.intervention import (
    SCORE_WEIGHTS,
    broker_agencies,
    escalation_lead_times,
    family_intervention_points,
    member_agency_graph,
    population_intervention,
)
from journey.pathways import flow_graph, pathways
from tests.builders import contacts_frame, lead_periods_frame, people_frame

# One family: mum, dad, child, and a baby with no contacts (4 members).
#   c1 Police          mum + dad   2021-01-01
#   c2 Police          mum         2021-02-01
#   c3 School          child       2021-03-01
#   c4 Health Visiting mum + child 2021-04-01
#   c5 School          child       2021-05-01
#   c6 School          child       2021-06-01
FAMILY = [
    ("c1", "mum", "Police", "incident", "2021-01-01"),
    ("c1", "dad", "Police", "incident", "2021-01-01"),
    ("c2", "mum", "Police", "domestic_incident", "2021-02-01"),
    ("c3", "child", "School", "school_absence", "2021-03-01"),
    ("c4", "mum", "Health Visiting", "home_visit", "2021-04-01"),
    ("c4", "child", "Health Visiting", "home_visit", "2021-04-01"),
    ("c5", "child", "School", "school_absence", "2021-05-01"),
    ("c6", "child", "School", "exclusion", "2021-06-01"),
]
PEOPLE = [("mum", "F1", "parent", "1990-01"), ("dad", "F1", "parent", "1988-05"),
          ("child", "F1", "child", "2012-03"), ("baby", "F1", "child", "2021-05"),
          ("other", "F2", "adult", "1970-01")]  # fmt: skip
THRESHOLD, ELIGIBLE = pd.Timestamp("2021-07-01"), pd.Timestamp("2021-09-01")


@pytest.fixture
def family():
    return contacts_frame(FAMILY, family_id="F1")


@pytest.fixture
def people():
    return people_frame(PEOPLE)


def test_member_agency_graph_by_hand(family):
    # mum-Police 2 contacts (c1, c2), dad-Police 1, child-School 3, mum-HV 1, child-HV 1.
    graph = member_agency_graph(family)
    assert graph.number_of_nodes() == 6 and graph.number_of_edges() == 5
    assert graph.edges[("person", "mum"), ("agency", "Police")] == {"contacts": 2, "distance": 0.5}
    assert graph.edges[("person", "child"), ("agency", "School")]["contacts"] == 3
    assert graph.nodes[("agency", "School")]["kind"] == "agency"


def test_family_ranking_with_reasons(family, people):
    # The graph is a path: dad - Police - mum - HV - child - School (6 nodes), so a
    # node with i nodes on one side and 5 - i on the other lies on i * (5 - i) of
    # the 10 pairs' paths: Police 1 * 4 / 10 = 0.4, HV 3 * 2 / 10 = 0.6, School 0.
    # Window 2021-01-01 -> 2021-07-01 = 181 days (31+28+31+30+31+30).
    # Police: 0.4 * 1 + 0.3 * 2/6 + 0.15 * 2/4 + 0.15 * 0.4 = 0.635
    # School: 0.4 * 122/181 + 0.3 * 3/6 + 0.15 * 1/4 + 0 = 0.457113...
    # HV:     0.4 * 91/181 + 0.3 * 1/6 + 0.15 * 2/4 + 0.15 * 0.6 = 0.416105...
    points = family_intervention_points(
        family, people, threshold_date=THRESHOLD, eligibility_date=ELIGIBLE
    )
    table = points.agencies
    assert table["agency"].tolist() == ["Police", "School", "Health Visiting"]
    assert table["rank"].tolist() == [1, 2, 3]
    assert table["sector"].tolist() == ["police", "education", "health"]
    assert table["contacts"].tolist() == [2, 3, 1]
    assert table["members_connected"].tolist() == [2, 1, 2]
    assert table["betweenness"].tolist() == pytest.approx([0.4, 0.0, 0.6])
    assert table["score"].tolist() == pytest.approx(
        [0.635, 0.4 * 122 / 181 + 0.1875, 0.4 * 91 / 181 + 0.215]
    )
    assert table["saw_before_threshold"].tolist() == [True, True, True]
    assert table["days_before_threshold"].tolist() == [181.0, 122.0, 91.0]
    assert table["reasons"].tolist() == [
        "first agency to see the family; saw the family 181 days before the threshold; "
        "holds 2 of 6 contacts; connects 2 of 4 members (betweenness 0.40)",
        "saw the family 122 days before the threshold; holds 3 of 6 contacts; "
        "connects 1 of 4 members (betweenness 0.00)",
        "saw the family 91 days before the threshold; holds 1 of 6 contacts; "
        "connects 2 of 4 members (betweenness 0.60)",
    ]
    assert points.window_start == pd.Timestamp("2021-01-01")
    assert points.window_end == THRESHOLD and points.window_end_event == "threshold"
    assert points.window_days == 181.0
    assert points.family_id == "F1"
    assert points.best["agency"].tolist() == ["Police", "School", "Health Visiting"]


def test_eligibility_before_the_threshold_ends_the_window(family, people):
    # Window 2021-01-01 -> 2021-03-15 = 73 days. School saw the family 14 days
    # before; HV came 17 days after (earliness 0): School 0.4 * 14/73 + 0.1875,
    # HV 0 + 0.215, Police unchanged at 0.635.
    points = family_intervention_points(
        family, people, threshold_date=THRESHOLD, eligibility_date=pd.Timestamp("2021-03-15"),
        top=2,
    )  # fmt: skip
    table = points.agencies
    assert points.window_end_event == "eligibility" and points.window_days == 73.0
    assert table["agency"].tolist() == ["Police", "School", "Health Visiting"]
    assert table["score"].tolist() == pytest.approx([0.635, 0.4 * 14 / 73 + 0.1875, 0.215])
    assert table["saw_before_threshold"].tolist() == [True, True, False]
    assert table["days_before_threshold"].tolist() == [73.0, 14.0, -17.0]
    assert table["reasons"][1].startswith(
        "saw the family 14 days before the family became eligible;"
    )
    assert "saw the family" not in table["reasons"][2]
    assert points.best["agency"].tolist() == ["Police", "School"]


def test_without_a_window_end_earliness_runs_to_the_last_contact(family):
    # No threshold or eligibility: earliness over 2021-01-01 -> 2021-06-01 (151 days);
    # members are those with contacts (3).
    # Police 0.4 + 0.1 + 0.15 * 2/3 + 0.06; School 0.4 * 92/151 + 0.15 + 0.05;
    # HV 0.4 * 61/151 + 0.05 + 0.1 + 0.09.
    points = family_intervention_points(family)
    table = points.agencies
    assert table["score"].tolist() == pytest.approx(
        [0.66, 0.4 * 92 / 151 + 0.2, 0.4 * 61 / 151 + 0.24]
    )
    assert not table["saw_before_threshold"].any()
    assert table["days_before_threshold"].isna().all()
    assert points.window_end is None and points.window_days is None
    assert table["reasons"][0] == (
        "first agency to see the family; holds 2 of 6 contacts; "
        "connects 2 of 3 members (betweenness 0.40)"
    )


def test_days_before_lead(family):
    periods = lead_periods_frame([("F1", "2021-08-01", None), ("F1", "2021-10-01", "2021-11-01"),
                                  ("F2", "2020-01-01", None)])  # fmt: skip
    points = family_intervention_points(family, lead_periods=periods)
    # 2021-01-01 -> 2021-08-01 = 212 days.
    assert points.lead_assigned == pd.Timestamp("2021-08-01") and points.days_before_lead == 212.0
    early = lead_periods_frame([("F1", "2020-12-01", None)])
    assert family_intervention_points(family, lead_periods=early).days_before_lead == 0.0
    never = family_intervention_points(family)
    # Never assigned: to the last contact (2021-06-01, 151 days) or to as_of.
    assert never.lead_assigned is None and never.days_before_lead == 151.0
    later = family_intervention_points(family, as_of=pd.Timestamp("2021-12-31"))
    assert later.days_before_lead == 364.0


def test_equal_candidates_rank_by_name():
    rows = [("a", "p", "Police", "incident", "2021-01-01"), ("b", "p", "GP", "appointment",
                                                             "2021-01-01")]  # fmt: skip
    points = family_intervention_points(contacts_frame(rows, family_id="F9"))
    assert points.agencies["agency"].tolist() == ["GP", "Police"]
    assert points.agencies["score"][0] == points.agencies["score"][1]


def test_family_input_is_checked(family):
    two = pd.concat([family, family.assign(family_id="F2")])
    with pytest.raises(InputError):
        family_intervention_points(two)
    with pytest.raises(MissingColumnError):
        family_intervention_points(family.drop(columns="person_id"))
    empty = family_intervention_points(family.iloc[0:0])
    assert empty.agencies.empty and empty.window_start is None


def test_family_points_do_not_mutate_inputs(family, people):
    before, people_before = family.copy(), people.copy()
    family_intervention_points(family, people, threshold_date=THRESHOLD)
    pd.testing.assert_frame_equal(family, before)
    pd.testing.assert_frame_equal(people, people_before)


def test_score_weights_sum_to_one():
    assert sum(SCORE_WEIGHTS.values()) == pytest.approx(1.0)


# -- escalation lead times ---------------------------------------------------------------
# F1: School (mum and child) 01-01, Police 01-11, Children's Social Care 01-21 -> escalates
# F2: Police 01-01, Police 01-05, Children's Social Care 02-10 -> escalates
# F3: School 01-01, GP 01-20, Police 03-01 (day 59)
# F4: GP 01-01, School 03-01 (day 59)
POPULATION = [
    ("a1", "mum", "School", "school_absence", "2021-01-01", None, "F1"),
    ("a1", "kid", "School", "school_absence", "2021-01-01", None, "F1"),
    ("a2", "mum", "Police", "incident", "2021-01-11", None, "F1"),
    ("a3", "kid", "Children's Social Care", "referral", "2021-01-21", None, "F1"),
    ("b1", "dad", "Police", "incident", "2021-01-01", None, "F2"),
    ("b2", "dad", "Police", "incident", "2021-01-05", None, "F2"),
    ("b3", "dad", "Children's Social Care", "assessment", "2021-02-10", None, "F2"),
    ("d1", "gran", "School", "school_absence", "2021-01-01", None, "F3"),
    ("d2", "gran", "GP", "appointment", "2021-01-20", None, "F3"),
    ("d3", "gran", "Police", "incident", "2021-03-01", None, "F3"),
    ("e1", "son", "GP", "appointment", "2021-01-01", None, "F4"),
    ("e2", "son", "School", "school_absence", "2021-03-01", None, "F4"),
]
LEAD_COLUMNS = ["agency", "escalating_families", "seen_first", "share_seen_first", "saw_before",
                "share_saw_before", "median_lead_days", "median_lead_first_days",
                "non_escalating_families",
                "non_escalating_families_seen", "lift"]  # fmt: skip


@pytest.fixture
def population():
    return contacts_frame(POPULATION)


def test_escalation_lead_times_by_hand(population):
    # Windows before escalation: F1 20 days, F2 40 days -> comparison window 30 days.
    # Seen first: F1 School, F2 Police. Any contact before: Police F1 (10 days
    # before) and F2 (40 days) -> median 25; School F1 (20 days).
    # Non-escalating families in their first 30 days: F3 School, GP; F4 GP.
    # Lift: Police (2/2) / (0/2) -> NaN; School (1/2) / (1/2) = 1; GP 0 / (2/2) = 0.
    # Lead of those seen first: Police F2 40 days, School F1 20 days.
    table = escalation_lead_times(population)
    assert list(table.columns) == LEAD_COLUMNS
    nan = float("nan")
    expected = pd.DataFrame(
        [
            ("Police", 2, 1, 0.5, 2, 1.0, 25.0, 40.0, 2, 0, nan),
            ("School", 2, 1, 0.5, 1, 0.5, 20.0, 20.0, 2, 1, 1.0),
            ("Children's Social Care", 2, 0, 0.0, 0, 0.0, nan, nan, 2, 0, nan),
            ("GP", 2, 0, 0.0, 0, 0.0, nan, nan, 2, 2, 0.0),
        ],
        columns=LEAD_COLUMNS,
    )
    pd.testing.assert_frame_equal(table, expected, check_dtype=False)
    assert table.attrs["parameters"]["comparison_days"] == 30.0
    assert "social care" in table.attrs["parameters"]["escalation"]


def test_a_longer_comparison_window_changes_the_lift(population):
    # First 60 days: F3 School, GP, Police (day 59); F4 GP, School (day 59).
    # Police (2/2) / (1/2) = 2; School (1/2) / (2/2) = 0.5.
    table = escalation_lead_times(population, comparison_days=60).set_index("agency")
    assert table.loc["Police", "lift"] == 2.0 and table.loc["School", "lift"] == 0.5
    assert table.loc["Police", "non_escalating_families_seen"] == 1


def test_escalation_can_be_overridden(population):
    # Escalation = first GP contact: F3 on day 19 (School saw it first, 19 days
    # before), F4 on its first contact. Comparison window median(19, 0) = 9.5 days:
    # F1 School (Police is day 10), F2 Police.
    by_callable = escalation_lead_times(population, escalation=lambda c: c["agency"] == "GP")
    table = by_callable.set_index("agency")
    assert table.loc["School", ["seen_first", "saw_before", "median_lead_days"]].tolist() == [
        1, 1, 19.0,
    ]  # fmt: skip
    assert table.loc["School", "lift"] == 1.0 and table.loc["Police", "lift"] == 0.0
    assert by_callable.attrs["parameters"]["comparison_days"] == 9.5
    flags = population["agency"].eq("GP").iloc[::-1]  # aligned on the index, not position
    pd.testing.assert_frame_equal(escalation_lead_times(population, escalation=flags), by_callable)
    with pytest.raises(InputError):
        escalation_lead_times(population, escalation=np.array([True, False]))
    with pytest.raises(MissingColumnError):
        escalation_lead_times(population.drop(columns="sector"))


def test_no_escalation_gives_nan_shares(population):
    table = escalation_lead_times(population, escalation=lambda c: c["agency"] == "Nobody")
    assert (table["escalating_families"] == 0).all() and (table["seen_first"] == 0).all()
    assert table["share_seen_first"].isna().all() and table["lift"].isna().all()


def test_escalation_lead_times_do_not_depend_on_row_order(population):
    shuffled = population.sample(frac=1, random_state=5)
    pd.testing.assert_frame_equal(
        escalation_lead_times(population), escalation_lead_times(shuffled)
    )


# -- broker agencies ---------------------------------------------------------------------


def test_brokers_use_transitions_as_closeness():
    # A->B->C is busy (10 each), A->D->C quiet (1 each): with distance 1/transitions
    # the shortest A->C path runs through B only. Directed normalisation (4-1)(4-2) = 6.
    flow = nx.DiGraph()
    for source, target, n in [("A", "B", 10), ("B", "C", 10), ("A", "D", 1), ("D", "C", 1),
                              ("C", "C", 50)]:  # fmt: skip
        flow.add_edge(source, target, transitions=n)
    table = broker_agencies(flow).set_index("agency")
    assert table.loc["B", "betweenness"] == pytest.approx(1 / 6)
    assert table.loc["D", "betweenness"] == 0.0
    assert table.loc["C", "in_transitions"] == 11  # the self-loop is dropped
    assert table.loc["A", "out_transitions"] == 11
    assert broker_agencies(flow)["agency"].iloc[0] == "B"


def test_pagerank_of_a_chain_by_hand():
    # P -> E -> S, S dangling (spreads evenly). With d = 0.85 and s = PR(S):
    # P = 0.05 + 0.85 s/3, E = 0.05 + 0.85 (P + s/3), S = 0.05 + 0.85 (E + s/3)
    # -> s (1 - 0.72887) = 0.128625, s = 0.4744, E = 0.3412, P = 0.1844.
    flow = nx.DiGraph()
    flow.add_edge("P", "E", transitions=5)
    flow.add_edge("E", "S", transitions=4)
    table = broker_agencies(flow).set_index("agency")
    assert table["pagerank"].to_dict() == pytest.approx(
        {"P": 0.18440, "E": 0.34115, "S": 0.47445}, abs=1e-4
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABCDE"), st.sampled_from("ABCDE"),
                          st.integers(1, 20)), min_size=1, max_size=12))  # fmt: skip
def test_pagerank_satisfies_its_definition(edges):
    # PR(v) = (1 - d)/n + d * (sum over u->v of PR(u) w(u, v) / out(u)
    #                          + sum over dangling u of PR(u) / n), summing to 1.
    flow = nx.DiGraph()
    for source, target, n in edges:
        flow.add_edge(source, target, transitions=n)
    table = broker_agencies(flow).set_index("agency")
    rank = table["pagerank"].to_dict()
    graph = nx.DiGraph(flow)
    graph.remove_edges_from(nx.selfloop_edges(graph))
    n, d = len(rank), 0.85
    out = {u: sum(w for _, _, w in graph.out_edges(u, data="transitions")) for u in graph}
    dangling = sum(rank[u] for u in graph if out[u] == 0)
    for v in graph:
        inflow = sum(rank[u] * w / out[u] for u, _, w in graph.in_edges(v, data="transitions"))
        assert rank[v] == pytest.approx((1 - d) / n + d * (inflow + dangling / n), abs=1e-9)
    assert sum(rank.values()) == pytest.approx(1.0)


def test_brokers_of_an_empty_flow():
    assert broker_agencies(nx.DiGraph()).empty


# -- the bundle ----------------------------------------------------------------------------


def test_population_intervention_bundles_both(population):
    points = population_intervention(population)
    pd.testing.assert_frame_equal(points.agencies, escalation_lead_times(population))
    flow = flow_graph(pathways(population))
    pd.testing.assert_frame_equal(points.brokers, broker_agencies(flow))
    assert points.parameters["comparison_days"] == 30.0
    reused = population_intervention(population, journeys=agency_journeys(population), flow=flow)
    pd.testing.assert_frame_equal(reused.agencies, points.agencies)
    pd.testing.assert_frame_equal(reused.brokers, points.brokers)
