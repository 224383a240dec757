"""Real-browser tests: headless Chromium (Debian's, never a downloaded build) against a live server.

The app runs on waitress (:func:`web.server.make_server`) on 127.0.0.1 on a free
port in a background thread; the browser is the session's one Chromium
(:mod:`tests.browser`). Every request the browser makes is recorded and must go
to that server; every console message of type error fails the test.
Screenshots at 1280x800, and at a 390 px wide phone size for the pages with
maps, go to ``test-artifacts/``.

Without /usr/bin/chromium these tests skip, unless ``JOURNEY_REQUIRE_BROWSER=1``
(CI sets it), when they fail.
"""

from __future__ import annotations

import pytest

from tests.browser import BrowserLog
from tests.paths import ARTIFACTS
from tests.web.population import F001_AGENCIES
from tests.web.signin import user_of

pytestmark = pytest.mark.browser

DESKTOP = (1280, 800)
PHONE = (390, 844)


def session_cookie(app, base: str, role: str = "analyst") -> dict:
    """A signed-in session of a user of ``role``, as a cookie for a browser context."""
    accounts = app.extensions["journey.security"].accounts
    token = accounts.start_session(user_of(app, role))
    return {"name": "journey-session", "value": token, "url": base}


class Visit:
    """A page (1280x800 unless told) that records every request and every console error.

    Signed in as ``role`` (an analyst unless told; None: nobody).
    """

    def __init__(self, browser, base: str, size: tuple[int, int] = DESKTOP, *, app=None,
                 role: str | None = "analyst"):  # fmt: skip
        self.base = base
        self.size = size
        self.context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        if app is not None and role is not None:
            self.context.add_cookies([session_cookie(app, base, role)])
        self.page = self.context.new_page()
        self.log = BrowserLog(self.page, requests_of=self.context, http_errors=True)

    def open(self, path: str) -> None:
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None and response.status == 200, path

    def map_counts(self, fragment: str) -> tuple[int, int]:
        frame = next(f for f in self.page.frames if fragment in f.url)
        frame.wait_for_function(
            "() => window.network && window.nodes && window.edges", timeout=15000
        )
        # Drawn and fitted (the page script marks its body then), so a screenshot shows it.
        frame.wait_for_selector("body[data-map-ready]", timeout=15000)
        return tuple(frame.evaluate("() => [window.nodes.length, window.edges.length]"))

    def screenshot(self, name: str) -> None:
        if self.size != DESKTOP:
            name = name.replace(".png", f"-{self.size[0]}px.png")
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name), full_page=False)
        self.page.screenshot(
            path=str(ARTIFACTS / name.replace(".png", "-full.png")), full_page=True
        )

    def check_clean(self) -> None:
        assert self.log.hosts() == {"127.0.0.1"}, sorted(self.log.requests)
        assert self.log.errors == []

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(request, browser, live_server, live_app):
    """A fresh page at 1280x800, or at the size a test passes indirectly, signed in as analyst."""
    current = Visit(browser, live_server, size=getattr(request, "param", DESKTOP), app=live_app)
    yield current
    current.close()


def _maps_fit_the_width(visit) -> bool:
    """Every map's iframe is inside the viewport's width, and drawn on a canvas of some size."""
    boxes = visit.page.eval_on_selector_all(
        "iframe", "frames => frames.map(f => [f.getBoundingClientRect().left,"
        " f.getBoundingClientRect().right])"
    )
    canvases = [
        frame.evaluate("() => document.querySelector('#journey-map canvas').clientWidth")
        for frame in visit.page.frames[1:]
    ]
    return (
        len(boxes) == len(canvases) > 0
        and all(0 <= left < right <= visit.size[0] for left, right in boxes)
        and all(width > 0 for width in canvases)
    )


@pytest.mark.parametrize("visit", [DESKTOP, PHONE], ids=["desktop", "phone"], indirect=True)
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
    assert _maps_fit_the_width(visit)  # even on a phone
    visit.screenshot("family-F001.png")
    visit.check_clean()


@pytest.mark.parametrize("visit", [DESKTOP, PHONE], ids=["desktop", "phone"], indirect=True)
def test_pathways_page_map_matches_the_stored_pathways(visit, live_store):
    stored = live_store.result("pathways")
    everyone = stored[stored["cohort"] == "all"]
    ends = live_store.result("pathway_ends")
    ends = ends[(ends["cohort"] == "all") & ((ends["starts"] > 0) | (ends["ends"] > 0))]
    agencies = set(everyone["from_agency"]) | set(everyone["to_agency"]) | set(ends["agency"])
    flows = everyone[everyone["from_agency"] != everyone["to_agency"]]
    visit.open("/pathways")
    assert visit.map_counts("/pathways/map.html") == (len(agencies), len(flows))
    assert _maps_fit_the_width(visit)
    visit.screenshot("pathways.png")
    visit.check_clean()


def test_pathways_minimum_control_redraws_with_fewer_edges(visit, live_store):
    stored = live_store.result("pathways")
    everyone = stored[stored["cohort"] == "all"]
    threshold = int(everyone["transitions"].max())
    visit.open("/pathways")
    visit.page.fill("#min_transitions", str(threshold))
    with visit.page.expect_navigation():
        visit.page.click("main button[type=submit]")
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
