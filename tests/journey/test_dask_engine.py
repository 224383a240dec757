"""The Dask engine: the same results as the single-machine run, file for file and frame for frame.

A synthetic population of 2,500 families is analysed once on one machine and
once on a local Dask cluster of two workers; every file ``journey analyse``
writes is compared byte for byte (the run's time and creation stamp aside),
and every stored result frame cell for cell.
"""

from __future__ import annotations

import json
import sys

import pandas as pd
import pytest

from journey.analysis import analyse, analyse_store, analysis_inputs, family_part
from journey.contacts_parquet import write_contacts_parquet
from journey.contract import ANALYSED_CONTACT_COLUMNS
from journey.dask_engine import (
    DASK_MISSING,
    DaskEngine,
    EngineError,
    analyse_parquet,
    cluster_client,
    combine_family_parts,
)
from journey.errors import InputError
from journey.outputs import write_outputs
from tests.builders import synthetic_store

# What differs between any two runs, even two on one machine: when they ran and how long.
RUN_STAMPS = ("created_at", "run_seconds", "step_seconds")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = synthetic_store(tmp_path_factory.mktemp("dask"), 2500, 11)
    yield store
    store.close()


@pytest.fixture(scope="module")
def runs(store, tmp_path_factory):
    """The single-machine run and the Dask run of the store, each written and stored."""
    out = tmp_path_factory.mktemp("runs")
    local = analyse_store(store)
    write_outputs(local, out / "local", evidence=True)
    local_stored = {name: store.result(name) for name in local.frames}
    local_meta = store.results_meta()
    dask_run = analyse_store(store, engine=DaskEngine(workers=2, processes=False))
    write_outputs(dask_run, out / "dask", evidence=True)
    dask_stored = {name: store.result(name) for name in dask_run.frames}
    return {
        "local": local, "dask": dask_run, "out": out,
        "stored": (local_stored, dask_stored), "meta": (local_meta, store.results_meta()),
    }  # fmt: skip


def _without_stamps(summary: dict) -> dict:
    return {key: value for key, value in summary.items() if key not in RUN_STAMPS}


def test_the_population_is_the_size_asked_for(runs):
    counts = runs["local"].summary["counts"]
    assert counts["families"] > 2000 and counts["contact_rows"] > 50_000
    assert counts["high_contact_families"] > 0 and counts["eligible_families"] > 0


def test_every_csv_file_is_byte_identical(runs):
    local, dask_out = runs["out"] / "local", runs["out"] / "dask"
    names = sorted(path.name for path in local.glob("*.csv"))
    assert "uncoordinated_contacts.csv" in names and "pathways.csv" in names
    assert names == sorted(path.name for path in dask_out.glob("*.csv"))
    different = [n for n in names if (local / n).read_bytes() != (dask_out / n).read_bytes()]
    assert different == []


def test_summary_and_report_are_identical_but_for_when_and_how_long(runs):
    local, dask_out = runs["out"] / "local", runs["out"] / "dask"
    summaries = [json.loads((folder / "summary.json").read_text()) for folder in (local, dask_out)]
    assert _without_stamps(summaries[0]) == _without_stamps(summaries[1])
    assert list(summaries[0]) == list(summaries[1])  # the keys in the same order
    assert "cluster" in summaries[1]["step_seconds"]
    reports = [(folder / "report.md").read_text().splitlines() for folder in (local, dask_out)]
    stamped = [i for i, line in enumerate(reports[0]) if line.startswith("Run at ")]
    assert len(stamped) == 1
    del reports[0][stamped[0]], reports[1][stamped[0]]
    assert reports[0] == reports[1]


def test_the_stored_results_are_equal(runs):
    local_stored, dask_stored = runs["stored"]
    assert list(local_stored) == list(dask_stored) and len(local_stored) > 10
    for name, frame in local_stored.items():
        pd.testing.assert_frame_equal(frame, dask_stored[name], check_exact=True, obj=name)
    local_meta, dask_meta = runs["meta"]
    assert _without_stamps(local_meta) == _without_stamps(dask_meta)


def test_the_run_frames_and_evidence_are_equal_cell_for_cell(runs):
    local, dask_run = runs["local"], runs["dask"]
    for name, frame in local.frames.items():
        pd.testing.assert_frame_equal(frame, dask_run.frames[name], check_exact=True, obj=name)
    for name, frame in local.evidence.items():
        pd.testing.assert_frame_equal(frame, dask_run.evidence[name], check_exact=True, obj=name)


@pytest.mark.slow
def test_worker_processes_give_the_same_results(store, runs, tmp_path):
    """Workers in their own processes: the tasks' inputs and results cross as pickles."""
    export = write_contacts_parquet(store, tmp_path / "contacts", partitions=5)
    with cluster_client(workers=2, processes=True) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        run = analyse_parquet(export.path, store.people(), store.families(),
                              store.lead_periods(), client=client)  # fmt: skip
    for name, frame in runs["local"].frames.items():
        pd.testing.assert_frame_equal(frame, run.frames[name], check_exact=True, obj=name)


# -- putting groups together, on hand-built families -------------------------------------


def _contacts(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["contact_id", "person_id", "family_id", "agency",
                                        "contact_type", "occurred_at"])  # fmt: skip
    return frame.assign(
        occurred_at=pd.to_datetime(frame["occurred_at"]), referred_by=None,
        sector=frame["agency"].map({"Police": "police", "School": "education", "GP": "health"}),
    )[ANALYSED_CONTACT_COLUMNS]  # fmt: skip


FAMILIES = _contacts([
    ("c1", "p1", "F1", "Police", "domestic_incident", "2021-01-04"),
    ("c2", "p2", "F1", "School", "exclusion", "2021-01-11"),
    ("c3", "p3", "F2", "GP", "appointment", "2021-02-01"),
    ("c4", "p4", "F3", "School", "school_absence", "2021-03-01"),
    ("c5", "p4", "F3", "Police", "domestic_incident", "2021-03-02"),
    ("c6", "p5", "F3", "GP", "appointment", "2021-03-20"),
])  # fmt: skip


def test_groups_of_whole_families_put_together_are_the_whole_population():
    whole = family_part(analysis_inputs(FAMILIES))
    groups = [FAMILIES[FAMILIES["family_id"] == "F1"],
              FAMILIES[FAMILIES["family_id"].isin(["F2", "F3"])]]  # fmt: skip
    combined = combine_family_parts([family_part(analysis_inputs(g)) for g in groups])
    assert list(combined) == list(whole) == ["high_contact", "uncoordinated", "eligibility",
                                             "escalated"]  # fmt: skip
    for name in ("high_contact", "uncoordinated", "eligibility"):
        for field in ("families", "people", "contacts"):
            if hasattr(whole[name], field):
                pd.testing.assert_frame_equal(getattr(whole[name], field),
                                              getattr(combined[name], field), check_exact=True)
        assert whole[name].params == combined[name].params
    assert combined["escalated"] == whole["escalated"]
    # By hand: F1 and F3 each have contacts with two agencies within 30 days (uncoordinated).
    families = combined["uncoordinated"].families
    assert families["family_id"].tolist() == ["F1", "F2", "F3"]
    assert families["uncoordinated"].tolist() == [1, 0, 2]


def test_people_of_several_groups_come_back_in_person_order():
    # p9 in the first group sorts after p1 of the second.
    first = _contacts([("a1", "p9", "F1", "Police", "incident", "2021-01-01")])
    second = _contacts([("b1", "p1", "F2", "GP", "appointment", "2021-01-02")])
    combined = combine_family_parts([family_part(analysis_inputs(g)) for g in (first, second)])
    assert combined["high_contact"].people["person_id"].tolist() == ["p1", "p9"]
    assert combined["high_contact"].people["family_id"].tolist() == ["F2", "F1"]


def test_a_person_in_two_groups_cannot_be_analysed_apart():
    first = _contacts([("a1", "p1", "F1", "Police", "incident", "2021-01-01")])
    second = _contacts([("b1", "p1", "F2", "GP", "appointment", "2021-01-02")])
    with pytest.raises(InputError, match="person p1 has contacts in more than one family"):
        combine_family_parts([family_part(analysis_inputs(g)) for g in (first, second)])
    with pytest.raises(InputError, match="no contacts"):
        combine_family_parts([])


def test_the_hand_built_families_through_a_cluster_equal_analyse(tmp_path):
    class Frames:  # the one store method the export reads, and counts for its manifest
        url = "memory"

        def contacts(self):
            return FAMILIES.assign(service=None, source_system=None)

        def counts(self):
            return {"contact_rows": len(FAMILIES)}

    export = write_contacts_parquet(Frames(), tmp_path / "contacts", partitions=2)
    assert export.files == ("part-00000.parquet", "part-00001.parquet")
    with cluster_client(workers=1, processes=False) as client:
        run = analyse_parquet(export.path, client=client)
    expected = analyse(FAMILIES)
    for name, frame in expected.frames.items():
        pd.testing.assert_frame_equal(frame, run.frames[name], check_exact=True, obj=name)


# -- errors ------------------------------------------------------------------------------


def test_an_unreachable_scheduler_is_one_engine_error():
    with pytest.raises(EngineError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        with cluster_client("tcp://127.0.0.1:9", timeout_seconds=1):
            pass


def test_without_dask_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # the import fails
    with pytest.raises(EngineError) as raised:
        with cluster_client():
            pass
    assert str(raised.value) == DASK_MISSING and "pip install journey-graph[dask]" in DASK_MISSING


def test_an_export_of_other_contacts_than_the_stores_is_refused(store, tmp_path):
    export = write_contacts_parquet(store, tmp_path / "contacts", partitions=2)
    manifest = export.path / "manifest.json"
    written = json.loads(manifest.read_text())
    written["store_counts"]["contact_rows"] += 1
    manifest.write_text(json.dumps(written))
    engine = DaskEngine(workers=1, processes=False, parquet=export.path)
    with pytest.raises(InputError, match="exported when the store held other contacts"):
        engine(store)
