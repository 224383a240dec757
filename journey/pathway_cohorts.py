"""Typical pathways per cohort: whole journeys or up to the escalation, repeats kept or collapsed.

The pathways page compares cohorts of families (all, high-contact, escalated,
eligible) in four views: each family's whole journey or its journey **up to
the escalation** (cut at its first escalation contact, that contact
included), with repeat contacts with one agency kept or **collapsed** into one
step. Families that never escalated have no escalation to cut at, so the
"up to the escalation" view leaves them out. docs/analyses.md#pathways-per-cohort
defines the views.

* :func:`cut_at_escalation` — each escalated family's journey up to and
  including its first escalation contact;
* :func:`journey_steps` — the first (or last) few steps of each journey, so
  that cohorts whose whole journeys are all different still show what most of
  their families have in common;
* :func:`pathway_views` — the transitions, journey ends and variants of every
  cohort in every view, as the analysis run stores them for the page.

Collapsing repeats only drops the self-transitions A → A from the transitions
and never changes a journey's first or last agency (see :mod:`journey.pathways`),
so the transitions and ends are stored with repeats kept, once per cohort and
view; the variants are stored for both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from journey.arrays import run_starts
from journey.errors import InputError
from journey.event_log import AgencyJourneys
from journey.pathways import (
    ENDS_COLUMNS,
    ONE_FAMILY_VARIANTS,
    PATHWAY_COLUMNS,
    VARIANT_COLUMNS,
    pathway_ends,
    pathways,
)
from journey.sequences import representatives, sequence_groups, sequence_labels, sequence_order

__all__ = [
    "UNTIL",
    "STEPS",
    "PathwayViews",
    "cut_at_escalation",
    "journey_steps",
    "shared_variants",
    "pathway_views",
]

#: How far each family's journey is read: to its last contact, or to its first escalation contact.
UNTIL: dict[str, str] = {
    "end": "The whole journey",
    "escalation": "Up to the escalation",
}

#: How many steps the "first steps" (whole journeys) and "last steps" (up to the escalation)
#: variants keep.
STEPS = 3


def _subset(journeys: AgencyJourneys, keep: np.ndarray) -> AgencyJourneys:
    return AgencyJourneys(
        journeys.family_ids,
        journeys.agencies,
        journeys.family[keep],
        journeys.agency[keep],
        journeys.occurred_at[keep],
        journeys.rows[keep],
    )


def _position_in_journey(family: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each event's step number within its family (0 first) and its family's step count."""
    if len(family) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    first = run_starts(family)
    starts = np.flatnonzero(first)
    segment = np.cumsum(first) - 1
    lengths = np.diff(np.append(starts, len(family)))
    return np.arange(len(family)) - starts[segment], lengths[segment]


def cut_at_escalation(journeys: AgencyJourneys, escalation: np.ndarray) -> AgencyJourneys:
    """Each escalated family's journey up to and including its first escalation contact.

    Parameters
    ----------
    journeys : AgencyJourneys
        The family journeys (see :func:`journey.event_log.agency_journeys`).
    escalation : numpy.ndarray of bool
        One flag per row of the contacts frame the journeys were cut from
        (indexed like ``journeys.rows``): whether the contact is an escalation
        event (:meth:`journey.taxonomy.Taxonomy.is_escalation` by default).

    Returns
    -------
    AgencyJourneys
        The contacts of each family before its first escalation contact in
        journey order, and that contact. Families without an escalation
        contact are left out; contacts after the first escalation are dropped.

    Examples
    --------
    >>> from journey.event_log import agency_journeys
    >>> contacts = pd.DataFrame({
    ...     "family_id": ["F1", "F1", "F1", "F2"], "contact_id": ["a", "b", "c", "d"],
    ...     "agency": ["Police", "Children's Social Care", "School", "GP"],
    ...     "occurred_at": pd.to_datetime(["2021-01-01", "2021-01-02", "2021-01-03",
    ...                                    "2021-01-01"])})
    >>> cut = cut_at_escalation(agency_journeys(contacts), np.array([False, True, False, False]))
    >>> [str(cut.agencies[a]) for a in cut.agency]
    ['Police', "Children's Social Care"]
    """
    escalation = np.asarray(escalation, dtype=bool)
    if len(journeys.rows) and (journeys.rows.max() >= len(escalation)):
        raise InputError(
            f"escalation: {len(escalation)} flags for contacts with row {journeys.rows.max()}"
        )
    if len(journeys.family) == 0:
        return journeys
    flagged = escalation[journeys.rows].astype(np.int64)
    first = run_starts(journeys.family)
    starts = np.flatnonzero(first)
    segment = np.cumsum(first) - 1
    # Escalation contacts strictly before each event, counted within its family.
    before = np.cumsum(flagged) - flagged
    before -= before[starts][segment]
    escalated = np.add.reduceat(flagged, starts) > 0
    return _subset(journeys, (before == 0) & escalated[segment])


def _collapsed(journeys: AgencyJourneys) -> AgencyJourneys:
    """Consecutive contacts of a family with the same agency merged into the first of them."""
    if len(journeys.family) == 0:
        return journeys
    return _subset(journeys, run_starts(journeys.family) | run_starts(journeys.agency))


def journey_steps(
    journeys: AgencyJourneys, steps: int = STEPS, *, from_end: bool = False,
    collapse_repeats: bool = False,
) -> AgencyJourneys:  # fmt: skip
    """The first ``steps`` steps of each family's journey (the last ones with ``from_end``).

    With ``collapse_repeats`` the repeats are merged first, so the steps are
    the first (or last) ``steps`` agencies in turn. Journeys shorter than
    ``steps`` are kept whole.

    Examples
    --------
    >>> from journey.event_log import agency_journeys
    >>> contacts = pd.DataFrame({
    ...     "family_id": ["F1"] * 4, "contact_id": list("abcd"),
    ...     "agency": ["GP", "GP", "Police", "School"],
    ...     "occurred_at": pd.to_datetime(["2021-01-01", "2021-01-02", "2021-01-03",
    ...                                    "2021-01-04"])})
    >>> journeys = agency_journeys(contacts)
    >>> def names(cut): return [str(cut.agencies[a]) for a in cut.agency]
    >>> names(journey_steps(journeys, 2)), names(journey_steps(journeys, 2, collapse_repeats=True))
    (['GP', 'GP'], ['GP', 'Police'])
    >>> names(journey_steps(journeys, 2, from_end=True))
    ['Police', 'School']
    """
    if steps < 1:
        raise InputError(f"steps: expected a whole number of at least 1, not {steps}")
    if collapse_repeats:
        journeys = _collapsed(journeys)
    position, length = _position_in_journey(journeys.family)
    keep = position >= length - steps if from_end else position < steps
    return _subset(journeys, keep)


@dataclass(frozen=True)
class PathwayViews:
    """The stored results of every cohort in every view of the pathways page.

    ``flows`` and ``ends`` have the columns of :func:`journey.pathways.pathways`
    and :func:`journey.pathways.pathway_ends` after ``cohort, until`` (repeats
    kept: the collapsed view is the same rows without A → A). ``variants``
    has :func:`journey.pathways.compact_variants`' columns after ``cohort,
    until, collapse_repeats, part``: ``part`` is ``journey`` (whole variants
    of the view), ``first_steps`` (the first :data:`STEPS` steps of whole
    journeys) or ``last_steps`` (the last :data:`STEPS` steps up to the
    escalation).
    """

    flows: pd.DataFrame
    ends: pd.DataFrame
    variants: pd.DataFrame

    def whole_journeys(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Whole journeys with repeats kept: :func:`journey.pathways.cohort_pathways`' frames.

        The transitions, ends and variants (folded by
        :func:`journey.pathways.compact_variants`) with a leading ``cohort``
        column, as ``pathways.csv``, ``pathway_ends.csv`` and ``variants.csv``
        have them.
        """
        whole = []
        for frame in (self.flows, self.ends, self.variants):
            rows = frame[frame["until"] == "end"]
            if "part" in frame:
                rows = rows[~rows["collapse_repeats"].astype(bool) & (rows["part"] == "journey")]
            view_keys = [c for c in ("until", "collapse_repeats", "part") if c in rows]
            rows = rows.drop(columns=view_keys).reset_index(drop=True)
            rows.attrs["parameters"] = {"collapse_repeats": False}
            whole.append(rows)
        return whole[0], whole[1], whole[2]

    def frames(self) -> dict[str, pd.DataFrame]:
        """The frames by the names the analysis run stores them under."""
        return {
            "pathway_view_flows": self.flows,
            "pathway_view_ends": self.ends,
            "pathway_view_variants": self.variants,
        }


def _labelled(frame: pd.DataFrame, columns: list[str], **keys: object) -> pd.DataFrame:
    return frame.assign(**keys)[[*keys, *columns]]


def shared_variants(journeys: AgencyJourneys, *, collapse_repeats: bool = False) -> pd.DataFrame:
    """:func:`journey.pathways.variants`, folded as :func:`journey.pathways.compact_variants` does.

    The same rows, without labelling the variants followed by one family
    first: on a real population most journeys are unique, and labelling them
    only to fold them is most of the work.

    Returns
    -------
    DataFrame
        ``variant, length, families, share, variants``: every variant followed
        by two or more families (``variants`` 1), most families first, then by
        label, then length; then, when there are any, one row
        :data:`journey.pathways.ONE_FAMILY_VARIANTS` for those followed by one
        family (``length`` empty, ``families`` = ``variants`` = how many).

    Examples
    --------
    >>> from journey.event_log import agency_journeys
    >>> contacts = pd.DataFrame({
    ...     "family_id": ["F1", "F1", "F2", "F2", "F3"], "contact_id": list("abcde"),
    ...     "agency": ["Police", "School", "Police", "School", "GP"],
    ...     "occurred_at": pd.to_datetime(["2021-01-01", "2021-01-02"] * 2 + ["2021-01-01"])})
    >>> shared_variants(agency_journeys(contacts))[["variant", "families", "variants"]]
                                             variant  families  variants
    0                                Police → School         2         1
    1  (other variants, each followed by one family)         1         1
    """
    if collapse_repeats:
        journeys = _collapsed(journeys)
    family, agency = journeys.family, journeys.agency
    columns = [*VARIANT_COLUMNS, "variants"]
    if len(family) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    starts = np.flatnonzero(run_starts(family))
    lengths = np.diff(np.append(starts, len(family)))
    group = sequence_groups(agency, starts, lengths)
    lead, counts = representatives(group), np.bincount(group)
    names = [str(n) for n in journeys.agencies]
    shared = np.flatnonzero(counts >= 2)
    # Ordering a subset by label keeps its order within the whole set.
    shared = shared[sequence_order(names, agency, starts[lead[shared]], lengths[lead[shared]])]
    shared = shared[np.argsort(-counts[shared], kind="stable")]
    lead = lead[shared]
    frame = pd.DataFrame({
        "variant": sequence_labels(names, agency, starts[lead], lengths[lead]),
        "length": pd.array(lengths[lead], dtype="Int64"),
        "families": counts[shared].astype(np.int64),
        "share": counts[shared] / len(starts),
        "variants": np.ones(len(shared), dtype=np.int64),
    }, columns=columns)  # fmt: skip
    single = int(np.count_nonzero(counts == 1))
    if single:
        folded = pd.DataFrame({
            "variant": [ONE_FAMILY_VARIANTS], "length": pd.array([pd.NA], dtype="Int64"),
            "families": [single], "share": [single / len(starts)], "variants": [single],
        })  # fmt: skip
        frame = pd.concat([frame, folded], ignore_index=True) if len(frame) else folded
    return frame


def _view_variants(
    journeys: AgencyJourneys, cohort: str, until: str, collapse: bool
) -> list[pd.DataFrame]:
    """The view's whole variants and its first (or last) steps, single-family ones folded."""
    steps = journey_steps(
        journeys, STEPS, from_end=until == "escalation", collapse_repeats=collapse
    )
    found = [
        ("journey", shared_variants(journeys, collapse_repeats=collapse)),
        ("first_steps" if until == "end" else "last_steps", shared_variants(steps)),
    ]
    keys = {"cohort": cohort, "until": until, "collapse_repeats": collapse}
    return [frame.assign(**keys, part=part) for part, frame in found]


def _joined(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def pathway_views(
    journeys: AgencyJourneys, cohorts: Mapping[str, Iterable], escalation: np.ndarray
) -> PathwayViews:
    """Transitions, journey ends and variants of each cohort, whole and up to the escalation.

    Parameters
    ----------
    journeys : AgencyJourneys
        The whole population's journeys.
    cohorts : mapping of str to iterable of family ids
        As for :func:`journey.pathways.cohort_pathways`.
    escalation : numpy.ndarray of bool
        Per contact row, whether it is an escalation event (see :func:`cut_at_escalation`).

    Returns
    -------
    PathwayViews
        Cohorts in the order given, then ``until`` (``end``, ``escalation``),
        then repeats kept before collapsed. An empty cohort or view adds no rows.

    Examples
    --------
    F1 sees the police twice, then children's social care, then a school; F2
    the police, then children's social care:

    >>> from journey.event_log import agency_journeys
    >>> contacts = pd.DataFrame({
    ...     "family_id": ["F1", "F1", "F1", "F1", "F2", "F2"], "contact_id": list("abcdef"),
    ...     "agency": ["Police", "Police", "CSC", "School", "Police", "CSC"],
    ...     "occurred_at": pd.to_datetime(["2021-01-01", "2021-01-02", "2021-01-03",
    ...                                    "2021-01-04", "2021-01-01", "2021-01-02"])})
    >>> escalation = (contacts["agency"] == "CSC").to_numpy()
    >>> views = pathway_views(agency_journeys(contacts), {"all": ["F1", "F2"]}, escalation)
    >>> up_to = views.variants.query("until == 'escalation' and collapse_repeats")
    >>> up_to[["part", "variant", "families"]].values.tolist()
    [['journey', 'Police → CSC', 2], ['last_steps', 'Police → CSC', 2]]
    """
    cut = cut_at_escalation(journeys, escalation)
    flows, ends, variant_frames = [], [], []
    for name, families in cohorts.items():
        families = list(families)
        for until, source in (("end", journeys), ("escalation", cut)):
            subset = source.for_families(families)
            flows.append(_labelled(pathways(subset), PATHWAY_COLUMNS, cohort=name, until=until))
            ends.append(_labelled(pathway_ends(subset), ENDS_COLUMNS, cohort=name, until=until))
            for collapse in (False, True):
                variant_frames += _view_variants(subset, name, until, collapse)
    keys = ["cohort", "until", "collapse_repeats", "part"]
    return PathwayViews(
        flows=_joined(flows, ["cohort", "until", *PATHWAY_COLUMNS]),
        ends=_joined(ends, ["cohort", "until", *ENDS_COLUMNS]),
        variants=_joined(variant_frames, [*keys, *VARIANT_COLUMNS, "variants"]),
    )
