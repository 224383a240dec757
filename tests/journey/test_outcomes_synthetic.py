"""The synthetic population gives every outcomes view something real to show."""

from __future__ import annotations

from journey.analysis import analyse
from journey.synthetic import generate
from journey.taxonomy import default_taxonomy


def test_the_demo_has_every_kind_of_family_the_outcomes_views_show():
    population = generate(800, seed=7)
    agencies, sectors, _ = default_taxonomy().normalise_agencies(population.contacts["agency"])
    contacts = population.contacts.assign(agency=agencies, sector=sectors)
    periods = population.families.dropna(subset=["lead_from"])[["family_id", "lead_from",
                                                                 "lead_to"]]
    run = analyse(contacts, population.people, lead_periods=periods)
    outcomes, summary = run.frames["outcomes_families"], run.frames["outcome_periods"]
    due = outcomes[outcomes["due"]]
    assert summary["meets_plan"].sum() >= 10  # families that meet their plan
    improved_not_met = due[(due["change"] < 0) & ~due["met"]]
    assert len(improved_not_met) >= 5  # improvement without meeting the threshold
    assert (due["change"] >= 0).any() and (~due["met"]).any()  # no improvement, not met
    eligible = run.frames["eligibility"]
    pool = eligible[eligible["eligible"] & ~eligible["has_lead_professional"]]
    assert len(pool) >= 50  # an eligible, never-supported comparison pool
    cohort = run.frames["outcomes_cohort"]
    assert (cohort["comparison_families"] > 0).all() and cohort["ci_low"].notna().all()
    assert (run.frames["claims"]["kind"] == "results").sum() == summary["meets_plan"].groupby(
        summary["family_id"]).any().sum()
