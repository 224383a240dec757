"""Web fixtures, layered as in Flask's tutorial: store → app → client → signed-in client.

``store`` is a real SQLite store in a temporary folder holding the hand-built
population of :mod:`tests.web.population`, analysed by the real orchestrator
(:func:`journey.analysis.analyse_store`). ``bare_store`` holds the same data
but no analysis results yet.

``anonymous_client`` is nobody signed in. ``client`` is signed in as an
analyst (identified family-level data: every page but the admin pages), so
the page tests see what they always saw; ``admin_client`` is an admin, and
``client_of(role)`` makes a client signed in with any role.
"""

from __future__ import annotations

import pytest

from graph_loader.stores import open_store
from tests.web.population import analyse_into, write_population
from tests.web.signin import signed_in_client
from web.app import create_app
from web.server import BackgroundServer

# The test client speaks plain http: cookies are not Secure (as on 127.0.0.1).
TEST_CONFIG = {"TESTING": True, "SESSION_COOKIE_SECURE": False}


@pytest.fixture
def bare_store(tmp_path):
    """The population loaded, not analysed."""
    store = open_store(f"sqlite:///{tmp_path / 'web.db'}")
    write_population(store)
    yield store
    store.close()


@pytest.fixture
def store(bare_store):
    """The population loaded and analysed."""
    analyse_into(bare_store)
    return bare_store


@pytest.fixture
def app(store):
    app = create_app({"STORE": store, **TEST_CONFIG})
    yield app
    app.extensions["journey"].close()


@pytest.fixture
def anonymous_client(app):
    """Nobody signed in."""
    return app.test_client()


@pytest.fixture
def client(app):
    """Signed in as an analyst: identified family-level data, no admin pages."""
    return signed_in_client(app, "analyst")


@pytest.fixture
def admin_client(app):
    return signed_in_client(app, "admin")


@pytest.fixture
def client_of(app):
    """``client_of(role)``: a new client signed in as a user of ``role``."""
    return lambda role, name=None: signed_in_client(app, role, name)


@pytest.fixture
def bare_client(bare_store):
    app = create_app({"STORE": bare_store, **TEST_CONFIG})
    yield signed_in_client(app, "analyst")
    app.extensions["journey"].close()


# -- a live server for the browser tests (one per test module) ------------------------
@pytest.fixture(scope="module")
def live_store(tmp_path_factory):
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'journey.db'}")
    write_population(store)
    analyse_into(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def live_app(live_store):
    app = create_app({"STORE": live_store, "SESSION_COOKIE_SECURE": False})
    yield app
    app.extensions["journey"].close()


@pytest.fixture(scope="module")
def live_server(browser, live_app):
    # Asks for the browser first, so that without one nothing is started.
    with BackgroundServer(live_app, threads=4) as server:
        yield server.url
