"""Run the analyses over a population, or over one family, from one table of steps.

Each analysis family stays a pure function in its own module
(:mod:`journey.high_contact`, :mod:`journey.uncoordinated`,
:mod:`journey.indicators`, :mod:`journey.pathways`, :mod:`journey.intervention`).
:data:`STEPS` says how each is called with the run's inputs and
:class:`~journey.parameters.AnalysisParameters`; :func:`analyse` runs every
step on the population and :func:`analyse_family` the family-level steps on
one family's rows, so the web app's family page computes exactly what the
families list was computed with. The definitions are in docs/analyses.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from journey import cohorts, high_contact, indicators, intervention, uncoordinated
from journey.contract import ANALYSED_CONTACT_COLUMNS, LEAD_PERIODS, PEOPLE
from journey.errors import InputError
from journey.event_log import PreparedContacts, prepare
from journey.family_summary import contacts_per_month, family_summary
from journey.journeys import family_journeys
from journey.members import member_results
from journey.parameters import AnalysisParameters
from journey.pathway_cohorts import PathwayViews, pathway_views
from journey.report import render_report
from journey.store import Store
from journey.taxonomy import Taxonomy, default_taxonomy

__all__ = [
    "AnalysisInputs",
    "AnalysisRun",
    "FamilyAnalysis",
    "Step",
    "STEPS",
    "analyse",
    "analyse_family",
    "analyse_store",
]


@dataclass(frozen=True)
class AnalysisInputs:
    """What every step reads: the prepared contacts, the other frames, taxonomy and parameters."""

    contacts: PreparedContacts
    people: pd.DataFrame
    lead_periods: pd.DataFrame
    taxonomy: Taxonomy
    parameters: AnalysisParameters


@dataclass(frozen=True)
class Step:
    """One analysis: its name, how it is called, and whether it also runs for one family."""

    name: str
    run: Callable[[AnalysisInputs, dict[str, Any]], Any]
    per_family: bool


def _high_contact(inputs: AnalysisInputs, _: dict) -> high_contact.HighContactResult:
    p = inputs.parameters
    return high_contact.high_contact(
        inputs.contacts, inputs.people, window_days=p.window_days,
        min_contacts=p.min_contacts, min_agencies=p.min_agencies, by_age=p.by_age,
    )  # fmt: skip


def _uncoordinated(inputs: AnalysisInputs, _: dict) -> uncoordinated.UncoordinatedResult:
    p = inputs.parameters
    return uncoordinated.uncoordinated(
        inputs.contacts, inputs.lead_periods, parallel_days=p.parallel_days,
        assessment_days=p.assessment_days, taxonomy=inputs.taxonomy,
    )  # fmt: skip


def _eligibility(inputs: AnalysisInputs, _: dict) -> indicators.EligibilityResult:
    p = inputs.parameters
    return indicators.eligibility(
        inputs.contacts, inputs.lead_periods, taxonomy=inputs.taxonomy,
        indicator_set=p.indicator_set, window_days=p.window_days,
    )  # fmt: skip


def _family_points(inputs: AnalysisInputs, done: dict) -> intervention.FamilyInterventionPoints:
    # The intervention window ends at the high-contact threshold or at
    # eligibility, whichever the analyses found first.
    crossed = done["high_contact"].families["first_crossed"].iloc[0]
    eligible = done["eligibility"].families["first_eligible"].iloc[0]
    return intervention.family_intervention_points(
        inputs.contacts.frame, inputs.people, inputs.lead_periods,
        threshold_date=None if pd.isna(crossed) else crossed,
        eligibility_date=None if pd.isna(eligible) else eligible,
    )  # fmt: skip


def _population_points(
    inputs: AnalysisInputs, _: dict
) -> intervention.PopulationInterventionPoints:
    return intervention.population_intervention(
        inputs.contacts.frame, taxonomy=inputs.taxonomy,
        journeys=inputs.contacts.agency_journeys,
    )  # fmt: skip


def _cohort_points(inputs: AnalysisInputs, done: dict) -> pd.DataFrame:
    groups = cohorts.cohort_families(
        inputs.contacts.frame["family_id"].unique(),
        done["high_contact"].families, done["eligibility"].families,
    )  # fmt: skip
    return cohorts.cohort_intervention(
        inputs.contacts.frame, groups, taxonomy=inputs.taxonomy,
        journeys=inputs.contacts.agency_journeys,
    )  # fmt: skip


def _escalated(inputs: AnalysisInputs, _: dict) -> list[str]:
    frame = inputs.contacts.frame
    return sorted(set(frame.loc[inputs.taxonomy.is_escalation(frame), "family_id"].unique()))


def _cohort_pathways(inputs: AnalysisInputs, done: dict) -> PathwayViews:
    high = done["high_contact"].families
    eligible = done["eligibility"].families
    cohorts = {
        "all": inputs.contacts.frame["family_id"].unique(),
        "high_contact": high.loc[high["is_high_contact"], "family_id"],
        "escalated": done["escalated"],
        "eligible": eligible.loc[eligible["eligible"], "family_id"],
    }
    escalation = inputs.taxonomy.is_escalation(inputs.contacts.frame).to_numpy(dtype=bool)
    return pathway_views(inputs.contacts.agency_journeys, cohorts, escalation)


#: Every analysis in the order it runs; a step reads the results of the steps before it.
STEPS = (
    Step("high_contact", _high_contact, per_family=True),
    Step("uncoordinated", _uncoordinated, per_family=True),
    Step("eligibility", _eligibility, per_family=True),
    Step("family_intervention", _family_points, per_family=True),
    Step("intervention", _population_points, per_family=False),
    Step("cohort_intervention", _cohort_points, per_family=False),
    Step("escalated", _escalated, per_family=False),
    Step("pathways", _cohort_pathways, per_family=False),
)


def _inputs(contacts, people, lead_periods, taxonomy, parameters) -> AnalysisInputs:
    taxonomy = taxonomy or default_taxonomy()
    parameters = parameters or AnalysisParameters()
    taxonomy.indicator_set(parameters.indicator_set)  # fail early on an unknown set
    return AnalysisInputs(
        contacts=prepare(contacts),
        people=PEOPLE.empty() if people is None else people,
        lead_periods=LEAD_PERIODS.empty() if lead_periods is None else lead_periods,
        taxonomy=taxonomy,
        parameters=parameters,
    )


def _run(steps, inputs: AnalysisInputs, timings: dict[str, float] | None = None) -> dict:
    done: dict[str, Any] = {}
    for step in steps:
        begun = time.perf_counter()
        done[step.name] = step.run(inputs, done)
        if timings is not None:
            timings[step.name] = round(time.perf_counter() - begun, 3)
    return done


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


def _frames(inputs: AnalysisInputs, done: dict, families: pd.DataFrame) -> dict[str, pd.DataFrame]:
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
    }


def _high_contact_people(people: pd.DataFrame) -> pd.Series:
    """People high-contact in a window or before the age of the cumulative form."""
    before_age = people["high_contact_before_age"].astype("boolean").fillna(False)
    return people["is_high_contact"].astype(bool) | before_age.astype(bool)


def _counts(inputs: AnalysisInputs, done: dict) -> dict[str, int]:
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


def analyse(
    contacts: pd.DataFrame,
    people: pd.DataFrame | None = None,
    families: pd.DataFrame | None = None,
    lead_periods: pd.DataFrame | None = None,
    *,
    taxonomy: Taxonomy | None = None,
    parameters: AnalysisParameters | None = None,
) -> AnalysisRun:
    """Run every analysis family over a population.

    Parameters
    ----------
    contacts, people, families, lead_periods : DataFrame
        The contract's frames (see :mod:`journey.contract`); people, families
        and lead periods may be omitted.
    taxonomy : Taxonomy, optional
        The shipped taxonomy by default.
    parameters : AnalysisParameters, optional
        Thresholds; the documented defaults when omitted.

    Returns
    -------
    AnalysisRun
        Frames named as in :data:`journey.outputs.OUTPUT_FILES` plus
        ``family_summary``, ``broker_agencies`` and ``contacts_per_month``; a
        summary dict; a Markdown report.

    Examples
    --------
    A family seen by the police, then by a school a week later, then by the
    police again (sector and times as the contract gives them):

    >>> contacts = pd.DataFrame({
    ...     "contact_id": ["c1", "c2", "c3"], "person_id": ["p1", "p2", "p1"],
    ...     "family_id": ["F1", "F1", "F1"], "agency": ["Police", "School", "Police"],
    ...     "sector": ["police", "education", "police"],
    ...     "contact_type": ["domestic_incident", "school_absence", "incident"],
    ...     "occurred_at": pd.to_datetime(["2021-01-04", "2021-01-11", "2021-02-01"]),
    ...     "referred_by": [None, None, None], "service": None, "source_system": None})
    >>> run = analyse(contacts)
    >>> run.frames["pathways"].query("cohort == 'all'")[["from_agency", "to_agency", "transitions"]]
      from_agency to_agency  transitions
    0      Police    School            1
    1      School    Police            1
    >>> row = run.frames["family_summary"].iloc[0]
    >>> int(row.contacts), int(row.uncoordinated), row.indicators
    (3, 2, 'crime_asb;domestic_abuse;education')
    """
    started = time.perf_counter()
    inputs = _inputs(contacts, people, lead_periods, taxonomy, parameters)
    if families is None:
        families = pd.DataFrame({"family_id": contacts["family_id"].unique(), "area": None})
    timings: dict[str, float] = {}
    begun = time.perf_counter()
    inputs.contacts.agency_journeys  # noqa: B018 - the shared event log, timed on its own
    timings["event_log"] = round(time.perf_counter() - begun, 3)
    population_steps = [step for step in STEPS if step.name != "family_intervention"]
    done = _run(population_steps, inputs, timings)
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


@dataclass(frozen=True)
class FamilyAnalysis:
    """Every family-level analysis of one family, run with one set of parameters.

    ``journey`` is the family's journey frame (:func:`journey.journeys.family_journeys`
    with members), the one frame the family page and its swimlane map read.
    ``members`` is :func:`journey.members.member_results`: one row per member
    with ages, contact counts and both high-contact forms.
    """

    family_id: str
    parameters: AnalysisParameters
    journey: pd.DataFrame
    high_contact: high_contact.HighContactResult
    uncoordinated: uncoordinated.UncoordinatedResult
    eligibility: indicators.EligibilityResult
    intervention: intervention.FamilyInterventionPoints
    members: pd.DataFrame


def analyse_family(
    contacts: pd.DataFrame,
    people: pd.DataFrame | None = None,
    lead_periods: pd.DataFrame | None = None,
    *,
    taxonomy: Taxonomy | None = None,
    parameters: AnalysisParameters | None = None,
) -> FamilyAnalysis:
    """Run the family-level steps of :data:`STEPS` on one family's rows, as :func:`analyse` does.

    The web app's family page uses this with the parameters of the stored
    population run, so the page agrees with the families list.

    Examples
    --------
    >>> contacts = pd.DataFrame({
    ...     "contact_id": ["c1", "c2"], "person_id": ["p1", "p1"], "family_id": "F1",
    ...     "agency": ["Police", "School"], "sector": ["police", "education"],
    ...     "contact_type": ["domestic_incident", "exclusion"],
    ...     "occurred_at": pd.to_datetime(["2021-01-04", "2021-01-11"]), "referred_by": None})
    >>> family = analyse_family(contacts)
    >>> bool(family.eligibility.families.loc[0, "eligible"])
    True
    >>> family.intervention.agencies.loc[0, "agency"]
    'Police'
    """
    family_ids = contacts["family_id"].unique()
    if len(family_ids) != 1:
        raise InputError(f"analyse_family takes one family's contacts, not {len(family_ids)}")
    inputs = _inputs(contacts, people, lead_periods, taxonomy, parameters)
    done = _run([step for step in STEPS if step.per_family], inputs)
    return FamilyAnalysis(
        family_id=str(family_ids[0]),
        parameters=inputs.parameters,
        journey=family_journeys(inputs.contacts, members=True),
        high_contact=done["high_contact"],
        uncoordinated=done["uncoordinated"],
        eligibility=done["eligibility"],
        intervention=done["family_intervention"],
        members=member_results(
            _people_rows(people, family_ids[0]), done["high_contact"].people,
            by_age=inputs.parameters.by_age,
        ),
    )


def _people_rows(people: pd.DataFrame | None, family_id: object) -> pd.DataFrame:
    """The family's people rows (an empty people frame when there are none)."""
    columns = ["person_id", "family_id", "role", "birth_month", "sex"]
    if people is None or people.empty:
        return pd.DataFrame(columns=columns)
    return people[people["family_id"] == family_id]


def analyse_store(
    store: Store, *, taxonomy: Taxonomy | None = None, **parameters: Any
) -> AnalysisRun:
    """Read a store's population, analyse it, and save the results back for the web app.

    Keyword arguments are the fields of :class:`AnalysisParameters`.
    """
    contacts = store.contacts(columns=ANALYSED_CONTACT_COLUMNS)
    if contacts.empty:
        raise InputError(
            f"{store.url}: the store holds no contacts; load data first with `journey load`"
        )
    run = analyse(
        contacts,
        store.people(),
        store.families(),
        store.lead_periods(),
        taxonomy=taxonomy,
        parameters=AnalysisParameters(**parameters),
    )
    store.save_results(run.frames, run.summary | {"indicator_set": run.parameters.indicator_set})
    return run
