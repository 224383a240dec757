"""Helpers shared by the context builders: frames to records, the stored analysis run's meta."""

from __future__ import annotations

from typing import Any

import pandas as pd

from web.data import ServiceData

__all__ = ["records", "analysis_meta", "top"]


def records(frame: pd.DataFrame | None, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """Rows of ``frame`` as dicts (only ``columns`` that exist, when given); [] for None."""
    if frame is None or frame.empty:
        return []
    if columns is not None:
        frame = frame[[c for c in columns if c in frame.columns]]
    return frame.to_dict(orient="records")


def top(
    frame: pd.DataFrame | None, by: str, n: int, *, where: pd.Series | None = None
) -> pd.DataFrame | None:
    """The ``n`` rows with the largest ``by`` (ties by family_id when there is one)."""
    if frame is None or by not in frame.columns:
        return None
    if where is not None:
        frame = frame[where]
    keys = [by] + (["family_id"] if "family_id" in frame.columns and by != "family_id" else [])
    ascending = [False] + [True] * (len(keys) - 1)
    return frame.sort_values(keys, ascending=ascending, kind="mergesort").head(n)


def analysis_meta(data: ServiceData) -> dict[str, Any] | None:
    """When the stored results were made, how long it took, with which parameters; None before."""
    meta = data.meta()
    if meta is None:
        return None
    return {
        "created_at": meta.get("created_at"),
        "run_seconds": meta.get("run_seconds"),
        "indicator_set": meta.get("indicator_set"),
        "parameters": meta.get("parameters") or {},
    }
