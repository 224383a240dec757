"""Typical pathways: hand-worked journeys, a slow obvious reference, and properties."""

from __future__ import annotations

from collections import Counter, defaultdict

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from journey import sequences
from journey.arrays import DAY_NS
from journey.errors import InputError, MissingColumnError
from journey.event_log import agency_journeys
from journey.pathways import (
    ENDS_COLUMNS,
    PATHWAY_COLUMNS,
    VARIANT_COLUMNS,
    cohort_pathways,
    flow_graph,
    pathway_ends,
    pathways,
    variants,
)
from tests.builders import contacts_frame

# Two families worked by hand below.
#   F1: c1 Police (mum and son: two rows, one contact)  2021-01-01
#       c2 Police (mum)                                  2021-01-05
#       c4 GP (mum) and c3 School (son), both at        2021-01-10 09:00 -> c3 before c4
#   F2: c5 Police 2021-02-01, c6 School 2021-02-03
#   F3: c7 Police 2021-03-01, c8 School 2021-03-02
# Journeys: F1 Police, Police, School, GP; F2 Police, School; F3 Police, School.
ROWS = [
    ("c1", "mum", "Police", "incident", "2021-01-01", None, "F1"),
    ("c4", "mum", "GP", "appointment", "2021-01-10 09:00", None, "F1"),
    ("c1", "son", "Police", "incident", "2021-01-01", None, "F1"),
    ("c2", "mum", "Police", "incident", "2021-01-05", None, "F1"),
    ("c3", "son", "School", "school_absence", "2021-01-10 09:00", None, "F1"),
    ("c6", "dad", "School", "school_absence", "2021-02-03", None, "F2"),
    ("c5", "dad", "Police", "incident", "2021-02-01", None, "F2"),
    ("c7", "kid", "Police", "incident", "2021-03-01", None, "F3"),
    ("c8", "kid", "School", "school_absence", "2021-03-02", None, "F3"),
]


@pytest.fixture
def contacts():
    return contacts_frame(ROWS)


def rows_of(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(r) for r in frame.itertuples(index=False)]


def test_pathways_by_hand(contacts):
    # Police->Police: F1 c1->c2, 4 days.
    # Police->School: F1 c2->c3 (5 d 9 h = 5.375 d), F2 2 d, F3 1 d -> 3 transitions,
    #   3 families, median 2.0.
    # School->GP: F1 c3->c4 at the same time (tie broken by contact id c3 < c4), 0 d.
    # Sum 4 = (4 - 1) + (2 - 1) + (2 - 1) contacts minus one per family.
    assert rows_of(pathways(contacts)) == [
        ("Police", "School", 3, 3, 2.0),
        ("Police", "Police", 1, 1, 4.0),
        ("School", "GP", 1, 1, 0.0),
    ]
    assert list(pathways(contacts).columns) == PATHWAY_COLUMNS


def test_collapse_repeats_only_drops_self_loops(contacts):
    # F1 becomes Police, School, GP; Police->School is measured from c2, the
    # last police contact, so its days do not change.
    assert rows_of(pathways(contacts, collapse_repeats=True)) == [
        ("Police", "School", 3, 3, 2.0),
        ("School", "GP", 1, 1, 0.0),
    ]


def test_ties_break_by_contact_id_as_text():
    # Same family, same time: "c10" sorts before "c9" as text, so School comes first.
    rows = [
        ("c9", "p1", "Police", "incident", "2021-01-01", None, "F1"),
        ("c10", "p1", "School", "school_absence", "2021-01-01", None, "F1"),
        ("c11", "p1", "GP", "appointment", "2021-01-02", None, "F1"),
    ]
    frame = contacts_frame(rows)
    assert rows_of(pathways(frame)) == [
        ("Police", "GP", 1, 1, 1.0),
        ("School", "Police", 1, 1, 0.0),
    ]
    assert variants(frame)["variant"].tolist() == ["School → Police → GP"]


def test_multi_person_contact_inside_a_tie_is_counted_once():
    # x2 (Police, two members) and x1 (School) at the same time: x1 first, x2 once.
    rows = [
        ("x2", "p1", "Police", "incident", "2021-01-01", None, "F1"),
        ("x1", "p1", "School", "school_absence", "2021-01-01", None, "F1"),
        ("x2", "p2", "Police", "incident", "2021-01-01", None, "F1"),
    ]
    assert rows_of(pathways(contacts_frame(rows))) == [("School", "Police", 1, 1, 0.0)]


def test_pathway_ends_by_hand(contacts):
    # Starts: Police 3. Ends: School 2 (F2, F3), GP 1 (F1).
    assert rows_of(pathway_ends(contacts)) == [("Police", 3, 0), ("School", 0, 2), ("GP", 0, 1)]
    assert list(pathway_ends(contacts).columns) == ENDS_COLUMNS


def test_variants_by_hand(contacts):
    # F2 and F3 share Police -> School; F1 is Police, Police, School, GP.
    assert rows_of(variants(contacts)) == [
        ("Police → School", 2, 2, 2 / 3),
        ("Police → Police → School → GP", 4, 1, 1 / 3),
    ]
    assert rows_of(variants(contacts, collapse_repeats=True)) == [
        ("Police → School", 2, 2, 2 / 3),
        ("Police → School → GP", 3, 1, 1 / 3),
    ]
    assert list(variants(contacts).columns) == VARIANT_COLUMNS


def test_functions_do_not_mutate_their_input(contacts):
    before = contacts.copy()
    pathways(contacts)
    variants(contacts, collapse_repeats=True)
    pathway_ends(contacts)
    cohort_pathways(contacts, {"all": ["F1", "F2", "F3"]})
    pd.testing.assert_frame_equal(contacts, before)


def test_shared_journeys_give_the_same_answers(contacts):
    journeys = agency_journeys(contacts)
    pd.testing.assert_frame_equal(pathways(journeys), pathways(contacts))
    pd.testing.assert_frame_equal(variants(journeys), variants(contacts))
    assert journeys.n_families == 3


def test_parameters_are_recorded(contacts):
    collapsed = pathways(contacts, collapse_repeats=True)
    assert collapsed.attrs["parameters"] == {"collapse_repeats": True}
    assert variants(contacts).attrs["parameters"] == {"collapse_repeats": False}


def test_empty_contacts_give_empty_frames(contacts):
    empty = contacts.iloc[0:0]
    assert pathways(empty).empty and list(pathways(empty).columns) == PATHWAY_COLUMNS
    assert variants(empty).empty and list(variants(empty).columns) == VARIANT_COLUMNS
    assert pathway_ends(empty).empty


def test_missing_column_and_missing_values_are_refused(contacts):
    with pytest.raises(MissingColumnError):
        pathways(contacts.drop(columns="contact_id"))
    broken = contacts.copy()
    broken.loc[0, "family_id"] = None
    with pytest.raises(InputError):
        pathways(broken)


def test_flow_graph_keeps_or_drops_self_loops(contacts):
    frame = pathways(contacts)
    graph = flow_graph(frame)
    assert isinstance(graph, nx.DiGraph)
    assert graph.edges["Police", "School"] == {"transitions": 3, "families": 3, "median_days": 2.0}
    assert graph.has_edge("Police", "Police")
    assert not flow_graph(frame, self_loops=False).has_edge("Police", "Police")
    assert graph.graph["parameters"] == {"collapse_repeats": False, "self_loops": True}


def test_cohort_pathways_equal_pathways_of_the_cohort(contacts):
    cohorts = {"all": ["F1", "F2", "F3"], "first": {"F1"}, "none": [], "unknown": ["F9"]}
    flows, ends, journeys = cohort_pathways(contacts, cohorts)
    assert flows.columns[0] == ends.columns[0] == journeys.columns[0] == "cohort"
    first = contacts[contacts["family_id"] == "F1"]
    mine = flows[flows["cohort"] == "first"].drop(columns="cohort").reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, pathways(first), check_like=False)
    mine_variants = journeys[journeys["cohort"] == "first"].drop(columns="cohort")
    assert rows_of(mine_variants) == [("Police → Police → School → GP", 4, 1, 1.0)]
    assert set(flows["cohort"]) == {"all", "first"}  # empty cohorts add no rows
    assert flows.attrs["parameters"]["cohorts"] == ["all", "first", "none", "unknown"]


# -- a slow, obvious reference ----------------------------------------------------------


def reference_journeys(contacts: pd.DataFrame) -> dict:
    once = contacts.drop_duplicates(["family_id", "contact_id"])
    once = once.sort_values(["family_id", "occurred_at", "contact_id"], kind="mergesort")
    return {
        family: list(zip(group["agency"], group["occurred_at"], strict=True))
        for family, group in once.groupby("family_id", sort=True)
    }


def reference_pathways(contacts: pd.DataFrame, collapse: bool) -> pd.DataFrame:
    counts, families, gaps = Counter(), defaultdict(set), defaultdict(list)
    for family, steps in reference_journeys(contacts).items():
        for (a, t), (b, u) in zip(steps, steps[1:], strict=False):
            if collapse and a == b:
                continue
            counts[a, b] += 1
            families[a, b].add(family)
            gaps[a, b].append((u - t) / pd.Timedelta(days=1))
    records = [
        (a, b, counts[a, b], len(families[a, b]), float(np.median(gaps[a, b]))) for a, b in counts
    ]
    frame = pd.DataFrame(records, columns=PATHWAY_COLUMNS)
    return frame.sort_values(
        ["transitions", "from_agency", "to_agency"], ascending=[False, True, True]
    ).reset_index(drop=True)


def reference_variants(contacts: pd.DataFrame, collapse: bool) -> pd.DataFrame:
    sequences = []
    for steps in reference_journeys(contacts).values():
        names = [a for a, _ in steps]
        if collapse:
            names = [a for i, a in enumerate(names) if i == 0 or names[i - 1] != a]
        sequences.append(" → ".join(names) + "\x00" + str(len(names)))
    counts = Counter(sequences)
    records = [
        (key.split("\x00")[0], int(key.split("\x00")[1]), n, n / len(sequences))
        for key, n in counts.items()
    ]
    frame = pd.DataFrame(records, columns=VARIANT_COLUMNS)
    return frame.sort_values(
        ["families", "variant", "length"], ascending=[False, True, True]
    ).reset_index(drop=True)


def reference_ends(contacts: pd.DataFrame) -> dict:
    journeys = reference_journeys(contacts).values()
    starts = Counter(steps[0][0] for steps in journeys)
    ends = Counter(steps[-1][0] for steps in journeys)
    return {a: (starts[a], ends[a]) for a in set(starts) | set(ends) | set(contacts["agency"])}


# Names chosen to exercise label ordering: "School" is a prefix of "School Nursing".
AGENCY_NAMES = ["Police", "School", "School Nursing", "GP", "Early Help"]


@st.composite
def populations(draw, agencies=AGENCY_NAMES):
    """Small populations with ties in time, multi-person contacts and shuffled rows."""
    n_families = draw(st.integers(1, 5))
    rows = []
    number = 0
    for f in range(n_families):
        for _ in range(draw(st.integers(1, 7))):
            number += 1
            day = draw(st.integers(0, 4))
            agency = draw(st.sampled_from(agencies))
            when = pd.Timestamp("2021-01-01") + pd.Timedelta(days=day)
            for person in range(draw(st.integers(1, 3))):
                member = f"F{f}-p{person}"
                rows.append((f"c{number}", member, agency, "incident", when, None, f"F{f}"))
    frame = contacts_frame(rows)
    order = draw(st.permutations(range(len(frame))))
    return frame.iloc[list(order)]


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(populations(), st.booleans())
def test_matches_the_reference(frame, collapse):
    pd.testing.assert_frame_equal(
        pathways(frame, collapse_repeats=collapse), reference_pathways(frame, collapse),
        check_dtype=False,
    )  # fmt: skip
    pd.testing.assert_frame_equal(
        variants(frame, collapse_repeats=collapse), reference_variants(frame, collapse),
        check_dtype=False,
    )  # fmt: skip
    ends = pathway_ends(frame)
    assert {r.agency: (r.starts, r.ends) for r in ends.itertuples()} == reference_ends(frame)


@SETTINGS
@given(populations(), st.randoms(use_true_random=False))
def test_invariant_under_row_order(frame, rnd):
    shuffled = frame.sample(frac=1, random_state=rnd.randint(0, 2**31))
    for function in (pathways, variants, pathway_ends):
        pd.testing.assert_frame_equal(function(frame), function(shuffled))


@SETTINGS
@given(populations())
def test_counts_add_up(frame):
    contacts_per_family = frame.groupby("family_id")["contact_id"].nunique()
    assert pathways(frame)["transitions"].sum() == (contacts_per_family - 1).sum()
    assert variants(frame)["families"].sum() == len(contacts_per_family)
    assert variants(frame)["share"].sum() == pytest.approx(1.0)
    ends = pathway_ends(frame)
    assert ends["starts"].sum() == ends["ends"].sum() == len(contacts_per_family)


@SETTINGS
@given(populations())
def test_collapse_repeats_leaves_no_self_loops(frame):
    collapsed = pathways(frame, collapse_repeats=True)
    assert not (collapsed["from_agency"] == collapsed["to_agency"]).any()
    full = pathways(frame)
    moved = full[full["from_agency"] != full["to_agency"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(collapsed, moved)


@SETTINGS
@given(populations(agencies=["A", "A → B", "B", "A →"]))
@example(
    contacts_frame(
        [("c1", "p", "A", "incident", "2021-01-01", None, "F0"),
         ("c2", "p", "B", "incident", "2021-01-02", None, "F0"),
         ("c3", "q", "A → B", "incident", "2021-01-01", None, "F1")]  # fmt: skip
    )
)
def test_label_order_when_names_contain_the_arrow(frame):
    # Such names defeat the code-wise ordering; the text sort must take over.
    pd.testing.assert_frame_equal(
        variants(frame), reference_variants(frame, False), check_dtype=False
    )


def test_hash_collisions_fall_back_to_exact_grouping(contacts, monkeypatch):
    # With base 0 a sequence's hash is its first code only, so sequences of
    # equal length starting with the same agency ("Police -> School" and
    # "Police -> GP") collide; the code-for-code check must catch it.
    rows = ROWS + [("c9", "x", "Police", "incident", "2021-04-01", None, "F4"),
                   ("c10", "x", "GP", "incident", "2021-04-02", None, "F4")]  # fmt: skip
    frame = contacts_frame(rows)
    expected = reference_variants(frame, False)
    monkeypatch.setattr(sequences, "_HASH_BASE", 0)
    pd.testing.assert_frame_equal(variants(frame), expected, check_dtype=False)


@pytest.mark.parametrize("last", ["2200-01-01", "2000-01-01"])
def test_nanosecond_times_over_a_long_span_are_ordered_exactly(last):
    # 1 ns apart and a century or three apart: too many bits to pack beside the
    # family code (300 years of nanoseconds do not even fit in int64), so the
    # times are ranked first.
    rows = [
        ("a", "p", "Police", "incident", "1900-01-01 00:00:00.000000002", None, "F1"),
        ("b", "p", "School", "incident", "1900-01-01 00:00:00.000000001", None, "F1"),
        ("c", "p", "GP", "incident", last, None, "F1"),
        ("d", "q", "GP", "incident", "1950-01-01 00:00:00.000000001", None, "F2"),
        ("e", "q", "Police", "incident", "1950-01-01", None, "F2"),
    ]
    frame = contacts_frame(rows)
    assert variants(frame)["variant"].tolist() == ["Police → GP", "School → Police → GP"]
    journeys = agency_journeys(frame)
    expected = frame.sort_values(["family_id", "occurred_at"])["occurred_at"]
    assert journeys.occurred_at.tolist() == expected.astype("int64").tolist()


def test_medians_of_gaps_too_long_to_pack_beside_the_pair_are_exact():
    # Nanosecond gaps of a century or two leave no room for the pair code in one
    # int64, so the gaps are sorted another way: the medians must not change.
    starts = ["1900-01-01", "1900-01-01 00:00:00.000000001", "1901-01-01"]
    ends = ["2100-01-01 00:00:00.000000001", "2000-01-01", "2051-01-01 00:00:00.000000003"]
    rows = []
    for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
        rows += [(f"a{i}", f"p{i}", "Police", "incident", start, None, f"F{i}"),
                 (f"b{i}", f"p{i}", "School", "incident", end, None, f"F{i}")]  # fmt: skip
    gaps = [(pd.Timestamp(e) - pd.Timestamp(s)).value for s, e in zip(starts, ends, strict=True)]
    # In family order the middle gap is the shortest: only a sorted one gives the median.
    assert gaps[1] < gaps[2] < gaps[0]
    flows = pathways(contacts_frame(rows))
    assert flows["median_days"].tolist() == [float(gaps[2]) / DAY_NS]
    two = pathways(contacts_frame(rows[:4]))  # an even count: the mean of the middle two
    assert two["median_days"].tolist() == [float(np.median(gaps[:2])) / DAY_NS]


def test_grouped_rows_take_the_fast_path_with_the_same_answer():
    # More than 1,000 rows in store order (grouped by family) and shuffled.
    rng = np.random.default_rng(3)
    rows = [
        (f"c{i}", f"p{i % 7}", AGENCY_NAMES[rng.integers(5)], "incident",
         pd.Timestamp("2021-01-01") + pd.Timedelta(hours=int(rng.integers(0, 2000))), None,
         f"F{i // 40:03d}")
        for i in range(2000)
    ]  # fmt: skip
    grouped = contacts_frame(rows).sort_values(["family_id", "occurred_at"]).reset_index(drop=True)
    shuffled = grouped.sample(frac=1, random_state=1)
    pd.testing.assert_frame_equal(pathways(grouped), pathways(shuffled))
    pd.testing.assert_frame_equal(variants(grouped), reference_variants(grouped, False),
                                  check_dtype=False)  # fmt: skip


def test_a_contact_shared_by_two_families_counts_in_each():
    # c1 involved a member of F1 and of F2: once in each family's journey.
    rows = [
        ("c1", "a", "Police", "incident", "2021-01-01", None, "F1"),
        ("c1", "b", "Police", "incident", "2021-01-01", None, "F2"),
        ("c2", "a", "School", "school_absence", "2021-01-02", None, "F1"),
        ("c3", "b", "School", "school_absence", "2021-01-03", None, "F2"),
    ]
    assert rows_of(pathways(contacts_frame(rows))) == [("Police", "School", 2, 2, 1.5)]


def test_a_family_split_across_two_runs_of_rows_is_one_family():
    # F1's rows come in two blocks with F2's between: the grouped fast path must
    # notice that F1 heads two runs and fall back to hashing every row.
    def block(family, first, count, agency):
        return [(f"{family}-{i}", "p", agency, "incident",
                 pd.Timestamp("2021-01-01") + pd.Timedelta(hours=i), None, family)
                for i in range(first, first + count)]  # fmt: skip

    rows = block("F1", 0, 600, "Police") + block("F2", 0, 600, "GP")
    frame = contacts_frame(rows + block("F1", 600, 600, "School"))
    assert rows_of(pathway_ends(frame)) == [("GP", 1, 1), ("Police", 1, 0), ("School", 0, 1)]
    # F1: 1,200 contacts -> 1,199 transitions (one Police -> School); F2: 599.
    assert pathways(frame)["transitions"].sum() == 1199 + 599
    assert rows_of(pathways(frame))[-1][:3] == ("Police", "School", 1)
