"""The orchestrator: one family analysed alone agrees with the population run."""

from __future__ import annotations

import pandas as pd
import pytest

from journey.analysis import analyse, analyse_family
from journey.errors import InputError
from journey.parameters import AnalysisParameters
from journey.synthetic import generate
from journey.taxonomy import default_taxonomy
from journey.validation import validate_contacts, validate_families, validate_people


def _contract_frames(families: int, seed: int):
    """A synthetic population passed through validation, as the loader would store it."""
    population = generate(families, seed=seed)

    def raw(frame: pd.DataFrame) -> pd.DataFrame:
        text = frame.astype(object).where(frame.notna(), "").astype(str)
        return text.assign(line=range(2, len(frame) + 2))

    taxonomy = default_taxonomy()
    times = population.contacts["occurred_at"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    contacts = raw(population.contacts.assign(occurred_at=times))
    families_raw = population.families.copy()
    for column in ["lead_from", "lead_to"]:
        families_raw[column] = families_raw[column].dt.strftime("%Y-%m-%d")
    checked_families, periods = validate_families(raw(families_raw), source="families.csv")
    people = validate_people(raw(population.people), source="people.csv").valid
    valid = validate_contacts(contacts, source="contacts.csv", taxonomy=taxonomy).valid
    return valid, people, checked_families.valid, periods


@pytest.fixture(scope="module")
def population():
    contacts, people, families, periods = _contract_frames(60, seed=11)
    # Stricter thresholds than the defaults so that some small families qualify.
    parameters = AnalysisParameters(min_contacts=12, min_agencies=4, window_days=200)
    run = analyse(contacts, people, families, periods, parameters=parameters)
    return contacts, people, periods, parameters, run


def test_each_family_alone_agrees_with_the_population_run(population):
    contacts, people, periods, parameters, run = population
    summary = run.frames["family_summary"].set_index("family_id")
    assert summary["high_contact"].any() and (~summary["high_contact"]).any()
    checked = 0
    for family_id, rows in contacts.groupby("family_id"):
        alone = analyse_family(
            rows,
            people[people["family_id"] == family_id],
            periods[periods["family_id"] == family_id],
            parameters=parameters,
        )
        expected = summary.loc[family_id]
        high = alone.high_contact.families.iloc[0]
        assert bool(high["is_high_contact"]) == expected["high_contact"]
        assert high["peak_contacts"] == expected["peak_contacts"]
        unco = alone.uncoordinated.families.iloc[0]
        assert unco["uncoordinated"] == expected["uncoordinated"]
        eligible = alone.eligibility.families.iloc[0]
        assert bool(eligible["eligible"]) == expected["eligible"]
        assert (eligible["indicators"] or "") == expected["indicators"]
        assert alone.parameters == parameters
        checked += 1
    assert checked == contacts["family_id"].nunique() > 40


def test_one_family_only():
    contacts, *_ = _contract_frames(3, seed=2)
    with pytest.raises(InputError, match="one family"):
        analyse_family(contacts)
