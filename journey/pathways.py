"""Typical pathways: the directly-follows graph between agencies over family journeys.

A family's journey is its contacts in the event log's order (each contact
once, ties by contact id: :mod:`journey.event_log`). Reading each family as a
case and each contact's agency as its activity, the functions here count what
process-mining tools count on the same event log (pm4py's ``discover_dfg``,
start and end activities, variants); docs/analyses.md#pathways defines them:

* :func:`pathways` — transitions A → B with the number of families and the
  median days between the two contacts. Consecutive contacts with the same
  agency are a self-transition A → A, so transitions add up to
  Σ (contacts of the family − 1);
* :func:`pathway_ends` — how many journeys start and end with each agency;
* :func:`variants` — distinct agency sequences and how many families follow each;
* :func:`flow_graph` — the pathways as a NetworkX ``DiGraph``;
* :func:`cohort_pathways` — the three frames for several cohorts at once.

``collapse_repeats=True`` first merges consecutive contacts with the same
agency into one step. For :func:`pathways` that only removes the self-loops:
a transition A → B (A ≠ B) is between the last contact of a run of A and the
first contact of the next run, in either mode, so its counts and days are the
same. Variants change (``A A B`` becomes ``A → B``); starts and ends do not.

Every function takes the contacts frame, :class:`~journey.event_log.PreparedContacts`
or the :class:`~journey.event_log.AgencyJourneys` cut from them; building the
log is most of the work, and it is done once per frame however many
functions read it (:func:`journey.event_log.prepare`). All work is vectorised
with numpy: nothing loops per contact or per family. :func:`compact_variants`
folds the variants followed by one family each into one row, as
``variants.csv`` has them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx
import numpy as np
import pandas as pd

from journey.arrays import DAY_NS, run_starts, unique_ints
from journey.event_log import AgencyJourneys, PreparedContacts, agency_journeys
from journey.sequences import representatives, sequence_groups, sequence_labels, sequence_order

__all__ = [
    "pathways", "pathway_ends", "variants", "flow_graph", "cohort_pathways", "compact_variants",
    "ONE_FAMILY_VARIANTS", "PATHWAY_COLUMNS", "ENDS_COLUMNS", "VARIANT_COLUMNS",
]  # fmt: skip

PATHWAY_COLUMNS = ["from_agency", "to_agency", "transitions", "families", "median_days"]
ENDS_COLUMNS = ["agency", "starts", "ends"]
VARIANT_COLUMNS = ["variant", "length", "families", "share"]


def _pairs(journeys: AgencyJourneys, collapse_repeats: bool) -> tuple[np.ndarray, np.ndarray]:
    """Each pair of consecutive contacts as ``from * agencies + to``, and the time between them.

    Pairs that are no transition (two families' contacts, or a repeat when
    collapsing) get the code agencies² and a gap of 0: nothing is filtered out.
    """
    n_agencies = len(journeys.agencies)
    agency = journeys.agency
    pair = agency[:-1] * n_agencies + agency[1:]
    outside = journeys.family[1:] != journeys.family[:-1]
    if collapse_repeats:
        outside |= agency[1:] == agency[:-1]
    pair[outside] = n_agencies * n_agencies
    gap = np.diff(journeys.occurred_at)
    gap[outside] = 0
    return pair, gap


def _families_per_pair(family: np.ndarray, pair: np.ndarray, width: int, n_families: int):
    """How many distinct families have each pair code ``0 .. width - 1``."""
    if n_families * width <= 8 * len(pair) + 4096:
        seen = np.zeros(n_families * width, dtype=bool)
        seen[family * width + pair] = True
        return np.count_nonzero(seen.reshape(n_families, width), axis=0)
    return np.bincount(unique_ints(family * width + pair) % width, minlength=width)


def _gaps_by_pair(pair: np.ndarray, gap: np.ndarray, width: int) -> np.ndarray:
    """The gaps sorted by pair code, then by length (each pair's gaps in order).

    Gaps are whole seconds (or milliseconds...) in practice, so (pair, gap in
    those units) packs into one int64, and sorting values is several times
    faster than an argsort; a lexsort when they do not fit.
    """
    unit, units = 1, gap
    for candidate in (10**9, 10**6, 10**3):
        whole = gap // candidate
        if np.array_equal(whole * candidate, gap):
            unit, units = candidate, whole
            break
    bits = int(units.max()).bit_length() if len(gap) else 0
    if bits + max(width - 1, 1).bit_length() > 62:
        return gap[np.lexsort((gap, pair))]
    packed = np.sort((pair << bits) | units)
    return (packed & ((1 << bits) - 1)) * unit


def pathways(
    contacts: pd.DataFrame | PreparedContacts | AgencyJourneys, *, collapse_repeats: bool = False
) -> pd.DataFrame:
    """Count the transitions between agencies in family journeys (the directly-follows graph).

    Parameters
    ----------
    contacts : DataFrame, PreparedContacts or AgencyJourneys
        Contract contacts (see :func:`agency_journeys`).
    collapse_repeats : bool, default False
        Merge consecutive contacts with the same agency first, which drops the
        self-transitions A → A and leaves every other count unchanged.

    Returns
    -------
    DataFrame
        ``from_agency, to_agency, transitions, families, median_days``:
        ``transitions`` counts consecutive pairs of contacts in all journeys,
        ``families`` the families with at least one such pair, ``median_days``
        the median of the time between the two contacts in days. Sorted by
        transitions (most first), then from and to agency. ``attrs["parameters"]``
        records ``collapse_repeats``.

    Examples
    --------
    Family F1 sees the police twice, then the school; F2 the police then school:

    >>> contacts = pd.DataFrame({
    ...     "family_id": ["F1", "F1", "F1", "F2", "F2"],
    ...     "contact_id": ["a", "b", "c", "d", "e"],
    ...     "agency": ["Police", "Police", "School", "Police", "School"],
    ...     "occurred_at": pd.to_datetime(
    ...         ["2021-01-01", "2021-01-03", "2021-01-13", "2021-02-01", "2021-02-05"]),
    ... })
    >>> pathways(contacts)
      from_agency to_agency  transitions  families  median_days
    0      Police    School            2         2          7.0
    1      Police    Police            1         1          2.0
    >>> pathways(contacts, collapse_repeats=True)["transitions"].tolist()
    [2]
    """
    journeys = agency_journeys(contacts)
    n_agencies = len(journeys.agencies)
    width = n_agencies * n_agencies + 1  # the last code: no transition
    pair, gap = _pairs(journeys, collapse_repeats)
    transitions = np.bincount(pair, minlength=width)[:-1]
    present = np.flatnonzero(transitions)
    families = _families_per_pair(journeys.family[:-1], pair, width, len(journeys.family_ids))
    # np.median of each pair's gaps: the mean of its middle one or two, as np.mean takes it.
    gaps = _gaps_by_pair(pair, gap, width)
    counts = transitions[present]
    starts = np.cumsum(transitions)[present] - counts
    lower = gaps[starts + (counts - 1) // 2].astype(float)
    upper = gaps[starts + counts // 2].astype(float)
    frame = pd.DataFrame({"from_agency": journeys.agencies[present // n_agencies],
                          "to_agency": journeys.agencies[present % n_agencies],
                          "transitions": counts.astype(np.int64),
                          "families": families[present].astype(np.int64),
                          "median_days": (lower + upper) / 2 / DAY_NS},
                         columns=PATHWAY_COLUMNS)  # fmt: skip
    frame = frame.sort_values(
        ["transitions", "from_agency", "to_agency"], ascending=[False, True, True], kind="mergesort"
    ).reset_index(drop=True)
    frame.attrs["parameters"] = {"collapse_repeats": collapse_repeats}
    return frame


def _steps(journeys: AgencyJourneys, collapse_repeats: bool) -> tuple[np.ndarray, np.ndarray]:
    """(family, agency) of each step of the journeys; repeats merged when asked."""
    family, agency = journeys.family, journeys.agency
    if collapse_repeats and len(family):
        moved = run_starts(family) | run_starts(agency)
        family, agency = family[moved], agency[moved]
    return family, agency


def pathway_ends(
    contacts: pd.DataFrame | PreparedContacts | AgencyJourneys, *, collapse_repeats: bool = False
) -> pd.DataFrame:
    """Count the families whose journey starts, and ends, with each agency.

    Parameters
    ----------
    contacts : DataFrame, PreparedContacts or AgencyJourneys
        Contract contacts (see :func:`agency_journeys`).
    collapse_repeats : bool, default False
        Accepted for symmetry with :func:`pathways`; merging repeats never
        changes a journey's first or last agency.

    Returns
    -------
    DataFrame
        ``agency, starts, ends``, one row per agency with at least one contact,
        sorted by starts, then ends (most first), then agency. Each column sums
        to the number of families.

    Examples
    --------
    >>> contacts = pd.DataFrame({
    ...     "family_id": ["F1", "F1", "F2"],
    ...     "contact_id": ["a", "b", "c"],
    ...     "agency": ["Police", "School", "Police"],
    ...     "occurred_at": pd.to_datetime(["2021-01-01", "2021-01-02", "2021-01-01"]),
    ... })
    >>> pathway_ends(contacts)
       agency  starts  ends
    0  Police       2     1
    1  School       0     1
    """
    journeys = agency_journeys(contacts)
    family, agency = _steps(journeys, collapse_repeats)
    n_agencies = len(journeys.agencies)
    first = run_starts(family)
    last = np.roll(first, -1) if len(first) else first
    frame = pd.DataFrame({"agency": journeys.agencies,
                          "starts": np.bincount(agency[first], minlength=n_agencies),
                          "ends": np.bincount(agency[last], minlength=n_agencies)},
                         columns=ENDS_COLUMNS)  # fmt: skip
    frame = frame[np.bincount(agency, minlength=n_agencies) > 0]
    frame = frame.sort_values(
        ["starts", "ends", "agency"], ascending=[False, False, True], kind="mergesort"
    ).reset_index(drop=True)
    frame.attrs["parameters"] = {"collapse_repeats": collapse_repeats}
    return frame


def variants(
    contacts: pd.DataFrame | PreparedContacts | AgencyJourneys, *, collapse_repeats: bool = False
) -> pd.DataFrame:
    """Count the distinct journeys (agency sequences) and the families that follow each.

    Sequences are grouped by a 64-bit polynomial hash and every family is then
    checked, code for code, against its group's first family; a collision
    falls back to exact grouping, so the counts are always exact.

    Parameters
    ----------
    contacts : DataFrame, PreparedContacts or AgencyJourneys
        Contract contacts (see :func:`agency_journeys`).
    collapse_repeats : bool, default False
        Merge consecutive contacts with the same agency into one step first.

    Returns
    -------
    DataFrame
        ``variant`` (agency names joined with " → "), ``length`` (steps),
        ``families``, ``share`` (of all families); sorted by families (most
        first), then variant, then length (two sequences share a label only
        when an agency's name holds the arrow). ``families`` sums to the
        number of families.

    Examples
    --------
    >>> contacts = pd.DataFrame({
    ...     "family_id": ["F1", "F1", "F1", "F2", "F2", "F3"],
    ...     "contact_id": ["a", "b", "c", "d", "e", "f"],
    ...     "agency": ["Police", "Police", "School", "Police", "School", "GP"],
    ...     "occurred_at": pd.to_datetime(["2021-01-01", "2021-01-02", "2021-01-03",
    ...                                    "2021-01-01", "2021-01-02", "2021-01-01"]),
    ... })
    >>> variants(contacts)
                        variant  length  families     share
    0                        GP       1         1  0.333333
    1  Police → Police → School       3         1  0.333333
    2           Police → School       2         1  0.333333
    >>> variants(contacts, collapse_repeats=True)[["variant", "families"]]
               variant  families
    0  Police → School         2
    1               GP         1
    """
    journeys = agency_journeys(contacts)
    family, agency = _steps(journeys, collapse_repeats)
    if len(family) == 0:
        types = [object, np.int64, np.int64, float]
        frame = pd.DataFrame({c: pd.Series(dtype=t)
                              for c, t in zip(VARIANT_COLUMNS, types, strict=True)})  # fmt: skip
    else:
        starts = np.flatnonzero(run_starts(family))
        lengths = np.diff(np.append(starts, len(family)))
        group = sequence_groups(agency, starts, lengths)
        lead = representatives(group)
        counts = np.bincount(group)
        names = [str(n) for n in journeys.agencies]
        order = sequence_order(names, agency, starts[lead], lengths[lead])
        order = order[np.argsort(-counts[order], kind="stable")]
        lead = lead[order]
        frame = pd.DataFrame({
            "variant": sequence_labels(names, agency, starts[lead], lengths[lead]),
            "length": lengths[lead].astype(np.int64),
            "families": counts[order].astype(np.int64),
            "share": counts[order] / len(starts),
        }, columns=VARIANT_COLUMNS)  # fmt: skip
    frame.attrs["parameters"] = {"collapse_repeats": collapse_repeats}
    return frame


def flow_graph(pathways_frame: pd.DataFrame, *, self_loops: bool = True) -> nx.DiGraph:
    """Turn a :func:`pathways` frame into the agency flow graph.

    Parameters
    ----------
    pathways_frame : DataFrame
        As returned by :func:`pathways` (or one cohort's rows of
        :func:`cohort_pathways`).
    self_loops : bool, default True
        Keep the edges A → A (repeat contacts with one agency). They belong to
        the directly-follows graph, so exports keep them; measures of
        brokerage ignore them (see :func:`journey.intervention.broker_agencies`).

    Returns
    -------
    networkx.DiGraph
        Agencies as nodes; each edge carries ``transitions``, ``families`` and
        ``median_days``. ``graph.graph["parameters"]`` records the parameters.

    Examples
    --------
    >>> frame = pd.DataFrame({
    ...     "from_agency": ["Police", "Police"], "to_agency": ["School", "Police"],
    ...     "transitions": [2, 1], "families": [2, 1], "median_days": [7.0, 2.0],
    ... })
    >>> graph = flow_graph(frame, self_loops=False)
    >>> list(graph.edges(data=True))
    [('Police', 'School', {'transitions': 2, 'families': 2, 'median_days': 7.0})]
    """
    graph = nx.DiGraph()
    graph.graph["parameters"] = {**pathways_frame.attrs.get("parameters", {}),
                                 "self_loops": self_loops}  # fmt: skip
    for row in pathways_frame[PATHWAY_COLUMNS].itertuples(index=False):
        if row.from_agency == row.to_agency and not self_loops:
            continue
        graph.add_edge(
            row.from_agency,
            row.to_agency,
            transitions=int(row.transitions),
            families=int(row.families),
            median_days=float(row.median_days),
        )
    return graph


def _with_cohort(frames: list[pd.DataFrame], names: list[str], columns: list[str]) -> pd.DataFrame:
    labelled = [
        f.assign(cohort=n)[["cohort", *columns]] for f, n in zip(frames, names, strict=True)
    ]
    labelled = [f for f in labelled if len(f)]
    if not labelled:
        return pd.DataFrame(columns=["cohort", *columns])
    return pd.concat(labelled, ignore_index=True)


def cohort_pathways(
    contacts: pd.DataFrame | PreparedContacts | AgencyJourneys,
    cohorts: Mapping[str, Iterable],
    *,
    collapse_repeats: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Pathways, journey ends and variants of several cohorts of families at once.

    Parameters
    ----------
    contacts : DataFrame, PreparedContacts or AgencyJourneys
        Contract contacts of the whole population (read once).
    cohorts : mapping of str to iterable of family ids
        e.g. ``{"all": ..., "high_contact": ..., "escalated": ..., "eligible": ...}``.
        Family ids without contacts are ignored; an empty cohort adds no rows.
    collapse_repeats : bool, default False
        As in :func:`pathways`.

    Returns
    -------
    (DataFrame, DataFrame, DataFrame)
        The frames of :func:`pathways`, :func:`pathway_ends` and
        :func:`variants` with a leading ``cohort`` column, cohorts in the
        order given.

    Examples
    --------
    >>> contacts = pd.DataFrame({
    ...     "family_id": ["F1", "F1", "F2", "F2"],
    ...     "contact_id": ["a", "b", "c", "d"],
    ...     "agency": ["Police", "School", "GP", "GP"],
    ...     "occurred_at": pd.to_datetime(["2021-01-01", "2021-01-02"] * 2),
    ... })
    >>> flows, ends, journeys = cohort_pathways(contacts, {"all": ["F1", "F2"], "first": ["F1"]})
    >>> flows[["cohort", "from_agency", "to_agency", "transitions"]]
      cohort from_agency to_agency  transitions
    0    all          GP        GP            1
    1    all      Police    School            1
    2  first      Police    School            1
    """
    journeys = agency_journeys(contacts)
    names = list(cohorts)
    subsets = [journeys.for_families(cohorts[name]) for name in names]
    result = []
    for function, columns in (
        (pathways, PATHWAY_COLUMNS),
        (pathway_ends, ENDS_COLUMNS),
        (variants, VARIANT_COLUMNS),
    ):
        frames = [function(subset, collapse_repeats=collapse_repeats) for subset in subsets]
        frame = _with_cohort(frames, names, columns)
        frame.attrs["parameters"] = {"collapse_repeats": collapse_repeats, "cohorts": names}
        result.append(frame)
    return tuple(result)


ONE_FAMILY_VARIANTS = "(other variants, each followed by one family)"


def compact_variants(variants: pd.DataFrame) -> pd.DataFrame:
    """Keep variants followed by two or more families; fold the rest into one row per cohort.

    On a real population most long journeys are unique, so listing every
    single-family variant makes the table tens of megabytes without telling
    an analyst anything. The folded row has ``variant`` =
    :data:`ONE_FAMILY_VARIANTS`, no ``length``, and ``variants`` = how many
    variants it stands for (1 on every other row), so each cohort's families
    still add up to its number of families.

    Examples
    --------
    >>> frame = pd.DataFrame({"cohort": "all", "variant": ["A", "A → B", "B"],
    ...                       "length": [1, 2, 1], "families": [3, 1, 1], "share": [0.6, 0.2, 0.2]})
    >>> compact_variants(frame)[["variant", "families", "variants"]].values.tolist()
    [['A', 3, 1], ['(other variants, each followed by one family)', 2, 2]]
    """
    if variants.empty:
        return variants.assign(variants=pd.Series(dtype="int64"))
    single = variants["families"] == 1
    kept = variants[~single].assign(variants=1)
    folded = (
        variants[single]
        .groupby("cohort", sort=False)
        .agg(families=("families", "size"), share=("share", "sum"))
        .reset_index()
        .assign(variant=ONE_FAMILY_VARIANTS, length=pd.NA)
    )
    folded["variants"] = folded["families"]
    order = {cohort: i for i, cohort in enumerate(variants["cohort"].unique())}
    combined = pd.concat([kept, folded[kept.columns]], ignore_index=True)
    combined["length"] = combined["length"].astype("Int64")
    rank = combined["cohort"].map(order)
    return combined.iloc[
        np.lexsort([combined["variant"] == ONE_FAMILY_VARIANTS, rank])
    ].reset_index(drop=True)
