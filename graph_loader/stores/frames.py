"""Stored result frames as text, the same for every store: pandas' table-oriented JSON.

The table orient keeps each column's type (ints, floats with NaN, bools,
dates, lists of evidence ids), so a frame reads back equal to the frame saved.
"""

from __future__ import annotations

from io import StringIO

import pandas as pd

__all__ = ["encode_frame", "decode_frame"]


def encode_frame(frame: pd.DataFrame) -> str:
    """A result frame as JSON text (its index is dropped).

    Examples
    --------
    >>> frame = pd.DataFrame({"family_id": ["F1"], "at": pd.to_datetime(["2021-05-01"])})
    >>> decode_frame(encode_frame(frame)).equals(frame)
    True
    """
    return frame.reset_index(drop=True).to_json(orient="table", date_format="iso")


def decode_frame(text: str) -> pd.DataFrame:
    """The frame :func:`encode_frame` wrote, with naive (London wall-clock) times."""
    frame = pd.read_json(StringIO(text), orient="table")
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            frame[column] = frame[column].dt.tz_localize(None)
    return frame
