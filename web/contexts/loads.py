"""The data page: every load run, file by file, with its reconciliation and whether it finished."""

from __future__ import annotations

from typing import Any

from web.contexts.common import records
from web.data import ServiceData

__all__ = ["loads_context"]

LOAD_COLUMNS = [
    "run_id",
    "source",
    "kind",
    "mapping",
    "checksum",
    "started_at",
    "finished_at",
    "rows_in",
    "loaded",
    "rejected",
    "duplicates",
    "rejects_path",
]


def loads_context(data: ServiceData) -> dict[str, Any]:
    """The load log, newest first, each line saying whether it reconciles and finished.

    ``unfinished_run`` is the latest run's id when it did not finish (the store
    may hold only part of it), else None.
    """
    loads = records(data.store.loads(), LOAD_COLUMNS)
    for load in loads:
        load["reconciles"] = int(load["rows_in"]) == (
            int(load["loaded"]) + int(load["rejected"]) + int(load["duplicates"])
        )
        load["finished"] = load["finished_at"] is not None
    latest = loads[0] if loads else None
    return {
        "loads": loads,
        "unfinished_run": latest["run_id"] if latest and not latest["finished"] else None,
        "counts": data.cached(("counts",), data.store.counts),
    }
