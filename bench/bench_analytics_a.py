"""Journeys, high-contact journeys, uncoordinated contacts and eligibility at 100k and 1M rows.

The population is synthetic (``journey.synthetic.generate``) passed through the
contract's validation, so the frames are exactly what the analyses receive from
a store. Target: the three analyses together within 2.5 s at 1M rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.common import Measurement, measure
from journey.high_contact import high_contact
from journey.indicators import eligibility
from journey.journeys import family_journeys, prepare
from journey.synthetic import generate
from journey.taxonomy import default_taxonomy
from journey.uncoordinated import uncoordinated
from journey.validation import validate_contacts, validate_families


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame as the loader reads a CSV file: text columns plus a ``line`` column."""
    text = frame.copy()
    for column in text.columns:
        values = text[column]
        if pd.api.types.is_datetime64_dtype(values.dtype):
            text[column] = np.datetime_as_string(values.to_numpy().astype("datetime64[s]"), "s")
            text.loc[values.isna(), column] = None
        else:
            text[column] = values.astype(object).where(values.notna(), None)
    text.insert(0, "line", np.arange(2, len(text) + 2))
    return text


def population(families: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(contacts, people, lead periods) of a validated synthetic population."""
    generated = generate(families, seed=1)
    contacts = validate_contacts(_as_text(generated.contacts), source="contacts.csv",
                                 taxonomy=default_taxonomy(), now=generated.end).valid
    _, periods = validate_families(_as_text(generated.families), source="families.csv")
    return contacts, generated.people, periods


def run() -> list[Measurement]:
    results = []
    for families, target in [(4000, None), (40000, 2.5)]:
        contacts, people, periods = population(families)
        rows = f"{len(contacts):,} rows"
        results += [
            measure(f"family_journeys, {rows}", lambda c=contacts: family_journeys(c), repeat=3),
            measure(f"high_contact, {rows}", lambda c=contacts, p=people: high_contact(c, p),
                    repeat=3),
            measure(f"uncoordinated, {rows}", lambda c=contacts, lp=periods: uncoordinated(c, lp),
                    repeat=3),
            measure(f"eligibility, {rows}", lambda c=contacts, lp=periods: eligibility(c, lp),
                    repeat=3),
        ]

        def together(c=contacts, p=people, lp=periods) -> None:
            shared = prepare(c)
            high_contact(shared, p)
            uncoordinated(shared, lp)
            eligibility(shared, lp)

        results.append(measure(f"all three (shared preparation), {rows}", together, repeat=3,
                               target_s=target))
    return results
