"""Pathways per cohort: the escalation cut, collapsed repeats and first/last steps.

Checked on tiny journeys worked out by hand, then against a plain-Python
implementation (a loop per family over its sorted contacts) on random
populations, view by view.

The hand-built population (times are 2021):

* F1: Police 1 Jan, Police 2 Jan, School 5 Jan, **CSC 10 Jan** (its first
  escalation), School 12 Jan, CSC 15 Jan. Up to the escalation: Police,
  Police, School, CSC; collapsed: Police → School → CSC.
* F2: GP 1 Feb, GP 3 Feb. Never escalates: left out of the escalation view.
* F3: **CSC 1 Mar**, Police 2 Mar. Escalates at its first contact: CSC alone.
* F4: Police and **CSC** at the same minute on 1 Apr, contact ids ``f4a``
  (Police) before ``f4b`` (CSC): the log orders ties by contact id, so the cut
  keeps Police → CSC.
* F5: **CSC** ``f5a`` and Police ``f5b`` at the same minute on 1 May: CSC comes
  first, so the cut keeps CSC alone.
"""

from __future__ import annotations

import doctest
import itertools
import statistics
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from journey.errors import InputError
from journey.event_log import agency_journeys
from journey.pathway_cohorts import STEPS, cut_at_escalation, journey_steps, pathway_views
from journey.pathways import ONE_FAMILY_VARIANTS

CSC = "Children's Social Care"
_ROWS = [
    ("F1", "f1a", "Police", "2021-01-01"),
    ("F1", "f1b", "Police", "2021-01-02"),
    ("F1", "f1c", "School", "2021-01-05"),
    ("F1", "f1d", CSC, "2021-01-10"),
    ("F1", "f1e", "School", "2021-01-12"),
    ("F1", "f1f", CSC, "2021-01-15"),
    ("F2", "f2a", "GP", "2021-02-01"),
    ("F2", "f2b", "GP", "2021-02-03"),
    ("F3", "f3a", CSC, "2021-03-01"),
    ("F3", "f3b", "Police", "2021-03-02"),
    ("F4", "f4b", CSC, "2021-04-01 10:00"),
    ("F4", "f4a", "Police", "2021-04-01 10:00"),
    ("F5", "f5a", CSC, "2021-05-01 10:00"),
    ("F5", "f5b", "Police", "2021-05-01 10:00"),
]


def _contacts(rows=_ROWS) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["family_id", "contact_id", "agency", "occurred_at"])
    return frame.assign(occurred_at=pd.to_datetime(frame["occurred_at"], format="ISO8601"))


def _names(journeys) -> dict[str, list[str]]:
    """Each family's agencies in journey order."""
    out: dict[str, list[str]] = {}
    for family, agency in zip(journeys.family, journeys.agency, strict=True):
        out.setdefault(str(journeys.family_ids[family]), []).append(str(journeys.agencies[agency]))
    return out


def test_the_cut_worked_out_by_hand():
    contacts = _contacts()
    cut = cut_at_escalation(agency_journeys(contacts), (contacts["agency"] == CSC).to_numpy())
    assert _names(cut) == {
        "F1": ["Police", "Police", "School", CSC],
        "F3": [CSC],
        "F4": ["Police", CSC],
        "F5": [CSC],
    }


def test_the_steps_worked_out_by_hand():
    journeys = agency_journeys(_contacts())
    first = _names(journey_steps(journeys, 2))
    assert first["F1"] == ["Police", "Police"] and first["F2"] == ["GP", "GP"]
    merged = _names(journey_steps(journeys, 2, collapse_repeats=True))
    assert merged["F1"] == ["Police", "School"] and merged["F2"] == ["GP"]
    last = _names(journey_steps(journeys, 2, from_end=True, collapse_repeats=True))
    assert last["F1"] == ["School", CSC] and last["F3"] == [CSC, "Police"]


def test_the_views_worked_out_by_hand():
    contacts = _contacts()
    views = pathway_views(
        agency_journeys(contacts), {"all": ["F1", "F2", "F3", "F4", "F5"], "F1": ["F1"]},
        (contacts["agency"] == CSC).to_numpy(),
    )  # fmt: skip
    flows = views.flows.query("cohort == 'all' and until == 'escalation'")
    assert {(r.from_agency, r.to_agency): r.transitions for r in flows.itertuples()} == {
        ("Police", "Police"): 1, ("Police", "School"): 1, ("School", CSC): 1, ("Police", CSC): 1,
    }  # fmt: skip
    ends = views.ends.query("cohort == 'all' and until == 'escalation'").set_index("agency")
    # Four journeys up to the escalation (F2 never escalated), each ending at social care.
    assert int(ends["starts"].sum()) == 4 and ends.loc[CSC, "ends"] == 4
    merged = views.variants.query(
        "cohort == 'all' and until == 'escalation' and collapse_repeats and part == 'journey'"
    )
    assert merged[["variant", "families"]].values.tolist() == [
        [CSC, 2], [ONE_FAMILY_VARIANTS, 2],
    ]  # fmt: skip
    # Whole journeys, repeats merged: F3 and F5 both go CSC → Police; F1, F2, F4 are unique.
    whole = views.variants.query(
        "cohort == 'all' and until == 'end' and collapse_repeats and part == 'journey'"
    )
    assert whole[["variant", "families", "variants"]].values.tolist() == [
        [f"{CSC} → Police", 2, 1], [ONE_FAMILY_VARIANTS, 3, 3],
    ]  # fmt: skip
    # The first three steps, repeats kept: F1 Police, Police, School; F2 GP, GP; the rest two.
    first = views.variants.query(
        "cohort == 'all' and until == 'end' and not collapse_repeats and part == 'first_steps'"
    )
    assert first[["variant", "length", "families"]].values.tolist() == [
        [f"{CSC} → Police", 2, 2], [ONE_FAMILY_VARIANTS, pd.NA, 3],
    ]  # fmt: skip
    # A cohort of one family: its only variant is folded, never ranked.
    last = views.variants.query("cohort == 'F1' and until == 'escalation' and part == 'last_steps'")
    assert last["variant"].tolist() == [ONE_FAMILY_VARIANTS] * 2


def test_an_escalation_flag_per_row_is_required():
    contacts = _contacts()
    with pytest.raises(InputError, match="escalation"):
        cut_at_escalation(agency_journeys(contacts), np.zeros(3, dtype=bool))
    with pytest.raises(InputError, match="steps"):
        journey_steps(agency_journeys(contacts), 0)


def test_a_population_without_escalations_has_no_escalation_view():
    contacts = _contacts([r for r in _ROWS if r[2] != CSC])
    views = pathway_views(
        agency_journeys(contacts), {"all": contacts["family_id"].unique()},
        np.zeros(len(contacts), dtype=bool),
    )  # fmt: skip
    assert set(views.flows["until"]) == {"end"} and set(views.ends["until"]) == {"end"}
    assert set(views.variants["until"]) == {"end"}


# -- the plain-Python implementation ------------------------------------------------


def _journeys(contacts: pd.DataFrame, flags: np.ndarray) -> dict[str, list[tuple]]:
    """Family -> [(agency, time, escalation)] in time order, ties by contact id."""
    rows = contacts.assign(flag=flags).sort_values(["family_id", "occurred_at", "contact_id"])
    out: dict[str, list[tuple]] = {}
    for row in rows.itertuples():
        out.setdefault(row.family_id, []).append((row.agency, row.occurred_at, bool(row.flag)))
    return out


def _cut(journey: list[tuple]) -> list[tuple] | None:
    for i, (_, _, flag) in enumerate(journey):
        if flag:
            return journey[: i + 1]
    return None


def _merged(agencies: list[str]) -> list[str]:
    return [agency for agency, _ in itertools.groupby(agencies)]


def _slow_view(journeys: dict[str, list[tuple]], until: str):
    """Transitions, ends and the sequences (per collapse, part) of one view of one cohort."""
    chosen = {f: (_cut(j) if until == "escalation" else j) for f, j in journeys.items()}
    chosen = {f: j for f, j in chosen.items() if j}
    gaps: dict[tuple, list[float]] = {}
    families: dict[tuple, set] = {}
    for family, journey in chosen.items():
        for (a, t, _), (b, u, _) in itertools.pairwise(journey):
            gaps.setdefault((a, b), []).append((u - t) / pd.Timedelta(days=1))
            families.setdefault((a, b), set()).add(family)
    flows = {pair: (len(g), len(families[pair]), statistics.median(g)) for pair, g in gaps.items()}
    starts = Counter(j[0][0] for j in chosen.values())
    ends = Counter(j[-1][0] for j in chosen.values())
    sequences = {}
    for collapse in (False, True):
        agencies = [[a for a, _, _ in j] for j in chosen.values()]
        if collapse:
            agencies = [_merged(a) for a in agencies]
        steps = [a[-STEPS:] if until == "escalation" else a[:STEPS] for a in agencies]
        part = "last_steps" if until == "escalation" else "first_steps"
        sequences[collapse, "journey"] = Counter(" → ".join(a) for a in agencies)
        sequences[collapse, part] = Counter(" → ".join(a) for a in steps)
    return flows, starts, ends, sequences


def _random_population(seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    agencies = ["Police", "School", "GP", CSC, "Housing"]
    rows = []
    for f in range(int(rng.integers(5, 40))):
        for c in range(int(rng.integers(1, 9))):
            day = int(rng.integers(0, 30))  # same days happen: ties by contact id
            agency = agencies[int(rng.choice(5, p=[0.3, 0.25, 0.25, 0.1, 0.1]))]
            rows.append((f"F{f:02d}", f"c{int(rng.integers(0, 10**6)):06d}-{c}", agency,
                         pd.Timestamp("2021-01-01") + pd.Timedelta(days=day)))  # fmt: skip
    contacts = pd.DataFrame(rows, columns=["family_id", "contact_id", "agency", "occurred_at"])
    flags = (contacts["agency"] == CSC).to_numpy() | (rng.random(len(contacts)) < 0.05)
    return contacts, flags


@pytest.mark.parametrize("seed", range(12))
def test_every_view_matches_a_plain_python_count(seed):
    contacts, flags = _random_population(seed)
    families = sorted(contacts["family_id"].unique())
    cohorts = {"all": families, "odd": families[1::2]}
    views = pathway_views(agency_journeys(contacts), cohorts, flags)
    journeys = _journeys(contacts, flags)
    for (cohort, members), until in itertools.product(cohorts.items(), ("end", "escalation")):
        flows, starts, ends, sequences = _slow_view({f: journeys[f] for f in members}, until)
        stored = views.flows[(views.flows["cohort"] == cohort) & (views.flows["until"] == until)]
        assert {
            (r.from_agency, r.to_agency): (r.transitions, r.families, pytest.approx(r.median_days))
            for r in stored.itertuples()
        } == flows, (cohort, until)
        stored_ends = views.ends[(views.ends["cohort"] == cohort) & (views.ends["until"] == until)]
        assert {r.agency: r.starts for r in stored_ends.itertuples() if r.starts} == starts
        assert {r.agency: r.ends for r in stored_ends.itertuples() if r.ends} == ends
        for (collapse, part), counts in sequences.items():
            rows = views.variants[
                (views.variants["cohort"] == cohort) & (views.variants["until"] == until)
                & (views.variants["collapse_repeats"] == collapse)
                & (views.variants["part"] == part)
            ]  # fmt: skip
            shared = {v: n for v, n in counts.items() if n >= 2}
            kept = rows[rows["variant"] != ONE_FAMILY_VARIANTS]
            assert dict(zip(kept["variant"], kept["families"], strict=True)) == shared
            folded = rows.loc[rows["variant"] == ONE_FAMILY_VARIANTS, "families"].sum()
            assert int(folded) == sum(1 for n in counts.values() if n == 1)
            # Most families first.
            assert kept["families"].is_monotonic_decreasing


def test_collapsing_never_changes_transitions_between_agencies():
    contacts, flags = _random_population(99)
    journeys = agency_journeys(contacts)
    merged = journey_steps(journeys, 10**6, collapse_repeats=True)
    from journey.pathways import pathways

    whole = pathways(journeys)
    between = whole[whole["from_agency"] != whole["to_agency"]].reset_index(drop=True)
    assert pathways(merged)[["from_agency", "to_agency", "transitions", "families"]].equals(
        between[["from_agency", "to_agency", "transitions", "families"]]
    )
    assert flags.any()


def test_module_examples_pass():
    import journey.pathway_cohorts as module

    failures, tried = doctest.testmod(module)
    assert tried > 0 and failures == 0


def test_contacts_with_several_members_and_shuffled_rows_count_once():
    # A contact involving two members is two rows with one contact id; the store may return
    # rows in any order. Neither changes a view.
    contacts, flags = _random_population(5)
    rng = np.random.default_rng(5)
    twice = rng.random(len(contacts)) < 0.3
    doubled = pd.concat([contacts, contacts[twice]], ignore_index=True)
    doubled_flags = np.concatenate([flags, flags[twice]])
    order = rng.permutation(len(doubled))
    shuffled, shuffled_flags = doubled.iloc[order].reset_index(drop=True), doubled_flags[order]
    cohorts = {"all": sorted(contacts["family_id"].unique())}
    once = pathway_views(agency_journeys(contacts), cohorts, flags)
    again = pathway_views(agency_journeys(shuffled), cohorts, shuffled_flags)
    for name, frame in once.frames().items():
        pd.testing.assert_frame_equal(frame, again.frames()[name], obj=name)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("collapse", [False, True])
def test_shared_variants_are_the_folded_variants(seed, collapse):
    from journey.pathway_cohorts import shared_variants
    from journey.pathways import compact_variants, variants

    contacts, _ = _random_population(seed)
    journeys = agency_journeys(contacts)
    expected = compact_variants(variants(journeys, collapse_repeats=collapse).assign(cohort="c"))
    found = shared_variants(journeys, collapse_repeats=collapse)
    pd.testing.assert_frame_equal(found, expected.drop(columns="cohort").reset_index(drop=True))


@pytest.mark.parametrize("seed", range(6))
def test_the_whole_journeys_are_the_cohort_pathways(seed):
    from journey.pathways import cohort_pathways, compact_variants

    contacts, flags = _random_population(seed)
    families = sorted(contacts["family_id"].unique())
    cohorts = {"all": families, "none": [], "few": families[:3]}
    journeys = agency_journeys(contacts)
    flows, ends, variant_frame = cohort_pathways(journeys, cohorts)
    found = pathway_views(journeys, cohorts, flags).whole_journeys()
    expected = (flows, ends, compact_variants(variant_frame))
    for mine, theirs in zip(found, expected, strict=True):
        pd.testing.assert_frame_equal(mine, theirs.reset_index(drop=True))
