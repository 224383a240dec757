"""The data contract's column specs: one description of each frame, used by every checker."""

import pandas as pd
import pytest

from journey.contract import (
    CONTACT_COLUMNS,
    CONTACTS,
    FAMILIES,
    LEAD_PERIODS,
    PEOPLE,
    RULES,
    empty_frame,
    require_columns,
)
from journey.errors import MissingColumnError


@pytest.mark.parametrize("spec", [CONTACTS, PEOPLE, FAMILIES, LEAD_PERIODS])
def test_an_empty_frame_has_every_column_and_its_dtype(spec):
    frame = spec.empty()
    assert frame.empty and list(frame.columns) == spec.columns
    assert {c: str(t) for c, t in frame.dtypes.items()} == dict(spec.dtypes)
    assert set(spec.required) <= set(spec.columns)
    assert spec.optional == [
        c for c in spec.columns if c not in spec.required and c not in spec.derived
    ]


def test_contacts_spec_is_the_contract():
    assert CONTACT_COLUMNS == CONTACTS.columns
    assert CONTACTS.required == ("contact_id", "person_id", "agency", "contact_type", "occurred_at")
    assert CONTACTS.dtypes["occurred_at"] == "datetime64[ns]"
    # A source never gives the sector (the taxonomy does), so it is neither optional nor text.
    assert CONTACTS.optional == ["family_id", "referred_by", "service", "source_system"]
    assert "sector" not in CONTACTS.text and "occurred_at" not in CONTACTS.text


def test_missing_columns_are_named_with_the_source_and_rule():
    frame = pd.DataFrame({"person_id": ["p1"]})
    with pytest.raises(MissingColumnError) as caught:
        PEOPLE.require(frame, source="people.csv")
    assert caught.value.columns == ["family_id"] and caught.value.path == "people.csv"
    assert "rule C001" in str(caught.value)
    require_columns(frame, ["person_id"], "people.csv")  # present: no error
    with pytest.raises(MissingColumnError, match="contacts: missing required column"):
        require_columns(frame, ["contact_id"])


def test_empty_frame_keeps_the_order_given():
    frame = empty_frame({"b": "int64", "a": "boolean"})
    assert list(frame.columns) == ["b", "a"] and str(frame.dtypes["a"]) == "boolean"


def test_every_rule_id_is_unique_and_described():
    assert all(len(rule) == 4 and rule[0] in "CPFRM" for rule in RULES)
    assert all(description and description[0].islower() for description in RULES.values())
