"""The network map of one family: its members on the left, the agencies they met on the right.

An edge joins a member and an agency when the agency had contact with that
member; its width grows with the number of contacts. Agencies are ordered by
the mean position of the members they saw (the barycentre heuristic), which
keeps edges from crossing more than they need to.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from journey.contract import require_columns
from journey.maps.page import JourneyMap, base_options, new_network, render_page
from journey.maps.style import LegendItem, sector_colour, sector_legend, text_colour
from journey.maps.text import plain_text, plural
from journey.taxonomy import Taxonomy, default_taxonomy

__all__ = ["network_map", "member_agency_counts"]

COLUMN_GAP = 560
MEMBER_SPACING = 80
AGENCY_SPACING = 70
MEMBER_COLOUR = "#F2F4F7"
_ROLE_ORDER = {"parent": 0, "carer": 0, "adult": 0, "child": 1, "other": 2}


def member_agency_counts(family_contacts: pd.DataFrame) -> pd.DataFrame:
    """Contacts per (member, agency): ``person_id, agency, sector, contacts``.

    A row of the contract is one contact for one person, so a contact with
    three members counts once for each of them.

    Examples
    --------
    >>> rows = pd.DataFrame({"contact_id": ["c1", "c1", "c2"], "person_id": ["P1", "P2", "P1"],
    ...     "agency": ["Police"] * 3, "sector": ["police"] * 3})
    >>> member_agency_counts(rows).values.tolist()
    [['P1', 'Police', 'police', 2], ['P2', 'Police', 'police', 1]]
    """
    columns = ["contact_id", "person_id", "agency", "sector"]
    require_columns(family_contacts, columns, "family_contacts")
    pairs = family_contacts.drop_duplicates(["contact_id", "person_id"])
    counts = pairs.groupby(["person_id", "agency"], sort=True).agg(
        sector=("sector", "first"), contacts=("contact_id", "size")
    )
    return counts.reset_index()


def _members(family_contacts: pd.DataFrame, people: pd.DataFrame | None) -> pd.DataFrame:
    """Every member with contacts, plus the family's members without any; ordered adults first."""
    ids = pd.Series(family_contacts["person_id"].unique(), dtype=object)
    roles: dict = {}
    if people is not None and not people.empty:
        if "family_id" in people and "family_id" in family_contacts:
            families = set(family_contacts["family_id"].dropna())
            ids = pd.concat([ids, people.loc[people["family_id"].isin(families), "person_id"]])
        if "role" in people:
            roles = dict(zip(people["person_id"], people["role"], strict=True))
    members = pd.DataFrame({"person_id": ids.drop_duplicates().to_numpy()})
    members["role"] = [
        roles.get(p) if isinstance(roles.get(p), str) else None for p in members["person_id"]
    ]
    members["rank"] = members["role"].map(_ROLE_ORDER).fillna(3)
    members["key"] = members["person_id"].astype(str)
    members = members.sort_values(["rank", "key"], kind="stable").reset_index(drop=True)
    members["y"] = (members.index - (len(members) - 1) / 2) * MEMBER_SPACING
    return members


def _agencies(counts: pd.DataFrame, members: pd.DataFrame, family_contacts) -> pd.DataFrame:
    """Agencies ordered by the weighted mean y of their members, with their family-level counts."""
    member_y = dict(zip(members["person_id"], members["y"], strict=True))
    weighted = counts.assign(wy=counts["person_id"].map(member_y) * counts["contacts"])
    agencies = weighted.groupby("agency").agg(
        sector=("sector", "first"), wy=("wy", "sum"), person_contacts=("contacts", "sum"),
        members=("person_id", "nunique"),
    )
    agencies["contacts"] = family_contacts.groupby("agency")["contact_id"].nunique()
    agencies["centre"] = agencies["wy"] / agencies["person_contacts"]
    agencies = agencies.reset_index().sort_values(["centre", "agency"], kind="stable")
    agencies = agencies.reset_index(drop=True)
    agencies["y"] = (agencies.index - (len(agencies) - 1) / 2) * AGENCY_SPACING
    return agencies


def network_map(
    family_contacts: pd.DataFrame,
    *,
    people: pd.DataFrame | None = None,
    assets: str = "inline",
    title: str = "Family members and agencies",
    taxonomy: Taxonomy | None = None,
    show_legend: bool | None = None,
) -> JourneyMap:
    """Draw a family's members and the agencies they met, as a two-column network.

    Parameters
    ----------
    family_contacts : DataFrame
        The family's contacts rows (contract columns).
    people : DataFrame, optional
        ``person_id, family_id, role``: labels members by role ("child P0012") and adds
        the family's members who had no contact.
    assets, title, show_legend
        As for :func:`journey.maps.swimlane_map`.
    taxonomy : Taxonomy, optional
        For the legend's sector order; the shipped taxonomy by default.

    Returns
    -------
    JourneyMap

    Examples
    --------
    >>> rows = pd.DataFrame({"contact_id": ["c1", "c1", "c2"], "person_id": ["P1", "P2", "P1"],
    ...     "agency": ["Police", "Police", "School"], "sector": ["police", "police", "education"]})
    >>> journey_map = network_map(rows)
    >>> # 2 members + 2 agencies; edges P1-Police, P2-Police, P1-School
    >>> len(journey_map.nodes), len(journey_map.edges)
    (4, 3)
    """
    taxonomy = taxonomy or default_taxonomy()
    counts = member_agency_counts(family_contacts)
    members = _members(family_contacts, people)
    agencies = _agencies(counts, members, family_contacts)
    net = new_network(directed=False)
    net.options = base_options(drag_nodes=True)
    net.options["edges"]["smooth"] = {"type": "cubicBezier", "forceDirection": "horizontal",
                                      "roundness": 0.4}
    member_id = {}
    for i, member in enumerate(members.itertuples(index=False)):
        mine = counts[counts["person_id"] == member.person_id]
        role = plain_text(member.role or "person", limit=20)
        label = f"{role} {plain_text(member.person_id, limit=40)}"
        title_lines = [label, f"{plural(int(mine['contacts'].sum()), 'contact')} with "
                              f"{plural(len(mine), 'agency', 'agencies')}"]
        member_id[member.person_id] = f"member-{i}"
        net.add_node(f"member-{i}", label=label, shape="ellipse",
                     color={"background": MEMBER_COLOUR, "border": "#52606D"},
                     x=0.0, y=float(member.y), title="\n".join(title_lines), kind="member",
                     person_id=plain_text(member.person_id))
    agency_id = {}
    for j, agency in enumerate(agencies.itertuples(index=False)):
        fill = sector_colour(agency.sector)
        agency_id[agency.agency] = f"agency-{j}"
        title_lines = [
            f"{plain_text(agency.agency)} ({plain_text(agency.sector)} sector)",
            f"{plural(int(agency.contacts), 'contact')} with the family",
            f"{plural(int(agency.members), 'member')} involved",
        ]
        net.add_node(f"agency-{j}", label=plain_text(agency.agency, limit=40), shape="box",
                     color={"background": fill, "border": "#1f2933"},
                     font={"color": text_colour(fill)}, x=float(COLUMN_GAP), y=float(agency.y),
                     title="\n".join(title_lines), kind="agency", agency=plain_text(agency.agency))
    largest = int(counts["contacts"].max()) if len(counts) else 1
    for k, link in enumerate(counts.itertuples(index=False)):
        width = 1 + 7 * float(np.sqrt(link.contacts / largest))
        net.add_edge(member_id[link.person_id], agency_id[link.agency], id=f"link-{k}",
                     width=round(width, 2), title=plural(int(link.contacts), "contact"),
                     color={"color": sector_colour(link.sector), "opacity": 0.75})
    heights = pd.concat([members["y"], agencies["y"]])
    top, bottom = (heights.min(), heights.max()) if len(heights) else (0.0, 0.0)
    decor = {
        "extent": {"x0": -140.0, "x1": COLUMN_GAP + 140.0, "y0": float(top) - 70,
                   "y1": float(bottom) + 30},
        "headings": [{"x": 0.0, "y": float(top) - 55, "label": "Family members"},
                     {"x": float(COLUMN_GAP), "y": float(top) - 55, "label": "Agencies"}],
    }
    legend = [LegendItem("Family member", MEMBER_COLOUR, "ellipse", "node")]
    legend += sector_legend(agencies["sector"], taxonomy)
    legend.append(LegendItem("Contacts between a member and an agency (width: how many)",
                             "#8792a2", "line", "edge"))
    note = None if len(counts) else "No contacts to show."
    page, nodes, edges = render_page(net, title=title, assets=assets, decor=decor, legend=legend,
                                     note=note, show_legend=show_legend)
    return JourneyMap(page, nodes, edges, False, note, legend)
