"""Fixtures shared by every layer: real stores in temporary folders, one headless browser."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from graph_loader.stores import open_store

# The session's one Chromium (``browser``) for the browser tests of every layer.
pytest_plugins = ["tests.browser"]

# Timing is for benchmarks, not tests: a loaded 2-core CI machine must not fail
# a property because one example was slow.
settings.register_profile("journey", deadline=None)
# CI explores the same examples every run (reproducible); developers' runs explore anew.
settings.register_profile("ci", deadline=None, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "journey")


@pytest.fixture
def fresh_store(tmp_path):
    """An empty embedded store in a real file."""
    store = open_store(f"sqlite:///{tmp_path / 'journey.db'}")
    yield store
    store.close()
