"""Synthetic households: members and birth months, needs, and the people and families frames.

Members are held as families x 7 matrices (adults first, then children);
birth months as month numbers (``year * 12 + month - 1``), with a far-future
month for member slots that do not exist so that age tests exclude them.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

from journey.synthetic.story import CORRELATION, MAX_MEMBERS, NEEDS, PREVALENCE, WARDS

__all__ = [
    "draw_households",
    "draw_needs",
    "first_days",
    "month_numbers",
    "numbered_ids",
    "people_frame",
    "families_frame",
]

_NEVER = 3000 * 12  # the birth month of a member slot that does not exist


def month_numbers(days: np.ndarray, start: pd.Timestamp) -> np.ndarray:
    """The month number (``year * 12 + month - 1``) of each whole day counted from ``start``.

    Examples
    --------
    >>> month_numbers(np.array([0, 31]), pd.Timestamp("2017-01-01")).tolist()
    [24204, 24205]
    """
    dates = np.datetime64(start.date(), "D") + np.asarray(days, dtype=np.int64)
    return dates.astype("datetime64[M]").astype(np.int64) + 1970 * 12


def first_days(months: np.ndarray | int, start: pd.Timestamp) -> np.ndarray:
    """Days from ``start`` to the first day of each month number.

    Examples
    --------
    >>> first_days(np.array([24204, 24205]), pd.Timestamp("2017-01-01")).tolist()
    [0, 31]
    """
    months = np.minimum(np.asarray(months), _NEVER) - 1970 * 12
    first = months.astype("datetime64[M]").astype("datetime64[D]")
    return (first - np.datetime64(start.date(), "D")).astype(np.int64)


def numbered_ids(prefix: str, count: int, width: int) -> np.ndarray:
    """``count`` ids ``prefix`` + a 1-based number padded to ``width`` digits, as an object array.

    Examples
    --------
    >>> numbered_ids("F", 2, 6).tolist()
    ['F000001', 'F000002']
    """
    text = np.strings.zfill(np.arange(1, count + 1).astype(np.str_), width)
    return np.strings.add(prefix, text).astype(object)


def draw_households(rng: np.random.Generator, families: int, start: pd.Timestamp,
                    years: int) -> dict:
    """One or two adults and up to five children per family; some children are born in the period.

    Family 0 holds the West Sussex girl (member 1), who turns 13 late in the period.
    """
    start_month = start.year * 12 + start.month - 1
    late = start_month + int(0.8 * years * 12)
    adults = np.where(rng.random(families) < 0.45, 2, 1)
    children = rng.choice(6, size=families, p=[0.12, 0.28, 0.30, 0.17, 0.09, 0.04])
    children[0], adults[0] = max(children[0], 2), 1
    member = np.arange(MAX_MEMBERS)
    exists = member < (adults + children)[:, None]
    adult = member < adults[:, None]
    mother_birth = start_month - rng.integers(20 * 12, 50 * 12, families)
    partner_birth = mother_birth - np.clip(rng.normal(24, 48, families), -60, 240).astype(int)
    # Children are born to a mother aged 17-45, at most 17 before the start and not after `late`.
    low = np.maximum(mother_birth + 17 * 12, start_month - 17 * 12)
    high = np.minimum(mother_birth + 45 * 12, late)
    child_birth = low[:, None] + (rng.random((families, MAX_MEMBERS)) * (high - low)[:, None])
    birth = np.where(adult, np.where(member == 0, mother_birth[:, None], partner_birth[:, None]),
                     child_birth.astype(np.int64))
    female = np.where(member == 0, rng.random(families)[:, None] < 0.85,
                      np.where(adult, rng.random(families)[:, None] < 0.1,
                               rng.random((families, MAX_MEMBERS)) < 0.5))
    birth[0, 0], female[0, 0] = start_month - 34 * 12, True
    birth[0, 1], female[0, 1] = late - 13 * 12, True
    # Services tend to worry most about one child of a family.
    focus = adults + rng.integers(0, np.maximum(children, 1))
    focus[0] = 1
    birth = np.where(exists, birth, _NEVER)
    count = exists.sum(axis=1)
    return {"adults": adults, "children": children, "exists": exists, "adult": adult,
            "birth": birth, "birth_day": first_days(birth, start), "female": female,
            "weight": np.where(member == focus[:, None], 3.0, 1.0),
            "family_ids": numbered_ids("F", families, 6),
            "person_ids": numbered_ids("P", int(count.sum()), 7),
            "first_person": np.cumsum(count) - count}


def draw_needs(rng: np.random.Generator, area_shift: np.ndarray,
               children: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Families x needs booleans from correlated latent scores, and a heavy-tailed intensity.

    A ward's deprivation raises every latent score of its families; the
    intensity grows with the family's mean score times a log-normal factor.
    """
    n = len(area_shift)
    latent = rng.standard_normal((n, len(NEEDS))) @ np.linalg.cholesky(CORRELATION).T
    latent += area_shift[:, None]
    thresholds = np.array([NormalDist().inv_cdf(1 - p) for p in PREVALENCE])
    needs = latent > thresholds
    for need in ("child_protection", "school"):  # these need a child in the household
        needs[:, NEEDS.index(need)] &= children > 0
    needs[0, [NEEDS.index(n) for n in ("domestic_abuse", "child_protection", "school")]] = True
    intensity = np.exp(0.5 * latent.mean(axis=1) + 0.8 * rng.standard_normal(n))
    intensity[0] = max(intensity[0], 2.0)
    return needs, intensity


def people_frame(rng: np.random.Generator, homes: dict) -> pd.DataFrame:
    """The people frame: ids, family, role, ``YYYY-MM`` birth month and sex."""
    family, member = np.nonzero(homes["exists"])
    adult = homes["adult"][family, member]
    first_role = np.where(rng.random(family.size) < 0.92, "parent", "carer")
    other_role = np.where(rng.random(family.size) < 0.8, "parent", "adult")
    role = np.where(~adult, "child", np.where(member == 0, first_role, other_role))
    role[(family == 0) & (member == 0)] = "parent"
    birth = (homes["birth"][family, member] - 1970 * 12).astype("datetime64[M]")
    return pd.DataFrame({
        "person_id": homes["person_ids"],
        "family_id": homes["family_ids"][family],
        "role": role.astype(object),
        "birth_month": np.datetime_as_string(birth, unit="M").astype(object),
        "sex": np.where(homes["female"][family, member], "F", "M").astype(object),
    })


def families_frame(homes: dict, area: np.ndarray, leads: dict, span: float,
                   start: pd.Timestamp) -> pd.DataFrame:
    """One row per lead-professional period; one row with empty dates for a family without."""
    has = ~np.isnan(leads["from"])
    none = np.nonzero(~has.any(axis=1))[0]
    family = np.concatenate([np.nonzero(has)[0], none])
    lead_from = np.concatenate([leads["from"][has], np.full(none.size, np.nan)])
    lead_to = np.concatenate([leads["to"][has], np.full(none.size, np.nan)])
    lead_to[lead_to >= span] = np.nan  # still open when the extract was taken
    order = np.lexsort((np.nan_to_num(lead_from, nan=-1.0), family))
    wards = np.array(list(WARDS), dtype=object)
    return pd.DataFrame({
        "family_id": homes["family_ids"][family[order]],
        "area": wards[area[family[order]]],
        "lead_from": _dates(lead_from[order], start),
        "lead_to": _dates(lead_to[order], start),
    })


def _dates(days: np.ndarray, start: pd.Timestamp) -> np.ndarray:
    out = np.full(days.size, np.datetime64("NaT"), dtype="datetime64[D]")
    known = ~np.isnan(days)
    out[known] = np.datetime64(start.date(), "D") + days[known].astype(np.int64)
    return out.astype("datetime64[ns]")
