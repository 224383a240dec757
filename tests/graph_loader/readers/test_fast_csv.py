"""The CSV reader's fast path (pandas) gives exactly what its record loop gives, or steps aside."""

from __future__ import annotations

import string
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_loader.readers.csv_reader import read_csv
from graph_loader.readers.fast_csv import plain_table

CELL = st.text(alphabet=string.ascii_letters + string.digits + " .-£éë:/'", max_size=8)


def both(path: Path, **options) -> tuple:
    return read_csv(path, **options), read_csv(path, fast=False, **options)


def assert_same(path: Path, **options) -> None:
    fast, loop = both(path, **options)
    pd.testing.assert_frame_equal(fast.frame, loop.frame)
    pd.testing.assert_frame_equal(fast.rejects, loop.rejects)
    assert (fast.encoding, fast.delimiter, fast.warnings) == (
        loop.encoding, loop.delimiter, loop.warnings
    )  # fmt: skip


@given(
    rows=st.lists(st.lists(CELL, min_size=3, max_size=3), max_size=12),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    ending=st.sampled_from(["\n", "\r\n"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_plain_files_read_the_same_both_ways(rows, delimiter, ending, encoding):
    text = ending.join(delimiter.join(r) for r in [["id", "agency", "when"], *rows]) + ending
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "contacts.csv"
        path.write_bytes(text.encode(encoding))
        assert_same(path)


@pytest.mark.parametrize(
    "text",
    [
        "id,n\nc1,1\n",  # plain: the fast path
        'id,n\nc1,"1"\n',  # a quote
        "id,n\nc1,1\n\nc2,2\n",  # a blank line
        "id,n\nc1\nc2,2\n",  # a short record
        "id,n\nc1,1,9\n",  # a long record
        "id,n\nc1,1\nid,n\n",  # the header again
        "id,n\nc1,1\rc2,2\r",  # bare carriage returns
        "id,n\nc1,1",  # no newline at the end
        "id,n\nc\x001,1\n",  # a NUL byte
    ],
)
def test_other_files_read_the_same_both_ways(tmp_path, text):
    path = tmp_path / "contacts.csv"
    path.write_bytes(text.encode())
    assert_same(path)


def test_only_plain_files_take_the_fast_path():
    header = ["id", "n"]
    assert plain_table(b"id,n\nc1,1\rc2,2\n", "utf-8", ",", header) is None  # a bare CR
    assert plain_table(b'id,n\nc1,"1"\n', "utf-8", ",", header) is None
    assert plain_table(b"id,n\nc1\n", "utf-8", ",", header) is None
    assert plain_table(b"id,n\nc1,1\n", "utf-16", ",", header) is None
    frame = plain_table(b"id,n\nc1,1\nc2,\n", "utf-8", ",", header)
    assert frame.values.tolist() == [["c1", "1", 2], ["c2", "", 3]]
