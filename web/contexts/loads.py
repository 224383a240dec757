"""The data page: every load so far with its reconciliation (rows in = loaded + rejected)."""

from __future__ import annotations

from typing import Any

from web.contexts.common import records
from web.data import ServiceData

__all__ = ["loads_context"]

LOAD_COLUMNS = [
    "source",
    "kind",
    "started_at",
    "finished_at",
    "rows_in",
    "loaded",
    "rejected",
    "rejects_path",
]


def loads_context(data: ServiceData) -> dict[str, Any]:
    """The load log, newest first, each line saying whether it reconciles."""
    loads = records(data.store.loads(), LOAD_COLUMNS)
    for load in loads:
        load["reconciles"] = int(load["rows_in"]) == int(load["loaded"]) + int(load["rejected"])
    return {
        "loads": loads,
        "counts": data.cached(("counts",), data.store.counts),
    }
