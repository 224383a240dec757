"""Before and after against a matched comparison group: coarsened exact matching and a bootstrap.

Definitions (docs/analyses.md#matched-comparison):

* **treated**: eligible families with a lead professional, anchored at the
  start of their first period; **comparison**: eligible families that never
  had one, anchored at the day they became eligible plus the treated
  families' median days from eligibility to a lead professional (so both
  groups are measured as far into their journeys);
* **matching** (coarsened exact matching) on three variables: the month the
  family became eligible in bins of ``month_bin`` months, its identified
  indicator count at the anchor (4 or more as one), and its contacts in the
  12 months before the anchor in bins ``CONTACT_BINS``; a stratum counts when
  it holds families of both groups;
* per measure (each outcome of the plan, counted over every matched family),
  the treated change is the mean of ``after - before``; the comparison change
  the mean of each stratum's comparison mean weighted by its treated
  families; the difference is treated minus comparison, with a 95% interval
  from ``draws`` bootstrap resamples within strata (fixed ``seed``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from journey.outcome_plan import OutcomePlan
from journey.outcomes import INDICATOR_MONTHS, add_months, matches

__all__ = [
    "CONTACT_BINS",
    "COHORT_COLUMNS",
    "match_strata",
    "matched_difference",
    "comparison_cohort",
]

#: Edges of the contact-count bins: 0-4, 5-9, 10-19, 20 or more contacts in the 12 months before.
CONTACT_BINS = (0, 5, 10, 20)
COHORT_COLUMNS = [
    "measure", "label", "treated_families", "comparison_families", "strata",
    "unmatched_treated", "treated_before", "treated_after", "treated_change",
    "treated_change_pct", "comparison_before", "comparison_after", "comparison_change",
    "comparison_change_pct", "difference", "ci_low", "ci_high",
]  # fmt: skip


def match_strata(families: pd.DataFrame, *, month_bin: int = 3) -> pd.Series:
    """Each family's stratum (text), or None when its stratum lacks the other group.

    ``families`` has ``treated`` (bool), ``eligible_month`` (a time),
    ``indicator_count`` and ``contacts_before``.

    Examples
    --------
    >>> families = pd.DataFrame({"treated": [True, False, True, False],
    ...     "eligible_month": pd.to_datetime(
    ...         ["2021-01-05", "2021-02-20", "2021-01-09", "2021-07-01"]),
    ...     "indicator_count": [2, 2, 3, 3], "contacts_before": [6, 9, 6, 6]})
    >>> match_strata(families).tolist()
    ['2021-01|2|5', '2021-01|2|5', None, None]
    """
    month = families["eligible_month"].to_numpy("datetime64[M]").astype(np.int64)
    start = (month // month_bin) * month_bin
    label = pd.Series(start.astype("datetime64[M]")).dt.strftime("%Y-%m").to_numpy()
    count = np.minimum(families["indicator_count"].to_numpy(np.int64), 4)
    edges = np.asarray(CONTACT_BINS)
    contacts = edges[np.searchsorted(edges, families["contacts_before"].to_numpy(), "right") - 1]
    strata = pd.Series([f"{a}|{b}|{c}" for a, b, c in zip(label, count, contacts, strict=True)],
                       index=families.index, dtype=object)  # fmt: skip
    groups = families.groupby(strata.to_numpy())["treated"].agg(["any", "all"])
    both = set(groups.index[groups["any"] & ~groups["all"]])
    return strata.where(strata.isin(both), None)


def _weighted(column: np.ndarray, groups: list[tuple[np.ndarray, np.ndarray]],
              weights: np.ndarray) -> tuple[float, float]:
    """(treated mean, comparison mean weighted by each stratum's share of the treated)."""
    treated = np.concatenate([column[t] for t, _ in groups])
    means = np.array([column[c].mean() for _, c in groups])
    return float(treated.mean()), float((means * weights).sum())


def matched_difference(values: pd.DataFrame, strata: pd.Series, *, draws: int = 500,
                       seed: int = 13) -> dict[str, float]:
    """Treated and comparison means of ``before``, ``after`` and ``change``, and the difference.

    ``values`` has ``treated``, ``before``, ``after``, ``change`` (after - before);
    rows with no stratum are left out. The interval is the 2.5th and 97.5th
    percentiles of the difference over ``draws`` resamples, each drawing every
    stratum's treated and comparison families with replacement.
    """
    kept = strata.notna().to_numpy()
    if not kept.any():
        return {}
    codes, _ = pd.factorize(strata[kept], sort=True)
    treated_flag = values["treated"].to_numpy(bool)[kept]
    groups = [(np.nonzero((codes == k) & treated_flag)[0],
               np.nonzero((codes == k) & ~treated_flag)[0]) for k in range(codes.max() + 1)]
    weights = np.array([t.size for t, _ in groups], dtype=float)
    weights /= weights.sum()
    out: dict[str, float] = {}
    for column in ("before", "after", "change"):
        numbers = values[column].to_numpy(float)[kept]
        out[f"treated_{column}"], out[f"comparison_{column}"] = _weighted(numbers, groups, weights)
    out["difference"] = out["treated_change"] - out["comparison_change"]
    rng = np.random.default_rng(seed)
    change = values["change"].to_numpy(float)[kept]
    samples = np.zeros(draws)
    for (t, c), w in zip(groups, weights, strict=True):
        t_means = change[t][rng.integers(0, t.size, (draws, t.size))].mean(axis=1)
        c_means = change[c][rng.integers(0, c.size, (draws, c.size))].mean(axis=1)
        samples += w * (t_means - c_means)
    out["ci_low"], out["ci_high"] = (float(v) for v in np.percentile(samples, [2.5, 97.5]))
    return out


def _anchors(eligibility: pd.DataFrame) -> pd.DataFrame:
    """Treated and comparison families with their anchors and the month they became eligible."""
    eligible = eligibility[eligibility["eligible"] & eligibility["first_eligible"].notna()]
    treated = eligible["has_lead_professional"].astype(bool) & eligible["lead_from"].notna()
    delays = (eligible.loc[treated, "lead_from"] - eligible.loc[treated, "first_eligible"])
    delay = delays.median() if len(delays) else pd.Timedelta(0)
    delay = max(delay, pd.Timedelta(0)).floor("D")
    comparison = ~eligible["has_lead_professional"].astype(bool)
    frame = eligible[treated | comparison]
    anchor = frame["lead_from"].where(treated[treated | comparison],
                                      frame["first_eligible"].dt.normalize() + delay)
    return pd.DataFrame({"family_id": frame["family_id"].to_numpy(),
                         "treated": treated[treated | comparison].to_numpy(),
                         "eligible_month": frame["first_eligible"].to_numpy(),
                         "anchor": anchor.to_numpy()})  # fmt: skip


class _WindowCounter:
    """Count contacts of given families in time windows by binary search, exactly.

    Each contact's time is replaced by its rank among the distinct contact
    times and a window's bounds by the ranks they fall at, so
    ``start <= t < end`` holds exactly when ``rank(start) <= rank(t) <
    rank(end)``; with the family's code in the high part of one integer key,
    a window's count is the difference of two searches in the sorted keys.
    """

    def __init__(self, contacts: pd.DataFrame, families: pd.Series):
        times = contacts["occurred_at"].to_numpy(dtype="datetime64[ns]")
        self._known = ~np.isnat(times)
        # pd.unique then a sort: NumPy 2.4's plain np.unique is ten times slower here.
        self._times = np.sort(pd.unique(times[self._known].view(np.int64)))
        codes, ids = pd.factorize(contacts["family_id"], sort=True)
        self._width = len(self._times) + 1
        ranks = np.searchsorted(self._times, times.view(np.int64))
        self._keys = codes.astype(np.int64) * self._width + ranks
        self._known &= codes >= 0
        self._family = pd.Index(ids).get_indexer(families).astype(np.int64)

    def count(self, chosen: np.ndarray | None, start: pd.Series, end: pd.Series) -> np.ndarray:
        """Per family, its contacts (``chosen`` ones, or all) in ``[start, end)``."""
        mask = self._known if chosen is None else self._known & np.asarray(chosen, dtype=bool)
        keys = np.sort(self._keys[mask])
        bounds = []
        for edge in (start, end):
            values = edge.to_numpy(dtype="datetime64[ns]")
            rank = np.searchsorted(self._times, values.view(np.int64))
            bounds.append((self._family * self._width + rank, np.isnat(values)))
        (low, low_missing), (high, high_missing) = bounds
        counts = np.searchsorted(keys, high) - np.searchsorted(keys, low)
        unknown = (self._family < 0) | low_missing | high_missing
        return np.where(unknown, 0, np.maximum(counts, 0)).astype(np.int64)


def comparison_cohort(contacts: pd.DataFrame, eligibility: pd.DataFrame, plan: OutcomePlan,
                      indicator_flags: pd.DataFrame, *, month_bin: int = 3, draws: int = 500,
                      seed: int = 13) -> pd.DataFrame:
    """The plan's measures for matched treated and comparison families (:data:`COHORT_COLUMNS`).

    ``contacts`` are distinct family contacts (:func:`journey.outcomes.distinct_contacts`);
    ``eligibility`` is :func:`journey.indicators.eligibility`'s families frame;
    ``indicator_flags`` one boolean column per indicator, one row per contact.
    """
    families = _anchors(eligibility)
    counter = _WindowCounter(contacts, families["family_id"])
    year_before = add_months(families["anchor"], -INDICATOR_MONTHS)
    families["contacts_before"] = counter.count(None, year_before, families["anchor"])
    evidencing = indicator_flags.columns
    families["indicator_count"] = sum(
        counter.count(indicator_flags[name].to_numpy(), year_before, families["anchor"]) > 0
        for name in evidencing
    ) if len(evidencing) else 0  # fmt: skip
    strata = match_strata(families, month_bin=month_bin) if len(families) else pd.Series()
    rows = []
    for outcome in plan.outcomes:
        counted = matches(contacts, outcome).to_numpy()
        after_from = add_months(families["anchor"], outcome.lag_months)
        before = counter.count(counted, add_months(families["anchor"], -outcome.months),
                               families["anchor"])
        after = counter.count(counted, after_from,
                              add_months(families["anchor"], outcome.lag_months + outcome.months))
        values = families.assign(before=before, after=after, change=after - before)
        estimate = matched_difference(values, strata, draws=draws, seed=seed) if len(values) else {}
        matched = values[strata.notna()] if len(values) else values
        row = {"measure": outcome.id, "label": outcome.label or outcome.id,
               "treated_families": int(matched["treated"].sum()),
               "comparison_families": int((~matched["treated"]).sum()),
               "strata": int(strata.dropna().nunique()) if len(values) else 0,
               "unmatched_treated": int(values["treated"].sum() - matched["treated"].sum())}
        rows.append(row | estimate)
    frame = pd.DataFrame(rows).reindex(columns=COHORT_COLUMNS)
    for group in ("treated", "comparison"):
        before = frame[f"{group}_before"]
        frame[f"{group}_change_pct"] = (100 * frame[f"{group}_change"] / before).where(before > 0)
    return frame
