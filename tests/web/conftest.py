"""Web fixtures, layered as in Flask's tutorial: store → app → client.

``store`` is a real SQLite store in a temporary folder holding the hand-built
population of :mod:`tests.web.population`, analysed by the real orchestrator
(:func:`journey.analysis.analyse_store`). ``bare_store`` holds the same data
but no analysis results yet.
"""

from __future__ import annotations

import pytest

from graph_loader.stores import open_store
from tests.web.population import analyse_into, write_population
from web.app import create_app


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
    return create_app({"STORE": store, "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def bare_client(bare_store):
    return create_app({"STORE": bare_store, "TESTING": True}).test_client()
