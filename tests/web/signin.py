"""Signed-in test clients: a user of a given role, and their session's cookie on a client.

The user is added through the app's own accounts (a real row in the store
file) and the session is started as the sign-in page starts one; only the
form round trip is skipped, which ``tests/web/test_auth.py`` covers.
"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from graph_loader.accounts import User
from journey.errors import AccountError

__all__ = ["PASSWORD", "user_of", "sign_in", "signed_in_client", "csrf_of"]

PASSWORD = "a long test password"


def user_of(app: Flask, role: str, name: str | None = None) -> User:
    """The user ``name`` (default: the role's name) of ``role``, added when missing."""
    accounts = app.extensions["journey.security"].accounts
    name = name or role
    try:
        return accounts.user(name)
    except AccountError:
        return accounts.add_user(name, role, PASSWORD)


def sign_in(client: FlaskClient, role: str, name: str | None = None) -> User:
    """Sign ``client`` in as a user of ``role``; return the user."""
    app = client.application
    user = user_of(app, role, name)
    token = app.extensions["journey.security"].accounts.start_session(user)
    with app.test_request_context():
        from web.auth import session_cookie_name

        cookie = session_cookie_name()
    client.set_cookie(cookie, token)
    return user


def signed_in_client(app: Flask, role: str = "analyst", name: str | None = None) -> FlaskClient:
    """A new test client of ``app``, signed in as a user of ``role``."""
    client = app.test_client()
    sign_in(client, role, name)
    return client


def csrf_of(client: FlaskClient, path: str = "/account") -> str:
    """The CSRF token the forms of ``path`` carry for this client's session."""
    import re

    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)
