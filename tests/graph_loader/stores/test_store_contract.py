"""The contract every store passes: round trips, idempotent upserts, filters, results.

Parametrised over store factories so that each store implementation runs the
same suite.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from graph_loader.stores import open_store
from journey.errors import NotFoundError
from journey.store import ContactFilter, LoadRecord, Store
from tests.builders import contacts_frame, lead_periods_frame, people_frame


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, tmp_path):
    """Each store implementation in turn: the embedded SQLite file, then a live Neo4j."""
    if request.param == "neo4j":
        yield request.getfixturevalue("neo4j_store")
        return
    opened = open_store(f"sqlite:///{tmp_path / 'contract.db'}")
    yield opened
    opened.close()


CONTACTS = contacts_frame(
    [
        # A police call-out to the household: one contact, two people.
        ("c1", "p1", "Police", "domestic_incident", "2021-03-01 22:30", None, "F1"),
        ("c1", "p2", "Police", "domestic_incident", "2021-03-01 22:30", None, "F1"),
        ("c2", "p2", "School", "school_absence", "2021-03-04", "Police", "F1"),
        ("c3", "p1", "CSC", "referral", "2021-03-02", "Police", "F1"),
        ("c4", "p3", "JCP", "work_coach", "2020-12-01", None, "F2"),
    ]
)
PEOPLE = people_frame(
    [
        ("p1", "F1", "adult", "1985-04"),
        ("p2", "F1", "child", "2012-09"),
        ("p3", "F2", "adult", "1990-01"),
    ]
)
FAMILIES = pd.DataFrame({"family_id": ["F1", "F2"], "area": ["Ward A", "Ward B"]})
PERIODS = lead_periods_frame([("F1", "2021-04-01", None), ("F2", "2020-01-01", "2020-06-30")])
#: The same periods, the open one naming its lead professional and team.
NAMED_PERIODS = lead_periods_frame(
    [("F1", "2021-04-01", None, "Sam Key", "North team"), ("F2", "2020-01-01", "2020-06-30")]
)


def fill(store: Store) -> None:
    store.write_families(FAMILIES)
    store.write_people(PEOPLE)
    store.write_lead_periods(PERIODS)
    store.write_contacts(CONTACTS)
    store.finish_load()


def test_implements_the_protocol(store):
    assert isinstance(store, Store)


def test_round_trip_keeps_every_column_and_type(store):
    fill(store)
    got = store.contacts()
    expected = CONTACTS.sort_values(["family_id", "occurred_at", "contact_id", "person_id"])
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True))


def test_counts_count_a_multi_person_contact_once(store):
    fill(store)
    assert store.counts() == {
        "people": 3,
        "families": 2,
        "contacts": 4,
        "contact_rows": 5,
        "agencies": 4,
        "loads": 0,
    }


def test_writing_twice_changes_nothing(store):
    fill(store)
    before = (store.counts(), store.contacts(), store.people(), store.lead_periods())
    fill(store)
    after = (store.counts(), store.contacts(), store.people(), store.lead_periods())
    assert before[0] == after[0]
    for one, two in zip(before[1:], after[1:], strict=True):
        pd.testing.assert_frame_equal(one, two)


def test_upsert_replaces_a_corrected_row(store):
    fill(store)
    corrected = CONTACTS[CONTACTS["contact_id"] == "c4"].assign(contact_type="sanction")
    store.write_contacts(corrected)
    got = store.contacts(ContactFilter(family_id="F2"))
    assert got["contact_type"].tolist() == ["sanction"]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (ContactFilter(family_id="F1"), ["c1", "c1", "c3", "c2"]),
        (ContactFilter(person_id="p2"), ["c1", "c2"]),
        (ContactFilter(agency="Police"), ["c1", "c1"]),
        (ContactFilter(area="Ward B"), ["c4"]),
        (ContactFilter(start=datetime(2021, 3, 2), end=datetime(2021, 3, 4)), ["c3"]),
        (ContactFilter(family_id="F1", person_id="p1"), ["c1", "c3"]),
        (ContactFilter(family_id="nobody"), []),
    ],
)
def test_filters(store, where, expected):
    fill(store)
    assert store.contacts(where)["contact_id"].tolist() == expected


def test_people_families_periods_agencies(store):
    fill(store)
    assert store.people("F1")["person_id"].tolist() == ["p1", "p2"]
    assert store.families()["area"].tolist() == ["Ward A", "Ward B"]
    periods = store.lead_periods("F1")
    assert (
        periods["lead_from"].tolist() == [pd.Timestamp("2021-04-01")]
        and periods["lead_to"].isna().all()
    )
    agencies = store.agencies().set_index("agency")
    assert agencies.loc["Police", "contacts"] == 2
    assert agencies.loc["Children's Social Care", "sector"] == "social care"
    assert store.date_range() == (datetime(2020, 12, 1), datetime(2021, 3, 4))


def test_lead_worker_and_team_round_trip_and_are_optional(store):
    fill(store)
    store.write_lead_periods(NAMED_PERIODS)
    periods = store.lead_periods().set_index("family_id")
    assert periods.loc["F1", "lead_worker"] == "Sam Key"
    assert periods.loc["F1", "lead_team"] == "North team"
    assert periods.loc["F2", "lead_worker"] is None and periods.loc["F2", "lead_team"] is None


def test_a_period_reloaded_without_names_keeps_them(store):
    fill(store)
    store.write_lead_periods(NAMED_PERIODS)
    unnamed = NAMED_PERIODS[["family_id", "lead_from", "lead_to"]]
    store.write_lead_periods(unnamed.assign(lead_to=pd.Timestamp("2021-09-30")))
    got = store.lead_periods("F1").iloc[0]
    assert got["lead_worker"] == "Sam Key" and got["lead_to"] == pd.Timestamp("2021-09-30")


def test_families_named_only_by_contacts_appear(store):
    store.write_contacts(CONTACTS)
    store.finish_load()
    assert store.families()["family_id"].tolist() == ["F1", "F2"]


def test_empty_store_reads(store):
    assert store.contacts().empty and list(store.contacts().columns)[0] == "contact_id"
    assert store.date_range() == (None, None)
    assert store.results_meta() is None
    with pytest.raises(NotFoundError, match="journey analyse"):
        store.result("pathways")


def test_load_log(store):
    now = datetime(2026, 1, 1, 12, 0)
    store.record_load(LoadRecord("in/contacts.csv", now, now, rows_in=10, loaded=8, rejected=2))
    loads = store.loads()
    assert loads[["rows_in", "loaded", "rejected", "duplicates"]].values.tolist() == [[10, 8, 2, 0]]
    assert loads["finished_at"].notna().all() and loads["run_id"].tolist() == [1]


def test_the_load_version_changes_with_every_new_or_finished_load_line(store):
    empty = store.load_version()
    now = datetime(2026, 1, 1, 12, 0)
    run = store.start_run([LoadRecord("in/contacts.csv", now, None, 10, 8, 2)])
    started = store.load_version()
    store.finish_run(run, datetime(2026, 1, 1, 12, 5))
    finished = store.load_version()
    assert len({empty, started, finished}) == 3
    assert started[0] == finished[0] == len(store.loads()) == 1
    assert store.load_version() == finished  # nothing new: the same version


def test_a_run_is_unfinished_until_it_is_marked_finished(store):
    from graph_loader.runs import runs

    now = datetime(2026, 1, 1, 12, 0)
    files = [
        LoadRecord("in/families.csv", now, None, 2, 2, 0, kind="families", checksum="a" * 64),
        LoadRecord("in/contacts.csv", now, None, rows_in=10, loaded=6, rejected=3, duplicates=1,
                   rejects_path="contacts.rejects.csv", checksum="b" * 64, mapping="police.toml"),
    ]  # fmt: skip
    first = store.start_run(files)
    second = store.start_run(files[1:])
    assert second == first + 1
    assert store.loads()["finished_at"].isna().all() and store.counts()["loads"] == 3
    store.finish_run(first, datetime(2026, 1, 1, 12, 5))
    newest, oldest = runs(store)
    assert (newest.run_id, newest.finished, oldest.run_id, oldest.finished) == (
        second, False, first, True)  # fmt: skip
    assert oldest.files["source"].tolist() == ["in/families.csv", "in/contacts.csv"]
    totals = [oldest.total(c) for c in ("rows_in", "loaded", "rejected", "duplicates")]
    assert totals == [12, 8, 3, 1]
    line = store.loads().iloc[0]
    assert (line["mapping"], line["checksum"], line["rejects_path"]) == (
        "police.toml", "b" * 64, "contacts.rejects.csv")  # fmt: skip


def test_results_round_trip(store):
    frame = pd.DataFrame(
        {
            "family_id": ["F1", "F2"],
            "contacts": [40, 3],
            "first_crossed": pd.to_datetime(["2021-05-01", None]),
            "high_contact": [True, False],
            "peak_contact_ids": [["c1", "c2"], []],
            "share": [0.5, float("nan")],
        }
    )
    store.save_results({"family_summary": frame}, {"parameters": {"window_days": 365}})
    got = store.result("family_summary")
    pd.testing.assert_frame_equal(got, frame)
    assert store.results_meta() == {"parameters": {"window_days": 365}}
    store.save_results({"other": frame.head(1)}, {"run": 2})
    with pytest.raises(NotFoundError):
        store.result("family_summary")


def test_some_columns_only(store):
    fill(store)
    got = store.contacts(columns=["family_id", "occurred_at", "agency"])
    assert list(got.columns) == ["family_id", "occurred_at", "agency"]
    pd.testing.assert_frame_equal(got, store.contacts()[["family_id", "occurred_at", "agency"]])
    one = store.contacts(ContactFilter(family_id="F2"), columns=["contact_id"])
    assert one["contact_id"].tolist() == ["c4"]


def test_unknown_columns_are_refused(store):
    from journey.errors import StoreError

    with pytest.raises(StoreError, match="not contact columns: nickname"):
        store.contacts(columns=["contact_id", "nickname"])


def test_touched_families_are_marked_until_cleared(store):
    assert store.touched_families() == []
    store.mark_touched(["F2", "F1"])
    store.mark_touched(["F1"])  # marking twice keeps one mark
    assert store.touched_families() == ["F1", "F2"]
    store.clear_touched(["F1"])
    assert store.touched_families() == ["F2"]


def test_the_load_log_keeps_each_file_s_updates(store):
    when = datetime(2024, 1, 1, 9, 0)
    store.record_load(LoadRecord("a.csv", when, when, rows_in=5, loaded=3, rejected=0,
                                 duplicates=2, updated=1))  # fmt: skip
    store.record_load(LoadRecord("b.csv", when, when, rows_in=1, loaded=1, rejected=0))
    log = store.loads().sort_values("load_id")
    expected = [["a.csv", 3, 1], ["b.csv", 1, 0]]
    assert log[["source", "loaded", "updated"]].values.tolist() == expected
