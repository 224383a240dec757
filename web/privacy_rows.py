"""A family's rows de-identified for its maps: pseudonymised ids, birth years, merged area.

Contact times are kept: the map itself writes them as days since the first
contact (``relative_days``), so no date reaches the page.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from web.contexts.family import FamilyRows
from web.privacy import Deidentifier

__all__ = ["deidentify_rows"]

_IDS = {"family_id": "family", "person_id": "person", "contact_id": "contact"}


def _ids(frame: pd.DataFrame, d: Deidentifier) -> pd.DataFrame:
    out = frame.copy()
    for column, kind in _IDS.items():
        if column in out.columns:
            out[column] = out[column].map(lambda v, kind=kind: d.id(v, kind))
    return out


def deidentify_rows(rows: FamilyRows, d: Deidentifier) -> FamilyRows:
    """``rows`` with every id pseudonymised, birth months cut to years and the area merged."""
    people = _ids(rows.people, d)
    if "birth_month" in people.columns:
        people["birth_month"] = people["birth_month"].map(
            lambda v: v[:4] if isinstance(v, str) else v
        )
    return replace(
        rows,
        family_id=str(d.id(rows.family_id)),
        area=d.area(rows.area),
        contacts=_ids(rows.contacts, d),
        people=people,
        lead_periods=_ids(rows.lead_periods, d),
    )
