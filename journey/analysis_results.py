"""The results of a population run: the stored frames, the evidence, the counts and the report.

:func:`build_run` turns the steps' results (:data:`journey.analysis.STEPS`)
into an :class:`AnalysisRun`. Every engine of the population run ends here,
the single-machine :func:`journey.analysis.analyse` and the Dask engine
(:mod:`journey.dask_engine`) alike, so their results are built by one code path.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from journey.family_summary import contacts_per_month, family_summary
from journey.parameters import AnalysisParameters
from journey.report import render_report

__all__ = ["AnalysisRun", "build_run"]


@dataclass
class AnalysisRun:
    """The results of one run: named frames, evidence, a summary, and a readable report.

    ``frames`` are stored for the web app; ``evidence`` (contact-level detail,
    large at population scale) goes to files only, since the web app works it
    out for one family at a time.
    """

    parameters: AnalysisParameters
    frames: dict[str, pd.DataFrame]
    summary: dict[str, Any] = field(default_factory=dict)
    report: str = ""
    evidence: dict[str, pd.DataFrame] = field(default_factory=dict)

    def headline(self) -> str:
        """One line for the terminal."""
        counts = self.summary["counts"]
        return (
            f"analysed {counts['families']:,} families, {counts['contacts']:,} contacts: "
            f"{counts['high_contact_families']:,} high-contact families, "
            f"{counts['high_contact_people']:,} high-contact people, "
            f"{counts['eligible_families']:,} eligible "
            f"({counts['not_yet_found']:,} not yet found), "
            f"{counts['escalated_families']:,} escalated"
        )


def _frames(inputs: Any, done: dict, families: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The stored result frames, named as the web app and :mod:`journey.outputs` read them."""
    contacts = inputs.contacts.frame
    high, unco, eligible = done["high_contact"], done["uncoordinated"], done["eligibility"]
    views = done["pathways"]
    paths, ends, variant_frame = views.whole_journeys()
    people_high = high.people
    return {
        "family_summary": family_summary(
            contacts, inputs.people, families, high.families, unco.families,
            eligible.families, set(done["escalated"]), high_people=people_high,
        ),  # fmt: skip
        "high_contact_people": people_high[_high_contact_people(people_high)].reset_index(
            drop=True
        ),
        "high_contact_families": high.families[high.families["is_high_contact"]].reset_index(
            drop=True
        ),
        "uncoordinated_families": unco.families.sort_values(
            ["uncoordinated", "family_id"], ascending=[False, True]
        ).reset_index(drop=True),
        "eligibility": eligible.families,
        "pathways": paths,
        "pathway_ends": ends,
        "variants": variant_frame,
        "intervention_agencies": done["intervention"].agencies,
        "broker_agencies": done["intervention"].brokers,
        "intervention_cohorts": done["cohort_intervention"],
        "contacts_per_month": contacts_per_month(inputs.contacts.agency_journeys),
        **views.frames(),
        **done["outcomes"],  # journey/outcomes_run.py
    }


def _high_contact_people(people: pd.DataFrame) -> pd.Series:
    """People high-contact in a window or before the age of the cumulative form."""
    before_age = people["high_contact_before_age"].astype("boolean").fillna(False)
    return people["is_high_contact"].astype(bool) | before_age.astype(bool)


def _counts(inputs: Any, done: dict) -> dict[str, int]:
    contacts = inputs.contacts.frame
    high, eligible = done["high_contact"].families, done["eligibility"].families
    return {
        "families": int(contacts["family_id"].nunique()),
        "people": int(contacts["person_id"].nunique()),
        "contacts": len(inputs.contacts.agency_journeys.family),
        "contact_rows": len(contacts),
        "agencies": int(contacts["agency"].nunique()),
        "high_contact_families": int(high["is_high_contact"].sum()),
        "high_contact_people": int(_high_contact_people(done["high_contact"].people).sum()),
        "eligible_families": int(eligible["eligible"].sum()),
        "not_yet_found": int(eligible["not_yet_found"].sum()),
        "escalated_families": len(done["escalated"]),
        "uncoordinated_contacts": int(done["uncoordinated"].families["uncoordinated"].sum()),
    }


def build_run(
    inputs: Any,
    done: dict[str, Any],
    families: pd.DataFrame,
    *,
    started: float,
    timings: dict[str, float],
) -> AnalysisRun:
    """The run of every step's results ``done``: frames, evidence, summary and report.

    ``inputs`` is the run's :class:`~journey.analysis.AnalysisInputs`;
    ``started`` the :func:`time.perf_counter` reading when the run began and
    ``timings`` the seconds of its steps so far (the frames' are added).
    """
    begun = time.perf_counter()
    frames = _frames(inputs, done, families)
    timings["family_summary"] = round(time.perf_counter() - begun, 3)
    flagged = done["uncoordinated"].contacts
    flagged = flagged[flagged["uncoordinated"]]
    evidence = {
        "uncoordinated_contacts": flagged[
            ["family_id", "contact_id", "occurred_at", "agency", "contact_type", "reason"]
        ].reset_index(drop=True)
    }
    run = AnalysisRun(parameters=inputs.parameters, frames=frames, evidence=evidence)
    population = done["intervention"].parameters
    run.summary = {
        # The escalation event and comparison window are derived, but they are
        # parameters of the intervention results all the same.
        "parameters": asdict(inputs.parameters)
        | {
            "escalation": population.get("escalation"),
            "comparison_days": population.get("comparison_days"),
        },
        "taxonomy": inputs.taxonomy.source,
        "counts": _counts(inputs, done),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_seconds": round(time.perf_counter() - started, 3),
        "step_seconds": timings,
    }
    run.report = render_report(run.summary, frames)
    return run
