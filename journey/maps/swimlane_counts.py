"""The swimlane of a large journey: each lane a strip of weekly or monthly contact counts.

Above the aggregation threshold a journey has too many contacts to draw one
by one, so each agency's lane shows one square per week (or per month, when
the journey spans more than :data:`MAX_WEEK_COLUMNS` distinct weeks) that
holds contacts, sized by how many. The next-contact lines between squares are
built but hidden; the page has a switch to show them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from journey.maps.style import sector_colour
from journey.maps.text import DateText, plain_text, plural
from journey.maps.time_axis import WEEK_STEP, axis

__all__ = [
    "MAX_WEEK_COLUMNS",
    "PERIODS",
    "period_start",
    "choose_period",
    "period_counts",
    "add_count_nodes",
]

# More distinct weeks than this and the strip counts months: a 1280 px frame then keeps
# each column at least about 12 px wide.
MAX_WEEK_COLUMNS = 80
PERIODS = ("week", "month")


def period_start(moments: pd.Series, period: str) -> pd.Series:
    """The first day of each moment's week (Monday) or calendar month.

    Examples
    --------
    >>> days = pd.Series(pd.to_datetime(["2021-03-04 10:00", "2021-03-31 00:00"]))
    >>> [str(d.date()) for d in period_start(days, "week")]
    ['2021-03-01', '2021-03-29']
    >>> [str(d.date()) for d in period_start(days, "month")]
    ['2021-03-01', '2021-03-01']
    """
    day = moments.dt.normalize()
    if period == "week":
        return day - pd.to_timedelta(day.dt.dayofweek, unit="D")
    if period == "month":
        return day - pd.to_timedelta(day.dt.day - 1, unit="D")
    raise ValueError(f"a count strip counts by 'week' or 'month', not {period!r}")


def choose_period(journey: pd.DataFrame) -> str:
    """``"week"`` when the journey touches at most :data:`MAX_WEEK_COLUMNS` weeks, else month."""
    weeks = period_start(journey["occurred_at"], "week").nunique()
    return "week" if weeks <= MAX_WEEK_COLUMNS else "month"


def period_counts(
    journey: pd.DataFrame, period: str, marked: dict[str, set] | None = None
) -> pd.DataFrame:
    """One row per agency and period that holds contacts, in time order.

    Columns ``agency, period, sector, first, contacts, members, types`` and one
    count per entry of ``marked`` (name -> contact ids), e.g. how many of the
    cell's contacts were in the peak window.
    """
    keys = journey["contact_id"].astype(str)
    marked = marked or {}
    frame = journey.assign(
        period=period_start(journey["occurred_at"], period),
        **{name: keys.isin(ids) for name, ids in marked.items()},
    )
    cells = frame.groupby(["agency", "period"], sort=False).agg(
        sector=("sector", "first"), first=("occurred_at", "min"), contacts=("contact_id", "size"),
        **{name: (name, "sum") for name in marked},
    )
    members: dict[tuple, set] = {}
    for agency, start, people in zip(frame["agency"], frame["period"], frame["members"],
                                     strict=True):
        members.setdefault((agency, start), set()).update(people)
    types: dict[tuple, list] = {}
    counted = frame.groupby(["agency", "period", "contact_type"]).size().sort_values(
        ascending=False, kind="stable"
    )
    for (agency, start, contact_type), count in counted.items():
        types.setdefault((agency, start), []).append((contact_type, int(count)))
    cells["members"] = [sorted(members[key]) for key in cells.index]
    cells["types"] = [types[key][:4] for key in cells.index]
    cells = cells.reset_index().sort_values(["period", "first", "agency"], kind="stable")
    return cells.reset_index(drop=True)


def _heading(cell, period: str, dates: DateText) -> str:
    if period == "week":
        when = f"week of {dates.day(cell.period)}"
    elif dates.origin is None:
        when = f"{cell.period:%B %Y}"
    else:
        when = f"month from {dates.day(cell.period)}"
    return f"{plain_text(cell.agency)}, {when}: {plural(int(cell.contacts), 'contact')}"


def add_count_nodes(net, journey, lanes, marked, describe, dates: DateText) -> tuple:
    """Add one square per agency and period; return (period, axis, cells).

    ``marked`` maps ``peak``, ``uncoordinated`` and ``highlighted`` to contact
    ids; ``describe(cell, lines)`` appends the members line and returns the
    node's extra attributes (the caller's highlighting).
    """
    period = choose_period(journey)
    cells = period_counts(journey, period, marked)
    lane_y = dict(zip(lanes["agency"], lanes["y"], strict=True))
    days, xs, start = axis(cells["period"], WEEK_STEP)
    x = np.interp((cells["period"] - start).dt.days.to_numpy(), days, xs)
    largest = int(cells["contacts"].max())
    for i, cell in enumerate(cells.itertuples(index=False)):
        types = ", ".join(f"{plain_text(str(t).replace('_', ' '))} ×{n}" for t, n in cell.types)
        lines = [_heading(cell, period, dates), f"Types: {types}"]
        node = {
            "color": {"background": sector_colour(cell.sector), "border": "#1f2933"},
            "size": round(4 + 10 * (int(cell.contacts) / largest) ** 0.5, 1), "borderWidth": 1,
            "x": round(float(x[i]), 1), "y": float(lane_y[cell.agency]),
            "kind": "count", "period": period, "period_start": dates.day(cell.period),
            "contacts": int(cell.contacts),
            "members": [plain_text(m, limit=40) for m in cell.members],
            **describe(cell, lines),
        }
        node["title"] = "\n".join(lines)
        net.add_node(f"count-{i}", label=" ", shape="square", **node)
        if i:
            gap = int((cell.period - cells["period"].iloc[i - 1]).days)
            net.add_edge(f"count-{i - 1}", f"count-{i}", id=f"step-{i - 1}", hidden=True,
                         title=f"Next: {_gap_words(gap, period)}")
    return period, (days, xs, start), cells


def _gap_words(days: int, period: str) -> str:
    if period == "week":
        weeks = days // 7
        return "the same week" if weeks == 0 else plural(weeks, "week") + " later"
    months = round(days / 30.44)
    return "the same month" if months == 0 else plural(months, "month") + " later"
