"""Loading folders and files: reconciliation, rejects files, idempotence, refusals."""

from __future__ import annotations

import pandas as pd
import pytest

from graph_loader.load import load_path
from journey.errors import InputError, MissingColumnError

CONTACTS = """contact_id,person_id,family_id,agency,contact_type,occurred_at,referred_by
c1,p1,F1,Sussex Police,Incident,2021-03-01T22:30:00+00:00,
c1,p2,F1,police,incident,2021-03-01T22:30:00+00:00,
c2,p1,F1,School,school absence,2021-03-04,Police
c3,,F1,School,school_absence,2021-03-05,
c4,p1,F1,GP,appointment,05/03/2021,
c5,p3,F2,JobCentre Plus,work_coach,2021-03-06,
"""
PEOPLE = """person_id,family_id,role,birth_month,sex
p1,F1,adult,1984-02,F
p2,F1,child,2011-13,F
p3,F2,adult,1979-07,M
"""
FAMILIES = """family_id,area,lead_from,lead_to
F1,Ward A,2021-05-01,
F2,Ward B,,
"""


@pytest.fixture
def folder(tmp_path):
    data = tmp_path / "in"
    data.mkdir()
    (data / "contacts.csv").write_text(CONTACTS)
    (data / "people.csv").write_text(PEOPLE)
    (data / "families.csv").write_text(FAMILIES)
    return data


def test_every_row_is_loaded_or_rejected(folder, fresh_store, tmp_path):
    report = load_path(folder, fresh_store, rejects_dir=tmp_path / "rejects")
    by_kind = {f.kind: f for f in report.files}
    contacts = by_kind["contacts"]
    assert (contacts.rows_in, contacts.loaded, contacts.rejected) == (6, 4, 2)
    rejects = pd.read_csv(contacts.rejects_path, dtype=str)
    assert rejects[["line", "rule"]].values.tolist() == [["5", "C102"], ["6", "C106"]]
    assert rejects["contact_id"].tolist() == ["c3", "c4"]
    people = by_kind["people"]
    assert (people.rows_in, people.loaded, people.rejected) == (3, 2, 1)
    assert by_kind["families"].rejected == 0 and by_kind["families"].rejects_path is None
    assert contacts.line() == (
        "contacts.csv: rows in 6 = loaded 4 + rejected 2 + duplicates 0 "
        f"(rejects: {contacts.rejects_path})"
    )
    loads = fresh_store.loads()
    assert (loads["rows_in"] == loads["loaded"] + loads["rejected"] + loads["duplicates"]).all()
    assert len(loads) == 3 and loads["run_id"].tolist() == [1, 1, 1]
    assert loads["finished_at"].notna().all()


def test_loading_twice_leaves_identical_counts(folder, fresh_store, tmp_path):
    load_path(folder, fresh_store, rejects_dir=tmp_path)
    first = {k: v for k, v in fresh_store.counts().items() if k != "loads"}
    contacts = fresh_store.contacts()
    load_path(folder, fresh_store, rejects_dir=tmp_path)
    assert {k: v for k, v in fresh_store.counts().items() if k != "loads"} == first
    pd.testing.assert_frame_equal(fresh_store.contacts(), contacts)
    assert first == {"people": 2, "families": 2, "contacts": 3, "contact_rows": 4, "agencies": 3}


def test_single_contacts_file(folder, fresh_store, tmp_path):
    report = load_path(folder / "contacts.csv", fresh_store, rejects_dir=tmp_path)
    assert [f.kind for f in report.files] == ["contacts"]
    assert fresh_store.counts()["families"] == 2


def test_missing_column_writes_nothing(folder, fresh_store, tmp_path):
    (folder / "contacts.csv").write_text("contact_id,person_id,family_id,agency\nc1,p1,F1,Police\n")
    with pytest.raises(MissingColumnError) as error:
        load_path(folder, fresh_store, rejects_dir=tmp_path)
    assert "contacts.csv" in str(error.value) and "occurred_at" in str(error.value)
    assert fresh_store.counts()["contact_rows"] == 0 and fresh_store.counts()["people"] == 0


def test_family_id_may_come_from_people(folder, fresh_store, tmp_path):
    lines = CONTACTS.splitlines()
    dropped = [
        "\t".join(line.split(",")[:2] + line.split(",")[3:]).replace("\t", ",") for line in lines
    ]
    (folder / "contacts.csv").write_text("\n".join(dropped) + "\n")
    report = load_path(folder, fresh_store, rejects_dir=tmp_path)
    contacts = {f.kind: f for f in report.files}["contacts"]
    # p2's people row is rejected (bad birth month), so c1/p2 has no family: rule C103.
    rejects = pd.read_csv(contacts.rejects_path, dtype=str)
    assert "C103" in rejects["rule"].tolist()
    assert contacts.rows_in == contacts.loaded + contacts.rejected


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: None, "no contacts.csv"),
        (lambda d: (d / "contacts.csv").write_bytes(b"id\n\x81\x8d\x90bad"), "not UTF-8"),
        (lambda d: (d / "contacts.csv").write_text(""), "empty file"),
    ],
)
def test_unreadable_inputs(tmp_path, fresh_store, setup, message):
    data = tmp_path / "d"
    data.mkdir()
    setup(data)
    with pytest.raises(InputError, match=message):
        load_path(data, fresh_store)


def test_unknown_agency_warning_lists_names(folder, fresh_store, tmp_path):
    text = CONTACTS + "c9,p1,F1,Kind Hearts Shop,support_session,2021-04-01,\n"
    (folder / "contacts.csv").write_text(text)
    report = load_path(folder, fresh_store, rejects_dir=tmp_path)
    assert any("Kind Hearts Shop" in w for w in report.warnings)
    assert "Kind Hearts Shop" in fresh_store.agencies()["agency"].tolist()


def test_exact_copies_are_duplicates_and_the_run_balances(folder, fresh_store, tmp_path):
    copy = CONTACTS.splitlines()[1]
    (folder / "contacts.csv").write_text(CONTACTS + copy + "\n" + copy + "\n")
    report = load_path(folder, fresh_store, rejects_dir=tmp_path, max_reject_share=1)
    contacts = {f.kind: f for f in report.files}["contacts"]
    assert (contacts.rows_in, contacts.loaded, contacts.rejected, contacts.duplicates) == (
        8, 4, 2, 2)  # fmt: skip
    line = fresh_store.loads().query("kind == 'contacts'").iloc[0]
    assert (line["rows_in"], line["loaded"], line["rejected"], line["duplicates"]) == (8, 4, 2, 2)
    assert fresh_store.counts()["contact_rows"] == 4


def test_a_run_records_each_files_checksum_and_a_reload_repeats_it(folder, fresh_store, tmp_path):
    import hashlib

    first = load_path(folder, fresh_store, rejects_dir=tmp_path, max_reject_share=1)
    second = load_path(folder, fresh_store, rejects_dir=tmp_path, max_reject_share=1)
    assert (first.run_id, second.run_id) == (1, 2)
    loads = fresh_store.loads()
    by_run = {run: group.set_index("kind")["checksum"] for run, group in loads.groupby("run_id")}
    expected = hashlib.sha256((folder / "contacts.csv").read_bytes()).hexdigest()
    assert by_run[1]["contacts"] == by_run[2]["contacts"] == expected
    assert by_run[1].equals(by_run[2]) and loads["finished_at"].notna().all()


def test_too_large_a_reject_share_is_reported_after_loading_the_valid_rows(folder, fresh_store,
                                                                           tmp_path):  # fmt: skip
    # contacts.csv rejects 2 of 6 rows (33%), people.csv 1 of 3.
    report = load_path(folder, fresh_store, rejects_dir=tmp_path)
    assert [f.kind for f in report.over_reject_share()] == ["people", "contacts"]
    assert fresh_store.counts()["contact_rows"] == 4  # loaded all the same
    assert (tmp_path / "contacts.rejects.csv").is_file()
    relaxed = load_path(folder, fresh_store, rejects_dir=tmp_path, max_reject_share=0.34)
    assert relaxed.over_reject_share() == []


def test_a_contact_naming_another_family_than_people_csv_is_rejected(folder, fresh_store,
                                                                     tmp_path):  # fmt: skip
    (folder / "contacts.csv").write_text(CONTACTS + "c9,p3,F1,GP,appointment,2021-04-01,\n")
    report = load_path(folder, fresh_store, rejects_dir=tmp_path, max_reject_share=1)
    rejects = pd.read_csv({f.kind: f for f in report.files}["contacts"].rejects_path, dtype=str)
    assert rejects.set_index("contact_id").loc["c9", "rule"] == "C112"
    assert fresh_store.contacts()["family_id"][fresh_store.contacts()["person_id"] == "p3"].tolist(
    ) == ["F2"]


def test_strict_rejects_an_agency_the_taxonomy_lacks(folder, fresh_store, tmp_path):
    (folder / "contacts.csv").write_text(CONTACTS + "c9,p1,F1,Kind Hearts Shop,visit,2021-04-01,\n")
    report = load_path(folder, fresh_store, rejects_dir=tmp_path, strict=True, max_reject_share=1)
    rejects = pd.read_csv({f.kind: f for f in report.files}["contacts"].rejects_path, dtype=str)
    assert rejects.set_index("contact_id").loc["c9", "rule"] == "C114"
    assert "Kind Hearts Shop" not in fresh_store.agencies()["agency"].tolist()


def test_a_share_outside_0_to_1_is_refused(folder, fresh_store):
    from journey.errors import ParameterError

    with pytest.raises(ParameterError, match="between 0 and 1"):
        load_path(folder, fresh_store, max_reject_share=5)
    assert fresh_store.counts()["loads"] == 0
