"""Journey maps as the app keeps them: the document an iframe loads, its size, note and legend.

The app caches :class:`MapDocument` rather than :class:`journey.maps.JourneyMap`:
the same page and counts without thousands of small node and edge dicts, which
would make Python's garbage collector slower on every request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["MapDocument"]


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
