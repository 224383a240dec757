"""The pathways page: the agency directly-follows map of a cohort, its start/end agencies, variants.

Reads the stored ``pathways``, ``pathway_ends`` and ``variants`` results;
``min`` hides transitions seen fewer times than that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from flask import url_for

from web.contexts.common import analysis_status, records
from web.data import ServiceData
from web.maps_view import MapDocument
from web.params import choice_param, int_param

__all__ = [
    "COHORTS",
    "PathwayQuery",
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


@dataclass(frozen=True)
class PathwayQuery:
    """Which cohort's pathways, hiding transitions seen fewer than ``min_transitions`` times."""

    cohort: str = "all"
    min_transitions: int = 1
    variants: int = 20


def parse_pathway_query(args: Mapping[str, str]) -> PathwayQuery:
    """Validate ``cohort``, ``min`` and ``variants`` (a bad value raises a 400)."""
    return PathwayQuery(
        cohort=choice_param(args, "cohort", COHORTS, default="all"),
        min_transitions=int_param(args, "min", default=1, minimum=1),
        variants=int_param(args, "variants", default=20, minimum=1, maximum=500),
    )


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


def pathways_map_document(data: ServiceData, query: PathwayQuery, *, assets: str) -> MapDocument:
    """The cohort's pathways map, cached per data version."""
    key = ("pathways_map", query.cohort, query.min_transitions, assets)
    return data.cached(key, lambda: _build_map(data, query, assets))


def pathways_context(data: ServiceData, query: PathwayQuery) -> dict[str, Any]:
    """The cohort's transitions at or above ``min``, start/end agencies, variants, and its map.

    The map document (with its legend) is drawn by its own request, which the
    page's iframe makes, so the page does not wait for it.
    """
    context: dict[str, Any] = {
        "page_title": "Pathways",
        **analysis_status(data),
        "cohort": query.cohort,
        "cohorts": COHORTS,
        "min": query.min_transitions,
        "map": None,
        "transitions": [],
        "hidden_transitions": 0,
        "ends": [],
        "variants": [],
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
    if variants is not None:
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
        ends=records(ends, ["agency", "starts", "ends"]),
        variants=records(variants, ["variant", "length", "families", "share"]),
    )
    return context
