"""The swimlane map of one family's journey: agencies as lanes, time from left to right.

Each contact is a node in its agency's lane at its date, coloured by sector and
shaped by contact type; the family's chain of contacts (each contact once,
however many members it involved) joins them in time order. Positions are
computed here, so the browser runs no physics and a lane is a straight line.

The time axis mixes calendar time with the order of contact days (half each),
so a burst of contacts in one month spreads out enough to read while long
quiet gaps still look long; it is monotone, so left is always earlier.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from journey.contract import require_columns
from journey.journeys import MAX_DETAILED_CONTACTS, family_journeys, is_aggregated
from journey.maps.page import JourneyMap, MapError, base_options, new_network, render_page
from journey.maps.style import (
    LegendItem,
    contact_group,
    contact_group_legend,
    group_label,
    group_shape,
    sector_colour,
    sector_legend,
    text_colour,
)
from journey.maps.text import DateText, days_later, plain_text, plural
from journey.maps.time_axis import WEEK_STEP, axis, day_ticks, ticks
from journey.taxonomy import Taxonomy, default_taxonomy

__all__ = [
    "swimlane_map",
    "journey_frame",
]

LANE_SPACING = 100  # canvas units between lane centres
LANE_LABEL_X = -130  # centre of the lane-label boxes, left of the first contact at x = 0
LANE_FONT = 16
STACK_STEP = 34  # vertical offset between same-day contacts in one lane
MAX_MEMBERS_LISTED = 12

PEAK_REASON = "part of the busiest window of the family's journey (the high-contact peak)"
UNCOORDINATED_REASON = (
    "no lead professional was active, it was not a multi-agency meeting, and another agency "
    "had been in contact shortly before without referring it"
)
_COLUMNS = ["contact_id", "person_id", "agency", "sector", "contact_type", "occurred_at"]


def journey_frame(family_contacts: pd.DataFrame) -> pd.DataFrame:
    """One family's journey with its members, the frame the family page also reads.

    Examples
    --------
    >>> rows = pd.DataFrame({"contact_id": ["b", "a", "a"], "person_id": ["P1", "P2", "P1"],
    ...     "agency": ["School", "Police", "Police"], "sector": ["education", "police", "police"],
    ...     "contact_type": ["exclusion", "incident", "incident"],
    ...     "occurred_at": pd.to_datetime(["2021-01-01"] * 3)})
    >>> journey_frame(rows)[["contact_id", "members"]].values.tolist()
    [['a', ['P1', 'P2']], ['b', ['P1']]]
    """
    require_columns(family_contacts, _COLUMNS, "family_contacts")
    if "family_id" in family_contacts and family_contacts["family_id"].nunique() > 1:
        raise MapError("a swimlane map shows one family; the contacts given belong to several")
    if "family_id" not in family_contacts:
        family_contacts = family_contacts.assign(family_id="")
    return family_journeys(family_contacts, members=True)


def _id_lookup(ids: Iterable | Mapping, default_reason: str) -> dict[str, str]:
    if isinstance(ids, Mapping):
        return {str(k): plain_text(v) or default_reason for k, v in ids.items()}
    return {str(k): default_reason for k in ids}


def _roles(people: pd.DataFrame | None) -> dict[str, str]:
    if people is None or people.empty or "role" not in people:
        return {}
    known = people[people["role"].notna()]
    return dict(zip(known["person_id"].astype(str), known["role"].astype(str), strict=True))


def _members_line(members: list[str], roles: dict[str, str]) -> str:
    shown = [
        plain_text(m, limit=40) + (f" ({plain_text(roles[m], limit=20)})" if m in roles else "")
        for m in members[:MAX_MEMBERS_LISTED]
    ]
    more = len(members) - MAX_MEMBERS_LISTED
    tail = f" and {more} more" if more > 0 else ""
    return f"Members involved ({len(members)}): " + ", ".join(shown) + tail


def _lanes(journey: pd.DataFrame) -> pd.DataFrame:
    """One lane per agency, ordered by the agency's first contact (ties by name)."""
    lanes = journey.groupby("agency", sort=False).agg(
        sector=("sector", "first"),
        first=("occurred_at", "min"),
        last=("occurred_at", "max"),
        contacts=("contact_id", "size"),
    )
    lanes = lanes.reset_index().sort_values(["first", "agency"], kind="stable")
    lanes = lanes.reset_index(drop=True)
    lanes["y"] = lanes.index * LANE_SPACING
    return lanes


def _decor(lanes: pd.DataFrame, ticks: list[dict], width: float, band: dict | None) -> dict:
    half = LANE_SPACING / 2
    lane_rows = []
    for i, lane in enumerate(lanes.itertuples(index=False)):
        fill = sector_colour(lane.sector)
        lane_rows.append(
            {"y": float(lane.y), "half": half, "label": plain_text(lane.agency, limit=40),
             "node": f"lane-{i}", "fill": fill, "ink": text_colour(fill), "shade": i % 2 == 0}
        )
    bottom = float(lanes["y"].iloc[-1] + half)
    return {
        "extent": {"x0": LANE_LABEL_X - 130, "x1": width + 40, "y0": -half, "y1": bottom},
        "lanes": lane_rows,
        "lane_font": LANE_FONT,
        "ticks": ticks,
        "band": band,
    }


def _add_lane_nodes(net, lanes: pd.DataFrame, dates: DateText) -> None:
    for i, lane in enumerate(lanes.itertuples(index=False)):
        fill = sector_colour(lane.sector)
        title = "\n".join(
            [
                f"{plain_text(lane.agency)} ({plain_text(lane.sector)} sector)",
                f"{plural(int(lane.contacts), 'contact')} from {dates.day(lane.first)} "
                f"to {dates.day(lane.last)}",
            ]
        )
        net.add_node(
            f"lane-{i}", label=plain_text(lane.agency, limit=40), shape="box",
            color={"background": fill, "border": "#1f2933"},
            font={"color": text_colour(fill), "size": LANE_FONT},
            x=LANE_LABEL_X, y=float(lane.y),
            title=title, kind="lane", agency=plain_text(lane.agency),
        )


def _highlight(node: dict, peak: bool, uncoordinated: bool) -> dict:
    if uncoordinated:
        node["borderWidth"] = 3
        node["shapeProperties"] = {"borderDashes": [4, 3]}
    elif peak:
        node["borderWidth"] = 3
    return node


def _detail(
    net, journey, lanes, roles, peak, unco, taxonomy, dates
) -> tuple[dict | None, set, tuple]:
    lane_of = dict(zip(lanes["agency"], range(len(lanes)), strict=True))
    lane = journey["agency"].map(lane_of).to_numpy()
    days, xs, start = axis(journey["occurred_at"])
    day = (journey["occurred_at"].dt.normalize() - start).dt.days.to_numpy()
    x = np.interp(day, days, xs)
    slots = pd.DataFrame({"lane": lane, "day": day}).groupby(["lane", "day"])
    k = slots.cumcount().to_numpy()
    m = slots["lane"].transform("size").to_numpy()
    step = np.minimum(STACK_STEP, 0.8 * LANE_SPACING / np.maximum(m - 1, 1))
    y = lane * LANE_SPACING + (k - (m - 1) / 2) * step
    groups, peak_x = set(), []
    previous = None
    for i, contact in enumerate(journey.itertuples(index=False)):
        key = str(contact.contact_id)
        group = contact_group(contact.contact_type, taxonomy)
        groups.add(group)
        fill = sector_colour(contact.sector)
        lines = [
            dates.when(contact.occurred_at),
            f"{plain_text(contact.agency)} ({plain_text(contact.sector)} sector)",
            f"{plain_text(str(contact.contact_type).replace('_', ' '))} "
            f"({group_label(group).lower()})",
        ]
        if plain_text(contact.referred_by):
            lines.append(f"Referred by: {plain_text(contact.referred_by)}")
        if plain_text(contact.service):
            lines.append(f"Service: {plain_text(contact.service)}")
        lines.append(_members_line(contact.members, roles))
        if key in peak:
            lines.append(f"In the peak window: {peak[key]}")
            peak_x.append(float(x[i]))
        if key in unco:
            lines.append(f"Uncoordinated: {unco[key]}")
        several = len(contact.members) > 1
        node = _highlight(
            {"size": 11 if several else 9, "borderWidth": 1, "x": round(float(x[i]), 1),
             "y": round(float(y[i]), 1), "title": "\n".join(lines), "kind": "contact",
             "contact_id": plain_text(key)},
            key in peak, key in unco,
        )
        net.add_node(
            f"contact-{i}", label=f"×{len(contact.members)}" if several else " ",
            shape=group_shape(group),
            color={"background": fill, "border": "#1f2933",
                   "highlight": {"background": fill, "border": "#000000"},
                   "hover": {"background": fill, "border": "#000000"}},
            font={"size": 11, "color": "#1f2933"}, **node,
        )
        if previous is not None:
            gap = int((contact.occurred_at.normalize() - previous).days)
            net.add_edge(f"contact-{i - 1}", f"contact-{i}", id=f"step-{i - 1}",
                         title=f"Next contact {days_later(gap)}")
        previous = contact.occurred_at.normalize()
    band = None
    if peak_x:
        band = {"x0": min(peak_x) - 10, "x1": max(peak_x) + 10, "label": "Peak window"}
    return band, groups, (days, xs, start)


def _week_table(journey, peak, unco) -> pd.DataFrame:
    """One row per agency and week (weeks start on Monday), in time order."""
    day = journey["occurred_at"].dt.normalize()
    keys = journey["contact_id"].astype(str)
    frame = journey.assign(
        week=day - pd.to_timedelta(day.dt.dayofweek, unit="D"),
        in_peak=keys.isin(list(peak)),
        uncoordinated=keys.isin(list(unco)),
    )
    weeks = frame.groupby(["agency", "week"], sort=False).agg(
        sector=("sector", "first"), first=("occurred_at", "min"), contacts=("contact_id", "size"),
        in_peak=("in_peak", "sum"), uncoordinated=("uncoordinated", "sum"),
    )
    members: dict[tuple, set] = {}
    for agency, week, people in zip(frame["agency"], frame["week"], frame["members"], strict=True):
        members.setdefault((agency, week), set()).update(people)
    types: dict[tuple, list] = {}
    counted = frame.groupby(["agency", "week", "contact_type"]).size().sort_values(
        ascending=False, kind="stable"
    )
    for (agency, week, contact_type), count in counted.items():
        types.setdefault((agency, week), []).append((contact_type, int(count)))
    weeks["members"] = [sorted(members[key]) for key in weeks.index]
    weeks["types"] = [types[key][:4] for key in weeks.index]
    return weeks.reset_index().sort_values(["week", "first", "agency"], kind="stable").reset_index(
        drop=True
    )


def _aggregate(net, journey, lanes, roles, peak, unco, dates) -> tuple[dict | None, tuple]:
    weeks = _week_table(journey, peak, unco)
    lane_of = dict(zip(lanes["agency"], lanes["y"], strict=True))
    days, xs, start = axis(weeks["week"], WEEK_STEP)
    x = np.interp((weeks["week"] - start).dt.days.to_numpy(), days, xs)
    largest = int(weeks["contacts"].max())
    peak_x = []
    for i, week in enumerate(weeks.itertuples(index=False)):
        count = int(week.contacts)
        types = ", ".join(f"{plain_text(str(t).replace('_', ' '))} ×{n}" for t, n in week.types)
        lines = [
            f"{plain_text(week.agency)}, week of {dates.day(week.week)}: "
            f"{plural(count, 'contact')}",
            f"Types: {types}",
            _members_line(week.members, roles),
        ]
        if week.in_peak:
            lines.append(f"{int(week.in_peak)} in the peak window")
            peak_x.append(float(x[i]))
        if week.uncoordinated:
            lines.append(f"{int(week.uncoordinated)} uncoordinated")
        fill = sector_colour(week.sector)
        node = _highlight(
            {"size": round(4 + 10 * (count / largest) ** 0.5, 1), "borderWidth": 1,
             "x": round(float(x[i]), 1), "y": float(lane_of[week.agency]),
             "title": "\n".join(lines), "kind": "week", "contacts": count},
            bool(week.in_peak), bool(week.uncoordinated),
        )
        net.add_node(f"week-{i}", label=" ", shape="dot",
                     color={"background": fill, "border": "#1f2933"}, **node)
        if i:
            gap = int((week.week - weeks["week"].iloc[i - 1]).days) // 7
            when = "the same week" if gap == 0 else plural(gap, "week") + " later"
            net.add_edge(f"week-{i - 1}", f"week-{i}", id=f"step-{i - 1}", title=f"Next {when}")
    band = None
    if peak_x:
        band = {"x0": min(peak_x) - 14, "x1": max(peak_x) + 14, "label": "Peak window"}
    return band, (days, xs, start)


def _legend(lanes, groups, aggregated, flags, taxonomy) -> list[LegendItem]:
    legend = sector_legend(lanes["sector"], taxonomy)
    if aggregated:
        legend.append(LegendItem("Contacts with one agency in one week (size: how many)",
                                 "#FFFFFF", "dot", "node"))
    else:
        legend += contact_group_legend(groups)
        if flags["several"]:
            legend.append(LegendItem("Contact with several family members (×N: how many)",
                                     "#FFFFFF", "dot", "highlight"))
    if flags["peak"]:
        legend.append(LegendItem("In the peak window (thick border, shaded period)", "#000000",
                                 "thick-border", "highlight"))
    if flags["uncoordinated"]:
        legend.append(LegendItem("Uncoordinated contact (dashed border)", "#000000",
                                 "dashed-border", "highlight"))
    legend.append(LegendItem("Next contact in the family's journey", "#8792a2", "line", "edge"))
    return legend


def swimlane_map(
    family_contacts: pd.DataFrame,
    *,
    people: pd.DataFrame | None = None,
    peak_contact_ids: Iterable | Mapping = (),
    uncoordinated_contact_ids: Iterable | Mapping = (),
    max_contacts: int = MAX_DETAILED_CONTACTS,
    assets: str = "inline",
    title: str = "Family journey",
    taxonomy: Taxonomy | None = None,
    show_legend: bool | None = None,
    journey: pd.DataFrame | None = None,
    relative_days: bool = False,
) -> JourneyMap:
    """Draw one family's journey as swimlanes: one lane per agency, time from left to right.

    Parameters
    ----------
    family_contacts : DataFrame
        The family's contacts rows (contract columns; one row per contact and person).
    people : DataFrame, optional
        ``person_id, role``: roles are shown next to person ids in tooltips.
    peak_contact_ids, uncoordinated_contact_ids : iterable or mapping, default ()
        Contacts to highlight. A mapping gives each contact's reason, shown in its tooltip.
    max_contacts : int, default 500
        Journeys with more contacts are aggregated by week per agency.
    assets : str, default "inline"
        ``"inline"`` puts vis-network in the page (an offline export); otherwise the URL
        prefix on this server that serves :data:`~journey.maps.page.STATIC_FILES`.
    title : str, default "Family journey"
        The page's title.
    taxonomy : Taxonomy, optional
        For contact-type shapes; the shipped taxonomy by default.
    show_legend : bool, optional
        Put the title, note and legend in the page; by default only when ``assets="inline"``.
    journey : DataFrame, optional
        :func:`journey_frame` of ``family_contacts`` when the caller already has it.
    relative_days : bool, default False
        Write every date as days since the first contact ("day 12"), never as a
        date: the de-identified map.

    Returns
    -------
    JourneyMap

    Examples
    --------
    >>> rows = pd.DataFrame({"contact_id": ["c1", "c2"], "person_id": ["P1", "P1"],
    ...     "agency": ["Police", "School"], "sector": ["police", "education"],
    ...     "contact_type": ["incident", "exclusion"],
    ...     "occurred_at": pd.to_datetime(["2021-01-04", "2021-02-01"])})
    >>> journey_map = swimlane_map(rows)
    >>> len(journey_map.nodes), len(journey_map.edges)   # 2 lanes + 2 contacts; 1 step
    (4, 1)
    """
    taxonomy = taxonomy or default_taxonomy()
    journey = journey_frame(family_contacts) if journey is None else journey
    peak = _id_lookup(peak_contact_ids, PEAK_REASON)
    unco = _id_lookup(uncoordinated_contact_ids, UNCOORDINATED_REASON)
    net = new_network(directed=True)
    net.options = base_options(drag_nodes=False)
    net.options["edges"]["arrows"] = {"to": {"enabled": True, "scaleFactor": 0.5}}
    aggregated = is_aggregated(len(journey), max_contacts)
    note, decor, groups = None, None, set()
    if journey.empty:
        note = "No contacts to show."
        lanes = journey.assign(y=0.0)
    else:
        lanes = _lanes(journey)
        dates = DateText(journey["occurred_at"].min() if relative_days else None)
        _add_lane_nodes(net, lanes, dates)
        roles = _roles(people)
        if aggregated:
            band, axis = _aggregate(net, journey, lanes, roles, peak, unco, dates)
            note = f"Aggregated by week per agency: {plural(len(journey), 'contact')}."
        else:
            band, groups, axis = _detail(net, journey, lanes, roles, peak, unco, taxonomy, dates)
        days, xs, start = axis
        grid = day_ticks(days, xs) if relative_days else ticks(start, days, xs)
        decor = _decor(lanes, grid, float(xs[-1]), band)
    legend = []
    if not journey.empty:
        keys = set(journey["contact_id"].astype(str))
        flags = {
            "several": bool((journey["members"].str.len() > 1).any()),
            "peak": bool(keys & set(peak)),
            "uncoordinated": bool(keys & set(unco)),
        }
        legend = _legend(lanes, groups, aggregated, flags, taxonomy)
    page, nodes, edges = render_page(
        net, title=title, assets=assets, decor=decor, legend=legend, note=note,
        show_legend=show_legend,
    )
    return JourneyMap(page, nodes, edges, aggregated, note, legend)
