"""Refresh the stored analysis results after incremental loads, and say for how many families.

Each load marks the families whose contacts it added or changed (see
``graph_loader.incremental``). :func:`refresh_store` analyses the store, saves
the results, then unmarks the families that were marked when it began, and
reports how many that was: a family marked by a load that runs meanwhile stays
marked for the next analyse.

Every analysis is recomputed over the whole population. Most are
population-wide: pathways, variants and intervention agencies count
transitions across all families, and the high-contact thresholds are
percentiles of everyone's contacts, so one family's new contact can change
another family's result. The per-family ones (eligibility, escalation,
uncoordinated contacts) are not yet refreshed family by family: the saving
would be small next to reading the store, and a full analyse is the simplest
result that is always equal to analysing the merged data from scratch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from journey.analysis import AnalysisRun, analyse_store
from journey.store import Store
from journey.taxonomy import Taxonomy

__all__ = ["Refresh", "refresh_store"]


@dataclass(frozen=True)
class Refresh:
    """An analyse of the store and the touched families whose results it refreshed."""

    run: AnalysisRun
    refreshed: tuple[str, ...]

    def line(self) -> str:
        """What the terminal says about the refresh.

        Examples
        --------
        >>> Refresh(None, ("F1", "F2")).line()
        'refreshed the results of 2 families touched by loads since the last analyse'
        >>> Refresh(None, ()).line()
        'refreshed the results of 0 families touched by loads since the last analyse'
        """
        count = len(self.refreshed)
        noun = "family" if count == 1 else "families"
        return f"refreshed the results of {count:,} {noun} touched by loads since the last analyse"


def refresh_store(store: Store, *, taxonomy: Taxonomy | None = None, **parameters: Any) -> Refresh:
    """Analyse ``store``, save its results and unmark the families touched before it began.

    Keyword arguments are those of :func:`journey.analysis.analyse_store`.
    """
    touched = tuple(store.touched_families())
    run = analyse_store(store, taxonomy=taxonomy, **parameters)
    store.clear_touched(touched)
    return Refresh(run=run, refreshed=touched)
