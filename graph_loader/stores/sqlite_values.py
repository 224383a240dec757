"""How the embedded store's values travel: times as text, rows as named parameters, columns
read back from one joined string each (see the query ``select_contact_columns``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd

from graph_loader.stores.sqlite_schema import NULLABLE_CONTACT_COLUMNS
from journey.store import LoadRecord
from journey.times import time_strings

__all__ = ["TIME_FORMAT", "time_text", "parse_time_text", "with_times", "records", "load_line",
           "split_columns"]  # fmt: skip

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def time_text(values: pd.Series) -> pd.Series:
    """Times as sortable text (``YYYY-MM-DD HH:MM:SS``, wall-clock time); NaT becomes None.

    Formatted by numpy: ``strftime`` takes more than twice as long over a million times.

    Examples
    --------
    >>> time_text(pd.Series(pd.to_datetime(["2021-03-01 22:30:15.7", None]))).tolist()
    ['2021-03-01 22:30:15', None]
    """
    times = pd.to_datetime(values)
    if times.dt.tz is not None:
        times = times.dt.tz_localize(None)
    text = time_strings(times.to_numpy(dtype="datetime64[s]"), sep=" ")
    return pd.Series(text, index=values.index, dtype=object)


def parse_time_text(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, format=TIME_FORMAT).astype("datetime64[ns]")


def with_times(frame: pd.DataFrame) -> pd.DataFrame:
    """Parse the stored time text of ``occurred_at``, when the frame has it."""
    if "occurred_at" in frame.columns:
        frame = frame.assign(occurred_at=parse_time_text(frame["occurred_at"]))
    return frame


def records(frame: pd.DataFrame, columns: Sequence[str]) -> Iterator[dict[str, Any]]:
    """One dict of named parameters per row, built column by column; NaN becomes NULL.

    Lazy, so that each row's dict is bound and freed at once: a list of a
    million dicts would cost far more than building them.

    Examples
    --------
    >>> list(records(pd.DataFrame({"family_id": ["F1", "F2"], "area": ["A", None]}),
    ...               ["family_id", "area"]))
    [{'family_id': 'F1', 'area': 'A'}, {'family_id': 'F2', 'area': None}]
    """
    values = []
    for column in columns:
        series = frame[column]
        if series.isna().any():
            series = series.astype(object).where(series.notna(), None)
        values.append(series.tolist())
    return map(dict, map(zip, repeat(tuple(columns)), zip(*values, strict=True)))


def load_line(run_id: int, record: LoadRecord) -> dict[str, Any]:
    """The named parameters of one load-log line."""
    finished = record.finished_at.isoformat(timespec="seconds") if record.finished_at else None
    return {
        "run_id": run_id, "source": record.source, "kind": record.kind,
        "mapping": record.mapping, "checksum": record.checksum,
        "started_at": record.started_at.isoformat(timespec="seconds"), "finished_at": finished,
        "rows_in": record.rows_in, "loaded": record.loaded, "rejected": record.rejected,
        "duplicates": record.duplicates, "rejects_path": record.rejects_path,
    }  # fmt: skip


def split_columns(joined: dict[str, str], wanted: list[str]) -> Iterator[tuple[str, np.ndarray]]:
    """Each wanted column's values out of its joined string (char 31 between values, char 30
    for NULL), one column at a time, each string dropped once split; times parsed."""
    for column in wanted:
        values = np.array(joined.pop(column).split("\x1f"), dtype=object)
        if column in NULLABLE_CONTACT_COLUMNS:
            values[values == "\x1e"] = None
        if column == "occurred_at":
            values = parse_time_text(pd.Series(values, copy=False)).to_numpy()
        yield column, values
