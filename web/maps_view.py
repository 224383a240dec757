"""Journey maps as the app keeps and serves them: the documents iframes load, and their assets.

The app caches :class:`MapDocument` rather than :class:`journey.maps.JourneyMap`:
the same page and counts without thousands of small node and edge dicts, which
would make Python's garbage collector slower on every request.

Map documents link their assets from ``/static/vendor`` (the views pass
``url_for("static", filename="vendor")``). vis-network is a vendored file in
``web/static/vendor``, served by Flask's static route; the page's own script
and style sheet are files of :mod:`journey.maps`, which :data:`blueprint`
serves at the same prefix straight from the package.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, send_file

from journey.maps.assets import PAGE_FILES, page_file

__all__ = ["MapDocument", "blueprint"]

blueprint = Blueprint("map_assets", __name__)


def _legend_item(item: Any) -> dict[str, Any]:
    if isinstance(item, dict):
        return dict(item)
    if hasattr(item, "_asdict"):
        return dict(item._asdict())
    return {name: getattr(item, name, None) for name in ("label", "colour", "shape", "kind")}


@dataclass(frozen=True)
class MapDocument:
    """A rendered journey map: its HTML document, its size, whether it aggregates, note, legend."""

    html: str
    nodes: int
    edges: int
    aggregated: bool
    note: str | None
    legend: tuple[tuple[str, str, str, str], ...]

    @classmethod
    def of(cls, journey_map: Any) -> MapDocument:
        """Keep what the app needs of a :class:`journey.maps.JourneyMap`."""
        legend = tuple(
            tuple(str(item.get(k) or "") for k in ("label", "colour", "shape", "kind"))
            for item in map(_legend_item, journey_map.legend)
        )
        return cls(
            html=journey_map.html,
            nodes=len(journey_map.nodes),
            edges=len(journey_map.edges),
            aggregated=bool(journey_map.aggregated),
            note=journey_map.note,
            legend=legend,
        )


# A rule whose last part is an ``any`` of two names, not a path, so it wins over Flask's
# /static/<path:filename> for these two files only; every other file under /static/vendor
# is still Flask's static file.
@blueprint.get(f"/static/vendor/<any({', '.join(map(repr, PAGE_FILES))}):name>")
def map_asset(name: str) -> Response:
    """``journey-map.js`` or ``journey-map.css``: the bytes of :mod:`journey.maps`' own file.

    Sent like Flask's static files (``Cache-Control: no-cache``, an ETag, 304
    Not Modified to a request that already holds the same bytes); the ETag is
    a digest of the bytes.
    """
    content = page_file(name)
    etag = hashlib.sha256(content).hexdigest()
    return send_file(io.BytesIO(content), download_name=name, conditional=True, etag=etag)
