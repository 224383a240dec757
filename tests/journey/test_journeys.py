"""Family and person journeys, and the timeline windows every journey analysis counts with."""

import pandas as pd
import pytest

from journey.errors import MissingColumnError, NotFoundError
from journey.journeys import (
    JOURNEY_COLUMNS,
    family_journey,
    family_journeys,
    person_journey,
)
from tests.builders import contacts_frame

# Two families. F1: a police call-out to mum and kid (one contact, two rows), a
# school absence, and two contacts at the same time (ids "c4" and "c3").
ROWS = [
    ("c2", "kid", "School", "school_absence", "2021-02-01", None, "F1"),
    ("c1", "mum", "Police", "domestic_incident", "2021-01-01 22:00", None, "F1"),
    ("c1", "kid", "Police", "domestic_incident", "2021-01-01 22:00", None, "F1"),
    ("c4", "mum", "GP", "appointment", "2021-03-01 09:00", None, "F1"),
    ("c3", "kid", "Hospital", "emergency_attendance", "2021-03-01 09:00", None, "F1"),
    ("d1", "dad", "DWP JobCentre Plus", "work_coach", "2020-05-05", None, "F0"),
]


def test_family_journey_counts_a_multi_person_contact_once_in_time_order():
    journeys = family_journeys(contacts_frame(ROWS))
    assert list(journeys.columns) == JOURNEY_COLUMNS
    # Families in id order (F0 before F1); in F1: c1 (Jan), c2 (Feb), then the two
    # contacts of 1 March 09:00 in contact id order: c3 before c4.
    assert journeys["family_id"].tolist() == ["F0", "F1", "F1", "F1", "F1"]
    assert journeys["contact_id"].tolist() == ["d1", "c1", "c2", "c3", "c4"]
    assert journeys["step"].tolist() == [0, 0, 1, 2, 3]
    assert journeys["people"].tolist() == ["dad", "kid;mum", "kid", "kid", "mum"]
    assert journeys["n_people"].tolist() == [1, 2, 1, 1, 1]
    assert journeys["occurred_at"].dtype == "datetime64[ns]"


def test_journeys_do_not_depend_on_row_order_and_do_not_change_the_input():
    contacts = contacts_frame(ROWS)
    before = contacts.copy()
    shuffled = contacts.sample(frac=1, random_state=3).reset_index(drop=True)
    pd.testing.assert_frame_equal(family_journeys(contacts), family_journeys(shuffled))
    pd.testing.assert_frame_equal(contacts, before)


def test_one_family_and_one_person():
    contacts = contacts_frame(ROWS)
    assert family_journey(contacts, "F1")["contact_id"].tolist() == ["c1", "c2", "c3", "c4"]
    # kid: c1 (1 Jan), c2 (1 Feb), c3 (1 Mar); mum: c1, c4.
    assert person_journey(contacts, "kid")["contact_id"].tolist() == ["c1", "c2", "c3"]
    assert person_journey(contacts, "mum")["step"].tolist() == [0, 1]
    with pytest.raises(NotFoundError):
        family_journey(contacts, "F9")
    with pytest.raises(NotFoundError):
        person_journey(contacts, "nobody")


def test_empty_contacts_give_an_empty_journey_with_the_columns():
    empty = contacts_frame([])
    journeys = family_journeys(empty)
    assert journeys.empty and list(journeys.columns) == JOURNEY_COLUMNS


def test_a_missing_column_is_named():
    with pytest.raises(MissingColumnError, match="occurred_at"):
        family_journeys(contacts_frame(ROWS).drop(columns="occurred_at"))
