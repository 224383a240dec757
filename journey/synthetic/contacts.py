"""Synthetic contacts: crises as bursts across agencies, lead-professional periods, routine care.

Every function works on whole-population numpy arrays. A batch of contacts is
a dict of parallel arrays: ``family``, ``step`` (an index into
:class:`~journey.synthetic.story.Steps`), ``day`` (days from the start, with
fractions), ``member`` (a forced member slot, or -1 to choose one by age and
role) and ``source`` (the row, across all batches, that referred the contact;
-1 when none).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from journey.synthetic.households import first_days, month_numbers, numbered_ids
from journey.synthetic.story import (
    ALIAS_SHARE,
    BURST_GAP_DAYS,
    BURST_SIZE,
    CRISES_PER_YEAR,
    DAY,
    GIRL_STORY,
    HOUSEHOLD_PRESENT,
    MAX_MEMBERS,
    NEEDS,
    WHO,
    Steps,
    agency_tables,
)
from journey.taxonomy import Taxonomy

__all__ = [
    "draw_crises",
    "lead_periods",
    "calmer_when_led",
    "burst_contacts",
    "lead_contacts",
    "routine_contacts",
    "girl_contacts",
    "place_contacts",
    "contacts_frame",
]


def draw_crises(rng: np.random.Generator, needs: np.ndarray, intensity: np.ndarray,
                years: int) -> dict:
    """Crises per (family, need) as a Poisson count; each at a uniform time (``day`` in [0, 1))."""
    count = rng.poisson(needs * CRISES_PER_YEAR * intensity[:, None] * years).ravel()
    cell = np.repeat(np.arange(count.size), count)
    family = cell // len(NEEDS)
    return {"family": family, "need": cell % len(NEEDS), "day": rng.random(cell.size),
            "intensity": intensity[family]}


def lead_periods(rng: np.random.Generator, crises: dict, needs: np.ndarray, span: float) -> dict:
    """Up to two lead-professional periods per family, opened weeks after its second crisis.

    ``from`` and ``to`` are days from the start (NaN: no period; ``to`` past the
    end: still open); ``prompt`` is the crisis that prompted the first period.
    """
    n = len(needs)
    order = np.lexsort((crises["day"], crises["family"]))
    family, day = crises["family"][order], crises["day"][order] * span
    count = np.bincount(family, minlength=n)
    has = count > 0
    first = np.cumsum(count) - count
    prompt = np.where(has, np.minimum(first + 1, first + count - 1), 0)
    chosen = has & (rng.random(n) < np.where(needs.sum(axis=1) >= 2, 0.5, 0.08))
    prompt_day = day[prompt] if day.size else np.zeros(n)
    lead_from = np.where(chosen, np.floor(prompt_day + rng.uniform(14, 120, n)), np.nan)
    lead_from[lead_from >= span] = np.nan
    lead_to = np.floor(lead_from + rng.uniform(180, 540, n))
    second_from = np.floor(lead_to + rng.uniform(90, 720, n))
    second_from[(rng.random(n) > 0.25) | ~(second_from < span)] = np.nan
    second_to = np.floor(second_from + rng.uniform(120, 450, n))
    return {"from": np.stack([lead_from, second_from], axis=1),
            "to": np.stack([lead_to, second_to], axis=1),
            "prompt": np.where(has, order[prompt] if day.size else -1, -1),
            "responds": rng.random(n) < 0.6}


def in_lead(leads: dict, family: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Whether each family had an active lead professional on each day."""
    start, end = leads["from"][family], leads["to"][family]
    return ((day[:, None] >= start) & (day[:, None] < end)).any(axis=1)


def calmer_when_led(rng: np.random.Generator, crises: dict, leads: dict, span: float) -> tuple:
    """Drop crises during a lead period (agencies coordinated) and, for some, after it started."""
    family, day = crises["family"], crises["day"] * span
    during = in_lead(leads, family, day)
    after = (day >= leads["from"][family, 0]) & leads["responds"][family]
    draw = rng.random((2, family.size))
    keep = ~((during & (draw[0] < 0.4)) | (after & (draw[1] < 0.5)))
    new_index = np.append(np.cumsum(keep) - 1, -1)  # a prompt of -1 stays -1
    prompt = new_index[leads["prompt"]]
    return {k: v[keep] for k, v in crises.items()}, {**leads, "prompt": prompt}


def burst_contacts(rng: np.random.Generator, steps: Steps, crises: dict, leads: dict,
                   span: float) -> dict:
    """Each crisis as a burst: a trigger, then follow-ups after gamma-distributed gaps.

    ``source`` is the row a contact was referred by (the burst's trigger) or -1.
    """
    need = crises["need"]
    mean_extra = (BURST_SIZE[need] - 1) * np.sqrt(crises["intensity"])
    size = 1 + rng.negative_binomial(1.5, 1.5 / (1.5 + mean_extra))
    crisis = np.repeat(np.arange(need.size), size)
    starts = np.cumsum(size) - size
    trigger = np.zeros(crisis.size, dtype=bool)
    trigger[starts] = True
    gaps = rng.gamma(0.6, BURST_GAP_DAYS[need][crisis] / 0.6)  # shape < 1: bursty
    gaps[starts] = 0.0
    total = np.cumsum(gaps)
    day = crises["day"][crisis] * span + total - total[starts][crisis]
    family = crises["family"][crisis]
    step = steps.draw(rng, 2 * need[crisis] + ~trigger)
    agency = steps.agency[step]
    chance = np.where(steps.referral_like[step], 0.8, 0.1)
    referred = ~trigger & (agency != agency[starts][crisis]) & (rng.random(crisis.size) < chance)
    # While a lead professional coordinates, fewer agencies act in parallel.
    thinned = ~trigger & (agency != steps.agency_names.index("Early Help")) & in_lead(
        leads, family, day) & (rng.random(crisis.size) < 0.35)
    keep = ~thinned
    rows = np.cumsum(keep) - 1
    return {"family": family[keep], "step": step[keep], "day": day[keep],
            "source": np.where(referred, rows[starts][crisis], -1)[keep],
            "trigger": rows[starts][crisis][keep], "member": np.full(keep.sum(), -1),
            "crisis_trigger": rows[starts]}


def lead_contacts(rng: np.random.Generator, steps: Steps, leads: dict, bursts: dict,
                  span: float) -> dict:
    """An early-help assessment opening each period, then team-around-the-family meetings."""
    family, period = np.nonzero(~np.isnan(leads["from"]))
    start = leads["from"][family, period]
    end = np.minimum(leads["to"][family, period], span)
    gap = rng.uniform(42, 84, family.size)
    meetings = np.maximum((end - start - 7) // gap, 0).astype(int)  # all inside the period
    row = np.repeat(np.arange(family.size), meetings)
    k = np.arange(row.size) - (np.cumsum(meetings) - meetings)[row] + 1
    prompt = np.where(period == 0, leads["prompt"][family], -1)
    source = np.append(bursts["crisis_trigger"], -1)[prompt]  # a prompt of -1 gives -1
    assessment = steps.routine["Early Help", "early_help_assessment"]
    return {"family": np.concatenate([family, family[row]]),
            "step": np.concatenate([np.full(family.size, assessment),
                                    np.full(row.size, steps.routine["Early Help", "taf_meeting"])]),
            "day": np.concatenate([start + rng.uniform(0, 7, family.size),
                                   start[row] + gap[row] * k - rng.uniform(0, 5, row.size)]),
            "source": np.concatenate([source, np.full(row.size, -1)]),
            "member": np.full(family.size + row.size, -1)}


def routine_contacts(rng: np.random.Generator, steps: Steps, homes: dict, years: int,
                     span: float) -> dict:
    """GP and school-nurse appointments, health-visiting visits and midwifery before each birth."""
    family, member = np.nonzero(homes["exists"])
    child = ~homes["adult"][family, member]
    birth_day = homes["birth_day"][family, member]
    gp = rng.poisson(0.15 * years, family.size)
    nurse = np.where(child, rng.poisson(0.1 * years, family.size), 0)
    visits = np.array([12, 45, 300, 760])  # the mandated health-visiting contacts, in days
    kid = np.repeat(np.nonzero(child)[0], visits.size)
    mothers = np.repeat(np.nonzero(child & (birth_day >= 0) & homes["female"][family, 0])[0], 3)
    parts = [
        (family.repeat(gp), member.repeat(gp), ("GP", "appointment"), rng.random(gp.sum()) * span),
        (family.repeat(nurse), member.repeat(nurse), ("School Nursing", "appointment"),
         rng.random(nurse.sum()) * span),
        (family[kid], member[kid], ("Health Visiting", "home_visit"),
         birth_day[kid] + np.tile(visits, child.sum()) + rng.uniform(0, 20, kid.size)),
        (family[mothers], np.zeros(mothers.size, dtype=int), ("Midwifery", "appointment"),
         birth_day[mothers] - rng.uniform(7, 220, mothers.size)),
    ]
    return {"family": np.concatenate([p[0] for p in parts]),
            "member": np.concatenate([p[1] for p in parts]),
            "step": np.concatenate([np.full(p[0].size, steps.routine[p[2]]) for p in parts]),
            "day": np.concatenate([p[3] for p in parts]),
            "source": np.full(sum(p[0].size for p in parts), -1)}


def girl_contacts(rng: np.random.Generator, steps: Steps, homes: dict, offset: int,
                  span: float, start: pd.Timestamp) -> dict:
    """The West Sussex girl's journey: family 0, member 1, all before her 13th birthday."""
    story = [entry for entry in GIRL_STORY for _ in range(entry[3])]
    thirteenth = int(first_days(homes["birth"][0, 1] + 13 * 12, start))
    day = np.sort(rng.uniform(0.03 * span, min(thirteenth, span) - 10, len(story)))
    agencies = [agency for agency, *_ in story]
    source = np.full(len(story), -1)
    for i, (_agency, _type, referrer, _times) in enumerate(story):
        if referrer is not None:  # the last earlier contact with the referring agency
            source[i] = offset + max(j for j in range(i) if agencies[j] == referrer)
    return {"family": np.zeros(len(story), dtype=int),
            "step": np.array([steps.routine[a, t] for a, t, *_ in story]), "day": day,
            "source": source, "member": np.ones(len(story), dtype=int)}


_BATCH = ("family", "step", "day", "source", "member")


def place_contacts(rng: np.random.Generator, steps: Steps, homes: dict, batches: list[dict],
                   start: pd.Timestamp, span: float) -> dict:
    """Time each contact, choose its person, and keep those that fit the period and the household.

    The first batch must be the bursts: a burst whose trigger is not kept (no
    member of the right age, or after the end) is dropped whole. A kept
    contact whose referring contact was dropped keeps no referrer.
    """
    contacts = {k: np.concatenate([b[k] for b in batches]) for k in batches[0] if k in _BATCH}
    seconds = _seconds(rng, steps, contacts, start)
    month = month_numbers(seconds // DAY, start)
    member, found = _choose_people(rng, steps, homes, contacts, month)
    keep = found & (seconds >= 0) & (seconds < span * DAY)
    keep[: batches[0]["trigger"].size] &= keep[batches[0]["trigger"]]
    source = contacts["source"]
    referrer = np.where((source >= 0) & keep[np.maximum(source, 0)],
                        steps.agency[contacts["step"][np.maximum(source, 0)]], -1)
    return {"family": contacts["family"][keep], "step": contacts["step"][keep],
            "seconds": seconds[keep], "month": month[keep], "member": member[keep],
            "referrer": referrer[keep]}


def _seconds(rng: np.random.Generator, steps: Steps, contacts: dict,
             start: pd.Timestamp) -> np.ndarray:
    """Seconds from ``start``: offices work weekdays 9-17, police and hospitals round the clock."""
    step = contacts["step"]
    day = np.floor(contacts["day"]).astype(np.int64)
    office = ~steps.round_clock[step]
    weekday = (start.dayofweek + day) % 7
    day = day + np.where(office & (weekday >= 5), 7 - weekday, 0)
    minutes = np.where(office, rng.integers(9 * 60, 17 * 60, step.size),
                       (17 * 60 + rng.normal(0, 300, step.size)).astype(np.int64) % 1440)
    seconds = day * DAY + minutes * 60
    referred = np.nonzero(contacts["source"] >= 0)[0]
    # A referred contact comes after the contact that referred it (trigger rows are never
    # referred themselves, so one pass is enough).
    seconds[referred] = np.maximum(seconds[referred], seconds[contacts["source"][referred]] + 3600)
    return seconds


def _choose_people(rng: np.random.Generator, steps: Steps, homes: dict, contacts: dict,
                   month: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A member of the right age and role for each contact; (member, found)."""
    family, forced = contacts["family"], contacts["member"]
    low, high, adult_only = (np.array(column)[steps.who[contacts["step"]]]
                             for column in zip(*WHO.values(), strict=True))
    age = month[:, None] - homes["birth"][family]
    adult = homes["adult"][family]
    eligible = (age >= low[:, None]) & (age < high[:, None]) & (age >= 0)
    eligible &= np.where(adult_only[:, None] == 1, adult, (adult_only[:, None] == -1) | ~adult)
    eligible &= (forced[:, None] < 0) | (np.arange(MAX_MEMBERS) == forced[:, None])
    # u ** (1 / weight) has its largest value at a member drawn in proportion to weight.
    score = rng.random(eligible.shape) ** (1.0 / homes["weight"][family])
    return np.where(eligible, score, -1.0).argmax(axis=1), eligible.any(axis=1)


def contacts_frame(rng: np.random.Generator, steps: Steps, taxonomy: Taxonomy, contacts: dict,
                   homes: dict, start: pd.Timestamp) -> pd.DataFrame:
    """One row per (contact, person), contacts numbered in time order."""
    order = np.lexsort((np.arange(contacts["seconds"].size), contacts["seconds"]))
    c = {k: v[order] for k, v in contacts.items()}
    n = order.size
    household = np.nonzero(steps.household[c["step"]])[0]
    age = c["month"][household, None] - homes["birth"][c["family"][household]]
    present = (age >= 0) & (np.arange(MAX_MEMBERS) != c["member"][household, None])
    present &= rng.random(present.shape) < HOUSEHOLD_PRESENT
    extra_row, extra_member = np.nonzero(present)
    row = np.concatenate([np.arange(n), household[extra_row]])
    member = np.concatenate([c["member"], extra_member])
    rows = np.lexsort((member, row))
    row, member = row[rows], member[rows]
    agency = steps.agency[c["step"]]
    names, sources, services = agency_tables(taxonomy)
    written = names[agency, (rng.random(n) < ALIAS_SHARE) * rng.integers(1, names.shape[1], n)]
    written = np.where(written == None, names[agency, 0], written)  # noqa: E711 (object array)
    canonical = np.array(steps.agency_names + [None], dtype=object)
    teams = (services != None).sum(axis=1)  # noqa: E711 (object array)
    service = services[agency, (rng.random(n) * teams[agency]).astype(np.int64)]
    service[rng.random(n) < 0.2] = None  # not every export names the team
    family = c["family"][row]
    return pd.DataFrame({
        "contact_id": numbered_ids("C", n, 8)[row],
        "person_id": homes["person_ids"][homes["first_person"][family] + member],
        "family_id": homes["family_ids"][family],
        "agency": written[row],
        "contact_type": steps.contact_type[c["step"]][row],
        "occurred_at": (np.datetime64(start, "s") + c["seconds"][row].astype("timedelta64[s]"))
        .astype("datetime64[ns]"),
        "referred_by": canonical[c["referrer"]][row],
        "service": service[row],
        "source_system": sources[agency][row],
    })
