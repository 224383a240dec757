"""Builders for tiny hand-made journeys, shared by every layer's tests.

``contacts_frame`` turns short tuples into a contract contacts frame, so a test
can state a journey in a few readable lines and work out its answer by hand.
"""

from __future__ import annotations

import pandas as pd

from journey.contract import CONTACT_COLUMNS
from journey.taxonomy import default_taxonomy


def contacts_frame(rows: list[tuple], family_id: str | None = None) -> pd.DataFrame:
    """Build a contacts frame from tuples.

    Each tuple is ``(contact_id, person_id, agency, contact_type, occurred_at)``
    with an optional sixth item ``referred_by`` and, when ``family_id`` is not
    given, a seventh ``family_id``. Agencies are canonical names or aliases;
    their sector comes from the default taxonomy.
    """
    taxonomy = default_taxonomy()
    records = []
    for row in rows:
        contact_id, person_id, agency, contact_type, occurred_at, *rest = row
        referred_by = rest[0] if rest else None
        family = rest[1] if len(rest) > 1 else family_id
        canonical, sector, _ = taxonomy.canonical_agency(agency)
        records.append(
            {
                "contact_id": contact_id,
                "person_id": person_id,
                "family_id": family,
                "agency": canonical,
                "sector": sector,
                "contact_type": taxonomy.normalise_contact_type(contact_type),
                "occurred_at": pd.Timestamp(occurred_at),
                "referred_by": taxonomy.canonical_agency(referred_by)[0] if referred_by else None,
                "service": None,
                "source_system": None,
            }
        )
    frame = pd.DataFrame.from_records(records, columns=CONTACT_COLUMNS)
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"]).astype("datetime64[ns]")
    return frame


def lead_periods_frame(rows: list[tuple]) -> pd.DataFrame:
    """``(family_id, lead_from, lead_to_or_None[, lead_worker, lead_team])`` tuples to a frame.

    Rows without a worker and team leave them None.
    """
    rows = [tuple(row) + (None,) * (5 - len(row)) for row in rows]
    frame = pd.DataFrame(
        rows, columns=["family_id", "lead_from", "lead_to", "lead_worker", "lead_team"]
    ).astype({"lead_worker": object, "lead_team": object})
    frame["lead_from"] = pd.to_datetime(frame["lead_from"]).astype("datetime64[ns]")
    frame["lead_to"] = pd.to_datetime(frame["lead_to"]).astype("datetime64[ns]")
    return frame


def people_frame(rows: list[tuple]) -> pd.DataFrame:
    """``(person_id, family_id, role, birth_month)`` tuples to a people frame."""
    frame = pd.DataFrame(rows, columns=["person_id", "family_id", "role", "birth_month"])
    frame["sex"] = None
    return frame


def synthetic_store(folder, families: int, seed: int):
    """A SQLite store in ``folder`` of a synthetic population, loaded as `journey load` loads it.

    The caller closes it.
    """
    from graph_loader.load import load_path
    from graph_loader.stores import open_store
    from journey.synthetic import generate, write_population

    write_population(generate(families, seed=seed), folder / "data")
    store = open_store(f"sqlite:///{folder / 'journey.db'}")
    load_path(folder / "data", store, rejects_dir=folder)
    return store
