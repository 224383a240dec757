"""Run the analyses over a population, or over one family, from one table of steps.

Each analysis family stays a pure function in its own module
(:mod:`journey.high_contact`, :mod:`journey.uncoordinated`,
:mod:`journey.indicators`, :mod:`journey.pathways`, :mod:`journey.intervention`).
:data:`STEPS` says how each is called with the run's inputs and
:class:`~journey.parameters.AnalysisParameters`; :func:`analyse` runs every
step on the population and :func:`analyse_family` the family-level steps on
one family's rows, so the web app's family page computes exactly what the
families list was computed with. The definitions are in docs/analyses.md.

A population run has two parts. :func:`family_part` runs the steps whose
results are family by family (``by_family``): the results for a population
are those of its families put together, so they can be worked out on a
cluster, a group of whole families at a time (:mod:`journey.dask_engine`).
:func:`population_part` runs the population-wide steps on all the contacts
and builds the run. :func:`analyse` is the two in turn, on one machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from journey import cohorts, high_contact, indicators, intervention, uncoordinated
from journey.analysis_results import AnalysisRun, build_run
from journey.contract import ANALYSED_CONTACT_COLUMNS, LEAD_PERIODS, PEOPLE
from journey.errors import InputError
from journey.event_log import PreparedContacts, prepare
from journey.journeys import family_journeys
from journey.members import member_results
from journey.outcomes_run import analysis_step as outcomes_step
from journey.parameters import AnalysisParameters
from journey.pathway_cohorts import PathwayViews, pathway_views
from journey.store import Store
from journey.taxonomy import Taxonomy, default_taxonomy

__all__ = [
    "AnalysisInputs",
    "AnalysisRun",
    "Engine",
    "FamilyAnalysis",
    "Step",
    "STEPS",
    "analyse",
    "analyse_family",
    "analyse_store",
    "analysis_inputs",
    "family_part",
    "population_part",
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
    """One analysis: its name, how it is called, and whether it also runs for one family.

    ``by_family`` says that the step's population result is its results for
    each family put together, in family order: it runs in :func:`family_part`.
    """

    name: str
    run: Callable[[AnalysisInputs, dict[str, Any]], Any]
    per_family: bool
    by_family: bool = False


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
    Step("high_contact", _high_contact, per_family=True, by_family=True),
    Step("uncoordinated", _uncoordinated, per_family=True, by_family=True),
    Step("eligibility", _eligibility, per_family=True, by_family=True),
    Step("escalated", _escalated, per_family=False, by_family=True),
    Step("family_intervention", _family_points, per_family=True),
    Step("intervention", _population_points, per_family=False),
    Step("cohort_intervention", _cohort_points, per_family=False),
    Step("pathways", _cohort_pathways, per_family=False),
    Step("outcomes", outcomes_step, per_family=False),
)
# The population run leaves out the family page's own step.
_POPULATION_STEPS = tuple(step for step in STEPS if step.name != "family_intervention")

#: What analyses a store's population: (store, people, families, lead_periods, *, taxonomy,
#: parameters) -> AnalysisRun, the store's contacts read as the engine reads them.
Engine = Callable[..., AnalysisRun]


def analysis_inputs(
    contacts: pd.DataFrame | PreparedContacts,
    people: pd.DataFrame | None = None,
    lead_periods: pd.DataFrame | None = None,
    taxonomy: Taxonomy | None = None,
    parameters: AnalysisParameters | None = None,
) -> AnalysisInputs:
    """The inputs of a run: the contacts prepared, empty frames for those not given, defaults."""
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


def _run(steps, inputs: AnalysisInputs, timings: dict[str, float] | None = None,
         done: dict[str, Any] | None = None) -> dict:
    done = {} if done is None else done
    for step in steps:
        begun = time.perf_counter()
        done[step.name] = step.run(inputs, done)
        if timings is not None:
            timings[step.name] = round(time.perf_counter() - begun, 3)
    return done


def _event_log(inputs: AnalysisInputs, timings: dict[str, float]) -> None:
    """Build the shared event log, timed on its own."""
    begun = time.perf_counter()
    inputs.contacts.agency_journeys  # noqa: B018 - a cached property
    timings["event_log"] = round(time.perf_counter() - begun, 3)


def family_part(inputs: AnalysisInputs, timings: dict[str, float] | None = None) -> dict:
    """The results of the ``by_family`` steps of :data:`STEPS` for the families of ``inputs``.

    Each result is its families' results in family order, so the results of a
    population split into groups of whole families are the groups' results put
    together (:func:`journey.dask_engine.combine_family_parts`).
    """
    return _run([step for step in _POPULATION_STEPS if step.by_family], inputs, timings)


def population_part(
    inputs: AnalysisInputs,
    done: dict[str, Any],
    families: pd.DataFrame | None = None,
    *,
    started: float | None = None,
    timings: dict[str, float] | None = None,
) -> AnalysisRun:
    """Run the population-wide steps after :func:`family_part`'s results ``done``; build the run.

    ``inputs`` are the whole population's; ``started`` the
    :func:`time.perf_counter` reading when the run began (now by default) and
    ``timings`` the seconds of its steps so far.
    """
    started = time.perf_counter() if started is None else started
    timings = {} if timings is None else timings
    if families is None:
        contacts = inputs.contacts.frame
        families = pd.DataFrame({"family_id": contacts["family_id"].unique(), "area": None})
    if "event_log" not in timings:
        _event_log(inputs, timings)
    done = dict(done)
    _run([step for step in _POPULATION_STEPS if not step.by_family], inputs, timings, done)
    return build_run(inputs, done, families, started=started, timings=timings)


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
    inputs = analysis_inputs(contacts, people, lead_periods, taxonomy, parameters)
    timings: dict[str, float] = {}
    # The shared event log first, timed on its own (population_part builds it otherwise).
    _event_log(inputs, timings)
    done = family_part(inputs, timings)
    return population_part(inputs, done, families, started=started, timings=timings)


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
    inputs = analysis_inputs(contacts, people, lead_periods, taxonomy, parameters)
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


def _no_contacts(store: Store) -> InputError:
    return InputError(
        f"{store.url}: the store holds no contacts; load data first with `journey load`"
    )


def analyse_store(
    store: Store,
    *,
    taxonomy: Taxonomy | None = None,
    engine: Engine | None = None,
    **parameters: Any,
) -> AnalysisRun:
    """Read a store's population, analyse it, and save the results back for the web app.

    Keyword arguments are the fields of :class:`AnalysisParameters`. ``engine``
    analyses the population in place of :func:`analyse` (which reads the
    contacts here): :class:`journey.dask_engine.DaskEngine` on a Dask cluster.
    """
    parameters_used = AnalysisParameters(**parameters)
    frames = (store.people(), store.families(), store.lead_periods())
    if engine is not None:
        if not store.counts()["contact_rows"]:
            raise _no_contacts(store)
        run = engine(store, *frames, taxonomy=taxonomy, parameters=parameters_used)
    else:
        contacts = store.contacts(columns=ANALYSED_CONTACT_COLUMNS)
        if contacts.empty:
            raise _no_contacts(store)
        run = analyse(contacts, *frames, taxonomy=taxonomy, parameters=parameters_used)
    store.save_results(run.frames, run.summary | {"indicator_set": run.parameters.indicator_set})
    return run
