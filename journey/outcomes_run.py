"""The outcomes run: the plan evaluated, claims, the matched comparison and journey costs at once.

:func:`outcome_frames` is what ``journey outcomes`` writes and what the
analysis run stores (with the shipped plan and unit costs) for the Outcomes
page and the family page. :data:`OUTCOME_FILES` names the files.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from journey.claims import claims
from journey.comparison import comparison_cohort
from journey.contract import ANALYSED_CONTACT_COLUMNS
from journey.costs import (
    agency_costs,
    journey_costs,
    load_unit_costs,
    pathway_costs,
    priced_contacts,
)
from journey.errors import InputError
from journey.event_log import PreparedContacts
from journey.indicators import eligibility as family_eligibility
from journey.outcome_plan import OutcomePlan, check_plan, default_plan
from journey.outcomes import distinct_contacts, evaluate_distinct
from journey.store import Store
from journey.taxonomy import Taxonomy, default_taxonomy

__all__ = ["OUTCOME_FILES", "outcome_frames", "analysis_step", "store_outcomes"]

#: The files ``journey outcomes`` writes, and the frame each comes from.
OUTCOME_FILES = {
    "outcomes_families.csv": "outcomes_families",
    "claims.csv": "claims",
    "outcomes_cohort.csv": "outcomes_cohort",
    "journey_costs.csv": "journey_costs",
    "pathway_costs.csv": "pathway_costs",
}


def outcome_frames(
    contacts: pd.DataFrame | PreparedContacts,
    lead_periods: pd.DataFrame,
    eligibility: pd.DataFrame,
    *,
    plan: OutcomePlan | None = None,
    unit_costs: pd.DataFrame | None = None,
    taxonomy: Taxonomy | None = None,
) -> dict[str, pd.DataFrame]:
    """Every outcomes frame, by name.

    ``outcomes_families``, ``outcome_periods``, ``claims``, ``outcomes_cohort``,
    ``journey_costs``, ``agency_costs`` and ``pathway_costs`` (see docs/data-contract.md).
    ``eligibility`` is :func:`journey.indicators.eligibility`'s families frame.
    The distinct contacts, their indicator flags and their costs are worked
    out once for all of them (from the prepared event log when given one).
    """
    plan = plan or default_plan()
    taxonomy = taxonomy or default_taxonomy()
    check_plan(plan, taxonomy)
    unit_costs = load_unit_costs() if unit_costs is None else unit_costs
    distinct = distinct_contacts(contacts)
    flags = taxonomy.indicator_matrix(distinct, plan.indicator_set)
    result = evaluate_distinct(distinct, lead_periods, plan, flags)
    priced = priced_contacts(distinct, unit_costs)
    return {
        "outcomes_families": result.outcomes,
        "outcome_periods": result.periods,
        "claims": claims(result),
        "outcomes_cohort": comparison_cohort(distinct, eligibility, plan, flags),
        "journey_costs": journey_costs(priced, lead_periods, unit_costs),
        "agency_costs": agency_costs(priced, unit_costs),
        "pathway_costs": pathway_costs(priced, unit_costs, in_journey_order=True),
    }


def analysis_step(inputs: Any, done: dict) -> dict[str, pd.DataFrame]:
    """The analysis run's outcomes step: the shipped plan and unit costs.

    A taxonomy without the plan's indicator set (a council's own) gives no
    outcome frames rather than failing the whole run; ``journey outcomes
    --plan`` evaluates a plan written for that taxonomy.
    """
    plan = default_plan()
    if plan.indicator_set not in inputs.taxonomy.indicator_sets:
        return {}
    return outcome_frames(inputs.contacts, inputs.lead_periods,
                          done["eligibility"].families, plan=plan, taxonomy=inputs.taxonomy)


def store_outcomes(store: Store, *, plan: OutcomePlan | None = None,
                   unit_costs: pd.DataFrame | None = None,
                   taxonomy: Taxonomy | None = None) -> dict[str, pd.DataFrame]:
    """:func:`outcome_frames` over a store's population (eligibility by the plan's indicator set).

    Raises
    ------
    InputError
        When the store holds no contacts.
    ParameterError
        When the plan does not fit the taxonomy.
    """
    plan = plan or default_plan()
    taxonomy = taxonomy or default_taxonomy()
    check_plan(plan, taxonomy)
    contacts = store.contacts(columns=ANALYSED_CONTACT_COLUMNS)
    if contacts.empty:
        raise InputError(f"{store.url}: the store holds no contacts; load data first")
    periods = store.lead_periods()
    eligible = family_eligibility(contacts, periods, taxonomy=taxonomy,
                                  indicator_set=plan.indicator_set).families
    return outcome_frames(contacts, periods, eligible, plan=plan, unit_costs=unit_costs,
                          taxonomy=taxonomy)
