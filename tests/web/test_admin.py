"""Admin pages through the test client: add a user who signs in, upload a file, read the trail."""

from __future__ import annotations

import io
import re

import pandas as pd

from tests.web.signin import csrf_of
from tests.web.test_auth import sign_in_by_form


def _post(client, url, data, token_page="/admin/users", **kwargs):
    return client.post(url, data={**data, "csrf_token": csrf_of(client, token_page)}, **kwargs)


def test_an_admin_adds_a_user_who_can_then_sign_in(app, admin_client):
    newcomer = {"name": "new.person", "role": "commissioner", "password": "a first password"}
    response = _post(admin_client, "/admin/users", newcomer)
    assert response.status_code == 303
    page = admin_client.get("/admin/users").get_data(as_text=True)
    assert "Added new.person as commissioner." in page
    assert '<td data-label="Name">new.person</td>' in page
    newcomer = app.test_client()
    assert sign_in_by_form(newcomer, "new.person", "a first password").status_code == 303
    assert newcomer.get("/pathways").status_code == 200
    assert newcomer.get("/loads").status_code == 403  # a commissioner's role, no more
    trail = [(e.actor, e.action, e.subject) for e in
             app.extensions["journey.security"].audit.events(action="user-add")]  # fmt: skip
    assert trail == [("admin", "user-add", "new.person (commissioner)")]


def test_a_refused_change_says_why_and_changes_nothing(app, admin_client):
    _post(admin_client, "/admin/users", {"name": "x", "role": "analyst", "password": "short"})
    page = admin_client.get("/admin/users").get_data(as_text=True)
    assert "Not added: the password must be at least 12 characters long." in page
    response = _post(admin_client, "/admin/users/admin", {"change": "disable"})
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is the only admin" in page
    assert not app.extensions["journey.security"].accounts.user("admin").disabled


def test_role_changes_and_caseloads(app, admin_client, client_of):
    worker = client_of("keyworker", "kay")
    _post(admin_client, "/admin/users/kay", {"change": "caseload", "caseload": "F002\nF004"})
    accounts = app.extensions["journey.security"].accounts
    assert accounts.caseload(accounts.user("kay").user_id) == ["F002", "F004"]
    assert worker.get("/families/F004").status_code == 200
    _post(admin_client, "/admin/users/kay", {"change": "role", "role": "designer"})
    assert worker.get("/families.json").status_code == 401  # signed out by the change


CONTACTS = (
    "contact_id,person_id,family_id,agency,contact_type,occurred_at\n"
    "U1,UP1,UF1,Police,incident,2023-01-05\n"
    "U2,UP1,UF1,School,exclusion,2023-02-01\n"
    "U3,UP2,UF2,=HYPERLINK(\"x\"),incident,not-a-date\n"
)


def test_an_upload_is_loaded_and_reconciled_like_journey_load(app, admin_client, store, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    before = store.counts()["contact_rows"]
    response = _post(admin_client, "/admin/uploads",
                     {"contacts": (io.BytesIO(CONTACTS.encode()), "new contacts.csv")},
                     token_page="/admin/uploads", content_type="multipart/form-data")  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "new_contacts.csv: rows in 3 = loaded 2 + rejected 1 + duplicates 0" in page
    assert store.counts()["contact_rows"] == before + 2
    link = re.search(r'href="(/admin/uploads/[^"]+/rejects/[^"]+)"', page).group(1)
    rejects = admin_client.get(link)
    assert rejects.status_code == 200 and rejects.mimetype == "text/csv"
    assert rejects.get_data().startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    frame = pd.read_csv(io.BytesIO(rejects.get_data()), dtype=str, encoding="utf-8-sig")
    assert frame["contact_id"].tolist() == ["U3"]
    assert frame["agency"].tolist() == ["'=HYPERLINK(\"x\")"]  # the formula guard
    events = app.extensions["journey.security"].audit.events()
    assert ("upload", "new_contacts.csv", "loaded 2, rejected 1") in [
        (e.action, e.subject, e.outcome) for e in events]  # fmt: skip
    loads = admin_client.get("/loads.json").get_json()["loads"]
    assert loads[0]["source"].endswith("/new_contacts.csv") and loads[0]["rejected"] == 1


def test_uploads_of_the_wrong_kind_are_refused_before_loading(app, admin_client, store, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    before = store.counts()
    for name, content, reason in [
        ("contacts.xlsx", b"PK\x03\x04", "expected a .csv file"),
        ("contacts.csv", b"\x00\x01binary", "not a text file"),
        ("contacts.csv", "contact_id\xff".encode("latin-1") + b"," * 10, "not UTF-8 text"),
    ]:
        response = _post(admin_client, "/admin/uploads",
                         {"contacts": (io.BytesIO(content), name)}, token_page="/admin/uploads",
                         content_type="multipart/form-data")  # fmt: skip
        assert response.status_code == 400 and reason in response.get_data(as_text=True), name
    assert store.counts() == before


def test_rejects_files_are_served_from_their_folder_only(admin_client):
    for url in ("/admin/uploads/..%2F..%2Fetc/rejects/passwd.rejects.csv",
                "/admin/uploads/20260101T000000-0000abcd/rejects/..rejects.csv"):  # fmt: skip
        assert admin_client.get(url).status_code == 404, url


def test_the_audit_page_filters_and_its_csv_is_formula_safe(app, admin_client, client):
    client.get("/families/F001")
    client.get("/families/F002.json")
    client.get("/families.csv")
    audit = app.extensions["journey.security"].audit
    audit.record("sign-in", actor="=cmd|' /C calc'!A0", outcome="unknown user")
    page = admin_client.get("/admin/audit?action=view-family").get_data(as_text=True)
    assert "<td>F001</td>" in page and "<td>F002</td>" in page and "families.csv" not in page
    page = admin_client.get("/admin/audit?actor=analyst&action=export").get_data(as_text=True)
    assert "<td>families.csv</td>" in page
    csv = admin_client.get("/admin/audit.csv")
    assert csv.mimetype == "text/csv"
    assert csv.get_data().startswith(b"\xef\xbb\xbf")
    assert re.match(r'attachment; filename="audit-at-\d{8}-\d{6}\.csv"',
                    csv.headers["Content-Disposition"])
    frame = pd.read_csv(io.BytesIO(csv.get_data()), dtype=str, encoding="utf-8-sig")
    assert frame["at_utc"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d").all()
    assert "'=cmd|' /C calc'!A0" in frame["actor"].tolist()
    assert not frame["actor"].fillna("").str.startswith("=").any()
    assert audit.events(limit=1)[0].action == "audit-export"  # downloading is recorded too
