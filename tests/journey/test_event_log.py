"""The event log: one order (time, then contact id; each contact once per family) for every view."""

import numpy as np
import pandas as pd
import pytest

from journey.errors import InputError
from journey.event_log import agency_journeys, family_timeline, person_timeline, prepare
from journey.journeys import family_journeys
from tests.builders import contacts_frame
from tests.journey.test_journeys import ROWS  # two families, worked by hand there


def test_family_timeline_keeps_one_row_per_family_contact():
    contacts = contacts_frame(ROWS)
    line = family_timeline(contacts)
    assert contacts["contact_id"].to_numpy()[line.rows].tolist() == ["d1", "c1", "c2", "c3", "c4"]
    assert line.ids.tolist() == ["F0", "F1"]
    assert line.starts.tolist() == [0, 1]
    people = person_timeline(contacts)
    assert people.ids.tolist() == ["dad", "kid", "mum"]
    assert len(people) == len(contacts)


def test_prepared_contacts_share_the_timeline_and_codes():
    prepared = prepare(contacts_frame(ROWS))
    assert prepare(prepared) is prepared
    assert prepared.families is prepared.families
    codes, agencies = prepared.codes("agency")
    assert agencies.tolist() == sorted(agencies.tolist())
    assert agencies[codes].tolist() == prepared.frame["agency"].tolist()


def test_agency_journeys_are_cut_from_the_family_timeline_without_sorting_again():
    prepared = prepare(contacts_frame(ROWS))
    journeys = prepared.agency_journeys
    line = prepared.families
    # The same arrays, not a second ordering of the same rows.
    assert journeys.rows is line.rows and journeys.occurred_at is line.times
    assert journeys.family is line.entity
    assert journeys.family_ids.tolist() == line.ids.tolist() == ["F0", "F1"]
    assert journeys.agencies[journeys.agency].tolist() == [
        "DWP JobCentre Plus", "Police", "School", "Hospital", "GP"]  # fmt: skip
    assert agency_journeys(prepared) is journeys


def test_every_view_reads_the_journeys_in_one_order():
    contacts = contacts_frame(ROWS).sample(frac=1, random_state=11).reset_index(drop=True)
    prepared = prepare(contacts)
    ids = contacts["contact_id"].to_numpy()
    from_log = ids[prepared.agency_journeys.rows].tolist()
    assert from_log == ids[prepared.families.rows].tolist()
    assert from_log == family_journeys(prepared)["contact_id"].tolist()
    assert from_log == ["d1", "c1", "c2", "c3", "c4"]


def test_family_codes_follow_sorted_ids_whatever_the_row_order():
    # Rows grouped by family but not in id order (the fast path) and shuffled rows
    # (the hashing path) give the same codes: families are listed in id order.
    many = contacts_frame(
        [(f"c{i}", f"p{i % 7}", "Police", "incident", f"2021-01-{1 + i % 28:02d}", None,
          f"F{(i * 37) % 40:02d}") for i in range(1200)]
    )  # fmt: skip
    grouped = many.sort_values("family_id", key=lambda s: s.str[::-1], kind="stable")
    shuffled = many.sample(frac=1, random_state=2)
    lines = [family_timeline(frame.reset_index(drop=True)) for frame in (grouped, shuffled)]
    for line in lines:
        assert line.ids.tolist() == sorted(many["family_id"].unique())
    np.testing.assert_array_equal(lines[0].entity, lines[1].entity)
    np.testing.assert_array_equal(lines[0].times, lines[1].times)


def test_a_missing_family_agency_or_time_is_refused_by_the_agency_view():
    contacts = contacts_frame(ROWS)
    for column in ("family_id", "agency"):
        broken = contacts.copy()
        broken.loc[0, column] = None
        with pytest.raises(InputError, match=f"every row needs a(n)? {column}"):
            agency_journeys(broken)
    broken = contacts.copy()
    broken.loc[0, "occurred_at"] = pd.NaT
    with pytest.raises(InputError, match="occurred_at"):
        agency_journeys(broken)


@pytest.mark.parametrize(
    "ids",
    [
        ["F10", "F2", "F1", "F2", "F10"],  # ASCII text: sorted as bytes
        ["Zoë", "Ana", "Émile", "Ana"],  # non-ASCII text: sorted as Python strings
        [30, 4, 100, 4],  # numbers sort as numbers, not as text
    ],
)
def test_family_codes_follow_the_ids_sorted_as_python_sorts_them(ids):
    contacts = pd.DataFrame({
        "contact_id": [f"c{i}" for i in range(len(ids))], "family_id": ids,
        "occurred_at": pd.to_datetime(["2021-01-01"] * len(ids)),
    })  # fmt: skip
    line = family_timeline(contacts)
    assert line.ids.tolist() == sorted(set(ids))
    assert line.ids[line.entity].tolist() == sorted(ids)
