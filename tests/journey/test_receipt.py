"""Pathways on a real public-service event log agree with process-mining counts.

``receipt.csv`` (the WABO receipt phase of a Dutch municipality, 8,577 events
in 1,434 cases, redistributed with pm4py's test data) is read as families:
each case is a family (and its one person), each ``org:group`` an agency and
each ``concept:name`` a contact type. Contact ids are zero-padded row numbers,
so events at the same time keep the file's order, as process-mining tools do.
The expected counts come from a few lines of plain pandas written here.
"""

from __future__ import annotations

import pandas as pd
import pytest

from journey.pathways import pathway_ends, pathways, variants
from journey.taxonomy import default_taxonomy
from journey.validation import parse_times
from tests.paths import DATA

RECEIPT = DATA / "receipt.csv.gz"
EVENTS, CASES = 8_577, 1_434


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    raw = pd.read_csv(RECEIPT, dtype=str, keep_default_na=False)
    taxonomy = default_taxonomy()
    agency, sector, _ = taxonomy.normalise_agencies(raw["org:group"])
    return pd.DataFrame(
        {
            "contact_id": [f"{i:06d}" for i in range(len(raw))],
            "person_id": raw["case:concept:name"],
            "family_id": raw["case:concept:name"],
            "agency": agency,
            "sector": sector,
            "contact_type": raw["concept:name"].map(taxonomy.normalise_contact_type),
            "occurred_at": parse_times(raw["time:timestamp"]),
            "referred_by": None,
            "service": None,
            "source_system": "receipt.csv",
        }
    )


@pytest.fixture(scope="module")
def ordered(log) -> pd.DataFrame:
    """The log sorted by case, time and row, with each event's successor in its case."""
    frame = log.assign(row=range(len(log))).sort_values(["family_id", "occurred_at", "row"])
    following = frame.groupby("family_id")
    return frame.assign(
        next_agency=following["agency"].shift(-1), next_at=following["occurred_at"].shift(-1)
    )


def test_the_log_reads_whole(log):
    assert len(log) == EVENTS
    assert log["family_id"].nunique() == CASES
    assert log["occurred_at"].notna().all()
    # Unknown group names are kept as written, in sector "other".
    assert set(log.loc[log["agency"] == "EMPTY", "sector"]) == {"other"}


def test_pathways_match_plain_pandas_counts(log, ordered):
    pairs = ordered.dropna(subset=["next_agency"])
    expected = pairs.value_counts(["agency", "next_agency"]).rename("transitions")
    found = pathways(log).set_index(["from_agency", "to_agency"])["transitions"]
    found.index.names = expected.index.names
    pd.testing.assert_series_equal(found.sort_index(), expected.sort_index())
    assert found.sum() == EVENTS - CASES

    families = pairs.groupby(["agency", "next_agency"])["family_id"].nunique()
    days = (pairs["next_at"] - pairs["occurred_at"]) / pd.Timedelta(days=1)
    median = days.groupby([pairs["agency"], pairs["next_agency"]]).median()
    table = pathways(log).set_index(["from_agency", "to_agency"])
    assert table["families"].sort_index().tolist() == families.sort_index().tolist()
    assert table["median_days"].sort_index().tolist() == pytest.approx(
        median.sort_index().tolist(), rel=1e-12
    )


def test_variants_match_plain_pandas_counts(log, ordered):
    sequences = ordered.groupby("family_id", sort=False)["agency"].agg(" → ".join)
    expected = sequences.value_counts()
    found = variants(log).set_index("variant")["families"]
    assert found.to_dict() == expected.to_dict()
    assert found.sum() == CASES


def test_starts_and_ends_match_plain_pandas_counts(log, ordered):
    firsts = ordered.groupby("family_id")["agency"].first().value_counts()
    lasts = ordered.groupby("family_id")["agency"].last().value_counts()
    ends = pathway_ends(log).set_index("agency")
    assert ends["starts"][ends["starts"] > 0].to_dict() == firsts.to_dict()
    assert ends["ends"][ends["ends"] > 0].to_dict() == lasts.to_dict()


def test_wall_clock_order_is_the_instant_order_here(log):
    # Frames hold London wall-clock time; process-mining tools order by the
    # instant. Across this log's daylight-saving changes both orders agree,
    # so the counts above are the tools' counts.
    raw = pd.read_csv(RECEIPT, dtype=str, keep_default_na=False)
    instant = pd.to_datetime(raw["time:timestamp"], format="ISO8601", utc=True)
    frame = log.assign(row=range(len(log)), instant=instant.to_numpy())
    by_wall_clock = frame.sort_values(["family_id", "occurred_at", "row"])["row"].tolist()
    by_instant = frame.sort_values(["family_id", "instant", "row"])["row"].tolist()
    assert by_wall_clock == by_instant
