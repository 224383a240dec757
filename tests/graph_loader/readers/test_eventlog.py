"""Event logs load as families: the receipt log (CSV and XES) and small logs written here.

``tests/data/receipt.csv.gz`` and ``tests/data/receipt.xes.gz`` are the same
public log (the WABO receipt phase, 8,577 events in 1,434 cases; see
tests/data/README.md). Both load through ``journey load --format eventlog``'s
library call, and the store's pathways equal a count made here with plain
pandas from the raw file, independently of the loader.
"""

from __future__ import annotations

import pandas as pd
import pytest

from graph_loader.load import load_path
from graph_loader.readers import EventLogColumns, Mapping, ReadOptions
from graph_loader.stores import open_store
from journey.errors import MappingError
from journey.pathways import pathways, variants
from journey.taxonomy import default_taxonomy
from journey.validation import parse_times
from tests.paths import DATA

EVENTS, CASES = 8_577, 1_434
RECEIPT = ReadOptions(
    format="eventlog",
    eventlog=EventLogColumns(case="case:concept:name", agency="org:group",
                             contact_type="concept:name", occurred_at="time:timestamp"),
)  # fmt: skip


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """The receipt log, CSV and XES, each loaded into its own store: (report, contacts)."""
    folder = tmp_path_factory.mktemp("receipt")
    result = {}
    for name in ("receipt.csv.gz", "receipt.xes.gz"):
        store = open_store(f"sqlite:///{folder / (name + '.db')}")
        try:
            report = load_path(DATA / name, store, rejects_dir=folder, reading=RECEIPT)
            result[name] = (report, store.contacts(), store.counts())
        finally:
            store.close()
    return result


@pytest.mark.parametrize("name", ["receipt.csv.gz", "receipt.xes.gz"])
def test_the_receipt_log_loads_whole(loaded, name):
    report, contacts, counts = loaded[name]
    file_report = report.files[0]
    assert (file_report.rows_in, file_report.loaded, file_report.rejected) == (EVENTS, EVENTS, 0)
    # A case is a family and its one person (a contacts file alone writes no people rows).
    assert counts["families"] == CASES == contacts["person_id"].nunique()
    assert counts["contact_rows"] == counts["contacts"] == EVENTS
    assert contacts["contact_id"].str.fullmatch(r"case-\d+:\d{6}").all()
    assert (contacts["person_id"] == contacts["family_id"]).all()


def _independent_pathways() -> pd.Series:
    """Directly-follows counts between groups, from the raw CSV with plain pandas."""
    raw = pd.read_csv(DATA / "receipt.csv.gz", dtype=str, keep_default_na=False)
    agency, _, _ = default_taxonomy().normalise_agencies(raw["org:group"])
    frame = pd.DataFrame({"case": raw["case:concept:name"], "agency": agency,
                          "at": parse_times(raw["time:timestamp"]), "row": range(len(raw))})
    frame = frame.sort_values(["case", "at", "row"])  # fmt: skip
    frame["next"] = frame.groupby("case")["agency"].shift(-1)
    pairs = frame.dropna(subset=["next"])
    return pairs.value_counts(["agency", "next"]).rename("transitions").sort_index()


@pytest.mark.parametrize("name", ["receipt.csv.gz", "receipt.xes.gz"])
def test_pathways_of_the_store_equal_an_independent_count(loaded, name):
    expected = _independent_pathways()
    found = pathways(loaded[name][1]).set_index(["from_agency", "to_agency"])["transitions"]
    found.index.names = expected.index.names
    pd.testing.assert_series_equal(found.sort_index(), expected)
    assert found.sum() == EVENTS - CASES


def test_the_csv_and_the_xes_give_the_same_journeys(loaded):
    csv_contacts = loaded["receipt.csv.gz"][1].drop(columns="source_system")
    xes_contacts = loaded["receipt.xes.gz"][1].drop(columns="source_system")
    pd.testing.assert_frame_equal(csv_contacts, xes_contacts)
    assert variants(csv_contacts).equals(variants(xes_contacts))


def test_a_small_csv_log_with_other_column_names(tmp_path, fresh_store):
    path = tmp_path / "log.csv"
    path.write_text(
        "Case;Team;Activity;When\n"
        "A1;Police;incident;02/03/2021 10:00\n"
        "A2;School;exclusion;01/03/2021 09:00\n"
        "A1;School;absence;02/03/2021 10:00\n"  # same time as A1's first: file order
        ";GP;appointment;03/03/2021 09:00\n"  # no case: C102
    )
    reading = ReadOptions(
        format="eventlog",
        eventlog=EventLogColumns(case="Case", agency="Team", contact_type="Activity",
                                 occurred_at="When"),
        mapping=Mapping(date_format="%d/%m/%Y %H:%M", system="case-system"),
    )  # fmt: skip
    report = load_path(path, fresh_store, rejects_dir=tmp_path, reading=reading)
    assert [(f.rows_in, f.loaded, f.rejected) for f in report.files] == [(4, 3, 1)]
    stored = fresh_store.contacts().sort_values("contact_id")
    assert stored[["contact_id", "family_id", "agency", "source_system"]].values.tolist() == [
        ["A1:000001", "A1", "Police", "case-system"],
        ["A1:000002", "A1", "School", "case-system"],
        ["A2:000001", "A2", "School", "case-system"],
    ]
    assert pathways(stored)[["from_agency", "to_agency"]].values.tolist() == [["Police", "School"]]


def test_a_mapping_may_not_remap_what_the_eventlog_options_set(tmp_path, fresh_store):
    path = tmp_path / "log.csv"
    path.write_text("case:concept:name,org:group,concept:name,time:timestamp\nA,B,C,2021-01-01\n")
    reading = ReadOptions(format="eventlog", mapping=Mapping(columns={"agency": "concept:name"}))
    with pytest.raises(MappingError, match="maps agency, which --format eventlog sets already"):
        load_path(path, fresh_store, reading=reading)
