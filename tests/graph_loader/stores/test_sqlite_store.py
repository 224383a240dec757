"""What only the embedded store does: files, schema versions, URLs."""

import sqlite3

import pytest

from graph_loader.stores import default_store_url, open_store
from graph_loader.stores.sqlite import SCHEMA_VERSION
from journey.errors import SchemaVersionError, StoreError


def test_store_is_one_wal_file_with_its_schema_version(tmp_path):
    path = tmp_path / "j.db"
    open_store(f"sqlite:///{path}").close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(
        SCHEMA_VERSION
    )


def test_wrong_schema_version_is_refused(tmp_path):
    path = tmp_path / "old.db"
    open_store(f"sqlite:///{path}").close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(SchemaVersionError, match="schema version 0"):
        open_store(f"sqlite:///{path}")


def test_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE x (y)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="not a journey store"):
        open_store(f"sqlite:///{path}")


def test_not_a_database(tmp_path):
    path = tmp_path / "text.db"
    path.write_text("hello")
    with pytest.raises(StoreError, match="cannot open"):
        open_store(f"sqlite:///{path}")


def test_missing_store_without_create(tmp_path):
    with pytest.raises(StoreError, match="no such store"):
        open_store(f"sqlite:///{tmp_path / 'none.db'}", create=False)
    assert not (tmp_path / "none.db").exists()


def test_unknown_scheme():
    with pytest.raises(StoreError, match="unknown store URL"):
        open_store("postgres://x")


def test_default_url_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("JOURNEY_STORE", raising=False)
    assert default_store_url() == "sqlite:///journey.db"
    monkeypatch.setenv("JOURNEY_STORE", "sqlite:///elsewhere.db")
    assert default_store_url() == "sqlite:///elsewhere.db"


def test_threads_each_get_their_own_connection(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from tests.builders import contacts_frame

    store = open_store(f"sqlite:///{tmp_path / 't.db'}")
    rows = [
        (f"c{i}", "p1", "Police", "incident", f"2021-01-{i + 1:02d}", None, "F1") for i in range(20)
    ]
    store.write_contacts(contacts_frame(rows))
    store.finish_load()

    def read(_: int) -> tuple[int, int]:
        return len(store.contacts()), id(store._db)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(read, range(40)))
    assert {count for count, _ in results} == {20}
    assert len({connection for _, connection in results}) > 1
    store.close()


def test_reading_all_contacts_survives_separator_characters(tmp_path):
    from tests.builders import contacts_frame

    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    frame = contacts_frame(
        [
            ("c1", "p1", "Police", "incident", "2021-01-01", None, "F1"),
            ("c2", "p1", "School", "exclusion", "2021-01-02", "Police", "F1"),
        ]
    )
    # Written around validation (which refuses control characters): the fast
    # column-wise read must notice and fall back to reading rows.
    frame.loc[0, "agency"] = "Police\x1fUnit"
    frame.loc[1, "service"] = "\x1e"
    store.write_contacts(frame)
    got = store.contacts()
    assert got["agency"].tolist() == ["Police\x1fUnit", "School"]
    assert got["service"].tolist() == [None, "\x1e"]
    assert got["referred_by"].tolist() == [None, "Police"]
    store.close()


def _snapshot_rows(path) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT count(*) FROM contacts_snapshot").fetchone()[0]
    finally:
        db.close()


def test_snapshot_equals_the_table_and_goes_stale_on_write(tmp_path):
    import pandas as pd

    from graph_loader.load import load_path
    from journey.synthetic import generate, write_population
    from tests.builders import contacts_frame

    write_population(generate(120, seed=5), tmp_path / "data")
    path = tmp_path / "snap.db"
    store = open_store(f"sqlite:///{path}")
    load_path(tmp_path / "data", store, rejects_dir=tmp_path)
    assert _snapshot_rows(path) == 1
    from_snapshot = store.contacts()
    from_table = store._table_contacts(list(from_snapshot.columns))
    pd.testing.assert_frame_equal(from_snapshot, from_table)
    assert from_snapshot["referred_by"].isna().any() and from_snapshot["referred_by"].notna().any()

    # A write outside a load makes the snapshot stale: it is dropped, and reads see the write.
    extra = contacts_frame([("new-contact", "P9", "Police", "incident", "2022-06-01", None, "F9")])
    store.write_contacts(extra)
    assert _snapshot_rows(path) == 0
    assert "new-contact" in set(store.contacts()["contact_id"])
    store.finish_load()
    assert _snapshot_rows(path) == 1
    assert "new-contact" in set(store.contacts()["contact_id"])
    store.close()


def test_no_snapshot_when_text_holds_the_separator(tmp_path):
    from tests.builders import contacts_frame

    path = tmp_path / "sep.db"
    store = open_store(f"sqlite:///{path}")
    frame = contacts_frame([("c1", "p1", "Police", "incident", "2021-01-01", None, "F1")])
    frame.loc[0, "service"] = "Unit\x1fA"  # written around validation
    store.write_contacts(frame)
    store.finish_load()
    assert _snapshot_rows(path) == 0
    assert store.contacts()["service"].tolist() == ["Unit\x1fA"]
    store.close()


def test_stores_made_before_the_snapshot_table_gain_it_on_open(tmp_path):
    path = tmp_path / "old.db"
    open_store(f"sqlite:///{path}").close()
    db = sqlite3.connect(path)
    db.execute("DROP TABLE contacts_snapshot")
    db.commit()
    db.close()
    store = open_store(f"sqlite:///{path}")
    assert store.contacts().empty
    store.close()
    assert _snapshot_rows(path) == 0


def test_an_unchanged_reload_keeps_the_snapshot(tmp_path, monkeypatch):
    from graph_loader.load import load_path
    from graph_loader.stores import snapshot
    from journey.synthetic import generate, write_population

    write_population(generate(30, seed=8), tmp_path / "data")
    store = open_store(f"sqlite:///{tmp_path / 'keep.db'}")
    load_path(tmp_path / "data", store, rejects_dir=tmp_path)
    before = store.contacts()
    built = []
    monkeypatch.setattr(snapshot, "encode", lambda frame: built.append(frame) or b"")
    load_path(tmp_path / "data", store, rejects_dir=tmp_path)
    assert built == []  # nothing changed, so nothing was rebuilt
    import pandas as pd

    pd.testing.assert_frame_equal(store.contacts(), before)
    store.close()


def _has_id_index(path) -> bool:
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'contacts_id'"
        ).fetchone() is not None


def test_a_first_load_builds_the_id_index_at_the_end_and_equals_row_by_row_upserts(tmp_path):
    """A first load inserts without the (contact_id, person_id) index and builds it once; the
    store is the same as one written by upserts with the index in place all along."""
    import pandas as pd

    from graph_loader.load import load_path
    from journey.synthetic import generate, write_population

    write_population(generate(60, seed=3), tmp_path / "data")
    first = open_store(f"sqlite:///{tmp_path / 'first.db'}")
    load_path(tmp_path / "data", first, rejects_dir=tmp_path, batch_rows=500)
    assert _has_id_index(tmp_path / "first.db")
    upserted = open_store(f"sqlite:///{tmp_path / 'upserted.db'}")
    contacts = first.contacts()
    for start in range(0, len(contacts), 500):  # outside a load: always an upsert
        upserted.write_contacts(contacts.iloc[start : start + 500])
    pd.testing.assert_frame_equal(
        first._table_contacts(list(contacts.columns)),
        upserted._table_contacts(list(contacts.columns)),
    )
    # The second load of the same rows goes through the index: nothing changes.
    again = load_path(tmp_path / "data", first, rejects_dir=tmp_path)
    assert {f.kind: f.loaded for f in again.files}["contacts"] == 0
    first.close()
    upserted.close()


def test_a_first_load_that_fails_still_leaves_the_id_index(tmp_path):
    from tests.builders import contacts_frame

    path = tmp_path / "failed.db"
    store = open_store(f"sqlite:///{path}")
    rows = contacts_frame([("c1", "p1", "Police", "incident", "2021-01-01", None, "F1")])
    with pytest.raises(RuntimeError), store.loading(wait_seconds=0):
        store.write_contacts(rows)
        assert not _has_id_index(path)  # written without it
        raise RuntimeError("the load stops here")
    assert _has_id_index(path)
    store.write_contacts(rows.assign(contact_type="arrest"))  # an upsert: the same row changes
    assert store.contacts()["contact_type"].tolist() == ["arrest"]
    store.close()


def test_a_store_whose_first_load_was_killed_gets_its_id_index_back_on_open(tmp_path):
    from tests.builders import contacts_frame

    path = tmp_path / "killed.db"
    store = open_store(f"sqlite:///{path}")
    store._loading = True  # as inside a load, which the kill interrupts before it ends
    row = ("c1", "p1", "Police", "incident", "2021-01-01", None, "F1")
    store.write_contacts(contacts_frame([row]))
    assert not _has_id_index(path)
    store._db.close()  # no clean ending
    open_store(f"sqlite:///{path}").close()
    assert _has_id_index(path)
