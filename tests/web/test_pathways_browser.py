"""The pathways page in headless Chromium on a synthetic population of 400 families.

Checked in the browser because they are about what is drawn: every cohort's
map places each agency at the same point (one layout for all), the edge
labels drawn at the default view overlap neither each other nor an agency or
its name, and choosing another cohort in the form does not carry the previous
view's minimum. Screenshots at 1280x800 and 390x844 go to ``test-artifacts/``.
"""

from __future__ import annotations

import itertools

import pytest

from graph_loader.load import load_path
from graph_loader.stores import open_store
from journey.synthetic import generate, write_population
from tests.accessibility import serious_violations
from tests.browser import BrowserLog
from tests.paths import ARTIFACTS
from tests.web.signin import user_of
from web.app import create_app
from web.server import BackgroundServer

pytestmark = pytest.mark.browser

DESKTOP = (1280, 800)
PHONE = (390, 844)
ESCALATED = "/pathways?cohort=escalated&until=escalation&collapse_repeats=1"


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pathways-population")
    write_population(generate(400, seed=11), folder / "input")
    store = open_store(f"sqlite:///{folder / 'journey.db'}")
    load_path(folder / "input", store, rejects_dir=folder / "rejects")
    from journey.analysis import analyse_store

    analyse_store(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def served(browser, synthetic_store):
    app = create_app({"STORE": synthetic_store, "SESSION_COOKIE_SECURE": False})
    with BackgroundServer(app, threads=4) as server:
        yield app, server.url
    app.extensions["journey"].close()


def _page(browser, served, size=DESKTOP):
    app, base = served
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    token = app.extensions["journey.security"].accounts.start_session(user_of(app, "analyst"))
    context.add_cookies([{"name": "journey-session", "value": token, "url": base}])
    page = context.new_page()
    return context, page, BrowserLog(page, requests_of=context, http_errors=True)


def _map_frame(page):
    frame = next(f for f in page.frames if "/pathways/map.html" in f.url)
    frame.wait_for_selector("body[data-map-ready]", timeout=15000)
    frame.wait_for_function("() => Array.isArray(window.edgeLabelBoxes)", timeout=15000)
    return frame


def _positions(frame) -> dict[str, tuple[float, float]]:
    """Each agency's point on the map's canvas, by name."""
    return {
        name: (round(x, 3), round(y, 3))
        for name, x, y in frame.evaluate(
            "() => { const at = window.network.getPositions();"
            " return window.nodes.get().map(n => [n.agency, at[n.id].x, at[n.id].y]); }"
        )
    }


def _shot(page, name: str, size) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    suffix = "" if size == DESKTOP else f"-{size[0]}px"
    page.screenshot(path=str(ARTIFACTS / f"{name}{suffix}.png"))
    page.screenshot(path=str(ARTIFACTS / f"{name}{suffix}-full.png"), full_page=True)


def test_every_cohort_places_each_agency_at_the_same_point(browser, served):
    context, page, log = _page(browser, served)
    try:
        base = served[1]
        seen = {}
        for path in ("/pathways", ESCALATED, "/pathways?cohort=high_contact"):
            page.goto(base + path)
            seen[path] = _positions(_map_frame(page))
        everyone = seen["/pathways"]
        assert len(everyone) >= 10
        for path, positions in seen.items():
            assert positions == everyone, path
        # The cohorts' maps do differ: fewer agencies are on a pathway of the escalated view.
        frame = _map_frame(page)
        on_pathway = frame.evaluate("() => window.nodes.get().filter(n => n.on_pathway).length")
        assert 0 < on_pathway <= len(everyone)
        assert log.errors == [] and log.hosts() == {"127.0.0.1"}
    finally:
        context.close()


def _overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and (
        a["top"] < b["bottom"] and b["top"] < a["bottom"]
    )


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("path", ["/pathways", ESCALATED])
def test_edge_labels_collide_with_nothing_at_the_default_view(browser, served, size, path):
    context, page, log = _page(browser, served, size)
    try:
        page.goto(served[1] + path)
        frame = _map_frame(page)
        labels = frame.evaluate("() => window.edgeLabelBoxes")
        nodes = frame.evaluate("() => window.nodeBoxes || []")
        edges = frame.evaluate("() => window.edges.length")
        if size == DESKTOP:
            # Most of the strongest pathways are labelled, none over another label or agency.
            assert edges > 10 and len(labels) >= 10
            assert labels[0]["id"] in ("flow-0", "flow-1", "flow-2")
            assert frame.evaluate("() => window.agencyNameBoxes") == []  # vis draws them
        else:
            # Zoomed out to a phone's width vis's names would be too small to read: the map
            # draws most of them at a readable size, over no dot and no other name, and no
            # numbers until it is zoomed in.
            assert labels == []
            names = frame.evaluate("() => window.agencyNameBoxes")
            dots = frame.evaluate("() => window.dotBoxes")
            assert len(names) >= len(dots) // 2
            for i, name in enumerate(names):
                for other in names[i + 1 :] + dots:
                    assert not _overlap(name, other), (name, other)
            width = frame.evaluate("() => document.querySelector('#journey-map canvas')"
                                   ".clientWidth")  # fmt: skip
            assert all(0 <= n["left"] and n["right"] <= width for n in names)
        for a, b in itertools.combinations(labels, 2):
            assert not _overlap(a, b), (a, b)
        for label in labels:
            assert not any(_overlap(label, node) for node in nodes), label
        _shot(page, "pathways-escalated" if path == ESCALATED else "pathways-all", size)
        assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
        assert log.errors == [] and log.hosts() == {"127.0.0.1"}
    finally:
        context.close()


def test_choosing_another_cohort_does_not_carry_the_minimum(browser, served):
    context, page, log = _page(browser, served)
    try:
        base = served[1]
        page.goto(base + "/pathways")
        assert page.input_value("#min_transitions") == ""
        everyone = page.evaluate(
            "async () => (await (await fetch('/pathways.json')).json()).min_transitions"
        )
        page.select_option("#cohort", "escalated")
        page.select_option("#until", "escalation")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert "cohort=escalated" in page.url and "until=escalation" in page.url
        assert page.input_value("#min_transitions") == ""
        body = page.evaluate(
            "async () => (await fetch('/pathways.json' + location.search)).json()"
        )
        assert body["min_transitions_default"] is True
        assert body["min_transitions"] < everyone  # its own default, not all families'
        assert body["until"] == "escalation" and body["collapse_repeats"] is True
        # A typed minimum is kept, and shown, until the user empties the field.
        page.fill("#min_transitions", "2")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert page.input_value("#min_transitions") == "2"
        assert log.errors == [] and log.hosts() == {"127.0.0.1"}
    finally:
        context.close()


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize(
    "path", [ESCALATED + "&collapse_repeats=0", "/pathways?cohort=eligible&min_transitions=0"]
)
def test_the_views_and_a_bad_value_pass_axe(browser, served, axe_script, size, path):
    context, page, log = _page(browser, served, size)
    try:
        context.add_init_script(script=axe_script)
        response = page.goto(served[1] + path)
        assert response.status == (400 if "min_transitions=0" in path else 200)
        _map_frame(page)
        assert serious_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
        if response.status == 400:
            error = page.locator("#min_transitions-error")
            assert "min_transitions" in error.inner_text()
            assert "min_transitions-error" in page.get_attribute(
                "#min_transitions", "aria-describedby"
            )
            _shot(page, "pathways-bad-minimum", size)
        # The only error is the 400 itself, which the page answers on purpose.
        assert all("400" in error for error in log.errors), log.errors
    finally:
        context.close()
