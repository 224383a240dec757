"""Event logs as contacts: each case a family with its one person, each event a contact.

Process-mining tools (pm4py, ProM, Disco, Celonis) export one row per event
with a case id, an activity, a resource or group and a time. Read with
``--format eventlog``, the columns map to the contract like this (the id
scheme of docs/data-contract.md#event-logs):

* ``family_id`` and ``person_id`` are both the case id: a case is a family of
  one person;
* ``agency`` is the group (or resource) column, ``contact_type`` the activity,
  ``occurred_at`` the time;
* ``contact_id`` is the case id, a colon and the event's number in its case in
  file order, six digits: ``case-10011:000003`` is the third event of case
  ``case-10011``. Events at the same time keep the file's order (journeys
  break ties by contact id), and loading the same log again gives the same ids;
* ``source_system`` is the mapping's ``system``, else the file's name.

The defaults are the standard XES attribute names, which pm4py also writes
to CSV: ``case:concept:name``, ``org:group``, ``concept:name``, ``time:timestamp``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from graph_loader.readers.mapping import Mapping
from graph_loader.readers.source import SourceTable

__all__ = ["EventLogColumns", "eventlog_mapping", "number_events"]


@dataclass(frozen=True)
class EventLogColumns:
    """The source columns of an event log's case, agency, contact type and time."""

    case: str = "case:concept:name"
    agency: str = "org:group"
    contact_type: str = "concept:name"
    occurred_at: str = "time:timestamp"

    def contract_columns(self) -> dict[str, str]:
        """Contract column -> source column."""
        return {
            "family_id": self.case,
            "person_id": self.case,
            "agency": self.agency,
            "contact_type": self.contact_type,
            "occurred_at": self.occurred_at,
        }


def eventlog_mapping(
    columns: EventLogColumns, mapping: Mapping | None, source_name: str
) -> Mapping:
    """The mapping that reads an event log: its columns, plus what a mapping file adds.

    A mapping file may add ``[source]`` settings, ``[values]`` and the columns
    the event log options do not set (``contact_id``, ``referred_by``,
    ``service``, ``source_system``).

    Raises
    ------
    MappingError
        When the mapping file maps a column the event log options set.
    """
    base = mapping or Mapping()
    combined = base.with_columns(columns.contract_columns(), "--format eventlog")
    if not combined.system and "source_system" not in combined.columns:
        combined = replace(combined, system=source_name)
    return combined


def number_events(table: SourceTable) -> SourceTable:
    """Give each event without a ``contact_id`` the id ``<case>:<nnnnnn>`` (its number in its case).

    Examples
    --------
    >>> from pathlib import Path
    >>> from graph_loader.readers.source import columns_frame
    >>> frame = columns_frame({"family_id": ["c1", "c2", "c1 "]}, [2, 3, 4])
    >>> number_events(SourceTable(Path("log.csv"), frame)).frame["contact_id"].tolist()
    ['c1:000001', 'c2:000001', 'c1:000002']
    """
    frame = table.frame
    if "contact_id" in frame.columns:
        return table
    case = frame["family_id"].str.strip()
    number = case.groupby(case, sort=False).cumcount().to_numpy() + 1
    ids = [f"{c}:{n:06d}" for c, n in zip(case.tolist(), number.tolist(), strict=True)]
    frame = frame.assign(contact_id=pd.Series(np.array(ids, dtype=object), index=frame.index))
    return replace(table, frame=frame)
