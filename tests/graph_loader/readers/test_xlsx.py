"""The workbook reader on .xlsx files written here with openpyxl."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from graph_loader.load import load_path
from graph_loader.readers import ReadOptions, read_source
from graph_loader.readers.xlsx import read_workbook
from journey.errors import InputError

openpyxl = pytest.importorskip("openpyxl")

HEADER = ["contact_id", "person_id", "family_id", "agency", "contact_type", "occurred_at"]


def workbook(path, sheets: dict[str, list[list]]):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_cells_become_text_and_rows_keep_their_sheet_row(tmp_path):
    path = workbook(tmp_path / "book.xlsx", {"Contacts": [
        [None], ["id", "count", "when", "day", "flag", "ratio"],
        ["c1", 12, dt.datetime(2021, 3, 1, 10, 30), dt.date(2021, 3, 2), True, 0.5],
        [None, None], ["c2", None, "2021-03-04", None, False, None],
    ]})  # fmt: skip
    table = read_workbook(path)
    assert table.frame.values.tolist() == [
        ["c1", "12", "2021-03-01T10:30:00", "2021-03-02", "TRUE", "0.5", 3],
        ["c2", "", "2021-03-04", "", "FALSE", "", 5],
    ]


def test_every_sheet_is_read_and_says_which(tmp_path):
    path = workbook(tmp_path / "book.xlsx", {
        "2020": [["id", "n"], ["c1", 1]],
        "Empty": [],
        "2021": [["n", "id"], ["2", "c2"], ["n", "id"], ["3", "c3"]],
    })  # fmt: skip
    table = read_workbook(path)
    assert table.frame[["id", "n", "sheet", "line"]].values.tolist() == [
        ["c1", "1", "2020", 2], ["c2", "2", "2021", 2], ["c3", "3", "2021", 4]
    ]  # fmt: skip
    assert table.rejects[["line", "rule"]].values.tolist() == [[3, "R104"]]
    only = read_workbook(path, sheet="2021")
    assert "sheet" not in only.frame.columns and only.frame["id"].tolist() == ["c2", "c3"]


def test_sheets_with_other_columns_and_unknown_sheets_are_refused(tmp_path):
    path = workbook(tmp_path / "book.xlsx", {"Contacts": [["id"], ["c1"]], "Notes": [["note"]]})
    with pytest.raises(InputError, match="sheet 'Notes' has other columns than sheet 'Contacts'"):
        read_workbook(path)
    with pytest.raises(InputError, match=r"no sheet 'Summary' \(its sheets: Contacts, Notes\)"):
        read_workbook(path, sheet="Summary")
    assert read_workbook(path, sheet="Contacts").frame["id"].tolist() == ["c1"]


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="damaged zip"):
        read_source(path)


def test_a_workbook_loads_every_sheet(tmp_path, fresh_store):
    rows = [HEADER, ["c1", "p1", "F1", "Police", "incident", dt.datetime(2021, 3, 1, 22, 30)],
            ["c2", "p1", "F1", "School", "exclusion", "01/03/2021"]]  # fmt: skip
    later = [HEADER, ["c3", "p2", "F2", "GP", "appointment", dt.date(2021, 4, 1)]]
    path = workbook(tmp_path / "contacts.xlsx", {"March": rows, "April": later})
    report = load_path(path, fresh_store, rejects_dir=tmp_path)
    assert [(f.rows_in, f.loaded, f.rejected) for f in report.files] == [(3, 2, 1)]
    stored = fresh_store.contacts().sort_values("contact_id")
    assert stored["occurred_at"].tolist() == [pd.Timestamp("2021-03-01 22:30"),
                                              pd.Timestamp("2021-04-01")]  # fmt: skip
    one = load_path(path, fresh_store, rejects_dir=tmp_path, reading=ReadOptions(sheet="April"))
    assert one.files[0].rows_in == 1
