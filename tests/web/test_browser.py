"""Real-browser tests: headless Chromium (Debian's, never a downloaded build) against a live server.

The app runs on waitress (:func:`web.server.make_server`) on 127.0.0.1 on a free
port in a background thread. Every request the browser makes is recorded and
must go to that server; every console message of type error fails the test.
Screenshots at 1280x800 go to ``test-artifacts/``.

Without /usr/bin/chromium these tests skip, unless ``JOURNEY_REQUIRE_BROWSER=1``
(CI sets it), when they fail.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from graph_loader.stores import open_store
from tests.paths import ARTIFACTS
from tests.web.population import F001_AGENCIES, analyse_into, write_population
from web import create_app
from web.server import BackgroundServer

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _require_browser() -> None:
    if Path(CHROMIUM).exists():
        return
    reason = f"{CHROMIUM} not found: install Debian's chromium to run the browser tests"
    if os.environ.get("JOURNEY_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def live_store(tmp_path_factory):
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'journey.db'}")
    write_population(store)
    analyse_into(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def live_server(live_store):
    _require_browser()
    with BackgroundServer(create_app({"STORE": live_store}), threads=4) as server:
        yield server.url


@pytest.fixture(scope="module")
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


class Visit:
    """A page at 1280x800 that records every request and every console error."""

    def __init__(self, browser, base: str):
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.context.on(
            "response", lambda r: r.status >= 400 and self.errors.append(f"{r.status} {r.url}")
        )

    def open(self, path: str) -> None:
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None and response.status == 200, path

    def map_counts(self, fragment: str) -> tuple[int, int]:
        frame = next(f for f in self.page.frames if fragment in f.url)
        frame.wait_for_function(
            "() => window.network && window.nodes && window.edges", timeout=15000
        )
        return tuple(frame.evaluate("() => [window.nodes.length, window.edges.length]"))

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name), full_page=False)
        self.page.screenshot(
            path=str(ARTIFACTS / name.replace(".png", "-full.png")), full_page=True
        )

    def check_clean(self) -> None:
        hosts = {urlparse(url).hostname for url in self.requests if not url.startswith("data:")}
        assert hosts == {"127.0.0.1"}, sorted(self.requests)
        assert self.errors == []

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, live_server):
    current = Visit(browser, live_server)
    yield current
    current.close()


def test_family_page_maps_match_the_family(visit):
    visit.open("/families/F001")
    # Swimlane: one lane node per agency (6) and one node per contact (32); one step
    # between consecutive contacts (31). Network: 2 members + 6 agencies; the child met
    # all six agencies and mum only the police: 7 links.
    assert visit.map_counts("/maps/swimlane.html") == (len(F001_AGENCIES) + 32, 31)
    assert visit.map_counts("/maps/network.html") == (2 + len(F001_AGENCIES), 7)
    assert visit.page.title() == "Family F001 — Journey service"
    titles = visit.page.eval_on_selector_all("iframe", "frames => frames.map(f => f.title)")
    assert all(titles) and len(titles) == 2
    visit.screenshot("family-F001.png")
    visit.check_clean()


def test_pathways_page_map_matches_the_stored_pathways(visit, live_store):
    stored = live_store.result("pathways")
    everyone = stored[stored["cohort"] == "all"]
    ends = live_store.result("pathway_ends")
    ends = ends[(ends["cohort"] == "all") & ((ends["starts"] > 0) | (ends["ends"] > 0))]
    agencies = set(everyone["from_agency"]) | set(everyone["to_agency"]) | set(ends["agency"])
    flows = everyone[everyone["from_agency"] != everyone["to_agency"]]
    visit.open("/pathways")
    assert visit.map_counts("/pathways/map.html") == (len(agencies), len(flows))
    visit.screenshot("pathways.png")
    visit.check_clean()


def test_pathways_minimum_control_redraws_with_fewer_edges(visit, live_store):
    stored = live_store.result("pathways")
    everyone = stored[stored["cohort"] == "all"]
    threshold = int(everyone["transitions"].max())
    visit.open("/pathways")
    visit.page.fill("#min", str(threshold))
    with visit.page.expect_navigation():
        visit.page.click("button[type=submit]")
    kept = everyone[(everyone["transitions"] >= threshold)]
    flows = kept[kept["from_agency"] != kept["to_agency"]]
    assert visit.map_counts("/pathways/map.html")[1] == len(flows)
    visit.check_clean()


@pytest.mark.parametrize("path", ["/", "/families", "/interventions", "/loads"])
def test_pages_render_cleanly(visit, path):
    visit.open(path)
    name = "overview.png" if path == "/" else path.strip("/") + ".png"
    visit.screenshot(name)
    visit.check_clean()


def test_keyboard_reaches_the_families_list_and_opens_a_family(visit):
    visit.open("/families")
    # Tab from the top: skip link first, then the header links.
    visit.page.keyboard.press("Tab")
    assert visit.page.evaluate("document.activeElement.textContent") == "Skip to main content"
    link = visit.page.locator("table.families a", has_text="F001")
    link.focus()
    outline = visit.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # a visible focus style
    with visit.page.expect_navigation():
        visit.page.keyboard.press("Enter")
    assert visit.page.url.endswith("/families/F001")
    visit.check_clean()
