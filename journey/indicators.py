"""Headline indicators and eligibility: the families a whole-family programme should support.

Definitions (docs/analyses.md#indicators-and-eligibility), over family journeys (each contact
once per family), with ``w = window_days`` days of 24 hours:

* A contact evidences the indicators the taxonomy maps its (sector, contact
  type) to (:meth:`journey.taxonomy.Taxonomy.indicator_matrix`).
* The indicators *evidenced in a rolling 12 months* at time t are those with an
  evidencing contact in the trailing window ``(t - w, t]`` (contacts less than
  ``w`` apart, as for high-contact journeys).
* A family is *eligible* when some such window holds at least the indicator
  set's ``min_indicators`` (2 for ``tf2015``, 3 for ``sf2022``);
  ``first_eligible`` is the time of the first contact at which that happened.
* The *best window* holds the most indicators (the earliest of equals):
  ``indicators`` (sorted, ';'-joined), ``indicator_count``, ``window_start`` and
  ``window_end`` (its first and last evidencing contacts) and
  ``evidence_contact_ids`` (its evidencing contacts in journey order).
  ``all_indicators`` are those evidenced at any time.
* ``has_lead_professional``: the family has a lead-professional period;
  ``lead_from`` is the start of its first. A family is *not yet found* when it
  is eligible and no lead professional was active on or after the day it
  became eligible: it never had one, or only before it became eligible.
  ``lead_now``: a lead-professional period is open at the analysis's time: no
  ``lead_to``, or (with ``as_of``) a ``lead_to`` on or after that day. Without
  ``as_of`` only a period with no end is open, so that one family's answer
  never depends on the other families' data. "No lead professional now" (not
  ``lead_now``) is wider than "never had one" (not ``has_lead_professional``):
  it includes families whose lead professional's period ended.
* ``as_of``: the analysis as it stood at that time: contacts after it and lead
  periods starting after it are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from journey.arrays import DAY_NS, as_times, days_ns, factorize_rows, spans
from journey.contract import empty_frame, require_columns
from journey.event_log import PreparedContacts, prepare
from journey.parameters import check_positive
from journey.taxonomy import Taxonomy, default_taxonomy
from journey.timeline import Timeline

__all__ = ["EligibilityResult", "eligibility", "ELIGIBILITY_COLUMNS"]

_FAMILY_SPEC = {
    "family_id": "object",
    "indicators": "object",
    "indicator_count": "int64",
    "window_start": "datetime64[ns]",
    "window_end": "datetime64[ns]",
    "all_indicators": "object",
    "all_indicator_count": "int64",
    "eligible": "bool",
    "first_eligible": "datetime64[ns]",
    "has_lead_professional": "bool",
    "lead_from": "datetime64[ns]",
    "not_yet_found": "bool",
    "evidence_contact_ids": "object",
    "lead_now": "bool",
}
ELIGIBILITY_COLUMNS = list(_FAMILY_SPEC)
_NAT = np.datetime64("NaT", "ns").view(np.int64)


@dataclass(frozen=True, eq=False)
class EligibilityResult:
    """Indicators and eligibility per family, and the parameters that produced them.

    Attributes
    ----------
    families : DataFrame
        One row per family with contacts; columns :data:`ELIGIBILITY_COLUMNS`.
    params : dict
        ``indicator_set, min_indicators, window_days, as_of, taxonomy``.
    """

    families: pd.DataFrame
    params: dict[str, object]


def _indicator_flags(prepared: PreparedContacts, taxonomy: Taxonomy, set_name: str,
                     names: list[str]) -> np.ndarray:
    """Which indicators (columns in ``names`` order) each family event evidences."""
    rows = prepared.families.rows
    sector, sectors = prepared.codes("sector")
    kind, kinds = prepared.codes("contact_type")
    # The taxonomy is asked once per distinct (sector, contact type) pair.
    width = len(kinds) + 1
    pair, pairs = pd.factorize((sector[rows] + 1) * width + kind[rows] + 1)
    lookup = np.concatenate([[None], sectors]), np.concatenate([[None], kinds])
    distinct = pd.DataFrame({"sector": lookup[0][pairs // width],
                             "contact_type": lookup[1][pairs % width]})
    table = taxonomy.indicator_matrix(distinct, set_name)[names].to_numpy(dtype=bool)
    return table[pair]


def _joined(flags: np.ndarray, names: list[str]) -> np.ndarray:
    """The ';'-joined names of the True columns of each row."""
    codes, rows = factorize_rows(flags)
    texts = np.array([";".join(n for n, on in zip(names, row, strict=True) if on) for row in rows],
                     dtype=object)
    return texts[codes] if len(rows) else np.empty(0, dtype=object)


def _best_windows(line: Timeline, flags: np.ndarray, window_ns: int, min_indicators: int,
                  names: list[str], contact_ids: np.ndarray) -> dict[str, np.ndarray | list]:
    """Best-window and first-eligible columns, one entry per family of ``line``.

    ``flags`` has a row per event of ``line``; ``contact_ids`` one per row of its frame.
    """
    n_families = len(line.ids)
    columns: dict[str, np.ndarray | list] = {
        "indicators": np.full(n_families, "", dtype=object),
        "indicator_count": np.zeros(n_families, dtype=np.int64),
        "window_start": np.full(n_families, _NAT),
        "window_end": np.full(n_families, _NAT),
        "first_eligible": np.full(n_families, _NAT),
        "evidence_contact_ids": [()] * n_families,
    }
    event, indicator = np.nonzero(flags)
    if len(event) == 0:
        return columns
    # One entry per (contact, indicator) it evidences, in journey order.
    evidence, family = line.select(event)
    held = evidence.window_distinct(indicator, window_ns)
    best = evidence.best(held)
    entries = evidence.count_at(evidence.entity[best], evidence.times[best], window_ns)
    last = evidence.upto[best] - 1
    first = last - entries + 1
    owner = np.repeat(np.arange(len(best)), entries)
    inside = np.arange(entries.sum()) + np.repeat(first - np.cumsum(entries) + entries, entries)
    in_best = np.zeros((len(best), len(names)), dtype=bool)
    in_best[owner, indicator[inside]] = True
    eligible = evidence.first(held >= min_indicators)
    columns["indicators"][family] = _joined(in_best, names)
    columns["indicator_count"][family] = held[best]
    columns["window_start"][family] = evidence.times[first]
    columns["window_end"][family] = evidence.times[last]
    columns["first_eligible"][family] = np.where(eligible >= 0, evidence.times[eligible], _NAT)
    ids = _evidence(line.rows[event[inside]], owner, len(best), contact_ids)
    for code, contacts in zip(family.tolist(), ids, strict=True):
        columns["evidence_contact_ids"][code] = contacts
    return columns


def _evidence(rows: np.ndarray, owner: np.ndarray, n_owners: int,
              contact_ids: np.ndarray) -> list[tuple]:
    """The contact ids of each owner's entries (frame ``rows``, grouped by owner), each once.

    An entry is a (contact, indicator) pair, so a contact evidencing several
    indicators comes as consecutive entries of one owner.
    """
    repeated = np.zeros(len(rows), dtype=bool)
    repeated[1:] = (rows[1:] == rows[:-1]) & (owner[1:] == owner[:-1])
    ends = np.cumsum(np.bincount(owner[~repeated], minlength=n_owners))
    return spans(contact_ids, ends - np.diff(ends, prepend=0), ends - 1, rows[~repeated])


def _lead_columns(line: Timeline, lead_periods: pd.DataFrame | None, first_eligible: np.ndarray,
                  as_of: pd.Timestamp | None) -> dict[str, np.ndarray]:
    """``has_lead_professional``, ``lead_from``, ``lead_now``, and whether one was active once
    eligible."""
    n_families = len(line.ids)
    lead_from = np.full(n_families, _NAT)
    found = np.zeros(n_families, dtype=bool)
    if lead_periods is None or lead_periods.empty or n_families == 0:
        return {"has_lead_professional": found.copy(), "lead_from": lead_from, "found": found,
                "lead_now": found.copy()}
    require_columns(lead_periods, ["family_id", "lead_from", "lead_to"], "lead_periods")
    family = pd.Index(line.ids).get_indexer(lead_periods["family_id"])
    start = as_times(lead_periods["lead_from"]).view(np.int64)
    end = as_times(lead_periods["lead_to"]).view(np.int64)
    keep = (family >= 0) & (start != _NAT)
    if as_of is not None:
        keep &= start <= as_of.value
    family, start, end = family[keep], start[keep], end[keep]
    has_lead = np.bincount(family, minlength=n_families) > 0
    earliest = np.full(n_families, np.iinfo(np.int64).max)
    np.minimum.at(earliest, family, start)
    lead_from[has_lead] = earliest[has_lead]
    # A period ending on the day the family became eligible still finds it.
    eligible_day = first_eligible[family] // DAY_NS
    covers = (end == _NAT) | (end // DAY_NS >= eligible_day)
    found = np.bincount(family[covers], minlength=n_families) > 0
    open_now = end == _NAT
    if as_of is not None:
        open_now |= end // DAY_NS >= as_of.value // DAY_NS
    lead_now = np.bincount(family[open_now], minlength=n_families) > 0
    return {"has_lead_professional": has_lead, "lead_from": lead_from, "found": found,
            "lead_now": lead_now}


def eligibility(
    contacts: pd.DataFrame | PreparedContacts,
    lead_periods: pd.DataFrame | None = None,
    *,
    taxonomy: Taxonomy | None = None,
    indicator_set: str = "tf2015",
    window_days: float = 365,
    as_of: pd.Timestamp | str | None = None,
) -> EligibilityResult:
    """Headline indicators, eligibility and families not yet found (module docstring).

    Parameters
    ----------
    contacts : DataFrame or PreparedContacts
        Contract contact rows (one per contact and person); any number of families.
    lead_periods : DataFrame, optional
        ``family_id, lead_from, lead_to`` (``lead_to`` NaT while open).
    taxonomy : Taxonomy, optional
        The indicator sets; the shipped taxonomy by default.
    indicator_set : str, default "tf2015"
        ``tf2015`` (eligible with 2 indicators) or ``sf2022`` (with 3), or a set
        of a custom taxonomy.
    window_days : float, default 365
        Length of the rolling window, in days.
    as_of : Timestamp or str, optional
        Analyse the data as it stood at this time (see the module docstring).

    Returns
    -------
    EligibilityResult
        The ``families`` frame and the ``params`` used.

    Raises
    ------
    TaxonomyError
        When ``indicator_set`` is not a set of the taxonomy.

    Examples
    --------
    >>> contacts = pd.DataFrame({
    ...     "contact_id": ["c1", "c2"],
    ...     "family_id": "F1",
    ...     "sector": ["police", "education"],
    ...     "contact_type": ["domestic_incident", "school_absence"],
    ...     "occurred_at": pd.to_datetime(["2021-01-10", "2021-06-01"]),
    ... })
    >>> row = eligibility(contacts).families.iloc[0]
    >>> row["indicators"], bool(row["eligible"]), str(row["first_eligible"].date())
    ('domestic_abuse;education', True, '2021-06-01')
    >>> bool(row["not_yet_found"])
    True
    """
    check_positive(window_days=window_days)
    taxonomy = taxonomy or default_taxonomy()
    programme = taxonomy.indicator_set(indicator_set)
    as_of = None if as_of is None else pd.Timestamp(as_of)
    if as_of is not None and as_of.tz is not None:
        # Contacts carry naive London wall-clock times.
        as_of = as_of.tz_convert("Europe/London").tz_localize(None)
    params = {"indicator_set": indicator_set, "min_indicators": programme.min_indicators,
              "window_days": window_days, "as_of": None if as_of is None else as_of.isoformat(),
              "taxonomy": taxonomy.source}
    if as_of is not None:
        frame = contacts.frame if isinstance(contacts, PreparedContacts) else contacts
        contacts = frame[frame["occurred_at"] <= as_of]
    prepared = prepare(contacts)
    require_columns(prepared.frame,
                    ["contact_id", "family_id", "sector", "contact_type", "occurred_at"])
    if prepared.frame.empty:
        return EligibilityResult(empty_frame(_FAMILY_SPEC), params)
    line = prepared.families
    names = sorted(programme.indicators)
    flags = _indicator_flags(prepared, taxonomy, indicator_set, names)
    best = _best_windows(line, flags, days_ns(window_days), programme.min_indicators, names,
                         prepared.frame["contact_id"].to_numpy())
    ever = np.logical_or.reduceat(flags, line.starts, axis=0) if len(names) else flags[:0]
    eligible = best["indicator_count"] >= programme.min_indicators
    leads = _lead_columns(line, lead_periods, best["first_eligible"], as_of)
    families = pd.DataFrame(copy=False, data={
        "family_id": line.ids.copy(),
        "indicators": best["indicators"],
        "indicator_count": best["indicator_count"],
        "window_start": best["window_start"].view("datetime64[ns]"),
        "window_end": best["window_end"].view("datetime64[ns]"),
        "all_indicators": _joined(ever, names),
        "all_indicator_count": ever.sum(axis=1).astype(np.int64),
        "eligible": eligible,
        "first_eligible": best["first_eligible"].view("datetime64[ns]"),
        "has_lead_professional": leads["has_lead_professional"],
        "lead_from": leads["lead_from"].view("datetime64[ns]"),
        "not_yet_found": eligible & ~leads["found"],
        "evidence_contact_ids": best["evidence_contact_ids"],
        "lead_now": leads["lead_now"],
    })
    return EligibilityResult(families=families, params=params)
