"""Uncoordinated contacts: agencies working with a family in parallel without a lead professional.

Definitions (docs/analyses.md#uncoordinated-contacts), over family journeys (each contact once per
family), with ``p = parallel_days`` days of 24 hours:

* A contact of family F with agency A at time t is *uncoordinated* when
  (1) F had no active lead professional at t, (2) it is not a multi-agency
  meeting (``taxonomy.coordination_types``), and (3) another agency B other
  than A and other than the agency that referred this contact had a contact
  with F in the *preceding* ``p`` days: ``t - p < time <= t``. Contacts at the
  same time as t count (in either order: records cannot tell which came first,
  and dates without a time of day are all at midnight), so two agencies seeing
  a family on the same day make both contacts uncoordinated. A contact exactly
  ``p`` days earlier does not count.
* A lead-professional period covers whole days, from the day of ``lead_from``
  to the day of ``lead_to`` inclusive (open when ``lead_to`` is missing).
* ``reason`` says why, in this order: ``lead professional active``;
  ``multi-agency meeting``; ``no other agency in the previous 30 days``;
  ``referred by Police, the only other agency in contact in the previous 30
  days``; ``uncoordinated: Police and School also in contact in the previous 30
  days`` (other agencies in name order; agency names only, no personal data).
* ``peak_parallel_agencies`` is the most distinct agencies in any window of
  ``p`` days (the trailing windows ``(t - p, t]`` ending at each contact).
* An assessment (``taxonomy.assessment_types``) is a *repeat assessment* when
  the family had an assessment by a different agency less than
  ``assessment_days`` before it, earlier in the family's journey (contacts at
  the same time are in contact id order, so of two assessments on one day by
  two agencies exactly one is a repeat). ``repeat_assessments`` counts them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from journey.arrays import DAY_NS, as_times, days_ns, factorize_rows
from journey.contract import empty_frame, require_columns
from journey.event_log import PreparedContacts, prepare
from journey.parameters import check_positive
from journey.taxonomy import Taxonomy, default_taxonomy
from journey.timeline import Timeline

__all__ = [
    "UncoordinatedResult",
    "uncoordinated",
    "UNCOORDINATED_CONTACT_COLUMNS",
    "UNCOORDINATED_FAMILY_COLUMNS",
]

_CONTACT_SPEC = {
    "family_id": "object",
    "contact_id": "object",
    "occurred_at": "datetime64[ns]",
    "agency": "object",
    "contact_type": "object",
    "referred_by": "object",
    "uncoordinated": "bool",
    "reason": "object",
    "repeat_assessment": "bool",
}
_FAMILY_SPEC = {
    "family_id": "object",
    "contacts": "int64",
    "uncoordinated": "int64",
    "uncoordinated_share": "float64",
    "peak_parallel_agencies": "int64",
    "repeat_assessments": "int64",
}
UNCOORDINATED_CONTACT_COLUMNS = list(_CONTACT_SPEC)
UNCOORDINATED_FAMILY_COLUMNS = list(_FAMILY_SPEC)


@dataclass(frozen=True, eq=False)
class UncoordinatedResult:
    """Uncoordinated contacts per contact and per family, and the parameters that produced them.

    Attributes
    ----------
    contacts : DataFrame
        One row per family contact, in journey order; columns :data:`UNCOORDINATED_CONTACT_COLUMNS`.
    families : DataFrame
        One row per family with contacts; columns :data:`UNCOORDINATED_FAMILY_COLUMNS`.
    params : dict
        ``parallel_days, assessment_days, taxonomy`` (the taxonomy's source).
    """

    contacts: pd.DataFrame
    families: pd.DataFrame
    params: dict[str, object]


def lead_active(line: Timeline, lead_periods: pd.DataFrame | None) -> np.ndarray:
    """Whether each family event of ``line`` falls on a day of one of its family's lead periods.

    Examples
    --------
    >>> from journey.event_log import family_timeline
    >>> contacts = pd.DataFrame({
    ...     "contact_id": ["c1", "c2"],
    ...     "family_id": "F1",
    ...     "occurred_at": pd.to_datetime(["2021-01-31 23:00", "2021-02-01 09:00"]),
    ... })
    >>> periods = pd.DataFrame({"family_id": ["F1"], "lead_from": pd.to_datetime(["2021-01-01"]),
    ...                         "lead_to": pd.to_datetime(["2021-01-31"])})
    >>> lead_active(family_timeline(contacts), periods).tolist()
    [True, False]
    """
    if lead_periods is None or lead_periods.empty or len(line) == 0:
        return np.zeros(len(line), dtype=bool)
    require_columns(lead_periods, ["family_id", "lead_from", "lead_to"], "lead_periods")
    family = pd.Index(line.ids).get_indexer(lead_periods["family_id"])
    start = as_times(lead_periods["lead_from"])
    end = as_times(lead_periods["lead_to"])
    keep = (family >= 0) & ~np.isnat(start) & ~(end < start)
    if not keep.any():
        return np.zeros(len(line), dtype=bool)
    family, start, end = family[keep], start[keep], end[keep]
    day = line.times // DAY_NS
    first = start.view(np.int64) // DAY_NS
    origin = min(int(day.min()), int(first.min()))
    stride = int(day.max()) - origin + 2
    # A period covers the days [first, last + 1); an open one never ends.
    after = np.where(np.isnat(end), stride - 1, end.view(np.int64) // DAY_NS + 1 - origin)
    begins = np.sort(family * stride + np.minimum(first - origin, stride - 1))
    stops = np.sort(family * stride + np.clip(after, 0, stride - 1))
    queries = line.entity * stride + (day - origin)
    covering = np.searchsorted(begins, queries, "right") - np.searchsorted(stops, queries, "right")
    return covering > 0


def _names_list(names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _other_agencies(
    line: Timeline,
    agency: np.ndarray,
    referrer: np.ndarray,
    counts: np.ndarray,
    chosen: np.ndarray,
    n_agencies: int,
) -> tuple[np.ndarray, np.ndarray]:
    """For each chosen event, a code of the set of other agencies in its window, and the sets.

    The window of event j is positions ``upto[j] - counts[j] .. upto[j] - 1``;
    its own agency and its referrer are left out. Returns (code per chosen
    event, boolean matrix set code -> agency).
    """
    events = np.flatnonzero(chosen)
    last = line.upto[events] - 1
    lengths = counts[events]
    ends = np.cumsum(lengths)
    owner = np.repeat(np.arange(len(events)), lengths)
    position = np.arange(ends[-1] if len(ends) else 0) + np.repeat(last - ends + 1, lengths)
    other = agency[position]
    keep = (other != agency[events][owner]) & (other != referrer[events][owner])
    owner, other = owner[keep], other[keep]
    seen = np.zeros((len(events), n_agencies), dtype=bool)
    seen[owner, other] = True
    return factorize_rows(seen)


def _reasons(
    line: Timeline,
    agency: np.ndarray,
    referrer: np.ndarray,
    names: np.ndarray,
    parts: dict[str, np.ndarray],
    parallel_days: float,
) -> np.ndarray:
    """The readable reason of each event (agency names only)."""
    days = f"{parallel_days:g}"
    reason = np.full(len(line), f"no other agency in the previous {days} days", dtype=object)
    referred = f", the only other agency in contact in the previous {days} days"
    referred_only = parts["referred_only"]
    if referred_only.any():
        texts = np.array([f"referred by {name}{referred}" for name in names], dtype=object)
        reason[referred_only] = texts[referrer[referred_only]]
    flagged = parts["uncoordinated"]
    if flagged.any():
        codes, sets = _other_agencies(line, agency, referrer, parts["counts"], flagged, len(names))
        texts = np.array(
            [f"uncoordinated: {_names_list(list(names[row]))} also in contact in the previous "
             f"{days} days" for row in sets],
            dtype=object,
        )
        reason[flagged] = texts[codes]
    reason[parts["meeting"]] = "multi-agency meeting"
    reason[parts["lead"]] = "lead professional active"
    return reason


def _referrer_in_window(
    line: Timeline, agency: np.ndarray, referrer: np.ndarray, window_ns: int
) -> np.ndarray:
    """Whether each event's referrer (not its own agency) saw the family in its window."""
    asks = np.flatnonzero((referrer >= 0) & (referrer != agency))
    present = np.zeros(len(line), dtype=bool)
    if len(asks) == 0:
        return present
    n_agencies = int(max(agency.max(), referrer.max())) + 1
    pairs = line.entity * n_agencies + agency
    by_agency = Timeline.from_arrays(
        pairs, np.arange(len(line.ids) * n_agencies), line.times, sort=True
    )
    wanted = line.entity[asks] * n_agencies + referrer[asks]
    present[asks] = by_agency.count_at(wanted, line.times[asks], window_ns) > 0
    return present


def _repeat_assessments(line: Timeline, agency: np.ndarray, assessment: np.ndarray,
                        window_ns: int) -> np.ndarray:
    """Whether each event is an assessment after another agency's assessment in the window."""
    repeat = np.zeros(len(line), dtype=bool)
    if not assessment.any():
        return repeat
    sub, _ = line.select(np.flatnonzero(assessment))
    sub_agency = agency[assessment]
    first_in_window = sub.upto - sub.window_counts(window_ns)
    # The latest earlier assessment by another agency is just before the run of
    # assessments by this contact's agency that this contact ends.
    new_run = np.ones(len(sub), dtype=bool)
    new_run[1:] = (sub.entity[1:] != sub.entity[:-1]) | (sub_agency[1:] != sub_agency[:-1])
    run_start = np.flatnonzero(new_run)[np.cumsum(new_run) - 1]
    other_before = np.where(run_start > sub.starts[sub.entity], run_start - 1, -1)
    repeat[np.flatnonzero(assessment)] = other_before >= first_in_window
    return repeat


def _agency_codes(prepared: PreparedContacts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each family event's agency and referrer (-1 when none) as codes into the sorted names.

    Returns (agency codes, referrer codes, names); codes sort like the names.
    """
    rows = prepared.families.rows
    agency, agencies = prepared.codes("agency")
    referrer, referrers = prepared.codes("referred_by")
    names = np.union1d(agencies, referrers).astype(object)
    agency = np.searchsorted(names, agencies)[agency[rows]]
    # Code -1 (no referrer) picks the appended -1.
    referrer = np.append(np.searchsorted(names, referrers), -1)[referrer[rows]]
    return agency, referrer, names


def _flag(values: np.ndarray, wanted: frozenset[str]) -> np.ndarray:
    """Whether each of a few distinct values is in ``wanted``."""
    return np.array([value in wanted for value in values], dtype=bool)


def uncoordinated(
    contacts: pd.DataFrame | PreparedContacts,
    lead_periods: pd.DataFrame | None = None,
    *,
    parallel_days: float = 30,
    assessment_days: float = 90,
    taxonomy: Taxonomy | None = None,
) -> UncoordinatedResult:
    """Find uncoordinated contacts and repeat assessments (definitions in the module docstring).

    Parameters
    ----------
    contacts : DataFrame or PreparedContacts
        Contract contact rows (one per contact and person); any number of families.
    lead_periods : DataFrame, optional
        ``family_id, lead_from, lead_to`` (``lead_to`` NaT while open).
    parallel_days : float, default 30
        How far back another agency's contact makes a contact uncoordinated.
    assessment_days : float, default 90
        How soon after another agency's assessment an assessment is a repeat.
    taxonomy : Taxonomy, optional
        Coordination and assessment contact types; the shipped taxonomy by default.

    Returns
    -------
    UncoordinatedResult
        ``contacts`` and ``families`` frames and the ``params`` used.

    Examples
    --------
    >>> contacts = pd.DataFrame({
    ...     "contact_id": ["c1", "c2", "c3"],
    ...     "person_id": ["mum", "kid", "kid"],
    ...     "family_id": "F1",
    ...     "agency": ["Police", "School", "Children's Social Care"],
    ...     "contact_type": ["domestic_incident", "school_absence", "referral"],
    ...     "occurred_at": pd.to_datetime(["2021-03-01", "2021-03-10", "2021-03-12"]),
    ...     "referred_by": [None, None, "School"],
    ... })
    >>> result = uncoordinated(contacts)
    >>> result.contacts["reason"].tolist()[1:]
    ['uncoordinated: Police also in contact in the previous 30 days', \
'uncoordinated: Police also in contact in the previous 30 days']
    >>> result.families[["contacts", "uncoordinated"]].values.tolist()
    [[3, 2]]
    """
    check_positive(parallel_days=parallel_days, assessment_days=assessment_days)
    taxonomy = taxonomy or default_taxonomy()
    params = {"parallel_days": parallel_days, "assessment_days": assessment_days,
              "taxonomy": taxonomy.source}
    prepared = prepare(contacts)
    require_columns(prepared.frame, ["contact_id", "person_id", "family_id", "agency",
                                     "contact_type", "occurred_at", "referred_by"])
    if prepared.frame.empty:
        return UncoordinatedResult(empty_frame(_CONTACT_SPEC), empty_frame(_FAMILY_SPEC), params)
    line = prepared.families
    window_ns = days_ns(parallel_days)
    agency, referrer, names = _agency_codes(prepared)
    type_codes, types = prepared.codes("contact_type")
    type_codes = type_codes[line.rows]

    counts = line.window_counts(window_ns)
    in_window = line.window_distinct(agency, window_ns)
    others = in_window - 1 - _referrer_in_window(line, agency, referrer, window_ns)
    lead = lead_active(line, lead_periods)
    meeting = _flag(types, taxonomy.coordination_types)[type_codes] & ~lead
    open_to = ~lead & ~meeting
    parts = {
        "lead": lead,
        "meeting": meeting,
        "uncoordinated": open_to & (others >= 1),
        "referred_only": open_to & (others == 0) & (in_window > 1),
        "counts": counts,
    }
    repeat = _repeat_assessments(
        line, agency, _flag(types, taxonomy.assessment_types)[type_codes],
        days_ns(assessment_days),
    )
    source = prepared.frame
    # Fresh arrays only (nothing shared with the input or the prepared contacts).
    frame = pd.DataFrame(copy=False, data={
        "family_id": line.ids[line.entity],
        "contact_id": line.take(source, "contact_id"),
        "occurred_at": line.times.view("datetime64[ns]").copy(),
        "agency": line.take(source, "agency"),
        "contact_type": line.take(source, "contact_type"),
        "referred_by": line.take(source, "referred_by"),
        "uncoordinated": parts["uncoordinated"],
        "reason": _reasons(line, agency, referrer, names, parts, parallel_days),
        "repeat_assessment": repeat,
    })
    total = np.diff(line.bounds)
    flagged = line.total(parts["uncoordinated"].astype(np.int64))
    families = pd.DataFrame(copy=False, data={
        "family_id": line.ids.copy(),
        "contacts": total.astype(np.int64),
        "uncoordinated": flagged.astype(np.int64),
        "uncoordinated_share": flagged / total,
        "peak_parallel_agencies": np.maximum.reduceat(in_window, line.starts).astype(np.int64),
        "repeat_assessments": line.total(repeat.astype(np.int64)).astype(np.int64),
    })
    return UncoordinatedResult(contacts=frame, families=families, params=params)
