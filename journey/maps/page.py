"""The map document: a pyvis network rendered into one small, self-contained HTML page.

pyvis builds the nodes, edges and options (``Network.get_network_data``); this
module puts them in our own template instead of pyvis's, which links vis,
Bootstrap and Tom Select from CDNs. The page loads nothing from any other
host: with ``assets="inline"`` vis-network and our script are inside the page
(an export that works offline); otherwise they come from a URL prefix on the
app's own origin. A Content-Security-Policy in the page itself enforces that.

Safety of user data: every label and tooltip is plain text (:func:`journey.maps.text.plain_text`),
the JSON is embedded in a non-executable data block with ``<``, ``>`` and ``&``
written as ``\\u003c``, ``\\u003e``, ``\\u0026`` so it cannot close its script
tag, and the page's script draws text only (canvas ``fillText``; vis-network
9.1 sets string tooltips with ``innerText``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pyvis.network import Network

from journey.errors import JourneyError
from journey.maps.assets import PAGE_FILES, map_script, map_style, page_file, vis_script, vis_style
from journey.maps.style import LegendItem
from journey.maps.text import script_json

__all__ = [
    "JourneyMap",
    "MapError",
    "new_network",
    "render_page",
    "write_static_assets",
    "STATIC_FILES",
]

# Files a linked map loads from its assets prefix, by name: vis-network, then the page's own.
STATIC_FILES = ("vis-network.min.js", "vis-network.css", *PAGE_FILES)

_PREFIX = re.compile(r"^(?!//)[A-Za-z0-9._~/-]*$")


class MapError(JourneyError):
    """A map that cannot be drawn as asked (bad assets prefix, more than one family)."""


@dataclass(frozen=True)
class JourneyMap:
    """A rendered journey map and what a page needs to show beside it.

    ``nodes`` and ``edges`` are exactly the items of the page's vis DataSets.
    """

    html: str
    nodes: list[dict]
    edges: list[dict]
    aggregated: bool
    note: str | None
    legend: list[LegendItem]


def new_network(*, directed: bool = True) -> Network:
    """An empty pyvis network with the maps' settings (no pyvis menus, no CDN template)."""
    return Network(height="100%", width="100%", directed=directed, cdn_resources="in_line")


def base_options(*, drag_nodes: bool) -> dict:
    """vis options shared by every map: no physics (layouts are computed server-side)."""
    return {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 0},
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "dragNodes": drag_nodes,
            "multiselect": False,
            "navigationButtons": False,
            "keyboard": False,
            # The wheel zooms only once the map is clicked or focused (its script turns it on).
            "zoomView": False,
        },
        "nodes": {
            "font": {"size": 14, "color": "#1f2933", "face": "system-ui, sans-serif"},
            "borderWidth": 1,
        },
        "edges": {
            "smooth": False,
            "color": {"color": "#8792a2", "highlight": "#1f2933", "hover": "#1f2933"},
            "font": {"size": 12, "color": "#1f2933", "face": "system-ui, sans-serif",
                     "strokeWidth": 3, "strokeColor": "#ffffff"},
        },
    }


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@lru_cache(maxsize=1)
def _inline_assets() -> tuple[str, str, str]:
    """(style elements, script elements, CSP) for inline pages; the same for every page."""
    # The HTML parser turns CRLF into LF before hashing an inline element, so hash (and
    # embed) the LF form.
    styles = tuple(_lf(text) for text in (vis_style(), map_style()))
    scripts = tuple(_lf(text) for text in (vis_script(), map_script()))
    csp = (
        "default-src 'none'; "
        f"script-src {' '.join(_sha256(s) for s in scripts)}; "
        f"style-src {' '.join(_sha256(s) for s in styles)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    style_html = "".join(f"<style>{s}</style>\n" for s in styles)
    script_html = "".join(f"<script>{s}</script>\n" for s in scripts)
    return style_html, script_html, csp


def _linked_assets(prefix: str) -> tuple[str, str, str]:
    if not _PREFIX.match(prefix):
        raise MapError(
            "assets must be 'inline' or a path on this server such as '/static/vendor'; "
            f"got {prefix!r}"
        )
    base = html.escape(prefix.rstrip("/"), quote=True)
    style_html = (
        f'<link rel="stylesheet" href="{base}/vis-network.css">\n'
        f'<link rel="stylesheet" href="{base}/journey-map.css">\n'
    )
    script_html = (
        f'<script src="{base}/vis-network.min.js"></script>\n'
        f'<script src="{base}/journey-map.js"></script>\n'
    )
    csp = (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'"
    )
    return style_html, script_html, csp


def _legend_html(legend: list[LegendItem], note: str | None, title: str) -> tuple[str, str]:
    header = f'<header class="journey-map-header"><h1>{html.escape(title)}</h1>'
    if note:
        header += f'<p class="journey-map-note">{html.escape(note)}</p>'
    header += "</header>\n"
    items = "".join(
        f"<li>{item.svg()}<span>{html.escape(item.label)}</span></li>" for item in legend
    )
    # A box that opens and closes: the page's script closes it on a phone, to leave the map room.
    footer = (
        '<details class="journey-map-legend-box" open><summary>Legend</summary>'
        f'<ul class="journey-map-legend" aria-label="Legend">{items}</ul></details>\n'
        if items else ""
    )
    return header, footer


def _controls_html(decor: dict | None) -> str:
    """Zoom and reset buttons; for a swimlane, the next-contact switch and the member filter."""
    decor = decor or {}
    parts = [
        '<button type="button" id="journey-map-zoom-in">Zoom in</button>',
        '<button type="button" id="journey-map-zoom-out">Zoom out</button>',
        '<button type="button" id="journey-map-reset">Reset view</button>',
    ]
    if "steps" in decor:
        checked = " checked" if decor["steps"] else ""
        parts.append(
            f'<label><input type="checkbox" id="journey-map-steps"{checked}> '
            "Show next-contact lines</label>"
        )
    if decor.get("members"):
        options = "".join(
            f'<option value="{html.escape(m["id"], quote=True)}">{html.escape(m["label"])}</option>'
            for m in decor["members"]
        )
        parts.append(
            '<label>Member <select id="journey-map-member">'
            f'<option value="">Everyone</option>{options}</select></label>'
        )
    parts.append('<span class="journey-map-hint" id="journey-map-hint">Click the map to zoom '
                 "with the mouse wheel; drag to pan.</span>")
    return ('<div class="journey-map-controls" role="group" aria-label="Map controls">'
            + "".join(parts) + "</div>\n")


def render_page(
    network: Network,
    *,
    title: str,
    assets: str,
    decor: dict | None,
    legend: list[LegendItem],
    note: str | None,
    show_legend: bool | None,
) -> tuple[str, list[dict], list[dict]]:
    """Render a pyvis network into the map document; return (html, nodes, edges).

    ``nodes`` and ``edges`` are returned after a JSON round trip, so they equal
    what the page's DataSets hold.
    """
    nodes, edges, _, _, _, options = network.get_network_data()
    payload = {
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options) if isinstance(options, str) else options,
        "decor": decor,
    }
    data = script_json(payload)
    inline = assets == "inline"
    style_html, script_html, csp = _inline_assets() if inline else _linked_assets(assets)
    header, footer = ("", "")
    if show_legend if show_legend is not None else inline:
        header, footer = _legend_html(legend, note, title)
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # An empty icon, so that browsers do not ask the server for /favicon.ico.
        '<link rel="icon" href="data:,">\n'
        f"<title>{html.escape(title)}</title>\n"
        f"{style_html}</head>\n<body>\n{header}{_controls_html(decor)}"
        f'<div id="journey-map" role="img" tabindex="0" '
        f'aria-label="{html.escape(title, quote=True)}"></div>\n'
        f"{footer}"
        f'<script type="application/json" id="journey-map-data">{data}</script>\n'
        f"{script_html}</body>\n</html>\n"
    )
    round_trip = json.loads(data)
    return page, round_trip["nodes"], round_trip["edges"]


def write_static_assets(directory: str | Path) -> list[Path]:
    """Write the files a linked map loads (:data:`STATIC_FILES`) into ``directory``.

    For a server that serves linked maps' assets as plain files: vis-network
    comes from the installed pyvis, ``journey-map.js`` and ``journey-map.css``
    are this package's own files, all written byte for byte.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    contents = {
        "vis-network.min.js": vis_script().encode("utf-8"),
        "vis-network.css": vis_style().encode("utf-8"),
        **{name: page_file(name) for name in PAGE_FILES},
    }
    written = []
    for name in STATIC_FILES:
        path = folder / name
        path.write_bytes(contents[name])
        written.append(path)
    return written
