"""What journeys cost: unit costs per contact, each family's journey, agencies, before and after.

Definitions (docs/analyses.md#journey-costs). A unit-cost table has one row
per (sector, agency, contact type) with a cost in pounds and its ``source``;
an empty sector, agency or contact type matches any. A contact takes the cost
of its most specific matching row: agency and type, then agency, then sector
and type, then sector, then type, then the catch-all row (all three empty);
a contact no row matches costs 0. The shipped table
(``journey/data/unit_costs.csv``) is illustrative throughout: every row's
source says ``illustrative``, and so does every page and file that uses it.
"""

from __future__ import annotations

from importlib import resources
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd

from journey.errors import ParameterError
from journey.outcomes import add_months

__all__ = ["UNIT_COST_COLUMNS", "COST_COLUMNS", "load_unit_costs", "contact_costs",
           "priced_contacts", "pathway_costs", "journey_costs", "agency_costs"]  # fmt: skip

UNIT_COST_COLUMNS = ["sector", "agency", "contact_type", "cost_gbp", "source"]
COST_COLUMNS = ["family_id", "contacts", "cost_gbp", "first_contact", "last_contact", "years",
                "cost_per_year", "lead_from", "cost_12m_before", "cost_12m_after",
                "illustrative"]  # fmt: skip
# Most specific first: which of (sector, agency, contact_type) a row must name.
_SPECIFICITY = [("agency", "contact_type"), ("agency",), ("sector", "contact_type"), ("sector",),
                ("contact_type",), ()]  # fmt: skip


def load_unit_costs(path: str | Path | None = None) -> pd.DataFrame:
    """Read a unit-cost CSV (``None``: the shipped, illustrative table).

    Raises
    ------
    ParameterError
        Naming the file, the line and the column: a missing column, a cost
        that is not a number of pounds at least 0, an empty source, or two
        rows for the same (sector, agency, contact type).
    """
    if path is None:
        text = resources.files("journey.data").joinpath("unit_costs.csv").read_text("utf-8")
        where = "shipped unit costs"
    else:
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            why = getattr(error, "strerror", None) or "not UTF-8 text"
            raise ParameterError(f"{path}: cannot read the unit costs ({why})") from None
        where = str(path)
    table = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)
    missing = [c for c in UNIT_COST_COLUMNS if c not in table.columns]
    if missing:
        raise ParameterError(f"{where}: missing column(s): {', '.join(missing)}")
    table = table[UNIT_COST_COLUMNS].apply(lambda column: column.str.strip())
    cost = pd.to_numeric(table["cost_gbp"], errors="coerce")
    for index in table.index[~(cost >= 0) | (table["source"] == "")]:
        column = "source" if cost[index] >= 0 else "cost_gbp"
        why = "a source is required" if column == "source" else "must be pounds >= 0"
        raise ParameterError(f"{where}: line {index + 2}: {column}: {why}, "
                             f"not {table.loc[index, column]!r}")  # fmt: skip
    repeated = table.duplicated(["sector", "agency", "contact_type"], keep="first")
    if repeated.any():
        raise ParameterError(f"{where}: line {int(np.argmax(repeated)) + 2}: repeats an earlier "
                             "row's sector, agency and contact type")  # fmt: skip
    return table.assign(cost_gbp=cost.astype(float)).replace({"": None})


def contact_costs(contacts: pd.DataFrame, unit_costs: pd.DataFrame) -> pd.DataFrame:
    """``cost_gbp`` and ``source`` of each contact row (by the most specific matching row)."""
    cost = pd.Series(np.nan, index=contacts.index)
    source = pd.Series(None, index=contacts.index, dtype=object)
    for named in _SPECIFICITY:
        others = [c for c in ("sector", "agency", "contact_type") if c not in named]
        rows = unit_costs[unit_costs[list(named)].notna().all(axis=1)
                          & unit_costs[others].isna().all(axis=1)]  # fmt: skip
        if rows.empty:
            continue
        if named:
            keys = rows.set_index(list(named))
            index = pd.MultiIndex.from_frame(contacts[list(named)]) if len(named) > 1 \
                else pd.Index(contacts[named[0]])
            found = keys.reindex(index)
            found_cost, found_source = found["cost_gbp"].to_numpy(), found["source"].to_numpy()
        else:
            found_cost = np.full(len(contacts), rows["cost_gbp"].iloc[0])
            found_source = np.full(len(contacts), rows["source"].iloc[0], dtype=object)
        todo = cost.isna().to_numpy() & ~pd.isna(found_cost)
        cost[todo] = found_cost[todo]
        source[todo] = found_source[todo]
    return pd.DataFrame({"cost_gbp": cost.fillna(0.0), "source": source}, index=contacts.index)


def priced_contacts(contacts: pd.DataFrame, unit_costs: pd.DataFrame) -> pd.DataFrame:
    """``contacts`` with their :func:`contact_costs` joined (as given when already priced).

    The cost functions below take priced or unpriced contacts, so a caller
    pricing once (the outcomes run) does not price the population four times.
    """
    if {"cost_gbp", "source"} <= set(contacts.columns):
        return contacts
    return contacts.join(contact_costs(contacts, unit_costs))


def journey_costs(contacts: pd.DataFrame, lead_periods: pd.DataFrame,
                  unit_costs: pd.DataFrame) -> pd.DataFrame:
    """One row per family (:data:`COST_COLUMNS`): its journey's cost, per year, around its lead.

    ``contacts`` are distinct family contacts. ``years`` is the journey's
    length from first to last contact in years of 365.25 days, at least 1;
    ``cost_12m_before`` and ``cost_12m_after`` are the costs in the 12
    calendar months before and from the start of its first lead-professional
    period (empty without one); ``illustrative`` says whether any of its
    contacts took an illustrative cost.
    """
    priced = priced_contacts(contacts, unit_costs)
    # Grouped by integer family codes (sorted as the family ids are), on the needed columns only.
    family, families = pd.factorize(priced["family_id"], sort=True)
    source, sources = pd.factorize(priced["source"])
    named_illustrative = pd.Series(sources, dtype=object).str.lower().eq("illustrative")
    illustrative = np.append(named_illustrative.to_numpy(dtype=bool), True)[source]  # -1: none
    when = priced["occurred_at"].to_numpy(dtype="datetime64[ns]")
    rows = pd.DataFrame({"family": family, "cost_gbp": priced["cost_gbp"].to_numpy(dtype=float),
                         "occurred_at": when, "illustrative": illustrative})  # fmt: skip
    rows = rows[family >= 0]
    grouped = rows.groupby("family", sort=True)
    frame = pd.DataFrame({
        "contacts": grouped.size(), "cost_gbp": grouped["cost_gbp"].sum(),
        "first_contact": grouped["occurred_at"].min(), "last_contact": grouped["occurred_at"].max(),
        "illustrative": grouped["illustrative"].any(),
    })  # fmt: skip
    frame.insert(0, "family_id", np.asarray(families, dtype=object)[frame.index.to_numpy()])
    frame = frame.reset_index(drop=True)
    span = (frame["last_contact"] - frame["first_contact"]).dt.days / 365.25
    frame["years"] = span.clip(lower=1.0).round(2)
    frame["cost_per_year"] = (frame["cost_gbp"] / frame["years"]).round(2)
    first = lead_periods.dropna(subset=["lead_from"]).groupby("family_id")["lead_from"].min()
    lead_from = first.reindex(families).astype("datetime64[ns]")
    frame["lead_from"] = lead_from.to_numpy()
    # Each contact against its family's first lead period: 12 months before, 12 from its start.
    has_lead = lead_from.notna().to_numpy()
    lead = rows[has_lead[rows["family"].to_numpy()]]
    at = lead["family"].to_numpy()
    known = lead_from.fillna(pd.Timestamp(0))  # families without a lead are not among ``at``
    start = add_months(known, -12).to_numpy()[at]
    end = add_months(known, 12).to_numpy()[at]
    begins, when = lead_from.to_numpy()[at], lead["occurred_at"].to_numpy()
    before = lead[(when >= start) & (when < begins)].groupby("family")["cost_gbp"].sum()
    after = lead[(when >= begins) & (when < end)].groupby("family")["cost_gbp"].sum()
    codes = pd.Series(np.arange(len(families)))
    frame["cost_12m_before"] = codes.map(before).fillna(0.0).where(has_lead).to_numpy()
    frame["cost_12m_after"] = codes.map(after).fillna(0.0).where(has_lead).to_numpy()
    return frame[COST_COLUMNS]


def agency_costs(contacts: pd.DataFrame, unit_costs: pd.DataFrame) -> pd.DataFrame:
    """Per agency: ``agency, sector, contacts, families, cost_gbp``, the costliest first."""
    priced = priced_contacts(contacts, unit_costs)
    grouped = priced.groupby(["agency", "sector"], dropna=False)
    frame = pd.DataFrame({"contacts": grouped.size(), "families": grouped["family_id"].nunique(),
                          "cost_gbp": grouped["cost_gbp"].sum()}).reset_index()  # fmt: skip
    return frame.sort_values(["cost_gbp", "agency"], ascending=[False, True],
                             kind="mergesort").reset_index(drop=True)  # fmt: skip


def pathway_costs(contacts: pd.DataFrame, unit_costs: pd.DataFrame, *,
                  in_journey_order: bool = False) -> pd.DataFrame:
    """Per pathway between two agencies: ``from_agency, to_agency, transitions, families,
    cost_gbp, mean_cost_gbp``, the costliest first.

    A pathway is a family's contact followed by its next contact with another
    agency (distinct contacts in time order, ties by contact id; repeats with
    one agency are not pathways, as on the pathways page); its cost is that of
    the contact it leads to. ``in_journey_order=True`` says ``contacts`` are
    already sorted by family, time and contact id (as
    :func:`journey.outcomes.distinct_contacts` gives them), saving a sort.

    Examples
    --------
    >>> contacts = pd.DataFrame({"family_id": ["F1"] * 3, "contact_id": ["c1", "c2", "c3"],
    ...     "agency": ["Police", "Police", "GP"], "sector": ["police", "police", "health"],
    ...     "contact_type": ["incident", "incident", "appointment"],
    ...     "occurred_at": pd.to_datetime(["2021-01-01", "2021-02-01", "2021-03-01"])})
    >>> costs = pd.DataFrame({"sector": [None], "agency": ["GP"], "contact_type": [None],
    ...                       "cost_gbp": [40.0], "source": ["illustrative"]})
    >>> pathway_costs(contacts, costs)[["from_agency", "to_agency", "transitions", "cost_gbp"]
    ...                                ].values.tolist()
    [['Police', 'GP', 1, 40.0]]
    """
    columns = ["from_agency", "to_agency", "transitions", "families", "cost_gbp", "mean_cost_gbp"]
    priced = priced_contacts(contacts, unit_costs)
    if not in_journey_order:
        priced = priced.sort_values(["family_id", "occurred_at", "contact_id"], kind="mergesort")
    # Steps by integer codes: a contact and the one before it in the same family.
    agency, agencies = pd.factorize(priced["agency"])
    family = pd.factorize(priced["family_id"])[0]
    cost = priced["cost_gbp"].to_numpy(dtype=float)
    before, after = agency[:-1], agency[1:]
    same_family = (family[1:] == family[:-1]) & (family[1:] >= 0)
    step = same_family & (before >= 0) & (after >= 0) & (before != after)
    if not step.any():
        return pd.DataFrame(columns=columns)
    steps = pd.DataFrame({"from_agency": before[step], "to_agency": after[step],
                          "family_id": family[1:][step], "cost_gbp": cost[1:][step]})  # fmt: skip
    grouped = steps.groupby(["from_agency", "to_agency"])
    frame = pd.DataFrame({"transitions": grouped.size(), "families": grouped["family_id"].nunique(),
                          "cost_gbp": grouped["cost_gbp"].sum()}).reset_index()  # fmt: skip
    names = np.asarray(agencies, dtype=object)
    frame["from_agency"] = names[frame["from_agency"].to_numpy()]
    frame["to_agency"] = names[frame["to_agency"].to_numpy()]
    frame["mean_cost_gbp"] = (frame["cost_gbp"] / frame["transitions"]).round(2)
    frame = frame.sort_values(["cost_gbp", "from_agency", "to_agency"],
                              ascending=[False, True, True], kind="mergesort")
    return frame[columns].reset_index(drop=True)
