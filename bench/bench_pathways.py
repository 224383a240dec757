"""Benchmark the pathway analysis: directly-follows counts and journey variants at population scale.

The frame is random but shaped like real contact data: 100,000 families with
Zipf-like (Pareto-tailed) journey lengths, 12 agencies with uneven volumes and
repeat contacts, a quarter of contacts involving two or three family members
(one row per member), and a third of contacts recorded as a date only (so many
contacts of a family share a timestamp and ties must be broken by contact id).
Rows are shuffled: nothing relies on the store's ordering. A second frame of
2.6M rows gives every contact one person, so that rows are events as in the
process-mining log pm4py reads. On that frame, in one process, ours is
compared with pm4py (``discover_dfg`` plus ``get_variants``, about 5 s; pm4py
is imported here only, from the bench extra) and with a naive pandas version,
and the three must agree on every directly-follows count and variant.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from bench.common import Measurement, measure
from journey.event_log import agency_journeys, forget_prepared
from journey.pathways import pathways, variants
from journey.sequences import ARROW

AGENCIES = [
    "Police", "School", "GP", "Health Visiting", "Hospital", "Children's Social Care",
    "Early Help", "DWP JobCentre Plus", "Housing", "CAMHS", "Youth Justice",
    "Domestic Abuse Service",
]  # fmt: skip
AGENCY_WEIGHTS = np.array([10, 9, 6, 3, 3, 2, 2, 4, 3, 2, 1, 1], dtype=float)
#: How many times longer than ours pm4py must take on the same event log, at least.
PM4PY_RATIO = 5.0


def _ids(prefix: str, count: int) -> np.ndarray:
    return np.array([f"{prefix}{i:08d}" for i in range(count)], dtype=object)


def contacts_frame(
    rows: int = 2_600_000, families: int = 100_000, *, seed: int = 7, shared: bool = True
) -> pd.DataFrame:
    """A shuffled contract contacts frame of about ``rows`` rows (see the module docstring).

    ``shared=False`` gives every contact one person, so rows are events, as in
    a process-mining event log.
    """
    rng = np.random.default_rng(seed)
    # Pareto tail: median journey ~13 contacts, a few families with thousands.
    weight = np.minimum(rng.random(families) ** (-1 / 1.8), 300.0)
    people_per_contact = np.array([1, 2, 3])
    share = np.array([0.75, 0.2, 0.05]) if shared else np.array([1.0, 0.0, 0.0])
    n_contacts = int(rows / (people_per_contact @ share))
    length = np.maximum(1, np.round(weight / weight.sum() * n_contacts)).astype(np.int64)
    family = np.repeat(np.arange(families), length)
    n_contacts = len(family)
    agency = rng.choice(len(AGENCIES), n_contacts, p=AGENCY_WEIGHTS / AGENCY_WEIGHTS.sum())
    repeat = rng.random(n_contacts) < 0.35  # the same agency again
    agency[1:][repeat[1:]] = agency[:-1][repeat[1:]]
    seconds = rng.integers(0, 8 * 365 * 86_400, n_contacts)
    date_only = rng.random(n_contacts) < 1 / 3
    seconds[date_only] -= seconds[date_only] % 86_400
    members = rng.choice(people_per_contact, n_contacts, p=share)
    row_contact = np.repeat(np.arange(n_contacts), members)
    member = np.arange(len(row_contact)) - np.repeat(np.cumsum(members) - members, members)
    row_family = family[row_contact]
    start = np.datetime64("2015-01-01T00:00:00", "s")
    frame = pd.DataFrame(
        {
            "contact_id": _ids("C", n_contacts)[rng.permutation(n_contacts)][row_contact],
            "person_id": _ids("P", families * 3)[row_family * 3 + member],
            "family_id": _ids("F", families)[row_family],
            "agency": np.array(AGENCIES, dtype=object)[agency[row_contact]],
            "sector": None,
            "contact_type": "incident",
            "occurred_at": (start + seconds[row_contact]).astype("datetime64[ns]"),
            "referred_by": None,
            "service": None,
            "source_system": None,
        }
    )
    return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)


def _pathways_and_variants(contacts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both analyses as the README's notebook calls them, each given the contacts frame."""
    return pathways(contacts), variants(contacts)


def _as_counts(flows: pd.DataFrame, journeys: pd.DataFrame) -> tuple[dict, dict]:
    """Our frames as {(from, to): transitions} and {agency tuple: families}."""
    pairs = zip(flows["from_agency"], flows["to_agency"], strict=True)
    dfg = dict(zip(pairs, flows["transitions"], strict=True))
    steps = (tuple(label.split(ARROW)) for label in journeys["variant"])
    return _as_ints(dfg, dict(zip(steps, journeys["families"], strict=True)))


def _event_order(contacts: pd.DataFrame) -> pd.DataFrame:
    """Each family's contacts once, by time, ties by contact id (the order the event log reads)."""
    log = contacts.sort_values(["family_id", "occurred_at", "contact_id"], kind="mergesort")
    return log.drop_duplicates(["family_id", "contact_id"]).reset_index(drop=True)


def _as_ints(*mappings) -> tuple[dict, ...]:
    return tuple({key: int(n) for key, n in mapping.items()} for mapping in mappings)


def naive_counts(contacts: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Directly-follows counts and variants the plain pandas way: sort, shift, group by."""
    log = _event_order(contacts)
    follows = log["family_id"].shift(-1) == log["family_id"]
    steps = pd.DataFrame({"from": log["agency"][follows], "to": log["agency"].shift(-1)[follows]})
    dfg = steps.groupby(["from", "to"]).size()
    variant_counts = log.groupby("family_id")["agency"].agg(tuple).value_counts()
    return dfg, variant_counts


def _pm4py_log(contacts: pd.DataFrame):
    """pm4py and its formatted log of the contacts (cases: families; activities: agencies).

    Rows go in the event log's order first: pm4py sorts by case and time and
    keeps the row order of ties, which then fall in contact id order as ours.
    """
    try:
        import pm4py
    except ImportError:
        return None, None
    log = pm4py.format_dataframe(
        _event_order(contacts), case_id="family_id", activity_key="agency",
        timestamp_key="occurred_at",
    )  # fmt: skip
    return pm4py, log


def _pm4py_run(pm4py, log: pd.DataFrame) -> tuple[dict, dict]:
    """pm4py's directly-follows graph and variants (the work timed)."""
    dfg, _, _ = pm4py.discover_dfg(log)
    return dfg, pm4py.get_variants(log)


def _interleaved(works: dict[str, Callable[[], object]], repeat: int) -> list[Measurement]:
    """Time each work once per round, in turn, for ``repeat`` rounds: medians of the rounds.

    Taking turns puts every work under the same load when the machine is
    shared, so the ratios hold better than the times. Our preparation is
    forgotten before each run (untimed), so every run of ours starts from the
    bare frame.
    """
    runs: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(repeat):
        for name, work in works.items():
            forget_prepared()
            start = time.perf_counter()
            work()
            runs[name].append(time.perf_counter() - start)
    results = [Measurement(name, statistics.median(times), times) for name, times in runs.items()]
    for measurement in results:
        print(measurement.line(), flush=True)
    return results


def compare_with_peers(contacts: pd.DataFrame, label: str, *, repeat: int = 3) -> list[Measurement]:
    """Ours, pm4py's and a naive pandas version on one frame: timed, counts checked equal.

    Ours is timed from the contacts frame, as the README calls it. pm4py's
    ``format_dataframe`` is untimed; its ``discover_dfg`` and ``get_variants``
    are timed. The naive version is timed whole (sort, shift, group by).
    """
    expected = _as_ints(*naive_counts(contacts))
    assert _as_counts(*_pathways_and_variants(contacts)) == expected, "ours differs from pandas"
    works = {
        f"ours: pathways+variants ({label})": lambda: _pathways_and_variants(contacts),
        f"naive pandas: sort, shift, group by ({label})": lambda: naive_counts(contacts),
    }
    pm4py, log = _pm4py_log(contacts)
    if pm4py is None:
        print("pm4py is not installed (pip install -e '.[bench]'): no comparison with it")
    else:
        assert _as_ints(*_pm4py_run(pm4py, log)) == expected, "pm4py differs from ours"
        works[f"pm4py {pm4py.__version__} discover_dfg+get_variants ({label})"] = (
            lambda: _pm4py_run(pm4py, log))  # fmt: skip
    ours, naive, *peer = _interleaved(works, repeat)
    results = [ours, naive, *peer, _versus(ours, naive, "naive pandas", None)]
    if peer:
        results.append(_versus(ours, peer[0], "pm4py", PM4PY_RATIO))
    return results


def _versus(ours: Measurement, peer: Measurement, who: str, least: float | None) -> Measurement:
    """How many times longer the peer takes than ours (its median over ours), against ``least``."""
    comparison = Measurement(
        name=f"  {who} / ours", median_s=ours.median_s, runs=ours.runs, target_s=least,
        target_kind="min_ratio", ratio=peer.median_s / ours.median_s,
    )  # fmt: skip
    print(f"{comparison.line()}  ratio {comparison.ratio:.2f}x", flush=True)
    return comparison


def run() -> list[Measurement]:
    """Time pathways + variants at 2.6M rows (target 1 s) and at 1M rows (target 0.4 s).

    Each run starts from the contacts frame with nothing prepared: sorting
    and coding the journeys once, then both analyses, is the work a caller
    does. Then ours against pm4py (at least :data:`PM4PY_RATIO` times
    faster) and a naive pandas version on the 2.6M-event frame.
    """
    cases = [
        (2_600_000, 100_000, True, 1.0),
        (2_600_000, 100_000, False, 1.0),
        (1_000_000, 40_000, True, 0.4),
    ]
    results = []
    for rows, families, shared, target in cases:
        contacts = contacts_frame(rows, families, shared=shared)
        events = contacts["contact_id"].nunique()
        label = f"{len(contacts) / 1e6:.1f}M rows, {events / 1e6:.1f}M contacts"
        results.append(
            measure(
                f"pathways+variants ({label})",
                lambda c=contacts: _pathways_and_variants(c),
                repeat=5,
                target_s=target,
                setup=forget_prepared,
            )
        )
        results.append(
            measure(f"  of which agency_journeys ({label})", lambda c=contacts: agency_journeys(c),
                    setup=forget_prepared)  # fmt: skip
        )
        if shared and rows == 2_600_000:
            # Stores return contacts ordered by family and time: the usual case.
            ordered = contacts.sort_values(["family_id", "occurred_at", "contact_id"])
            ordered = ordered.reset_index(drop=True)
            results.append(
                measure(
                    f"  same rows in store order ({label})",
                    lambda c=ordered: _pathways_and_variants(c),
                    setup=forget_prepared,
                )
            )
        if not shared:
            results += compare_with_peers(contacts, f"{len(contacts) / 1e6:.1f}M events")
        del contacts
        forget_prepared()
    return results
