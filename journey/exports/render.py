"""One entry point for every export format: :func:`render` a model as a file's bytes."""

from __future__ import annotations

from journey.errors import ParameterError
from journey.exports.model import FamilyExport, PathwaysExport
from journey.taxonomy import Taxonomy

__all__ = ["FORMATS", "FAMILY_MAPS", "MEDIA_TYPES", "render", "check_format"]

#: Every export format and what it is for, in the order menus list them.
FORMATS: dict[str, str] = {
    "html": "interactive map, one self-contained file that opens offline",
    "png": "picture of the map (A4 landscape)",
    "svg": "scalable drawing of the map (A4 landscape)",
    "pdf": "one-page document of the map (A4 landscape)",
    "graphml": "graph for Gephi or yEd",
    "gexf": "graph for Gephi",
    "json": "graph as node-link JSON, with the table",
    "csv": "the table (contacts or transitions) for Excel",
}
MEDIA_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
}


def check_format(fmt: str) -> str:
    """``fmt`` when it is an export format; else a :class:`ParameterError` listing them.

    Examples
    --------
    >>> check_format("gexf")
    'gexf'
    """
    if fmt not in FORMATS:
        raise ParameterError(f"Unknown export format {fmt!r}: use one of {', '.join(FORMATS)}.")
    return fmt


#: A family's two maps: its journey as swimlanes, and its members with the agencies they met.
FAMILY_MAPS = ("swimlane", "network")


def render(
    model: FamilyExport | PathwaysExport,
    fmt: str,
    *,
    taxonomy: Taxonomy | None = None,
    family_map: str = "swimlane",
) -> bytes:
    """The export of ``model`` in ``fmt`` (one of :data:`FORMATS`), as the file's bytes.

    ``family_map="network"`` makes a family's ``html`` its members-and-agencies
    map (the graph formats always hold that network; the pictures are swimlanes).

    Raises
    ------
    ParameterError
        For a format that is not one of :data:`FORMATS`, or an unknown map.
    """
    check_format(fmt)
    if family_map not in FAMILY_MAPS:
        raise ParameterError(f"Unknown map {family_map!r}: use one of {', '.join(FAMILY_MAPS)}.")
    family = isinstance(model, FamilyExport)
    if family and fmt == "html" and family_map == "network":
        from journey.exports.offline import family_network_html

        return family_network_html(model, taxonomy=taxonomy)
    if fmt in ("graphml", "gexf", "json"):
        from journey.exports.graphs import graph_bytes

        return graph_bytes(model, fmt)
    if fmt == "csv":
        from journey.exports.tables import csv_bytes

        return csv_bytes(model)
    if fmt == "html":
        from journey.exports.offline import family_html, pathways_html

        return family_html(model, taxonomy=taxonomy) if family else pathways_html(
            model, taxonomy=taxonomy)  # fmt: skip
    from journey.exports.static import family_figure, figure_bytes, pathways_figure

    figure = family_figure(model, taxonomy=taxonomy) if family else pathways_figure(model)
    return figure_bytes(figure, fmt)
