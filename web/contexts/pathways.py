"""The pathways page: the agency directly-follows map of a cohort, its start/end agencies, variants.

Reads the stored ``pathways``, ``pathway_ends`` and ``variants`` results;
``min`` hides transitions seen fewer times than that. Without ``min`` the page
picks the smallest threshold that keeps the map to at most
:data:`MOST_PATHWAYS_SHOWN` pathways between agencies, so a real population's
map opens readable rather than as a hairball; ``?min=1`` still shows them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from flask import url_for

from journey.pathways import ONE_FAMILY_VARIANTS
from web.contexts.common import analysis_meta, records
from web.data import ServiceData
from web.maps_view import MapDocument
from web.params import choice_param, int_param

__all__ = [
    "COHORTS",
    "MOST_PATHWAYS_SHOWN",
    "PathwayQuery",
    "default_min_transitions",
    "parse_pathway_query",
    "pathways_context",
    "pathways_page",
    "pathways_map_document",
]

COHORTS: dict[str, str] = {
    "all": "All families",
    "high_contact": "High-contact families",
    "escalated": "Families that escalated",
    "eligible": "Eligible families",
}

# About as many arrows as a reader can follow on one screen of map.
MOST_PATHWAYS_SHOWN = 40


@dataclass(frozen=True)
class PathwayQuery:
    """Which cohort's pathways, hiding transitions seen fewer than ``min_transitions`` times.

    ``min_transitions`` None means "not asked for": the page picks
    :func:`default_min_transitions` for the cohort.
    """

    cohort: str = "all"
    min_transitions: int | None = None
    variants: int = 20


def parse_pathway_query(args: Mapping[str, str]) -> PathwayQuery:
    """Validate ``cohort``, ``min`` and ``variants`` (a bad value raises a 400)."""
    return PathwayQuery(
        cohort=choice_param(args, "cohort", COHORTS, default="all"),
        min_transitions=int_param(args, "min", default=None, minimum=1),
        variants=int_param(args, "variants", default=20, minimum=1, maximum=500),
    )


def _between_agencies(pathways: pd.DataFrame) -> pd.DataFrame:
    """The pathways the map draws: a family staying with one agency is not an arrow."""
    return pathways[pathways["from_agency"] != pathways["to_agency"]]


def default_min_transitions(pathways: pd.DataFrame, *, most: int = MOST_PATHWAYS_SHOWN) -> int:
    """The smallest minimum that leaves at most ``most`` pathways between agencies (at least 1).

    Parameters
    ----------
    pathways : pandas.DataFrame
        One cohort's transitions: ``from_agency``, ``to_agency``, ``transitions``.
    most : int, default 40
        How many pathways between different agencies the map may show.
        Transitions from an agency to itself are not counted: the map does not
        draw them.

    Returns
    -------
    int
        One more than the ``most + 1``-th largest transition count, or 1 when
        there are no more than ``most`` pathways. Ties can leave fewer than
        ``most`` shown, never more.

    Examples
    --------
    >>> flows = pd.DataFrame({"from_agency": ["Police", "School", "GP", "GP"],
    ...     "to_agency": ["School", "Police", "Police", "GP"], "transitions": [9, 4, 4, 50]})
    >>> default_min_transitions(flows, most=3), default_min_transitions(flows, most=2)
    (1, 5)
    >>> default_min_transitions(flows, most=1)
    5
    """
    counts = _between_agencies(pathways)["transitions"].dropna().to_numpy()
    if len(counts) <= most:
        return 1
    # Sorted descending, counts[most] is the strongest pathway that must go.
    counts = np.sort(counts)[::-1]
    return max(1, int(counts[most]) + 1)


def _cohort(frame: pd.DataFrame, cohort: str) -> pd.DataFrame:
    return frame[frame["cohort"] == cohort].drop(columns="cohort")


def _without_small_counts(frame: pd.DataFrame, columns: list[str], highest: int) -> pd.DataFrame:
    """Rows whose counts are all 0 or above ``highest`` (disclosure control of the map)."""
    small = pd.Series(False, index=frame.index)
    for column in columns:
        small |= frame[column].between(1, highest)
    return frame[~small]


def _build_map(
    data: ServiceData, query: PathwayQuery, assets: str, suppress_up_to: int | None = None
) -> MapDocument:
    from journey.maps import pathways_map

    pathways = _cohort(data.analysed_result("pathways"), query.cohort)
    ends = _cohort(data.analysed_result("pathway_ends"), query.cohort)
    if suppress_up_to:
        pathways = _without_small_counts(pathways, ["families"], suppress_up_to)
        ends = _without_small_counts(ends, ["starts", "ends"], suppress_up_to)
    title = f"Pathways between agencies — {COHORTS[query.cohort].lower()}"
    journey_map = pathways_map(
        pathways,
        min_transitions=query.min_transitions,
        ends=ends,
        assets=assets,
        title=title,
        taxonomy=data.taxonomy,
        show_legend=True,
    )
    return MapDocument.of(journey_map)


def _with_minimum(data: ServiceData, query: PathwayQuery) -> PathwayQuery:
    """``query`` with its minimum filled in: the one asked for, else the cohort's default."""
    if query.min_transitions is not None:
        return query
    pathways = _cohort(data.analysed_result("pathways"), query.cohort)
    return replace(query, min_transitions=default_min_transitions(pathways))


def pathways_map_document(
    data: ServiceData, query: PathwayQuery, *, assets: str, suppress_up_to: int | None = None
) -> MapDocument:
    """The cohort's pathways map, cached per data version (no ``min``: the default minimum).

    ``suppress_up_to`` leaves out the pathways of 1 to that many families, and
    the start and end counts that small (disclosure control for roles without
    identified data).

    Raises
    ------
    NotAnalysed
        Before any analysis (503).
    """
    query = _with_minimum(data, query)
    key = ("pathways_map", query.cohort, query.min_transitions, assets, suppress_up_to)
    return data.cached(key, lambda: _build_map(data, query, assets, suppress_up_to))


def _ranked_variants(variants: pd.DataFrame, most: int) -> tuple[pd.DataFrame, int]:
    """The first ``most`` variants in the analysis' order, and how many were folded away.

    The stored table folds single-family variants into one row (see
    :func:`journey.pathways.compact_variants`): say how many, never rank it.
    The folded row is known by its label, not its count: it may stand for one.
    """
    folded = variants["variant"] == ONE_FAMILY_VARIANTS
    one_family_variants = int(variants.loc[folded, "variants"].sum())
    return variants[~folded].head(most), one_family_variants


def pathways_context(data: ServiceData, query: PathwayQuery) -> dict[str, Any]:
    """The cohort's transitions at or above ``min``, start/end agencies, variants, and its map.

    Every table keeps the order the analysis gave it
    (:func:`journey.pathways.pathways`, :func:`journey.pathways.pathway_ends`,
    :func:`journey.pathways.variants`). The map document (with its legend) is
    drawn by its own request, which the page's iframe makes, so the page does
    not wait for it. Without ``min`` the minimum is
    :func:`default_min_transitions`; ``pathways_shown`` of ``pathways_total``
    pathways between agencies are then on the map.

    Raises
    ------
    NotAnalysed
        Before any analysis (503).
    """
    chosen = query.min_transitions is None
    query = _with_minimum(data, query)
    pathways = _cohort(data.analysed_result("pathways"), query.cohort)
    kept = pathways[pathways["transitions"] >= query.min_transitions]
    ends = _cohort(data.analysed_result("pathway_ends"), query.cohort)
    ends = ends[(ends["starts"] > 0) | (ends["ends"] > 0)]
    variants, one_family_variants = _ranked_variants(
        _cohort(data.analysed_result("variants"), query.cohort), query.variants
    )
    url = url_for("pathways.pathways_map", cohort=query.cohort, min=query.min_transitions)
    return {
        "analysis": analysis_meta(data),
        "cohort": query.cohort,
        "min_transitions": query.min_transitions,
        "min_transitions_default": chosen,
        "most_pathways_shown": MOST_PATHWAYS_SHOWN,
        "pathways_shown": int(len(_between_agencies(kept))),
        "pathways_total": int(len(_between_agencies(pathways))),
        "hidden_transitions": int(len(pathways) - len(kept)),
        "map": {"url": url},
        "transitions": records(
            kept, ["from_agency", "to_agency", "transitions", "families", "median_days"]
        ),
        "ends": records(ends, ["agency", "starts", "ends"]),
        "variants": records(variants, ["variant", "length", "families", "share"]),
        "one_family_variants": one_family_variants,
    }


def pathways_page(context: dict[str, Any]) -> dict[str, Any]:
    """What only the page needs: the cohorts' names and the map's iframe title."""
    label = COHORTS[context["cohort"]]
    return {
        "cohorts": COHORTS,
        "map": {**context["map"], "title": f"Agency pathways map: {label}"},
    }
