"""The morning triage list: last night's incidents, one row per family, highest priority first.

As in a daily domestic-abuse triage meeting, every contact of the chosen
types (default ``domestic_incident``) from ``since`` up to ``until`` is
gathered per family, with what the meeting needs to decide who responds
(docs/operations.md#the-morning-triage-list): previous incidents of those
types in the 12 months before the first of them, the children in the
household and their ages, the agencies in contact in the 30 days before,
the open lead professional and team, high-contact and eligibility status,
MARAC and child-protection history, and the agency best placed to respond
(rank 1 of :func:`journey.intervention.family_intervention_points`, with its
reasons). Its priority is a stated sum (:data:`PRIORITY_WEIGHTS`)::

    priority = 2 × previous incidents (at most 5) + 1 × further incidents in the list
             + 3 × children present + 1 × a child under 5
             + 3 × escalated in the last 12 months + 2 × MARAC or child-protection history
             + 1 × no lead professional now + 1 × high-contact

Ties go to the family whose latest listed contact is latest, then by family id.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from journey.contract import require_columns
from journey.errors import ParameterError
from journey.intervention import family_intervention_points
from journey.members import age_in_years
from journey.taxonomy import Taxonomy

__all__ = [
    "TRIAGE_COLUMNS",
    "PRIORITY_WEIGHTS",
    "PRIORITY_FACTORS",
    "HISTORY_TYPES",
    "DEFAULT_TYPES",
    "default_since",
    "meeting_day",
    "triage",
]

DEFAULT_TYPES = ("domestic_incident",)
#: Contact types that make up a MARAC or child-protection history.
HISTORY_TYPES = frozenset(
    {"marac", "child_protection_conference", "child_protection_plan", "section_47_enquiry"}
)
#: Factor -> (weight, what it counts, its cap). The page and docs state these.
PRIORITY_WEIGHTS: dict[str, tuple[int, str, int]] = {
    "previous_incidents": (2, "each previous incident of these types in 12 months", 5),
    "further_incidents": (1, "each listed incident after the first", 5),
    "children": (3, "children in the household", 1),
    "under_five": (1, "a child under 5", 1),
    "escalated_last_year": (3, "escalated (children's social care) in the last 12 months", 1),
    "marac_or_cp_history": (2, "a MARAC or child-protection history", 1),
    "no_lead_now": (1, "no lead professional now", 1),
    "high_contact": (1, "a high-contact family", 1),
}
PRIORITY_FACTORS = list(PRIORITY_WEIGHTS)
_LABELS = {
    "previous_incidents": "previous incidents", "further_incidents": "further incidents",
    "children": "children", "under_five": "child under 5", "escalated_last_year": "escalated",
    "marac_or_cp_history": "MARAC/CP history", "no_lead_now": "no lead professional",
    "high_contact": "high-contact",
}  # fmt: skip
TRIAGE_COLUMNS = [
    "family_id", "contacts", "first_at", "last_at", "contact_ids", "listed_agencies",
    "previous_incidents", "children", "child_ages", "agencies_30_days", "lead_worker",
    "lead_team", "high_contact", "eligible", "marac_history", "child_protection_history",
    "escalated_last_year", "priority", "priority_factors", "best_agency", "best_agency_reason",
]  # fmt: skip
_YEAR, _MONTH = pd.Timedelta(days=365), pd.Timedelta(days=30)


def _working_day_before(day: pd.Timestamp) -> pd.Timestamp:
    day = day - pd.Timedelta(days=1)
    while day.dayofweek >= 5:
        day -= pd.Timedelta(days=1)
    return day


def default_since(now: pd.Timestamp) -> pd.Timestamp:
    """08:00 on the working day before ``now``'s day (Saturday and Sunday are not working days).

    Examples
    --------
    >>> str(default_since(pd.Timestamp("2024-03-04 07:30")))  # a Monday: from Friday
    '2024-03-01 08:00:00'
    >>> str(default_since(pd.Timestamp("2024-03-06 09:00")))
    '2024-03-05 08:00:00'
    """
    return _working_day_before(now.normalize()) + pd.Timedelta(hours=8)


def meeting_day(last: pd.Timestamp) -> pd.Timestamp:
    """The first working day whose 08:00 meeting comes after ``last``: the one to discuss it.

    Examples
    --------
    >>> str(meeting_day(pd.Timestamp("2024-03-01 23:00")).date())  # Friday night: Monday
    '2024-03-04'
    >>> str(meeting_day(pd.Timestamp("2024-03-05 00:30")).date())  # before Tuesday's 08:00
    '2024-03-05'
    """
    day = last.normalize()
    if day.dayofweek < 5 and last < day + pd.Timedelta(hours=8):
        return day
    day += pd.Timedelta(days=1)
    while day.dayofweek >= 5:
        day += pd.Timedelta(days=1)
    return day


@dataclass(frozen=True)
class _Family:
    """One family's frames, cut to what happened before or at its listed contacts."""

    listed: pd.DataFrame
    history: pd.DataFrame
    people: pd.DataFrame
    periods: pd.DataFrame
    summary: pd.Series | None


def _children(people: pd.DataFrame, at: pd.Timestamp) -> list[int | None]:
    """Ages at ``at`` of the household's children (role child, or under 18), youngest first."""
    ages = age_in_years(people["birth_month"], at) if len(people) else pd.Series(dtype="Int64")
    role = people["role"].astype("string").str.lower() if len(people) else pd.Series(dtype=str)
    child = (role == "child").fillna(False) | (ages < 18).fillna(False)
    found = [None if pd.isna(a) else int(a) for a in ages[child]]
    return sorted(found, key=lambda a: (a is None, a))


def _open_period(periods: pd.DataFrame, at: pd.Timestamp) -> pd.Series | None:
    day = at.normalize()
    on = periods[(periods["lead_from"] <= at) & (periods["lead_to"].isna()
                                                 | (periods["lead_to"] >= day))]  # fmt: skip
    return None if on.empty else on.sort_values("lead_from").iloc[-1]


def _score(factors: dict[str, int]) -> tuple[int, str]:
    """The priority and its sum written out, e.g. ``previous incidents 2×2 + children 3``."""
    parts, total = [], 0
    for name, count in factors.items():
        weight, _, cap = PRIORITY_WEIGHTS[name]
        counted = min(count, cap)
        if counted:
            total += weight * counted
            label = _LABELS[name]
            parts.append(f"{label} {weight}×{counted}" if cap > 1 else f"{label} {weight}")
    return total, " + ".join(parts) or "none"


def _flag(summary: pd.Series | None, column: str) -> bool:
    value = None if summary is None else summary.get(column)
    return bool(value) if value is not None and not pd.isna(value) else False


def _best_agency(family: _Family) -> tuple[str | None, str | None]:
    summary = family.summary

    def when(column: str) -> pd.Timestamp | None:
        value = None if summary is None else summary.get(column)
        return None if value is None or pd.isna(value) else pd.Timestamp(value)

    points = family_intervention_points(
        family.history, family.people, family.periods, threshold_date=when("first_crossed"),
        eligibility_date=when("first_eligible"), as_of=family.listed["occurred_at"].max(),
    )  # fmt: skip
    if points.agencies.empty:
        return None, None
    best = points.agencies.iloc[0]
    return str(best["agency"]), str(best["reasons"])


def _row(family_id: str, family: _Family, types: frozenset[str], taxonomy: Taxonomy) -> dict:
    listed, history = family.listed, family.history
    first, last = listed["occurred_at"].min(), listed["occurred_at"].max()
    before = history[history["occurred_at"] < first].drop_duplicates("contact_id")
    year = before[before["occurred_at"] >= first - _YEAR]
    previous = int(year["contact_type"].isin(types).sum())
    escalated = bool(len(year)) and bool(taxonomy.is_escalation(year).any())
    ages = _children(family.people, last)
    lead = _open_period(family.periods, last)
    high, eligible = _flag(family.summary, "high_contact"), _flag(family.summary, "eligible")
    marac = int((before["contact_type"] == "marac").sum())
    child_protection = int(before["contact_type"].isin(HISTORY_TYPES - {"marac"}).sum())
    once = listed.drop_duplicates("contact_id")
    factors = {
        "previous_incidents": previous,
        "further_incidents": len(once) - 1,
        "children": int(bool(ages)),
        "under_five": int(any(a is not None and a < 5 for a in ages)),
        "escalated_last_year": int(escalated),
        "marac_or_cp_history": int(bool(marac or child_protection)),
        "no_lead_now": int(lead is None),
        "high_contact": int(high),
    }
    priority, written = _score(factors)
    best, reason = _best_agency(family)
    recent = before[before["occurred_at"] >= first - _MONTH]
    return {
        "family_id": family_id, "contacts": len(once), "first_at": first, "last_at": last,
        "contact_ids": ";".join(once["contact_id"]),
        "listed_agencies": "; ".join(sorted(set(once["agency"]))),
        "previous_incidents": previous, "children": len(ages),
        "child_ages": ", ".join("age unknown" if a is None else str(a) for a in ages),
        "agencies_30_days": "; ".join(sorted(set(recent["agency"]))),
        "lead_worker": None if lead is None else lead.get("lead_worker"),
        "lead_team": None if lead is None else lead.get("lead_team"),
        "high_contact": high, "eligible": eligible, "marac_history": marac,
        "child_protection_history": child_protection, "escalated_last_year": escalated,
        "priority": priority, "priority_factors": written,
        "best_agency": best, "best_agency_reason": reason,
    }  # fmt: skip


def triage(
    contacts: pd.DataFrame,
    people: pd.DataFrame,
    lead_periods: pd.DataFrame,
    family_summary: pd.DataFrame | None,
    *,
    since: pd.Timestamp,
    until: pd.Timestamp | None = None,
    types: tuple[str, ...] = DEFAULT_TYPES,
    taxonomy: Taxonomy,
) -> pd.DataFrame:
    """The triage list: one row per family with a contact of ``types`` in ``[since, until)``.

    Parameters
    ----------
    contacts : DataFrame
        Every contact row of (at least) the families concerned, with ``sector``.
    people, lead_periods : DataFrame
        Contract people (``role, birth_month``) and lead periods (``lead_worker``,
        ``lead_team`` optional).
    family_summary : DataFrame, optional
        The stored families table (``high_contact, eligible, first_crossed,
        first_eligible``); without it those read as False and unknown.
    since, until : Timestamp
        The listed contacts are those at or after ``since`` and before ``until``
        (default: no end). Contacts after a family's last listed one are never read.
    types : tuple of str
        The contact types listed.
    taxonomy : Taxonomy
        Defines escalation.

    Returns
    -------
    DataFrame
        Columns :data:`TRIAGE_COLUMNS`, highest priority first.
    """
    require_columns(contacts, ["contact_id", "person_id", "family_id", "agency", "sector",
                               "contact_type", "occurred_at"])  # fmt: skip
    if until is not None and until <= since:
        raise ParameterError(f"until ({until}) must be after since ({since})")
    wanted = frozenset(types)
    in_window = (contacts["occurred_at"] >= since) & contacts["contact_type"].isin(wanted)
    if until is not None:
        in_window &= contacts["occurred_at"] < until
    listed = contacts[in_window]
    summaries = (None if family_summary is None or family_summary.empty
                 else family_summary.set_index("family_id"))  # fmt: skip
    rows = []
    for family_id, mine in listed.groupby("family_id", sort=True):
        last = mine["occurred_at"].max()
        family = _Family(
            listed=mine,
            history=contacts[(contacts["family_id"] == family_id)
                             & (contacts["occurred_at"] <= last)],
            people=people[people["family_id"] == family_id],
            periods=lead_periods[lead_periods["family_id"] == family_id],
            summary=(summaries.loc[family_id] if summaries is not None
                     and family_id in summaries.index else None),
        )  # fmt: skip
        rows.append(_row(str(family_id), family, wanted, taxonomy))
    frame = pd.DataFrame(rows, columns=TRIAGE_COLUMNS)
    if frame.empty:
        return frame
    return frame.sort_values(["priority", "last_at", "family_id"],
                             ascending=[False, False, True]).reset_index(drop=True)
