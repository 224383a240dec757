"""The pathways page: a cohort's agency directly-follows map, its journey ends and variants.

Reads the stored views of :func:`journey.pathway_cohorts.pathway_views`: each
cohort's whole journeys or its journeys up to the escalation (``until``), with
repeat contacts with one agency kept or merged into one step
(``collapse_repeats``). ``min_transitions`` hides pathways seen fewer times.
Without it the page picks, for the view shown, the smallest minimum that keeps
the map to at most :data:`MOST_PATHWAYS_SHOWN` pathways between agencies, so
a real population's map opens readable; ``?min_transitions=1`` shows them all.
Every cohort's map places each agency where the whole population's layout
puts it (:func:`pathways_layout`), so maps of cohorts can be compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from flask import url_for
from werkzeug.exceptions import BadRequest

from journey.pathway_cohorts import STEPS, UNTIL
from journey.pathways import ONE_FAMILY_VARIANTS
from web.contexts.common import analysis_meta, records
from web.data import NotAnalysed, ServiceData
from web.maps_view import MapDocument
from web.params import choice_param, flag_param, int_param

__all__ = [
    "COHORTS",
    "UNTIL",
    "MOST_PATHWAYS_SHOWN",
    "PathwayQuery",
    "default_min_transitions",
    "parse_pathway_query",
    "pathway_query_and_errors",
    "pathways_layout",
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

_FLOW_COLUMNS = ["from_agency", "to_agency", "transitions", "families", "median_days"]
_VARIANT_COLUMNS = ["variant", "length", "families", "share"]
ENDS = ["agency", "starts", "ends"]


@dataclass(frozen=True)
class PathwayQuery:
    """Which cohort and view, hiding pathways seen fewer than ``min_transitions`` times.

    ``min_transitions`` None means "not asked for": the page picks
    :func:`default_min_transitions` for the view shown.
    """

    cohort: str = "all"
    until: str = "end"
    collapse_repeats: bool = True
    min_transitions: int | None = None
    variants: int = 20

    def url_args(self) -> dict[str, Any]:
        """The query as URL parameters (the minimum only when there is one)."""
        args = {"cohort": self.cohort, "until": self.until,
                "collapse_repeats": int(self.collapse_repeats)}  # fmt: skip
        if self.min_transitions is not None:
            args["min_transitions"] = self.min_transitions
        return args


_PARSERS = {
    "cohort": lambda args: choice_param(args, "cohort", COHORTS, default="all"),
    "until": lambda args: choice_param(args, "until", UNTIL, default="end"),
    "collapse_repeats": lambda args: flag_param(args, "collapse_repeats"),
    "min_transitions": lambda args: int_param(args, "min_transitions", default=None, minimum=1),
    "variants": lambda args: int_param(args, "variants", default=20, minimum=1, maximum=500),
}


def pathway_query_and_errors(args: Mapping[str, str]) -> tuple[PathwayQuery, dict[str, str]]:
    """The query, each bad value replaced by its default, and parameter → message for those.

    Examples
    --------
    >>> query, errors = pathway_query_and_errors({"cohort": "escalated", "min_transitions": "0"})
    >>> query.cohort, query.min_transitions, list(errors)
    ('escalated', None, ['min_transitions'])
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, parse in _PARSERS.items():
        try:
            value = parse(args)
        except BadRequest as error:
            errors[name] = str(error.description)
            continue
        if value is not None:
            values[name] = value
    return PathwayQuery(**values), errors


def parse_pathway_query(args: Mapping[str, str]) -> PathwayQuery:
    """Validate every parameter; the first bad value raises a 400 naming it."""
    return PathwayQuery(**{
        name: value for name, parse in _PARSERS.items() if (value := parse(args)) is not None
    })  # fmt: skip


def _between_agencies(pathways: pd.DataFrame) -> pd.DataFrame:
    """The pathways the map draws as arrows: a family staying with one agency is not one."""
    return pathways[pathways["from_agency"] != pathways["to_agency"]]


def default_min_transitions(pathways: pd.DataFrame, *, most: int = MOST_PATHWAYS_SHOWN) -> int:
    """The smallest minimum that leaves at most ``most`` pathways between agencies (at least 1).

    Parameters
    ----------
    pathways : pandas.DataFrame
        One view's transitions: ``from_agency``, ``to_agency``, ``transitions``.
    most : int, default 40
        How many pathways between different agencies the map may show.
        Transitions from an agency to itself are not counted: the map does not
        draw them as arrows.

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


RERUN_ANALYSIS = (
    "The stored results come from an older version without the pathways of each cohort "
    "up to the escalation: run `journey analyse` again, then reload this page."
)


def _view(data: ServiceData, name: str, cohort: str, until: str) -> pd.DataFrame:
    frame = data.result(name)
    if frame is None:
        data.analysed_result("family_summary")  # nothing analysed at all: say that instead
        raise NotAnalysed(RERUN_ANALYSIS)
    return frame[(frame["cohort"] == cohort) & (frame["until"] == until)]


def _flows(data: ServiceData, query: PathwayQuery) -> pd.DataFrame:
    """The view's transitions; collapsing repeats drops exactly the self-transitions."""
    flows = _view(data, "pathway_view_flows", query.cohort, query.until)[_FLOW_COLUMNS]
    if query.collapse_repeats:
        flows = _between_agencies(flows)
    return flows


def _ends(data: ServiceData, query: PathwayQuery) -> pd.DataFrame:
    return _view(data, "pathway_view_ends", query.cohort, query.until)[ENDS]


def _without_small_counts(frame: pd.DataFrame, columns: list[str], highest: int) -> pd.DataFrame:
    """Rows whose counts are all 0 or above ``highest`` (disclosure control of the map)."""
    small = pd.Series(False, index=frame.index)
    for column in columns:
        small |= frame[column].between(1, highest)
    return frame[~small]


def pathways_layout(
    data: ServiceData, suppress_up_to: int | None = None
) -> dict[str, tuple[float, float]]:
    """One position per agency, from the whole population's pathways (cached per data version).

    Every agency with a contact is placed by
    :func:`journey.maps.pathways.agency_layout` of all families' whole
    journeys, so the same agency is at the same point on every cohort's map.
    With ``suppress_up_to`` the layout is worked out without the small pathways.
    """
    from journey.maps.pathways import agency_layout

    def build() -> dict[str, tuple[float, float]]:
        whole = PathwayQuery(cohort="all", until="end", collapse_repeats=True)
        flows = _flows(data, whole)
        if suppress_up_to:
            flows = _without_small_counts(flows, ["families"], suppress_up_to)
        agencies = sorted(map(str, _ends(data, whole)["agency"]))
        return agency_layout(flows, agencies)

    return data.cached(("pathways_layout", suppress_up_to), build)


def _build_map(
    data: ServiceData, query: PathwayQuery, assets: str, suppress_up_to: int | None = None
) -> MapDocument:
    from journey.maps import pathways_map

    pathways, ends = _flows(data, query), _ends(data, query)
    if suppress_up_to:
        pathways = _without_small_counts(pathways, ["families"], suppress_up_to)
        ends = _without_small_counts(ends, ["starts", "ends"], suppress_up_to)
    view = "up to the escalation" if query.until == "escalation" else "whole journeys"
    title = f"Pathways between agencies — {COHORTS[query.cohort].lower()}, {view}"
    journey_map = pathways_map(
        pathways,
        min_transitions=query.min_transitions,
        ends=ends,
        assets=assets,
        title=title,
        taxonomy=data.taxonomy,
        show_legend=True,
        positions=pathways_layout(data, suppress_up_to),
    )
    return MapDocument.of(journey_map)


def _with_minimum(data: ServiceData, query: PathwayQuery) -> PathwayQuery:
    """``query`` with its minimum filled in: the one asked for, else the view's default."""
    if query.min_transitions is not None:
        return query
    return replace(query, min_transitions=default_min_transitions(_flows(data, query)))


def pathways_map_document(
    data: ServiceData, query: PathwayQuery, *, assets: str, suppress_up_to: int | None = None
) -> MapDocument:
    """The view's pathways map, cached per data version (no minimum: the view's default).

    ``suppress_up_to`` leaves out the pathways of 1 to that many families, and
    the start and end counts that small (disclosure control for roles without
    identified data).

    Raises
    ------
    NotAnalysed
        Before any analysis, or before a run that stored the views (503).
    """
    query = _with_minimum(data, query)
    key = ("pathways_map", query, assets, suppress_up_to)
    return data.cached(key, lambda: _build_map(data, query, assets, suppress_up_to))


def _ranked_variants(data: ServiceData, query: PathwayQuery, part: str) -> tuple[list, int]:
    """The first variants of one part of the view, and how many single-family ones were folded.

    The stored table folds single-family variants into one row (see
    :func:`journey.pathways.compact_variants`): say how many, never rank it.
    The folded row is known by its label, not its count: it may stand for one.
    """
    frame = _view(data, "pathway_view_variants", query.cohort, query.until)
    frame = frame[(frame["collapse_repeats"] == query.collapse_repeats) & (frame["part"] == part)]
    folded = frame["variant"] == ONE_FAMILY_VARIANTS
    one_family_variants = int(frame.loc[folded, "variants"].sum())
    return records(frame[~folded].head(query.variants), _VARIANT_COLUMNS), one_family_variants


def _families(ends: pd.DataFrame) -> int:
    """Families in a view: each journey starts exactly once."""
    return int(ends["starts"].sum())


def pathways_context(data: ServiceData, query: PathwayQuery) -> dict[str, Any]:
    """The view's pathways at or above the minimum, its repeats, journey ends, variants, map.

    Every table keeps the order the analysis gave it
    (:func:`journey.pathways.pathways`, :func:`journey.pathways.pathway_ends`,
    :func:`journey.pathways.variants`). ``transitions`` are the map's arrows
    (between two agencies); ``repeats`` the self-transitions the map lists in
    each agency's tooltip instead (none when repeats are collapsed); both obey
    the same minimum. The map document is drawn by its own request, which the
    page's iframe makes, so the page does not wait for it.

    Raises
    ------
    NotAnalysed
        Before any analysis, or before a run that stored the views (503).
    """
    chosen = query.min_transitions is None
    query = _with_minimum(data, query)
    flows = _flows(data, query)
    kept = flows[flows["transitions"] >= query.min_transitions]
    ends = _ends(data, query)
    whole_cohort = replace(query, until="end")
    variants, one_family_variants = _ranked_variants(data, query, "journey")
    part = "first_steps" if query.until == "end" else "last_steps"
    steps, one_family_steps = _ranked_variants(data, query, part)
    return {
        "analysis": analysis_meta(data),
        "cohort": query.cohort,
        "until": query.until,
        "collapse_repeats": query.collapse_repeats,
        "escalation": data.parameters().get("escalation"),
        "families": _families(ends),
        "cohort_families": _families(_ends(data, whole_cohort)),
        "min_transitions": query.min_transitions,
        "min_transitions_default": chosen,
        "most_pathways_shown": MOST_PATHWAYS_SHOWN,
        "pathways_shown": int(len(_between_agencies(kept))),
        "pathways_total": int(len(_between_agencies(flows))),
        "hidden_transitions": int(len(flows) - len(kept)),
        "map": {"url": url_for("pathways.pathways_map", **query.url_args())},
        "transitions": records(_between_agencies(kept), _FLOW_COLUMNS),
        "repeats": records(kept[kept["from_agency"] == kept["to_agency"]], _FLOW_COLUMNS),
        "ends": records(ends[(ends["starts"] > 0) | (ends["ends"] > 0)], ENDS),
        "variants": variants,
        "one_family_variants": one_family_variants,
        "step_part": part,
        "steps": STEPS,
        "step_variants": steps,
        "one_family_step_variants": one_family_steps,
    }


def pathways_page(context: dict[str, Any], query: PathwayQuery) -> dict[str, Any]:
    """What only the page needs: the choices, the iframe title, the minimum the user typed."""
    label = COHORTS[context["cohort"]]
    view = UNTIL[context["until"]].lower()
    every = replace(query, min_transitions=1)
    escalation = replace(query, until="escalation", min_transitions=None)
    return {
        "cohorts": COHORTS,
        "untils": UNTIL,
        "typed_minimum": query.min_transitions,
        "all_pathways_url": url_for("pathways.pathways", **every.url_args()),
        "escalation_view_url": url_for("pathways.pathways", **escalation.url_args()),
        "map": {**context["map"], "title": f"Agency pathways map: {label}, {view}"},
    }
