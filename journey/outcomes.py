"""Outcomes: each family's outcome plan evaluated over its journey, around each lead professional.

Definitions (docs/analyses.md#outcomes), with A the anchor (the start of a
lead-professional period), ``m`` an outcome's months, ``lag`` its lag months,
``s`` the plan's sustain months and every month a calendar month:

* the family's contacts are counted once each (distinct contact ids of the
  family); a contact *matches* an outcome when its sector, agency and contact
  type are in the outcome's lists (an empty list matches any);
* *identified indicators*: the indicators (of the plan's indicator set) that
  the family's contacts evidence in the 12 months before A, ``[A - 12, A)``;
  an outcome *applies* when its indicator is identified;
* ``before`` counts matching contacts in ``[A - m, A)``, ``after`` in
  ``[A + lag, A + lag + m)``, ``next`` in ``[A + lag + m, A + lag + m + s)``;
* ``none`` is met when after = 0, ``reduction`` when before >= 1 and
  after <= (1 - at_least) x before, ``at_most`` when after <= at_most; and only
  once the after window has ended by ``as_of`` (the last contact in the data):
  before then the result is not yet due;
* a met outcome is *sustained* when the rule also holds for ``next`` (for
  ``reduction`` against before x s / m) and that window has ended by ``as_of``;
  ``sustained_on`` is the day that window ends;
* a period *meets its plan* when at least one outcome applies and every one
  that applies is met and sustained; ``plan_met_on`` is the latest
  ``sustained_on`` of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from journey.contract import empty_frame, require_columns
from journey.event_log import PreparedContacts
from journey.outcome_plan import Outcome, OutcomePlan, check_plan, default_plan
from journey.taxonomy import Taxonomy, default_taxonomy

__all__ = [
    "OutcomeResult",
    "OUTCOME_COLUMNS",
    "PERIOD_COLUMNS",
    "INDICATOR_MONTHS",
    "add_months",
    "distinct_contacts",
    "evaluate_outcomes",
    "evaluate_distinct",
]

#: Identified indicators are those evidenced in this many months before the anchor.
INDICATOR_MONTHS = 12
_TOLERANCE = 1e-9  # (1 - 0.6) x 5 is 2.0000000000000004 in floating point
_TIME = "datetime64[ns]"
_OUTCOME_SPEC = {
    "family_id": "object", "lead_from": _TIME, "lead_to": _TIME, "outcome": "object",
    "indicator": "object", "rule": "object", "before": "int64", "after": "int64",
    "change": "int64", "change_pct": "float64", "met": "bool", "sustained": "bool",
    "sustained_on": _TIME, "due": "bool", "before_from": _TIME, "after_from": _TIME,
    "after_to": _TIME, "next_count": "int64", "evidence": "object",
}  # fmt: skip
_PERIOD_SPEC = {
    "family_id": "object", "lead_from": _TIME, "lead_to": _TIME, "indicators": "object",
    "outcomes": "int64", "met": "int64", "sustained": "int64", "meets_plan": "bool",
    "plan_met_on": _TIME, "indicator_evidence": "object",
}  # fmt: skip
OUTCOME_COLUMNS = list(_OUTCOME_SPEC)
PERIOD_COLUMNS = list(_PERIOD_SPEC)
_CONTACT_COLUMNS = ["family_id", "contact_id", "occurred_at", "agency", "sector", "contact_type"]


@dataclass(frozen=True, eq=False)
class OutcomeResult:
    """The plan evaluated: one row per (family, period, applicable outcome), one per period.

    Attributes
    ----------
    outcomes : DataFrame
        Columns :data:`OUTCOME_COLUMNS`, sorted by family, lead_from, plan order.
    periods : DataFrame
        Columns :data:`PERIOD_COLUMNS`, one row per lead-professional period.
    plan : OutcomePlan
    as_of : Timestamp or None
        The last contact time: windows must end by it to count.
    """

    outcomes: pd.DataFrame
    periods: pd.DataFrame
    plan: OutcomePlan
    as_of: pd.Timestamp | None


def add_months(times: pd.Series, months: int) -> pd.Series:
    """Each time moved by whole calendar months; a day past the month's end becomes its last.

    Examples
    --------
    >>> times = pd.Series(pd.to_datetime(["2021-01-31 00:00", "2021-03-15 10:00"]))
    >>> add_months(times, 1).dt.strftime("%Y-%m-%d %H:%M").tolist()
    ['2021-02-28 00:00', '2021-04-15 10:00']
    >>> add_months(times, -12).dt.strftime("%Y-%m-%d").tolist()
    ['2020-01-31', '2020-03-15']
    """
    values = times.to_numpy(dtype=_TIME)
    month = values.astype("datetime64[M]")
    within = values - month.astype(_TIME)
    target = month + np.timedelta64(months, "M")
    length = (target + np.timedelta64(1, "M")).astype(_TIME) - target.astype(_TIME)
    day = np.timedelta64(1, "D").astype("timedelta64[ns]")
    last_day = length - day
    days = (within // day) * day
    clipped = np.minimum(days, last_day) + (within - days)
    shifted = target.astype(_TIME) + clipped
    return pd.Series(np.where(np.isnat(values), np.datetime64("NaT"), shifted).astype(_TIME),
                     index=times.index)


def distinct_contacts(contacts: pd.DataFrame | PreparedContacts) -> pd.DataFrame:
    """Each family's contacts once, in journey order (time, then contact id).

    ``contacts`` has one row per (contact, person); the rows of one contact
    agree on everything but the person, so any row order gives the same frame.
    Given :class:`~journey.event_log.PreparedContacts`, its family journeys
    (already sorted, each contact once) are reused instead of sorting again.
    """
    if isinstance(contacts, PreparedContacts):
        frame = contacts.frame
        require_columns(frame, [c for c in _CONTACT_COLUMNS if c != "sector"])
        if frame["family_id"].notna().all() and frame["occurred_at"].notna().all():
            rows = contacts.families.rows
            return frame.reindex(columns=_CONTACT_COLUMNS).take(rows).reset_index(drop=True)
        contacts = frame
    require_columns(contacts, [c for c in _CONTACT_COLUMNS if c != "sector"])
    frame = contacts.reindex(columns=_CONTACT_COLUMNS)
    frame = frame[frame["family_id"].notna()]
    frame = frame.sort_values(["family_id", "occurred_at", "contact_id"], kind="mergesort")
    return frame.drop_duplicates(["family_id", "contact_id"]).reset_index(drop=True)


def _periods(lead_periods: pd.DataFrame) -> pd.DataFrame:
    """Lead-professional periods with a start, each once, by family and start."""
    require_columns(lead_periods, ["family_id", "lead_from"], "lead_periods")
    frame = lead_periods.reindex(columns=["family_id", "lead_from", "lead_to"])
    frame = frame[frame["family_id"].notna() & frame["lead_from"].notna()]
    frame = frame.astype({"lead_from": _TIME, "lead_to": _TIME})
    frame = frame.sort_values(["family_id", "lead_from", "lead_to"], kind="mergesort")
    frame = frame.drop_duplicates(["family_id", "lead_from"]).reset_index(drop=True)
    return frame.assign(period=np.arange(len(frame)))


def _in_window(pairs: pd.DataFrame, start: str, end: str) -> pd.Series:
    return (pairs["occurred_at"] >= pairs[start]) & (pairs["occurred_at"] < pairs[end])


def _ids_by_period(pairs: pd.DataFrame, inside: pd.Series, n_periods: int) -> list[list[str]]:
    """The contact ids of ``pairs`` inside a window, per period (pairs are in journey order)."""
    period = pairs["period"].to_numpy()[inside.to_numpy()]
    ids = pairs["contact_id"].to_numpy()[inside.to_numpy()]
    order = np.argsort(period, kind="stable")  # journey order kept within each period
    ends = np.searchsorted(period[order], np.arange(n_periods + 1))
    ids = ids[order].tolist()
    return [ids[ends[p]:ends[p + 1]] for p in range(n_periods)]


def _identified(periods: pd.DataFrame, contacts: pd.DataFrame, flags: pd.DataFrame,
                ) -> tuple[dict[str, np.ndarray], list[list[str]]]:
    """Per indicator, which periods have it identified; and each period's evidencing contacts."""
    names = list(flags.columns)
    evidencing = contacts[flags.any(axis=1)].join(flags)
    window = periods.assign(start=add_months(periods["lead_from"], -INDICATOR_MONTHS))
    pairs = window.merge(evidencing, on="family_id", sort=False)
    pairs = pairs.sort_values(["period", "occurred_at", "contact_id"], kind="mergesort")
    inside = _in_window(pairs, "start", "lead_from")
    identified = {
        name: np.isin(np.arange(len(periods)), pairs.loc[inside & pairs[name], "period"])
        for name in names
    }
    return identified, _ids_by_period(pairs, inside, len(periods))


def matches(contacts: pd.DataFrame, outcome: Outcome) -> pd.Series:
    """Which contacts an outcome counts: sector, agency and contact type in its lists (AND)."""
    wanted = pd.Series(True, index=contacts.index)
    for column, allowed in (("sector", outcome.sectors), ("agency", outcome.agencies),
                            ("contact_type", outcome.contact_types)):
        if allowed:
            wanted &= contacts[column].isin(allowed)
    return wanted


def holds(
    outcome: Outcome, count: np.ndarray, before: np.ndarray, scale: float = 1.0
) -> np.ndarray:
    """Whether the outcome's rule holds for ``count`` (``before`` scaled for a reduction).

    Examples
    --------
    >>> o = Outcome("x", "crime_asb", "reduction", 6, at_least=0.6)
    >>> holds(o, np.array([2, 3, 0]), np.array([5, 5, 0])).tolist()
    [True, False, False]
    """
    if outcome.rule == "none":
        return count == 0
    if outcome.rule == "at_most":
        return count <= outcome.at_most
    return (before >= 1) & (count <= (1 - outcome.at_least) * before * scale + _TOLERANCE)


def _outcome_rows(outcome: Outcome, periods: pd.DataFrame, contacts: pd.DataFrame,
                  sustain_months: int, as_of: pd.Timestamp | None) -> pd.DataFrame:
    """One outcome evaluated for every period (applicable or not)."""
    anchor = periods["lead_from"]
    window = periods.assign(
        before_from=add_months(anchor, -outcome.months),
        after_from=add_months(anchor, outcome.lag_months),
        after_to=add_months(anchor, outcome.lag_months + outcome.months),
        next_to=add_months(anchor, outcome.lag_months + outcome.months + sustain_months),
    )
    counted = contacts[matches(contacts, outcome)]
    pairs = window.merge(counted[["family_id", "contact_id", "occurred_at"]], on="family_id")
    pairs = pairs.sort_values(["period", "occurred_at", "contact_id"], kind="mergesort")
    n = len(periods)
    spans = {"before": ("before_from", "lead_from"), "after": ("after_from", "after_to"),
             "next_count": ("after_to", "next_to")}
    inside = {k: _in_window(pairs, *bounds) for k, bounds in spans.items()}
    for name, mask in inside.items():
        window[name] = np.bincount(pairs.loc[mask, "period"], minlength=n)[:n].astype(np.int64)
    before, after = window["before"].to_numpy(), window["after"].to_numpy()
    ended = lambda column: window[column] <= as_of if as_of is not None else False  # noqa: E731
    due = np.asarray(ended("after_to"), dtype=bool)
    met = due & holds(outcome, after, before)
    next_ended = np.asarray(ended("next_to"), dtype=bool)
    scale = sustain_months / outcome.months
    sustained = met & next_ended & holds(outcome, window["next_count"].to_numpy(), before, scale)
    evidence = _ids_by_period(pairs, inside["before"] | inside["after"] | inside["next_count"], n)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(before > 0, 100.0 * (after - before) / np.maximum(before, 1), np.nan)
    return window.assign(
        outcome=outcome.id, indicator=outcome.indicator, rule=outcome.rule,
        change=after - before, change_pct=pct, met=met, sustained=sustained,
        sustained_on=window["next_to"].where(sustained), due=due, evidence=evidence,
    )  # fmt: skip


def _summarise(periods: pd.DataFrame, rows: pd.DataFrame, identified: dict[str, np.ndarray],
               evidence: list[list[str]]) -> pd.DataFrame:
    """One row per period: identified indicators, counts of outcomes met, the plan met or not."""
    names = [n for n in identified]
    joined = [";".join(n for n in names if identified[n][p]) for p in range(len(periods))]
    by_period = rows.groupby("period")
    n = len(periods)
    count = lambda series: series.reindex(range(n), fill_value=0).to_numpy(np.int64)  # noqa: E731
    outcomes = count(by_period.size())
    met = count(by_period["met"].sum())
    sustained = count(by_period["sustained"].sum())
    last = by_period["sustained_on"].max().reindex(range(n))
    meets = (outcomes > 0) & (sustained == outcomes)
    return periods.assign(
        indicators=joined, outcomes=outcomes, met=met, sustained=sustained, meets_plan=meets,
        plan_met_on=last.where(meets).to_numpy(dtype=_TIME), indicator_evidence=evidence,
    )[PERIOD_COLUMNS]  # fmt: skip


def evaluate_outcomes(
    contacts: pd.DataFrame,
    lead_periods: pd.DataFrame,
    plan: OutcomePlan | None = None,
    *,
    taxonomy: Taxonomy | None = None,
    as_of: pd.Timestamp | None = None,
) -> OutcomeResult:
    """Evaluate an outcome plan over every family's journey, for each lead-professional period.

    Parameters
    ----------
    contacts : DataFrame
        Contact rows of the contract (``family_id, contact_id, occurred_at,
        agency, sector, contact_type``); one row per (contact, person) is fine.
    lead_periods : DataFrame
        ``family_id, lead_from`` (and ``lead_to``); each start is an anchor.
    plan : OutcomePlan, optional
        The shipped example plan by default.
    taxonomy : Taxonomy, optional
        The shipped taxonomy by default (it says which contacts evidence which indicator).
    as_of : Timestamp, optional
        The end of the data: the last contact time by default. A window
        counts only once it has ended by then.

    Returns
    -------
    OutcomeResult

    Examples
    --------
    A family with five police call-outs in the six months before its lead
    professional started on 1 July 2021 and two in the six months after:

    >>> times = ["2021-02-01", "2021-03-01", "2021-04-01", "2021-05-01", "2021-06-01",
    ...          "2021-08-01", "2021-09-01", "2022-07-04"]
    >>> contacts = pd.DataFrame({"family_id": "F1", "contact_id": [f"c{i}" for i in range(8)],
    ...     "occurred_at": pd.to_datetime(times), "agency": "Police", "sector": "police",
    ...     "contact_type": ["incident"] * 7 + ["phone_call"]})
    >>> periods = pd.DataFrame({"family_id": ["F1"], "lead_from": pd.to_datetime(["2021-07-01"])})
    >>> result = evaluate_outcomes(contacts, periods)
    >>> row = result.outcomes.set_index("outcome").loc["police_callouts_down_60"]
    >>> int(row.before), int(row.after), float(row.change_pct), bool(row.met), bool(row.sustained)
    (5, 2, -60.0, True, True)
    >>> str(row.sustained_on.date())
    '2022-07-01'
    """
    plan = plan or default_plan()
    taxonomy = taxonomy or default_taxonomy()
    check_plan(plan, taxonomy)
    distinct = distinct_contacts(contacts)
    flags = taxonomy.indicator_matrix(distinct, plan.indicator_set)
    return evaluate_distinct(distinct, lead_periods, plan, flags, as_of=as_of)


def evaluate_distinct(
    distinct: pd.DataFrame,
    lead_periods: pd.DataFrame,
    plan: OutcomePlan,
    flags: pd.DataFrame,
    *,
    as_of: pd.Timestamp | None = None,
) -> OutcomeResult:
    """:func:`evaluate_outcomes` given the distinct contacts and their indicator flags.

    ``distinct`` is :func:`distinct_contacts`'s frame and ``flags`` the
    taxonomy's :meth:`~journey.taxonomy.Taxonomy.indicator_matrix` of it for
    the plan's indicator set: the outcomes run works both out once for every
    frame it writes. The plan is assumed checked against the taxonomy.
    """
    if as_of is None and len(distinct):
        as_of = distinct["occurred_at"].max()
    periods = _periods(lead_periods)
    identified, evidence = _identified(periods, distinct, flags)
    parts = []
    for order, outcome in enumerate(plan.outcomes):
        rows = _outcome_rows(outcome, periods, distinct, plan.sustain_months, as_of)
        parts.append(rows[identified[outcome.indicator]].assign(order=order))
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if rows.empty:
        rows = empty_frame(_OUTCOME_SPEC | {"period": "int64", "order": "int64"})
    rows = rows.sort_values(["period", "order"], kind="mergesort").reset_index(drop=True)
    summary = _summarise(periods, rows, identified, evidence)
    typed = {k: v for k, v in _OUTCOME_SPEC.items() if k != "evidence"}
    table = rows[OUTCOME_COLUMNS].astype(typed)
    return OutcomeResult(outcomes=table, periods=summary, plan=plan, as_of=as_of)
