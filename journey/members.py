"""Per-member results of one or more families: who each member is, how old, how many contacts.

Dates of birth are held only to the month (``YYYY-MM``, docs/data-contract.md),
so ages are computed in whole months from the first day of the birth month:
``age = (month of the date - birth month) // 12``. During the birth month
itself a person may be counted a year older than they are (their birthday
could be later in that month); the result says so in ``age_basis``.

The contact counts and the high-contact columns come from
:func:`journey.high_contact.high_contact` (its people frame), so this module
only joins them to the people rows and adds the ages.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from journey.contract import require_columns

__all__ = ["MEMBER_COLUMNS", "AGE_BASIS", "age_in_years", "member_results"]

AGE_BASIS = (
    "Ages are whole years counted from the first day of the birth month (only the "
    "month of birth is held), so a person may show a year older during their birth month."
)
MEMBER_COLUMNS = [
    "person_id",
    "family_id",
    "role",
    "sex",
    "birth_month",
    "age_now",
    "age_at_first_contact",
    "by_age_birthday",
    "total_contacts",
    "total_agencies",
    "contacts_before_age",
    "agencies_before_age",
    "is_high_contact",
    "first_crossed",
    "age_at_crossing",
    "threshold_start",
    "threshold_contacts",
    "threshold_agencies",
    "peak_start",
    "peak_end",
    "peak_contacts",
    "peak_agencies",
    "high_contact_before_age",
    "crossed_before_age_at",
    "age_at_crossing_before_age",
]


def _birth_period(birth_month: pd.Series) -> pd.Series:
    """Each ``YYYY-MM`` as a monthly Period; NaT when missing or malformed."""
    text = birth_month.astype("string").str.strip()
    valid = text.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])").fillna(False).astype(bool)
    out = pd.Series(pd.NaT, index=birth_month.index, dtype="period[M]")
    if valid.any():
        out[valid] = pd.PeriodIndex(text[valid].to_list(), freq="M")
    return out


def age_in_years(birth_month: pd.Series, when: pd.Series | pd.Timestamp) -> pd.Series:
    """Whole years from the first day of each birth month (``YYYY-MM``) to ``when``.

    Parameters
    ----------
    birth_month : Series of str
        Birth months; missing or malformed ones give a missing age.
    when : Series of datetime or Timestamp
        The date at which to take the age (missing gives a missing age).

    Returns
    -------
    Series of Int64

    Examples
    --------
    >>> births = pd.Series(["2008-05", "2008-05", None])
    >>> age_in_years(births, pd.Series(pd.to_datetime(["2021-04-30", "2021-05-01", "2021-05-01"])))
    ... # doctest: +NORMALIZE_WHITESPACE
    0      12
    1      13
    2    <NA>
    dtype: Int64
    """
    births = _birth_period(birth_month)
    if isinstance(when, pd.Timestamp):
        when = pd.Series(when, index=birth_month.index)
    when = pd.to_datetime(when)
    born = births.notna() & when.notna()
    ages = pd.array([pd.NA] * len(births), dtype="Int64")
    if born.any():
        b = births[born]
        w = when[born]
        months = (w.dt.year - b.dt.year) * 12 + (w.dt.month - b.dt.month)
        ages[np.flatnonzero(born.to_numpy())] = (months // 12).to_numpy()
    return pd.Series(ages, index=birth_month.index, dtype="Int64")


def member_results(
    people: pd.DataFrame,
    high_contact_people: pd.DataFrame,
    *,
    by_age: int = 13,
    as_of: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """One row per member: role, sex, ages, contact counts and high-contact results.

    Parameters
    ----------
    people : DataFrame
        Contract people rows (``person_id, family_id, role, birth_month``, optional ``sex``).
    high_contact_people : DataFrame
        :func:`journey.high_contact.high_contact`'s ``people`` frame for the same contacts.
    by_age : int, default 13
        The birthday of the before-age form (``by_age_birthday`` is its first possible day).
    as_of : Timestamp, optional
        The date of ``age_now`` (default: today).

    Returns
    -------
    DataFrame
        Columns :data:`MEMBER_COLUMNS`; members without contacts have zero
        counts, and members with contacts but no people row are kept (role missing).
        Sorted by family, then role (adults first), then person.

    Examples
    --------
    >>> from journey.high_contact import high_contact
    >>> contacts = pd.DataFrame({"contact_id": ["c1", "c2"], "person_id": "kid",
    ...     "family_id": "F1", "agency": ["Police", "School"],
    ...     "occurred_at": pd.to_datetime(["2020-06-01", "2021-06-01"])})
    >>> people = pd.DataFrame({"person_id": ["kid"], "family_id": ["F1"],
    ...     "role": ["child"], "birth_month": ["2008-05"]})
    >>> hc = high_contact(contacts, people, min_contacts=2, min_agencies=2)
    >>> row = member_results(people, hc.people, as_of=pd.Timestamp("2024-01-01")).iloc[0]
    >>> int(row["age_now"]), int(row["age_at_first_contact"]), int(row["contacts_before_age"])
    (15, 12, 1)
    """
    require_columns(people, ["person_id", "family_id", "role", "birth_month"], "people")
    as_of = pd.Timestamp.now().normalize() if as_of is None else pd.Timestamp(as_of)
    base = people.drop_duplicates("person_id").copy()
    if "sex" not in base:
        base["sex"] = None
    base = base[["person_id", "family_id", "role", "sex", "birth_month"]]
    results = high_contact_people.drop(columns=["family_id"], errors="ignore")
    frame = base.merge(results, on="person_id", how="outer")
    if frame["family_id"].isna().any() and "family_id" in high_contact_people:
        known = high_contact_people.set_index("person_id")["family_id"]
        frame["family_id"] = frame["family_id"].fillna(frame["person_id"].map(known))
    for column in ("total_contacts", "total_agencies"):
        frame[column] = frame[column].fillna(0).astype("int64")
    frame["is_high_contact"] = frame["is_high_contact"].astype("boolean").fillna(False)
    frame["age_now"] = age_in_years(frame["birth_month"], as_of)
    frame["age_at_first_contact"] = age_in_years(frame["birth_month"], frame["first_contact"])
    births = _birth_period(frame["birth_month"])
    frame["by_age_birthday"] = pd.to_datetime(
        [None if pd.isna(b) else (b + 12 * by_age).to_timestamp() for b in births]
    ).astype("datetime64[ns]")
    known = births.notna()
    for column in ("contacts_before_age", "agencies_before_age"):
        # A member without contacts has none before the birthday, when the birthday is known.
        frame[column] = frame[column].astype("Int64")
        frame.loc[known & frame[column].isna(), column] = 0
    adult = frame["role"].astype("string").str.lower().isin(["adult", "parent", "carer"])
    frame = frame.assign(_adult=~adult.fillna(False)).sort_values(
        ["family_id", "_adult", "person_id"], kind="stable"
    )
    return frame.reindex(columns=MEMBER_COLUMNS).reset_index(drop=True)
