"""Partner flags: for one agency, the people it met whose family is known to the programme.

A partner agency (police, DWP, a school) loads the file as a marker on its
own system, so that when a family "pops up" its staff know the programme is
involved and the family need not tell its story again. The file says only
what the agency needs to match and act (docs/operations.md#partner-flags):

* one row per person the agency has been in contact with (a contact of that
  agency on or before ``as_of``) whose family is **known to the programme**:
  it has or had a lead-professional period starting on or before ``as_of``,
  or it was eligible by then;
* ``contact_ids`` and ``source_system``: that agency's own contacts with the
  person (``;``-separated, in time order), never another agency's;
* ``status``, one of ``lead professional now: TEAM since DATE`` (a period
  open on ``as_of``; ``lead professional now since DATE`` when the period
  names no team), ``supported until DATE`` (the latest period ended before
  ``as_of``), or ``eligible, not yet allocated``;
* no indicators, no other agency, no worker's name, no dates of birth.
"""

from __future__ import annotations

import pandas as pd

from journey.contract import require_columns
from journey.errors import ParameterError

__all__ = ["FLAG_COLUMNS", "STATUSES", "partner_flags", "status_counts"]

FLAG_COLUMNS = ["person_id", "family_id", "status", "contact_ids", "source_system"]
#: The kinds of status, in the order the counts are printed.
STATUSES = ("lead professional now", "supported until", "eligible, not yet allocated")
_ELIGIBLE = "eligible, not yet allocated"


def _day(value: pd.Timestamp) -> str:
    return value.strftime("%Y-%m-%d")


def _lead_status(periods: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """Per family with a period starting on or before ``as_of``: its status on that day."""
    started = periods[periods["lead_from"].notna() & (periods["lead_from"] <= as_of)]
    day = as_of.normalize()
    is_open = started["lead_to"].isna() | (started["lead_to"] >= day)
    statuses: dict[str, str] = {}
    for family_id, rows in started.assign(open=is_open).groupby("family_id", sort=True):
        current = rows[rows["open"]].sort_values("lead_from")
        if len(current):
            latest = current.iloc[-1]
            team = latest.get("lead_team")
            named = f": {team}" if isinstance(team, str) and team else ""
            statuses[family_id] = f"lead professional now{named} since {_day(latest['lead_from'])}"
        else:
            statuses[family_id] = f"supported until {_day(rows['lead_to'].max())}"
    return pd.Series(statuses, dtype=object)


def partner_flags(
    contacts: pd.DataFrame,
    lead_periods: pd.DataFrame,
    eligibility: pd.DataFrame,
    *,
    agency: str,
    as_of: pd.Timestamp,
) -> pd.DataFrame:
    """The flag file of ``agency`` on ``as_of`` (columns :data:`FLAG_COLUMNS`).

    Parameters
    ----------
    contacts : DataFrame
        Contact rows (``contact_id, person_id, family_id, agency, occurred_at``,
        optionally ``source_system``), agencies in their canonical names.
    lead_periods : DataFrame
        ``family_id, lead_from, lead_to`` and optionally ``lead_team``.
    eligibility : DataFrame
        ``family_id, first_eligible`` (the stored eligibility result).
    agency : str
        The canonical agency name; only its contacts are read.
    as_of : Timestamp
        The day of the file: contacts, periods and eligibility after its end are ignored.

    Returns
    -------
    DataFrame
        One row per person, ordered by family then person.

    Raises
    ------
    ParameterError
        When ``agency`` has no contact in ``contacts`` at all.

    Examples
    --------
    >>> contacts = pd.DataFrame({"contact_id": ["c1", "c2", "c3"], "person_id": ["p1", "p1", "p2"],
    ...     "family_id": ["F1", "F1", "F2"], "agency": ["Police", "School", "Police"],
    ...     "occurred_at": pd.to_datetime(["2022-01-03", "2022-01-04", "2022-01-05"])})
    >>> periods = pd.DataFrame({"family_id": ["F1"], "lead_from": pd.to_datetime(["2021-06-01"]),
    ...     "lead_to": pd.to_datetime([None]), "lead_team": ["North"]})
    >>> eligible = pd.DataFrame({"family_id": ["F2"], "first_eligible": [pd.NaT]})
    >>> partner_flags(contacts, periods, eligible, agency="Police",
    ...               as_of=pd.Timestamp("2022-02-01")).values.tolist()
    [['p1', 'F1', 'lead professional now: North since 2021-06-01', 'c1', '']]
    """
    require_columns(contacts, ["contact_id", "person_id", "family_id", "agency", "occurred_at"])
    require_columns(lead_periods, ["family_id", "lead_from", "lead_to"], "lead_periods")
    require_columns(eligibility, ["family_id", "first_eligible"], "eligibility")
    if not (contacts["agency"] == agency).any():
        raise ParameterError(f"--agency: no contact of {agency!r} in the store")
    end = as_of.normalize() + pd.Timedelta(days=1)
    own = contacts[(contacts["agency"] == agency) & (contacts["occurred_at"] < end)]
    status = _lead_status(lead_periods, as_of)
    eligible = eligibility.loc[eligibility["first_eligible"] < end, "family_id"]
    extra = pd.Series(_ELIGIBLE, index=pd.Index(eligible).difference(status.index), dtype=object)
    status = pd.concat([status, extra])
    own = own[own["family_id"].isin(status.index)]
    if own.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in FLAG_COLUMNS})
    own = own.sort_values(["occurred_at", "contact_id"])
    systems = own["source_system"] if "source_system" in own else pd.Series(None, index=own.index)
    grouped = own.assign(source_system=systems.fillna("")).groupby(
        ["family_id", "person_id"], sort=True
    )
    rows = grouped.agg(
        contact_ids=("contact_id", lambda ids: ";".join(dict.fromkeys(ids))),
        source_system=("source_system", lambda s: ";".join(dict.fromkeys(x for x in s if x))),
    ).reset_index()
    rows["status"] = rows["family_id"].map(status)
    return rows[FLAG_COLUMNS].reset_index(drop=True)


def status_counts(flags: pd.DataFrame) -> dict[str, int]:
    """People per kind of status (:data:`STATUSES`), every kind present even at 0.

    Examples
    --------
    >>> status_counts(pd.DataFrame({"status": ["supported until 2021-01-01",
    ...                                        "eligible, not yet allocated"]}))
    {'lead professional now': 0, 'supported until': 1, 'eligible, not yet allocated': 1}
    """
    return {kind: int(flags["status"].str.startswith(kind).sum()) for kind in STATUSES}
