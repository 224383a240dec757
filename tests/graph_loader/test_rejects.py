"""The rejects file: its columns, records read back one per row, cells no spreadsheet runs."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from graph_loader.load import load_path
from graph_loader.rejects import write_rejects
from journey.rejection import Rejector

HEADER = "contact_id,person_id,family_id,agency,contact_type,occurred_at"


def _rejected(values: dict[str, list], lines: list[int]):
    raw = pd.DataFrame(values)
    raw["line"] = lines
    check = Rejector(raw)
    check.check(pd.Series(True, index=raw.index), "C106")
    return check.validated(raw.iloc[0:0])


def test_columns_source_line_rule_reason_then_the_values(tmp_path):
    validated = _rejected({"contact_id": ["c1"], "reason": ["kept"]}, [7])
    path = write_rejects(validated, tmp_path / "in" / "contacts.csv", tmp_path)
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["source_file", "line", "rule", "reason", "contact_id", "input_reason"]
    assert rows[1][:3] == [str(tmp_path / "in" / "contacts.csv"), "7", "C106"]
    assert rows[1][3].startswith("C106: ") and rows[1][4:] == ["c1", "kept"]


def test_a_bare_carriage_return_is_quoted_so_the_file_reads_back_row_for_row(tmp_path):
    values = ["one\rtwo", "three\nfour", "five\r\nsix", 'say "hi", then\r']
    validated = _rejected({"service": values}, [2, 3, 5, 8])
    path = write_rejects(validated, tmp_path / "contacts.csv", tmp_path)
    # Python's reader and pandas both find one record per rejected row, values intact.
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert [row[-1] for row in rows[1:]] == values
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert back["service"].tolist() == values and back["line"].tolist() == ["2", "3", "5", "8"]
    assert path.read_bytes().count(b"\r\n") >= 5  # every record ends in CRLF


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_prefixes_are_neutralised(tmp_path, start):
    validated = _rejected({"agency": [start + "HYPERLINK(1)"], start + "col": ["x"]}, [2])
    path = write_rejects(validated, tmp_path / "contacts.csv", tmp_path)
    with path.open(newline="", encoding="utf-8") as file:
        header, row = list(csv.reader(file))
    assert row[4] == "'" + start + "HYPERLINK(1)"
    assert header[5] == "'" + start + "col"
    assert row[1] == "2"  # the line number stays a number


def test_nothing_rejected_writes_nothing(tmp_path):
    raw = pd.DataFrame({"contact_id": ["c1"], "line": [2]})
    assert write_rejects(Rejector(raw).validated(raw), tmp_path / "c.csv", tmp_path) is None
    assert list(tmp_path.iterdir()) == []


def test_a_load_keeps_input_columns_named_like_the_rejects_columns(tmp_path, fresh_store):
    data = tmp_path / "in"
    data.mkdir()
    (data / "contacts.csv").write_text(
        HEADER + ",reason,rule,line,source_file\n"
        "c1,p1,F1,Police,incident,2021-03-01,r1,x1,l1,s1\n"
        ",p1,F1,Police,incident,2021-03-02,r2,x2,l2,s2\n"
    )
    report = load_path(data, fresh_store, rejects_dir=tmp_path, max_reject_share=1)
    (contacts,) = report.files
    rejects = pd.read_csv(contacts.rejects_path, dtype=str, keep_default_na=False)
    assert list(rejects.columns) == [
        "source_file", "line", "rule", "reason", "contact_id", "person_id", "family_id", "agency",
        "contact_type", "occurred_at", "input_reason", "input_rule", "input_line",
        "input_source_file",
    ]  # fmt: skip
    assert rejects.iloc[0][["line", "rule", "input_reason", "input_rule", "input_line",
                            "input_source_file"]].tolist() == ["3", "C101", "r2", "x2", "l2",
                                                               "s2"]  # fmt: skip
    assert fresh_store.counts()["contact_rows"] == 1
