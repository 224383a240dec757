"""The models behind the Export menu: a family's journey, a cohort's pathways, intervention tables.

Read from the app's :class:`~web.data.ServiceData` as the pages read them (a
family's rows and analyses per request, the stored population results), and
turned into :mod:`journey.exports` models. De-identified unless the caller
asks for identified data (the view checks the role may have it).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from journey.disclosure import SuppressionRule, suppress
from journey.exports import FamilyExport, PathwaysExport, family_export, pathways_export
from journey.exports.sources import cohort_name
from journey.parameters import AnalysisParameters
from web.contexts.family import family_analysis, family_rows
from web.contexts.interventions import BROKER_COLUMNS, EARLY_COLUMNS, RANKING_COLUMNS
from web.contexts.pathways import COHORTS, PathwayQuery, default_min_transitions
from web.data import ServiceData

__all__ = ["family_model", "pathways_model", "intervention_table", "INTERVENTION_TABLES",
           "ExportQuery"]  # fmt: skip

#: Table name -> (columns, family counts to suppress, columns derived from them).
INTERVENTION_TABLES: dict[str, tuple[list[str], tuple[str, ...], tuple[str, ...]]] = {
    "early-warning-agencies": (
        EARLY_COLUMNS, ("saw_before", "seen_first"),
        ("share_saw_before", "share_seen_first", "median_lead_first_days", "median_lead_days",
         "lift"),
    ),
    "early-help-ranking": (
        RANKING_COLUMNS, ("saw_before",), ("share_saw_before", "median_lead_days", "lift",
                                           "priority"),
    ),
    "broker-agencies": (BROKER_COLUMNS, (), ()),
}  # fmt: skip


@dataclass(frozen=True)
class ExportQuery:
    """What an export was asked for: identified or not, and the disclosure rule."""

    identified: bool
    rule: SuppressionRule


def family_model(
    data: ServiceData, family_id: str, *, label: str, query: ExportQuery, max_contacts: int
) -> FamilyExport:
    """One family's export model, flagged as its page flags it (404 for an unknown family)."""
    rows = family_rows(data, family_id)
    peak: list[str] = []
    unco: list[str] = []
    window_days = AnalysisParameters().window_days
    if not rows.contacts.empty:
        analysis = family_analysis(data, rows)
        window_days = analysis.parameters.window_days
        families = analysis.high_contact.families
        if len(families):
            peak = [str(i) for i in families.iloc[0].get("peak_contact_ids", ()) or ()]
        flagged = analysis.uncoordinated.contacts
        unco = flagged.loc[flagged["uncoordinated"], "contact_id"].astype(str).tolist()
    return family_export(
        rows.contacts, rows.people, label=label, identified=query.identified,
        peak_contact_ids=peak, uncoordinated_contact_ids=unco,
        parameters={"window_days": window_days}, max_contacts=max_contacts,
    )  # fmt: skip


def pathways_model(
    data: ServiceData, pathway_query: PathwayQuery, *, collapse_repeats: bool, query: ExportQuery
) -> PathwaysExport:
    """The cohort's pathways as its page shows them (its minimum, or the page's default one)."""
    pathways = data.analysed_result("pathways")
    minimum = pathway_query.min_transitions
    if minimum is None:
        mine = pathways[pathways["cohort"] == pathway_query.cohort]
        if collapse_repeats:
            mine = mine[mine["from_agency"] != mine["to_agency"]]
        minimum = default_min_transitions(mine)
    return pathways_export(
        pathways, data.analysed_result("pathway_ends"), cohort=pathway_query.cohort,
        cohort_label=COHORTS.get(pathway_query.cohort, cohort_name(pathway_query.cohort)),
        min_transitions=minimum, collapse_repeats=collapse_repeats,
        identified=query.identified, rule=query.rule, taxonomy=data.taxonomy,
    )  # fmt: skip


def intervention_table(data: ServiceData, name: str, cohort: str, query: ExportQuery):
    """One intervention-points table of a cohort as a frame (small counts suppressed)."""
    from web.contexts.interventions import interventions_context

    context = interventions_context(data, cohort)
    key = name.replace("-", "_")
    columns, counts, derived = INTERVENTION_TABLES[name]
    frame = pd.DataFrame(context[key], columns=columns)
    if not query.identified and counts:
        frame = suppress(frame, counts, derived=derived, rule=query.rule).frame
        frame = frame.astype({column: "Int64" for column in counts})
    return frame
