"""Benchmark the pathway analysis: directly-follows counts and journey variants at population scale.

The frame is random but shaped like real contact data: 100,000 families with
Zipf-like (Pareto-tailed) journey lengths, 12 agencies with uneven volumes and
repeat contacts, a quarter of contacts involving two or three family members
(one row per member), and a third of contacts recorded as a date only (so many
contacts of a family share a timestamp and ties must be broken by contact id).
Rows are shuffled: nothing relies on the store's ordering. A second frame of
2.6M rows gives every contact one person, so that rows are events as in the
process-mining log pm4py reads (its ``discover_dfg`` plus variants take about
5 s on such a log).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.common import Measurement, measure
from journey.event_log import agency_journeys
from journey.pathways import pathways, variants

AGENCIES = [
    "Police", "School", "GP", "Health Visiting", "Hospital", "Children's Social Care",
    "Early Help", "DWP JobCentre Plus", "Housing", "CAMHS", "Youth Justice",
    "Domestic Abuse Service",
]  # fmt: skip
AGENCY_WEIGHTS = np.array([10, 9, 6, 3, 3, 2, 2, 4, 3, 2, 1, 1], dtype=float)


def _ids(prefix: str, count: int) -> np.ndarray:
    return np.array([f"{prefix}{i:08d}" for i in range(count)], dtype=object)


def contacts_frame(
    rows: int = 2_600_000, families: int = 100_000, *, seed: int = 7, shared: bool = True
) -> pd.DataFrame:
    """A shuffled contract contacts frame of about ``rows`` rows (see the module docstring).

    ``shared=False`` gives every contact one person, so rows are events, as in
    a process-mining event log.
    """
    rng = np.random.default_rng(seed)
    # Pareto tail: median journey ~13 contacts, a few families with thousands.
    weight = np.minimum(rng.random(families) ** (-1 / 1.8), 300.0)
    people_per_contact = np.array([1, 2, 3])
    share = np.array([0.75, 0.2, 0.05]) if shared else np.array([1.0, 0.0, 0.0])
    n_contacts = int(rows / (people_per_contact @ share))
    length = np.maximum(1, np.round(weight / weight.sum() * n_contacts)).astype(np.int64)
    family = np.repeat(np.arange(families), length)
    n_contacts = len(family)
    agency = rng.choice(len(AGENCIES), n_contacts, p=AGENCY_WEIGHTS / AGENCY_WEIGHTS.sum())
    repeat = rng.random(n_contacts) < 0.35  # the same agency again
    agency[1:][repeat[1:]] = agency[:-1][repeat[1:]]
    seconds = rng.integers(0, 8 * 365 * 86_400, n_contacts)
    date_only = rng.random(n_contacts) < 1 / 3
    seconds[date_only] -= seconds[date_only] % 86_400
    members = rng.choice(people_per_contact, n_contacts, p=share)
    row_contact = np.repeat(np.arange(n_contacts), members)
    member = np.arange(len(row_contact)) - np.repeat(np.cumsum(members) - members, members)
    row_family = family[row_contact]
    start = np.datetime64("2015-01-01T00:00:00", "s")
    frame = pd.DataFrame(
        {
            "contact_id": _ids("C", n_contacts)[rng.permutation(n_contacts)][row_contact],
            "person_id": _ids("P", families * 3)[row_family * 3 + member],
            "family_id": _ids("F", families)[row_family],
            "agency": np.array(AGENCIES, dtype=object)[agency[row_contact]],
            "sector": None,
            "contact_type": "incident",
            "occurred_at": (start + seconds[row_contact]).astype("datetime64[ns]"),
            "referred_by": None,
            "service": None,
            "source_system": None,
        }
    )
    return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)


def _pathways_and_variants(contacts: pd.DataFrame) -> None:
    journeys = agency_journeys(contacts)
    pathways(journeys)
    variants(journeys)


def run() -> list[Measurement]:
    """Time pathways + variants at 2.6M rows (target 1 s) and at 1M rows (target 0.4 s).

    Each run starts from the contacts frame: building the journeys once,
    then both analyses from them, is the work a caller does.
    """
    cases = [
        (2_600_000, 100_000, True, 1.0),
        (2_600_000, 100_000, False, 1.0),
        (1_000_000, 40_000, True, 0.4),
    ]
    results = []
    for rows, families, shared, target in cases:
        contacts = contacts_frame(rows, families, shared=shared)
        events = contacts["contact_id"].nunique()
        label = f"{len(contacts) / 1e6:.1f}M rows, {events / 1e6:.1f}M contacts"
        results.append(
            measure(
                f"pathways+variants ({label})",
                lambda c=contacts: _pathways_and_variants(c),
                repeat=5,
                target_s=target,
            )
        )
        results.append(
            measure(f"  of which agency_journeys ({label})", lambda c=contacts: agency_journeys(c))
        )
        if shared and rows == 2_600_000:
            # Stores return contacts ordered by family and time: the usual case.
            ordered = contacts.sort_values(["family_id", "occurred_at", "contact_id"])
            ordered = ordered.reset_index(drop=True)
            results.append(
                measure(
                    f"  same rows in store order ({label})",
                    lambda c=ordered: _pathways_and_variants(c),
                )
            )
    return results
