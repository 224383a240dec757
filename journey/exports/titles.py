"""The title block of every export: what it shows, its parameters, when, whether de-identified."""

from __future__ import annotations

from journey.exports.model import DEIDENTIFIED_NOTE, PATHWAYS_NOTE, FamilyExport, PathwaysExport

__all__ = ["title_lines", "parameters_text"]


def parameters_text(model: FamilyExport | PathwaysExport) -> str:
    """The model's parameters as ``name: value`` pairs, in one line.

    Examples
    --------
    >>> from journey.exports.model import pathways_export
    >>> import pandas as pd
    >>> flows = pd.DataFrame(columns=["from_agency", "to_agency", "transitions", "families",
    ...     "median_days"])
    >>> ends = pd.DataFrame(columns=["agency", "starts", "ends"])
    >>> parameters_text(pathways_export(flows, ends, identified=True, min_transitions=3))
    'cohort: all; min transitions: 3; collapse repeats: no'
    """
    parts = []
    for name, value in model.parameters.items():
        shown = ("yes" if value else "no") if isinstance(value, bool) else value
        parts.append(f"{name.replace('_', ' ')}: {shown}")
    return "; ".join(parts)


def title_lines(model: FamilyExport | PathwaysExport) -> list[str]:
    """The title block as lines: title, parameters, the day generated, the privacy note."""
    if model.identified:
        privacy = "Identified: holds ids, dates and the counts of few families"
    elif isinstance(model, PathwaysExport):
        privacy = PATHWAYS_NOTE.format(rule=model.suppression)
    else:
        privacy = DEIDENTIFIED_NOTE
    return [
        model.description,
        parameters_text(model),
        f"Generated {model.generated.isoformat()} by the journey graph service",
        privacy,
    ]
