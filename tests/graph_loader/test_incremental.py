"""Incremental loads: a later extract adds new rows, updates changed ones, marks the families.

Run against each store (the Neo4j one needs a live server: ``-m neo4j``), and
checked against an independent count by plain dicts of rows.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from graph_loader.incremental import classify
from graph_loader.load import load_path
from graph_loader.stores import open_store
from journey.refresh import refresh_store

HEADER = "contact_id,person_id,family_id,agency,contact_type,occurred_at\n"
FIRST = HEADER + (
    "c1,p1,F1,Police,incident,2021-03-01\n"
    "c2,p2,F1,School,school_absence,2021-03-04\n"
    "c3,p3,F2,GP,appointment,2021-03-05\n"
    "c4,p4,F3,School,school_absence,2021-03-06\n"
)
# c2 and c4 as before, c3 changed (another type), c5 new in a new family.
SECOND = HEADER + (
    "c2,p2,F1,School,school_absence,2021-03-04\n"
    "c3,p3,F2,GP,referral,2021-03-05\n"
    "c4,p4,F3,School,school_absence,2021-03-06\n"
    "c5,p5,F4,Police,incident,2021-04-01\n"
)


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, tmp_path):
    """Each store in turn: a SQLite file, then a live Neo4j."""
    if request.param == "neo4j":
        yield request.getfixturevalue("neo4j_store")
        return
    opened = open_store(f"sqlite:///{tmp_path / 'incremental.db'}")
    yield opened
    opened.close()


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return path


def _rows(text: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """The extract's rows by (contact_id, person_id): the independent implementation."""
    return {(r["contact_id"], r["person_id"]): tuple(r.values())
            for r in csv.DictReader(io.StringIO(text))}  # fmt: skip


def _expected(first: str, second: str) -> tuple[int, int, int]:
    before, after = _rows(first), _rows(second)
    new = sum(key not in before for key in after)
    updated = sum(key in before and before[key] != row for key, row in after.items())
    return new, updated, len(after) - new - updated


def test_a_later_extract_adds_new_rows_and_updates_changed_ones(store, tmp_path):
    first = load_path(_write(tmp_path, "first.csv", FIRST), store, rejects_dir=tmp_path)
    assert first.files[0].line() == "first.csv: rows in 4 = loaded 4 + rejected 0 + duplicates 0"
    assert first.touched_families == ("F1", "F2", "F3")
    store.clear_touched(store.touched_families())
    second = load_path(_write(tmp_path, "second.csv", SECOND), store, rejects_dir=tmp_path)
    report = second.files[0]
    new, updated, unchanged = _expected(FIRST, SECOND)
    assert (new, updated, unchanged) == (1, 1, 2)
    assert (report.loaded, report.updated, report.duplicates) == (new + updated, updated, unchanged)
    assert report.rows_in == report.loaded + report.rejected + report.duplicates
    assert report.line() == (
        "second.csv: rows in 4 = loaded 2 (new 1, updated 1) + rejected 0 + duplicates 2"
    )
    assert second.touched_families == ("F2", "F4") == tuple(store.touched_families())
    contacts = store.contacts()
    assert len(contacts) == 5
    assert contacts.set_index("contact_id").loc["c3", "contact_type"] == "referral"
    log = store.loads().sort_values("load_id")
    assert log[["loaded", "updated", "duplicates"]].values.tolist() == [[4, 0, 0], [2, 1, 2]]
    assert (log["rows_in"] == log["loaded"] + log["rejected"] + log["duplicates"]).all()


def test_reloading_the_later_extract_changes_nothing(store, tmp_path):
    load_path(_write(tmp_path, "first.csv", FIRST), store, rejects_dir=tmp_path)
    load_path(_write(tmp_path, "second.csv", SECOND), store, rejects_dir=tmp_path)
    store.clear_touched(store.touched_families())
    contacts = store.contacts()
    again = load_path(tmp_path / "second.csv", store, rejects_dir=tmp_path)
    assert (again.files[0].loaded, again.files[0].updated, again.files[0].duplicates) == (0, 0, 4)
    assert again.touched_families == () and store.touched_families() == []
    pd.testing.assert_frame_equal(store.contacts(), contacts)


def test_a_row_that_moves_family_touches_both(store, tmp_path):
    load_path(_write(tmp_path, "first.csv", FIRST), store, rejects_dir=tmp_path)
    store.clear_touched(store.touched_families())
    moved = HEADER + "c3,p3,F9,GP,appointment,2021-03-05\n"
    report = load_path(_write(tmp_path, "moved.csv", moved), store, rejects_dir=tmp_path)
    assert report.touched_families == ("F2", "F9") == tuple(store.touched_families())
    assert report.files[0].updated == 1


def test_analyse_refreshes_the_touched_families_and_equals_a_full_analyse(store, tmp_path):
    load_path(_write(tmp_path, "first.csv", FIRST), store, rejects_dir=tmp_path)
    assert refresh_store(store).refreshed == ("F1", "F2", "F3")
    assert store.touched_families() == []
    load_path(_write(tmp_path, "second.csv", SECOND), store, rejects_dir=tmp_path)
    refreshed = refresh_store(store)
    assert refreshed.refreshed == ("F2", "F4")
    assert refreshed.line() == (
        "refreshed the results of 2 families touched by loads since the last analyse"
    )
    assert store.touched_families() == [] and refresh_store(store).refreshed == ()
    # Independently: the merged extract (the second's rows over the first's) in a new store.
    merged = {**_rows(FIRST), **_rows(SECOND)}
    text = HEADER + "".join(",".join(row) + "\n" for row in merged.values())
    with open_store(f"sqlite:///{tmp_path / 'merged.db'}") as whole:
        load_path(_write(tmp_path, "merged.csv", text), whole, rejects_dir=tmp_path)
        full = refresh_store(whole).run
        for name in full.frames:
            pd.testing.assert_frame_equal(store.result(name), whole.result(name), obj=name)
        assert refreshed.run.summary["counts"] == full.summary["counts"]


def test_classify_matches_an_independent_count():
    def frame(text):
        table = pd.read_csv(io.StringIO(text), dtype=str)
        return table.assign(
            occurred_at=pd.to_datetime(table["occurred_at"]), sector="x", referred_by=None,
            service=None, source_system=None,
        )  # fmt: skip

    changes = classify(frame(SECOND), frame(FIRST))
    assert (changes.new, changes.updated, changes.unchanged) == _expected(FIRST, SECOND)
    assert sorted(changes.write["contact_id"]) == ["c3", "c5"]
    assert changes.touched_families == ("F2", "F4")
    empty = classify(frame(SECOND), frame(FIRST).iloc[:0])
    assert (empty.new, empty.updated, empty.unchanged) == (4, 0, 0)


_ROW = {"contact_id": "c1", "person_id": "p1", "family_id": "F1", "agency": "Police",
        "sector": "police", "contact_type": "incident", "referred_by": None, "service": None,
        "source_system": None, "occurred_at": pd.Timestamp("2021-01-01 10:00:00")}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "updated"),
    [
        ({"agency": "GP"}, True),
        ({"referred_by": "School"}, True),  # a missing value gets one
        ({"sector": None}, True),  # a value goes missing
        ({"occurred_at": pd.Timestamp("2021-01-01 10:00:01")}, True),  # one second later
        ({"occurred_at": pd.Timestamp("2021-01-01 10:00:00.4")}, False),  # stored to the second
        ({"occurred_at": pd.NaT}, True),
        ({"family_id": "F2"}, True),
        ({}, False),
    ],
)
def test_a_change_to_any_one_column_is_an_update_and_nothing_else_is(change, updated):
    stored = pd.DataFrame([_ROW, _ROW | {"contact_id": "c2"}])
    incoming = pd.DataFrame([_ROW | change, _ROW | {"contact_id": "c2"}])
    changes = classify(incoming, stored)
    assert (changes.updated, changes.unchanged) == ((1, 1) if updated else (0, 2))
    touched = ("F1", "F2") if change.get("family_id") else ("F1",) if updated else ()
    assert changes.touched_families == touched
