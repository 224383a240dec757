"""What the swimlane marks besides contacts: members' ages, birthdays, and shaded windows.

Ages follow :mod:`journey.members`: whole years from the first day of the
birth month (only the month of birth is held), so a member born ``2008-05``
is 12 on 2021-04-30 and 13 from 2021-05-01, which is also the date of their
13th birthday as the map marks it. Members without a valid birth month have
no age and no birthday (de-identified rows keep only the year, so the
de-identified map shows neither).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from journey.maps.style import LegendItem
from journey.maps.text import DateText, plain_text

__all__ = [
    "MapWindow",
    "WINDOW_COLOURS",
    "BIRTHDAY_COLOUR",
    "ages_on",
    "birth_index",
    "member_ages",
    "member_choices",
    "member_words",
    "members_line",
    "roles_of",
    "birthdays",
    "birthday_lines",
    "ordinal",
    "window_bands",
    "marks_legend",
]

MAX_MEMBERS_LISTED = 12  # a tooltip names this many members, then "and N more"
# Shades of the two windows (the page's script fills with these at 0.2 opacity).
WINDOW_COLOURS = {"threshold": "#0072B2", "busiest": "#E69F00"}
BIRTHDAY_COLOUR = "#7B3294"


@dataclass(frozen=True)
class MapWindow:
    """A period the swimlane shades, named for what it is.

    ``kind`` is ``"threshold"`` (the window that met the high-contact threshold)
    or ``"busiest"`` (the window with most contacts); ``label`` is the legend's
    words for it, e.g. "Busiest window: 40 contacts with 4 agencies (below the
    threshold of 5 agencies)".
    """

    kind: str
    label: str
    start: pd.Timestamp
    end: pd.Timestamp

    def __post_init__(self) -> None:
        if self.kind not in WINDOW_COLOURS:
            raise ValueError(f"a map window is 'threshold' or 'busiest', not {self.kind!r}")


_BIRTH_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def ordinal(number: int) -> str:
    """``13`` -> ``"13th"``, ``21`` -> ``"21st"``.

    Examples
    --------
    >>> [ordinal(n) for n in (1, 2, 3, 11, 13, 21, 22)]
    ['1st', '2nd', '3rd', '11th', '13th', '21st', '22nd']
    """
    teens = 10 <= number % 100 <= 20
    suffix = "th" if teens else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def roles_of(people: pd.DataFrame | None) -> dict[str, str]:
    """person id -> role, for the people rows that have one."""
    if people is None or people.empty or "role" not in people:
        return {}
    known = people[people["role"].notna()]
    return dict(zip(known["person_id"].astype(str), known["role"].astype(str), strict=True))


def member_words(member: str, roles: dict[str, str], ages: dict[str, int]) -> str:
    """"P3 (child, aged 12)": a member with their role and age, when known."""
    about = [plain_text(roles[member], limit=20)] if member in roles else []
    if member in ages:
        about.append(f"aged {ages[member]}")
    return plain_text(member, limit=40) + (f" ({', '.join(about)})" if about else "")


def members_line(members: list[str], roles: dict[str, str], ages: dict[str, int]) -> str:
    """"Members involved (2): P1 (parent, aged 41), P3 (child, aged 12)"."""
    shown = [member_words(m, roles, ages) for m in members[:MAX_MEMBERS_LISTED]]
    more = len(members) - MAX_MEMBERS_LISTED
    tail = f" and {more} more" if more > 0 else ""
    return f"Members involved ({len(members)}): " + ", ".join(shown) + tail


def member_choices(journey: pd.DataFrame, roles: dict[str, str]) -> list[dict]:
    """The member filter's choices: every member involved in a contact, in id order."""
    involved = sorted({m for members in journey["members"] for m in members})
    if len(involved) < 2:
        return []
    return [{"id": plain_text(m, limit=40), "label": member_words(m, roles, {})}
            for m in involved]


def birth_index(people: pd.DataFrame | None) -> dict[str, int]:
    """person id -> the first day of the birth month, as months since year 0.

    Examples
    --------
    >>> birth_index(pd.DataFrame({"person_id": ["a", "b"], "birth_month": ["2008-05", "2008"]}))
    {'a': 24100}
    """
    if people is None or people.empty or "birth_month" not in people:
        return {}
    out = {}
    for person, month in zip(people["person_id"], people["birth_month"], strict=True):
        found = _BIRTH_MONTH.fullmatch(str(month).strip()) if isinstance(month, str) else None
        if found:
            out[str(person)] = int(found[1]) * 12 + int(found[2]) - 1
    return out


def ages_on(members: Iterable[str], moment: pd.Timestamp, born: dict[str, int]) -> dict[str, int]:
    """Each member's age in whole years on ``moment`` (members with a birth month in ``born``).

    Examples
    --------
    >>> ages_on(["kid", "mum"], pd.Timestamp("2021-05-01"), {"kid": 2008 * 12 + 4})
    {'kid': 13}
    """
    month = moment.year * 12 + moment.month - 1
    return {m: (month - born[m]) // 12 for m in members if m in born}


def member_ages(journey: pd.DataFrame, people: pd.DataFrame | None) -> list[dict[str, int]]:
    """For each journey row (contact), each involved member's age in whole years then.

    Examples
    --------
    >>> journey = pd.DataFrame({"members": [["kid", "mum"], ["kid"]],
    ...     "occurred_at": pd.to_datetime(["2021-04-30", "2021-05-01"])})
    >>> people = pd.DataFrame({"person_id": ["kid", "mum"], "birth_month": ["2008-05", None]})
    >>> member_ages(journey, people)
    [{'kid': 12}, {'kid': 13}]
    """
    born = birth_index(people)
    if not born:
        return [{} for _ in range(len(journey))]
    when = journey["occurred_at"]
    months = (when.dt.year * 12 + when.dt.month - 1).to_numpy()
    return [
        {m: int((month - born[m]) // 12) for m in members if m in born}
        for members, month in zip(journey["members"], months, strict=True)
    ]


def birthdays(
    people: pd.DataFrame | None, by_age: int, first: pd.Timestamp, last: pd.Timestamp
) -> list[tuple[str, pd.Timestamp]]:
    """(person id, ``by_age``-th birthday) of members whose birthday falls within the journey.

    Examples
    --------
    >>> people = pd.DataFrame({"person_id": ["kid", "mum"], "birth_month": ["2008-05", "1980-01"]})
    >>> birthdays(people, 13, pd.Timestamp("2020-01-01"), pd.Timestamp("2022-01-01"))
    [('kid', Timestamp('2021-05-01 00:00:00'))]
    """
    out = []
    for person, month in sorted(birth_index(people).items()):
        day = pd.Timestamp(year=(month + 12 * by_age) // 12, month=month % 12 + 1, day=1)
        if first.normalize() <= day <= last:
            out.append((person, day))
    return out


def _x(moment: pd.Timestamp, start: pd.Timestamp, days: np.ndarray, xs: np.ndarray) -> float:
    return round(float(np.interp((moment - start) / pd.Timedelta(days=1), days, xs)), 1)


def window_bands(windows: Iterable[MapWindow], axis: tuple, dates: DateText) -> list[dict]:
    """The shaded periods for the page's script: x range, kind, colour and label."""
    days, xs, start = axis
    bands = []
    for window in windows:
        if pd.isna(window.start) or pd.isna(window.end):
            continue  # a window the analysis could not date is not drawn
        bands.append({
            "x0": _x(window.start, start, days, xs), "x1": _x(window.end, start, days, xs),
            "kind": window.kind, "colour": WINDOW_COLOURS[window.kind],
            "label": plain_text(window.label, limit=160),
            "dates": f"{dates.day(window.start)} to {dates.day(window.end)}",
        })
    return bands


def birthday_lines(
    people: pd.DataFrame | None, by_age: int, journey: pd.DataFrame, axis: tuple, dates: DateText
) -> list[dict]:
    """Vertical lines at members' ``by_age``-th birthdays, for the page's script.

    ``agencies`` lists the agencies of the member's own contacts: the page draws
    the line strongly across those lanes and faintly across the others.
    """
    days, xs, start = axis
    lines = []
    for person, day in birthdays(people, by_age, journey["occurred_at"].min(),
                                 journey["occurred_at"].max()):
        own = journey["members"].map(lambda members, p=person: p in members)
        agencies = sorted(plain_text(a, limit=40) for a in journey.loc[own, "agency"].unique())
        lines.append({
            "x": _x(day, start, days, xs), "person": plain_text(person, limit=40),
            "agencies": agencies,
            "label": f"{plain_text(person, limit=40)}'s {ordinal(by_age)} birthday "
                     f"({dates.day(day)})",
        })
    return lines


def marks_legend(bands: list[dict], lines: list[dict], by_age: int) -> list[LegendItem]:
    """Legend lines for the shaded windows and the birthday lines actually drawn."""
    legend = [
        LegendItem(f"{band['label']}, {band['dates']} (shaded)", band["colour"], "band",
                   "highlight")
        for band in bands
    ]
    if lines:
        legend.append(LegendItem(f"A member's {ordinal(by_age)} birthday (dashed line)",
                                 BIRTHDAY_COLOUR, "line", "highlight"))
    return legend
