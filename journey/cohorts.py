"""Cohorts of families that the population views compare, and per-cohort intervention points.

A cohort is a named set of family ids: ``all`` families with a contact,
``high_contact`` (crossed the high-contact threshold), ``eligible`` (met the
eligibility rule) and ``not_yet_found`` (eligible but never had a lead
professional). :func:`cohort_families` builds them from the analyses'
per-family results; :func:`cohort_intervention` runs
:func:`journey.escalation.escalation_lead_times` and
:func:`journey.escalation.early_help_ranking` within each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from journey.escalation import Escalation, early_help_ranking, escalation_lead_times
from journey.event_log import AgencyJourneys

__all__ = ["INTERVENTION_COHORTS", "cohort_families", "cohort_intervention"]

#: The cohorts of the intervention-points view, with their names in words.
INTERVENTION_COHORTS: dict[str, str] = {
    "all": "All families",
    "high_contact": "High-contact families",
    "eligible": "Eligible families",
    "not_yet_found": "Eligible families not yet found (never had a lead professional)",
}


def cohort_families(
    family_ids: Iterable[Any], high_contact: pd.DataFrame, eligibility: pd.DataFrame
) -> dict[str, list[Any]]:
    """The family ids of each cohort in :data:`INTERVENTION_COHORTS`.

    Parameters
    ----------
    family_ids : iterable
        Every family with a contact (the ``all`` cohort).
    high_contact : DataFrame
        ``family_id, is_high_contact`` per family.
    eligibility : DataFrame
        ``family_id, eligible, not_yet_found`` per family.

    Returns
    -------
    dict
        Cohort name → sorted family ids.

    Examples
    --------
    >>> high = pd.DataFrame({"family_id": ["F1", "F2"], "is_high_contact": [True, False]})
    >>> elig = pd.DataFrame({"family_id": ["F1", "F2"], "eligible": [True, True],
    ...                      "not_yet_found": [False, True]})
    >>> cohort_families(["F2", "F1"], high, elig)
    {'all': ['F1', 'F2'], 'high_contact': ['F1'], 'eligible': ['F1', 'F2'], 'not_yet_found': ['F2']}
    """

    def where(frame: pd.DataFrame, column: str) -> list[Any]:
        flags = frame[column].astype("boolean").fillna(False).astype(bool)
        return sorted(frame.loc[flags, "family_id"].unique())

    return {
        "all": sorted(set(family_ids)),
        "high_contact": where(high_contact, "is_high_contact"),
        "eligible": where(eligibility, "eligible"),
        "not_yet_found": where(eligibility, "not_yet_found"),
    }


def cohort_intervention(
    contacts: pd.DataFrame,
    cohorts: Mapping[str, Iterable[Any]],
    *,
    escalation: Escalation | None = None,
    journeys: AgencyJourneys | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Early-warning agencies and their early-help ranking within each cohort.

    Parameters
    ----------
    contacts : DataFrame
        Contract contacts of the population.
    cohorts : mapping
        Cohort name → family ids (:func:`cohort_families`).
    escalation, journeys, **options
        As in :func:`journey.escalation.escalation_lead_times` (``taxonomy``,
        ``comparison_days``).

    Returns
    -------
    DataFrame
        The rows of :func:`journey.escalation.early_help_ranking` for each
        cohort, with a ``cohort`` column first, cohorts in the order given;
        each cohort's rows in its own ranking order.

    Examples
    --------
    >>> contacts = pd.DataFrame({"family_id": ["F1", "F1", "F2"], "contact_id": ["a", "b", "c"],
    ...     "agency": ["School", "Social Care", "School"],
    ...     "occurred_at": pd.to_datetime(["2021-01-01", "2021-01-11", "2021-01-01"])})
    >>> flags = contacts["agency"] == "Social Care"
    >>> table = cohort_intervention(contacts, {"all": ["F1", "F2"], "f1": ["F1"]},
    ...                             escalation=flags)
    >>> table[["cohort", "agency", "escalating_families", "saw_before"]]
      cohort       agency  escalating_families  saw_before
    0    all       School                    1           1
    1    all  Social Care                    1           0
    2     f1       School                    1           1
    3     f1  Social Care                    1           0
    """
    frames = []
    for name, families in cohorts.items():
        table = escalation_lead_times(
            contacts, escalation=escalation, journeys=journeys, cohort=families, **options
        )
        ranked = early_help_ranking(table)
        ranked.insert(0, "cohort", name)
        frames.append(ranked)
    return pd.concat(frames, ignore_index=True)
