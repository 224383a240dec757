"""The HTML export in headless Chromium from file://, every other request refused: it renders."""

from __future__ import annotations

import pytest

from journey.exports import family_export, pathways_export, render
from tests.browser import BrowserLog
from tests.journey.exports.family import CONTACTS, PEOPLE, SECRETS
from tests.journey.exports.test_model import ENDS, FLOWS
from tests.paths import ARTIFACTS

pytestmark = pytest.mark.browser


def _open(browser, path):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, offline=True)
    refused: list[str] = []

    def only_files(route):
        if route.request.url.startswith("file:"):
            return route.continue_()
        refused.append(route.request.url)
        return route.abort()

    context.route("**/*", only_files)
    page = context.new_page()
    log = BrowserLog(page)
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-map-ready]", timeout=15000)
    return context, page, log, refused


def test_the_family_html_opens_offline_and_renders_every_node(browser, tmp_path):
    path = tmp_path / "journey.html"
    path.write_bytes(render(family_export(CONTACTS, PEOPLE, label="Journey 1"), "html"))
    context, page, log, refused = _open(browser, path)
    try:
        nodes, edges = page.evaluate("[window.nodes.get().length, window.edges.get().length]")
        assert nodes == 3 + 4  # a lane label per agency (Police, School, GP) and each contact
        assert edges == 3  # the chain c1 → c2 → c3 → c4
        header = page.inner_text("header")
        assert "Family journey: Journey 1" in header and "De-identified" in header
        assert "Generated " in header
        shown = page.inner_text("body")
        assert not [s for s in SECRETS if s in shown]
        assert page.evaluate("document.querySelector('#journey-map canvas') !== null")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "export-family-html.png"))
        assert log.errors == [] and refused == []
        assert log.hosts() <= {None}  # file: only
    finally:
        context.close()


def test_the_family_network_html_opens_offline(browser, tmp_path):
    path = tmp_path / "network.html"
    model = family_export(CONTACTS, PEOPLE, label="Journey 1")
    path.write_bytes(render(model, "html", family_map="network"))
    context, page, log, refused = _open(browser, path)
    try:
        labels = page.evaluate("window.nodes.get().map(n => n.label)")
        assert len(labels) == 2 + 3  # the two members and the three agencies
        assert any("Mother" in label for label in labels)
        assert log.errors == [] and refused == []
    finally:
        context.close()


def test_the_pathways_html_opens_offline(browser, tmp_path):
    path = tmp_path / "pathways.html"
    path.write_bytes(render(pathways_export(FLOWS, ENDS, identified=True), "html"))
    context, page, log, refused = _open(browser, path)
    try:
        nodes = page.evaluate("window.nodes.get().length")
        assert nodes == 3  # Police, School, GP
        assert "collapse repeats: no" in page.inner_text("header")
        assert log.errors == [] and refused == []
    finally:
        context.close()
