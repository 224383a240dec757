"""Partner flags on a hand-built population whose flag file is worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from journey.errors import ParameterError
from journey.flags import FLAG_COLUMNS, partner_flags, status_counts
from journey.taxonomy import default_taxonomy
from tests.builders import contacts_frame, lead_periods_frame

TAXONOMY = default_taxonomy()

AS_OF = pd.Timestamp("2021-09-30")

# F1 lead now (North, since 1 Jun); F2 supported until 31 Mar; F3 eligible in May, no
# period; F4 not known; F5 eligible only after AS_OF; F6 known but never met by Police;
# F7's period starts after AS_OF.
CONTACTS = contacts_frame(
    [
        ("c1", "p1", "Police", "domestic_incident", "2021-07-01 23:10", None, "F1"),
        ("c1", "p2", "Police", "domestic_incident", "2021-07-01 23:10", None, "F1"),
        ("c2", "p1", "Police", "arrest", "2021-08-02", None, "F1"),
        ("c3", "p1", "School", "school_absence", "2021-08-03", None, "F1"),
        ("c8", "p1", "Police", "arrest", "2021-10-01", None, "F1"),  # after AS_OF
        ("c4", "p3", "Police", "incident", "2021-02-01", None, "F2"),
        ("c5", "p4", "Police", "incident", "2021-04-01", None, "F3"),
        ("c6", "p5", "Police", "incident", "2021-04-01", None, "F4"),
        ("c7", "p6", "Police", "incident", "2021-04-01", None, "F5"),
        ("c9", "p7", "School", "school_absence", "2021-04-01", None, "F6"),
        ("c10", "p8", "Police", "incident", "2021-04-01", None, "F7"),
    ]
)
CONTACTS.loc[CONTACTS["contact_id"] == "c5", "source_system"] = "Niche"
PERIODS = lead_periods_frame(
    [
        ("F1", "2020-01-01", "2020-06-30", "Ann Old", "South"),
        ("F1", "2021-06-01", None, "Sam Key", "North"),
        ("F2", "2020-10-01", "2021-03-31", "Sam Key", "North"),
        ("F6", "2021-01-01", None),
        ("F7", "2021-10-05", None, "Sam Key", "North"),
    ]
)
ELIGIBILITY = pd.DataFrame(
    {
        "family_id": ["F1", "F3", "F4", "F5"],
        "first_eligible": pd.to_datetime(["2021-05-01", "2021-05-01", None, "2021-10-01"]),
    }
)


def police(**kwargs) -> pd.DataFrame:
    return partner_flags(CONTACTS, PERIODS, ELIGIBILITY, agency="Police",
                         as_of=kwargs.pop("as_of", AS_OF), **kwargs)  # fmt: skip


def test_the_police_file_holds_exactly_the_expected_people():
    expected = pd.DataFrame(
        [
            ["p1", "F1", "lead professional now: North since 2021-06-01", "c1;c2", ""],
            ["p2", "F1", "lead professional now: North since 2021-06-01", "c1", ""],
            ["p3", "F2", "supported until 2021-03-31", "c4", ""],
            ["p4", "F3", "eligible, not yet allocated", "c5", "Niche"],
        ],
        columns=FLAG_COLUMNS,
    )
    pd.testing.assert_frame_equal(police(), expected)


def test_no_other_agency_and_nothing_more_than_the_agency_needs():
    flags = police()
    police_ids = set(CONTACTS.loc[CONTACTS["agency"] == "Police", "contact_id"])
    listed = {i for ids in flags["contact_ids"] for i in ids.split(";")}
    assert listed <= police_ids and "c3" not in listed  # the school's contact stays out
    assert list(flags.columns) == FLAG_COLUMNS  # no indicators, worker names or births
    assert not flags.isin(["Sam Key", "Ann Old"]).any().any()


def test_as_of_moves_every_boundary():
    later = police(as_of=pd.Timestamp("2021-10-05"))
    by_person = later.set_index("person_id")
    assert by_person.loc["p1", "contact_ids"] == "c1;c2;c8"  # a contact on 1 Oct now counts
    assert by_person.loc["p6", "status"] == "eligible, not yet allocated"  # eligible 1 Oct
    assert by_person.loc["p8", "status"] == "lead professional now: North since 2021-10-05"
    earlier = police(as_of=pd.Timestamp("2021-03-31"))  # F2's last day: still led
    assert earlier.set_index("person_id").loc["p3", "status"] == (
        "lead professional now: North since 2020-10-01")
    assert "p1" not in set(earlier["person_id"])  # F1's first contact is in July


def test_a_period_without_a_team_says_so_and_counts_cover_every_status():
    school = partner_flags(CONTACTS, PERIODS, ELIGIBILITY, agency="School", as_of=AS_OF)
    assert school.set_index("person_id").loc["p7", "status"] == (
        "lead professional now since 2021-01-01")
    assert status_counts(police()) == {
        "lead professional now": 2, "supported until": 1, "eligible, not yet allocated": 1}


def test_an_agency_with_no_contact_is_a_clear_error_and_nobody_known_is_empty():
    with pytest.raises(ParameterError, match="no contact of 'CAMHS'"):
        partner_flags(CONTACTS, PERIODS, ELIGIBILITY, agency="CAMHS", as_of=AS_OF)
    nobody = partner_flags(CONTACTS, PERIODS.iloc[0:0], ELIGIBILITY.iloc[0:0], agency="Police",
                           as_of=AS_OF)  # fmt: skip
    assert nobody.empty and list(nobody.columns) == FLAG_COLUMNS


def simple_flags(contacts, periods, eligibility, agency, as_of):
    """The same file, person by person in plain Python: an independent reading of the rules."""
    end = as_of.normalize() + pd.Timedelta(days=1)
    rows = []
    for (family, person), mine in contacts.groupby(["family_id", "person_id"], sort=True):
        own = mine[(mine["agency"] == agency) & (mine["occurred_at"] < end)]
        if own.empty:
            continue
        started = periods[(periods["family_id"] == family) & (periods["lead_from"] <= as_of)]
        status = None
        for period in started.sort_values("lead_from").itertuples():
            if pd.isna(period.lead_to) or period.lead_to >= as_of.normalize():
                team = f": {period.lead_team}" if isinstance(period.lead_team, str) else ""
                status = f"lead professional now{team} since {period.lead_from:%Y-%m-%d}"
        if status is None and len(started):
            status = f"supported until {started['lead_to'].max():%Y-%m-%d}"
        eligible = eligibility.loc[eligibility["family_id"] == family, "first_eligible"]
        if status is None and (eligible < end).any():
            status = "eligible, not yet allocated"
        if status is None:
            continue
        ids = list(dict.fromkeys(own.sort_values(["occurred_at", "contact_id"])["contact_id"]))
        rows.append([person, family, status, ";".join(ids)])
    return rows


def test_on_a_synthetic_population_the_file_matches_a_simple_reading():
    from journey.indicators import eligibility
    from journey.synthetic import generate

    population = generate(300, seed=3)
    named = [TAXONOMY.canonical_agency(a) for a in population.contacts["agency"]]
    contacts = population.contacts.assign(agency=[n[0] for n in named],
                                          sector=[n[1] for n in named])
    periods = population.families[population.families["lead_from"].notna()]
    found = eligibility(contacts, periods).families
    as_of = pd.Timestamp("2021-06-30")
    flags = partner_flags(contacts, periods, found, agency="Police", as_of=as_of)
    expected = simple_flags(contacts, periods, found, "Police", as_of)
    assert len(expected) > 20  # a real population, not an empty match
    assert flags[["person_id", "family_id", "status", "contact_ids"]].values.tolist() == expected
