"""Property tests: malformed rows never crash a load and never go missing.

Hypothesis writes contacts files (and people files) of hostile rows — bad,
stand-in and far-future dates, offsets of every width, empty and huge
fields, NUL and other control characters, formula prefixes, quotes and line
breaks, unknown agencies, a person in two families, copies and conflicting
copies, short rows — and loads them into a real store. Every time: each
file's ``rows in = loaded + rejected + duplicates``, the store holds exactly
the loaded contact rows, and the rejects file holds exactly the rejected ones.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_loader.load import load_path
from graph_loader.runs import runs
from graph_loader.stores import open_store
from journey.rejection import Validated
from journey.taxonomy import default_taxonomy
from journey.validation import validate_contacts, validate_families, validate_people

CONTACT_HEADER = ["contact_id", "person_id", "family_id", "agency", "contact_type",
                  "occurred_at", "referred_by", "service"]  # fmt: skip
HOSTILE = [
    "", " ", "c1", "c2", "p1", "p2", "F1", "F2", "Police", "School", "Kind Hearts Shop",
    "incident", "2021-03-01", "2021-03-01T10:00:00+05", "2021-03-01T10:00:00+01:00:00",
    "2021-03-01T10:00:00-0330", "2021-03-01T10:00:00Z", "2021-03-01 10:00", "05/03/2021",
    "1677-09-22", "1899-12-30", "1900-01-01", "3000-01-01", "2021-02-30", "0000-01-01",
    "=HYPERLINK(\"x\")", "+44", "-5", "@SUM(A1)", "\tTab", "\rCR", "a\x00b", "School\x00 Nursing",
    "bell\x07", "say \"hi\"", "line\nbreak", "cr\ronly", "x" * 70, "y" * 600, "reason", "line",
]  # fmt: skip
cells = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=6))
contact_rows = st.lists(
    st.lists(cells, min_size=1, max_size=len(CONTACT_HEADER)), min_size=0, max_size=25
)
people_rows = st.lists(
    st.tuples(st.sampled_from(["p1", "p2", "p3", "", "p" * 70]), st.sampled_from(["F1", "F2", ""]),
              st.sampled_from(["child", "adult", "king", ""]),
              st.sampled_from(["2010-05", "2010-13", ""])),
    max_size=8,
)  # fmt: skip


def _write(path: Path, header: list[str], rows: list) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            if len(row) == 1 and not row[0].strip():
                # One blank cell would make a blank line, which CSV readers skip: quote it.
                file.write('"' + row[0].replace('"', '""') + '"\r\n')
            else:
                writer.writerow(row)


def _balanced(validated: Validated, rows: int) -> bool:
    return validated.rows_in == rows == validated.loaded + len(validated.rejects) + (
        validated.duplicates)  # fmt: skip


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(contact_rows, people_rows, st.booleans())
def test_a_load_of_hostile_rows_never_crashes_and_loses_nothing(contacts, people, strict):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        data = root / "data"
        data.mkdir()
        _write(data / "contacts.csv", CONTACT_HEADER, contacts)
        _write(data / "people.csv", ["person_id", "family_id", "role", "birth_month"], people)
        store = open_store(f"sqlite:///{root / 'j.db'}")
        try:
            report = load_path(data, store, rejects_dir=root, strict=strict, max_reject_share=1)
            by_kind = {f.kind: f for f in report.files}
            for file in report.files:
                assert file.rows_in == file.loaded + file.rejected + file.duplicates
                written = file.rejects_path
                back = pd.read_csv(written, dtype=str, keep_default_na=False) if written else []
                assert len(back) == file.rejected
            assert by_kind["contacts"].rows_in == len(contacts)
            assert by_kind["people"].rows_in == len(people)
            counts = store.counts()
            assert counts["contact_rows"] == by_kind["contacts"].loaded
            assert counts["people"] == by_kind["people"].loaded
            assert all(run.finished for run in runs(store))
        finally:
            store.close()


@given(st.lists(st.lists(cells, min_size=len(CONTACT_HEADER), max_size=len(CONTACT_HEADER)),
                max_size=30), st.booleans())  # fmt: skip
def test_validate_contacts_balances(rows, strict):
    raw = pd.DataFrame(rows, columns=CONTACT_HEADER, dtype=object)
    raw["line"] = range(2, len(raw) + 2)
    people = pd.Series({"p1": "F1", "p2": "F2"})
    checked = validate_contacts(raw, source="c.csv", taxonomy=default_taxonomy(),
                                person_family=people, strict=strict)  # fmt: skip
    assert _balanced(checked, len(rows)) and checked.loaded == len(checked.valid)
    assert sorted(checked.rejects["line"]) == sorted(set(checked.rejects["line"]))


@given(st.lists(st.tuples(cells, cells, cells, cells), max_size=30))
def test_validate_people_and_families_balance(rows):
    columns = ["person_id", "family_id", "role", "birth_month"]
    raw = pd.DataFrame(rows, columns=columns, dtype=object)
    raw["line"] = range(2, len(raw) + 2)
    people = validate_people(raw, source="people.csv")
    assert _balanced(people, len(rows)) and people.loaded == len(people.valid)
    families_raw = raw.rename(columns={"person_id": "family_id", "family_id": "area",
                                       "role": "lead_from", "birth_month": "lead_to"})  # fmt: skip
    families, periods = validate_families(families_raw, source="families.csv")
    assert _balanced(families, len(rows))
    assert len(families.valid) <= families.loaded and len(periods) <= families.loaded
