"""The web tests' small hand-built population, written into a real store.

Five families (worked out by hand; dates are 2021 unless said):

* ``F001`` (North): mum and a child born 2010-03. 32 contacts, one every 10
  days from 4 Jan, with six agencies in turn (Police, School, Health Visiting,
  Housing, DWP JobCentre Plus, CAMHS); every Police contact (6 of them)
  involves both members. No lead professional. 32 contacts with 6 agencies in
  311 days: a high-contact family.
* ``F002`` (South): one child, 5 contacts in 2022 with School, Early Help and
  GP, and a lead professional from 2022-01-01 (still open).
* ``F003`` (area ``<script>alert(1)</script>``): 4 contacts, three with an agency
  called ``<script>alert(1)</script>`` (not in the taxonomy: sector "other").
* ``F004`` (area ``=SUM(A1)``, a spreadsheet formula): Police incident 1 Mar 2022,
  then Children's Social Care referral (referred by Police) and assessment: it
  escalates.
* ``F005`` (North): one adult, no contacts.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from journey.store import LoadRecord, Store
from tests.builders import contacts_frame, lead_periods_frame, people_frame

HOSTILE = "<script>alert(1)</script>"
FORMULA_AREA = "=SUM(A1)"
F001_AGENCIES = ["Police", "School", "Health Visiting", "Housing", "DWP JobCentre Plus", "CAMHS"]
_TYPES = {
    "Police": "incident",
    "School": "school_absence",
    "Health Visiting": "home_visit",
    "Housing": "eviction_notice",
    "DWP JobCentre Plus": "benefit_claim",
    "CAMHS": "appointment",
}


def _f001_rows() -> list[tuple]:
    rows = []
    start = pd.Timestamp("2021-01-04 10:00")
    for i in range(32):
        agency = F001_AGENCIES[i % 6]
        when = (start + pd.Timedelta(days=10 * i)).isoformat()
        contact_id = f"F1C{i:02d}"
        rows.append((contact_id, "F1-kid", agency, _TYPES[agency], when, None, "F001"))
        if agency == "Police":
            rows.append((contact_id, "F1-mum", agency, _TYPES[agency], when, None, "F001"))
    return rows


def population() -> dict[str, pd.DataFrame]:
    """The contacts, people, families and lead periods frames."""
    rows = _f001_rows() + [
        ("F2C1", "F2-kid", "School", "school_absence", "2022-01-10", None, "F002"),
        ("F2C2", "F2-kid", "Early Help", "early_help_assessment", "2022-01-20", "School", "F002"),
        ("F2C3", "F2-kid", "School", "attendance_meeting", "2022-02-01", None, "F002"),
        ("F2C4", "F2-kid", "Early Help", "taf_meeting", "2022-02-15", None, "F002"),
        ("F2C5", "F2-kid", "GP", "appointment", "2022-03-01", None, "F002"),
        ("F3C1", "F3-kid", HOSTILE, "support_session", "2022-05-01", None, "F003"),
        ("F3C2", "F3-kid", "Police", "incident", "2022-05-03", None, "F003"),
        ("F3C3", "F3-kid", HOSTILE, "support_session", "2022-05-10", None, "F003"),
        ("F3C4", "F3-kid", HOSTILE, "support_session", "2022-05-20", None, "F003"),
        ("F4C1", "F4-mum", "Police", "incident", "2022-03-01", None, "F004"),
        ("F4C2", "F4-kid", "Children's Social Care", "referral", "2022-03-05", "Police", "F004"),
        ("F4C3", "F4-kid", "Children's Social Care", "assessment", "2022-03-20", None, "F004"),
    ]
    people = people_frame(
        [
            ("F1-mum", "F001", "adult", "1988-06"),
            ("F1-kid", "F001", "child", "2010-03"),
            ("F2-kid", "F002", "child", "2012-09"),
            ("F3-kid", "F003", "child", "2008-01"),
            ("F4-mum", "F004", "adult", "1990-02"),
            ("F4-kid", "F004", "child", "2015-07"),
            ("F5-dad", "F005", "adult", "1979-11"),
        ]
    )
    families = pd.DataFrame(
        {
            "family_id": ["F001", "F002", "F003", "F004", "F005"],
            "area": ["North", "South", HOSTILE, FORMULA_AREA, "North"],
        }
    )
    return {
        "contacts": contacts_frame(rows),
        "people": people,
        "families": families,
        "lead_periods": lead_periods_frame([("F002", "2022-01-01", None)]),
    }


def write_population(store: Store, frames: dict[str, pd.DataFrame] | None = None) -> None:
    """Write the population through the store's write methods, as a load would."""
    frames = frames or population()
    store.write_families(frames["families"])
    store.write_people(frames["people"])
    store.write_lead_periods(frames["lead_periods"])
    rows = store.write_contacts(frames["contacts"])
    now = datetime(2023, 1, 2, 9, 30)
    store.record_load(
        LoadRecord(
            source="contacts.csv",
            started_at=now,
            finished_at=now,
            rows_in=rows + 2,
            loaded=rows,
            rejected=2,
            rejects_path="rejects-contacts.csv",
        )
    )
    store.finish_load()


def analyse_into(store: Store) -> None:
    """Run the population analysis and save its results in the store."""
    from journey.analysis import analyse_store

    analyse_store(store)
