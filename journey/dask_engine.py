"""The population run on a Dask cluster: family-by-family steps on the workers, a group at a time.

Every family's journey is analysed apart from the others', so the steps whose
results are family by family (``by_family`` in :data:`journey.analysis.STEPS`:
high-contact journeys, uncoordinated contacts, eligibility, escalation) run on
the cluster's workers, one Parquet file of whole families
(:mod:`journey.contacts_parquet`) per task, read there by
:func:`dask.dataframe.read_parquet`. :func:`combine_family_parts` puts the
groups' results together in family order, exactly as the single-machine run
has them; the population-wide steps (pathways, variants, intervention points,
cohorts, outcomes) then run here on every contact, through the same
:func:`journey.analysis.population_part` as the single-machine run, so the
two runs' results are the same by construction.

Dask is the ``dask`` extra (``pip install journey-graph[dask]``), imported
only when this engine runs.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import pandas as pd

from journey.analysis import (
    AnalysisRun,
    analysis_inputs,
    family_part,
    population_part,
)
from journey.contacts_parquet import (
    read_contacts_parquet,
    read_manifest,
    write_contacts_parquet,
)
from journey.contract import ANALYSED_CONTACT_COLUMNS
from journey.errors import InputError, JourneyError
from journey.parameters import AnalysisParameters
from journey.store import Store
from journey.taxonomy import Taxonomy

__all__ = [
    "DASK_MISSING",
    "DaskEngine",
    "EngineError",
    "analyse_parquet",
    "cluster_client",
    "combine_family_parts",
]

DASK_MISSING = "the Dask engine needs Dask: pip install journey-graph[dask]"

# Result frames listed one row per person (in person order), not per family or contact.
_PERSON_FRAMES = {("high_contact", "people")}


class EngineError(JourneyError):
    """A Dask engine that cannot run: Dask not installed, or a scheduler that cannot be reached."""


def _dask() -> Any:
    try:
        import dask
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise EngineError(DASK_MISSING) from None
    return dask


@contextmanager
def cluster_client(
    scheduler: str | None = None,
    *,
    workers: int | None = None,
    processes: bool = True,
    timeout_seconds: float = 5,
) -> Iterator[Any]:
    """A :class:`distributed.Client` of the scheduler at ``scheduler``, or of a new local cluster.

    The local cluster (a :class:`distributed.LocalCluster`) has ``workers``
    workers (one per core by default) of one thread each, since the analyses
    hold Python's lock most of the time; it is closed on leaving.

    Raises
    ------
    EngineError
        When Dask is not installed or the scheduler cannot be reached.
    """
    _dask()
    from distributed import Client, LocalCluster

    if scheduler is None:
        local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes,
                             dashboard_address=None, scheduler_kwargs={"dashboard": False})
        with local as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout=f"{timeout_seconds}s")
    except (OSError, TimeoutError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise EngineError(f"cannot reach the Dask scheduler at {scheduler}: {reason}") from None
    with client:
        yield client


def _worker_family_part(
    contacts: pd.DataFrame,
    people: pd.DataFrame | None,
    lead_periods: pd.DataFrame | None,
    taxonomy: Taxonomy | None,
    parameters: AnalysisParameters,
) -> dict[str, Any]:
    """On a worker: the family-by-family results of one group of whole families."""
    inputs = analysis_inputs(contacts.reset_index(drop=True), people, lead_periods, taxonomy,
                             parameters)  # fmt: skip
    return family_part(inputs)


def _put_together(name: str, results: list[Any]) -> Any:
    """One step's results of every group, in family order, as the whole population's would be."""
    first = results[0]
    if isinstance(first, list):  # a sorted list of family ids
        return sorted(family_id for result in results for family_id in result)
    frames = {}
    for field in fields(first):
        values = [getattr(result, field.name) for result in results]
        if not isinstance(values[0], pd.DataFrame):
            frames[field.name] = values[0]  # the parameters, the same for every group
            continue
        frame = pd.concat(values, ignore_index=True)
        if (name, field.name) in _PERSON_FRAMES:
            frame = _in_person_order(frame)
        frames[field.name] = frame
    return replace(first, **frames)


def _in_person_order(frame: pd.DataFrame) -> pd.DataFrame:
    repeated = frame["person_id"].duplicated()
    if repeated.any():
        person = frame.loc[repeated, "person_id"].iloc[0]
        raise InputError(
            f"person {person} has contacts in more than one family, so the families "
            "cannot be analysed apart: use the single-machine engine"
        )
    return frame.sort_values("person_id", kind="stable", ignore_index=True)


def combine_family_parts(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The family-by-family results of a population from those of its groups of whole families.

    ``parts`` are :func:`journey.analysis.family_part`'s results for groups
    in family-id order (each group's families after the previous group's).

    Raises
    ------
    InputError
        When there are no groups, or a person appears in two groups.
    """
    parts = [part for part in parts if part]
    if not parts:
        raise InputError("no contacts to analyse")
    return {name: _put_together(name, [part[name] for part in parts]) for name in parts[0]}


def analyse_parquet(
    path: str | Path,
    people: pd.DataFrame | None = None,
    families: pd.DataFrame | None = None,
    lead_periods: pd.DataFrame | None = None,
    *,
    client: Any,
    taxonomy: Taxonomy | None = None,
    parameters: AnalysisParameters | None = None,
) -> AnalysisRun:
    """Analyse a Parquet export of contacts (:mod:`journey.contacts_parquet`) with ``client``.

    The result equals :func:`journey.analysis.analyse` of the same contacts,
    apart from the run's time and ``step_seconds``, where ``cluster`` is the
    time of reading the export and of the family-by-family steps on the workers.
    ``path`` must be readable by every worker and here.
    """
    dask = _dask()
    import dask.dataframe as dd

    started = time.perf_counter()
    parameters = parameters or AnalysisParameters()
    manifest = read_manifest(path)
    files = [str(Path(path) / listed["file"]) for listed in manifest["files"]]
    with dask.config.set({"dataframe.convert-string": False}):
        # One partition per file: a file is a group of whole families.
        groups = dd.read_parquet(files, columns=ANALYSED_CONTACT_COLUMNS,
                                 split_row_groups=False).to_delayed()  # fmt: skip
    shared = client.scatter([people, lead_periods, taxonomy, parameters], broadcast=True)
    part = dask.delayed(_worker_family_part, pure=True)
    running = client.compute([part(group, *shared) for group in groups])
    # Read here while the workers work: cheaper than sending every row back through them.
    contacts = read_contacts_parquet(path, columns=ANALYSED_CONTACT_COLUMNS)
    parts = client.gather(running)
    timings = {"cluster": round(time.perf_counter() - started, 3)}
    inputs = analysis_inputs(contacts, people, lead_periods, taxonomy, parameters)
    done = combine_family_parts(parts)
    return population_part(inputs, done, families, started=started, timings=timings)


@contextmanager
def _export(store: Store, parquet: Path | None, partitions: int) -> Iterator[Path]:
    """The given export (checked against the store), or a new one in a temporary folder."""
    if parquet is not None:
        counts = read_manifest(parquet)["store_counts"]
        if counts != store.counts():
            raise InputError(
                f"{parquet}: exported when the store held other contacts; export it again "
                "with `journey export contacts`"
            )
        yield Path(parquet)
        return
    with tempfile.TemporaryDirectory(prefix="journey-contacts-") as folder:
        yield write_contacts_parquet(store, Path(folder) / "contacts", partitions=partitions).path


@dataclass(frozen=True)
class DaskEngine:
    """Analyse a store's population on Dask (:data:`journey.analysis.Engine`).

    ``scheduler`` is the address of a running scheduler (``tcp://host:8786``),
    None for a local cluster of ``workers`` workers (``processes=False`` runs
    them as threads of this process). ``parquet`` is an export every worker can
    read; without it the store is exported to a temporary folder, in
    ``partitions`` files, which only a local cluster can read.
    """

    scheduler: str | None = None
    workers: int | None = None
    parquet: Path | None = None
    processes: bool = True
    partitions: int = 16

    def __call__(
        self,
        store: Store,
        people: pd.DataFrame | None = None,
        families: pd.DataFrame | None = None,
        lead_periods: pd.DataFrame | None = None,
        *,
        taxonomy: Taxonomy | None = None,
        parameters: AnalysisParameters | None = None,
    ) -> AnalysisRun:
        """Analyse ``store``'s population (its other frames given) on the cluster."""
        with (
            _export(store, self.parquet, self.partitions) as path,
            cluster_client(self.scheduler, workers=self.workers, processes=self.processes)
            as client,
        ):
            return analyse_parquet(path, people, families, lead_periods, client=client,
                                   taxonomy=taxonomy, parameters=parameters)  # fmt: skip
