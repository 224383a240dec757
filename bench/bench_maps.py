"""Journey maps: server time to draw a 300-contact family's swimlane and a 15-agency pathways map.

Target: a swimlane in under 50 ms, so a family page never waits for its map.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.common import Measurement, measure
from journey.contract import CONTACT_COLUMNS
from journey.maps import network_map, pathways_map, swimlane_map
from journey.taxonomy import default_taxonomy

AGENCIES = [
    "Police", "School", "GP", "Children's Social Care", "Early Help", "Housing",
    "DWP JobCentre Plus", "CAMHS", "Youth Justice", "Health Visiting", "Probation", "Hospital",
    "Domestic Abuse Service", "Substance Misuse Service", "Voluntary Sector",
]
TYPES = ["incident", "referral", "assessment", "home_visit", "appointment", "school_absence",
         "strategy_meeting", "benefit_claim"]


def family_contacts(n_contacts: int = 300, *, seed: int = 7) -> pd.DataFrame:
    """A synthetic family: n contacts over three years, a fifth of them with 2 or 3 members."""
    rng = np.random.default_rng(seed)
    taxonomy = default_taxonomy()
    agencies = rng.choice(AGENCIES[:10], n_contacts, p=np.linspace(2, 0.5, 10) / 12.5)
    offsets = np.sort(rng.integers(0, 1100, n_contacts))
    when = pd.Timestamp("2020-01-06") + pd.to_timedelta(offsets, "D")
    members = [
        list(rng.choice(["P1", "P2", "P3", "P4"], size=rng.integers(2, 4), replace=False))
        if rng.random() < 0.2 else [f"P{rng.integers(1, 5)}"]
        for _ in range(n_contacts)
    ]
    rows = [
        {"contact_id": f"C{i:05d}", "person_id": person, "family_id": "F1", "agency": agency,
         "sector": taxonomy.sector_of(agency), "contact_type": TYPES[i % len(TYPES)],
         "occurred_at": moment, "referred_by": None, "service": None, "source_system": None}
        for i, (agency, moment, people) in enumerate(zip(agencies, when, members, strict=True))
        for person in people
    ]
    return pd.DataFrame(rows, columns=CONTACT_COLUMNS)


def pathways_frame(*, seed: int = 11) -> pd.DataFrame:
    """Every ordered pair of 15 agencies with a heavy-tailed number of transitions."""
    rng = np.random.default_rng(seed)
    pairs = [(a, b) for a in AGENCIES for b in AGENCIES]
    transitions = (rng.pareto(1.2, len(pairs)) * 40).astype(int) + 1
    return pd.DataFrame(
        {
            "from_agency": [a for a, _ in pairs],
            "to_agency": [b for _, b in pairs],
            "transitions": transitions,
            "families": np.maximum(1, (transitions * 0.8).astype(int)),
            "median_days": rng.integers(1, 120, len(pairs)).astype(float),
        }
    )


def run() -> list[Measurement]:
    contacts = family_contacts(300)
    ids = sorted(contacts["contact_id"].unique())
    pathways = pathways_frame()
    big = family_contacts(2000, seed=3)
    swimlane_map(contacts)  # warm-up: reads and hashes the vendored vis-network once
    return [
        measure(
            "swimlane_map 300 contacts (linked assets)",
            lambda: swimlane_map(contacts, peak_contact_ids=ids[100:160],
                                 uncoordinated_contact_ids=ids[::7], assets="/static/vendor"),
            repeat=9, target_s=0.050,
        ),
        measure(
            "swimlane_map 300 contacts (inline, export)",
            lambda: swimlane_map(contacts, peak_contact_ids=ids[100:160],
                                 uncoordinated_contact_ids=ids[::7]),
            repeat=9, target_s=0.050,
        ),
        measure("swimlane_map 2,000 contacts (aggregated by week)",
                lambda: swimlane_map(big), repeat=5),
        measure("network_map 300 contacts", lambda: network_map(contacts), repeat=9),
        measure("pathways_map 15 agencies, 225 pathways", lambda: pathways_map(pathways), repeat=9),
    ]


if __name__ == "__main__":
    run()
