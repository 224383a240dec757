"""Intervention points: the best agency to lead with one family, and who sees escalation coming.

For one family (:func:`family_intervention_points`) every agency that had
contact with it is scored as a candidate point of contact, with the reasons
shown: it saw the family early (before the high-contact threshold was crossed
or the family became eligible), it holds many of the family's contacts, and it
connects the family's members (betweenness in the member–agency graph). The
intervention window runs from the first contact to the threshold or eligibility
date, and the days lost are those before a lead professional was assigned.

For the population (:func:`population_intervention`): for an escalation event
(by default the first contact with children's social care, or a child
protection contact type, as the taxonomy defines it) which agencies saw the
escalating families first, how long before, and with what lift against
families that did not escalate (:func:`escalation_lead_times`); and which
agencies broker the flow between other agencies (:func:`broker_agencies`).
Those two live in :mod:`journey.escalation` and are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from journey.contract import require_columns
from journey.errors import InputError
from journey.escalation import Escalation, broker_agencies, escalation_lead_times
from journey.event_log import AgencyJourneys, agency_journeys
from journey.pathways import flow_graph, pathways
from journey.taxonomy import Taxonomy

__all__ = [
    "FamilyInterventionPoints",
    "PopulationInterventionPoints",
    "SCORE_WEIGHTS",
    "family_intervention_points",
    "member_agency_graph",
    "escalation_lead_times",
    "broker_agencies",
    "population_intervention",
]

#: Weights of the point-of-contact score; see :func:`family_intervention_points`.
SCORE_WEIGHTS = {"earliness": 0.4, "contacts": 0.3, "members": 0.15, "betweenness": 0.15}

_DAY = pd.Timedelta(days=1)
_FAMILY_COLUMNS = ["contact_id", "person_id", "family_id", "agency", "occurred_at"]
_AGENCY_COLUMNS = [
    "rank", "agency", "sector", "contacts", "first_contact", "saw_before_threshold",
    "days_before_threshold", "members_connected", "betweenness", "score", "reasons",
]  # fmt: skip


@dataclass
class FamilyInterventionPoints:
    """One family's candidate points of contact, intervention window and lead-professional delay.

    ``agencies`` holds every agency that had contact with the family, best
    first; :attr:`best` the first ``top`` of them. Times are ``Timestamp`` or
    None, days are floats or None.
    """

    family_id: str | None
    agencies: pd.DataFrame
    window_start: pd.Timestamp | None
    window_end: pd.Timestamp | None
    window_end_event: str | None
    window_days: float | None
    lead_assigned: pd.Timestamp | None
    days_before_lead: float | None
    top: int = 3
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def best(self) -> pd.DataFrame:
        """The ``top`` best-ranked agencies."""
        return self.agencies.head(self.top)


@dataclass
class PopulationInterventionPoints:
    """Early-warning agencies for an escalation event (``agencies``) and broker agencies."""

    agencies: pd.DataFrame
    brokers: pd.DataFrame
    parameters: dict[str, Any] = field(default_factory=dict)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def member_agency_graph(family_contacts: pd.DataFrame) -> nx.Graph:
    """The family's bipartite graph: members on one side, agencies on the other.

    Nodes are ``("person", person_id)`` and ``("agency", agency)`` with a
    ``kind`` attribute; an edge joins a member and an agency that had contact,
    with ``contacts`` (distinct contacts involving that member) and
    ``distance`` = 1 / contacts, so that betweenness treats frequent contact
    as a short path.

    Examples
    --------
    >>> rows = pd.DataFrame({"contact_id": ["a", "a", "b"], "person_id": ["P1", "P2", "P1"],
    ...                      "agency": ["Police", "Police", "School"]})
    >>> graph = member_agency_graph(rows)
    >>> graph.edges[("person", "P1"), ("agency", "Police")]
    {'contacts': 1, 'distance': 1.0}
    >>> sorted(graph.degree)[0]
    (('agency', 'Police'), 2)
    """
    pairs = family_contacts.drop_duplicates(["contact_id", "person_id"])
    counts = pairs.groupby(["person_id", "agency"], sort=True).size()
    graph = nx.Graph()
    for (person, agency), contacts in counts.items():
        graph.add_node(("person", person), kind="person")
        graph.add_node(("agency", agency), kind="agency")
        graph.add_edge(("person", person), ("agency", agency), contacts=int(contacts),
                       distance=1.0 / int(contacts))  # fmt: skip
    return graph


def _window_end(
    threshold_date: pd.Timestamp | None, eligibility_date: pd.Timestamp | None
) -> tuple[pd.Timestamp | None, str | None]:
    candidates = [
        (pd.Timestamp(date), event)
        for date, event in ((threshold_date, "threshold"), (eligibility_date, "eligibility"))
        if date is not None and not pd.isna(date)
    ]
    return min(candidates, key=lambda c: c[0]) if candidates else (None, None)


def _earliness(first: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Share of the window (start → end) left when the agency first saw the family, in [0, 1]."""
    span = end - start
    if span <= pd.Timedelta(0):
        return (first <= start).astype(float)
    return ((end - first) / span).clip(0.0, 1.0)


def _reasons(row: Any, total: int, members: int, end_event: str | None) -> str:
    reasons = []
    if row.first:
        reasons.append("first agency to see the family")
    if row.saw_before_threshold:
        what = "the threshold" if end_event == "threshold" else "the family became eligible"
        days = _plural(int(row.days_before_threshold), "day")
        reasons.append(f"saw the family {days} before {what}")
    reasons.append(f"holds {row.contacts:,} of {_plural(total, 'contact')}")
    reasons.append(
        f"connects {row.members_connected:,} of {_plural(members, 'member')} "
        f"(betweenness {row.betweenness:.2f})"
    )
    return "; ".join(reasons)


def _lead(
    lead_periods: pd.DataFrame | None, family_id: Any, start: pd.Timestamp, until: pd.Timestamp
) -> tuple[pd.Timestamp | None, float]:
    assigned = None
    if lead_periods is not None and len(lead_periods):
        mine = lead_periods.loc[lead_periods["family_id"] == family_id, "lead_from"].dropna()
        assigned = pd.Timestamp(mine.min()) if len(mine) else None
    end = assigned if assigned is not None else until
    return assigned, max(0.0, (end - start) / _DAY)


def _agency_table(family_contacts: pd.DataFrame, people: pd.DataFrame | None) -> tuple:
    """Per agency: sector, distinct contacts, first contact, members connected, betweenness."""
    once = family_contacts.drop_duplicates("contact_id")
    if "sector" not in once.columns:
        once = once.assign(sector=None)
    table = once.groupby("agency", sort=True).agg(
        sector=("sector", "first"),
        contacts=("contact_id", "size"),
        first_contact=("occurred_at", "min"),
    )
    table["members_connected"] = family_contacts.groupby("agency")["person_id"].nunique()
    betweenness = nx.betweenness_centrality(
        member_agency_graph(family_contacts), weight="distance", normalized=True
    )
    table["betweenness"] = [betweenness.get(("agency", a), 0.0) for a in table.index]
    members = set(family_contacts["person_id"])
    if people is not None and len(people):
        family_id = family_contacts["family_id"].iloc[0]
        members |= set(people.loc[people["family_id"] == family_id, "person_id"])
    return table.reset_index(), len(once), len(members)


def family_intervention_points(
    family_contacts: pd.DataFrame,
    people: pd.DataFrame | None = None,
    lead_periods: pd.DataFrame | None = None,
    *,
    threshold_date: pd.Timestamp | None = None,
    eligibility_date: pd.Timestamp | None = None,
    top: int = 3,
    as_of: pd.Timestamp | None = None,
) -> FamilyInterventionPoints:
    """Rank the agencies of one family as its best point of contact, with reasons.

    Parameters
    ----------
    family_contacts : DataFrame
        Contract contacts of one family (all rows of each multi-person contact).
    people : DataFrame, optional
        People; the family's members without contacts still count as members.
    lead_periods : DataFrame, optional
        Lead-professional periods; the family's earliest ``lead_from`` is when
        a lead professional was assigned.
    threshold_date, eligibility_date : Timestamp, optional
        When the family first crossed the high-contact threshold and first
        became eligible (from the high-contact and eligibility analyses). The
        intervention window ends at the earlier of those given.
    top : int, default 3
        How many agencies :attr:`FamilyInterventionPoints.best` holds.
    as_of : Timestamp, optional
        The end of the delay when no lead professional was ever assigned;
        default the family's last contact (so results do not depend on today).

    Returns
    -------
    FamilyInterventionPoints
        ``agencies`` columns: ``rank, agency, sector, contacts`` (distinct
        contacts), ``first_contact``, ``saw_before_threshold`` (first contact
        strictly before the window end; False when there is no window end),
        ``days_before_threshold`` (window end − first contact in days,
        negative when the agency came later; NaN without a window end),
        ``members_connected``, ``betweenness``, ``score``, ``reasons``.

        ``score`` = 0.4 × earliness + 0.3 × contacts / family contacts
        + 0.15 × members connected / members + 0.15 × betweenness, each term in
        [0, 1] (see :data:`SCORE_WEIGHTS`). Earliness is the share of the
        window still ahead when the agency first saw the family:
        (end − first contact) / (end − window start), clipped to [0, 1], where
        end is the window end or, without one, the family's last contact.
        Betweenness is NetworkX's normalised betweenness of the agency in the
        member–agency graph with distance 1 / contacts (see
        :func:`member_agency_graph`). Ties go to more contacts, then the
        earlier first contact, then the agency name.

        ``days_before_lead`` is first contact → lead assigned in days, 0 when
        a lead was in place before the first contact, and first contact →
        ``as_of`` when no lead was ever assigned (``lead_assigned`` None).

    Raises
    ------
    InputError
        When the rows belong to more than one family.

    Examples
    --------
    The police saw mother and son from January; the school saw the son twice
    from March; the threshold was crossed on 1 May:

    >>> rows = pd.DataFrame({
    ...     "contact_id": ["c1", "c1", "c2", "c3"], "person_id": ["mum", "son", "son", "son"],
    ...     "family_id": "F1", "agency": ["Police", "Police", "School", "School"],
    ...     "sector": ["police", "police", "education", "education"],
    ...     "occurred_at": pd.to_datetime(["2021-01-01", "2021-01-01", "2021-03-01", "2021-04-01"]),
    ... })
    >>> points = family_intervention_points(rows, threshold_date=pd.Timestamp("2021-05-01"))
    >>> points.agencies[["agency", "contacts", "members_connected", "score"]].round(3)
       agency  contacts  members_connected  score
    0  Police         1                  2  0.750
    1  School         2                  1  0.478
    >>> points.agencies["reasons"][0]
    'first agency to see the family; saw the family 120 days before the threshold; holds 1 of 3 contacts; connects 2 of 2 members (betweenness 0.67)'
    >>> points.window_days, points.days_before_lead
    (120.0, 90.0)
    """  # noqa: E501
    require_columns(family_contacts, _FAMILY_COLUMNS, "family_contacts")
    parameters = {"threshold_date": threshold_date, "eligibility_date": eligibility_date,
                  "top": top, "as_of": as_of, "score_weights": dict(SCORE_WEIGHTS)}  # fmt: skip
    end, end_event = _window_end(threshold_date, eligibility_date)
    families = family_contacts["family_id"].dropna().unique()
    if len(families) > 1:
        raise InputError(f"family_contacts: rows of {len(families)} families; give one family")
    if len(family_contacts) == 0:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in _AGENCY_COLUMNS})
        return FamilyInterventionPoints(None, empty, None, end, end_event, None, None, None, top,
                                        parameters)  # fmt: skip
    table, total, members = _agency_table(family_contacts, people)
    start = table["first_contact"].min()
    last = family_contacts["occurred_at"].max()
    reference = end if end is not None else last
    table["first"] = table["first_contact"] == start
    if end is None:
        table["saw_before_threshold"], table["days_before_threshold"] = False, np.nan
    else:
        table["saw_before_threshold"] = table["first_contact"] < end
        table["days_before_threshold"] = (end - table["first_contact"]) / _DAY
    table["score"] = (
        SCORE_WEIGHTS["earliness"] * _earliness(table["first_contact"], start, reference)
        + SCORE_WEIGHTS["contacts"] * table["contacts"] / total
        + SCORE_WEIGHTS["members"] * table["members_connected"] / members
        + SCORE_WEIGHTS["betweenness"] * table["betweenness"]
    )
    table = table.sort_values(
        ["score", "contacts", "first_contact", "agency"],
        ascending=[False, False, True, True], kind="mergesort",
    ).reset_index(drop=True)  # fmt: skip
    table["reasons"] = [_reasons(row, total, members, end_event) for row in table.itertuples()]
    table["rank"] = np.arange(1, len(table) + 1)
    family_id = families[0] if len(families) else None
    assigned, lost = _lead(lead_periods, family_id, start, as_of if as_of is not None else last)
    return FamilyInterventionPoints(
        family_id=family_id,
        agencies=table[_AGENCY_COLUMNS],
        window_start=start,
        window_end=end,
        window_end_event=end_event,
        window_days=(end - start) / _DAY if end is not None else None,
        lead_assigned=assigned,
        days_before_lead=lost,
        top=top,
        parameters=parameters,
    )


def population_intervention(
    contacts: pd.DataFrame,
    *,
    taxonomy: Taxonomy | None = None,
    escalation: Escalation | None = None,
    comparison_days: float | None = None,
    journeys: AgencyJourneys | None = None,
    flow: nx.DiGraph | None = None,
) -> PopulationInterventionPoints:
    """Early-warning agencies for escalation and broker agencies of the whole population.

    Parameters
    ----------
    contacts : DataFrame
        Contract contacts of the population.
    taxonomy, escalation, comparison_days
        As in :func:`escalation_lead_times`.
    journeys : AgencyJourneys, optional
        ``agency_journeys(contacts)`` when already built (saves most of the work).
    flow : networkx.DiGraph, optional
        The agency flow graph when already built; by default
        ``flow_graph(pathways(contacts))``.

    Returns
    -------
    PopulationInterventionPoints
        ``agencies`` from :func:`escalation_lead_times`, ``brokers`` from
        :func:`broker_agencies`, and the parameters used.

    Examples
    --------
    >>> contacts = pd.DataFrame({
    ...     "family_id": ["F1", "F1", "F2"], "contact_id": ["a", "b", "c"],
    ...     "agency": ["School", "Children's Social Care", "School"],
    ...     "sector": ["education", "social care", "education"],
    ...     "contact_type": ["school_absence", "referral", "school_absence"],
    ...     "occurred_at": pd.to_datetime(["2021-01-01", "2021-01-11", "2021-01-01"]),
    ... })
    >>> points = population_intervention(contacts)
    >>> points.agencies[["agency", "seen_first", "median_lead_days"]]
                       agency  seen_first  median_lead_days
    0                  School           1              10.0
    1  Children's Social Care           0               NaN
    >>> points.brokers["agency"].tolist()
    ["Children's Social Care", 'School']
    """
    journeys = journeys if journeys is not None else agency_journeys(contacts)
    agencies = escalation_lead_times(
        contacts, taxonomy=taxonomy, escalation=escalation,
        comparison_days=comparison_days, journeys=journeys,
    )  # fmt: skip
    flow = flow if flow is not None else flow_graph(pathways(journeys))
    return PopulationInterventionPoints(
        agencies=agencies,
        brokers=broker_agencies(flow),
        parameters={**agencies.attrs["parameters"], **flow.graph.get("parameters", {})},
    )
