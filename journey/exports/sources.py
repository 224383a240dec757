"""Export models read from a store: one family (with its analyses), a cohort, the top families.

The family's peak window and uncoordinated contacts come from
:func:`journey.analysis.analyse_family`, run with the parameters of the
stored population analysis, so an export flags what the family's page shows.
Pathways come from the stored results of ``journey analyse``.
"""

from __future__ import annotations

from dataclasses import fields

import pandas as pd

from journey.analysis import analyse_family
from journey.disclosure import DEFAULT_RULE, SuppressionRule
from journey.errors import NotFoundError, ParameterError
from journey.exports.model import FamilyExport, PathwaysExport, family_export, pathways_export
from journey.journeys import MAX_DETAILED_CONTACTS
from journey.parameters import AnalysisParameters
from journey.store import ContactFilter, Store
from journey.taxonomy import Taxonomy, default_taxonomy

__all__ = ["family_model", "pathways_model", "top_families", "cohort_name", "NOT_ANALYSED"]

NOT_ANALYSED = "There are no analysis results in the store yet: run `journey analyse` first."

def _parameters(store: Store) -> AnalysisParameters:
    stored = (store.results_meta() or {}).get("parameters") or {}
    names = {f.name for f in fields(AnalysisParameters)}
    return AnalysisParameters(**{k: v for k, v in stored.items() if k in names})

def family_model(
    store: Store,
    family_id: str,
    *,
    label: str | None = None,
    identified: bool = False,
    taxonomy: Taxonomy | None = None,
    max_contacts: int = MAX_DETAILED_CONTACTS,
) -> FamilyExport:
    """The export model of one stored family (de-identified unless ``identified``).

    ``label`` names the family in the export; by default its id when
    identified, else "Family".

    Raises
    ------
    NotFoundError
        When the store holds no contacts and no people of ``family_id``.
    """
    contacts = store.contacts(ContactFilter(family_id=family_id))
    people = store.people(family_id)
    if contacts.empty and people.empty:
        raise NotFoundError(f"There is no family {family_id!r} in the store.")
    peak: list[str] = []
    unco: list[str] = []
    parameters = _parameters(store)
    if not contacts.empty:
        analysis = analyse_family(contacts, people, store.lead_periods(family_id),
                                  taxonomy=taxonomy or default_taxonomy(), parameters=parameters)
        families = analysis.high_contact.families
        if len(families):
            peak = [str(i) for i in families.iloc[0].get("peak_contact_ids", ()) or ()]
        flagged = analysis.uncoordinated.contacts
        unco = flagged.loc[flagged["uncoordinated"], "contact_id"].astype(str).tolist()
    shown = {"window_days": parameters.window_days}
    return family_export(
        contacts, people, label=label or (family_id if identified else "Family"),
        identified=identified, peak_contact_ids=peak, uncoordinated_contact_ids=unco,
        parameters=shown, max_contacts=max_contacts,
    )  # fmt: skip

def _result(store: Store, name: str) -> pd.DataFrame:
    try:
        return store.result(name)
    except NotFoundError:
        raise NotFoundError(NOT_ANALYSED) from None

def cohort_name(cohort: str) -> str:
    """A cohort as an export's title names it.

    Examples
    --------
    >>> cohort_name("high_contact"), cohort_name("all")
    ('high-contact families', 'all families')
    """
    return f"{cohort.replace('_', '-')} families"


def pathways_model(
    store: Store,
    *,
    cohort: str = "all",
    cohort_label: str | None = None,
    min_transitions: int = 1,
    collapse_repeats: bool = False,
    identified: bool = False,
    rule: SuppressionRule = DEFAULT_RULE,
    taxonomy: Taxonomy | None = None,
) -> PathwaysExport:
    """The export model of a cohort's stored pathways (see :func:`pathways_export`).

    Raises
    ------
    NotFoundError
        Before any analysis.
    """
    pathways = _result(store, "pathways")
    cohorts = sorted(set(pathways["cohort"].astype(str)))
    if cohort not in cohorts:
        raise ParameterError(f"Unknown cohort {cohort!r}: use one of {', '.join(cohorts)}.")
    return pathways_export(
        pathways, _result(store, "pathway_ends"), cohort=cohort,
        cohort_label=cohort_label or cohort_name(cohort),
        min_transitions=min_transitions, collapse_repeats=collapse_repeats,
        identified=identified, rule=rule, taxonomy=taxonomy,
    )  # fmt: skip

def top_families(store: Store, count: int) -> list[str]:
    """The ``count`` families with the most contacts (ties by family id), from the stored run.

    Raises
    ------
    NotFoundError
        Before any analysis.
    """
    summary = _result(store, "family_summary")[["family_id", "contacts"]]
    ranked = summary.assign(contacts=pd.to_numeric(summary["contacts"], errors="coerce").fillna(0))
    ranked = ranked.sort_values(
        ["contacts", "family_id"], ascending=[False, True], kind="mergesort"
    )
    return ranked["family_id"].astype(str).head(count).tolist()
