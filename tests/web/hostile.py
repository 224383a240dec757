"""A population whose every text field is an attack: agencies, contact types, areas, services, ids.

Each payload, if it ever ran, would set ``window.__pwned`` and open a dialog;
the XSS battery (``tests/web/test_xss_browser.py``) shows every page and map
of it in Chromium and proves neither happens and the text reads literally.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from journey.store import LoadRecord, Store

__all__ = ["PAYLOADS", "HOSTILE_IDS", "write_hostile_population"]

_RUN = "window.__pwned=1;alert(1)"
PAYLOADS = [
    f"<script>{_RUN}</script>",
    f"<img src=x onerror={_RUN}>",
    f'"><svg onload={_RUN}>',
    f"javascript:{_RUN}",
    "<a href=x>href</a>",
    "quote ' double \" back \\ slash",
    "right\u202eto\u200fleft mark",
    "long " + "x" * 3000,
]
# Ids travel in URLs: no "/" (a path separator) and no "?" or "#" (they end a path).
HOSTILE_IDS = ["<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>', "fam'\"\\id"]


def _frames() -> dict[str, pd.DataFrame]:
    contacts, people = [], []
    start = pd.Timestamp("2022-01-03")
    for f, family_id in enumerate(HOSTILE_IDS):
        person = f"{family_id}-person"
        people.append({"person_id": person, "family_id": family_id, "role": PAYLOADS[f],
                       "birth_month": "2012-05", "sex": PAYLOADS[f + 1]})  # fmt: skip
        for i, payload in enumerate(PAYLOADS):
            contacts.append({
                "contact_id": f"{payload[:40]}-{f}-{i}", "person_id": person,
                "family_id": family_id, "agency": payload, "sector": "other",
                "contact_type": PAYLOADS[(i + 1) % len(PAYLOADS)],
                "occurred_at": start + pd.Timedelta(days=9 * i + f),
                "referred_by": PAYLOADS[i - 1] if i else None, "service": payload,
                "source_system": payload,
            })  # fmt: skip
    families = pd.DataFrame({"family_id": HOSTILE_IDS, "area": PAYLOADS[: len(HOSTILE_IDS)]})
    return {
        "contacts": pd.DataFrame(contacts),
        "people": pd.DataFrame(people),
        "families": families,
    }


def write_hostile_population(store: Store) -> None:
    """Write the hostile population straight into the store (no validation to stop it)."""
    frames = _frames()
    store.write_families(frames["families"])
    store.write_people(frames["people"])
    rows = store.write_contacts(frames["contacts"])
    now = datetime(2023, 1, 2, 9, 30)
    store.record_load(LoadRecord(source=PAYLOADS[0], started_at=now, finished_at=now,
                                 rows_in=rows, loaded=rows, rejected=0,
                                 rejects_path=PAYLOADS[1]))  # fmt: skip
    store.finish_load()
