"""Table exports: a family's contacts or a cohort's transitions as Excel-friendly CSV.

UTF-8 with a byte-order mark, dates as ``YYYY-MM-DD`` (identified only: a
de-identified table has days since the first contact), and every cell that a
spreadsheet would run as a formula defused (:mod:`journey.csv_export`).
"""

from __future__ import annotations

import pandas as pd

from journey.csv_export import excel_csv_bytes
from journey.exports.model import FamilyExport, PathwaysExport

__all__ = ["table", "csv_bytes"]


def table(model: FamilyExport | PathwaysExport) -> pd.DataFrame:
    """The table behind the export: a family's contacts, or the cohort's transitions.

    Its first column names the journey (the model's label) or the cohort, so
    tables of several exports can be put together.
    """
    if isinstance(model, FamilyExport):
        return model.contacts.assign(journey=model.label)[["journey", *model.contacts.columns]]
    flows = model.flows.copy()
    flows.insert(0, "cohort", model.parameters.get("cohort", ""))
    flows["from_sector"] = flows["from_agency"].map(lambda a: model.sectors.get(a, "other"))
    flows["to_sector"] = flows["to_agency"].map(lambda a: model.sectors.get(a, "other"))
    return flows


def csv_bytes(model: FamilyExport | PathwaysExport) -> bytes:
    """:func:`table` as CSV bytes for Excel (byte-order mark, formulas defused)."""
    return excel_csv_bytes(table(model))
