"""The map page's own script and style sheet, and the vis-network files shipped with pyvis.

The script and style sheet are files of this package, ``journey/maps/static/``
(:data:`PAGE_FILES`), read with :mod:`importlib.resources`: self-contained
pages embed their text, and the web app serves the same bytes at its assets
prefix. vis-network is read from the installed pyvis.

The script reads the network from the page's JSON data block, draws it with
vis-network, exposes ``window.nodes``, ``window.edges`` and ``window.network``,
and paints the swimlane decorations (lane stripes, time grid, peak-window band,
lane and date labels that stay readable at any zoom) on the canvas. It never
writes user data into the DOM as HTML: canvas ``fillText`` draws text, and
vis-network 9.1 puts a string ``title`` into its tooltip with ``innerText``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

__all__ = [
    "PAGE_FILES",
    "VIS_VERSION",
    "map_script",
    "map_style",
    "page_file",
    "vis_script",
    "vis_style",
]

VIS_VERSION = "9.1.2"

# The page's own files, in journey/maps/static/: its script and its style sheet.
PAGE_FILES = ("journey-map.js", "journey-map.css")


def page_file(name: str) -> bytes:
    """The bytes of one of the page's own files (one of :data:`PAGE_FILES`).

    Examples
    --------
    >>> page_file("journey-map.css").startswith(b"/* Journey maps")
    True
    >>> page_file("../assets.py")
    Traceback (most recent call last):
    ...
    KeyError: '../assets.py'
    """
    if name not in PAGE_FILES:
        raise KeyError(name)
    return resources.files("journey.maps").joinpath("static", name).read_bytes()


def _pyvis_file(name: str) -> str:
    path = resources.files("pyvis").joinpath("lib", f"vis-{VIS_VERSION}", name)
    # Bytes, not text mode: the vendored copy must stay byte-identical (the file has CRLFs).
    return path.read_bytes().decode("utf-8")


@lru_cache(maxsize=1)
def map_script() -> str:
    """The page's own script, ``journey-map.js`` (read once)."""
    return page_file("journey-map.js").decode("utf-8")


@lru_cache(maxsize=1)
def map_style() -> str:
    """The page's own style sheet, ``journey-map.css`` (read once)."""
    return page_file("journey-map.css").decode("utf-8")


@lru_cache(maxsize=1)
def vis_script() -> str:
    """The vis-network script bundled with pyvis (read once)."""
    return _pyvis_file("vis-network.min.js")


@lru_cache(maxsize=1)
def vis_style() -> str:
    """The vis-network style sheet bundled with pyvis (read once)."""
    return _pyvis_file("vis-network.css")
