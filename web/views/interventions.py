"""The intervention-points page (``/interventions``, ``/interventions.json``)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from web.contexts import interventions_context
from web.contexts.interventions import interventions_page, parse_cohort
from web.data import service_data
from web.params import BadParameter
from web.render import respond

__all__ = ["blueprint"]

blueprint = Blueprint("interventions", __name__)


@blueprint.get("/interventions", defaults={"fmt": "html"})
@blueprint.get("/interventions.<any(json):fmt>")
def interventions(fmt: str) -> Response:
    """One cohort's early-warning agencies and ranking, and the broker agencies.

    A bad ``cohort`` is a 400: the JSON error, or the page for all families
    with the error beside the cohort selector. 503 before any analysis.
    """
    try:
        cohort, problem = parse_cohort(request.args), None
    except BadParameter as error:
        if fmt == "json":
            raise
        cohort, problem = "all", error.description
    context = interventions_context(service_data(), cohort)

    def page(shown: dict) -> dict:
        return {**interventions_page(shown), "cohort_error": problem}

    return respond("interventions.html", context, fmt, page=page, status=400 if problem else 200)
