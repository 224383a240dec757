"""Context builders: one function per page, returning the dict that is rendered or sent as JSON.

Each takes the app's :class:`web.data.ServiceData` and already-validated
input, and returns the page's data, which is its JSON twin (frames become
lists of records; see ``docs/data-contract.md#json-twins-of-the-pages``).
What only the template needs — headings, labels, link parameters — comes
from the module's ``*_page`` function and never reaches the JSON. They read
the stored analysis results in the analyses' own order and hold no Flask
request state beyond ``url_for``.
"""

from web.contexts.families import FamilyQuery, families_context, families_csv_frame
from web.contexts.family import family_context, family_map
from web.contexts.interventions import interventions_context
from web.contexts.loads import loads_context
from web.contexts.overview import overview_context
from web.contexts.pathways import COHORTS, PathwayQuery, pathways_context, pathways_map_document

__all__ = [
    "overview_context",
    "FamilyQuery",
    "families_context",
    "families_csv_frame",
    "family_context",
    "family_map",
    "PathwayQuery",
    "COHORTS",
    "pathways_context",
    "pathways_map_document",
    "interventions_context",
    "loads_context",
]
