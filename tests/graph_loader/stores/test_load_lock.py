"""Loads of one SQLite store take turns, and no reader ever gets a snapshot older than the table.

Real processes: two ``journey load`` subprocesses of different data started
while the test itself holds the store's load lock, so that both are waiting
at once; one refused after a short ``--wait``; and a snapshot made stale by
another connection's write, which the store must not return.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from graph_loader.load import load_path
from graph_loader.runs import runs
from graph_loader.stores import open_store
from graph_loader.stores.lock import exclusive, lock_path
from journey.errors import StoreBusyError
from journey.synthetic import generate, write_population
from tests.graph_loader.test_runs import _environment, _without_loads
from tests.paths import ROOT


def _halves(data: Path, out: Path) -> tuple[Path, Path]:
    """The population split into two folders of different families (no id in both)."""
    frames = {name: pd.read_csv(data / f"{name}.csv", dtype=str, keep_default_na=False)
              for name in ("contacts", "people", "families")}  # fmt: skip
    families = sorted(frames["families"]["family_id"].unique())
    folders = []
    for number, part in enumerate((families[::2], families[1::2])):
        folder = out / f"half{number}"
        folder.mkdir()
        for name, frame in frames.items():
            frame[frame["family_id"].isin(part)].to_csv(folder / f"{name}.csv", index=False)
        folders.append(folder)
    return folders[0], folders[1]


def _journey_load(folder: Path, url: str, rejects: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "web.cli", "load", str(folder), "--store", url, "--rejects",
         str(rejects), *extra],
        env=_environment(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.mark.slow
def test_two_loads_of_different_data_at_once_take_turns_and_leave_a_whole_store(tmp_path):
    write_population(generate(80, seed=4), tmp_path / "data")
    first, second = _halves(tmp_path / "data", tmp_path)
    path = tmp_path / "shared.db"
    url = f"sqlite:///{path}"
    open_store(url).close()
    # Holding the lock while both start puts both in the queue at once.
    with exclusive(path, name=url, wait_seconds=0):
        loads = [_journey_load(folder, url, tmp_path / f"r{n}")
                 for n, folder in enumerate((first, second))]  # fmt: skip
        time.sleep(3)  # both have read and validated by now, and wait for the lock
        assert all(load.poll() is None for load in loads)
    outputs = [load.communicate(timeout=300) for load in loads]
    assert [load.returncode for load in loads] == [0, 0], outputs

    clean = open_store(f"sqlite:///{tmp_path / 'clean.db'}")
    for folder in (first, second):
        load_path(folder, clean, rejects_dir=tmp_path)
    store = open_store(url, create=False)
    assert _without_loads(store.counts()) == _without_loads(clean.counts())
    everything = store.contacts()  # the snapshot, current after both loads
    pd.testing.assert_frame_equal(everything, clean.contacts())
    pd.testing.assert_frame_equal(everything, store._table_contacts(list(everything.columns)))
    assert [run.finished for run in runs(store)] == [True, True]
    store.close()
    clean.close()


def test_a_load_that_cannot_get_the_lock_refuses_with_one_line(tmp_path):
    write_population(generate(5, seed=2), tmp_path / "data")
    path = tmp_path / "busy.db"
    url = f"sqlite:///{path}"
    open_store(url).close()
    with exclusive(path, name=url, wait_seconds=0):
        load = _journey_load(tmp_path / "data", url, tmp_path, "--wait", "0.5")
        out, err = load.communicate(timeout=120)
    assert load.returncode == 1
    assert err.splitlines() == [
        f"journey: error: {url}: another load is writing to this store; waited 0.5 s for it "
        "to finish (try again later, or wait longer with --wait)"
    ]
    store = open_store(url, create=False)
    assert store.counts()["loads"] == 0 and store.counts()["contact_rows"] == 0
    store.close()


def test_the_lock_is_released_with_its_holder(tmp_path):
    path = tmp_path / "x.db"
    with exclusive(path, name="x", wait_seconds=0):
        with pytest.raises(StoreBusyError, match="x: another load"):
            with exclusive(path, name="x", wait_seconds=0.2):
                pass  # pragma: no cover
    with exclusive(path, name="x", wait_seconds=0):
        assert lock_path(path).exists()
    # A killed holder's lock goes with its process.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from graph_loader.stores.lock import exclusive\n"
         "with exclusive(Path(sys.argv[1]), name='x', wait_seconds=0):\n"
         "    print('held', flush=True); time.sleep(60)", str(path)],
        env=_environment(), stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(StoreBusyError):
        with exclusive(path, name="x", wait_seconds=0):
            pass  # pragma: no cover
    holder.kill()
    holder.wait()
    holder.stdout.close()
    with exclusive(path, name="x", wait_seconds=5):
        pass


def test_a_snapshot_older_than_the_table_is_never_read(tmp_path):
    from tests.builders import contacts_frame

    path = tmp_path / "stale.db"
    store = open_store(f"sqlite:///{path}")
    store.write_contacts(contacts_frame([("c1", "p1", "Police", "incident", "2021-01-01", None,
                                          "F1")]))  # fmt: skip
    store.finish_load()
    # Another writer changes the table and its version but leaves the snapshot in place
    # (what a snapshot built from an earlier read of the table would amount to).
    other = sqlite3.connect(path)
    other.execute(
        "INSERT INTO contacts (family_id, occurred_at, contact_id, person_id, agency, sector, "
        "contact_type) VALUES ('F1', '2021-02-01 00:00:00', 'c2', 'p1', 'School', 'education', "
        "'exclusion')"
    )
    other.execute("UPDATE meta SET value = '99' WHERE key = 'contacts_version'")
    other.commit()
    assert other.execute("SELECT count(*) FROM contacts_snapshot").fetchone()[0] == 1
    other.close()
    assert store.contacts()["contact_id"].tolist() == ["c1", "c2"]
    store.finish_load()  # rebuilt, stamped with version 99
    db = sqlite3.connect(path)
    assert db.execute("SELECT version FROM contacts_snapshot").fetchone()[0] == 99
    db.close()
    assert store.contacts()["contact_id"].tolist() == ["c1", "c2"]
    store.close()


def test_every_contact_write_that_changes_a_row_raises_the_version(fresh_store):
    from tests.builders import contacts_frame

    def version() -> int:
        row = fresh_store._db.execute(
            "SELECT value FROM meta WHERE key = 'contacts_version'").fetchone()  # fmt: skip
        return int(row[0]) if row else 0

    frame = contacts_frame([("c1", "p1", "Police", "incident", "2021-01-01", None, "F1")])
    assert version() == 0
    fresh_store.write_contacts(frame)
    assert version() == 1
    fresh_store.write_contacts(frame)  # unchanged: nothing written, the version stays
    assert version() == 1
    fresh_store.write_contacts(frame.assign(contact_type="arrest"))
    assert version() == 2
