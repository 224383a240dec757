"""Static exports (PNG, SVG, PDF) drawn with matplotlib on an A4 landscape page.

* A family's journey is a swimlane: one lane per agency (in the order the
  family first met them), time across in days since the first contact,
  each contact a marker coloured by sector and shaped by contact type, the
  family's chain of contacts joining them. A journey longer than the model's
  detail limit is drawn aggregated: one marker per lane and week (or month,
  when the journey spans more than three years), its size and the number
  beside it the contacts it holds, so a journey of thousands stays readable.
* A cohort's pathways are its agencies in columns by their typical place in
  journeys (SpringRank, as the web map orders them), arrows as wide as
  their transitions.

Each page carries the title block (:func:`journey.exports.titles.title_lines`)
and a legend. No pyplot: figures are built directly, so nothing global is
touched but the SVG text setting, and only while a file is written.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch

from journey.exports.model import FamilyExport, PathwaysExport
from journey.exports.titles import title_lines
from journey.maps.pathways import typical_order
from journey.maps.style import (
    CONTACT_GROUPS,
    contact_group,
    sector_colour,
    sector_label,
)
from journey.taxonomy import Taxonomy, default_taxonomy

__all__ = ["A4_LANDSCAPE", "family_figure", "pathways_figure", "figure_bytes", "aggregation_step"]

A4_LANDSCAPE = (11.69, 8.27)  # inches
_MARKERS = {"triangle": "^", "star": "*", "diamond": "D", "dot": "o", "square": "s",
            "hexagon": "h"}  # fmt: skip
_GROUP_MARKER = {key: _MARKERS[shape] for key, _, shape in CONTACT_GROUPS}
_LABELS = {key: label for key, label, _ in CONTACT_GROUPS}
_INK = "#222222"
#: The most arrows a printed pathways map draws (the strongest): more is a hairball on paper.
MOST_ARROWS = 40
_FLAG = "#C00000"


def aggregation_step(span_days: int) -> tuple[int, str]:
    """The bin of an aggregated swimlane: a week, or a month beyond three years.

    Examples
    --------
    >>> aggregation_step(300), aggregation_step(2000)
    ((7, 'week'), (30, 'month'))
    """
    return (7, "week") if span_days <= 3 * 365 else (30, "month")


def _page(model: FamilyExport | PathwaysExport) -> Figure:
    figure = Figure(figsize=A4_LANDSCAPE, dpi=100)
    title, *rest = title_lines(model)
    figure.text(0.04, 0.965, title, fontsize=15, weight="bold", color=_INK, va="top")
    for k, line in enumerate(rest):
        figure.text(0.04, 0.925 - 0.024 * k, line, fontsize=8.5, color="#444444", va="top")
    return figure


def _lanes(contacts: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(contacts["agency"]))


def _sector_handles(sectors) -> list:
    return [Patch(facecolor=sector_colour(s), edgecolor=_INK, label=sector_label(s))
            for s in sorted(set(sectors))]  # fmt: skip


def _detail(axes, contacts: pd.DataFrame, lane_y: dict, taxonomy: Taxonomy) -> list:
    stack = contacts.groupby(["agency", "day"]).cumcount().to_numpy()
    ys = contacts["agency"].map(lane_y).to_numpy() + np.minimum(stack, 4) * 0.12
    xs = contacts["day"].to_numpy()
    axes.plot(xs, ys, color="#9A9A9A", linewidth=0.7, zorder=1)
    groups = contacts["contact_type"].map(lambda t: contact_group(t, taxonomy))
    for group, marker in _GROUP_MARKER.items():
        mask = (groups == group).to_numpy()
        if not mask.any():
            continue
        colours = [sector_colour(s) for s in contacts["sector"][mask]]
        edges = np.where(contacts["uncoordinated"].to_numpy()[mask], _FLAG, _INK)
        axes.scatter(xs[mask], ys[mask], s=70, marker=marker, c=colours, edgecolors=edges,
                     linewidths=np.where(edges == _FLAG, 1.8, 0.6), zorder=3)  # fmt: skip
    peak = contacts[contacts["peak"]]
    if len(peak):
        axes.axvspan(peak["day"].min() - 0.5, peak["day"].max() + 0.5, color="#FFE9A8",
                     zorder=0, label="Busiest window (peak)")  # fmt: skip
    used = [g for g in _GROUP_MARKER if (groups == g).any()]
    handles = [Line2D([], [], marker=_GROUP_MARKER[g], linestyle="", markerfacecolor="white",
                      markeredgecolor=_INK, markersize=8, label=_LABELS[g]) for g in used]
    if contacts["uncoordinated"].any():
        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white",
                              markeredgecolor=_FLAG, markeredgewidth=1.8, markersize=8,
                              label="Uncoordinated contact"))  # fmt: skip
    if len(peak):
        handles.append(Patch(facecolor="#FFE9A8", label="Busiest window (peak)"))
    return handles


def _aggregate(axes, contacts: pd.DataFrame, lane_y: dict) -> tuple[list, str]:
    span = int(contacts["day"].max()) if len(contacts) else 0
    step, unit = aggregation_step(span)
    bins = contacts.assign(bin=contacts["day"] // step).groupby(["agency", "bin"]).agg(
        contacts=("contact", "size"), sector=("sector", "first")).reset_index()
    largest = max(int(bins["contacts"].max()), 1)
    sizes = 20 + 380 * np.sqrt(bins["contacts"].to_numpy() / largest)
    xs = bins["bin"].to_numpy() * step + step / 2
    ys = bins["agency"].map(lane_y).to_numpy()
    axes.scatter(xs, ys, s=sizes, c=[sector_colour(s) for s in bins["sector"]],
                 edgecolors=_INK, linewidths=0.5, alpha=0.85, zorder=3)  # fmt: skip
    for x, y, n in zip(xs, ys, bins["contacts"], strict=True):
        if n >= max(3, largest / 2):
            axes.text(x, y + 0.32, str(int(n)), fontsize=6, ha="center", color=_INK)
    handles = [Line2D([], [], marker="o", linestyle="", markerfacecolor="white",
                      markeredgecolor=_INK, markersize=math.sqrt(20 + 380 * f) / 1.6,
                      label=_contacts_in(max(1, round(largest * f * f)), unit))
               for f in (0.25, 1.0)]  # fmt: skip
    peak = contacts[contacts["peak"]]
    if len(peak):
        axes.axvspan(peak["day"].min() - 0.5, peak["day"].max() + 0.5, color="#FFE9A8", zorder=0)
        handles.append(Patch(facecolor="#FFE9A8", label="Busiest window (peak)"))
    return handles, f"Aggregated: one marker per agency and {unit}, sized by its contacts."


def _contacts_in(count: int, unit: str) -> str:
    return f"{count} contact{'s' if count != 1 else ''} in a {unit}"


def family_figure(model: FamilyExport, *, taxonomy: Taxonomy | None = None) -> Figure:
    """The family's swimlane on one A4 landscape page (see the module)."""
    taxonomy = taxonomy or default_taxonomy()
    figure = _page(model)
    contacts = model.contacts
    lanes = _lanes(contacts)
    lane_y = {agency: float(len(lanes) - 1 - i) for i, agency in enumerate(lanes)}
    axes = figure.add_axes((0.2, 0.22, 0.76, 0.6))
    if contacts.empty:
        axes.text(0.5, 0.5, "No contacts to show.", ha="center", transform=axes.transAxes)
        handles, note = [], ""
    elif model.aggregated:
        handles, note = _aggregate(axes, contacts, lane_y)
    else:
        handles, note = _detail(axes, contacts, lane_y, taxonomy), ""
    for y in lane_y.values():
        axes.axhline(y, color="#E4E4E4", linewidth=0.8, zorder=0)
    axes.set_yticks(list(lane_y.values()), [_short(a) for a in lanes], fontsize=8)
    axes.set_ylim(-0.8, max(len(lanes) - 0.2, 0.8))
    axes.set_xlabel("Days since the first contact", fontsize=9)
    axes.tick_params(axis="x", labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    handles = _sector_handles(contacts["sector"]) + handles
    if handles:
        figure.legend(handles=handles, loc="lower center", ncol=min(5, len(handles)),
                      fontsize=7.5, frameon=False, bbox_to_anchor=(0.55, 0.01))  # fmt: skip
    if note:
        figure.text(0.2, 0.84, note, fontsize=8, style="italic", color="#444444")
    return figure


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _columns(flows: pd.DataFrame, agencies: list[str]) -> dict[str, tuple[float, float]]:
    potential = typical_order(flows, agencies) if agencies else np.array([])
    order = sorted(range(len(agencies)), key=lambda i: (potential[i], agencies[i]))
    columns = max(1, round(math.sqrt(len(agencies))))
    positions = {}
    for rank, i in enumerate(order):
        column = rank * columns // max(len(agencies), 1)
        positions[agencies[i]] = (float(column), 0.0)
    for column in range(columns):
        here = sorted(a for a, (c, _) in positions.items() if c == column)
        for k, agency in enumerate(here):
            positions[agency] = (float(column), (len(here) - 1) / 2 - k)
    return positions


def pathways_figure(model: PathwaysExport) -> Figure:
    """The cohort's pathways map on one A4 landscape page (see the module)."""
    figure = _page(model)
    axes = figure.add_axes((0.04, 0.14, 0.92, 0.7))
    axes.set_axis_off()
    between = model.flows[model.flows["from_agency"] != model.flows["to_agency"]]
    flows = between.nlargest(MOST_ARROWS, "transitions", keep="first")
    if len(between) > len(flows):
        figure.text(0.04, 0.84, f"The {len(flows)} strongest of {len(between)} pathways between "
                    "agencies (raise the minimum transitions to draw fewer).", fontsize=8,
                    style="italic", color="#444444")  # fmt: skip
    agencies = sorted(set(flows["from_agency"]) | set(flows["to_agency"]))
    if not agencies:
        axes.text(0.5, 0.5, "No pathways to show with these choices.", ha="center",
                  transform=axes.transAxes)  # fmt: skip
        return figure
    positions = _columns(flows, agencies)
    heaviest = max(int(flows["transitions"].max()), 1)
    for row in flows.itertuples(index=False):
        width = 0.6 + 5.4 * row.transitions / heaviest
        arrow = FancyArrowPatch(positions[row.from_agency], positions[row.to_agency],
                                arrowstyle="-|>", mutation_scale=10 + width * 2,
                                connectionstyle="arc3,rad=0.12", linewidth=width,
                                color="#5A6B7B", alpha=0.55, shrinkA=22, shrinkB=22, zorder=1)
        axes.add_patch(arrow)
    for agency, (x, y) in positions.items():
        sector = model.sectors.get(agency, "other")
        axes.scatter([x], [y], s=900, c=[sector_colour(sector)], edgecolors=_INK, zorder=3)
        axes.text(x, y - 0.22, _short(agency, 24), ha="center", va="top", fontsize=8, zorder=4,
                  bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1})
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    axes.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    axes.set_ylim(min(ys) - 0.8, max(ys) + 0.5)
    handles = _sector_handles(model.sectors.get(a, "other") for a in agencies)
    handles.append(Line2D([], [], color="#5A6B7B", linewidth=4,
                          label=f"Arrow width: transitions (widest {heaviest})"))  # fmt: skip
    figure.legend(handles=handles, loc="lower center", ncol=min(5, len(handles)), fontsize=7.5,
                  frameon=False, bbox_to_anchor=(0.5, 0.01))  # fmt: skip
    return figure


def figure_bytes(figure: Figure, fmt: str) -> bytes:
    """The figure as ``png`` (150 dpi), ``svg`` (text kept as text) or ``pdf`` (one page)."""
    buffer = io.BytesIO()
    options: dict = {"format": fmt, "facecolor": "white"}
    if fmt == "png":
        options["dpi"] = 150
    if fmt == "svg":
        options["metadata"] = {"Date": None}
    if fmt == "pdf":
        options["metadata"] = {"CreationDate": None}
    # SVG text stays <text> elements: searchable, and the legend readable by machines.
    with rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, **options)
    return buffer.getvalue()
