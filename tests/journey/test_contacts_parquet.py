"""The Parquet export of contacts: the store's rows back exactly, every family in one file."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from graph_loader.stores import open_store
from journey.contacts_parquet import (
    MANIFEST,
    family_groups,
    read_contacts_parquet,
    read_manifest,
    write_contacts_parquet,
)
from journey.errors import InputError, OutputError
from tests.builders import synthetic_store


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store of 300 synthetic families, loaded as `journey load` loads them."""
    store = synthetic_store(tmp_path_factory.mktemp("parquet"), 300, 5)
    yield store
    store.close()


@pytest.fixture(scope="module")
def export(store, tmp_path_factory):
    return write_contacts_parquet(store, tmp_path_factory.mktemp("out") / "contacts", partitions=7)


def test_the_files_read_in_turn_are_the_stores_contacts_row_for_row(store, export):
    back = read_contacts_parquet(export.path)
    pd.testing.assert_frame_equal(back, store.contacts(), check_exact=True)
    assert export.rows == len(back) == store.counts()["contact_rows"]


def test_every_family_lies_in_exactly_one_file(store, export):
    files = {name: pq.read_table(export.path / name).to_pandas() for name in export.files}
    assert len(files) == 7
    owners = pd.concat([frame[["family_id"]].drop_duplicates().assign(file=name)
                        for name, frame in files.items()])  # fmt: skip
    assert owners["family_id"].is_unique
    assert set(owners["family_id"]) == set(store.contacts()["family_id"])
    # Groups of equal count: 7 groups of the families differ by at most one family.
    sizes = owners.groupby("file").size()
    assert sizes.max() - sizes.min() <= 1


def test_the_manifest_says_what_each_file_holds(store, export):
    manifest = json.loads((export.path / MANIFEST).read_text())
    assert manifest == read_manifest(export.path)
    assert manifest["identified"] is True and manifest["partition_by"] == "family_id"
    assert manifest["store_counts"] == store.counts()
    assert manifest["families"] == export.families == store.contacts()["family_id"].nunique()
    for listed in manifest["files"]:
        frame = pq.read_table(export.path / listed["file"]).to_pandas()
        assert listed["rows"] == len(frame)
        assert listed["families"] == frame["family_id"].nunique()
        assert (listed["first_family"], listed["last_family"]) == (
            frame["family_id"].min(), frame["family_id"].max())
    lasts = [f["last_family"] for f in manifest["files"]]
    firsts = [f["first_family"] for f in manifest["files"]]
    assert all(last < first for last, first in zip(lasts, firsts[1:], strict=False))


def test_groups_are_ranges_of_families_in_id_order():
    # Five families, in no order; two groups: the first three ids, then the last two.
    ids = pd.Series(["F5", "F1", "F3", "F1", "F2", "F4", "F5"])
    assert family_groups(ids, 2).tolist() == [1, 0, 0, 0, 0, 1, 1]
    assert family_groups(ids, 1).tolist() == [0] * 7
    assert family_groups(ids, 99).tolist() == [4, 0, 2, 0, 1, 3, 4]
    with pytest.raises(InputError):
        family_groups(ids, 0)


def test_a_folder_already_holding_files_is_refused(store, tmp_path):
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(OutputError, match="not a new or empty folder"):
        write_contacts_parquet(store, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["old.txt"]


def test_an_empty_store_and_a_folder_without_a_manifest_are_input_errors(tmp_path):
    empty = open_store(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        with pytest.raises(InputError, match="no contacts"):
            write_contacts_parquet(empty, tmp_path / "out")
    finally:
        empty.close()
    with pytest.raises(InputError, match="no Parquet export of contacts here"):
        read_manifest(tmp_path)
