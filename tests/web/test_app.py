"""The application factory, its store's lifetime, error pages, security headers, the server."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from flask import Flask

from graph_loader.stores import open_store
from journey.errors import StoreError
from tests.web.population import analyse_into, write_population
from tests.web.signin import signed_in_client
from web.app import create_app
from web.data import NOT_ANALYSED
from web.server import BackgroundServer

# Every page that shows stored analysis results, and its JSON twin or CSV or map document.
NEEDS_RESULTS = [
    "/families",
    "/families.json",
    "/families.csv",
    "/pathways",
    "/pathways.json",
    "/pathways/map.html",
    "/interventions",
    "/interventions.json",
    "/outcomes",
    "/outcomes.json",
]
# Pages built from the store's own rows: they say what is missing but still answer.
WITHOUT_RESULTS = [
    "/",
    "/.json",
    "/families/F001",
    "/families/F001.json",
    "/families/F001/maps/swimlane.html",
    "/families/F001/maps/network.html",
    "/loads",
    "/loads.json",
    "/triage",
    "/triage.json",
    "/caseloads",
    "/caseloads.json",
    "/families/F001/contacts.csv",
]
# Export downloads: of the stored population results (503 before them), or of a family's rows.
EXPORTS_NEEDING_RESULTS = ["/pathways/export.csv", "/interventions/broker-agencies.csv"]
EXPORTS_WITHOUT_RESULTS = ["/families/F001/export.csv", "/families/F001/contacts.csv"]


def test_factory_takes_an_open_store(store):
    app = create_app({"STORE": store})
    assert isinstance(app, Flask)
    assert app.extensions["journey"].store is store


def test_factory_opens_a_store_url_when_no_store_is_given(store):
    app = create_app({"STORE_URL": store.url})
    try:
        assert app.extensions["journey"].owns_store
        assert app.extensions["journey"].store.counts() == store.counts()
    finally:
        app.extensions["journey"].close()


def test_importing_the_package_does_not_import_flask():
    code = (
        "import sys, web; assert 'flask' not in sys.modules, 'flask imported'; "
        "from web import create_app; assert 'flask' in sys.modules; print(create_app.__module__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "web.app"


@pytest.fixture
def analysed_db(tmp_path) -> Path:
    """A store file holding the analysed population, with no connection left open to it."""
    path = tmp_path / "owned.db"
    with open_store(f"sqlite:///{path}") as store:
        write_population(store)
        analyse_into(store)
    return path


def _open_handles(path: Path) -> int | None:
    """How many of this process's file descriptors point at the store (None off Linux)."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        return None
    names = {str(path), f"{path}-wal", f"{path}-shm"}
    count = 0
    for fd in fds.iterdir():
        try:
            count += os.readlink(fd) in names
        except OSError:  # a descriptor closed while listing
            continue
    return count


def _get(url: str, client):
    """GET ``url`` from a live server with the signed-in test ``client``'s session cookie."""
    cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    return urllib.request.urlopen(request, timeout=10)  # noqa: S310


def test_a_store_the_app_opened_is_closed_when_the_app_is_disposed(analysed_db):
    app = create_app({"STORE_URL": f"sqlite:///{analysed_db}", "TESTING": True})
    opened = app.extensions["journey"].store
    client = signed_in_client(app)
    for url in ["/.json", "/families.json", "/families/F001.json", "/pathways.json"]:
        assert client.get(url).status_code == 200, url
    # The server's worker threads each open their own connection too.
    with BackgroundServer(app, threads=2) as server:
        for _ in range(4):
            with _get(server.url + "/loads.json", client) as response:
                assert response.status == 200
    assert _open_handles(analysed_db) != 0
    app.extensions["journey"].close()
    app.extensions["journey"].close()  # closing twice is harmless
    with pytest.raises(StoreError, match="closed"):
        opened.counts()
    assert _open_handles(analysed_db) in (0, None)
    # Nothing holds the file any more: it can be moved away (Windows refuses while open).
    os.replace(analysed_db, analysed_db.with_suffix(".moved"))
    assert not analysed_db.exists()


def test_dropping_the_app_closes_the_store_it_opened(analysed_db):
    app = create_app({"STORE_URL": f"sqlite:///{analysed_db}", "TESTING": True})
    opened = app.extensions["journey"].store
    assert signed_in_client(app).get("/families/F001.json").status_code == 200
    del app
    gc.collect()
    with pytest.raises(StoreError, match="closed"):
        opened.counts()
    assert _open_handles(analysed_db) in (0, None)


def test_a_store_passed_in_stays_open_for_its_owner(store):
    app = create_app({"STORE": store, "TESTING": True})
    assert not app.extensions["journey"].owns_store
    assert signed_in_client(app).get("/.json").status_code == 200
    app.extensions["journey"].close()
    del app
    gc.collect()
    assert store.counts()["families"] == 5


def test_factory_without_a_store_is_a_store_error():
    with pytest.raises(StoreError, match="STORE"):
        create_app({})


def test_two_apps_share_nothing(store, tmp_path):
    # No module-level state: each app answers from its own store.
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        analysed = signed_in_client(create_app({"STORE": store})).get("/.json").get_json()
        empty = signed_in_client(create_app({"STORE": other})).get("/.json").get_json()
    finally:
        other.close()
    assert (analysed["analysed"], analysed["counts"]["families"]) == (True, 5)
    assert (empty["analysed"], empty["counts"]["families"]) == (False, 0)


@pytest.mark.parametrize("url", ["/no/such/page", "/families/F001/maps/nope.html"])
def test_unknown_page_is_a_friendly_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "Not Found — Journey service" in text
    assert 'href="/"' in text  # a way back


def test_unknown_json_page_is_a_json_404(client):
    response = client.get("/no/such/page.json")
    assert response.status_code == 404
    assert response.get_json() == {
        "ok": False,
        "status": 404,
        "error": "Not Found",
        "message": "There is no page at this address. Use the menu above to find your way.",
    }


def _broken_app(store) -> Flask:
    app = create_app({"STORE": store})  # not TESTING: errors become 500 pages

    @app.get("/broken", defaults={"fmt": "html"})
    @app.get("/broken.<any(json):fmt>")
    def broken(fmt):
        raise RuntimeError("secret detail F001")

    return app


def test_unexpected_error_is_a_friendly_500_without_details(store, monkeypatch):
    from web.access import ROUTES

    # A new route is closed until the route table names what it needs.
    monkeypatch.setitem(ROUTES, "broken", frozenset({"account"}))
    client = signed_in_client(_broken_app(store))
    html = client.get("/broken")
    assert html.status_code == 500
    assert "Something went wrong" in html.get_data(as_text=True)
    assert "secret detail" not in html.get_data(as_text=True)
    as_json = client.get("/broken.json")
    assert as_json.status_code == 500
    assert as_json.get_json()["error"] == "Something went wrong"
    assert "secret detail" not in as_json.get_data(as_text=True)


def test_a_store_that_fails_gives_a_friendly_error_page(store):
    client = signed_in_client(create_app({"STORE": store}))
    store.close()  # every read now fails inside the store
    response = client.get("/loads")
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "<title>Store unavailable — Journey service</title>" in text
    assert "Traceback" not in text
    assert client.get("/loads.json").get_json()["error"] == "Store unavailable"


def _nothing_loaded(store) -> None:
    pass


def _loaded_not_analysed(store) -> None:
    write_population(store)


def _analysed_without_frames(store) -> None:
    # A run's meta with none of its frames (a store written by an older version, say).
    write_population(store)
    store.save_results({}, {"created_at": "2023-01-02T09:30:00+00:00", "parameters": {}})


@pytest.fixture(params=[_nothing_loaded, _loaded_not_analysed, _analysed_without_frames])
def unanalysed_client(request, tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'unanalysed.db'}")
    request.param(store)
    yield signed_in_client(create_app({"STORE": store, "TESTING": True}))
    store.close()


def test_every_route_is_listed_as_needing_results_or_not(app):
    adapter = app.url_map.bind("localhost")
    listed = {adapter.match(url, return_rule=True)[0].rule for url in NEEDS_RESULTS}
    listed |= {adapter.match(url, return_rule=True)[0].rule for url in WITHOUT_RESULTS}
    exports = EXPORTS_NEEDING_RESULTS + EXPORTS_WITHOUT_RESULTS
    listed |= {adapter.match(url, return_rule=True)[0].rule for url in exports}
    # Files, sign-in and the admin pages are not pages of the data.
    files = {"static", "map_assets.map_asset"}
    files |= {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(("auth.", "admin."))
    }
    routes = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint not in files}
    assert listed == routes


@pytest.mark.parametrize("url", NEEDS_RESULTS)
def test_pages_that_need_results_are_a_503_saying_what_to_do(unanalysed_client, url):
    response = unanalysed_client.get(url)
    assert response.status_code == 503
    if url.endswith(".json"):
        body = response.get_json()
        message = body.pop("message")
        assert body == {"ok": False, "status": 503, "error": "No analysis results yet"}
        # Either nothing is analysed, or the stored run predates the page's results: both
        # say which command to run.
        assert message == NOT_ANALYSED or (
            "older version" in message and "run `journey analyse` again" in message
        )
    else:
        assert response.mimetype == "text/html"
        text = response.get_data(as_text=True)
        assert "<title>No analysis results yet — Journey service</title>" in text
        assert "<code>journey analyse</code>" in text
        assert 'aria-current="page"' in text  # the page keeps its place in the menu


@pytest.mark.parametrize("url", EXPORTS_NEEDING_RESULTS)
def test_population_exports_before_analysis_say_what_to_do(unanalysed_client, url):
    response = unanalysed_client.get(url)
    assert response.status_code == 503
    assert "<code>journey analyse</code>" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", EXPORTS_WITHOUT_RESULTS)
def test_a_familys_export_answers_before_analysis(bare_client, url):
    response = bare_client.get(url)
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("url", WITHOUT_RESULTS)
def test_pages_built_from_the_stores_rows_answer_before_analysis(bare_client, url):
    response = bare_client.get(url)
    assert response.status_code == 200
    if url.endswith(".json"):
        assert response.get_json().get("analysis") is None
    elif "/maps/" not in url and not url.endswith(".csv") and url not in ("/loads", "/caseloads"):
        assert "<code>journey analyse</code>" in response.get_data(as_text=True)


def test_store_errors_are_a_503(store, monkeypatch):
    def unavailable():
        raise StoreError("cannot read /secret/path.db")

    client = signed_in_client(create_app({"STORE": store}))
    monkeypatch.setattr(store, "loads", unavailable)
    response = client.get("/loads.json")
    assert response.status_code == 503
    assert response.get_json()["message"] == "The data store could not be read."


def test_pages_carry_strict_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self';" in csp  # no inline script on pages
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_load_nothing_from_another_host(client):
    for url in ["/", "/families", "/pathways", "/interventions", "/loads", "/families/F001"]:
        text = client.get(url).get_data(as_text=True)
        assert "http://" not in text and "https://" not in text and 'src="//' not in text, url


def test_waitress_server_serves_the_app_and_stops_cleanly(app, client):
    with BackgroundServer(app, threads=2) as server:
        assert server.url.startswith("http://127.0.0.1:")
        with _get(server.url + "/loads.json", client) as response:
            body = json.loads(response.read())
        assert body["loads"][0]["source"] == "contacts.csv"
    assert not server._thread.is_alive()
