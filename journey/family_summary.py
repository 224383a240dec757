"""The families table of the web app: every family-level result joined on one row per family."""

from __future__ import annotations

import numpy as np
import pandas as pd

from journey.event_log import AgencyJourneys

__all__ = ["family_summary", "contacts_per_month"]


def family_summary(
    contacts: pd.DataFrame,
    people: pd.DataFrame,
    families: pd.DataFrame,
    high: pd.DataFrame,
    unco: pd.DataFrame,
    eligible: pd.DataFrame,
    escalated: set[str],
) -> pd.DataFrame:
    """One row per family joining every family-level result: the web app's families list.

    Families come from ``families`` (with their area) and from the contacts;
    ``people`` and ``children`` count the members listed in ``people`` (or,
    without a people file, the people seen in the contacts). Every count is an
    int and every flag a bool, 0/False for a family no analysis saw. The
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
    high_columns = {
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
    }
    summary = summary.join(
        high.set_index("family_id")[list(high_columns)].rename(columns=high_columns)
    )
    unco_columns = [
        "uncoordinated",
        "uncoordinated_share",
        "peak_parallel_agencies",
        "repeat_assessments",
    ]
    summary = summary.join(unco.set_index("family_id")[unco_columns])
    elig_columns = [
        "indicators",
        "indicator_count",
        "eligible",
        "first_eligible",
        "has_lead_professional",
        "not_yet_found",
        "lead_now",
    ]
    summary = summary.join(eligible.set_index("family_id")[elig_columns])
    summary["escalated"] = summary.index.isin(list(escalated))
    for column in [
        "contacts",
        "agencies",
        "peak_contacts",
        "peak_agencies",
        "uncoordinated",
        "peak_parallel_agencies",
        "repeat_assessments",
        "indicator_count",
    ]:
        summary[column] = pd.to_numeric(summary[column], errors="coerce").fillna(0).astype(int)
    flags = ["high_contact", "eligible", "has_lead_professional", "not_yet_found", "lead_now"]
    for column in flags:
        summary[column] = summary[column].astype("boolean").fillna(False).astype(bool)
    summary["uncoordinated_share"] = summary["uncoordinated_share"].fillna(0.0)
    summary["indicators"] = summary["indicators"].fillna("")
    return summary.rename_axis("family_id").reset_index()


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
