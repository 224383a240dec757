"""The embedded store's file format: the contacts table's layout, connections, transactions.

``data/store-v1.db.gz`` is a store of schema version 1 written by the store
before its contacts columns were laid out in one place, by
:func:`write_reference_store` below; ``data/store-v2.db.gz`` the same store
written at schema version 2 (load runs, the snapshot's contacts version).
Every later store must open both and read the same, upgrade the first to
the second, and write the second from the same input.
"""

from __future__ import annotations

import gzip
import sqlite3
import threading
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from graph_loader.stores import open_store
from graph_loader.stores.sqlite import SQLiteStore, _time_text
from graph_loader.stores.sqlite_schema import (
    CONTACTS_KEY,
    CONTACTS_TABLE_COLUMNS,
    NULLABLE_CONTACT_COLUMNS,
)
from journey.contract import CONTACT_COLUMNS
from journey.errors import StoreError
from journey.store import LoadRecord
from tests.graph_loader.stores.test_store_contract import (
    CONTACTS,
    FAMILIES,
    PEOPLE,
    PERIODS,
    fill,
)

REFERENCE = Path(__file__).parent / "data" / "store-v1.db.gz"
REFERENCE_V2 = Path(__file__).parent / "data" / "store-v2.db.gz"
RESULT = pd.DataFrame(
    {"family_id": ["F1"], "eligible": [True], "first_eligible": pd.to_datetime(["2021-03-04"])}
)
LOAD = LoadRecord(
    source="contacts.csv",
    started_at=datetime(2024, 1, 1, 9),
    finished_at=datetime(2024, 1, 1, 9, 1),
    rows_in=6,
    loaded=5,
    rejected=1,
    rejects_path="contacts.csv.rejects.csv",
)


def write_reference_store(store: SQLiteStore) -> None:
    """What ``data/store-v1.db.gz`` holds: the contract suite's population, a load, a result."""
    store.write_families(FAMILIES)
    store.write_people(PEOPLE)
    store.write_lead_periods(PERIODS)
    store.write_contacts(CONTACTS)
    store.record_load(LOAD)
    store.finish_load()
    store.save_results({"eligibility": RESULT}, {"families": 2})


@pytest.fixture
def reference(tmp_path) -> Path:
    """A copy of the version 1 reference store (opening a store may add its WAL files beside it)."""
    path = tmp_path / "store-v1.db"
    path.write_bytes(gzip.decompress(REFERENCE.read_bytes()))
    return path


@pytest.fixture
def reference_v2(tmp_path) -> Path:
    """A copy of the version 2 reference store."""
    path = tmp_path / "store-v2.db"
    path.write_bytes(gzip.decompress(REFERENCE_V2.read_bytes()))
    return path


def _dump(path: Path) -> list[str]:
    """The store's schema and rows as SQL, less the two blobs whose bytes belong to libraries.

    The results' JSON names the pandas version and the snapshot is numpy's
    format: both are compared by what they read back instead.
    """
    db = sqlite3.connect(path)
    try:
        skipped = ('INSERT INTO "results"', 'INSERT INTO "contacts_snapshot"')
        return [line for line in db.iterdump() if not line.startswith(skipped)]
    finally:
        db.close()


@pytest.mark.parametrize("version", [1, 2])
def test_a_reference_store_opens_and_reads_the_same(reference, reference_v2, version):
    path = reference if version == 1 else reference_v2
    store = open_store(f"sqlite:///{path}", create=False)
    expected = CONTACTS.sort_values(list(CONTACTS_KEY)).reset_index(drop=True)
    pd.testing.assert_frame_equal(store.contacts(), expected)  # snapshot or table
    pd.testing.assert_frame_equal(store._table_contacts(list(CONTACT_COLUMNS)), expected)
    assert store.people()["person_id"].tolist() == ["p1", "p2", "p3"]
    pd.testing.assert_frame_equal(store.families(), FAMILIES)
    pd.testing.assert_frame_equal(store.lead_periods(), PERIODS)
    loads = store.loads()
    assert loads[["run_id", "source", "rows_in", "loaded", "rejected", "duplicates"]].values.tolist(
    ) == [[1, "contacts.csv", 6, 5, 1, 0]]
    assert loads["finished_at"].tolist() == ["2024-01-01T09:01:00"]
    pd.testing.assert_frame_equal(store.result("eligibility"), RESULT)
    assert store.results_meta() == {"families": 2}
    store.close()


def test_a_version_1_store_is_upgraded_to_what_version_2_wrote(reference, reference_v2):
    open_store(f"sqlite:///{reference}").close()
    open_store(f"sqlite:///{reference_v2}").close()  # adds the tables new within version 2
    # The same tables, DDL text and rows; only the contacts version differs: the
    # version 1 file never counted its writes (its snapshot was dropped instead).
    counted = "INSERT INTO \"meta\" VALUES('contacts_version','1');"
    assert _dump(reference) == [line for line in _dump(reference_v2) if line != counted]
    with SQLiteStore(reference) as store:
        assert store._db.execute("SELECT count(*) FROM contacts_snapshot").fetchone()[0] == 0
        store.finish_load()  # the next load's end rebuilds the snapshot
        assert store._db.execute("SELECT count(*) FROM contacts_snapshot").fetchone()[0] == 1


def test_an_upgrade_groups_the_files_of_one_version_1_load_into_one_run(reference):
    db = sqlite3.connect(reference)
    db.execute(
        "INSERT INTO loads (source, kind, started_at, finished_at, rows_in, loaded, rejected) "
        "VALUES ('people.csv', 'people', '2024-01-01T09:00:00', '2024-01-01T09:00:30', 3, 3, 0), "
        "('contacts.csv', 'contacts', '2024-02-01T09:00:00', '2024-02-01T09:00:30', 1, 1, 0)"
    )
    db.commit()
    db.close()
    with SQLiteStore(reference) as store:
        loads = store.loads()
    assert loads[["load_id", "run_id"]].values.tolist() == [[3, 3], [2, 1], [1, 1]]


def test_the_store_writes_what_version_2_wrote(reference_v2, tmp_path):
    path = tmp_path / "now.db"
    with SQLiteStore(path) as store:
        write_reference_store(store)
    SQLiteStore(reference_v2).close()  # adds the (empty) tables new within version 2
    assert _dump(path) == _dump(reference_v2)  # the same DDL text, the same rows
    with SQLiteStore(path) as now, SQLiteStore(reference_v2) as before:
        pd.testing.assert_frame_equal(now.contacts(), before.contacts())
        pd.testing.assert_frame_equal(now.result("eligibility"), before.result("eligibility"))


def test_the_contacts_table_is_laid_out_from_the_one_column_list(fresh_store):
    info = fresh_store._db.execute("PRAGMA table_xinfo(contacts)").fetchall()
    # cid, name, type, notnull, default, pk (position in the key), hidden
    assert [row[1] for row in info] == list(CONTACTS_TABLE_COLUMNS)
    assert sorted(CONTACTS_TABLE_COLUMNS) == sorted(CONTACT_COLUMNS)
    assert {row[1] for row in info if not row[3]} == NULLABLE_CONTACT_COLUMNS
    assert [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]] == list(CONTACTS_KEY)


def test_every_connection_gets_the_same_settings(fresh_store):
    def settings() -> tuple:
        connection = fresh_store._db
        return tuple(
            connection.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "cache_size", "temp_store")
        )

    other = []
    thread = threading.Thread(target=lambda: other.append(settings()))
    thread.start()
    thread.join()
    # WAL; synchronous NORMAL (1); a 200 MB page cache; temporary tables in memory (2).
    assert settings() == other[0] == ("wal", 1, -200000, 2)


def test_a_failed_write_leaves_nothing_behind(fresh_store, tmp_path):
    fill(fresh_store)
    before = fresh_store.contacts()
    batch = CONTACTS.assign(contact_id=["c9", "c9", "c10", "c11", "c12"])
    batch.loc[3, "contact_type"] = None  # NOT NULL: the whole batch fails
    with pytest.raises(StoreError, match="write failed .*NOT NULL"):
        fresh_store.write_contacts(batch)
    assert not fresh_store._db.in_transaction
    pd.testing.assert_frame_equal(fresh_store.contacts(), before)
    assert fresh_store.counts()["contact_rows"] == len(CONTACTS)
    fresh_store.write_contacts(batch.dropna(subset=["contact_type"]))  # the store still writes
    assert fresh_store.counts()["contact_rows"] == len(CONTACTS) + 4


@pytest.mark.parametrize(
    "times",
    [
        ["2021-03-01 22:30:15.999", "2021-03-01", None, "1969-12-31 23:59:59.5", "2262-04-11"],
        ["1677-09-22 00:00:01", "2000-02-29 12:00"],
        [None, None],
        [],
    ],
)
def test_times_are_written_as_strftime_writes_them(times):
    values = pd.Series([pd.Timestamp(t) for t in times], dtype="datetime64[ns]")
    expected = values.dt.strftime("%Y-%m-%d %H:%M:%S").astype(object).where(values.notna(), None)
    assert _time_text(values).tolist() == expected.tolist()


def test_aware_times_are_written_as_their_wall_clock_time():
    values = pd.Series(pd.to_datetime(["2021-07-01 09:30"])).dt.tz_localize("Europe/London")
    assert _time_text(values).tolist() == ["2021-07-01 09:30:00"]


def test_some_columns_read_from_the_table_equal_those_from_the_snapshot(fresh_store):
    fill(fresh_store)
    wanted = ["referred_by", "occurred_at", "contact_id"]
    pd.testing.assert_frame_equal(
        fresh_store._table_contacts(wanted), fresh_store.contacts(columns=wanted)
    )


def test_a_store_made_before_lead_names_gains_them_and_keeps_its_periods(reference_v2):
    from tests.graph_loader.stores.test_store_contract import NAMED_PERIODS

    db = sqlite3.connect(reference_v2)
    assert "lead_worker" not in {row[1] for row in db.execute("PRAGMA table_info(lead_periods)")}
    db.close()
    with SQLiteStore(reference_v2) as store:
        assert store.lead_periods()["lead_worker"].isna().all()
        store.write_lead_periods(NAMED_PERIODS)
        assert store.lead_periods("F1")["lead_team"].tolist() == ["North team"]
