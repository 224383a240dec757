"""The families table of the web app: every family-level result joined on one row per family."""

from __future__ import annotations

import numpy as np
import pandas as pd

from journey.event_log import AgencyJourneys

__all__ = ["family_summary", "contacts_per_month"]


# The columns each family-level result gives the families table (result column: table column).
_HIGH_COLUMNS = {
    "total_contacts": "contacts",
    "total_agencies": "agencies",
    "first_contact": "first_contact",
    "last_contact": "last_contact",
    "peak_contacts": "peak_contacts",
    "peak_agencies": "peak_agencies",
    "peak_start": "peak_start",
    "peak_end": "peak_end",
    "is_high_contact": "high_contact",
    "first_crossed": "first_crossed",
    "threshold_start": "threshold_start",
    "threshold_contacts": "threshold_contacts",
    "threshold_agencies": "threshold_agencies",
}
_UNCOORDINATED_COLUMNS = [
    "uncoordinated",
    "uncoordinated_share",
    "peak_parallel_agencies",
    "repeat_assessments",
]
_ELIGIBILITY_COLUMNS = [
    "indicators",
    "indicator_count",
    "eligible",
    "first_eligible",
    "has_lead_professional",
    "not_yet_found",
    "lead_now",
]
# Counts that are 0, not missing, for a family an analysis did not see.
_COUNT_COLUMNS = [
    "contacts",
    "agencies",
    "peak_contacts",
    "peak_agencies",
    "uncoordinated",
    "peak_parallel_agencies",
    "repeat_assessments",
    "indicator_count",
    "children_high_contact_before_age",
]


def family_summary(
    contacts: pd.DataFrame,
    people: pd.DataFrame,
    families: pd.DataFrame,
    high: pd.DataFrame,
    unco: pd.DataFrame,
    eligible: pd.DataFrame,
    escalated: set[str],
    high_people: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per family joining every family-level result: the web app's families list.

    Families come from ``families`` (with their area) and from the contacts;
    ``people`` and ``children`` count the members listed in ``people`` (or,
    without a people file, the people seen in the contacts). Every count is an
    int and every flag a bool, 0/False for a family no analysis saw.
    ``children_high_contact_before_age`` counts the family's children (role
    ``child``) whose contacts reached both thresholds before the ``by_age``
    birthday, from ``high_people`` (the people frame of
    :func:`journey.high_contact.high_contact`; 0 without it). The
    columns are documented in docs/data-contract.md#family_summary.
    """
    is_child = (people["role"] == "child").astype(int)
    members = pd.DataFrame(
        {
            "people": people.groupby("family_id")["person_id"].size(),
            "children": is_child.groupby(people["family_id"]).sum(),
        }
    )
    summary = families[["family_id", "area"]].drop_duplicates("family_id").set_index("family_id")
    summary = summary.join(members, how="left")
    in_contacts = contacts.groupby("family_id")["person_id"].nunique().rename("people_in_contacts")
    summary = summary.join(in_contacts, how="outer")
    # Without a people file the joined counts are all missing (object dtype).
    people_count = pd.to_numeric(summary["people"], errors="coerce")
    summary["people"] = people_count.fillna(summary["people_in_contacts"]).fillna(0).astype(int)
    summary["children"] = pd.to_numeric(summary["children"], errors="coerce").fillna(0).astype(int)
    summary = summary.drop(columns="people_in_contacts")
    summary["children_high_contact_before_age"] = _children_before_age(people, high_people)
    summary = summary.join(
        high.set_index("family_id")[list(_HIGH_COLUMNS)].rename(columns=_HIGH_COLUMNS)
    )
    summary = summary.join(unco.set_index("family_id")[_UNCOORDINATED_COLUMNS])
    summary = summary.join(eligible.set_index("family_id")[_ELIGIBILITY_COLUMNS])
    summary["escalated"] = summary.index.isin(list(escalated))
    for column in _COUNT_COLUMNS:
        summary[column] = pd.to_numeric(summary[column], errors="coerce").fillna(0).astype(int)
    flags = ["high_contact", "eligible", "has_lead_professional", "not_yet_found", "lead_now"]
    for column in flags:
        summary[column] = summary[column].astype("boolean").fillna(False).astype(bool)
    summary["uncoordinated_share"] = summary["uncoordinated_share"].fillna(0.0)
    summary["indicators"] = summary["indicators"].fillna("")
    return summary.rename_axis("family_id").reset_index()


def _children_before_age(people: pd.DataFrame, high_people: pd.DataFrame | None) -> pd.Series:
    """Per family, how many of its children were high-contact before the ``by_age`` birthday."""
    if high_people is None or high_people.empty or people.empty:
        return pd.Series(dtype="int64")
    roles = people.drop_duplicates("person_id").set_index("person_id")["role"]
    child = high_people["person_id"].map(roles).astype("string").str.lower().eq("child")
    before = high_people["high_contact_before_age"].astype("boolean").fillna(False)
    hit = high_people[(child.fillna(False) & before).to_numpy(bool)]
    return hit.groupby("family_id")["person_id"].nunique()


def contacts_per_month(journeys: AgencyJourneys) -> pd.DataFrame:
    """Contacts (each once per family) per calendar month, from the shared event log.

    Examples
    --------
    >>> from journey.event_log import agency_journeys
    >>> contacts = pd.DataFrame({"family_id": ["F1", "F1", "F2"], "contact_id": ["a", "a", "b"],
    ...     "agency": "Police", "occurred_at": pd.to_datetime(["2021-01-05"] * 2 + ["2021-02-01"])})
    >>> contacts_per_month(agency_journeys(contacts)).values.tolist()
    [['2021-01', 1], ['2021-02', 1]]
    """
    months = journeys.occurred_at.view("datetime64[ns]").astype("datetime64[M]")
    values, counts = np.unique(months, return_counts=True)
    return pd.DataFrame({"month": np.datetime_as_string(values, unit="M"), "contacts": counts})
