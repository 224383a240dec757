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

from graph_loader.stores.neo4j_rows import digests
from journey.arrays import DAY_NS
from journey.event_log import family_timeline, person_timeline
from journey.timeline import Timeline

__all__ = ["family_chains", "person_chains", "chain_digests", "flow_rows"]


def _links(contacts: pd.DataFrame, line: Timeline, owner: str) -> pd.DataFrame:
    """Consecutive events of one entity: owner id, from and to contact ids, days between."""
    if len(line) < 2:
        return pd.DataFrame(columns=[owner, "from_id", "to_id", "days"])
    same = line.entity[1:] == line.entity[:-1]
    ids = contacts["contact_id"].to_numpy()[line.rows]
    days = np.diff(line.times) / DAY_NS
    return pd.DataFrame({
        owner: line.ids[line.entity[1:][same]],
        "from_id": ids[:-1][same],
        "to_id": ids[1:][same],
        "days": days[same].astype(float),
    })  # fmt: skip


def family_chains(contacts: pd.DataFrame) -> pd.DataFrame:
    """One row per contact of each family: its step, and the next contact of the family (or None).

    Examples
    --------
    >>> contacts = pd.DataFrame({"contact_id": ["b", "a", "a"], "person_id": ["p1", "p1", "p2"],
    ...     "family_id": "F1",
    ...     "occurred_at": pd.to_datetime(["2021-01-03", "2021-01-01", "2021-01-01"])})
    >>> family_chains(contacts).values.tolist()
    [['a', 'F1', 0, 'b', 2.0], ['b', 'F1', 1, None, None]]
    """
    line = family_timeline(contacts)
    ids = contacts["contact_id"].to_numpy()[line.rows]
    step = np.arange(len(line)) - line.starts[line.entity]
    has_next = np.zeros(len(line), dtype=bool)
    if len(line) > 1:
        has_next[:-1] = line.entity[1:] == line.entity[:-1]
    next_id = np.full(len(line), None, dtype=object)
    days = np.full(len(line), np.nan)
    next_id[:-1][has_next[:-1]] = ids[1:][has_next[:-1]]
    days[:-1][has_next[:-1]] = (np.diff(line.times) / DAY_NS)[has_next[:-1]]
    frame = pd.DataFrame({
        "contact_id": ids,
        "family_id": line.ids[line.entity],
        "step": step.astype(int),
        "next_id": next_id,
        "days": days,
    })  # fmt: skip
    return frame.astype({"days": object}).where(frame.notna(), None)


def person_chains(contacts: pd.DataFrame) -> pd.DataFrame:
    """Each person's NEXT_FOR_PERSON links (person_id, from_id, to_id, days)."""
    return _links(contacts, person_timeline(contacts), "person_id")


def chain_digests(chains: pd.DataFrame, owner: str) -> pd.Series:
    """The digest of each family's or person's chain rows (see :func:`neo4j_rows.digests`)."""
    return digests(chains, owner, list(chains.columns))


def flow_rows(pathways: pd.DataFrame) -> list[dict[str, Any]]:
    """The FLOWS_TO links: the ``all`` cohort of the pathways result, self-loops included."""
    flows = pathways
    if "cohort" in flows.columns:
        flows = flows[flows["cohort"] == "all"]
    columns = ["from_agency", "to_agency", "transitions", "families", "median_days"]
    ready = flows[columns].astype(object).where(flows[columns].notna(), None)
    return ready.to_dict("records")
