"""Signing in and out through the real forms: CSRF, cookies, timeouts, revocation, lock-out."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.web.conftest import TEST_CONFIG
from tests.web.signin import PASSWORD, csrf_of, user_of
from web.app import create_app


def _form_token(client, path="/sign-in") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', page).group(1)


def sign_in_by_form(client, name, password, next_path=""):
    token = _form_token(client)
    return client.post("/sign-in", data={"name": name, "password": password,
                                         "csrf_token": token, "next": next_path})  # fmt: skip


def test_a_new_user_signs_in_and_lands_where_they_were_going(app, anonymous_client):
    user_of(app, "analyst", "ann")
    response = sign_in_by_form(anonymous_client, "ann", PASSWORD, "/families?page=1")
    assert response.status_code == 303 and response.headers["Location"] == "/families?page=1"
    page = anonymous_client.get("/families").get_data(as_text=True)
    assert "ann <span class=\"role\">(analyst)</span>" in page
    events = app.extensions["journey.security"].audit.events(action="sign-in")
    assert [(e.actor, e.outcome, e.address) for e in events] == [("ann", "success", "127.0.0.1")]


def test_a_role_lands_on_the_first_page_it_may_see(app, anonymous_client):
    user_of(app, "designer", "dee")
    assert sign_in_by_form(anonymous_client, "dee", PASSWORD).headers["Location"] == "/families"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_sign_in_never_redirects_to_another_site(app, anonymous_client, target):
    user_of(app, "analyst", "ann")
    assert sign_in_by_form(anonymous_client, "ann", PASSWORD, target).headers["Location"] == "/"


def test_a_wrong_password_and_an_unknown_name_read_the_same(app, anonymous_client):
    user_of(app, "analyst", "ann")
    wrong = sign_in_by_form(anonymous_client, "ann", "not the password").get_data(as_text=True)
    unknown = sign_in_by_form(anonymous_client, "zed", "not the password").get_data(as_text=True)
    for page in (wrong, unknown):
        assert "The name or password is not right" in page
    assert anonymous_client.get("/.json").status_code == 401
    outcomes = [e.outcome for e in app.extensions["journey.security"].audit.events()]
    assert outcomes == ["unknown user", "wrong password"]


def test_the_form_locks_the_account_after_five_wrong_passwords(app, anonymous_client):
    user_of(app, "analyst", "ann")
    for _ in range(5):
        sign_in_by_form(anonymous_client, "ann", "not the password")
    response = sign_in_by_form(anonymous_client, "ann", PASSWORD)
    assert response.status_code == 200 and "locked for a while" in response.get_data(as_text=True)
    assert app.extensions["journey.security"].audit.events(limit=1)[0].outcome == "locked"


def test_the_session_cookie_is_httponly_lax_and_has_no_expiry(app, anonymous_client):
    user_of(app, "analyst", "ann")
    cookie = sign_in_by_form(anonymous_client, "ann", PASSWORD).headers["Set-Cookie"]
    assert cookie.startswith("journey-session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Expires" not in cookie and "Max-Age" not in cookie


def test_over_https_the_cookie_is_secure_with_the_host_prefix(store):
    app = create_app({"STORE": store, "TESTING": True})  # the default: Secure
    user_of(app, "analyst", "ann")
    client = app.test_client()
    response = sign_in_by_form(client, "ann", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-journey-session=") and "; Secure" in cookie
    app.extensions["journey"].close()


def test_sign_in_without_the_forms_token_is_refused(app, anonymous_client):
    user_of(app, "analyst", "ann")
    response = anonymous_client.post("/sign-in", data={"name": "ann", "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert app.extensions["journey.security"].audit.count() == 0  # refused before it was tried


def test_signing_out_ends_the_session_on_the_server(app, client):
    token = client.get_cookie("journey-session").value
    assert client.get("/sign-out").status_code == 405  # no state change through GET
    response = client.post("/sign-out", data={"csrf_token": csrf_of(client)})
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
    assert app.extensions["journey.security"].accounts.session(token) is None
    # Even a copy of the cookie kept by an attacker opens nothing now.
    copy = app.test_client()
    copy.set_cookie("journey-session", token)
    assert copy.get("/.json").status_code == 401


def test_disabling_a_user_ends_their_open_session_at_once(app, client, admin_client):
    assert client.get("/.json").status_code == 200
    response = admin_client.post("/admin/users/analyst", data={
        "change": "disable", "csrf_token": csrf_of(admin_client, "/admin/users")})  # fmt: skip
    assert response.status_code == 303
    assert client.get("/.json").status_code == 401


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_an_idle_session_ends_after_30_minutes(store):
    clock = Clock()
    app = create_app({"STORE": store, **TEST_CONFIG, "CLOCK": clock})
    user_of(app, "analyst", "ann")
    client = app.test_client()
    sign_in_by_form(client, "ann", PASSWORD)
    clock.now += timedelta(minutes=29)
    assert client.get("/.json").status_code == 200
    clock.now += timedelta(minutes=30)
    assert client.get("/.json").status_code == 401
    assert client.get("/").headers["Location"] == "/sign-in?next=/"
    app.extensions["journey"].close()


def test_the_account_page_says_who_and_what(client):
    page = client.get("/account").get_data(as_text=True)
    assert "<dd>analyst</dd>" in page and "identified family-level data" in page
    assert "30 minutes" in page and "8 hours" in page
