"""Early warning in the population: who sees escalating families first, and who brokers flows.

:func:`escalation_lead_times` asks, for an escalation event (by default a
family's first contact with children's social care, or of a child-protection
contact type, as the taxonomy defines it), which agencies had seen the
escalating families before it, which agency each journey started with, how
many days before the escalation, and how much likelier that was than for
families who did not escalate. :func:`broker_agencies` ranks agencies by how
much of the flow between other agencies passes through them. Both are
gathered, with their parameters, by
:func:`journey.intervention.population_intervention`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from journey.arrays import DAY_NS, run_starts
from journey.contract import require_columns
from journey.errors import InputError
from journey.event_log import AgencyJourneys, agency_journeys
from journey.taxonomy import Taxonomy, default_taxonomy

__all__ = [
    "escalation_lead_times",
    "early_help_ranking",
    "broker_agencies",
    "Escalation",
    "LEAD_CAP_DAYS",
    "LIFT_CAP",
]

#: Lead times longer than this count as this long in :func:`early_help_ranking`.
LEAD_CAP_DAYS = 365
#: Lifts above this count as this much in :func:`early_help_ranking`.
LIFT_CAP = 2.0

#: How a caller may name the escalation event: a boolean per contact row, or a
#: function of the contacts frame returning one.
Escalation = pd.Series | np.ndarray | Callable[[pd.DataFrame], Any]


def _escalation_flags(
    contacts: pd.DataFrame,
    taxonomy: Taxonomy | None,
    escalation: Escalation | None,
) -> tuple[np.ndarray, str]:
    """Which contact rows are escalation events (positional), and how that was decided."""
    if escalation is None:
        require_columns(contacts, ["agency", "sector", "contact_type"])
        taxonomy = taxonomy or default_taxonomy()
        flags = taxonomy.is_escalation(contacts)
        excluded = sorted(taxonomy.escalation_exclude_agencies)
        described = (
            f"first contact with an agency in {', '.join(sorted(taxonomy.escalation_sectors))}"
            + (f" (except {', '.join(excluded)})" if excluded else "")
            + f", or of type {', '.join(sorted(taxonomy.escalation_types))}"
        )
    else:
        flags = escalation(contacts) if callable(escalation) else escalation
        described = "first contact flagged by the caller"
    if isinstance(flags, pd.Series):
        flags = flags.reindex(contacts.index).eq(True).to_numpy()
    flags = np.asarray(flags, dtype=bool)
    if flags.shape != (len(contacts),):
        raise InputError(f"escalation: {flags.shape[0]} flags for {len(contacts)} contact rows")
    return flags, described


def _escalation_times(
    contacts: pd.DataFrame, journeys: AgencyJourneys, flags: np.ndarray
) -> np.ndarray:
    """Per family code, the time of its first escalation event (int64 max when none)."""
    never = np.iinfo(np.int64).max
    times = np.full(len(journeys.family_ids), never, dtype=np.int64)
    flagged = np.flatnonzero(flags)
    if len(flagged):
        family = pd.Index(journeys.family_ids).get_indexer(
            contacts["family_id"].to_numpy()[flagged]
        )
        when = contacts["occurred_at"].to_numpy(dtype="datetime64[ns]").view(np.int64)[flagged]
        known = family >= 0  # journeys built from other contacts may lack a family
        np.minimum.at(times, family[known], when[known])
    return times


def _families_per_agency(family: np.ndarray, agency: np.ndarray, n_agencies: int) -> tuple:
    """Distinct (family, agency) pairs: count per agency, and where each pair first occurs."""
    first = ~pd.Series(family * n_agencies + agency).duplicated().to_numpy()
    return np.bincount(agency[first], minlength=n_agencies), np.flatnonzero(first)


def _share(count: np.ndarray, total: int) -> np.ndarray:
    return count / total if total else np.full(len(count), np.nan)


def escalation_lead_times(
    contacts: pd.DataFrame,
    *,
    taxonomy: Taxonomy | None = None,
    escalation: Escalation | None = None,
    comparison_days: float | None = None,
    journeys: AgencyJourneys | None = None,
    cohort: Any = None,
) -> pd.DataFrame:
    """Which agencies saw escalating families before they escalated, how long before, and the lift.

    A family escalates at its first escalation event: by default its first
    contact that ``taxonomy.is_escalation`` flags (children's social care, or
    a child-protection contact type). Its pre-escalation window runs from its
    first contact up to (not including) that time.

    Parameters
    ----------
    contacts : DataFrame
        Contract contacts of the population.
    taxonomy : Taxonomy, optional
        Defines the default escalation event; the shipped taxonomy by default.
    escalation : Series, array or callable, optional
        Overrides the event: a boolean per contact row (a Series is aligned on
        the index) or a function of ``contacts`` returning one. A contact is an
        escalation event when any of its rows is flagged.
    comparison_days : float, optional
        The window over which non-escalating families are observed: the first
        ``comparison_days`` of their journey. Default: the median length of the
        escalating families' pre-escalation windows, so both groups are
        observed over windows of comparable length.
    journeys : AgencyJourneys, optional
        ``agency_journeys(contacts)`` when already built.
    cohort : iterable of family ids, optional
        Only these families count, as escalating families and as the
        comparison; default every family.

    Returns
    -------
    DataFrame
        One row per agency: ``escalating_families`` (all families that
        escalated, the denominator of the shares; the same on every row);
        ``seen_first`` — escalating families whose journey started with this
        agency before the escalation (the first agency in the journey), and
        ``share_seen_first``; ``saw_before`` — escalating families the agency
        had any contact with strictly before the escalation, and
        ``share_saw_before``; ``median_lead_days`` — median over those families
        of escalation time − the agency's first contact, in days;
        ``median_lead_first_days`` — the same median over the families it saw
        first only (NaN when it saw none first);
        ``non_escalating_families`` and ``non_escalating_families_seen`` (had a
        contact with the agency in the comparison window); ``lift`` =
        share_saw_before / (non_escalating_families_seen /
        non_escalating_families), NaN when the agency saw no non-escalating
        family. Sorted by seen_first, then saw_before (most first), then agency.
        ``attrs["parameters"]`` holds the escalation rule and the comparison
        window used.

    Examples
    --------
    F1 and F2 escalate (children's social care); F3 does not:

    >>> contacts = pd.DataFrame({
    ...     "family_id": ["F1", "F1", "F2", "F2", "F3", "F3"],
    ...     "contact_id": ["a", "b", "c", "d", "e", "f"],
    ...     "agency": ["School", "Children's Social Care", "Police",
    ...                "Children's Social Care", "School", "Police"],
    ...     "occurred_at": pd.to_datetime(["2021-01-01", "2021-01-11", "2021-01-01",
    ...                                    "2021-01-31", "2021-01-01", "2021-01-05"]),
    ... })
    >>> flags = contacts["agency"] == "Children's Social Care"
    >>> table = escalation_lead_times(contacts, escalation=flags)
    >>> table[["agency", "seen_first", "saw_before", "median_lead_days", "lift"]]
                       agency  seen_first  saw_before  median_lead_days  lift
    0                  Police           1           1              30.0   0.5
    1                  School           1           1              10.0   0.5
    2  Children's Social Care           0           0               NaN   NaN
    """
    flags, described = _escalation_flags(contacts, taxonomy, escalation)
    journeys = journeys if journeys is not None else agency_journeys(contacts)
    family, agency, when = journeys.family, journeys.agency, journeys.occurred_at
    n_agencies = len(journeys.agencies)
    escalates_at = _escalation_times(contacts, journeys, flags)
    never = np.iinfo(np.int64).max
    starts = run_starts(family)
    opened = np.zeros(len(journeys.family_ids), dtype=np.int64)
    opened[family[starts]] = when[starts]
    in_log = np.zeros(len(journeys.family_ids), dtype=bool)
    in_log[family] = True
    if cohort is not None:
        in_log &= pd.Index(journeys.family_ids).isin(pd.Index(list(cohort)))
    escalating = in_log & (escalates_at < never)
    n_escalating, n_other = int(escalating.sum()), int((in_log & ~escalating).sum())
    if comparison_days is None:
        windows = escalates_at[escalating] - opened[escalating]
        comparison = int(np.median(windows)) if len(windows) else 0
    else:
        comparison = int(comparison_days * DAY_NS)

    before = escalating[family] & (when < escalates_at[family])
    saw_before, first = _families_per_agency(family[before], agency[before], n_agencies)
    lead = pd.Series((escalates_at[family[before]] - when[before])[first] / DAY_NS)
    median_lead = lead.groupby(agency[before][first]).median().reindex(range(n_agencies))
    seen_first = np.bincount(agency[starts & before], minlength=n_agencies)
    opening = starts & before
    lead_first = pd.Series((escalates_at[family[opening]] - when[opening]) / DAY_NS)
    median_first = lead_first.groupby(agency[opening]).median().reindex(range(n_agencies))
    other = in_log[family] & ~escalating[family] & (when - opened[family] < comparison)
    other_seen, _ = _families_per_agency(family[other], agency[other], n_agencies)
    share_before, share_other = _share(saw_before, n_escalating), _share(other_seen, n_other)
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = np.where(share_other > 0, share_before / share_other, np.nan)
    table = pd.DataFrame({
        "agency": journeys.agencies,
        "escalating_families": n_escalating,
        "seen_first": seen_first,
        "share_seen_first": _share(seen_first, n_escalating),
        "saw_before": saw_before,
        "share_saw_before": share_before,
        "median_lead_days": median_lead.to_numpy(dtype=float),
        "median_lead_first_days": median_first.to_numpy(dtype=float),
        "non_escalating_families": n_other,
        "non_escalating_families_seen": other_seen,
        "lift": lift,
    })  # fmt: skip
    table = table[np.bincount(agency[in_log[family]], minlength=n_agencies) > 0]
    table = table.sort_values(
        ["seen_first", "saw_before", "agency"], ascending=[False, False, True], kind="mergesort"
    ).reset_index(drop=True)
    table.attrs["parameters"] = {"escalation": described,
                                 "comparison_days": comparison / DAY_NS}  # fmt: skip
    return table


def early_help_ranking(agencies: pd.DataFrame) -> pd.DataFrame:
    """Where an early-help worker would reach most escalating families, earliest.

    ``priority`` = ``share_saw_before`` × min(``median_lead_days``, 365) / 365
    × min(``lift``, 2): the share of escalating families the agency saw before
    they escalated (reach), times how early it saw them (the median lead time
    as a share of a year, at most 1), times how much likelier it is to see
    escalating than other families (lift, capped at 2 so that a rare agency
    cannot top the list on lift alone). A missing lead time or lift counts as 0.

    Parameters
    ----------
    agencies : DataFrame
        A table from :func:`escalation_lead_times`.

    Returns
    -------
    DataFrame
        ``agencies`` with ``priority`` and ``priority_rank`` (1 = best), sorted
        by priority, then saw_before (most first), then agency.

    Examples
    --------
    >>> table = pd.DataFrame({"agency": ["GP", "School"], "saw_before": [2, 4],
    ...     "share_saw_before": [0.2, 0.4], "median_lead_days": [730.0, 73.0],
    ...     "lift": [3.0, 1.0]})
    >>> early_help_ranking(table)[["agency", "priority", "priority_rank"]].round(3)
       agency  priority  priority_rank
    0      GP      0.40              1
    1  School      0.08              2
    """
    lead = agencies["median_lead_days"].clip(upper=LEAD_CAP_DAYS).fillna(0.0) / LEAD_CAP_DAYS
    lift = agencies["lift"].clip(upper=LIFT_CAP).fillna(0.0)
    ranked = agencies.assign(
        priority=agencies["share_saw_before"].fillna(0.0) * lead * lift
    ).sort_values(
        ["priority", "saw_before", "agency"], ascending=[False, False, True], kind="mergesort"
    ).reset_index(drop=True)  # fmt: skip
    ranked["priority_rank"] = np.arange(1, len(ranked) + 1)
    return ranked


def _pagerank(graph: nx.DiGraph, *, alpha: float = 0.85, weight: str = "transitions") -> dict:
    """PageRank from NetworkX's Google matrix by power iteration (``nx.pagerank`` needs SciPy)."""
    nodes = list(graph)
    if not nodes:
        return {}
    matrix = np.asarray(nx.google_matrix(graph, alpha=alpha, nodelist=nodes, weight=weight))
    rank = np.full(len(nodes), 1.0 / len(nodes))
    for _ in range(1000):
        updated = rank @ matrix
        converged = np.abs(updated - rank).sum() < len(nodes) * 1e-12
        rank = updated
        if converged:
            break
    return dict(zip(nodes, (rank / rank.sum()).tolist(), strict=True))


def broker_agencies(flow: nx.DiGraph) -> pd.DataFrame:
    """Rank agencies by how much of the flow between other agencies passes through them.

    Self-loops (repeat contacts with one agency) are dropped first: they
    carry nobody between agencies.

    Parameters
    ----------
    flow : networkx.DiGraph
        The agency flow graph (:func:`journey.pathways.flow_graph`), edges
        with ``transitions``.

    Returns
    -------
    DataFrame
        ``agency, betweenness, pagerank, in_transitions, out_transitions``.
        Betweenness is NetworkX's normalised directed betweenness with edge
        distance 1 / transitions (a busy flow is a short path); PageRank has
        damping 0.85 and follows edges in proportion to their transitions.
        Sorted by betweenness, then pagerank (highest first), then agency.

    Examples
    --------
    Everyone passes from the police through early help to the school:

    >>> flow = nx.DiGraph()
    >>> flow.add_edge("Police", "Early Help", transitions=5)
    >>> flow.add_edge("Early Help", "School", transitions=4)
    >>> flow.add_edge("School", "School", transitions=9)
    >>> broker_agencies(flow).round(3)
           agency  betweenness  pagerank  in_transitions  out_transitions
    0  Early Help          0.5     0.341               5                4
    1      School          0.0     0.474               4                0
    2      Police          0.0     0.184               0                5
    """
    graph = nx.DiGraph()
    graph.add_nodes_from(flow.nodes)
    for source, target, data in flow.edges(data=True):
        if source != target:
            transitions = int(data.get("transitions", 1))
            graph.add_edge(source, target, transitions=transitions, distance=1.0 / transitions)
    betweenness = nx.betweenness_centrality(graph, weight="distance", normalized=True)
    pagerank = _pagerank(graph)
    nodes = list(graph)
    frame = pd.DataFrame({
        "agency": pd.Series(nodes, dtype=object),
        "betweenness": [betweenness[n] for n in nodes],
        "pagerank": [pagerank[n] for n in nodes],
        "in_transitions": [int(d) for _, d in graph.in_degree(nodes, weight="transitions")],
        "out_transitions": [int(d) for _, d in graph.out_degree(nodes, weight="transitions")],
    })  # fmt: skip
    return frame.sort_values(
        ["betweenness", "pagerank", "agency"], ascending=[False, False, True], kind="mergesort"
    ).reset_index(drop=True)
