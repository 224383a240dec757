"""Writing an analysis run's results to a folder: CSV tables, summary.json and report.md.

The files and their columns are documented in docs/data-contract.md#outputs-of-journey-analyse.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from journey.analysis import AnalysisRun
from journey.csv_export import write_csv
from journey.errors import OutputError
from journey.outcomes_run import OUTCOME_FILES

__all__ = ["OUTPUT_FILES", "write_outputs", "write_outcome_files"]

# The files `journey analyse` writes, and the result frame each comes from.
OUTPUT_FILES = {
    "high_contact_people.csv": "high_contact_people",
    "high_contact_families.csv": "high_contact_families",
    "uncoordinated_families.csv": "uncoordinated_families",
    "eligibility.csv": "eligibility",
    "pathways.csv": "pathways",
    "pathway_ends.csv": "pathway_ends",
    "variants.csv": "variants",
    "intervention_agencies.csv": "intervention_agencies",
    **OUTCOME_FILES,
}


# What pandas' infer_dtype says of an object column none of whose cells is a list.
_NO_LISTS = {"string", "empty", "boolean", "integer", "floating", "datetime", "date", "decimal"}


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists (evidence ids) become ';'-joined text so that a CSV cell holds them."""
    ready = frame.copy()
    for column in ready.columns:
        values = ready[column]
        if values.dtype != object or pd.api.types.infer_dtype(values) in _NO_LISTS:
            continue  # a C scan says no cell is a list: skip the Python pass
        if values.map(lambda v: isinstance(v, list | tuple)).any():
            ready[column] = ready[column].map(
                lambda v: ";".join(map(str, v)) if isinstance(v, list | tuple) else v
            )
    return ready


def write_outputs(run: AnalysisRun, out_dir: str | Path, *, evidence: bool = False) -> list[Path]:
    """Write the result CSVs, ``summary.json`` and ``report.md`` to ``out_dir``.

    With ``evidence`` also the contact-level evidence (``uncoordinated_contacts.csv``:
    every uncoordinated contact and why), which is large at population scale
    (about 56 MB for a million contact rows).
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for file_name, frame_name in OUTPUT_FILES.items():
            if frame_name not in run.frames:
                continue  # no outcome frames under a taxonomy without the plan's indicator set
            target = out / file_name
            write_csv(_csv_ready(run.frames[frame_name]), target)
            written.append(target)
        for name, frame in run.evidence.items() if evidence else ():
            target = out / f"{name}.csv"
            write_csv(frame, target)
            written.append(target)
        (out / "summary.json").write_text(json.dumps(run.summary, indent=2, default=str) + "\n")
        (out / "report.md").write_text(run.report)
    except OSError as error:
        raise OutputError(f"{out}: cannot write analysis results ({error.strerror})") from None
    return [*written, out / "summary.json", out / "report.md"]


def write_outcome_files(frames: dict[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write the files of ``journey outcomes`` (:data:`~journey.outcomes_run.OUTCOME_FILES`)."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for file_name, frame_name in OUTCOME_FILES.items():
            write_csv(_csv_ready(frames[frame_name]), out / file_name)
            written.append(out / file_name)
    except OSError as error:
        raise OutputError(f"{out}: cannot write outcome results ({error.strerror})") from None
    return written
