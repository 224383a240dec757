"""The parts of `journey analyse` at 1M rows: reading the store, and the analyses in memory.

The whole command is timed at every size by bench_scale.py, in a fresh
process; these figures say where its time goes. They use the shared analysed
store (1M rows; 100k with ``--quick``).
"""

from __future__ import annotations

from bench.common import Measurement, analysed_store, measure
from graph_loader.stores import open_store
from journey.analysis import analyse


def run(quick: bool = False) -> list[Measurement]:
    """Time reading every contact row, then the analyses on the frames read (median of 3)."""
    store = open_store(f"sqlite:///{analysed_store(4_000 if quick else 40_000)}")
    try:
        contacts = store.contacts()
        people, families, periods = store.people(), store.families(), store.lead_periods()
        rows = len(contacts)
        extra = {"rows": rows, "unit": "contact rows"}
        return [
            measure(f"read all {rows:,} contact rows from the store", store.contacts, repeat=3,
                    **extra),
            measure(f"analyses only, {rows:,} rows (in memory)",
                    lambda: analyse(contacts, people, families, periods), repeat=3, **extra),
        ]  # fmt: skip
    finally:
        store.close()


if __name__ == "__main__":
    run()
