"""The readable Markdown report of an analysis run (``report.md``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["render_report"]


def _table(frame: pd.DataFrame, columns: list[str], limit: int = 10) -> str:
    """A small Markdown table of the first ``limit`` rows (pipes in cells escaped)."""
    shown = frame[columns].head(limit)
    if shown.empty:
        return "_none_\n"

    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:.2f}"
        if isinstance(value, pd.Timestamp):
            return value.strftime("%Y-%m-%d")
        return str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    lines += [
        "| " + " | ".join(cell(v) for v in row) + " |" for row in shown.itertuples(index=False)
    ]
    return "\n".join(lines) + "\n"


def render_report(summary: dict[str, Any], frames: dict[str, pd.DataFrame]) -> str:
    """Render the run's headline figures and top tables as Markdown.

    Family and person identifiers appear as the store holds them; the report
    is for analysts with access to the store.
    """
    counts = summary["counts"]
    params = summary["parameters"]
    all_paths = frames["pathways"]
    if "cohort" in all_paths.columns:
        all_paths = all_paths[all_paths["cohort"] == "all"]
    variants = frames["variants"]
    if "cohort" in variants.columns:
        variants = variants[variants["cohort"] == "all"]
    parts = [
        "# Journey analysis report\n",
        f"Run at {summary['created_at']} in {summary['run_seconds']:.1f}s; taxonomy: "
        f"{summary['taxonomy']}.\n",
        "## Parameters\n",
        "\n".join(f"- `{k}` = {v}" for k, v in params.items()) + "\n",
        "## Headline figures\n",
        "\n".join(f"- {k.replace('_', ' ')}: {v:,}" for k, v in counts.items()) + "\n",
        "## High-contact families (top by peak window)\n",
        _table(
            frames["high_contact_families"].sort_values("peak_contacts", ascending=False),
            ["family_id", "peak_contacts", "peak_agencies", "peak_start", "first_crossed"],
        ),
        "## Most uncoordinated families\n",
        _table(
            frames["uncoordinated_families"],
            [
                "family_id",
                "contacts",
                "uncoordinated",
                "uncoordinated_share",
                "peak_parallel_agencies",
            ],
        ),
        "## Typical pathways (all families)\n",
        _table(all_paths, ["from_agency", "to_agency", "transitions", "families", "median_days"]),
        "## Commonest journey variants\n",
        _table(variants, ["variant", "families", "share"], limit=5),
        "## Early-warning agencies (escalation)\n",
        _table(
            frames["intervention_agencies"],
            [
                c
                for c in ["agency", "share_seen_first", "median_lead_days", "lift"]
                if c in frames["intervention_agencies"].columns
            ],
        ),
    ]
    return "\n".join(parts)
