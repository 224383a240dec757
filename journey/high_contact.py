"""High-contact journeys: families and people with many contacts with many agencies in a year.

Definitions (docs/analyses.md#high-contact-journeys), with ``w = window_days`` days of 24 hours:

* A *window* is any half-open interval ``[s, s + w)``; two contacts share one when
  they are less than ``w`` apart (a contact exactly 365 days after another is in
  a different window). Family journeys count each contact once however many
  members it involved; a person's journey is that person's contact rows.
* The *peak window* holds the most contacts; among those, the most distinct
  agencies; among those, the earliest. ``peak_start`` and ``peak_end`` are the
  times of its first and last contacts (so ``peak_end - peak_start < w``) and
  ``peak_contact_ids`` lists its contacts in journey order.
* ``first_crossed`` is the earliest contact time ``t`` at which the trailing
  window ``(t - w, t]`` holds at least ``min_contacts`` contacts with at least
  ``min_agencies`` distinct agencies (contacts at the same time as ``t``
  included); NaT when no window ever does. ``is_high_contact`` is whether it
  happened. The *threshold window* is that trailing window, the one that
  made the journey high-contact: ``threshold_start`` is the time of its first
  contact and ``threshold_contacts``/``threshold_agencies`` its counts (which
  meet both thresholds, while the peak window may hold fewer agencies).
* The cumulative form for people counts every contact *before* the person's
  ``by_age``-th birthday. Only the birth month is held, so a person is taken
  to be born at the start of the first day of the month: a person born
  ``2008-05`` turns 13 at ``2021-05-01 00:00``, and a contact then is not
  before age 13. ``crossed_before_age_at`` is the time of the contact at which
  the running totals first reached both thresholds, if before that birthday.
  ``age_at_crossing`` is the age in whole years at ``first_crossed`` and
  ``age_at_crossing_before_age`` the age at ``crossed_before_age_at``. People
  without a (valid) birth month get missing values in these columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from journey.arrays import days_ns, spans
from journey.contract import empty_frame, require_columns
from journey.errors import ParameterError
from journey.event_log import PreparedContacts, prepare
from journey.parameters import check_positive
from journey.timeline import Timeline

__all__ = [
    "HighContactResult",
    "high_contact",
    "HIGH_CONTACT_FAMILY_COLUMNS",
    "HIGH_CONTACT_PERSON_COLUMNS",
]

_WINDOW_COLUMNS = {
    "total_contacts": "int64",
    "total_agencies": "int64",
    "first_contact": "datetime64[ns]",
    "last_contact": "datetime64[ns]",
    "peak_start": "datetime64[ns]",
    "peak_end": "datetime64[ns]",
    "peak_contacts": "int64",
    "peak_agencies": "int64",
    "first_crossed": "datetime64[ns]",
    "threshold_start": "datetime64[ns]",
    "threshold_contacts": "Int64",
    "threshold_agencies": "Int64",
    "is_high_contact": "bool",
    "peak_contact_ids": "object",
}
_AGE_COLUMNS = {
    "contacts_before_age": "Int64",
    "agencies_before_age": "Int64",
    "high_contact_before_age": "boolean",
    "crossed_before_age_at": "datetime64[ns]",
    "age_at_crossing": "Int64",
    "age_at_crossing_before_age": "Int64",
}
HIGH_CONTACT_FAMILY_COLUMNS = ["family_id", *_WINDOW_COLUMNS]
HIGH_CONTACT_PERSON_COLUMNS = ["person_id", "family_id", *_WINDOW_COLUMNS, *_AGE_COLUMNS]
_NAT = np.datetime64("NaT", "ns").view("int64")
_BIRTH_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


@dataclass(frozen=True, eq=False)
class HighContactResult:
    """High-contact measures per family and per person, and the parameters that produced them.

    Attributes
    ----------
    families : DataFrame
        One row per family with contacts; columns :data:`HIGH_CONTACT_FAMILY_COLUMNS`.
    people : DataFrame
        One row per person with contacts; columns :data:`HIGH_CONTACT_PERSON_COLUMNS`.
    params : dict
        ``window_days, min_contacts, min_agencies, by_age``.
    """

    families: pd.DataFrame
    people: pd.DataFrame
    params: dict[str, object]


def _as_times(values: np.ndarray) -> np.ndarray:
    return values.astype(np.int64).view("datetime64[ns]")


def _window_columns(
    line: Timeline,
    agency: np.ndarray,
    contact_ids: np.ndarray,
    window_ns: int,
    min_contacts: int,
    min_agencies: int,
    evidence: bool = True,
) -> dict[str, object]:
    """The rolling-window columns of every entity of ``line`` (``contact_ids`` per frame row)."""
    counts = line.window_counts(window_ns)
    agencies = line.window_distinct(agency, window_ns)
    # Most contacts first, then most agencies; Timeline.best keeps the earliest.
    peak = line.best(counts * (int(agencies.max()) + 1) + agencies)
    last = line.upto[peak] - 1
    first = last - counts[peak] + 1
    crossed = line.first((counts >= min_contacts) & (agencies >= min_agencies))
    times = line.times
    met = crossed >= 0
    at = np.where(met, crossed, 0)
    threshold_first = line.upto[at] - counts[at]
    return {
        "total_contacts": np.diff(line.bounds).astype(np.int64),
        "total_agencies": line.distinct(agency).astype(np.int64),
        "first_contact": _as_times(times[line.starts]),
        "last_contact": _as_times(times[line.bounds[1:] - 1]),
        "peak_start": _as_times(times[first]),
        "peak_end": _as_times(times[last]),
        "peak_contacts": counts[peak].astype(np.int64),
        "peak_agencies": agencies[peak].astype(np.int64),
        "first_crossed": _as_times(np.where(met, times[at], _NAT)),
        "threshold_start": _as_times(np.where(met, times[threshold_first], _NAT)),
        "threshold_contacts": _unless(counts[at], ~met, "Int64"),
        "threshold_agencies": _unless(agencies[at], ~met, "Int64"),
        "is_high_contact": crossed >= 0,
        "peak_contact_ids": spans(contact_ids, first, last, line.rows) if evidence
        else [None] * len(line.ids),
    }


def _birth_months(people: pd.DataFrame | None, person_ids: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of each person's birth month; -2**62 when unknown or malformed."""
    unknown = np.full(len(person_ids), -(2**62), dtype=np.int64)
    if people is None or people.empty:
        return unknown
    require_columns(people, ["person_id", "birth_month"], "people")
    births = people.drop_duplicates("person_id").set_index("person_id")["birth_month"]
    # Few distinct birth months: parse each once.
    codes, months = pd.factorize(births.reindex(person_ids))
    parsed = np.array([_month_index(m) for m in months] + [unknown[0]], dtype=np.int64)
    return parsed[codes]


def _month_index(text: object) -> int:
    """Months since 1970-01 of a ``YYYY-MM`` text; -2**62 when it is not one."""
    match = _BIRTH_MONTH.fullmatch(str(text).strip())
    if match is None:
        return -(2**62)
    return (int(match[1]) - 1970) * 12 + int(match[2]) - 1


def _months(times: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of each time (ns)."""
    return times.view("datetime64[ns]").astype("datetime64[M]").astype(np.int64)


def _age_columns(
    line: Timeline,
    agency: np.ndarray,
    birth_month: np.ndarray,
    first_crossed: np.ndarray,
    *,
    by_age: int,
    min_contacts: int,
    min_agencies: int,
) -> dict[str, pd.Series]:
    """The cumulative-before-age columns of every person of ``line``."""
    known = birth_month > -(2**62)
    birthday = np.where(known, birth_month + 12 * by_age, 0).astype("datetime64[M]")
    cutoff = birthday.astype("datetime64[ns]").view(np.int64)
    before = known[line.entity] & (line.times < cutoff[line.entity])
    n_agencies = int(agency.max()) + 1
    first_with_agency = ~pd.Series(line.entity * n_agencies + agency).duplicated().to_numpy()
    # Contacts before a birthday are a prefix of the (time-ordered) journey, so the
    # running totals along the journey are the totals before age at every step.
    running_contacts = np.arange(len(line)) - line.starts[line.entity] + 1
    running_agencies = np.cumsum(first_with_agency)
    running_agencies -= (running_agencies - first_with_agency)[line.starts][line.entity]
    reached = before & (running_contacts >= min_contacts) & (running_agencies >= min_agencies)
    crossed = line.first(reached)
    crossed_at = np.where(crossed >= 0, line.times[crossed], _NAT)
    has_crossed = known & ~np.isnat(first_crossed)
    crossing_month = _months(first_crossed.astype("datetime64[ns]").view(np.int64))
    age = np.where(has_crossed, crossing_month - birth_month, 0) // 12
    before_age_month = _months(crossed_at.astype(np.int64))
    age_before = np.where(crossed >= 0, before_age_month - birth_month, 0) // 12
    return {
        "contacts_before_age": _unless(line.total(before.astype(np.int64)), ~known, "Int64"),
        "agencies_before_age": _unless(
            line.total((before & first_with_agency).astype(np.int64)), ~known, "Int64"
        ),
        "high_contact_before_age": _unless(crossed >= 0, ~known, "boolean"),
        "crossed_before_age_at": _as_times(crossed_at),
        "age_at_crossing": _unless(age, ~has_crossed, "Int64"),
        "age_at_crossing_before_age": _unless(age_before, ~(known & (crossed >= 0)), "Int64"),
    }


def _unless(values: np.ndarray, missing: np.ndarray, dtype: str) -> ExtensionArray:
    """A nullable array of ``values``, missing where ``missing`` holds."""
    result = pd.array(values, dtype=dtype)
    result[missing] = pd.NA
    return result


def _frame(id_column: str, ids: np.ndarray, columns: dict[str, object], spec: dict) -> pd.DataFrame:
    # Every array is new except the ids, which belong to a (possibly shared) timeline.
    frame = {id_column: ids.copy(), **{name: columns[name] for name in spec}}
    return pd.DataFrame(frame, copy=False)


def high_contact(
    contacts: pd.DataFrame | PreparedContacts,
    people: pd.DataFrame | None = None,
    *,
    window_days: float = 365,
    min_contacts: int = 30,
    min_agencies: int = 5,
    by_age: int = 13,
    evidence: bool = True,
) -> HighContactResult:
    """Find high-contact journeys of families and people (definitions in the module docstring).

    Parameters
    ----------
    contacts : DataFrame or PreparedContacts
        Contract contact rows (one per contact and person); any number of families.
    people : DataFrame, optional
        ``person_id, birth_month`` (``YYYY-MM``) for the cumulative-before-age form.
    window_days : float, default 365
        Length of the rolling window, in days.
    min_contacts : int, default 30
        Contacts a window needs for a high-contact journey.
    min_agencies : int, default 5
        Distinct agencies a window needs for a high-contact journey.
    by_age : int, default 13
        The birthday before which a person's contacts are counted cumulatively.
    evidence : bool, default True
        List the contacts of each peak window in ``peak_contact_ids`` (a tuple);
        ``False`` leaves None there and saves time on a whole population.

    Returns
    -------
    HighContactResult
        ``families`` and ``people`` frames and the ``params`` used.

    Examples
    --------
    >>> contacts = pd.DataFrame({
    ...     "contact_id": ["c1", "c2", "c3"],
    ...     "person_id": "kid",
    ...     "family_id": "F1",
    ...     "agency": ["Police", "School", "GP"],
    ...     "occurred_at": pd.to_datetime(["2021-01-01", "2021-03-01", "2022-06-01"]),
    ... })
    >>> people = pd.DataFrame({"person_id": ["kid"], "birth_month": ["2008-05"]})
    >>> result = high_contact(contacts, people, min_contacts=2, min_agencies=2)
    >>> result.families[["peak_contacts", "peak_agencies", "first_crossed"]].values.tolist()
    [[2, 2, Timestamp('2021-03-01 00:00:00')]]
    >>> result.people[["contacts_before_age", "age_at_crossing"]].values.tolist()
    [[2, 12]]
    """
    check_positive(window_days=window_days, min_contacts=min_contacts,
                   min_agencies=min_agencies, by_age=by_age)
    if isinstance(by_age, float) and not by_age.is_integer():
        raise ParameterError(f"by_age must be a whole number of years, not {by_age!r}")
    by_age = int(by_age)
    params = {"window_days": window_days, "min_contacts": min_contacts,
              "min_agencies": min_agencies, "by_age": by_age}
    prepared = prepare(contacts)
    contacts = prepared.frame
    require_columns(contacts, ["contact_id", "person_id", "family_id", "agency", "occurred_at"])
    spec = {**_WINDOW_COLUMNS, **_AGE_COLUMNS, "family_id": "object", "person_id": "object"}
    if contacts.empty:
        families = empty_frame({c: spec.get(c, "object") for c in HIGH_CONTACT_FAMILY_COLUMNS})
        people = empty_frame({c: spec.get(c, "object") for c in HIGH_CONTACT_PERSON_COLUMNS})
        return HighContactResult(families, people, params)
    window_ns = days_ns(window_days)
    agency, _ = prepared.codes("agency")
    contact_ids = contacts["contact_id"].to_numpy()
    thresholds = {"min_contacts": min_contacts, "min_agencies": min_agencies}
    options = {**thresholds, "evidence": evidence}

    families, persons = prepared.families, prepared.people
    family_columns = _window_columns(families, agency[families.rows], contact_ids, window_ns,
                                     **options)
    person_columns = _window_columns(persons, agency[persons.rows], contact_ids, window_ns,
                                     **options)
    person_columns["family_id"] = contacts["family_id"].to_numpy()[persons.rows[persons.starts]]
    person_columns.update(
        _age_columns(persons, agency[persons.rows], _birth_months(people, persons.ids),
                     person_columns["first_crossed"], by_age=by_age, **thresholds)
    )
    return HighContactResult(
        families=_frame("family_id", families.ids, family_columns, _WINDOW_COLUMNS),
        people=_frame("person_id", persons.ids, person_columns,
                      {"family_id": "object", **_WINDOW_COLUMNS, **_AGE_COLUMNS}),
        params=params,
    )
