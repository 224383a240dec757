"""Synthetic populations: families, people and agency contacts that look like a council's exports.

The generator is a small causal story, vectorised with numpy so that a million
contact rows take seconds:

1. Households of one or two adults and up to five children live in about
   twenty wards of uneven size and deprivation.
2. Each family has needs (domestic abuse, child protection, crime, school,
   worklessness, health) drawn from correlated latent scores, and a heavy-tailed
   intensity: a few families carry most of the demand.
3. Each need produces crises at random times; a crisis is a burst of contacts
   across the agencies that need brings in, opened by a trigger (a police
   domestic incident, a school absence record, a benefit claim ...). Later
   contacts of a burst are often referred by the trigger's agency.
4. A share of families with several needs is given a lead professional some
   weeks after a crisis; while the period lasts, team-around-the-family meetings
   appear, fewer agencies work in parallel, and for some families crises become
   rarer.
5. Routine contacts (GP appointments, health visiting, midwifery, school
   nursing) run underneath and evidence no headline indicator.

Family ``F000001`` always holds a girl like the one in West Sussex's journey
maps: more than 30 contacts with more than 5 agencies before she turns 13.

The frames are in the input-file form of the data contract: agency names as a
source writes them (a few written as aliases, to exercise normalisation) and
no ``sector`` column; :func:`write_population` writes them as CSV files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from journey.synthetic.contacts import (
    burst_contacts,
    calmer_when_led,
    contacts_frame,
    draw_crises,
    girl_contacts,
    lead_contacts,
    lead_periods,
    place_contacts,
    routine_contacts,
)
from journey.synthetic.households import (
    draw_households,
    draw_needs,
    families_frame,
    people_frame,
)
from journey.synthetic.story import NEEDS, WARDS, Steps, check_taxonomy
from journey.synthetic.workers import assign_workers
from journey.taxonomy import Taxonomy, default_taxonomy

__all__ = ["Population", "generate", "write_population", "WARDS", "NEEDS"]


@dataclass(frozen=True, eq=False)
class Population:
    """A synthetic population in the input-file form of the data contract.

    ``contacts`` has one row per (contact, person), the columns of the contract
    except ``sector``, with ``occurred_at`` as naive ``datetime64[ns]``;
    ``people`` has ``birth_month`` as ``YYYY-MM`` text; ``families`` has one row
    per lead-professional period (``lead_from``, ``lead_to`` as ``datetime64[ns]``
    dates; ``NaT`` when the family has no period, or ``lead_to`` when it is
    still open) and its ``lead_worker`` and ``lead_team`` (see
    :mod:`journey.synthetic.workers`). Every contact falls in ``[start, end)``.
    """

    contacts: pd.DataFrame
    people: pd.DataFrame
    families: pd.DataFrame
    start: pd.Timestamp
    end: pd.Timestamp


def generate(
    families: int = 2000,
    *,
    seed: int = 7,
    start: str = "2017-01-01",
    years: int = 6,
    taxonomy: Taxonomy | None = None,
) -> Population:
    """Generate a synthetic population of ``families`` households over ``years`` from ``start``.

    Parameters
    ----------
    families : int, default 2000
        Number of families; about 25 contact rows each over six years
        (``generate(40000)`` gives about a million rows).
    seed : int, default 7
        Seed of the numpy generator: the same seed gives the same frames.
    start : str, default "2017-01-01"
        First day of the period (ISO 8601 date).
    years : int, default 6
        Length of the period in whole years; every contact falls in it.
    taxonomy : Taxonomy, optional
        Whose agency names (and aliases) to write; default the shipped one.

    Returns
    -------
    Population

    Raises
    ------
    ValueError
        When ``families`` or ``years`` is below 1.
    TaxonomyError
        When ``taxonomy`` lacks an agency the generator uses.

    Examples
    --------
    >>> population = generate(20, seed=1)
    >>> population.families["family_id"].nunique()
    20
    >>> bool(population.contacts["occurred_at"].between(population.start, population.end).all())
    True
    """
    if families < 1 or years < 1:
        raise ValueError(f"need at least one family and one year, got {families} and {years}")
    taxonomy = taxonomy or default_taxonomy()
    check_taxonomy(taxonomy)
    rng = np.random.default_rng(seed)
    first = pd.Timestamp(start).normalize()
    end = first + pd.DateOffset(years=years)
    span = float((end - first).days)
    steps = Steps()
    homes = draw_households(rng, families, first, years)
    sizes, shifts = (np.array(column) for column in zip(*WARDS.values(), strict=True))
    area = rng.choice(len(WARDS), size=families, p=sizes / sizes.sum())
    needs, intensity = draw_needs(rng, shifts[area], homes["children"])
    crises = draw_crises(rng, needs, intensity, years)
    leads = lead_periods(rng, crises, needs, span)
    crises, leads = calmer_when_led(rng, crises, leads, span)
    bursts = burst_contacts(rng, steps, crises, leads, span)
    batches = [bursts, lead_contacts(rng, steps, leads, bursts, span),
               routine_contacts(rng, steps, homes, years, span)]
    offset = sum(batch["family"].size for batch in batches)
    batches.append(girl_contacts(rng, steps, homes, offset, span, first))
    placed = place_contacts(rng, steps, homes, batches, first, span)
    return Population(
        contacts=contacts_frame(rng, steps, taxonomy, placed, homes, first),
        people=people_frame(rng, homes),
        families=assign_workers(families_frame(homes, area, leads, span, first), list(WARDS)),
        start=first,
        end=end,
    )


def write_population(population: Population, out_dir: str | Path) -> dict[str, Path]:
    """Write ``contacts.csv``, ``people.csv`` and ``families.csv`` into ``out_dir`` (created).

    Times are written as ISO 8601 (``2019-03-04T17:05:00``), lead-professional
    dates as ``YYYY-MM-DD``, and missing values as empty fields.

    Returns
    -------
    dict
        ``{"contacts": path, "people": path, "families": path}``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths = write_population(generate(5, seed=3), folder)
    ...     sorted(p.name for p in paths.values())
    ['contacts.csv', 'families.csv', 'people.csv']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / f"{name}.csv" for name in ("contacts", "people", "families")}
    # Formatting the times in numpy is several times faster than to_csv's date_format.
    seconds = population.contacts["occurred_at"].to_numpy().astype("datetime64[s]")
    contacts = population.contacts.assign(occurred_at=np.datetime_as_string(seconds, unit="s"))
    contacts.to_csv(paths["contacts"], index=False, lineterminator="\n")
    population.people.to_csv(paths["people"], index=False, lineterminator="\n")
    population.families.to_csv(paths["families"], index=False, lineterminator="\n",
                               date_format="%Y-%m-%d")
    return paths
