"""The families list: filters, sorting, pagination, CSV, validation — against the stored results.

Expected answers are worked out by hand from :mod:`tests.web.population` where
the definition is plain (contacts, agencies, areas, dates), and otherwise
compared with a slow, obvious filter over the stored ``family_summary`` rows.
"""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pandas as pd
import pytest

from tests.web.population import FORMULA_AREA, HOSTILE


def _ids(client, query: str = "") -> list[str]:
    body = client.get(f"/families.json{query}").get_json()
    return [f["family_id"] for f in body["families"]]


def _summary_rows(store) -> list[dict]:
    return store.result("family_summary").to_dict(orient="records")


def test_list_and_json_twin_show_every_family_busiest_first(client):
    # Contacts by hand: F001 32, F002 5, F003 4, F004 3, F005 0.
    assert _ids(client) == ["F001", "F002", "F003", "F004", "F005"]
    body = client.get("/families.json").get_json()
    assert body["total"] == 5 and body["pages"] == 1
    assert [f["contacts"] for f in body["families"]] == [32, 5, 4, 3, 0]
    html = client.get("/families").get_data(as_text=True)
    assert "<title>Families — Journey service</title>" in html
    assert html.index(">F001</a>") < html.index(">F002</a>") < html.index(">F005</a>")
    assert '<a href="/families/F003">F003</a>' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?min_contacts=4", ["F001", "F002", "F003"]),
        ("?min_agencies=3", ["F001", "F002"]),  # F002: School, Early Help, GP
        ("?min_contacts=30&count=peak", ["F001"]),  # all 32 of F001's contacts lie within 311 days
        ("?area=North", ["F001", "F005"]),
        (f"?area={FORMULA_AREA.replace('=', '%3D')}", ["F004"]),
        ("?lead=with", ["F002"]),
        ("?lead=without", ["F001", "F003", "F004", "F005"]),
        ("?from=2022-01-01", ["F002", "F003", "F004"]),  # last contact on or after
        ("?to=2021-12-31", ["F001"]),  # first contact on or before
        ("?from=2022-03-02&to=2022-04-30", ["F004"]),  # F002 ended 1 Mar, F003 began 1 May
        ("?from=2022-03-01&to=2022-03-01", ["F002", "F004"]),  # both dates inclusive
        ("?high_contact=1", ["F001"]),
        ("?high_contact=0&min_contacts=1", ["F002", "F003", "F004"]),
        ("?min_contacts=", ["F001", "F002", "F003", "F004", "F005"]),  # empty = absent
    ],
)
def test_filters_worked_out_by_hand(client, query, expected):
    assert _ids(client, query) == expected


@pytest.mark.parametrize("flag", ["eligible", "not_yet_found"])
@pytest.mark.parametrize("value", ["1", "0"])
def test_flag_filters_agree_with_the_stored_flags(client, store, flag, value):
    wanted = value == "1"
    rows = sorted(_summary_rows(store), key=lambda r: (-r["contacts"], r["family_id"]))
    assert _ids(client, f"?{flag}={value}") == [
        r["family_id"] for r in rows if bool(r[flag]) == wanted
    ]


def test_indicator_filter_agrees_with_the_stored_indicators(client, store):
    rows = sorted(_summary_rows(store), key=lambda r: (-r["contacts"], r["family_id"]))
    indicators = client.get("/families.json").get_json()["indicators"]
    assert indicators  # the indicator set's names are offered
    for indicator in indicators:
        expected = [r["family_id"] for r in rows if indicator in str(r["indicators"]).split(";")]
        assert _ids(client, f"?indicator={indicator}") == expected, indicator


SORTABLE = [
    "family_id",
    "area",
    "people",
    "contacts",
    "agencies",
    "peak_contacts",
    "peak_agencies",
    "uncoordinated",
    "uncoordinated_share",
    "indicator_count",
    "first_eligible",
    "first_contact",
    "last_contact",
]


def _slow_sort(rows: list[dict], column: str, descending: bool) -> list[str]:
    def missing(value) -> bool:
        return value is None or (not isinstance(value, str) and pd.isna(value))

    present = [r for r in rows if not missing(r[column])]
    absent = [r for r in rows if missing(r[column])]
    present.sort(key=lambda r: r["family_id"])
    # Python's sort is stable even with reverse=True, so ties stay in family id order.
    present.sort(key=lambda r: r[column], reverse=descending)
    absent.sort(key=lambda r: r["family_id"])
    return [r["family_id"] for r in present + absent]


@pytest.mark.parametrize("column", SORTABLE)
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_every_whitelisted_sort_matches_a_slow_sort(client, store, column, order):
    expected = _slow_sort(_summary_rows(store), column, order == "desc")
    assert _ids(client, f"?sort={column}&order={order}") == expected


def test_sort_headers_are_links_that_toggle_the_order(client):
    html = client.get("/families?sort=contacts&order=desc").get_data(as_text=True)
    assert 'aria-sort="descending"' in html
    assert 'href="/families?sort=contacts&amp;order=asc"' in html
    assert 'href="/families?sort=area&amp;order=asc"' in html


def test_the_tables_columns_come_from_the_context(client, monkeypatch):
    import web.contexts.families as families

    # The template repeats no list of columns: a different choice changes header and cells.
    monkeypatch.setattr(families, "DISPLAYED", ["family_id", "contacts", "first_contact"])
    html = client.get("/families").get_data(as_text=True)
    table = html[html.index('<table class="families">') : html.index("</table>")]
    headings = re.findall(r'<th scope="col"[^>]*>\s*(?:<a [^>]*>)?([^<]+)', table)
    assert [h.strip() for h in headings] == [
        "Family",
        "Contacts",
        "First contact",
        "Lead professional",
    ]
    first_row = table[table.index("<tbody>") :]
    first_row = first_row[: first_row.index("</tr>")]
    assert first_row.count("<td") == 4
    assert '<td class="num">32</td>' in first_row and "<td>4 Jan 2021</td>" in first_row
    assert 'href="/families?sort=first_contact&amp;order=desc"' in table


def test_pagination_splits_the_list_and_links_the_pages(client):
    pages = [client.get(f"/families.json?per_page=2&page={n}").get_json() for n in (1, 2, 3)]
    assert [[f["family_id"] for f in p["families"]] for p in pages] == [
        ["F001", "F002"],
        ["F003", "F004"],
        ["F005"],
    ]
    assert {(p["total"], p["pages"]) for p in pages} == {(5, 3)}
    html = client.get("/families?per_page=2&page=2").get_data(as_text=True)
    assert 'href="/families?per_page=2&amp;page=1" rel="prev"' in html
    assert 'href="/families?per_page=2&amp;page=3" rel="next"' in html
    assert "page 2 of 3" in html


@pytest.mark.parametrize(
    ("query", "fragment", "field"),
    [
        ("?min_contacts=lots", "'min_contacts' is 'lots'", "min_contacts"),
        ("?min_agencies=-2", "'min_agencies' is '-2'", "min_agencies"),
        ("?count=monthly", "one of peak, total", "count"),
        ("?from=2021-13-01", "YYYY-MM-DD", "from"),
        ("?from=2022-02-01&to=2022-01-01", "'from' is after 'to'", "to"),
        ("?indicator=astrology", "'indicator' is 'astrology'", "indicator"),
        ("?high_contact=perhaps", "yes or no", "high_contact"),
        ("?escalated=perhaps", "yes or no", "escalated"),
        ("?lead=sometimes", "one of never, none_now, now, with", "lead"),
        ("?min_uncoordinated=1.5", "'min_uncoordinated' is '1.5'", "min_uncoordinated"),
        ("?min_uncoordinated_share=101", "at most 100", "min_uncoordinated_share"),
        ("?min_uncoordinated_share=nan", "expected a number", "min_uncoordinated_share"),
        ("?sort=person_id", "'sort' is 'person_id'", "sort"),
        ("?sort=contacts;drop", "'sort'", "sort"),
        ("?order=sideways", "one of asc, desc", "order"),
        ("?page=0", "at least 1", "page"),
        ("?page=4&per_page=2", "this list has 3 page(s)", "page"),
        ("?per_page=100000", "at most 500", "per_page"),
    ],
)
def test_bad_parameters_re_show_the_form_with_the_error_beside_the_field(
    client, query, fragment, field
):
    html = client.get(f"/families{query}")
    assert html.status_code == 400
    page = html.get_data(as_text=True)
    assert "<title>Families — Journey service</title>" in page
    assert 'id="families-filters"' in page  # the form, not a bare error page
    beside = re.search(rf'<span class="field-error" id="{field}-error">([^<]*)</span>', page)
    assert beside is not None and fragment in unescape(beside.group(1))
    assert "families match" not in page and "Download these" not in page
    if field in {"min_contacts", "min_uncoordinated_share", "lead", "to"}:
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', page)
    as_json = client.get(f"/families.json{query}")
    assert as_json.status_code == 400
    assert fragment in as_json.get_json()["message"]
    if "page=" not in query:  # the CSV holds every page, so it ignores page
        assert client.get(f"/families.csv{query}").status_code == 400


def _csv(client, query: str = "") -> list[dict]:
    response = client.get(f"/families.csv{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with the BOM Excel needs
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_holds_the_filtered_list_in_order_on_one_sheet(client):
    rows = _csv(client, "?min_contacts=3&sort=contacts&order=asc&per_page=1")
    # Every matching family, not only the first page: F004 3, F003 4, F002 5, F001 32.
    assert [r["family_id"] for r in rows] == ["F004", "F003", "F002", "F001"]
    assert [r["contacts"] for r in rows] == ["3", "4", "5", "32"]


def test_csv_defuses_formulas_and_keeps_text_as_text(client):
    areas = {r["family_id"]: r["area"] for r in _csv(client)}
    assert areas["F004"] == "'" + FORMULA_AREA
    assert areas["F003"] == HOSTILE  # CSV is not HTML: kept as written
    assert not any(v.startswith(("=", "+", "-", "@")) for v in areas.values())


def test_list_page_links_to_a_csv_of_the_same_filters(client):
    html = client.get("/families?area=North&min_contacts=1").get_data(as_text=True)
    assert 'href="/families.csv?min_contacts=1&amp;area=North"' in html
    assert [r["family_id"] for r in _csv(client, "?min_contacts=1&area=North")] == ["F001"]


def test_hostile_area_is_escaped_in_the_list(client):
    html = client.get("/families").get_data(as_text=True)
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_csv_of_an_empty_selection_is_just_the_header(client, store):
    text = client.get("/families.csv?min_contacts=1000").get_data().decode("utf-8-sig")
    columns = list(store.result("family_summary").columns)
    columns.insert(columns.index("indicators") + 1, "indicator_names")
    assert text.splitlines() == [",".join(columns)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?min_uncoordinated=3", ["F001", "F003"]),  # 31 and 3 uncoordinated contacts
        ("?min_uncoordinated_share=75", ["F001", "F003"]),  # 96.9% and exactly 75%
        ("?min_uncoordinated_share=75.1", ["F001"]),
        ("?escalated=1", ["F004"]),
        ("?lead=never", ["F001", "F003", "F004", "F005"]),
        ("?lead=without", ["F001", "F003", "F004", "F005"]),  # old links: "never"
        ("?lead=now", ["F002"]),  # its period (from 2022-01-01) is still open
        ("?lead=none_now", ["F001", "F003", "F004", "F005"]),
    ],
)
def test_new_filters_worked_out_by_hand(client, query, expected):
    assert _ids(client, query) == expected
    assert [r["family_id"] for r in _csv(client, query)] == expected  # the CSV is the list


def test_page_shows_the_filters_used_and_names_the_csv_after_them(client):
    html = client.get("/families?min_agencies=2&escalated=1").get_data(as_text=True)
    assert 'autocomplete="off"' in html and "families.js" in html
    assert "at least 2 agencies" in html and ">escalated</span>" in html
    response = client.get("/families.csv?min_agencies=2&escalated=1")
    assert 'filename="families-min_agencies-2-escalated.csv"' in response.headers[
        "Content-Disposition"]  # fmt: skip
