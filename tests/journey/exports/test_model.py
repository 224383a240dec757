"""The export model: members as roles, days since the first contact, ids replaced, suppression."""

from __future__ import annotations

import pandas as pd
import pytest

from journey.disclosure import RULES
from journey.errors import ParameterError
from journey.exports import family_export, member_labels, pathways_export
from tests.journey.exports.family import (
    CONTACTS,
    MOTHER,
    MOTHER_LABEL,
    PEOPLE,
    SON,
    SON_LABEL,
)


@pytest.fixture
def model():
    return family_export(CONTACTS, PEOPLE, label="Journey 1",
                         peak_contact_ids=["CTX-2", "CTX-3"], uncoordinated_contact_ids=["CTX-3"])


def test_each_contact_once_in_time_order_with_days_since_the_first(model):
    rows = model.contacts
    assert rows["contact"].tolist() == ["c1", "c2", "c3", "c4"]
    assert rows["day"].tolist() == [0, 7, 7, 30]
    assert rows["agency"].tolist() == ["Police", "School", "GP", "Police"]
    assert rows["members"].tolist() == [
        f"{SON_LABEL}; {MOTHER_LABEL}", SON_LABEL, MOTHER_LABEL, SON_LABEL
    ]
    assert rows["member_count"].tolist() == [2, 1, 1, 1]
    assert rows["peak"].tolist() == [False, True, True, False]
    assert rows["uncoordinated"].tolist() == [False, False, True, False]


def test_de_identified_has_no_ids_dates_or_free_text(model):
    assert not model.identified
    assert set(model.contacts.columns) == {
        "contact", "day", "agency", "sector", "contact_type", "members", "member_count", "peak",
        "uncoordinated",
    }  # fmt: skip
    assert "person_id" not in model.members.columns
    assert model.members.to_dict("records") == [
        {"member": MOTHER_LABEL, "role": "parent", "age_at_first_contact": 35, "contacts": 2},
        {"member": SON_LABEL, "role": "child", "age_at_first_contact": 11, "contacts": 3},
    ]


def test_identified_keeps_ids_and_dates_as_yyyy_mm_dd():
    model = family_export(CONTACTS, PEOPLE, label="FAM", identified=True)
    assert model.contacts["contact_id"].tolist() == ["CTX-1", "CTX-2", "CTX-3", "CTX-4"]
    assert model.contacts["date"].tolist() == ["2021-02-01", "2021-02-08", "2021-02-08",
                                               "2021-03-03"]  # fmt: skip
    assert model.contacts["person_ids"].iloc[0] == f"{SON}; {MOTHER}"  # sorted ids
    assert model.members["person_id"].tolist() == [MOTHER, SON]


def test_member_labels_by_role_sex_and_age():
    people = pd.DataFrame({
        "person_id": ["a", "b", "c", "d", "e"],
        "role": ["parent", "parent", "child", "child", "carer"],
        "birth_month": ["1980-01", "1981-01", "2015-01", "2022-06", None],
        "sex": ["M", "M", None, "F", "F"],
    })  # fmt: skip
    labels = member_labels(people, ["a", "b", "c", "d", "e", "x"], pd.Timestamp("2021-01-15"))
    assert labels == {
        "a": "Father 1", "b": "Father 2", "e": "Carer", "x": "Member",
        "c": "Child 1, aged 6 at first contact", "d": "Child 2, born later",
    }  # fmt: skip


def test_a_large_journey_is_marked_aggregated():
    assert not family_export(CONTACTS, PEOPLE).aggregated
    assert family_export(CONTACTS, PEOPLE, max_contacts=3).aggregated


def test_contacts_of_two_families_are_refused():
    two = pd.concat([CONTACTS, CONTACTS.assign(family_id="OTHER", contact_id="X")])
    with pytest.raises(ParameterError, match="several"):
        family_export(two, PEOPLE)


FLOWS = pd.DataFrame({
    "cohort": ["all"] * 5 + ["escalated"],
    "from_agency": ["Police", "Police", "School", "GP", "GP", "Police"],
    "to_agency": ["School", "Police", "Police", "Police", "School", "School"],
    "transitions": [40, 30, 9, 6, 2, 7],
    "families": [20, 12, 5, 4, 1, 6],
    "median_days": [7.0, 1.0, 3.0, 12.0, None, 4.0],
})  # fmt: skip
ENDS = pd.DataFrame({"cohort": ["all"] * 3, "agency": ["Police", "School", "GP"],
                     "starts": [15, 0, 4], "ends": [3, 12, 9]})  # fmt: skip


def test_pathways_leave_out_the_counts_of_few_families():
    model = pathways_export(FLOWS, ENDS)
    pairs = list(zip(model.flows["from_agency"], model.flows["to_agency"], strict=True))
    # families 4 and 1 are 1 to 4: left out; 5 is shown. Ends: GP starts 4, Police ends 3.
    assert pairs == [("Police", "School"), ("Police", "Police"), ("School", "Police")]
    assert model.ends["agency"].tolist() == ["School"]
    assert model.suppressed == 4
    assert model.sectors == {"Police": "police", "School": "education"}  # only those shown


def test_pathways_identified_keep_every_count_and_nhs_rule_leaves_out_more():
    assert len(pathways_export(FLOWS, ENDS, identified=True).flows) == 5
    assert len(pathways_export(FLOWS, ENDS, rule=RULES["nhs"]).flows) == 2  # 5 and 4 out too


def test_pathways_cohort_minimum_and_collapse_repeats():
    assert pathways_export(FLOWS, ENDS, cohort="escalated").flows["transitions"].tolist() == [7]
    kept = pathways_export(FLOWS, ENDS, identified=True, min_transitions=9, collapse_repeats=True)
    assert kept.flows["transitions"].tolist() == [40, 9]
    assert kept.parameters == {"cohort": "all", "min_transitions": 9, "collapse_repeats": True}
    with pytest.raises(ParameterError, match="min_transitions"):
        pathways_export(FLOWS, ENDS, min_transitions=0)
