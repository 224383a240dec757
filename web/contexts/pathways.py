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

from web.contexts.common import analysis_status, records
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


def _cohort(frame: pd.DataFrame | None, cohort: str) -> pd.DataFrame | None:
    if frame is None:
        return None
    return frame[frame["cohort"] == cohort].drop(columns="cohort")


def _build_map(data: ServiceData, query: PathwayQuery, assets: str) -> MapDocument:
    from journey.maps import pathways_map

    pathways = _cohort(data.result("pathways"), query.cohort)
    ends = _cohort(data.result("pathway_ends"), query.cohort)
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
    pathways = _cohort(data.result("pathways"), query.cohort)
    minimum = 1 if pathways is None else default_min_transitions(pathways)
    return replace(query, min_transitions=minimum)


def pathways_map_document(data: ServiceData, query: PathwayQuery, *, assets: str) -> MapDocument:
    """The cohort's pathways map, cached per data version (no ``min``: the default minimum)."""
    query = _with_minimum(data, query)
    key = ("pathways_map", query.cohort, query.min_transitions, assets)
    return data.cached(key, lambda: _build_map(data, query, assets))


def pathways_context(data: ServiceData, query: PathwayQuery) -> dict[str, Any]:
    """The cohort's transitions at or above ``min``, start/end agencies, variants, and its map.

    The map document (with its legend) is drawn by its own request, which the
    page's iframe makes, so the page does not wait for it. Without ``min`` the
    minimum is :func:`default_min_transitions`; ``pathways_shown`` of
    ``pathways_total`` pathways between agencies are then on the map.
    """
    chosen = query.min_transitions is None
    query = _with_minimum(data, query)
    context: dict[str, Any] = {
        "page_title": "Pathways",
        **analysis_status(data),
        "cohort": query.cohort,
        "cohorts": COHORTS,
        "min_transitions": query.min_transitions,
        "min_transitions_default": chosen,
        "most_pathways_shown": MOST_PATHWAYS_SHOWN,
        "pathways_shown": 0,
        "pathways_total": 0,
        "map": None,
        "transitions": [],
        "hidden_transitions": 0,
        "ends": [],
        "variants": [],
        "one_family_variants": 0,
    }
    pathways = _cohort(data.result("pathways"), query.cohort)
    if pathways is None:
        return context
    kept = pathways[pathways["transitions"] >= query.min_transitions]
    kept = kept.sort_values(
        ["transitions", "from_agency", "to_agency"], ascending=[False, True, True], kind="mergesort"
    )
    ends = _cohort(data.result("pathway_ends"), query.cohort)
    if ends is not None:
        ends = ends[(ends["starts"] > 0) | (ends["ends"] > 0)]
        ends = ends.sort_values(["starts", "agency"], ascending=[False, True], kind="mergesort")
    variants = _cohort(data.result("variants"), query.cohort)
    one_family_variants = 0
    if variants is not None:
        # The stored table folds single-family variants into one row (see
        # journey.pathways.compact_variants): say how many, never rank it.
        if "variants" in variants.columns:
            folded = variants["variants"] > 1
            one_family_variants = int(variants.loc[folded, "variants"].sum())
            variants = variants[~folded]
        variants = variants.sort_values(
            ["families", "variant"], ascending=[False, True], kind="mergesort"
        ).head(query.variants)
    url = url_for("pathways.pathways_map", cohort=query.cohort, min=query.min_transitions)
    context.update(
        map={"url": url, "title": f"Agency pathways map: {COHORTS[query.cohort]}"},
        transitions=records(
            kept, ["from_agency", "to_agency", "transitions", "families", "median_days"]
        ),
        hidden_transitions=int(len(pathways) - len(kept)),
        pathways_shown=int(len(_between_agencies(kept))),
        pathways_total=int(len(_between_agencies(pathways))),
        ends=records(ends, ["agency", "starts", "ends"]),
        variants=records(variants, ["variant", "length", "families", "share"]),
        one_family_variants=one_family_variants,
    )
    return context
