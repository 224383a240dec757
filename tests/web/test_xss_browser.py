"""The XSS battery: every page, JSON-fed map and admin page of a hostile population in Chromium.

A dialog hook and ``window.__pwned`` prove no injected script runs, on the
page or in any of its frames; every payload's text must read literally on
the page it appears on; and not even a blocked attempt may show up as a
Content-Security-Policy violation in the console.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from graph_loader.stores import open_store
from tests.web.hostile import HOSTILE_IDS, PAYLOADS, write_hostile_population
from tests.web.population import analyse_into
from tests.web.test_access import pseudonym_of
from tests.web.test_browser import Visit
from web.app import create_app
from web.server import BackgroundServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('xss') / 'journey.db'}")
    write_hostile_population(store)
    analyse_into(store)
    app = create_app({"STORE": store, "SESSION_COOKIE_SECURE": False})
    yield app
    app.extensions["journey"].close()
    store.close()


@pytest.fixture(scope="module")
def hostile_server(browser, hostile_app):
    with BackgroundServer(hostile_app, threads=4) as server:
        yield server.url


def _family_paths(family_id: str) -> list[str]:
    base = "/families/" + quote(family_id, safe="")
    return [base, base + "/maps/swimlane.html", base + "/maps/network.html"]


PAGES = ["/", "/families", "/pathways", "/pathways/map.html?min_transitions=1", "/interventions",
         "/loads",
         "/account", "/admin/users", "/admin/audit"]  # fmt: skip


def _check(visit: Visit, path: str, dialogs: list) -> str:
    visit.open(path)
    visit.page.wait_for_timeout(150)  # let any onerror/onload handler fire
    for frame in visit.page.frames:
        assert frame.evaluate("typeof window.__pwned") == "undefined", (path, frame.url)
    assert dialogs == [], (path, dialogs)
    assert not [e for e in visit.log.errors if "Content Security Policy" in e], visit.log.errors
    return visit.page.inner_text("body")


@pytest.mark.parametrize("role", ["admin", "commissioner"])
def test_no_injected_script_runs_and_payloads_read_literally(browser, hostile_server,
                                                             hostile_app, role):  # fmt: skip
    visit = Visit(browser, hostile_server, app=hostile_app, role=role)
    dialogs: list[str] = []
    visit.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    ids = HOSTILE_IDS if role == "admin" else [pseudonym_of(hostile_app, f) for f in HOSTILE_IDS]
    paths = [p for p in PAGES if role == "admin" or not p.startswith(("/admin", "/loads"))]
    try:
        seen = ""
        for path in paths + [p for family in ids for p in _family_paths(family)]:
            seen += _check(visit, path, dialogs)
        if role == "admin":
            for payload in PAYLOADS[:6]:  # the markup ones, shown as text somewhere
                assert payload in seen, payload
            assert "x" * 3000 in seen  # the long string, whole
        visit.screenshot(f"xss-{role}-family-map.png")
        assert visit.log.hosts() == {"127.0.0.1"}
    finally:
        visit.close()
