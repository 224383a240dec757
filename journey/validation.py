"""Validation of raw input rows against the data contract, with a rule id for every reject.

Input frames are read with every column as text plus a ``line`` column (the
1-based line of the source file; the header is line 1). Validation returns the
rows that pass, normalised to the contract's types, and the rows that fail,
each with the rule it broke and a reason. Nothing is dropped silently:
``len(valid) + len(rejects) == len(raw)``. The rules are
:data:`journey.contract.RULES` (see docs/data-contract.md#validation-rules).

Times: ``occurred_at`` accepts an ISO 8601 date or date-time. A value with an
offset is converted to Europe/London; a value without one is taken to be
Europe/London already. Frames carry London wall-clock time as naive
``datetime64[ns]`` so that a contact's date is the date its agency recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from journey.contract import CONTACTS, PEOPLE, ROLES, RULES, TIME_ZONE, require_columns
from journey.taxonomy import Taxonomy

__all__ = [
    "Validated",
    "validate_contacts",
    "validate_people",
    "validate_families",
    "parse_times",
]


@dataclass
class Validated:
    """Rows that passed (normalised), rows that failed (``line``, ``rule``, ``reason``)."""

    valid: pd.DataFrame
    rejects: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


# Control characters never belong in an id or a name (tab, newline and carriage return aside).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")


def parse_times(values: pd.Series) -> pd.Series:
    """Parse ISO 8601 dates and date-times to naive Europe/London wall-clock times (NaT if bad).

    Examples
    --------
    >>> parse_times(pd.Series(["2021-06-01", "2021-06-01T12:00:00+00:00", "31/12/2020"])).tolist()
    [Timestamp('2021-06-01 00:00:00'), Timestamp('2021-06-01 13:00:00'), NaT]
    """
    text = values.astype("string").str.strip()
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    has_offset = text.str.contains(_OFFSET, na=False)
    # A bare date or date-time must start with YYYY-MM-DD; anything else is refused
    # rather than guessed (day-first dates are ambiguous).
    iso_like = text.str.match(r"^\d{4}-\d{2}-\d{2}", na=False)
    naive = iso_like & ~has_offset
    if naive.any():
        result[naive] = pd.to_datetime(text[naive], format="ISO8601", errors="coerce")
    aware = iso_like & has_offset
    if aware.any():
        parsed = pd.to_datetime(text[aware], format="ISO8601", errors="coerce", utc=True)
        result[aware] = parsed.dt.tz_convert(TIME_ZONE).dt.tz_localize(None)
    return result


def _clean_text(series: pd.Series) -> pd.Series:
    """Trimmed text, with empty and missing values as None (a plain loop: far faster than .str)."""
    cleaned = [
        (value.strip() or None) if type(value) is str else _other_text(value)
        for value in series.to_numpy(dtype=object)
    ]
    return pd.Series(cleaned, index=series.index, dtype=object)


def _other_text(value: object) -> str | None:
    """A value that is not text (a number from a notebook's frame): its text, or None if missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    return str(value).strip() or None


def _blank(series: pd.Series) -> pd.Series:
    return _clean_text(series).isna()


def _has_control(series: pd.Series) -> pd.Series:
    """Which values hold a control character; one scan of the column's text when none does."""
    values = [value if isinstance(value, str) else "" for value in series.to_numpy(dtype=object)]
    if _CONTROL.search("\n".join(values)) is None:
        return pd.Series(False, index=series.index)
    return pd.Series([_CONTROL.search(v) is not None for v in values], index=series.index)


class _Rejector:
    """Collects the first failing rule of each row, in rule order."""

    def __init__(self, raw: pd.DataFrame):
        self.raw = raw
        self.reason = pd.Series(None, index=raw.index, dtype=object)

    def check(self, failed: pd.Series, rule: str, detail: str | None = None) -> None:
        fresh = failed & self.reason.isna()
        if fresh.any():
            self.reason[fresh] = f"{rule}: {detail or RULES[rule]}"

    @property
    def ok(self) -> pd.Series:
        return self.reason.isna()

    def rejects(self) -> pd.DataFrame:
        bad = self.raw[~self.ok].copy()
        bad.insert(0, "reason", self.reason[~self.ok])
        bad.insert(0, "rule", self.reason[~self.ok].str.slice(0, 4))
        return bad


def _normalised(
    frame: pd.DataFrame, cleaned: dict[str, pd.Series], ok: pd.Series, taxonomy: Taxonomy,
    source: str,
) -> tuple[pd.DataFrame, list[str]]:
    """The rows that passed, in the contract's types and the taxonomy's names; the warnings."""
    agency, sector, unknown = taxonomy.normalise_agencies(frame.loc[ok, "agency"])
    referred = _clean_text(frame.loc[ok, "referred_by"])
    referred_agency, _, unknown_referrers = taxonomy.normalise_agencies(referred)
    # Normalise each distinct spelling once, not each row.
    codes, spellings = pd.factorize(cleaned["contact_type"][ok])
    contact_type = pd.Series(
        np.array([taxonomy.normalise_contact_type(t) for t in spellings], dtype=object)[codes],
        index=cleaned["contact_type"][ok].index,
    )
    valid = pd.DataFrame(
        {
            "contact_id": cleaned["contact_id"][ok],
            "person_id": cleaned["person_id"][ok],
            "family_id": cleaned["family_id"][ok],
            "agency": agency,
            "sector": sector,
            "contact_type": contact_type,
            "occurred_at": cleaned["occurred_at"][ok],
            "referred_by": referred_agency.where(referred.notna(), None),
            "service": _clean_text(frame.loc[ok, "service"]),
            "source_system": _clean_text(frame.loc[ok, "source_system"]),
        }
    )
    warnings = []
    if unknown or unknown_referrers:
        names = sorted(set(unknown) | set(unknown_referrers))
        warnings.append(
            f"{source}: {len(names)} agency name(s) not in the taxonomy, kept as written in "
            f"sector 'other': {', '.join(names)}"
        )
    unknown_types = sorted(set(contact_type.unique()) - set(taxonomy.contact_types))
    if unknown_types:
        warnings.append(
            f"{source}: {len(unknown_types)} contact type(s) not in the taxonomy (they evidence "
            f"no indicator): {', '.join(unknown_types)}"
        )
    return valid.reset_index(drop=True), warnings


def validate_contacts(
    raw: pd.DataFrame,
    *,
    source: str,
    taxonomy: Taxonomy,
    person_family: pd.Series | None = None,
    now: pd.Timestamp | None = None,
) -> Validated:
    """Check a raw contacts frame against the contract and normalise the rows that pass.

    Parameters
    ----------
    raw : DataFrame
        Text columns as read from the file, plus ``line``.
    source : str
        The file's name, for error messages.
    taxonomy : Taxonomy
        Maps agency names to canonical agencies and sectors.
    person_family : Series, optional
        person_id -> family_id from people.csv, used when a row has no family_id.
    now : Timestamp, optional
        Contacts after ``now`` plus one day are rejected (rule C107).

    Raises
    ------
    MissingColumnError
        When a required column is missing (rule C001); nothing is validated.

    Examples
    --------
    >>> from journey.taxonomy import default_taxonomy
    >>> raw = pd.DataFrame({
    ...     "contact_id": ["c1", "c2"], "person_id": ["p1", "p1"], "family_id": ["F1", "F1"],
    ...     "agency": ["Sussex Police", "School"], "contact_type": ["Incident", "exclusion"],
    ...     "occurred_at": ["2021-03-01", "01/03/2021"], "line": [2, 3]})
    >>> checked = validate_contacts(raw, source="contacts.csv", taxonomy=default_taxonomy())
    >>> checked.valid[["agency", "sector", "contact_type"]].values.tolist()
    [['Police', 'police', 'incident']]
    >>> checked.rejects[["line", "rule"]].values.tolist()
    [[3, 'C106']]
    """
    required = list(CONTACTS.required)
    if person_family is None:
        required.insert(2, "family_id")
    require_columns(raw, required, source)
    frame = raw.copy()
    for column in CONTACTS.optional:
        if column not in frame.columns:
            frame[column] = None
    check = _Rejector(raw)
    contact = _clean_text(frame["contact_id"])
    person = _clean_text(frame["person_id"])
    family = _clean_text(frame["family_id"])
    agency_text = _clean_text(frame["agency"])
    type_text = _clean_text(frame["contact_type"])
    check.check(contact.isna(), "C101")
    check.check(person.isna(), "C102")
    if person_family is not None:
        family = family.where(family.notna(), person.map(person_family))
    check.check(family.isna(), "C103")
    check.check(agency_text.isna(), "C104")
    check.check(type_text.isna(), "C105")
    occurred = parse_times(frame["occurred_at"])
    check.check(occurred.isna(), "C106")
    limit = (now or pd.Timestamp.now(tz=TIME_ZONE).tz_localize(None)) + pd.Timedelta(days=1)
    check.check(occurred > limit, "C107")
    control = pd.Series(False, index=frame.index)
    for column in CONTACTS.text:
        control |= _has_control(frame[column])
    check.check(control, "C109")
    key = contact.astype(str) + "\x1f" + person.astype(str)
    first_line = frame["line"].groupby(key).transform("first")
    duplicate = key.duplicated() & check.ok
    check.check(duplicate, "C108")
    if duplicate.any():
        check.reason[duplicate] = (
            "C108: " + RULES["C108"] + " (" + first_line[duplicate].astype(str) + ")"
        )

    cleaned = {"contact_id": contact, "person_id": person, "family_id": family,
               "contact_type": type_text, "occurred_at": occurred}  # fmt: skip
    valid, warnings = _normalised(frame, cleaned, check.ok, taxonomy, source)
    return Validated(valid=valid, rejects=check.rejects(), warnings=warnings)


def validate_people(raw: pd.DataFrame, *, source: str) -> Validated:
    """Check a raw people frame (person_id, family_id, role, birth_month, sex)."""
    require_columns(raw, ["person_id", "family_id"], source)
    frame = raw.copy()
    for column in PEOPLE.columns:
        if column not in frame.columns:
            frame[column] = None
    check = _Rejector(raw)
    check.check(_blank(frame["person_id"]), "P101")
    check.check(_blank(frame["family_id"]), "P102")
    birth = _clean_text(frame["birth_month"])
    bad_birth = birth.notna() & ~birth.astype("string").str.fullmatch(
        r"\d{4}-(0[1-9]|1[0-2])"
    ).fillna(False)
    check.check(bad_birth.astype(bool), "P103")
    role = _clean_text(frame["role"])
    role = role.where(role.isna(), role.astype("string").str.lower())
    check.check(role.notna() & ~role.isin(ROLES), "P104")
    person = _clean_text(frame["person_id"])
    check.check(person.duplicated() & check.ok, "P105")
    ok = check.ok
    valid = pd.DataFrame(
        {
            "person_id": person[ok],
            "family_id": _clean_text(frame.loc[ok, "family_id"]),
            "role": role[ok].astype(object).where(role[ok].notna(), None),
            "birth_month": birth[ok],
            "sex": _clean_text(frame.loc[ok, "sex"]),
        }
    )
    return Validated(valid=valid.reset_index(drop=True), rejects=check.rejects())


def validate_families(raw: pd.DataFrame, *, source: str) -> tuple[Validated, pd.DataFrame]:
    """Check a raw families frame; return (families, lead periods).

    A family may appear on several lines, one per lead-professional period;
    its area is taken from its first line.
    """
    require_columns(raw, ["family_id"], source)
    frame = raw.copy()
    for column in ["area", "lead_from", "lead_to"]:
        if column not in frame.columns:
            frame[column] = None
    check = _Rejector(raw)
    check.check(_blank(frame["family_id"]), "F101")
    lead_from_text = _clean_text(frame["lead_from"])
    lead_to_text = _clean_text(frame["lead_to"])
    lead_from = parse_times(lead_from_text)
    lead_to = parse_times(lead_to_text)
    bad = (lead_from_text.notna() & lead_from.isna()) | (lead_to_text.notna() & lead_to.isna())
    check.check(bad, "F102")
    check.check(lead_to < lead_from, "F103")
    check.check(lead_to_text.notna() & lead_from_text.isna(), "F104")
    ok = check.ok
    family = _clean_text(frame["family_id"])
    rows = pd.DataFrame({"family_id": family[ok], "area": _clean_text(frame.loc[ok, "area"])})
    families = rows.drop_duplicates("family_id", keep="first").reset_index(drop=True)
    periods = pd.DataFrame(
        {"family_id": family[ok], "lead_from": lead_from[ok], "lead_to": lead_to[ok]}
    )
    periods = periods[periods["lead_from"].notna()].drop_duplicates().reset_index(drop=True)
    return Validated(valid=families, rejects=check.rejects()), periods
