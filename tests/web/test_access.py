"""The route inventory: every route of the app's URL map needs sign-in and exactly its roles.

Each rule of ``app.url_map`` is requested (its arguments filled with a real
family and valid values) by nobody and by a user of each role. Nobody gets
the sign-in page or a 401 everywhere but the sign-in page and static files;
each role gets through exactly where :data:`web.access.ROUTES` and
:data:`journey.access.ROLE_PERMISSIONS` say, and is refused (403) elsewhere.
docs/security.md's roles table is checked against the same code.
"""

from __future__ import annotations

import re

import pytest

from journey.access import PERMISSIONS, ROLE_PERMISSIONS, ROLES, sees_identified
from tests.paths import ROOT
from web.access import CASELOAD_ENDPOINTS, PUBLIC, ROUTES, allowed_endpoints

# A value for each URL argument, so every rule becomes a URL that exists.
ARGUMENTS = {
    "family_id": "F001",
    "kind": "swimlane",
    "fmt": "json",
    "name": "analyst",
    "filename": "style.css",
    "upload_id": "20260101T000000-0000abcd",
    "table": "broker-agencies",
}


def pseudonym_of(app, family_id: str) -> str:
    """The family's id as roles without identified data see it (and ask for it)."""
    from journey.pseudonym import pseudonym
    from web.privacy import _key

    with app.test_request_context():
        return pseudonym(_key(), family_id)


def urls(app, family_id: str = "F001") -> list[tuple[str, str, str]]:
    """(endpoint, method, URL) of every rule, each method it answers but HEAD and OPTIONS."""
    found = []
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        values = {a: ARGUMENTS[a] for a in rule.arguments if a not in (rule.defaults or {})}
        if "family_id" in values:
            values["family_id"] = family_id
        if rule.endpoint == "map_assets.map_asset":
            values = {"name": "journey-map.js"}
        if rule.endpoint == "admin.rejects":
            values["name"] = "contacts.rejects.csv"
        url = adapter.build(rule.endpoint, values, method=sorted(rule.methods)[0])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, url))
    return found


def test_every_endpoint_is_public_or_in_the_route_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - PUBLIC - set(ROUTES) == set(), "a route is missing from web.access.ROUTES"
    assert set(ROUTES) - endpoints == set(), "ROUTES names an endpoint the app does not have"
    assert {p for needed in ROUTES.values() for p in needed} <= set(PERMISSIONS)


def test_nobody_signed_in_reaches_only_the_sign_in_page_and_static_files(anonymous_client, app):
    for endpoint, method, url in urls(app):
        response = anonymous_client.open(url, method=method)
        response.close()  # static files are streamed from open files
        if endpoint in PUBLIC:
            assert response.status_code in (200, 400), (method, url)  # 400: POST without a token
            continue
        if method == "GET" and not url.endswith((".json", ".csv", ".html")):
            assert response.status_code == 303, url
            assert response.headers["Location"].startswith("/sign-in?next=")
        else:
            assert response.status_code == 401, (method, url)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_routes(client_of, app, store, role):
    client = client_of(role)
    if role == "keyworker":
        accounts = app.extensions["journey.security"].accounts
        accounts.set_caseload("keyworker", ["F001"])
    allowed = allowed_endpoints(role)
    family = "F001" if sees_identified(role) else pseudonym_of(app, "F001")
    for endpoint, method, url in urls(app, family):
        if method != "GET" or endpoint in PUBLIC or endpoint == "admin.rejects":
            continue  # POSTs: test_hardening.py (CSRF first); rejects: no such upload here
        response = client.get(url)
        status = response.status_code
        response.close()
        if endpoint in allowed:
            assert status == 200, (role, url, status)
        else:
            assert status == 403, (role, url, status)


def test_a_keyworker_sees_only_the_families_on_their_caseload(client_of, app):
    client = client_of("keyworker")
    app.extensions["journey.security"].accounts.set_caseload("keyworker", ["F002"])
    assert client.get("/families/F002").status_code == 200
    assert client.get("/families/F002/maps/network.html").status_code == 200
    for url in ("/families/F001", "/families/F001.json", "/families/F001/maps/swimlane.html"):
        assert client.get(url).status_code == 404, url
    assert client.get("/families").status_code == 403  # not the population list
    account = client.get("/account").get_data(as_text=True)
    assert 'href="/families/F002"' in account and "F001" not in account
    assert CASELOAD_ENDPOINTS <= set(ROUTES)


def test_the_menu_offers_only_what_the_role_may_see(client_of):
    page = client_of("designer").get("/families").get_data(as_text=True)
    menu = re.search(r'<ul class="nav">(.*?)</ul>', page, re.DOTALL).group(1)
    assert re.findall(r">([^<]+)</a>", menu) == ["Families", "Pathways"]
    admin = client_of("admin").get("/admin/users").get_data(as_text=True)
    assert ">Admin</a>" in admin


def test_the_roles_table_of_the_docs_is_the_code():
    text = (ROOT / "docs" / "security.md").read_text("utf-8")
    table = text.split("## Roles")[1].split("\n## ")[0]
    header = next(line for line in table.splitlines() if line.startswith("| role |"))
    columns = [c.strip() for c in header.strip("|").split("|")][1:]
    assert columns == list(PERMISSIONS)
    rows = {}
    for line in table.splitlines():
        found = re.match(r"\| `(\w+)` \|((?: (?:yes|no) \|)+)$", line)
        if found:
            rows[found.group(1)] = [c.strip() for c in found.group(2).strip(" |").split("|")]
    assert list(rows) == list(ROLES)
    for role, cells in rows.items():
        documented = {p for p, cell in zip(columns, cells, strict=True) if cell == "yes"}
        assert documented == set(ROLE_PERMISSIONS[role]), role


def test_a_refused_route_is_in_the_audit_log(client_of, app):
    assert client_of("designer").get("/loads").status_code == 403
    [event] = app.extensions["journey.security"].audit.events(action="access-denied")
    assert (event.actor, event.role, event.subject) == ("designer", "designer", "/loads")
