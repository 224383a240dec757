"""Fixtures shared by every layer: real stores in temporary folders, one headless browser."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from graph_loader.stores import open_store

# The session's one Chromium (``browser``) for the browser tests of every layer.
pytest_plugins = ["tests.browser", "tests.accessibility"]

# Timing is for benchmarks, not tests: a loaded 2-core CI machine must not fail
# a property because one example was slow.
settings.register_profile("journey", deadline=None)
# CI explores the same examples every run (reproducible); developers' runs explore anew.
settings.register_profile("ci", deadline=None, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "journey")


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashes():
    """argon2id at its cheapest settings: a real hash takes 0.35 s, and tests sign in often.

    ``tests/graph_loader/accounts/test_passwords.py`` checks the real settings.
    """
    from argon2 import PasswordHasher
    from argon2.profiles import CHEAPEST

    from graph_loader.accounts import passwords

    real = passwords._hasher
    cheap = PasswordHasher.from_parameters(CHEAPEST)
    passwords._hasher = lambda: cheap
    yield
    passwords._hasher = real


@pytest.fixture
def fresh_store(tmp_path):
    """An empty embedded store in a real file."""
    store = open_store(f"sqlite:///{tmp_path / 'journey.db'}")
    yield store
    store.close()
