"""The swimlane map's time axis: x positions of contact days, and the grid lines' labels.

The axis mixes calendar time with the order of contact days (half each), so a
burst of contacts in one month spreads out enough to read while long quiet
gaps still look long; it is monotone, so left is always earlier.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["DAY_STEP", "WEEK_STEP", "time_positions", "axis", "ticks", "day_ticks"]

DAY_STEP = 26  # width per distinct contact day, before clamping to the bounds below
WEEK_STEP = 36  # the same per distinct week when contacts are aggregated
MIN_WIDTH, MAX_WIDTH = 900, 8000


def time_positions(days: np.ndarray, width: float) -> np.ndarray:
    """x of each distinct day (sorted ascending): half calendar time, half day order.

    Examples
    --------
    >>> time_positions(np.array([0, 1, 100]), 200).tolist()
    [0.0, 51.0, 200.0]
    """
    if len(days) == 1:
        return np.zeros(1)
    span = max(days[-1] - days[0], 1)
    calendar = (days - days[0]) / span
    order = np.arange(len(days)) / (len(days) - 1)
    return width * (0.5 * calendar + 0.5 * order)


def axis(moments: pd.Series, step: float = DAY_STEP) -> tuple:
    """(distinct day numbers, their x, first day) for a series of times."""
    start = moments.min().normalize()
    day_numbers = (moments.dt.normalize() - start).dt.days.to_numpy()
    days = np.unique(day_numbers)
    width = float(np.clip(step * len(days), MIN_WIDTH, MAX_WIDTH))
    return days, time_positions(days, width), start


def ticks(start: pd.Timestamp, days: np.ndarray, xs: np.ndarray) -> list[dict]:
    """Grid lines: weeks and months for short journeys, months and years, or quarters and years."""
    end = start + pd.Timedelta(days=int(days[-1]))
    span = int(days[-1])
    if span <= 120:
        scheme = [("MS", True, "%b %Y"), ("W-MON", False, "%-d %b")]
    elif span <= 4 * 366:
        scheme = [("YS", True, "%Y"), ("MS", False, "%b")]
    else:
        scheme = [("YS", True, "%Y"), ("QS", False, "%b")]
    ticks = [{"x": 0.0, "label": f"{start.day} {start:%b %Y}", "major": True}]
    seen = {start}
    for freq, major, fmt in scheme:
        for moment in pd.date_range(start, end, freq=freq):
            if moment in seen:
                continue
            seen.add(moment)
            x = float(np.interp((moment - start).days, days, xs))
            ticks.append({"x": round(x, 1), "label": moment.strftime(fmt), "major": major})
    return ticks


def day_ticks(days: np.ndarray, xs: np.ndarray) -> list[dict]:
    """Grid lines labelled with days since the first contact (de-identified maps).

    Examples
    --------
    >>> [t["label"] for t in day_ticks(np.array([0, 10, 40]), np.array([0.0, 50.0, 100.0]))]
    ['day 0', 'day 7', 'day 14', 'day 21', 'day 28', 'day 35']
    """
    span = int(days[-1])
    step = next((s for s in (7, 30, 90, 365) if span <= 12 * s), 730)
    out = []
    for day in range(0, span + 1, step):
        x = float(np.interp(day, days, xs))
        out.append({"x": round(x, 1), "label": f"day {day:,}", "major": day % (step * 4) == 0})
    return out
