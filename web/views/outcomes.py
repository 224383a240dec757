"""The Outcomes page (``/outcomes``, ``/outcomes.json``)."""

from __future__ import annotations

from flask import Blueprint, Response

from web.contexts.outcomes import change_chart, outcomes_context
from web.data import service_data
from web.render import respond

__all__ = ["blueprint"]

blueprint = Blueprint("outcomes", __name__)


@blueprint.get("/outcomes", defaults={"fmt": "html"})
@blueprint.get("/outcomes.<any(json):fmt>")
def outcomes(fmt: str) -> Response:
    """The outcome plan's results, claims so far, the matched comparison and journey costs.

    503 before any analysis, or when the stored run has no outcomes.
    """
    def page(shown: dict) -> dict:
        return {"chart": change_chart(shown["cohort"])}

    return respond("outcomes.html", outcomes_context(service_data()), fmt, page=page)
