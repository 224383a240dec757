"""Geometry for server-rendered inline SVG charts (no JavaScript chart library, nothing fetched).

The template draws the shapes; this module only computes where they go, so
every label still passes through Jinja's autoescaping.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Bar", "Tick", "BarChart", "bar_chart", "nice_step"]


@dataclass(frozen=True)
class Bar:
    """One bar: its box in SVG units, its label and value."""

    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True)
class Tick:
    """An axis tick: its position in SVG units and its label."""

    position: float
    label: str


@dataclass(frozen=True)
class BarChart:
    """A bar chart's bars, axis ticks and size (``width`` x ``height`` SVG units)."""

    width: int
    height: int
    left: int
    bottom: int
    bars: tuple[Bar, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    maximum: int


def nice_step(maximum: float, *, ticks: int = 4) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving about ``ticks`` gridlines.

    Examples
    --------
    >>> nice_step(1234)
    500
    >>> nice_step(7)
    2
    >>> nice_step(0)
    1
    """
    if maximum <= 0:
        return 1
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return max(1, int(factor * power))
    return max(1, int(10 * power))  # pragma: no cover - the loop always returns


def bar_chart(
    rows: Sequence[dict],
    *,
    label: str = "month",
    value: str = "contacts",
    width: int = 760,
    height: int = 220,
) -> BarChart:
    """Lay out one bar per row; x labels show each January (or every row when there are few).

    Parameters
    ----------
    rows : sequence of dict
        Each with a ``label`` key ('YYYY-MM' months) and a numeric ``value`` key.
    label, value : str, default "month", "contacts"
        The keys to read.
    width, height : int, default 760, 220
        The chart's size in SVG units (it scales to its container).

    Examples
    --------
    >>> rows = [{"month": "2021-01", "contacts": 4}, {"month": "2021-02", "contacts": 2}]
    >>> chart = bar_chart(rows)
    >>> [(b.label, b.value) for b in chart.bars], chart.bars[0].height == 2 * chart.bars[1].height
    ([('2021-01', 4), ('2021-02', 2)], True)
    """
    left, bottom, top, right = 48, 28, 8, 8
    plot_width, plot_height = width - left - right, height - top - bottom
    values = [int(r[value]) for r in rows]
    step = nice_step(max(values, default=0))
    top_value = max(step, math.ceil(max(values, default=0) / step) * step)
    slot = plot_width / max(len(rows), 1)
    gap = min(2.0, slot * 0.2)
    bars = []
    for i, (row, amount) in enumerate(zip(rows, values, strict=True)):
        bar_height = plot_height * amount / top_value
        # Few months would make slabs; cap the width and centre the bar in its slot.
        bar_width = min(max(slot - gap, 0.5), 48.0)
        bars.append(
            Bar(
                x=round(left + i * slot + (slot - bar_width) / 2, 2),
                y=round(top + plot_height - bar_height, 2),
                width=round(bar_width, 2),
                height=round(bar_height, 2),
                label=str(row[label]),
                value=amount,
            )
        )
    y_ticks = tuple(
        Tick(round(top + plot_height - plot_height * v / top_value, 2), f"{v:,}")
        for v in range(0, top_value + 1, step)
    )
    few = len(rows) <= 12
    x_ticks = tuple(
        Tick(round(b.x + b.width / 2, 2), b.label if few else b.label[:4])
        for b in bars
        if few or b.label.endswith("-01")
    )
    return BarChart(width, height, left, bottom, tuple(bars), y_ticks, x_ticks, top_value)
