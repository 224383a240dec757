"""Hardening: the Host allow-list, CSRF on every state-changing route, headers, size, logs."""

from __future__ import annotations

import logging
import re

import pytest

from tests.web.signin import csrf_of
from tests.web.test_access import urls

PAGES = ["/", "/families", "/families/F001", "/pathways", "/interventions", "/loads",
         "/account", "/admin/users", "/admin/uploads", "/admin/audit", "/sign-in"]  # fmt: skip


@pytest.mark.parametrize("host", ["attacker.example", "127.0.0.1.attacker.example", "evil:80"])
def test_a_foreign_host_header_is_refused_before_anything_is_read(admin_client, host):
    # DNS rebinding: a page on attacker.example resolving to 127.0.0.1 sends its own name.
    response = admin_client.get("/families.json", headers={"Host": host})
    assert response.status_code == 400
    assert "F001" not in response.get_data(as_text=True)


def test_the_allowed_hosts_answer(admin_client):
    assert admin_client.get("/.json", headers={"Host": "localhost:5000"}).status_code == 200
    # The test client keeps its cookie for "localhost": another allowed name is not refused,
    # it asks for sign-in.
    for host in ("127.0.0.1:5000", "[::1]:5000"):
        assert admin_client.get("/.json", headers={"Host": host}).status_code == 401, host


def test_every_state_changing_route_needs_the_csrf_token(admin_client, app):
    posts = [(e, url) for e, method, url in urls(app) if method not in ("GET",)]
    assert {e for e, _ in posts} >= {"auth.sign_in", "auth.sign_out", "admin.add_user",
                                     "admin.change_user", "admin.upload"}  # fmt: skip
    users_before = len(app.extensions["journey.security"].accounts.users())
    for endpoint, url in posts:
        form = {"name": "mallory", "role": "admin", "password": "x" * 20, "change": "disable"}
        response = admin_client.post(url, data=form)
        assert response.status_code == 400, (endpoint, response.status_code)
    assert len(app.extensions["journey.security"].accounts.users()) == users_before
    assert admin_client.get("/admin/users").status_code == 200  # still signed in


def test_a_post_from_another_origin_is_refused_even_with_the_token(admin_client):
    token = csrf_of(admin_client, "/admin/users")
    response = admin_client.post(
        "/admin/users", data={"name": "mallory", "role": "admin", "password": "x" * 20,
                              "csrf_token": token}, headers={"Origin": "https://evil.example"},
    )  # fmt: skip
    assert response.status_code == 403


def test_no_route_changes_state_through_get(app):
    for endpoint, method, _ in urls(app):
        if endpoint in {"admin.add_user", "admin.change_user", "auth.sign_out", "admin.upload"}:
            assert method == "POST", endpoint


@pytest.mark.parametrize("url", PAGES)
def test_every_page_sends_the_strict_headers(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 200, url
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self';", "object-src 'none'",
                      "base-uri 'none'", "frame-ancestors 'self'"):  # fmt: skip
        assert directive in csp, (url, directive)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    # No inline script on any page: only scripts from this app's own files.
    assert re.findall(r"<script(?![^>]*\bsrc=\"/static/)", response.get_data(as_text=True)) == []


def test_map_documents_allow_no_inline_script_either(admin_client):
    for url in ("/families/F001/maps/swimlane.html", "/pathways/map.html"):
        csp = admin_client.get(url).headers["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp, url


def test_a_request_over_the_size_limit_is_refused(app, admin_client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    token = csrf_of(admin_client, "/admin/uploads")
    response = admin_client.post("/admin/uploads", data={"csrf_token": token, "pad": "x" * 4096})
    assert response.status_code == 413


def test_the_access_log_names_routes_never_families_or_queries(client, caplog):
    with caplog.at_level(logging.INFO, logger="journey.access"):
        client.get("/families/F003.json")
        client.get("/families?area=North")
    lines = [r.getMessage() for r in caplog.records if r.name == "journey.access"]
    assert lines[0].startswith("GET /families/<family_id>.<any(json):fmt> 200 ")
    assert lines[0].endswith("role=analyst")
    assert "F003" not in " ".join(lines) and "North" not in " ".join(lines)
    assert "analyst" not in lines[0].split("role=")[0]  # the role, never the user's name
