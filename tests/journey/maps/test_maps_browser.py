"""Journey maps in a real headless Chromium: what the page holds, what it requests, what it runs.

The browser is the session's one Chromium (:mod:`tests.browser`). Screenshots
go to ``test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

import http.server
import json
import threading
from functools import partial

import pytest

from tests.browser import BrowserLog
from tests.journey.maps.test_maps import FAMILY, PEOPLE, _journey, hostile_maps
from tests.paths import ARTIFACTS

pytestmark = pytest.mark.browser

# What the page's script changes when it lays a swimlane out in the frame (positions, sizes,
# clipped lane labels, the member filter's opacity, the next-contact switch).
LAYOUT_KEYS = {"x", "y", "size", "label", "font", "widthConstraint", "margin", "opacity", "hidden"}


def _unlaid(items: list[dict]) -> list[dict]:
    return [{k: v for k, v in item.items() if k not in LAYOUT_KEYS} for item in items]


class Visit:
    """A page opened in the browser, with its console errors and every request it made."""

    def __init__(self, browser, url: str, size=(1200, 700)):
        self.page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        self.log = BrowserLog(self.page)
        self.errors = self.log.errors
        self.requests = self.log.requests
        self.page.goto(url)
        self.page.wait_for_selector("body[data-map-ready]", timeout=15000)

    def data(self) -> tuple[list, list]:
        return self.page.evaluate("[window.nodes.get(), window.edges.get()]")

    def hover_node(self, node_id: str) -> str:
        """Hover a node and return its tooltip's text ('' when none showed)."""
        at = self.page.evaluate(
            """(id) => {
                const p = window.network.getPositions([id])[id];
                const dom = window.network.canvasToDOM(p);
                const box = document.getElementById('journey-map').getBoundingClientRect();
                return {x: dom.x + box.left, y: dom.y + box.top};
            }""",
            node_id,
        )
        self.page.mouse.move(at["x"] - 40, at["y"] - 40)
        self.page.mouse.move(at["x"], at["y"], steps=4)
        self.page.wait_for_timeout(600)
        return self.page.evaluate(
            "(() => { const t = document.querySelector('div.vis-tooltip');"
            " return t && t.style.visibility !== 'hidden' ? t.innerText : ''; })()"
        )

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    def close(self):
        self.page.close()


def _open_file(browser, tmp_path, name, journey_map, **kwargs) -> tuple[Visit, str]:
    path = tmp_path / f"{name}.html"
    path.write_text(journey_map.html, encoding="utf-8")
    url = path.as_uri()
    return Visit(browser, url, **kwargs), url


def _maps():
    from journey.maps import network_map, pathways_map, swimlane_map
    from tests.journey.maps.test_maps import ENDS, PATHWAYS

    contacts = FAMILY
    ids = sorted(contacts["contact_id"].unique())
    big = _journey(640, agencies=("Police", "School", "GP", "Housing", "Early Help"), every_days=1)
    return {
        "swimlane": swimlane_map(contacts, people=PEOPLE, peak_contact_ids=ids[1:3],
                                 uncoordinated_contact_ids=ids[2:3], title="Family F1"),
        "swimlane-aggregated": swimlane_map(big, title="Family F9 (aggregated)"),
        "network": network_map(contacts, people=PEOPLE, title="Family F1 network"),
        "pathways": pathways_map(PATHWAYS, ends=ENDS, title="Pathways"),
    }


@pytest.mark.parametrize("name", ["swimlane", "swimlane-aggregated", "network", "pathways"])
def test_inline_map_draws_its_data_offline_without_errors(browser, tmp_path, name):
    journey_map = _maps()[name]
    visit, url = _open_file(browser, tmp_path, name, journey_map)
    try:
        nodes, edges = visit.data()
        assert len(nodes) == len(journey_map.nodes) and len(edges) == len(journey_map.edges)
        assert _unlaid(nodes) == _unlaid(journey_map.nodes)
        assert _unlaid(edges) == _unlaid(journey_map.edges)
        assert visit.errors == []
        assert visit.requests == [url]
        visit.shot(f"map-{name}")
    finally:
        visit.close()


@pytest.mark.parametrize("name", ["swimlane", "network", "pathways"])
def test_hostile_labels_do_not_run_and_tooltips_show_text(browser, tmp_path, name):
    journey_map = hostile_maps()[name]
    visit, url = _open_file(browser, tmp_path, f"hostile-{name}", journey_map)
    try:
        assert _unlaid(visit.data()[0]) == _unlaid(journey_map.nodes)
        # hover every node so each tooltip is put into the page once
        shown = [visit.hover_node(node["id"]) for node in journey_map.nodes[:6]]
        assert any(shown), "no tooltip appeared"
        assert any("<" in text for text in shown)  # markup shown as literal text
        assert visit.page.evaluate("typeof window.__pwned") == "undefined"
        # innerText turns line breaks into <br>; nothing else may appear as an element
        assert visit.page.evaluate(
            "document.querySelectorAll('.vis-tooltip *:not(br), img, a, iframe').length"
        ) == 0
        assert visit.errors == []
        assert visit.requests == [url]
        visit.shot(f"hostile-{name}")
    finally:
        visit.close()


def test_swimlane_tooltip_and_zoomed_view(browser, tmp_path):
    journey_map = _maps()["swimlane"]
    visit, _ = _open_file(browser, tmp_path, "swimlane-zoom", journey_map)
    try:
        c1 = next(n for n in journey_map.nodes if n.get("contact_id") == "c1")
        text = visit.hover_node(c1["id"])
        assert "Police (police sector)" in text and "Members involved (2)" in text
        visit.shot("map-swimlane-tooltip")
        visit.page.evaluate(
            "window.network.moveTo({position: {x: 400, y: 90}, scale: 1.6, animation: false})"
        )
        visit.page.wait_for_timeout(200)
        visit.shot("map-swimlane-zoomed")
        assert visit.errors == []
    finally:
        visit.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        # The strict policy the app is expected to send: the page's own origin only.
        self.send_header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:")
        super().end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def app_like_server(tmp_path):
    """Serve the linked maps' files at /static/vendor and map pages at /, on 127.0.0.1."""
    from journey.maps import write_static_assets

    write_static_assets(tmp_path / "static" / "vendor")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=tmp_path))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize("name", ["swimlane", "network", "pathways"])
def test_linked_assets_work_under_a_strict_content_security_policy(browser, app_like_server, name):
    from journey.maps import network_map, pathways_map, swimlane_map
    from tests.journey.maps.test_maps import PATHWAYS

    folder, base = app_like_server
    journey_map = {
        "swimlane": lambda: swimlane_map(FAMILY, assets="/static/vendor"),
        "network": lambda: network_map(FAMILY, assets="/static/vendor"),
        "pathways": lambda: pathways_map(PATHWAYS, assets="/static/vendor"),
    }[name]()
    (folder / f"{name}.html").write_text(journey_map.html, encoding="utf-8")
    visit = Visit(browser, f"{base}/{name}.html")
    try:
        assert _unlaid(visit.data()[0]) == _unlaid(journey_map.nodes)
        assert visit.errors == []
        assert all(url.startswith(base + "/") for url in visit.requests), visit.requests
        assert sorted(url.rsplit("/", 1)[1] for url in visit.requests) == sorted(
            [f"{name}.html", "vis-network.min.js", "vis-network.css", "journey-map.js",
             "journey-map.css"]
        )
        visit.shot(f"linked-{name}")
    finally:
        visit.close()


def test_data_block_round_trips_exactly(browser, tmp_path):
    journey_map = hostile_maps()["swimlane"]
    visit, _ = _open_file(browser, tmp_path, "round-trip", journey_map)
    try:
        parsed = visit.page.evaluate(
            "JSON.parse(document.getElementById('journey-map-data').textContent)"
        )
        assert parsed["nodes"] == journey_map.nodes
        assert json.dumps(parsed["edges"], sort_keys=True) == json.dumps(journey_map.edges,
                                                                        sort_keys=True)
    finally:
        visit.close()


@pytest.mark.parametrize("name", ["network", "pathways", "swimlane"])
def test_the_first_view_shows_every_node_and_reset_returns_to_it(browser, tmp_path, name):
    journey_map = _maps()[name]
    visit, _ = _open_file(browser, tmp_path, f"view-{name}", journey_map)
    inside = """() => {
      const net = window.network, box = document.getElementById('journey-map');
      const w = box.clientWidth, h = box.clientHeight;
      return window.nodes.getIds().filter(id => {
        const b = net.getBoundingBox(id);
        const a = net.canvasToDOM({x: b.left, y: b.top});
        const z = net.canvasToDOM({x: b.right, y: b.bottom});
        return a.x < -1 || a.y < -1 || z.x > w + 1 || z.y > h + 1;
      });
    }"""
    view = ("(() => { const p = window.network.getViewPosition();"
            " return [window.network.getScale(), Math.round(p.x), Math.round(p.y)]; })()")
    try:
        assert visit.page.evaluate(inside) == []
        first = visit.page.evaluate(view)
        visit.page.click("#journey-map-zoom-in")
        assert visit.page.evaluate("window.network.getScale()") > first[0]
        visit.page.click("#journey-map-reset")
        assert visit.page.evaluate(view) == pytest.approx(first)
        assert visit.errors == []
    finally:
        visit.close()
