"""Fixtures shared by every layer: real stores in temporary folders."""

from __future__ import annotations

import pytest

from graph_loader.stores import open_store


@pytest.fixture
def fresh_store(tmp_path):
    """An empty embedded store in a real file."""
    store = open_store(f"sqlite:///{tmp_path / 'journey.db'}")
    yield store
    store.close()
