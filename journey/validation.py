"""Validation of raw input rows against the data contract, with a rule id for every reject.

Input frames are read with every column as text plus a ``line`` column (the
line of the source file where the row starts; the header is line 1).
Validation returns the rows that pass, normalised to the contract's types,
the rows that fail, each with the rule it broke and a reason, and how many
rows were exact copies of an earlier one. Nothing is dropped silently:
``rows_in == loaded + len(rejects) + duplicates``. The rules are
:data:`journey.contract.RULES` (see docs/data-contract.md#validation-rules).

Times are read by :mod:`journey.times`: frames carry London wall-clock time
as naive ``datetime64[ns]``, so that a contact's date is the date its agency
recorded.

The people and families files are checked by :mod:`journey.validation_people`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from journey.contract import CONTACTS, EARLIEST_DAY, TIME_ZONE, require_columns
from journey.rejection import (
    Rejector,
    Validated,
    clean_text,
    exact_duplicates,
    first_position,
    has_control,
    too_long,
)
from journey.taxonomy import Taxonomy
from journey.times import parse_times, parse_times_checked
from journey.validation_people import validate_families, validate_people

__all__ = [
    "Validated",
    "validate_contacts",
    "validate_people",
    "validate_families",
    "parse_times",
]


def _check_times(check: Rejector, occurred_at: pd.Series, now: pd.Timestamp | None) -> pd.Series:
    """Rules C106 (not ISO 8601), C113 (a stand-in date), C107 (the future); the times."""
    parsed = parse_times_checked(occurred_at)
    times = parsed.times
    check.check(times.isna() & ~parsed.too_early & ~parsed.too_late, "C106")
    check.check(parsed.too_early | (times < pd.Timestamp(EARLIEST_DAY)), "C113")
    limit = (now or pd.Timestamp.now(tz=TIME_ZONE).tz_localize(None)) + pd.Timedelta(days=1)
    check.check(parsed.too_late | (times > limit), "C107")
    return times


def _normalised_names(
    text: dict[str, pd.Series], ok: pd.Series, taxonomy: Taxonomy
) -> dict[str, pd.Series | list[str]]:
    """Canonical agencies, sectors, referrers and snake-case types of the rows that pass so far.

    The series cover every row (missing where a row had already failed).
    """
    agency, sector, unknown = taxonomy.normalise_agencies(text["agency"][ok])
    referred = text["referred_by"][ok]
    referred_agency, _, unknown_referrers = taxonomy.normalise_agencies(referred)
    # Normalise each distinct spelling once, not each row.
    codes, spellings = pd.factorize(text["contact_type"][ok])
    contact_type = pd.Series(
        np.array([taxonomy.normalise_contact_type(t) for t in spellings] + [None],
                 dtype=object)[codes],
        index=agency.index,
    )  # fmt: skip
    names = {
        "agency": agency, "sector": sector, "contact_type": contact_type,
        "referred_by": referred_agency.where(referred.notna(), None),
    }  # fmt: skip
    every = ok.index
    names = {k: v.reindex(every).astype(object).where(ok, None) for k, v in names.items()}
    return {**names, "unknown": unknown, "unknown_referrers": unknown_referrers}


def _check_conflicts(
    check: Rejector,
    frame: pd.DataFrame,
    text: dict[str, pd.Series],
    names: dict,
    times: pd.Series,
) -> None:
    """Rules C108 (a conflicting copy), C115 (a contact's rows disagree), then C112 and C111.

    Exact copies were set aside already, so a key seen twice here means two
    different rows. Ids are compared as integer codes: far cheaper than text.
    """
    lines = frame["line"].to_numpy()
    contact, person = (pd.factorize(text[c])[0].astype(np.int64) for c in ("contact_id",
                                                                              "person_id"))
    kept = ~check.duplicate.to_numpy()
    key = pd.Series(contact * (person.max(initial=0) + 2) + person)[kept]
    again = pd.Series(False, index=frame.index)
    again[kept] = key.duplicated().to_numpy()
    check.check(again, "C108", _first_lines(key, lines[kept], frame.index[kept], frame.index))
    ok = check.ok.to_numpy()
    # Every row of a contact must agree with its first on the time, agency and type.
    first = first_position(pd.Series(contact[ok]))
    differs = np.zeros(int(ok.sum()), dtype=bool)
    for values in (times, names["agency"], names["contact_type"]):
        kept_values = values[ok].to_numpy()
        differs |= kept_values != kept_values[first]
    failed = pd.Series(False, index=frame.index)
    failed[ok] = differs
    check.check(failed, "C115",
                _first_lines(pd.Series(contact[ok]), lines[ok], frame.index[ok], frame.index))
    _check_families(check, text, person)


def _first_lines(keys: pd.Series, lines: np.ndarray, rows: pd.Index, index: pd.Index) -> pd.Series:
    """The first line of each row's key, over ``index`` (None off ``rows``), for a reason."""
    first = pd.Series(lines[first_position(keys)], index=rows, dtype=object)
    return first.reindex(index)


def _check_families(check: Rejector, text: dict[str, pd.Series], person: np.ndarray) -> None:
    """C112: a row whose family is not the person's in people.csv; C111: a person in two families.

    Either would show one family's contacts on another family's page. Which
    family is right cannot be told from the rows, so every row of such a
    person is held back, not only the later ones.
    """
    register = text.get("register_family")
    if register is not None:
        check.check(register.notna() & (register != text["family_id"]), "C112")
    ok = check.ok.to_numpy()
    family = pd.factorize(text["family_id"])[0][ok]
    first = first_position(pd.Series(person[ok]))
    split = np.unique(person[ok][family != family[first]])
    if len(split):
        check.check(pd.Series(np.isin(person, split) & ok, index=text["person_id"].index), "C111")


def _valid_rows(text: dict, names: dict, times: pd.Series, ok: pd.Series) -> pd.DataFrame:
    """The rows that passed, in the contract's columns and types."""
    return pd.DataFrame(
        {
            "contact_id": text["contact_id"][ok],
            "person_id": text["person_id"][ok],
            "family_id": text["family_id"][ok],
            "agency": names["agency"][ok],
            "sector": names["sector"][ok],
            "contact_type": names["contact_type"][ok],
            "occurred_at": times[ok],
            "referred_by": names["referred_by"][ok],
            "service": text["service"][ok],
            "source_system": text["source_system"][ok],
        }
    ).reset_index(drop=True)


def _warnings(
    valid: pd.DataFrame, names: dict, taxonomy: Taxonomy, source: str, strict: bool
) -> list[str]:
    """Agencies and contact types not in the taxonomy: named in a warning, never people.

    Under ``strict`` rows of unknown agencies are rejected (C114), not kept, so
    no warning says they were.
    """
    warnings = []
    unknown = sorted(set(names["unknown"]) | set(names["unknown_referrers"]))
    if unknown and not strict:
        warnings.append(
            f"{source}: {len(unknown)} agency name(s) not in the taxonomy, kept as written in "
            f"sector 'other': {', '.join(unknown)}"
        )
    unknown_types = sorted(set(valid["contact_type"].unique()) - set(taxonomy.contact_types))
    if unknown_types:
        warnings.append(
            f"{source}: {len(unknown_types)} contact type(s) not in the taxonomy (they evidence "
            f"no indicator): {', '.join(unknown_types)}"
        )
    return warnings


def validate_contacts(
    raw: pd.DataFrame,
    *,
    source: str,
    taxonomy: Taxonomy,
    person_family: pd.Series | None = None,
    now: pd.Timestamp | None = None,
    strict: bool = False,
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
        person_id -> family_id from people.csv: fills an empty family_id, and a
        row naming another family is rejected (C112).
    now : Timestamp, optional
        Contacts after ``now`` plus one day are rejected (rule C107).
    strict : bool
        Reject rows whose agency or referrer is not in the taxonomy (C114)
        instead of keeping them in sector ``other`` with a warning.

    Raises
    ------
    MissingColumnError
        When a required column is missing (rule C001); nothing is validated.

    Examples
    --------
    >>> from journey.taxonomy import default_taxonomy
    >>> raw = pd.DataFrame({
    ...     "contact_id": ["c1", "c2", "c1"], "person_id": ["p1", "p1", "p1"],
    ...     "family_id": ["F1", "F1", "F1"], "agency": ["Sussex Police", "School", "Sussex Police"],
    ...     "contact_type": ["Incident", "exclusion", "Incident"],
    ...     "occurred_at": ["2021-03-01", "01/03/2021", "2021-03-01"], "line": [2, 3, 4]})
    >>> checked = validate_contacts(raw, source="contacts.csv", taxonomy=default_taxonomy())
    >>> checked.valid[["agency", "sector", "contact_type"]].values.tolist()
    [['Police', 'police', 'incident']]
    >>> checked.rejects[["line", "rule"]].values.tolist(), checked.duplicates
    ([[3, 'C106']], 1)
    """
    required = list(CONTACTS.required)
    if person_family is None:
        required.insert(2, "family_id")
    require_columns(raw, required, source)
    frame = raw.copy()
    for column in CONTACTS.optional:
        if column not in frame.columns:
            frame[column] = None
    check = Rejector(raw, duplicates=exact_duplicates(raw))
    text = {column: clean_text(frame[column]) for column in CONTACTS.text}
    check.check(text["contact_id"].isna(), "C101")
    check.check(text["person_id"].isna(), "C102")
    if person_family is not None:
        register = text["person_id"].map(person_family)
        text["register_family"] = register.astype(object).where(register.notna(), None)
        text["family_id"] = text["family_id"].where(
            text["family_id"].notna(), text["register_family"]
        )
    check.check(text["family_id"].isna(), "C103")
    check.check(text["agency"].isna(), "C104")
    check.check(text["contact_type"].isna(), "C105")
    check.check(too_long({c: text[c] for c in CONTACTS.text}, frame.index), "C110")
    control = pd.Series(False, index=frame.index)
    for column in CONTACTS.text:
        control |= has_control(frame[column])
    check.check(control, "C109")
    times = _check_times(check, frame["occurred_at"], now)
    names = _normalised_names(text, check.ok, taxonomy)
    if strict:
        unknown = names["agency"].isin(names["unknown"]) | names["referred_by"].isin(
            names["unknown_referrers"]
        )
        check.check(unknown, "C114")
    _check_conflicts(check, frame, text, names, times)
    valid = _valid_rows(text, names, times, check.ok)
    return check.validated(valid, _warnings(valid, names, taxonomy, source, strict))
