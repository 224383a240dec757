"""A tiny hand-built family for the export tests, and what every export must never show of it.

Family ``FAM-NB-0042`` in area ``Northbrook``: a mother (``PER-MUM-77``, born
1985-03) and her son (``PER-KID-78``, born 2009-07, so 11 at the first contact
on 2021-02-01). Four contacts, in time order:

======  ===========  ======  ==================  =====================  ===
id      date         agency  type                members                day
======  ===========  ======  ==================  =====================  ===
CTX-1   2021-02-01   Police  domestic_incident   mother and son           0
CTX-2   2021-02-08   School  school_absence      son                      7
CTX-3   2021-02-08   GP      home_visit          mother                   7
CTX-4   2021-03-03   Police  incident            son                     30
======  ===========  ======  ==================  =====================  ===

So the members' contacts are mother → Police 1, mother → GP 1, son → Police 2,
son → School 1, and the family's next-agency steps Police → School → GP →
Police (same-day contacts in id order).
"""

from __future__ import annotations

import pandas as pd

from tests.builders import contacts_frame, people_frame

FAMILY_ID = "FAM-NB-0042"
AREA = "Northbrook"
MOTHER, SON = "PER-MUM-77", "PER-KID-78"
MOTHER_LABEL, SON_LABEL = "Mother", "Child 1, aged 11 at first contact"
SERVICE, SOURCE = "Northbrook Family Hub", "MOSAIC-LIVE"

CONTACTS = contacts_frame(
    [
        ("CTX-1", MOTHER, "Police", "domestic_incident", "2021-02-01 22:15"),
        ("CTX-1", SON, "Police", "domestic_incident", "2021-02-01 22:15"),
        ("CTX-2", SON, "School", "school_absence", "2021-02-08 09:00"),
        ("CTX-3", MOTHER, "GP", "home_visit", "2021-02-08 14:00"),
        ("CTX-4", SON, "Police", "incident", "2021-03-03 18:30"),
    ],
    family_id=FAMILY_ID,
).assign(service=SERVICE, source_system=SOURCE)
PEOPLE = people_frame(
    [(MOTHER, FAMILY_ID, "parent", "1985-03"), (SON, FAMILY_ID, "child", "2009-07")]
)
PEOPLE["sex"] = ["F", "M"]

#: Text no de-identified export may contain (ids, birth months, area, free text, any date).
SECRETS = (
    FAMILY_ID, MOTHER, SON, "CTX-1", "CTX-2", "CTX-3", "CTX-4", "1985-03", "2009-07", "1985",
    "2009", AREA, SERVICE, SOURCE, "2021-02-01", "2021-02-08", "2021-03-03", "2021-02", "2021-03",
    "01/02/2021", "Mon 2021",
)  # fmt: skip


def independent_member_agency_counts(contacts: pd.DataFrame) -> dict[tuple[str, str], int]:
    """(person id, agency) -> contacts, counted plainly from the rows (one row per person)."""
    counts: dict[tuple[str, str], int] = {}
    for row in contacts.drop_duplicates(["contact_id", "person_id"]).itertuples():
        key = (row.person_id, row.agency)
        counts[key] = counts.get(key, 0) + 1
    return counts


def independent_steps(contacts: pd.DataFrame) -> list[tuple[str, str]]:
    """The family's (agency, next agency) steps, each contact once, by time then id."""
    ordered = contacts.drop_duplicates("contact_id").sort_values(["occurred_at", "contact_id"])
    agencies = ordered["agency"].tolist()
    return [(a, b) for a, b in zip(agencies, agencies[1:], strict=False) if a != b]
