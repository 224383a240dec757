"""The Neo4j store's derived links, computed in pandas with the project's own event log.

The journey chains (``NEXT_FOR_FAMILY``, ``NEXT_FOR_PERSON``) link each
contact to the next one of the same family or person in the event log's
order (time, then contact id; each contact once per family), and each
contact's ``step`` is its position in its family's journey. ``FLOWS_TO``
comes from the ``pathways`` result, so the graph and the files agree.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from journey.arrays import DAY_NS
from journey.event_log import family_timeline, person_timeline
from journey.timeline import Timeline

__all__ = ["family_chains", "person_chains", "flow_rows"]


def _links(contacts: pd.DataFrame, line: Timeline, owner: str) -> list[dict[str, Any]]:
    """Consecutive events of one entity: owner id, from and to contact ids, days between."""
    if len(line) < 2:
        return []
    same = line.entity[1:] == line.entity[:-1]
    ids = contacts["contact_id"].to_numpy()[line.rows]
    days = np.diff(line.times) / DAY_NS
    frame = pd.DataFrame({
        owner: line.ids[line.entity[1:][same]],
        "from_id": ids[:-1][same],
        "to_id": ids[1:][same],
        "days": days[same].astype(float),
    })  # fmt: skip
    return frame.to_dict("records")


def family_chains(contacts: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    """The families' steps (contact_id, family_id, step) and their NEXT_FOR_FAMILY links.

    Examples
    --------
    >>> contacts = pd.DataFrame({"contact_id": ["b", "a", "a"], "person_id": ["p1", "p1", "p2"],
    ...     "family_id": "F1",
    ...     "occurred_at": pd.to_datetime(["2021-01-03", "2021-01-01", "2021-01-01"])})
    >>> steps, links = family_chains(contacts)
    >>> [s["step"] for s in steps], links
    ([0, 1], [{'family_id': 'F1', 'from_id': 'a', 'to_id': 'b', 'days': 2.0}])
    """
    line = family_timeline(contacts)
    step = np.arange(len(line)) - line.starts[line.entity]
    steps = pd.DataFrame({
        "contact_id": contacts["contact_id"].to_numpy()[line.rows],
        "family_id": line.ids[line.entity],
        "step": step.astype(int),
    })  # fmt: skip
    return steps.to_dict("records"), _links(contacts, line, "family_id")


def person_chains(contacts: pd.DataFrame) -> list[dict[str, Any]]:
    """Each person's NEXT_FOR_PERSON links (person_id, from_id, to_id, days)."""
    return _links(contacts, person_timeline(contacts), "person_id")


def flow_rows(pathways: pd.DataFrame) -> list[dict[str, Any]]:
    """The FLOWS_TO links: the ``all`` cohort of the pathways result, self-loops included."""
    flows = pathways
    if "cohort" in flows.columns:
        flows = flows[flows["cohort"] == "all"]
    columns = ["from_agency", "to_agency", "transitions", "families", "median_days"]
    ready = flows[columns].astype(object).where(flows[columns].notna(), None)
    return ready.to_dict("records")
