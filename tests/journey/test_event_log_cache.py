"""The prepared event log kept per contacts frame: reused only while its data is the same."""

import gc

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journey import event_log_cache
from journey.event_log import PreparedContacts, prepare
from journey.event_log_cache import factorize, forget_prepared, object_addresses, prepared_frames
from journey.pathways import pathway_ends, pathways, variants
from tests.journey.test_pathways import populations

ANALYSES = (pathways, variants, pathway_ends)


@pytest.fixture(autouse=True)
def _nothing_kept():
    forget_prepared()
    yield
    forget_prepared()


def frame_of(days: list[int], agencies: list[str], families: list[str] | None = None):
    """One contact a row: ``c0``, ``c1``, ... on 2021-01-01 plus ``days``."""
    n = len(days)
    return pd.DataFrame({
        "contact_id": [f"c{i}" for i in range(n)],
        "person_id": [f"p{i % 2}" for i in range(n)],
        "family_id": families or ["F1"] * n,
        "agency": agencies,
        "occurred_at": pd.Timestamp("2021-01-01") + pd.to_timedelta(days, unit="D"),
    })  # fmt: skip


def uncached(function, frame: pd.DataFrame) -> pd.DataFrame:
    """The analysis from a preparation of its own (nothing shared with any other call)."""
    return function(PreparedContacts(frame))


def assert_as_if_fresh(frame: pd.DataFrame) -> None:
    for function in ANALYSES:
        pd.testing.assert_frame_equal(function(frame), uncached(function, frame))


def test_a_second_analysis_of_a_frame_reuses_its_preparation():
    frame = frame_of([0, 2, 12], ["Police", "Police", "School"])
    first = prepare(frame)
    assert prepare(frame).agency_journeys is first.agency_journeys
    assert prepare(frame).families is first.families
    # Police -> Police after 2 days, Police -> School after 10 (worked by hand).
    assert pathways(frame)[["from_agency", "to_agency", "median_days"]].values.tolist() == [
        ["Police", "Police", 2.0], ["Police", "School", 10.0]]  # fmt: skip
    pd.testing.assert_frame_equal(pathways(frame), uncached(pathways, frame))
    assert prepared_frames() == 1


def test_assigning_a_column_is_seen():
    frame = frame_of([0, 2, 12], ["Police", "Police", "School"])
    before = prepare(frame).agency_journeys
    frame["agency"] = ["GP", "Police", "School"]
    assert prepare(frame).agency_journeys is not before
    assert variants(frame)["variant"].tolist() == ["GP → Police → School"]
    assert_as_if_fresh(frame)


@pytest.mark.parametrize(
    "edit",
    [
        lambda f: f.loc.__setitem__((1, "agency"), "GP"),
        lambda f: f.iloc.__setitem__((2, 3), "GP"),  # column 3 is agency
        lambda f: f.at.__setitem__((0, "occurred_at"), pd.Timestamp("2021-02-01")),
        lambda f: f.loc.__setitem__((2, "family_id"), "F2"),
        lambda f: f.loc.__setitem__(([0, 1], "agency"), ["School", "Police"]),
    ],
    ids=["loc agency", "iloc agency", "at time", "loc family", "swap two agencies"],
)
def test_editing_values_in_place_is_seen(edit):
    frame = frame_of([0, 2, 12], ["Police", "School", "School"])
    before = variants(frame)
    edit(frame)
    after = variants(frame)
    assert not after.equals(before)
    assert_as_if_fresh(frame)


def test_a_new_object_at_a_freed_address_is_not_taken_for_the_old_one():
    # Two contacts at one time are ordered by contact id. Replacing an id frees
    # its object unless something holds it; a new id may then be allocated at
    # its address. The kept copy holds the original, so that cannot happen.
    frame = frame_of([0, 0], ["School", "Police"])  # c0 School, then c1 Police
    assert variants(frame)["variant"].tolist() == ["School → Police"]
    address = id(frame.loc[0, "contact_id"])
    frame.loc[0, "contact_id"] = "x"
    tried = []
    for _ in range(1000):
        replacement = "".join(["c", "9"])  # now after c1
        if id(replacement) == address:
            break
        tried.append(replacement)  # held, so that the next one lands elsewhere
    frame.loc[0, "contact_id"] = replacement
    assert variants(frame)["variant"].tolist() == ["Police → School"]
    assert_as_if_fresh(frame)


def test_rows_added_or_columns_renamed_are_seen():
    frame = frame_of([0, 1], ["Police", "School"])
    pathways(frame)
    frame.loc[2] = ["c2", "p0", "F1", "GP", pd.Timestamp("2021-01-03")]
    assert pathways(frame)["transitions"].sum() == 2
    frame.rename(columns={"person_id": "family_id", "family_id": "person_id"}, inplace=True)
    assert variants(frame)["families"].sum() == 2  # families are now p0 and p1
    assert_as_if_fresh(frame)


def test_different_frames_never_share_an_entry():
    frame = frame_of([0, 1], ["Police", "School"])
    twin = frame.copy()
    assert prepare(frame).families is not prepare(twin).families
    twin.loc[0, "agency"] = "GP"
    assert variants(frame)["variant"].tolist() == ["Police → School"]
    assert variants(twin)["variant"].tolist() == ["GP → School"]
    assert prepared_frames() == 2


def test_a_collected_frame_takes_its_entry_and_a_new_frame_starts_afresh():
    for agency in ("Police", "School", "GP"):
        # Each frame may well reuse the address (the id) of the one before.
        frame = frame_of([0, 1], [agency, "CAMHS"])
        assert variants(frame)["variant"].tolist() == [f"{agency} → CAMHS"]
        del frame
        gc.collect()
        assert prepared_frames() == 0


def test_only_the_frames_used_last_are_kept_and_forgetting_frees_them():
    most = event_log_cache.MOST_FRAMES
    frames = [frame_of([0, 1], ["Police", "School"]) for _ in range(most + 1)]
    first = prepare(frames[0]).families
    for frame in frames[1:]:
        assert len(prepare(frame).families) == 2
    assert prepared_frames() == most
    assert prepare(frames[0]).families is not first  # the oldest was dropped
    kept = prepare(frames[-1]).families
    forget_prepared(frames[-1])
    assert prepare(frames[-1]).families is not kept
    forget_prepared()
    assert prepared_frames() == 0


def test_kept_arrays_are_read_only_and_the_frame_stays_editable():
    frame = frame_of([0, 1], ["Police", "School"])
    journeys = prepare(frame).agency_journeys
    with pytest.raises(ValueError, match="read-only"):
        journeys.agency[0] = 1
    frame.loc[0, "agency"] = "GP"  # the frame's own arrays are never frozen
    assert prepare(frame).agency_journeys.agencies.tolist() == ["GP", "School"]


edits = st.lists(
    st.tuples(st.sampled_from(["agency", "family_id", "contact_id", "occurred_at"]),
              st.integers(0, 10**6), st.integers(0, 3)),
    max_size=4,
)  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(populations(), edits)
def test_results_equal_a_fresh_preparation_after_any_edits(frame, changes):
    frame = frame.reset_index(drop=True)
    values = {"agency": ["Police", "GP", "School", "Early Help"], "family_id": ["F0", "F1", "F9"],
              "contact_id": ["c1", "c2", "z"],
              "occurred_at": list(pd.to_datetime(["2021-01-01", "2021-01-03", "2020-12-31"]))}
    assert_as_if_fresh(frame)
    for column, row, choice in changes:
        options = values[column]
        frame.loc[row % len(frame), column] = options[choice % len(options)]
        assert_as_if_fresh(frame)


# -- coding text by object identity -----------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["F1", "F2", "F10", None, "", "é"]), min_size=1, max_size=40),
       st.integers(1001, 3000), st.booleans(), st.booleans())  # fmt: skip
def test_factorize_by_identity_equals_pandas(pool, rows, sort, copies):
    # Shared objects (the fast path), and now and then a distinct object of an
    # equal value, which must get the same code.
    rng = np.random.default_rng(rows)
    objects = np.array(pool, dtype=object)
    values = objects[rng.integers(0, len(objects), rows)]
    if copies:
        for i in rng.integers(0, rows, 20):
            values[i] = None if values[i] is None else "".join(list(values[i]))
    codes, uniques = factorize(values, sort=sort)
    expected_codes, expected_uniques = pd.factorize(values, sort=sort)
    if sort:
        assert codes.tolist() == expected_codes.tolist()
        assert uniques.tolist() == list(expected_uniques)
    else:  # the same grouping, codes in another order
        assert uniques[codes[codes >= 0]].tolist() == values[codes >= 0].tolist()
        assert ((codes < 0) == (expected_codes < 0)).all()
        assert sorted(uniques.tolist()) == sorted(expected_uniques.tolist())


def test_object_addresses_tell_objects_apart_not_values():
    police = "Police"
    other = "".join(["Pol", "ice"])  # equal, but another object
    values = np.array([police, police, other], dtype=object)
    addresses = object_addresses(values)
    assert addresses.tolist() == [id(police), id(police), id(other)]
    assert object_addresses(values[::2]).tolist() == [id(police), id(other)]  # strided view
    with pytest.raises(TypeError):
        object_addresses(np.arange(3))
