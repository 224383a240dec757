"""Run every analysis over a population and gather the results for files, the store and the web app.

This is the one place that knows all the analysis families; each family
stays a pure function in its own module (:mod:`journey.high_contact`,
:mod:`journey.uncoordinated`, :mod:`journey.indicators`,
:mod:`journey.pathways`, :mod:`journey.intervention`).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from journey import high_contact, indicators, intervention, pathways, uncoordinated
from journey.csv_export import write_csv
from journey.errors import InputError, OutputError
from journey.event_log import AgencyJourneys, agency_journeys, prepare
from journey.parameters import AnalysisParameters
from journey.report import render_report
from journey.store import Store
from journey.taxonomy import Taxonomy, default_taxonomy

__all__ = [
    "AnalysisParameters",
    "AnalysisRun",
    "analyse",
    "analyse_store",
    "write_outputs",
    "OUTPUT_FILES",
]

# The files `journey analyse` writes, and the stored frame each comes from.
OUTPUT_FILES = {
    "high_contact_people.csv": "high_contact_people",
    "high_contact_families.csv": "high_contact_families",
    "uncoordinated_families.csv": "uncoordinated_families",
    "eligibility.csv": "eligibility",
    "pathways.csv": "pathways",
    "pathway_ends.csv": "pathway_ends",
    "variants.csv": "variants",
    "intervention_agencies.csv": "intervention_agencies",
}


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


def _family_summary(
    contacts: pd.DataFrame,
    people: pd.DataFrame,
    families: pd.DataFrame,
    high: pd.DataFrame,
    unco: pd.DataFrame,
    eligible: pd.DataFrame,
    escalated: set[str],
) -> pd.DataFrame:
    """One row per family joining every family-level result (the web app's family list)."""
    is_child = (people["role"] == "child").astype(int)
    members = pd.DataFrame(
        {
            "people": people.groupby("family_id")["person_id"].size(),
            "children": is_child.groupby(people["family_id"]).sum(),
        }
    )
    summary = families[["family_id", "area"]].drop_duplicates("family_id").set_index("family_id")
    summary = summary.join(members, how="left")
    in_contacts = contacts.groupby("family_id")["person_id"].nunique().rename("people_in_contacts")
    summary = summary.join(in_contacts, how="outer")
    # Without a people file the joined counts are all missing (object dtype).
    people_count = pd.to_numeric(summary["people"], errors="coerce")
    summary["people"] = people_count.fillna(summary["people_in_contacts"]).fillna(0).astype(int)
    summary["children"] = pd.to_numeric(summary["children"], errors="coerce").fillna(0).astype(int)
    summary = summary.drop(columns="people_in_contacts")
    high_columns = {
        "total_contacts": "contacts",
        "total_agencies": "agencies",
        "first_contact": "first_contact",
        "last_contact": "last_contact",
        "peak_contacts": "peak_contacts",
        "peak_agencies": "peak_agencies",
        "peak_start": "peak_start",
        "peak_end": "peak_end",
        "is_high_contact": "high_contact",
        "first_crossed": "first_crossed",
    }
    summary = summary.join(
        high.set_index("family_id")[list(high_columns)].rename(columns=high_columns)
    )
    unco_columns = [
        "uncoordinated",
        "uncoordinated_share",
        "peak_parallel_agencies",
        "repeat_assessments",
    ]
    summary = summary.join(unco.set_index("family_id")[unco_columns])
    elig_columns = [
        "indicators",
        "indicator_count",
        "eligible",
        "first_eligible",
        "has_lead_professional",
        "not_yet_found",
    ]
    summary = summary.join(eligible.set_index("family_id")[elig_columns])
    summary["escalated"] = summary.index.isin(list(escalated))
    for column in [
        "contacts",
        "agencies",
        "peak_contacts",
        "peak_agencies",
        "uncoordinated",
        "peak_parallel_agencies",
        "repeat_assessments",
        "indicator_count",
    ]:
        summary[column] = pd.to_numeric(summary[column], errors="coerce").fillna(0).astype(int)
    for column in ["high_contact", "eligible", "has_lead_professional", "not_yet_found"]:
        summary[column] = summary[column].astype("boolean").fillna(False).astype(bool)
    summary["uncoordinated_share"] = summary["uncoordinated_share"].fillna(0.0)
    summary["indicators"] = summary["indicators"].fillna("")
    return summary.rename_axis("family_id").reset_index()


def _contacts_per_month(journeys: AgencyJourneys) -> pd.DataFrame:
    """Contacts (each once per family) per calendar month, from the shared event log."""
    months = journeys.occurred_at.view("datetime64[ns]").astype("datetime64[M]")
    values, counts = np.unique(months, return_counts=True)
    return pd.DataFrame({"month": np.datetime_as_string(values, unit="M"), "contacts": counts})


# The contact columns the analyses read (service and source_system are not among them).
ANALYSED_COLUMNS = [
    "contact_id", "person_id", "family_id", "agency", "sector", "contact_type",
    "occurred_at", "referred_by",
]  # fmt: skip

ONE_FAMILY_VARIANTS = "(other variants, each followed by one family)"


def compact_variants(variants: pd.DataFrame) -> pd.DataFrame:
    """Keep variants followed by two or more families; fold the rest into one row per cohort.

    On a real population most long journeys are unique, so listing every
    single-family variant makes the table tens of megabytes without telling
    an analyst anything. The folded row has ``variant`` =
    :data:`ONE_FAMILY_VARIANTS`, no ``length``, and ``variants`` = how many
    variants it stands for (1 on every other row), so each cohort's families
    still add up to its number of families.

    Examples
    --------
    >>> frame = pd.DataFrame({"cohort": "all", "variant": ["A", "A → B", "B"],
    ...                       "length": [1, 2, 1], "families": [3, 1, 1], "share": [0.6, 0.2, 0.2]})
    >>> compact_variants(frame)[["variant", "families", "variants"]].values.tolist()
    [['A', 3, 1], ['(other variants, each followed by one family)', 2, 2]]
    """
    if variants.empty:
        return variants.assign(variants=pd.Series(dtype="int64"))
    single = variants["families"] == 1
    kept = variants[~single].assign(variants=1)
    folded = (
        variants[single]
        .groupby("cohort", sort=False)
        .agg(families=("families", "size"), share=("share", "sum"))
        .reset_index()
        .assign(variant=ONE_FAMILY_VARIANTS, length=pd.NA)
    )
    folded["variants"] = folded["families"]
    order = {cohort: i for i, cohort in enumerate(variants["cohort"].unique())}
    combined = pd.concat([kept, folded[kept.columns]], ignore_index=True)
    combined["length"] = combined["length"].astype("Int64")
    rank = combined["cohort"].map(order)
    return combined.iloc[
        np.lexsort([combined["variant"] == ONE_FAMILY_VARIANTS, rank])
    ].reset_index(drop=True)


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
        Frames named as in :data:`OUTPUT_FILES` plus ``family_summary``,
        ``broker_agencies`` and ``contacts_per_month``; a summary dict; a
        Markdown report.

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
    taxonomy = taxonomy or default_taxonomy()
    parameters = parameters or AnalysisParameters()
    taxonomy.indicator_set(parameters.indicator_set)  # fail early on an unknown set
    people = (
        people
        if people is not None
        else pd.DataFrame(columns=["person_id", "family_id", "role", "birth_month", "sex"])
    )
    families = (
        families
        if families is not None
        else pd.DataFrame({"family_id": contacts["family_id"].unique(), "area": None})
    )
    lead_periods = (
        lead_periods
        if lead_periods is not None
        else pd.DataFrame(columns=["family_id", "lead_from", "lead_to"])
    )
    timings: dict[str, float] = {}

    def timed(name: str, work):
        begun = time.perf_counter()
        result = work()
        timings[name] = round(time.perf_counter() - begun, 3)
        return result

    # Each family's timeline and agency journey are built once and shared.
    prepared = timed("prepare", lambda: prepare(contacts))
    journeys = timed("agency_journeys", lambda: agency_journeys(contacts))
    high = timed(
        "high_contact",
        lambda: high_contact.high_contact(
            prepared,
            people,
            window_days=parameters.window_days,
            min_contacts=parameters.min_contacts,
            min_agencies=parameters.min_agencies,
            by_age=parameters.by_age,
        ),
    )
    unco = timed(
        "uncoordinated",
        lambda: uncoordinated.uncoordinated(
            prepared,
            lead_periods,
            parallel_days=parameters.parallel_days,
            assessment_days=parameters.assessment_days,
            taxonomy=taxonomy,
        ),
    )
    eligible = timed(
        "eligibility",
        lambda: indicators.eligibility(
            prepared,
            lead_periods,
            taxonomy=taxonomy,
            indicator_set=parameters.indicator_set,
            window_days=parameters.window_days,
        ),
    )
    population = timed(
        "intervention",
        lambda: intervention.population_intervention(
            contacts, taxonomy=taxonomy, journeys=journeys
        ),
    )
    escalated = set(contacts.loc[taxonomy.is_escalation(contacts), "family_id"].unique())
    family_high = high.families
    cohorts = {
        "all": contacts["family_id"].unique(),
        "high_contact": family_high.loc[family_high["is_high_contact"], "family_id"],
        "escalated": sorted(escalated),
        "eligible": eligible.families.loc[eligible.families["eligible"], "family_id"],
    }
    paths, ends, variant_frame = timed(
        "pathways", lambda: pathways.cohort_pathways(journeys, cohorts)
    )
    summary_frame = timed(
        "family_summary",
        lambda: _family_summary(
            contacts, people, families, family_high, unco.families, eligible.families, escalated
        ),
    )
    people_high = high.people
    before_age = people_high["high_contact_before_age"].astype("boolean").fillna(False)
    people_flag = people_high["is_high_contact"].astype(bool) | before_age.astype(bool)
    frames = {
        "family_summary": summary_frame,
        "high_contact_people": people_high[people_flag].reset_index(drop=True),
        "high_contact_families": family_high[family_high["is_high_contact"]].reset_index(drop=True),
        "uncoordinated_families": unco.families.sort_values(
            ["uncoordinated", "family_id"], ascending=[False, True]
        ).reset_index(drop=True),
        "eligibility": eligible.families,
        "pathways": paths,
        "pathway_ends": ends,
        "variants": compact_variants(variant_frame),
        "intervention_agencies": population.agencies,
        "broker_agencies": population.brokers,
        "contacts_per_month": _contacts_per_month(journeys),
    }
    counts = {
        "families": int(contacts["family_id"].nunique()),
        "people": int(contacts["person_id"].nunique()),
        "contacts": len(journeys.family),
        "contact_rows": len(contacts),
        "agencies": int(contacts["agency"].nunique()),
        "high_contact_families": int(family_high["is_high_contact"].sum()),
        "high_contact_people": int(people_flag.sum()),
        "eligible_families": int(eligible.families["eligible"].sum()),
        "not_yet_found": int(eligible.families["not_yet_found"].sum()),
        "escalated_families": len(escalated),
        "uncoordinated_contacts": int(unco.families["uncoordinated"].sum()),
    }
    flagged = unco.contacts[unco.contacts["uncoordinated"]]
    evidence = {
        "uncoordinated_contacts": flagged[
            ["family_id", "contact_id", "occurred_at", "agency", "contact_type", "reason"]
        ].reset_index(drop=True)
    }
    run = AnalysisRun(parameters=parameters, frames=frames, evidence=evidence)
    run.summary = {
        # The escalation event and comparison window are derived, but they are
        # parameters of the intervention results all the same.
        "parameters": asdict(parameters)
        | {
            "escalation": population.parameters.get("escalation"),
            "comparison_days": population.parameters.get("comparison_days"),
        },
        "taxonomy": taxonomy.source,
        "counts": counts,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_seconds": round(time.perf_counter() - started, 3),
        "step_seconds": timings,
    }
    run.report = render_report(run.summary, frames)
    return run


@dataclass(frozen=True)
class FamilyAnalysis:
    """Every family-level analysis of one family, run with one set of parameters."""

    family_id: str
    parameters: AnalysisParameters
    high_contact: high_contact.HighContactResult
    uncoordinated: uncoordinated.UncoordinatedResult
    eligibility: indicators.EligibilityResult
    intervention: intervention.FamilyInterventionPoints


def analyse_family(
    contacts: pd.DataFrame,
    people: pd.DataFrame | None = None,
    lead_periods: pd.DataFrame | None = None,
    *,
    taxonomy: Taxonomy | None = None,
    parameters: AnalysisParameters | None = None,
) -> FamilyAnalysis:
    """Run the family-level analyses on one family's rows, as :func:`analyse` runs them on all.

    The web app's family page uses this with the parameters of the stored
    population run, so the page agrees with the families list. The
    intervention window ends at the high-contact threshold or at eligibility,
    whichever the analyses found.

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
    taxonomy = taxonomy or default_taxonomy()
    parameters = parameters or AnalysisParameters()
    family_ids = contacts["family_id"].unique()
    if len(family_ids) != 1:
        raise InputError(f"analyse_family takes one family's contacts, not {len(family_ids)}")
    high = high_contact.high_contact(
        contacts, people, window_days=parameters.window_days,
        min_contacts=parameters.min_contacts, min_agencies=parameters.min_agencies,
        by_age=parameters.by_age,
    )  # fmt: skip
    unco = uncoordinated.uncoordinated(
        contacts, lead_periods, parallel_days=parameters.parallel_days,
        assessment_days=parameters.assessment_days, taxonomy=taxonomy,
    )  # fmt: skip
    eligible = indicators.eligibility(
        contacts, lead_periods, taxonomy=taxonomy, indicator_set=parameters.indicator_set,
        window_days=parameters.window_days,
    )  # fmt: skip
    crossed = high.families["first_crossed"].iloc[0]
    first_eligible = eligible.families["first_eligible"].iloc[0]
    points = intervention.family_intervention_points(
        contacts, people, lead_periods,
        threshold_date=None if pd.isna(crossed) else crossed,
        eligibility_date=None if pd.isna(first_eligible) else first_eligible,
    )  # fmt: skip
    return FamilyAnalysis(str(family_ids[0]), parameters, high, unco, eligible, points)


def analyse_store(
    store: Store, *, taxonomy: Taxonomy | None = None, **parameters: Any
) -> AnalysisRun:
    """Read a store's population, analyse it, and save the results back for the web app.

    Keyword arguments are the fields of :class:`AnalysisParameters`.
    """
    contacts = store.contacts(columns=ANALYSED_COLUMNS)
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


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists (evidence ids) become ';'-joined text so that a CSV cell holds them."""
    ready = frame.copy()
    for column in ready.columns:
        if (
            ready[column].dtype == object
            and ready[column].map(lambda v: isinstance(v, list | tuple)).any()
        ):
            ready[column] = ready[column].map(
                lambda v: ";".join(map(str, v)) if isinstance(v, list | tuple) else v
            )
    return ready


def write_outputs(run: AnalysisRun, out_dir: str | Path, *, evidence: bool = False) -> list[Path]:
    """Write the result CSVs, ``summary.json`` and ``report.md`` to ``out_dir``.

    With ``evidence`` also the contact-level evidence (``uncoordinated_contacts.csv``:
    every uncoordinated contact and why), which is large at population scale
    (about 56 MB for a million contact rows).
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for file_name, frame_name in OUTPUT_FILES.items():
            target = out / file_name
            write_csv(_csv_ready(run.frames[frame_name]), target)
            written.append(target)
        for name, frame in run.evidence.items() if evidence else ():
            target = out / f"{name}.csv"
            write_csv(frame, target)
            written.append(target)
        (out / "summary.json").write_text(json.dumps(run.summary, indent=2, default=str) + "\n")
        (out / "report.md").write_text(run.report)
    except OSError as error:
        raise OutputError(f"{out}: cannot write analysis results ({error.strerror})") from None
    return [*written, out / "summary.json", out / "report.md"]
