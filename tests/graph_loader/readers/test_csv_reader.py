"""The CSV reader on small files written here: encodings, delimiters, lines, and every defect."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from graph_loader.load import load_path
from graph_loader.readers import read_source
from graph_loader.readers.csv_reader import read_csv
from journey.errors import InputError

HEADER = "contact_id,person_id,family_id,agency,contact_type,occurred_at"


def write(tmp_path, text: str | bytes, name: str = "contacts.csv"):
    path = tmp_path / name
    (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)
    return path


def rows(table) -> list[list]:
    return table.frame.values.tolist()


# -- encodings ----------------------------------------------------------------------


def test_cp1252_with_pound_and_accents_is_read_with_a_warning(tmp_path):
    text = "name,note\nZoë Brontë,£40 owed\nJosé,café\n"
    table = read_csv(write(tmp_path, text.encode("cp1252")))
    assert rows(table) == [["Zoë Brontë", "£40 owed", 2], ["José", "café", 3]]
    assert table.encoding == "cp1252"
    # The first byte that is not UTF-8 is ë (0xEB) on line 2, byte 12.
    assert table.warnings == [
        "contacts.csv: not UTF-8 (line 2, byte 12: 0xEB); read as Windows-1252 (cp1252). "
        "Give the encoding in a mapping ([source] encoding) to be sure."
    ]


def test_utf8_with_and_without_a_byte_order_mark(tmp_path):
    plain = read_csv(write(tmp_path, "name,amount\nZoë,£5\n".encode(), "a.csv"))
    bom = read_csv(write(tmp_path, "\ufeffname,amount\nZoë,£5\n".encode(), "b.csv"))
    assert list(bom.frame.columns) == list(plain.frame.columns) == ["name", "amount", "line"]
    assert rows(bom) == rows(plain) == [["Zoë", "£5", 2]]
    assert (plain.encoding, bom.encoding, plain.warnings) == ("utf-8", "utf-8-sig", [])


def test_utf16_with_a_byte_order_mark(tmp_path):
    # Excel's "Unicode text": UTF-16 with a BOM, tab-delimited.
    table = read_csv(write(tmp_path, "name\tamount\r\nZoë\t£5\r\n".encode("utf-16")))
    assert rows(table) == [["Zoë", "£5", 2]] and table.delimiter == "\t"


def test_a_given_encoding_is_used_and_checked(tmp_path):
    path = write(tmp_path, "name\nZoë\n".encode("latin-1"))
    assert rows(read_csv(path, encoding="latin-1")) == [["Zoë", 2]]
    with pytest.raises(InputError, match=r"not utf-8 text \(line 2, byte 7\)"):
        read_csv(path, encoding="utf-8")


def test_neither_utf8_nor_cp1252_is_refused_with_a_hint(tmp_path):
    with pytest.raises(InputError, match=r"not UTF-8 text \(line 2, byte 5: 0x81\), nor Windows"):
        read_csv(write(tmp_path, b"name\n\x81\x8d\n"))


# -- delimiters -----------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_every_delimiter_is_sniffed(tmp_path, delimiter):
    text = delimiter.join(["id", "note", "n"]) + "\n" + delimiter.join(["c1", '"a, b; c"', "3"])
    table = read_csv(write(tmp_path, text + "\n"))
    assert table.delimiter == delimiter
    assert rows(table) == [["c1", "a, b; c", "3", 2]]


def test_a_given_delimiter_that_is_wrong_is_refused_naming_the_one_found(tmp_path):
    path = write(tmp_path, "id;note;n\nc1;x;3\n")
    with pytest.raises(InputError, match="looks ';'-delimited, not ','"):
        read_csv(path, delimiter=",")


# -- lines ----------------------------------------------------------------------------


def test_lines_are_physical_after_blank_lines_and_embedded_newlines(tmp_path):
    text = 'id,note\n\nc1,"first\nsecond\r\nthird"\n\n\nc2,plain\r\nc3,"x"\n'
    table = read_csv(write(tmp_path, text))
    assert rows(table) == [["c1", "first\nsecond\r\nthird", 3], ["c2", "plain", 8], ["c3", "x", 9]]


def test_a_bare_carriage_return_ends_a_line(tmp_path):
    table = read_csv(write(tmp_path, b"id,n\rc1,1\rc2,2\r"))
    assert rows(table) == [["c1", "1", 2], ["c2", "2", 3]]


def test_gzip_is_read_whatever_the_name(tmp_path):
    path = write(tmp_path, gzip.compress(b"id,n\nc1,1\n"), "contacts.csv")
    assert rows(read_csv(path)) == [["c1", "1", 2]]


def test_a_source_column_named_line_is_kept_under_another_name(tmp_path):
    table = read_csv(write(tmp_path, "id,line\nc1,7\n"))
    assert table.frame.to_dict("records") == [{"id": "c1", "input_line": "7", "line": 2}]


# -- defects --------------------------------------------------------------------------


def test_a_nul_byte_reaches_the_field_whole(tmp_path):
    table = read_csv(write(tmp_path, b"person_id,agency\nP0000002\x009,School\x00 Nursing\n"))
    assert rows(table) == [["P0000002\x009", "School\x00 Nursing", 2]]


def test_a_nul_byte_rejects_the_row_with_c109(tmp_path, fresh_store):
    text = (HEADER + "\nc1,P0000002\x009,F1,Police,incident,2021-01-01\n"
            "c2,P0000002,F1,School\x00 Nursing,visit,2021-01-02\n"
            "c3,P0000002,F1,Police,incident,2021-01-03\n")  # fmt: skip
    path = write(tmp_path, text.encode())
    report = load_path(path, fresh_store, rejects_dir=tmp_path / "r")
    # Read back with the reader itself: pandas' own parser would cut the field at the NUL.
    rejects = read_csv(report.files[0].rejects_path).frame
    assert rejects[["input_line", "rule"]].values.tolist() == [["2", "C109"], ["3", "C109"]]
    assert rejects["person_id"].tolist() == ["P0000002\x009", "P0000002"]
    stored = fresh_store.contacts()
    assert stored[["contact_id", "person_id"]].values.tolist() == [["c3", "P0000002"]]


def test_a_stray_quote_costs_one_row_not_the_rows_after_it(tmp_path):
    text = (
        "id,agency,type,when\n"
        'c1,Police,"incident,2021-01-01\n'  # the stray quote
        "c2,School,exclusion,2021-01-02\n"
        'c3,GP,"appointment",2021-01-03\n'
        "c4,GP,visit,2021-01-04\n"
    )
    table = read_csv(write(tmp_path, text))
    assert rows(table) == [
        ["c2", "School", "exclusion", "2021-01-02", 3],
        ["c3", "GP", "appointment", "2021-01-03", 4],
        ["c4", "GP", "visit", "2021-01-04", 5],
    ]
    assert table.rejects[["line", "rule", "record"]].values.tolist() == [
        [2, "R103", 'c1,Police,"incident,2021-01-01']
    ]
    assert "stray quote" in table.rejects["reason"][0]
    assert table.rows_in == 4


def test_a_stray_quote_never_closed_is_found_too(tmp_path):
    lines = ["id,note"] + [f"c{i},x" for i in range(150)]
    lines[5] = 'c4,"never closed'
    table = read_csv(write(tmp_path, "\n".join(lines) + "\n"))
    assert table.rejects[["line", "rule"]].values.tolist() == [[6, "R103"]]
    assert len(table.frame) == 149 and table.rows_in == 150


def test_a_quoted_field_over_many_lines_that_are_not_records_is_kept(tmp_path):
    note = "\n".join(f"line {i}" for i in range(30))
    table = read_csv(write(tmp_path, f'id,agency,note\nc1,GP,"{note}"\nc2,GP,x\n'))
    assert [r[0] for r in rows(table)] == ["c1", "c2"] and table.frame["line"].tolist() == [2, 32]
    assert table.rejects.empty


def test_a_quoted_line_break_before_the_rest_of_the_record_is_one_record(tmp_path):
    # the line closing the quote carries every other field: it is the record's end, not a record
    table = read_csv(write(tmp_path, 'id,agency,type,when\n"line\nbreak",GP,visit,2021-01-04\n'))
    assert rows(table) == [["line\nbreak", "GP", "visit", "2021-01-04", 2]]
    assert table.rejects.empty and table.rows_in == 1


def test_two_quoted_fields_each_with_a_line_break_are_one_record(tmp_path):
    # the line between the two breaks has a record's worth of commas, but outside any quote
    text = 'id,agency,type,when\n"line\nbreak",,,"\rCR"\r\nc2,GP,visit,2021-01-04\n'
    table = read_csv(write(tmp_path, text))
    assert [r[:4] for r in rows(table)] == [
        ["line\nbreak", "", "", "\rCR"], ["c2", "GP", "visit", "2021-01-04"]
    ]
    assert table.rejects.empty and table.rows_in == 2


def test_too_many_or_too_few_fields_are_refused_with_r102(tmp_path):
    table = read_csv(write(tmp_path, "a,b,c\n1,2,3\n1,2\n1,2,3,4\n,,\n"))
    assert rows(table) == [["1", "2", "3", 2], ["", "", "", 5]]
    assert table.rejects[["line", "rule", "reason", "record"]].values.tolist() == [
        [3, "R102", "R102: 2 field(s), the header has 3", "1,2"],
        [4, "R102", "R102: 4 field(s), the header has 3", "1,2,3,4"],
    ]


def test_the_header_again_is_refused_with_r104(tmp_path):
    text = "id,n\nc1,1\nid,n\nc2,2\n\ufeffid, n\nc3,3\n"
    table = read_csv(write(tmp_path, text.encode()))
    assert [r[0] for r in rows(table)] == ["c1", "c2", "c3"]
    assert table.rejects[["line", "rule"]].values.tolist() == [[3, "R104"], [5, "R104"]]
    assert "(first on line 1)" in table.rejects["reason"][0]


def test_a_column_named_twice_refuses_the_file_with_r101(tmp_path):
    twice = r"names column 'id' twice \(columns 1 and 3\) \(rule R101\)"
    with pytest.raises(InputError, match=twice):
        read_csv(write(tmp_path, "id,n, id\nc1,1,c1\n"))


def test_a_field_over_1_mb_is_refused_with_r105(tmp_path):
    huge = "x" * (1_048_576 + 1)
    table = read_csv(write(tmp_path, f"id,note\nc1,{huge}\nc2,fine\n"))
    assert rows(table) == [["c2", "fine", 3]]
    reject = table.rejects.iloc[0]
    assert (reject["line"], reject["rule"]) == (2, "R105")
    assert "'note' is 1,048,577 characters long" in reject["reason"]
    assert len(reject["record"]) < 33_000 and reject["record"].endswith("characters in all]")


def test_empty_files_are_refused(tmp_path):
    for text in ("", "\n\n"):
        with pytest.raises(InputError, match="empty file"):
            read_csv(write(tmp_path, text))


def test_reader_rejects_reach_the_rejects_file_and_reconcile(tmp_path, fresh_store):
    text = (HEADER + "\nc1,p1,F1,Police,incident,2021-01-01\n"
            "c2,p1,F1,Police\n"  # R102
            + HEADER + "\n"  # R104
            "c3,p1,F1,Police,incident,not a date\n")  # C106, from validation  # fmt: skip
    report = load_path(write(tmp_path, text), fresh_store, rejects_dir=tmp_path / "r")
    contacts = report.files[0]
    assert (contacts.rows_in, contacts.loaded, contacts.rejected) == (4, 1, 3)
    rejects = pd.read_csv(contacts.rejects_path, dtype=str, keep_default_na=False)
    assert rejects[["line", "rule"]].values.tolist() == [["3", "R102"], ["4", "R104"],
                                                         ["5", "C106"]]  # fmt: skip
    assert rejects["record"].tolist() == ["c2,p1,F1,Police", HEADER, ""]
    assert rejects["contact_id"].tolist() == ["", "", "c3"]
    loads = fresh_store.loads()
    assert loads[["rows_in", "loaded", "rejected"]].values.tolist() == [[4, 1, 3]]


def test_people_and_families_files_get_the_same_reader(tmp_path, fresh_store):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "contacts.csv").write_text(HEADER.replace(",", ";") + "\nc1;p1;;Police;incident;"
                                         "2021-01-01\n")  # fmt: skip
    (folder / "people.csv").write_bytes("person_id\tfamily_id\tsex\np1\tF1\tF\n".encode("utf-16"))
    report = load_path(folder, fresh_store, rejects_dir=tmp_path)
    assert [(f.kind, f.loaded, f.rejected) for f in report.files] == [("people", 1, 0),
                                                                      ("contacts", 1, 0)]
    assert fresh_store.contacts()["family_id"].tolist() == ["F1"]


def test_read_source_sniffs_a_workbook_named_csv(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["id", "n"])
    book.active.append(["c1", 1])
    book.save(tmp_path / "contacts.csv")
    assert rows(read_source(tmp_path / "contacts.csv")) == [["c1", "1", 2]]
