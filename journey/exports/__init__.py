"""Exports for service designers: one family's journey or a cohort's pathways, in many formats.

Everything that leaves the system goes through one model
(:mod:`journey.exports.model`), de-identified unless asked otherwise, and is
written by one module per kind of format:

* :mod:`journey.exports.graphs` — ``graphml``, ``gexf`` (Gephi, yEd), ``json`` (node-link);
* :mod:`journey.exports.tables` — ``csv`` (contacts or transitions, Excel-friendly);
* :mod:`journey.exports.static` — ``png``, ``svg``, ``pdf`` (matplotlib, A4 landscape);
* :mod:`journey.exports.offline` — ``html``: one self-contained, interactive file;
* :mod:`journey.exports.pack` — the workshop pack: several journeys, an index, a zip.

:func:`render` picks the writer for a format and returns the file's bytes.
"""

from journey.exports.model import (
    DEIDENTIFIED_NOTE,
    FamilyExport,
    PathwaysExport,
    family_export,
    member_labels,
    pathways_export,
)
from journey.exports.render import FORMATS, MEDIA_TYPES, render

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "DEIDENTIFIED_NOTE",
    "FamilyExport",
    "PathwaysExport",
    "family_export",
    "pathways_export",
    "member_labels",
    "render",
]
