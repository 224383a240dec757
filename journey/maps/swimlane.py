"""The swimlane map of one family's journey: agencies as lanes, time from left to right.

Each contact is a node in its agency's lane at its date, coloured by sector and
shaped by contact type; the family's chain of contacts (each contact once,
however many members it involved) joins them in time order. Positions are
computed here, so the browser runs no physics and a lane is a straight line.

The time axis mixes calendar time with the order of contact days (half each),
so a burst of contacts in one month spreads out enough to read while long
quiet gaps still look long; it is monotone, so left is always earlier.

Above ``max_contacts`` each lane becomes a strip of weekly or monthly counts
(:mod:`journey.maps.swimlane_counts`) with the chain hidden until the page's
switch shows it. The shaded windows, members' birthdays and ages come from
:mod:`journey.maps.swimlane_marks`. The page's script
(``static/journey-map.js``) lays the positions out to fill the frame: lanes
share its height, time its width, and the lane labels keep their own column.
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
from journey.maps.swimlane_counts import add_count_nodes
from journey.maps.swimlane_marks import (
    MapWindow,
    ages_on,
    birth_index,
    birthday_lines,
    marks_legend,
    member_ages,
    member_choices,
    members_line,
    roles_of,
    window_bands,
)
from journey.maps.text import DateText, days_later, plain_text, plural
from journey.maps.time_axis import axis, day_ticks, ticks
from journey.taxonomy import Taxonomy, default_taxonomy

__all__ = [
    "swimlane_map",
    "journey_frame",
    "MapWindow",
]

LANE_SPACING = 100  # canvas units between lane centres
LANE_LABEL_X = -130  # centre of the lane-label boxes, left of the first contact at x = 0
LANE_FONT = 16
STACK_STEP = 34  # vertical offset between same-day contacts in one lane

PEAK_REASON = "part of the busiest window of the family's journey (most contacts)"
HIGHLIGHT_REASON = "highlighted"
HIGHLIGHT_COLOUR = "#C2185B"
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


def _id_lookup(ids: Iterable | Mapping, default_reason: str, prefix: str = "") -> dict[str, str]:
    """Contact id -> reason; a reason that starts with ``prefix`` (the tooltip's own
    heading, e.g. "uncoordinated: ") loses it, so the tooltip does not say it twice."""
    if isinstance(ids, Mapping):
        out = {}
        for key, value in ids.items():
            reason = plain_text(value)
            if prefix and reason.lower().startswith(prefix):
                reason = reason[len(prefix):]
            out[str(key)] = reason or default_reason
        return out
    return {str(k): default_reason for k in ids}


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


def _decor(lanes: pd.DataFrame, grid: list[dict], width: float, marks: dict) -> dict:
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
        "extent": {"x0": 0.0, "x1": width, "y0": -half, "y1": bottom},
        "lanes": lane_rows,
        "lane_font": LANE_FONT,
        "ticks": grid,
        **marks,
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


def _ring(node: dict, peak: bool, uncoordinated: bool, highlighted: bool) -> dict:
    """Borders: dashed for uncoordinated, thick for the busiest window, a wide ring when
    highlighted (the highlighted flag also goes on the node for the page and tests)."""
    if uncoordinated:
        node["borderWidth"] = 3
        node["shapeProperties"] = {"borderDashes": [4, 3]}
    elif peak:
        node["borderWidth"] = 3
    if highlighted:
        node["borderWidth"] = 5
        node["highlighted"] = True
    return node


def _colours(fill: str, highlighted: bool) -> dict:
    border = HIGHLIGHT_COLOUR if highlighted else "#1f2933"
    return {"background": fill, "border": border,
            "highlight": {"background": fill, "border": "#000000"},
            "hover": {"background": fill, "border": "#000000"}}


def _detail(net, journey, lanes, roles, ages, marked, taxonomy, dates) -> tuple[set, tuple]:
    peak, unco, chosen = marked
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
    groups = set()
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
        lines.append(members_line(contact.members, roles, ages[i]))
        if key in peak:
            # The default reason would repeat the heading.
            own = f": {peak[key]}" if peak[key] != PEAK_REASON else " (most contacts)"
            lines.append("In the busiest window" + own)
        if key in unco:
            lines.append(f"Uncoordinated: {unco[key]}")
        if key in chosen:
            lines.append(f"Highlighted: {chosen[key]}")
        several = len(contact.members) > 1
        node = _ring(
            {"size": 11 if several else 9, "borderWidth": 1, "x": round(float(x[i]), 1),
             "y": round(float(y[i]), 1), "title": "\n".join(lines), "kind": "contact",
             "contact_id": plain_text(key),
             "members": [plain_text(p, limit=40) for p in contact.members]},
            key in peak, key in unco, key in chosen,
        )
        net.add_node(
            f"contact-{i}", label=f"×{len(contact.members)}" if several else " ",
            shape=group_shape(group), color=_colours(fill, key in chosen),
            font={"size": 11, "color": "#1f2933"}, **node,
        )
        if previous is not None:
            gap = int((contact.occurred_at.normalize() - previous).days)
            net.add_edge(f"contact-{i - 1}", f"contact-{i}", id=f"step-{i - 1}",
                         title=f"Next contact {days_later(gap)}")
        previous = contact.occurred_at.normalize()
    return groups, (days, xs, start)


def _aggregate(net, journey, lanes, roles, born, marked, dates) -> tuple[str, tuple]:
    peak, unco, chosen = marked
    ids = {"in_peak": set(peak), "uncoordinated": set(unco), "highlighted": set(chosen)}

    def describe(cell, lines: list[str]) -> dict:
        # Ages at the cell's first contact (a member may have a birthday within the month).
        lines.append(members_line(cell.members, roles, ages_on(cell.members, cell.first, born)))
        for name, words in (("in_peak", "in the busiest window"),
                            ("uncoordinated", "uncoordinated"), ("highlighted", "highlighted")):
            if getattr(cell, name):
                lines.append(f"{int(getattr(cell, name))} {words}")
        # A cell is a few pixels wide: borders would hide its colour, so the busiest window
        # and uncoordinated contacts are told by the shading and the tooltip only.
        node = _ring({}, False, False, bool(cell.highlighted))
        node["color"] = _colours(sector_colour(cell.sector), bool(cell.highlighted))
        return node

    period, grid_axis, _ = add_count_nodes(net, journey, lanes, ids, describe, dates)
    return period, grid_axis


def _legend(lanes, groups, period, flags, taxonomy) -> list[LegendItem]:
    legend = sector_legend(lanes["sector"], taxonomy)
    if period:
        legend.append(LegendItem(f"Contacts with one agency in one {period} (size: how many)",
                                 "#FFFFFF", "square", "node"))
    else:
        legend += contact_group_legend(groups)
        if flags["several"]:
            legend.append(LegendItem("Contact with several family members (×N: how many)",
                                     "#FFFFFF", "dot", "highlight"))
    if flags["peak"] and not period:
        legend.append(LegendItem("In the busiest window (thick border)", "#000000",
                                 "thick-border", "highlight"))
    if flags["uncoordinated"] and not period:
        legend.append(LegendItem("Uncoordinated contact (dashed border)", "#000000",
                                 "dashed-border", "highlight"))
    if flags["highlighted"]:
        legend.append(LegendItem(f"{flags['highlighted']} (wide ring)", HIGHLIGHT_COLOUR,
                                 "thick-border", "highlight"))
    words = " (hidden: use the switch above the map)" if period else ""
    legend.append(LegendItem(f"Next contact in the family's journey{words}", "#8792a2", "line",
                             "edge"))
    return legend


def _windows(windows: Iterable[MapWindow], journey: pd.DataFrame, peak: dict) -> list[MapWindow]:
    """The windows to shade; without a busiest window given, the span of the peak contacts."""
    windows = list(windows)
    times = journey.loc[journey["contact_id"].astype(str).isin(list(peak)), "occurred_at"]
    if len(times) and not any(w.kind == "busiest" for w in windows):
        windows.append(MapWindow("busiest", "Busiest window (most contacts)", times.min(),
                                 times.max()))
    return windows


def swimlane_map(
    family_contacts: pd.DataFrame,
    *,
    people: pd.DataFrame | None = None,
    peak_contact_ids: Iterable | Mapping = (),
    uncoordinated_contact_ids: Iterable | Mapping = (),
    highlight_contact_ids: Iterable | Mapping = (),
    highlight_label: str = "Highlighted contact",
    windows: Iterable[MapWindow] = (),
    by_age: int = 13,
    max_contacts: int = MAX_DETAILED_CONTACTS,
    show_steps: bool | None = None,
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
        ``person_id, role, birth_month``: roles and ages (at each contact) are shown
        next to person ids in tooltips, and each member's ``by_age``-th birthday
        within the journey is a dashed vertical line.
    peak_contact_ids, uncoordinated_contact_ids : iterable or mapping, default ()
        Contacts to highlight. A mapping gives each contact's reason, shown in its tooltip.
    highlight_contact_ids : iterable or mapping, default ()
        Contacts drawn emphasised (a wide ring), e.g. the evidence of a result; a
        mapping gives each one's reason for its tooltip.
    highlight_label : str, default "Highlighted contact"
        The legend's words for the emphasised contacts.
    windows : iterable of MapWindow, default ()
        Periods to shade, each named in the legend (the window that met the
        high-contact threshold, the busiest window). Without a busiest window, the
        span of ``peak_contact_ids`` is shaded as one.
    by_age : int, default 13
        The birthday marked on the map (the before-age form of the analyses).
    max_contacts : int, default 500
        Journeys with more contacts become strips of weekly or monthly counts per
        agency (:mod:`journey.maps.swimlane_counts`).
    show_steps : bool, optional
        Draw the next-contact lines at first (the page has a switch); by default
        only when the journey is not aggregated.
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
    marked = (
        _id_lookup(peak_contact_ids, PEAK_REASON),
        _id_lookup(uncoordinated_contact_ids, UNCOORDINATED_REASON, "uncoordinated: "),
        _id_lookup(highlight_contact_ids, HIGHLIGHT_REASON),
    )
    net = new_network(directed=True)
    net.options = base_options(drag_nodes=False)
    net.options["edges"]["arrows"] = {"to": {"enabled": True, "scaleFactor": 0.5}}
    aggregated = is_aggregated(len(journey), max_contacts)
    note, decor, groups, period, legend = None, None, set(), None, []
    if journey.empty:
        note = "No contacts to show."
    else:
        lanes = _lanes(journey)
        dates = DateText(journey["occurred_at"].min() if relative_days else None)
        _add_lane_nodes(net, lanes, dates)
        roles = roles_of(people)
        if aggregated:
            period, grid_axis = _aggregate(net, journey, lanes, roles, birth_index(people),
                                           marked, dates)
            note = f"{plural(len(journey), 'contact')}, counted by {period} for each agency."
        else:
            ages = member_ages(journey, people)
            groups, grid_axis = _detail(net, journey, lanes, roles, ages, marked, taxonomy, dates)
        days, xs, start = grid_axis
        grid = day_ticks(days, xs) if relative_days else ticks(start, days, xs)
        bands = window_bands(_windows(windows, journey, marked[0]), grid_axis, dates)
        lines = birthday_lines(people, by_age, journey, grid_axis, dates)
        decor = _decor(lanes, grid, float(xs[-1]), {
            "bands": bands, "birthdays": lines, "period": period,
            "members": member_choices(journey, roles),
            "steps": (not aggregated) if show_steps is None else bool(show_steps),
        })
        keys = set(journey["contact_id"].astype(str))
        flags = {
            "several": bool((journey["members"].str.len() > 1).any()),
            "peak": bool(keys & set(marked[0])),
            "uncoordinated": bool(keys & set(marked[1])),
            "highlighted": plain_text(highlight_label) if keys & set(marked[2]) else "",
        }
        legend = _legend(lanes, groups, period, flags, taxonomy) + marks_legend(bands, lines,
                                                                                by_age)
    page, nodes, edges = render_page(
        net, title=title, assets=assets, decor=decor, legend=legend, note=note,
        show_legend=show_legend,
    )
    return JourneyMap(page, nodes, edges, aggregated, note, legend)
