"""Journey maps: pyvis networks as self-contained HTML pages that load nothing from the internet.

Three maps, each returned as a :class:`JourneyMap` (the page, its vis nodes and
edges, whether contacts were aggregated, a note and a legend):

* :func:`swimlane_map` — one family's journey, agencies as lanes, time across;
* :func:`network_map` — one family's members and the agencies they met;
* :func:`pathways_map` — the population's directly-follows graph between agencies.

Layouts are computed here (physics off in the browser); every label and
tooltip is plain text, drawn as text.
"""

from journey.maps.family_network import network_map
from journey.maps.page import STATIC_FILES, JourneyMap, MapError, write_static_assets
from journey.maps.pathways import pathways_map
from journey.maps.style import SECTOR_COLOURS, LegendItem, sector_colour
from journey.maps.swimlane import MapWindow, swimlane_map

__all__ = [
    "JourneyMap",
    "LegendItem",
    "MapError",
    "swimlane_map",
    "MapWindow",
    "network_map",
    "pathways_map",
    "write_static_assets",
    "STATIC_FILES",
    "SECTOR_COLOURS",
    "sector_colour",
]
