"""One family's contacts as a table to download, each with why it was or was not uncoordinated."""

from __future__ import annotations

import pandas as pd

from web.contexts.family import family_analysis, family_rows
from web.data import ServiceData

__all__ = ["FAMILY_CONTACT_COLUMNS", "family_contacts_frame"]

#: The download's columns, in order: one row per contact and person involved.
FAMILY_CONTACT_COLUMNS: tuple[str, ...] = (
    "family_id", "contact_id", "occurred_at", "person_id", "role", "agency", "sector",
    "contact_type", "service", "referred_by", "source_system", "uncoordinated",
    "uncoordinated_reason", "repeat_assessment",
)  # fmt: skip
_PREFIX = "uncoordinated: "


def _reason(text: object) -> object:
    if not isinstance(text, str):
        return text
    return text[len(_PREFIX):] if text.startswith(_PREFIX) else text


def family_contacts_frame(data: ServiceData, family_id: str) -> pd.DataFrame:
    """Every stored contact row of ``family_id``, its member's role and its uncoordinated result.

    A contact with two members gives two rows (one per person), as the store
    holds it; ``uncoordinated`` and its reason belong to the contact, so both
    rows carry them. Sorted by time, then contact and person id.

    Raises
    ------
    NotFoundError
        When the store knows no family ``family_id``.
    """
    rows = family_rows(data, family_id)
    contacts = rows.contacts
    if contacts.empty:
        return pd.DataFrame(columns=list(FAMILY_CONTACT_COLUMNS))
    judged = family_analysis(data, rows).uncoordinated.contacts
    judged = judged.drop_duplicates("contact_id").set_index("contact_id")
    roles = rows.people.drop_duplicates("person_id").set_index("person_id")["role"]
    out = contacts.copy()
    out["role"] = out["person_id"].map(roles)
    ids = out["contact_id"]
    out["uncoordinated"] = ids.map(judged["uncoordinated"]).map(
        lambda v: "" if pd.isna(v) else ("yes" if v else "no")
    )
    out["uncoordinated_reason"] = ids.map(judged["reason"]).map(_reason)
    out["repeat_assessment"] = ids.map(judged["repeat_assessment"]).map(
        lambda v: "" if pd.isna(v) else ("yes" if v else "no")
    )
    for column in FAMILY_CONTACT_COLUMNS:
        if column not in out.columns:
            out[column] = None
    out = out.sort_values(["occurred_at", "contact_id", "person_id"], kind="mergesort")
    return out.loc[:, list(FAMILY_CONTACT_COLUMNS)].reset_index(drop=True)
