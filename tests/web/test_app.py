"""The application factory, error pages, security headers and the waitress server."""

from __future__ import annotations

import json
import urllib.request

import pytest
from flask import Flask

from graph_loader.stores import open_store
from journey.errors import StoreError
from web import create_app
from web.server import BackgroundServer


def test_factory_takes_an_open_store(store):
    app = create_app({"STORE": store})
    assert isinstance(app, Flask)
    assert app.extensions["journey"].store is store


def test_factory_opens_a_store_url_when_no_store_is_given(store):
    app = create_app({"STORE_URL": store.url})
    try:
        assert app.extensions["journey"].store.counts() == store.counts()
    finally:
        app.extensions["journey"].store.close()


def test_factory_without_a_store_is_a_store_error():
    with pytest.raises(StoreError, match="STORE"):
        create_app({})


def test_two_apps_share_nothing(store, tmp_path):
    # No module-level state: each app answers from its own store.
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        analysed = create_app({"STORE": store}).test_client().get("/.json").get_json()
        empty = create_app({"STORE": other}).test_client().get("/.json").get_json()
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


def test_unexpected_error_is_a_friendly_500_without_details(store):
    client = _broken_app(store).test_client()
    html = client.get("/broken")
    assert html.status_code == 500
    assert "Something went wrong" in html.get_data(as_text=True)
    assert "secret detail" not in html.get_data(as_text=True)
    as_json = client.get("/broken.json")
    assert as_json.status_code == 500
    assert as_json.get_json()["error"] == "Something went wrong"
    assert "secret detail" not in as_json.get_data(as_text=True)


def test_a_store_that_fails_gives_a_friendly_error_page(store):
    client = create_app({"STORE": store}).test_client()
    store.close()  # every read now fails inside the store
    response = client.get("/loads")
    assert response.status_code in (500, 503)
    text = response.get_data(as_text=True)
    assert "— Journey service</title>" in text
    assert "Traceback" not in text


def test_store_errors_are_a_503(store, monkeypatch):
    def unavailable():
        raise StoreError("cannot read /secret/path.db")

    client = create_app({"STORE": store}).test_client()
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
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_load_nothing_from_another_host(client):
    for url in ["/", "/families", "/pathways", "/interventions", "/loads", "/families/F001"]:
        text = client.get(url).get_data(as_text=True)
        assert "http://" not in text and "https://" not in text and 'src="//' not in text, url


def test_waitress_server_serves_the_app_and_stops_cleanly(app):
    with BackgroundServer(app, threads=2) as server:
        assert server.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(server.url + "/loads.json", timeout=10) as response:  # noqa: S310
            body = json.loads(response.read())
        assert body["loads"][0]["source"] == "contacts.csv"
    assert not server._thread.is_alive()
