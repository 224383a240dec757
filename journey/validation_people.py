"""Validation of the people and families files against the data contract (rules P… and F…).

As for contacts (:mod:`journey.validation`): every row is loaded, rejected
with the first rule it breaks, or counted as an exact copy of an earlier row.
"""

from __future__ import annotations

import pandas as pd

from journey.contract import EARLIEST_DAY, PEOPLE, ROLES, require_columns
from journey.rejection import Rejector, Validated, clean_text, exact_duplicates, too_long
from journey.times import parse_times_checked

__all__ = ["validate_people", "validate_families"]


def validate_people(raw: pd.DataFrame, *, source: str) -> Validated:
    """Check a raw people frame (person_id, family_id, role, birth_month, sex).

    Examples
    --------
    >>> raw = pd.DataFrame({"person_id": ["p1", "p1", "p1"], "family_id": ["F1", "F1", "F2"],
    ...                     "line": [2, 3, 4]})
    >>> checked = validate_people(raw, source="people.csv")
    >>> checked.valid["family_id"].tolist(), checked.rejects["rule"].tolist(), checked.duplicates
    (['F1'], ['P105'], 1)
    """
    require_columns(raw, ["person_id", "family_id"], source)
    frame = raw.copy()
    for column in PEOPLE.columns:
        if column not in frame.columns:
            frame[column] = None
    check = Rejector(raw, duplicates=exact_duplicates(raw))
    text = {column: clean_text(frame[column]) for column in PEOPLE.columns}
    check.check(text["person_id"].isna(), "P101")
    check.check(text["family_id"].isna(), "P102")
    check.check(too_long(text, frame.index), "P106")
    birth = text["birth_month"]
    bad_birth = birth.notna() & ~birth.astype("string").str.fullmatch(
        r"\d{4}-(0[1-9]|1[0-2])"
    ).fillna(False)
    check.check(bad_birth.astype(bool), "P103")
    role = text["role"]
    role = role.where(role.isna(), role.astype("string").str.lower())
    check.check(role.notna() & ~role.isin(ROLES), "P104")
    person = text["person_id"]
    check.check(person.where(~check.duplicate).duplicated() & person.notna(), "P105")
    ok = check.ok
    valid = pd.DataFrame(
        {
            "person_id": person[ok],
            "family_id": text["family_id"][ok],
            "role": role[ok].astype(object).where(role[ok].notna(), None),
            "birth_month": birth[ok],
            "sex": text["sex"][ok],
        }
    )
    return check.validated(valid.reset_index(drop=True))


def validate_families(raw: pd.DataFrame, *, source: str) -> tuple[Validated, pd.DataFrame]:
    """Check a raw families frame; return (families, lead periods).

    A family may appear on several lines, one per lead-professional period;
    its area is taken from its first line. A period may name its lead
    professional (``lead_worker``) and their team (``lead_team``); both are optional.

    Examples
    --------
    >>> raw = pd.DataFrame({"family_id": ["F1", "F1", "F1"], "lead_from": ["2021-01-04", "",
    ...                     "1899-12-30"], "line": [2, 3, 4]})
    >>> checked, periods = validate_families(raw, source="families.csv")
    >>> checked.valid["family_id"].tolist(), checked.rejects["rule"].tolist(), len(periods)
    (['F1'], ['F105'], 1)
    """
    require_columns(raw, ["family_id"], source)
    frame = raw.copy()
    for column in ["area", "lead_from", "lead_to", "lead_worker", "lead_team"]:
        if column not in frame.columns:
            frame[column] = None
    check = Rejector(raw, duplicates=exact_duplicates(raw))
    text = {
        column: clean_text(frame[column])
        for column in ["family_id", "area", "lead_worker", "lead_team"]
    }
    check.check(text["family_id"].isna(), "F101")
    check.check(too_long(text, frame.index), "F106")
    lead_from_text = clean_text(frame["lead_from"])
    lead_to_text = clean_text(frame["lead_to"])
    lead_from, lead_to = parse_times_checked(lead_from_text), parse_times_checked(lead_to_text)
    early = pd.Series(False, index=frame.index)
    late = pd.Series(False, index=frame.index)
    bad = pd.Series(False, index=frame.index)
    for given, parsed in ((lead_from_text, lead_from), (lead_to_text, lead_to)):
        early |= parsed.too_early | (parsed.times < pd.Timestamp(EARLIEST_DAY))
        late |= parsed.too_late
        bad |= given.notna() & parsed.times.isna() & ~parsed.too_early & ~parsed.too_late
    check.check(bad, "F102")
    check.check(late, "F102", "a date after 2261 is too far ahead to hold")
    check.check(early, "F105")
    check.check(lead_to.times < lead_from.times, "F103")
    check.check(lead_to_text.notna() & lead_from_text.isna(), "F104")
    ok = check.ok
    family = text["family_id"]
    rows = pd.DataFrame({"family_id": family[ok], "area": text["area"][ok]})
    families = rows.drop_duplicates("family_id", keep="first").reset_index(drop=True)
    periods = pd.DataFrame(
        {"family_id": family[ok], "lead_from": lead_from.times[ok], "lead_to": lead_to.times[ok],
         "lead_worker": text["lead_worker"][ok], "lead_team": text["lead_team"][ok]}
    )  # fmt: skip
    periods = periods[periods["lead_from"].notna()].drop_duplicates().reset_index(drop=True)
    return check.validated(families), periods
