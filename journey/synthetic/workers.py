"""Synthetic lead professionals: each period gets a named worker in the team covering its ward.

Pure and deterministic (no random draws, so the rest of the generator's
stream is untouched): the wards are split among four locality teams; within a
team, periods are taken in order of their start and each goes to the
fullest worker with room, a worker holding 6 to 10 families at a time (their
own capacity, fixed by their number); a new worker joins the team when every
worker is full. Periods last up to 18 months (the generator's 180 to 540 days).
"""

from __future__ import annotations

import heapq

import numpy as np
import pandas as pd

__all__ = ["TEAMS", "assign_workers", "capacity"]

TEAMS = ("North Early Help", "South Early Help", "East Early Help", "West Early Help")
_FIRST = ("Alex", "Bea", "Chris", "Dee", "Eli", "Fran", "Gus", "Hana", "Ira", "Jo", "Kit",
          "Lee", "Mo", "Nia", "Oli", "Pat", "Raj", "Sol", "Tam", "Uma", "Val", "Wyn")  # fmt: skip
_LAST = ("Ashby", "Birch", "Cole", "Dunn", "Ellis", "Frost", "Gale", "Hart", "Innes", "Judd")


def capacity(worker: int) -> int:
    """How many families worker number ``worker`` of a team holds at most (6 to 10).

    Examples
    --------
    >>> [capacity(n) for n in range(6)]
    [8, 10, 6, 9, 7, 8]
    """
    return (8, 10, 6, 9, 7)[worker % 5]


def _name(team: int, worker: int) -> str:
    """A made-up worker name, unique across teams."""
    number = team * 50 + worker
    return f"{_FIRST[number % len(_FIRST)]} {_LAST[(number // len(_FIRST)) % len(_LAST)]}"


def _assign_team(starts: np.ndarray, ends: np.ndarray) -> list[int]:
    """The worker number of each period of one team (periods ordered by start)."""
    open_until: list[list[tuple[float, int]]] = []  # per worker: heap of (end, period)
    chosen: list[int] = []
    for period, (start, end) in enumerate(zip(starts, ends, strict=True)):
        for heap in open_until:
            while heap and heap[0][0] < start:
                heapq.heappop(heap)
        room = [capacity(w) - len(heap) for w, heap in enumerate(open_until)]
        if not room or max(room) <= 0:
            open_until.append([])
            room.append(capacity(len(room)))
        # The fullest worker with room: caseloads fill up rather than spread thin.
        worker = min((r, w) for w, r in enumerate(room) if r > 0)[1]
        heapq.heappush(open_until[worker], (end, period))
        chosen.append(worker)
    return chosen


def assign_workers(families: pd.DataFrame, wards: list[str]) -> pd.DataFrame:
    """``families`` (the generator's frame) with ``lead_worker`` and ``lead_team`` on each period.

    A row without ``lead_from`` (a family with no period) gets neither.

    Examples
    --------
    >>> frame = pd.DataFrame({"family_id": ["F1", "F2"], "area": ["A", "B"],
    ...                       "lead_from": pd.to_datetime(["2020-01-01", None]),
    ...                       "lead_to": pd.to_datetime([None, None])})
    >>> assign_workers(frame, ["A", "B"])[["lead_worker", "lead_team"]].values.tolist()
    [['Alex Ashby', 'North Early Help'], [None, None]]
    """
    frame = families.copy()
    frame["lead_worker"] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    frame["lead_team"] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    team_of_ward = {ward: index % len(TEAMS) for index, ward in enumerate(wards)}
    team = frame["area"].map(team_of_ward)
    led = frame["lead_from"].notna() & team.notna()
    far = pd.Timestamp.max.asm8.astype("datetime64[ns]").astype(np.int64)
    for number, name in enumerate(TEAMS):
        rows = frame[led & (team == number)].sort_values(["lead_from", "family_id"])
        starts = rows["lead_from"].to_numpy("datetime64[ns]").astype(np.int64)
        ends = rows["lead_to"].to_numpy("datetime64[ns]").astype(np.int64)
        ends = np.where(rows["lead_to"].isna().to_numpy(), far, ends)
        workers = _assign_team(starts, ends)
        frame.loc[rows.index, "lead_worker"] = [_name(number, w) for w in workers]
        frame.loc[rows.index, "lead_team"] = name
    return frame
