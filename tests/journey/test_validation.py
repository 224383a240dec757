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
        (("c" * 65, "p1", "F1", "Police", "incident", "2021-03-01"), "C110"),
        (("c1", "p1", "F1", "Police", "x" * 501, "2021-03-01"), "C110"),
        (("c1", "p1", "F1", "Police", "incident", "1899-12-30"), "C113"),
        (("c1", "p1", "F1", "Police", "incident", "1900-01-01T23:59:59"), "C113"),
        (("c1", "p1", "F1", "Police", "incident", "1677-09-22"), "C113"),
        (("c1", "p1", "F1", "Police", "incident", "0001-01-01"), "C113"),
        (("c1", "p1", "F1", "Police", "incident", "3000-01-01"), "C107"),
        (("c1", "p1", "F1", "Police", "incident", "2021-01-05T10:00:00+01:00:00"), "C106"),
        (("c1", "p1", "F1", "Police", "incident", "2021-01-05T10:00:00+1"), "C106"),
    ],
)
def test_each_rule_rejects_with_line_and_reason(row, rule):
    good = ("c0", "p0", "F0", "Police", "incident", "2021-01-01")
    result = check([good, row])
    assert len(result.valid) == 1
    assert result.rejects["rule"].tolist() == [rule]
    assert result.rejects["line"].tolist() == [3]
    assert result.rejects["reason"].iloc[0].startswith(rule + ": ")


def test_an_exact_copy_is_a_duplicate_and_a_different_copy_names_the_first_line():
    row = ("c1", "p1", "F1", "Police", "incident", "2021-03-01")
    other = ("c2", "p1", "F1", "School", "exclusion", "2021-03-02")
    changed = ("c1", "p1", "F1", "Police", "arrest", "2021-03-01")
    result = check([row, other, row, changed])
    assert result.duplicates == 1 and len(result.valid) == 2
    assert result.rejects[["line", "rule"]].values.tolist() == [[5, "C108"]]
    assert result.rejects["reason"].iloc[0].endswith("(2)")
    assert result.rows_in == len(result.valid) + len(result.rejects) + result.duplicates


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
    assert periods["lead_worker"].isna().all()  # optional: a file without the column loads


def test_lead_worker_and_team_are_read_trimmed_and_limited():
    frame = pd.DataFrame(
        [
            ("F1", "2020-01-01", " Sam Key ", "North"),
            ("F2", "2020-01-01", "", ""),
            ("F3", "2020-01-01", "x" * 501, "North"),
        ],
        columns=["family_id", "lead_from", "lead_worker", "lead_team"],
    )
    frame["line"] = range(2, 5)
    checked, periods = validate_families(frame, source="families.csv")
    assert checked.rejects["rule"].tolist() == ["F106"]
    assert periods[["lead_worker", "lead_team"]].values.tolist() == [
        ["Sam Key", "North"], [None, None]]


cells = st.one_of(
    st.just(""), st.just("x"), st.text(max_size=5), st.sampled_from(["2021-01-01", "Police"])
)


@given(st.lists(st.tuples(*[cells] * 6), max_size=30))
def test_nothing_is_lost(rows):
    result = check(rows)
    assert len(result.valid) + len(result.rejects) + result.duplicates == len(rows)
    assert result.loaded == len(result.valid) and result.rows_in == len(rows)
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


def test_short_and_seconds_offsets_beside_plain_dates_do_not_crash():
    rows = [
        ("c1", "p1", "F1", "Police", "incident", "2021-01-05T10:00:00+05"),
        ("c2", "p1", "F1", "Police", "incident", "2021-01-05T10:00:00+01:00:00"),
        ("c3", "p1", "F1", "Police", "incident", "2021-01-05"),
        ("c4", "p1", "F1", "Police", "incident", "2021-01-05T10:00:00-0330"),
    ]
    result = check(rows)
    # 10:00 at +05 is 05:00 UTC, 05:00 in London in January; -03:30 is 13:30.
    assert result.valid["occurred_at"].tolist() == [
        pd.Timestamp("2021-01-05 05:00"), pd.Timestamp("2021-01-05"),
        pd.Timestamp("2021-01-05 13:30"),
    ]  # fmt: skip
    assert result.rejects[["line", "rule"]].values.tolist() == [[3, "C106"]]


@pytest.mark.parametrize("name", ["reason", "rule", "line", "source_file", "input_reason"])
def test_an_input_column_named_like_a_rejects_column_is_kept_under_a_safe_name(name):
    frame = raw([("", "p1", "F1", "Police", "incident", "2021-03-01")])
    frame.insert(0, name, ["kept"]) if name != "line" else None
    if name == "line":  # a reader renames its input's `line` before adding its own
        frame.insert(0, "input_line", ["kept"])
        name = "input_line"
    result = validate_contacts(frame, source="c.csv", taxonomy=default_taxonomy())
    rejects = result.rejects
    assert list(rejects.columns[:3]) == ["line", "rule", "reason"]
    assert rejects["rule"].tolist() == ["C101"] and rejects["line"].tolist() == [2]
    kept = [c for c in rejects.columns if c.endswith(name) and c not in ("rule", "reason")]
    assert len(kept) == 1 and rejects[kept[0]].tolist() == ["kept"]


def test_a_person_in_two_families_is_held_back_entirely():
    rows = [
        ("c1", "p1", "F1", "Police", "incident", "2021-03-01"),
        ("c2", "p2", "F1", "School", "exclusion", "2021-03-02"),
        ("c3", "p1", "F2", "GP", "appointment", "2021-03-03"),
    ]
    result = check(rows)
    assert result.valid["contact_id"].tolist() == ["c2"]
    assert result.rejects[["line", "rule"]].values.tolist() == [[2, "C111"], [4, "C111"]]


def test_a_family_other_than_the_persons_in_people_csv_is_rejected():
    rows = [
        ("c1", "p1", "F1", "Police", "incident", "2021-03-01"),
        ("c2", "p1", "F2", "School", "exclusion", "2021-03-02"),
        ("c3", "p1", "", "GP", "appointment", "2021-03-03"),
    ]
    result = check(rows, person_family=pd.Series({"p1": "F1"}))
    assert result.valid[["contact_id", "family_id"]].values.tolist() == [["c1", "F1"], ["c3", "F1"]]
    assert result.rejects[["line", "rule"]].values.tolist() == [[3, "C112"]]


def test_the_rows_of_one_contact_must_agree():
    rows = [
        ("c1", "p1", "F1", "Sussex Police", "Incident", "2021-03-01"),
        ("c1", "p2", "F1", "police", "incident", "2021-03-01"),  # the same, spelt otherwise
        ("c1", "p3", "F1", "School", "incident", "2021-03-01"),
        ("c1", "p4", "F1", "Police", "incident", "2021-03-02"),
    ]
    result = check(rows)
    assert result.valid["person_id"].tolist() == ["p1", "p2"]
    assert result.rejects[["line", "rule"]].values.tolist() == [[4, "C115"], [5, "C115"]]
    assert result.rejects["reason"].str.endswith("(2)").all()


def test_unknown_agencies_are_rejected_under_strict():
    rows = [
        ("c1", "p1", "F1", "Kind Hearts Shop", "support_session", "2021-03-01"),
        ("c2", "p1", "F1", "Police", "incident", "2021-03-02"),
    ]
    assert len(check(rows).valid) == 2
    strict = check(rows, strict=True)
    assert strict.valid["contact_id"].tolist() == ["c2"]
    assert strict.rejects["rule"].tolist() == ["C114"]
    assert not any("Kind Hearts" in w for w in strict.warnings)


def test_people_and_family_limits_duplicates_and_stand_in_dates():
    people = pd.DataFrame({"person_id": ["p1", "p1", "p" * 65], "family_id": ["F1"] * 3,
                           "line": [2, 3, 4]})  # fmt: skip
    checked = validate_people(people, source="people.csv")
    assert (checked.duplicates, checked.rejects["rule"].tolist()) == (1, ["P106"])
    families = pd.DataFrame({"family_id": ["F1", "F2", "F3", "F1"],
                             "area": ["A", "B" * 501, "C", "A"],
                             "lead_from": ["1900-01-01", "", "3000-01-01", "1900-01-01"],
                             "line": [2, 3, 4, 5]})  # fmt: skip
    checked, periods = validate_families(families, source="families.csv")
    assert checked.rejects["rule"].tolist() == ["F105", "F106", "F102"]
    assert checked.duplicates == 1 and checked.loaded == 0 and periods.empty
