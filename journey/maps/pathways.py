"""The pathways map: the population's directly-follows graph between agencies.

Agencies are placed left to right by their typical order in journeys. The
order is the SpringRank potential of the flow graph: each transition A → B
pulls B one step to the right of A, weighted by its count, and the positions
that best satisfy all pulls (a small linear least-squares problem) put the
agencies that families meet first on the left. Agencies are then packed into
columns and ordered within each column by the mean height of their
neighbours further left, which keeps crossings down.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from journey.contract import require_columns
from journey.errors import InputError
from journey.maps.page import JourneyMap, base_options, new_network, render_page
from journey.maps.style import LegendItem, sector_colour, sector_legend
from journey.maps.text import plain_text, plural
from journey.taxonomy import Taxonomy, default_taxonomy

__all__ = ["pathways_map", "typical_order", "agency_layout"]

#: How an agency on no pathway shown is drawn: pale, so the map's shape stays but the eye skips it.
PALE = {"background": "#e4e7eb", "border": "#9aa5b1"}
NODE_FONT = 15
#: Below this size on screen (px) an agency's name is drawn by the map's script, not by vis.
NAME_PX = 9
COLUMN_GAP = 380
ROW_GAP = 150
_COLUMNS = ["from_agency", "to_agency", "transitions", "families", "median_days"]


def typical_order(flows: pd.DataFrame, agencies: list[str]) -> np.ndarray:
    """The SpringRank potential of each agency: higher means later in journeys.

    Solves ``min Σ w_ab (s_b - s_a - 1)² + α Σ s²`` over the flows
    ``from_agency → to_agency`` weighted by ``transitions``.

    Examples
    --------
    >>> flows = pd.DataFrame({"from_agency": ["A", "B"], "to_agency": ["B", "C"],
    ...                       "transitions": [10, 10]})
    >>> s = typical_order(flows, ["A", "B", "C"])
    >>> bool(s[0] < s[1] < s[2])
    True
    """
    index = {name: i for i, name in enumerate(agencies)}
    n = len(agencies)
    weights = np.zeros((n, n))
    if len(flows):
        np.add.at(
            weights,
            (flows["from_agency"].map(index).to_numpy(), flows["to_agency"].map(index).to_numpy()),
            flows["transitions"].to_numpy(dtype=float),
        )
    out_weight, in_weight = weights.sum(axis=1), weights.sum(axis=0)
    laplacian = np.diag(out_weight + in_weight) - weights - weights.T
    alpha = 1e-3 * max(float(weights.sum()) / max(n, 1), 1.0)
    return np.linalg.solve(laplacian + alpha * np.eye(n), in_weight - out_weight)


def agency_layout(flows: pd.DataFrame, agencies: list[str]) -> dict[str, tuple[float, float]]:
    """The position of every agency: columns by :func:`typical_order`, rows by earlier neighbours.

    Deterministic: the same flows and agencies always give the same positions,
    so one layout computed from the whole population places each agency at the
    same point on the map of every cohort. Self-transitions are ignored.

    Examples
    --------
    >>> flows = pd.DataFrame({"from_agency": ["A", "B"], "to_agency": ["B", "C"],
    ...                       "transitions": [10, 10]})
    >>> layout = agency_layout(flows, ["C", "B", "A", "D"])
    >>> layout["A"][0] < layout["C"][0], layout == agency_layout(flows, ["A", "B", "C", "D"])
    (True, True)
    """
    agencies = sorted(set(agencies), key=str)
    flows = flows[flows["from_agency"] != flows["to_agency"]]
    flows = flows[flows["from_agency"].isin(agencies) & flows["to_agency"].isin(agencies)]
    if not agencies:
        return {}
    potential = typical_order(flows, agencies)
    order = sorted(range(len(agencies)), key=lambda i: (potential[i], agencies[i]))
    columns = max(1, round(math.sqrt(len(agencies))))
    column_of = {agencies[i]: rank * columns // len(agencies) for rank, i in enumerate(order)}
    positions: dict[str, tuple[float, float]] = {}
    for column in range(columns):
        here = [agencies[i] for i in order if column_of[agencies[i]] == column]
        earlier = flows[flows["from_agency"].isin(positions) & flows["to_agency"].isin(here)]
        earlier = earlier.assign(
            wy=earlier["from_agency"].map(lambda a: positions[a][1]) * earlier["transitions"]
        )
        sums = earlier.groupby("to_agency")[["wy", "transitions"]].sum()
        centre = (sums["wy"] / sums["transitions"]).to_dict()
        here.sort(key=lambda a: (centre.get(a, 0.0), a))
        for k, agency in enumerate(here):
            positions[agency] = (column * COLUMN_GAP, (k - (len(here) - 1) / 2) * ROW_GAP)
    return positions


def _days(value, unit: str = "d") -> str:
    return "n/a" if value is None or pd.isna(value) else f"{round(float(value)):,}{unit}"


def _count(value) -> str:
    return "n/a" if value is None or pd.isna(value) else f"{int(value):,}"


def _agency_title(agency: str, sector: str, flows, loops, ends) -> str:
    outgoing = flows.loc[flows["from_agency"] == agency, "transitions"].sum()
    incoming = flows.loc[flows["to_agency"] == agency, "transitions"].sum()
    lines = [
        f"{plain_text(agency)} ({plain_text(sector)} sector)",
        f"Transitions in: {int(incoming):,} · out: {int(outgoing):,}",
    ]
    for loop in loops[loops["from_agency"] == agency].itertuples(index=False):
        lines.append(
            f"Next contact with {plain_text(agency)} again: {_count(loop.transitions)} "
            f"transitions, median {_days(loop.median_days)}"
        )
    if ends is not None:
        for row in ends[ends["agency"] == agency].itertuples(index=False):
            lines.append(
                f"Journeys starting here: {_count(row.starts)} · ending here: {_count(row.ends)}"
            )
    return "\n".join(lines)


def _placed(
    agencies: list, flows: pd.DataFrame, positions: Mapping[str, tuple[float, float]] | None
) -> tuple[list, Mapping[str, tuple[float, float]]]:
    """The agencies to draw and where: a layout of these, or every agency of the fixed one."""
    if positions is None:
        return agencies, agency_layout(flows, agencies)
    missing = sorted(set(agencies) - set(positions), key=str)
    if missing:
        raise InputError(f"positions: no position for {', '.join(map(str, missing[:5]))}")
    # Every agency of the layout is drawn, so maps drawn with one layout look alike.
    return sorted(positions, key=str), positions


def _add_agencies(net, agencies, positions, kept, ends, taxonomy: Taxonomy) -> dict[str, str]:
    """One node per agency (pale when on no pathway shown); agency -> node id."""
    loops = kept[kept["from_agency"] == kept["to_agency"]]
    flows = kept[kept["from_agency"] != kept["to_agency"]]
    volume = {a: 0.0 for a in agencies}
    for column in ("from_agency", "to_agency"):
        for agency, total in kept.groupby(column)["transitions"].sum().items():
            volume[agency] += float(total)
    largest_volume = max(volume.values(), default=0.0) or 1.0
    on_a_pathway = set(flows["from_agency"]) | set(flows["to_agency"])
    node_id = {}
    for i, agency in enumerate(agencies):
        sector = taxonomy.sector_of(agency)
        node_id[agency] = f"agency-{i}"
        x, y = positions[agency]
        tooltip = _agency_title(agency, sector, flows, loops, ends)
        if agency in on_a_pathway:
            colour, font_colour = {"background": sector_colour(sector), "border": "#1f2933"}, None
            size = round(10 + 20 * math.sqrt(volume[agency] / largest_volume), 1)
        else:
            colour, font_colour, size = dict(PALE), "#52606d", 8
            tooltip += "\nOn no pathway shown at this minimum"
        net.add_node(
            f"agency-{i}", label=plain_text(agency, limit=40), shape="dot", color=colour, size=size,
            font={"size": NODE_FONT, "strokeWidth": 4, "strokeColor": "#ffffff"}
            | ({"color": font_colour} if font_colour else {}),
            x=float(x), y=float(y), title=tooltip, kind="agency", agency=plain_text(agency),
            on_pathway=agency in on_a_pathway,
        )
    return node_id


def pathways_map(
    pathways: pd.DataFrame,
    *,
    min_transitions: int = 1,
    ends: pd.DataFrame | None = None,
    assets: str = "inline",
    title: str = "Typical pathways between agencies",
    taxonomy: Taxonomy | None = None,
    show_legend: bool | None = None,
    positions: Mapping[str, tuple[float, float]] | None = None,
) -> JourneyMap:
    """Draw the directly-follows graph between agencies.

    Parameters
    ----------
    pathways : DataFrame
        ``from_agency, to_agency, transitions, families, median_days``.
    min_transitions : int, default 1
        Pathways with fewer transitions are hidden.
    ends : DataFrame, optional
        ``agency, starts, ends``: how many journeys start and end with each agency,
        shown in its tooltip.
    assets, title, show_legend
        As for :func:`journey.maps.swimlane_map`.
    taxonomy : Taxonomy, optional
        Gives each agency's sector; the shipped taxonomy by default.
    positions : mapping of agency to (x, y), optional
        A fixed layout (:func:`agency_layout` of the whole population), so that
        maps of different cohorts can be compared. Every agency it places is
        drawn there; one on no pathway shown is drawn pale. Without it the
        layout is worked out from the pathways shown.

    Returns
    -------
    JourneyMap
        Self-transitions (A → A) are not drawn; they are in the agency's tooltip.

    Examples
    --------
    >>> flows = pd.DataFrame({"from_agency": ["Police", "School", "Police"],
    ...     "to_agency": ["School", "Police", "Police"], "transitions": [1204, 3, 50],
    ...     "families": [980, 3, 40], "median_days": [21.0, 5.0, 9.0]})
    >>> journey_map = pathways_map(flows, min_transitions=5)
    >>> [e["caption"] for e in journey_map.edges]
    ['1,204 · 21d']
    """
    taxonomy = taxonomy or default_taxonomy()
    require_columns(pathways, _COLUMNS, "pathways")
    if ends is not None:
        require_columns(ends, ["agency", "starts", "ends"], "ends")
    kept = pathways[pathways["transitions"].notna() & (pathways["transitions"] >= min_transitions)]
    flows = kept[kept["from_agency"] != kept["to_agency"]].reset_index(drop=True)
    names = set(kept["from_agency"]) | set(kept["to_agency"])
    if ends is not None:
        active = ends[(ends["starts"].fillna(0) > 0) | (ends["ends"].fillna(0) > 0)]
        names |= set(active["agency"])
    agencies, positions = _placed(sorted(names, key=str), flows, positions)
    net = new_network(directed=True)
    net.options = base_options(drag_nodes=True)
    net.options["edges"]["smooth"] = {"type": "curvedCW", "roundness": 0.15}
    net.options["edges"]["arrows"] = {"to": {"enabled": True, "scaleFactor": 0.6}}
    # vis scales the width with the transitions. Edge labels (``caption``) are drawn by the
    # map's own script, strongest first, only where they cover no node and no other label.
    net.options["edges"]["scaling"] = {"min": 1, "max": 10, "label": {"enabled": False}}
    # vis stops drawing an agency's name below 9 px (this threshold less one), where the
    # map's script draws it at a readable size instead.
    net.options["nodes"]["scaling"] = {"label": {"drawThreshold": NAME_PX + 1}}
    node_id = _add_agencies(net, agencies, positions, kept, ends, taxonomy)
    for k, flow in enumerate(flows.itertuples(index=False)):
        source, target = plain_text(flow.from_agency), plain_text(flow.to_agency)
        net.add_edge(
            node_id[flow.from_agency], node_id[flow.to_agency], id=f"flow-{k}",
            caption=f"{_count(flow.transitions)} · {_days(flow.median_days)}",
            value=float(flow.transitions),
            color={"color": sector_colour(taxonomy.sector_of(flow.from_agency)), "opacity": 0.6},
            title=f"{source} → {target}: {_count(flow.transitions)} transitions by "
            f"{_count(flow.families)} families; median {_days(flow.median_days, unit=' days')}",
        )
    # Pathways, as the page counts them: arrows between two agencies, repeats not included.
    between = pathways[pathways["from_agency"] != pathways["to_agency"]]
    hidden = int((between["transitions"].fillna(0) < min_transitions).sum())
    note = None
    if not agencies:
        note = f"No pathways with at least {plural(min_transitions, 'transition')}."
    elif hidden:
        note = (f"Showing pathways with at least {plural(min_transitions, 'transition')}; "
                f"{plural(hidden, 'smaller pathway')} hidden.")
    legend = sector_legend([taxonomy.sector_of(a) for a in agencies], taxonomy)
    legend += [
        LegendItem("Agency (size: transitions in and out)", "#FFFFFF", "dot", "node"),
        LegendItem("Families moving from one agency to the next (width: transitions; "
                   "label: transitions · median days)", "#8792a2", "line", "edge"),
    ]
    decor = {"edge_labels": True, "node_font": NODE_FONT, "name_px": NAME_PX}
    page, nodes, edges = render_page(net, title=title, assets=assets, decor=decor, legend=legend,
                                     note=note, show_legend=show_legend)
    return JourneyMap(page, nodes, edges, False, note, legend)
