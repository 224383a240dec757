"""Validation of raw rows against the data contract: every rule, with its line and reason."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from journey.errors import MissingColumnError
from journey.taxonomy import default_taxonomy
from journey.validation import parse_times, validate_contacts, validate_families, validate_people

HEADER = ["contact_id", "person_id", "family_id", "agency", "contact_type", "occurred_at"]


def raw(rows, columns=HEADER):
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    frame["line"] = range(2, len(frame) + 2)
    return frame


def check(rows, **kwargs):
    return validate_contacts(
        raw(rows), source="contacts.csv", taxonomy=default_taxonomy(), **kwargs
    )


def test_valid_row_is_normalised():
    result = check([("c1", "p1", "F1", " Sussex  Police ", "Home Visit", "2021-03-01")])
    assert result.rejects.empty
    row = result.valid.iloc[0]
    assert (row.agency, row.sector, row.contact_type) == ("Police", "police", "home_visit")
    assert row.occurred_at == pd.Timestamp("2021-03-01")


@pytest.mark.parametrize(
    ("row", "rule"),
    [
        (("", "p1", "F1", "Police", "incident", "2021-03-01"), "C101"),
        (("c1", " ", "F1", "Police", "incident", "2021-03-01"), "C102"),
        (("c1", "p1", "", "Police", "incident", "2021-03-01"), "C103"),
        (("c1", "p1", "F1", "", "incident", "2021-03-01"), "C104"),
        (("c1", "p1", "F1", "Police", "", "2021-03-01"), "C105"),
        (("c1", "p1", "F1", "Police", "incident", "01/03/2021"), "C106"),
        (("c1", "p1", "F1", "Police", "incident", "2021-02-30"), "C106"),
        (("c1", "p1", "F1", "Police", "incident", "2099-01-01"), "C107"),
        (("c1", "p1", "F1", "Police\x1f", "incident", "2021-03-01"), "C109"),
        (("c\x00", "p1", "F1", "Police", "incident", "2021-03-01"), "C109"),
    ],
)
def test_each_rule_rejects_with_line_and_reason(row, rule):
    good = ("c0", "p0", "F0", "Police", "incident", "2021-01-01")
    result = check([good, row])
    assert len(result.valid) == 1
    assert result.rejects["rule"].tolist() == [rule]
    assert result.rejects["line"].tolist() == [3]
    assert result.rejects["reason"].iloc[0].startswith(rule + ": ")


def test_duplicate_key_names_the_first_line():
    row = ("c1", "p1", "F1", "Police", "incident", "2021-03-01")
    result = check([row, ("c2", "p1", "F1", "School", "exclusion", "2021-03-02"), row])
    assert result.rejects["rule"].tolist() == ["C108"]
    assert "(2)" in result.rejects["reason"].iloc[0]


def test_missing_required_column_refuses_the_file():
    frame = raw([("c1", "p1", "F1", "Police")], HEADER[:4])
    with pytest.raises(MissingColumnError) as error:
        validate_contacts(frame, source="x/contacts.csv", taxonomy=default_taxonomy())
    assert "x/contacts.csv" in str(error.value) and "contact_type" in str(error.value)
    assert "occurred_at" in str(error.value)


def test_family_comes_from_people_when_absent():
    frame = raw(
        [("c1", "p1", "Police", "incident", "2021-03-01")], [h for h in HEADER if h != "family_id"]
    )
    result = validate_contacts(
        frame, source="c.csv", taxonomy=default_taxonomy(), person_family=pd.Series({"p1": "F9"})
    )
    assert result.valid["family_id"].tolist() == ["F9"]


def test_unknown_agency_is_kept_as_written_with_a_warning():
    result = check([("c1", "p1", "F1", "Kind Hearts Shop", "support_session", "2021-03-01")])
    assert result.valid[["agency", "sector"]].values.tolist() == [["Kind Hearts Shop", "other"]]
    assert any("Kind Hearts Shop" in w for w in result.warnings)


def test_times_with_offsets_become_london_wall_clock():
    # 23:30 UTC on 1 July is 00:30 BST on 2 July; in January London is on UTC.
    parsed = parse_times(
        pd.Series(["2021-07-01T23:30:00Z", "2021-01-01T23:30:00+00:00", "2021-07-01"])
    )
    assert parsed.tolist() == [
        pd.Timestamp("2021-07-02 00:30"),
        pd.Timestamp("2021-01-01 23:30"),
        pd.Timestamp("2021-07-01"),
    ]


def test_people_rules():
    frame = pd.DataFrame(
        [
            ("p1", "F1", "child", "2010-05", "F"),
            ("p2", "F1", "child", "2010-13", "M"),
            ("p3", "F1", "king", "2010-01", ""),
            ("p1", "F1", "adult", "1980-01", ""),
        ],
        columns=["person_id", "family_id", "role", "birth_month", "sex"],
    )
    frame["line"] = range(2, 6)
    result = validate_people(frame, source="people.csv")
    assert result.valid["person_id"].tolist() == ["p1"]
    assert result.rejects["rule"].tolist() == ["P103", "P104", "P105"]


def test_family_rules_and_lead_periods():
    frame = pd.DataFrame(
        [
            ("F1", "Ward A", "2020-01-01", "2020-06-01"),
            ("F1", "Ward A", "2021-01-01", ""),
            ("F2", "Ward B", "2020-06-01", "2020-01-01"),
            ("F3", "", "", "2020-01-01"),
            ("F4", "Ward C", "", ""),
        ],
        columns=["family_id", "area", "lead_from", "lead_to"],
    )
    frame["line"] = range(2, 7)
    checked, periods = validate_families(frame, source="families.csv")
    assert checked.rejects["rule"].tolist() == ["F103", "F104"]
    assert checked.valid["family_id"].tolist() == ["F1", "F4"]
    assert len(periods) == 2 and periods["lead_to"].isna().sum() == 1


cells = st.one_of(
    st.just(""), st.just("x"), st.text(max_size=5), st.sampled_from(["2021-01-01", "Police"])
)


@given(st.lists(st.tuples(*[cells] * 6), max_size=30))
def test_nothing_is_lost(rows):
    result = check(rows)
    assert len(result.valid) + len(result.rejects) == len(rows)
    assert sorted(result.rejects["line"].tolist() + []) == sorted(set(result.rejects["line"]))


def test_values_that_are_not_text_are_read_as_text():
    frame = pd.DataFrame(
        {"contact_id": pd.Series([101, None], dtype=object), "person_id": [7, 8],
         "family_id": ["F1", "F1"],
         "agency": ["Police", "School"], "contact_type": ["incident", "exclusion"],
         "occurred_at": ["2021-01-01", "2021-01-02"], "line": [2, 3]}
    )  # fmt: skip
    result = validate_contacts(frame, source="frame", taxonomy=default_taxonomy())
    assert result.valid[["contact_id", "person_id"]].values.tolist() == [["101", "7"]]
    assert result.rejects["rule"].tolist() == ["C101"]
