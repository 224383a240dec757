"""``/families/<id>/contacts.csv``: one family's contacts with why each was uncoordinated."""

from __future__ import annotations

import csv
import io

from tests.web.population import F001_AGENCIES, population
from web.contexts.family_csv import FAMILY_CONTACT_COLUMNS


def _rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the mark
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_every_stored_row_of_the_family_is_in_the_csv_in_time_order(client):
    rows = _rows(client.get("/families/F001/contacts.csv"))
    stored = population()["contacts"]
    expected = stored[stored["family_id"] == "F001"]
    assert len(rows) == len(expected) == 38  # 32 contacts, the 6 Police ones with both members
    assert list(rows[0]) == list(FAMILY_CONTACT_COLUMNS)
    assert {(r["contact_id"], r["person_id"]) for r in rows} == set(
        zip(expected["contact_id"], expected["person_id"], strict=True)
    )
    times = [r["occurred_at"] for r in rows]
    assert times == sorted(times) and times[0] == "2021-01-04 10:00"  # Excel-friendly times
    assert {r["agency"] for r in rows} == set(F001_AGENCIES)


def test_uncoordinated_follows_the_rule_worked_by_hand(client):
    """F001 has no lead professional and a different agency every 10 days: every contact but the
    first had another agency within 30 days before it, unreferred, so it is uncoordinated."""
    rows = _rows(client.get("/families/F001/contacts.csv"))
    by_contact = {r["contact_id"]: r for r in rows}
    assert by_contact["F1C00"]["uncoordinated"] == "no"
    assert by_contact["F1C00"]["uncoordinated_reason"] == "no other agency in the previous 30 days"
    later = [by_contact[f"F1C{i:02d}"] for i in range(1, 32)]
    assert all(r["uncoordinated"] == "yes" for r in later)
    # The reason names the agency seen before (the previous one in turn), without a prefix.
    assert F001_AGENCIES[0] in by_contact["F1C01"]["uncoordinated_reason"]
    assert not any(r["uncoordinated_reason"].startswith("uncoordinated") for r in rows)
    roles = {(r["contact_id"], r["person_id"]): r["role"] for r in rows}
    people = population()["people"].set_index("person_id")["role"]
    assert roles[("F1C00", "F1-mum")] == people["F1-mum"]


def test_a_lead_professional_makes_contacts_coordinated(client):
    rows = _rows(client.get("/families/F002/contacts.csv"))
    assert {r["uncoordinated_reason"] for r in rows} == {"lead professional active"}
    assert {r["uncoordinated"] for r in rows} == {"no"}


def test_the_file_is_named_after_the_family_and_its_download_audited(client, app):
    response = client.get("/families/F001/contacts.csv")
    assert 'filename="family-F001-contacts.csv"' in response.headers["Content-Disposition"]
    events = app.extensions["journey.security"].audit.events(action="export")
    assert [e.subject for e in events] == ["contacts.csv of F001"]


def test_formulas_in_agency_names_are_defused(client):
    rows = _rows(client.get("/families/F003/contacts.csv"))
    assert rows and all(not r["agency"].startswith(("=", "+", "-", "@")) for r in rows)


def test_unknown_family_is_not_found(client):
    assert client.get("/families/F999/contacts.csv").status_code == 404


def test_a_family_without_contacts_gives_just_the_header(client):
    text = client.get("/families/F005/contacts.csv").get_data().decode("utf-8-sig")
    assert text.strip().split(",") == list(FAMILY_CONTACT_COLUMNS)


def test_roles_without_export_are_refused_and_the_page_offers_no_link(client_of):
    commissioner = client_of("commissioner")
    assert commissioner.get("/families.json").status_code == 200
    pseudonym = commissioner.get("/families.json").get_json()["families"][0]["family_id"]
    assert commissioner.get(f"/families/{pseudonym}/contacts.csv").status_code == 403
    assert "contacts.csv" not in commissioner.get(f"/families/{pseudonym}").get_data(as_text=True)


def test_the_designers_download_is_de_identified(client_of, client):
    designer = client_of("designer")
    families = designer.get("/families.json").get_json()["families"]
    pseudonym = next(f["family_id"] for f in families if f["contacts"] == 32)
    page = designer.get(f"/families/{pseudonym}").get_data(as_text=True)
    assert f"/families/{pseudonym}/contacts.csv" in page
    rows = _rows(designer.get(f"/families/{pseudonym}/contacts.csv"))
    identified = _rows(client.get("/families/F001/contacts.csv"))
    assert len(rows) == len(identified)
    text = " ".join(" ".join(r.values()) for r in rows)
    assert "F001" not in text and "F1-kid" not in text and "F1C00" not in text
    assert {r["family_id"] for r in rows} == {pseudonym}
    days = sorted({int(r["occurred_at"]) for r in rows})
    assert days[0] == 0 and days[1] == 10  # days since the first contact, as on the page
    assert [r["uncoordinated"] for r in rows] == [r["uncoordinated"] for r in identified]


def test_the_analysts_family_page_links_to_its_csv(client):
    html = client.get("/families/F001").get_data(as_text=True)
    assert 'href="/families/F001/contacts.csv"' in html
