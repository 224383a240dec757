"""Load runs: recorded before writing, finished after; a killed load shows, a re-run completes it.

The kill is real: a subprocess loading with small batches sends itself
SIGKILL after N batches of contacts (no clean-up, no exception handler runs),
then the same files are loaded again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pandas as pd
import pytest

from graph_loader.load import load_path
from graph_loader.runs import latest_run, runs
from graph_loader.stores import open_store
from journey.synthetic import generate, write_population
from tests.paths import ROOT

# Loads PATH into URL in batches of 50 rows and is killed after N batches of contacts.
KILLED_LOAD = """
import os, signal, sys
from graph_loader.load import load_path
from graph_loader.stores import open_store

data, url, rejects, after = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
written = []

def progress(name, done, total):
    if name == "contacts.csv":
        written.append(done)
        if len(written) == after:
            os.kill(os.getpid(), signal.SIGKILL)

load_path(data, open_store(url), rejects_dir=rejects, progress=progress, batch_rows=50)
"""


def _environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _without_loads(counts: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in counts.items() if k != "loads"}


@pytest.fixture(scope="module")
def population(tmp_path_factory):
    data = tmp_path_factory.mktemp("killed") / "data"
    write_population(generate(60, seed=11), data)
    return data


@pytest.mark.slow
def test_a_killed_load_shows_unfinished_and_a_rerun_converges_to_a_clean_load(
    population, tmp_path
):
    clean = open_store(f"sqlite:///{tmp_path / 'clean.db'}")
    load_path(population, clean, rejects_dir=tmp_path)
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_LOAD, str(population), url, str(tmp_path), "5"],
        env=_environment(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    store = open_store(url, create=False)
    # Five batches of 50 contact rows were committed, and the run says it did not finish.
    assert store.counts()["contact_rows"] == 250 < clean.counts()["contact_rows"]
    (run,) = runs(store)
    assert not run.finished and run.files["finished_at"].isna().all()
    assert run.total("rows_in") == sum(clean.loads()["rows_in"])
    pd.testing.assert_frame_equal(store.contacts(), store._table_contacts(list(
        store.contacts().columns)))  # no stale snapshot: reads see the 250 rows  # fmt: skip

    load_path(population, store, rejects_dir=tmp_path)
    assert _without_loads(store.counts()) == _without_loads(clean.counts())
    pd.testing.assert_frame_equal(store.contacts(), clean.contacts())
    pd.testing.assert_frame_equal(store.people(), clean.people())
    pd.testing.assert_frame_equal(store.lead_periods(), clean.lead_periods())
    assert [r.finished for r in runs(store)] == [True, False]
    assert latest_run(store).run_id == 2
    store.close()
    clean.close()


def test_an_empty_store_has_no_runs(fresh_store):
    assert runs(fresh_store) == [] and latest_run(fresh_store) is None
