"""One family's journey page: metrics computed live from its rows, maps, intervention points.

A family's rows are few (hundreds), so the analyses run on them at request
time with the parameters of the stored population analysis; the page then
agrees with the families list. The page does not draw the maps: each iframe's
request draws its map (with its legend) and the app caches the document per
data version. Rows and analyses live only as long as one request (see
:meth:`web.data.ServiceData.per_request`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd
from flask import url_for

from journey.analysis import AnalysisParameters
from journey.errors import NotFoundError
from journey.store import ContactFilter
from web.contexts.common import analysis_status, records
from web.data import ServiceData
from web.maps_view import MapDocument

__all__ = [
    "FamilyRows",
    "family_rows",
    "family_analysis",
    "family_context",
    "family_map",
    "MAP_KINDS",
]

MAP_KINDS = {
    "swimlane": "Swimlane journey map",
    "network": "Network map of members and agencies",
}
# The analysis parameters' documented defaults, used until `journey analyse` has stored its own.
_DEFAULTS = asdict(AnalysisParameters())


@dataclass(frozen=True)
class FamilyRows:
    """One family's stored rows: contacts (one per contact and person), people, lead periods."""

    family_id: str
    area: str | None
    contacts: pd.DataFrame
    people: pd.DataFrame
    lead_periods: pd.DataFrame


def _area(data: ServiceData, family_id: str) -> tuple[bool, str | None]:
    families = data.cached(("families",), lambda: data.store.families().set_index("family_id"))
    if family_id not in families.index:
        return False, None
    area = families.at[family_id, "area"]
    return True, None if pd.isna(area) else str(area)


def _read_rows(data: ServiceData, family_id: str) -> FamilyRows:
    known, area = _area(data, family_id)
    contacts = data.store.contacts(ContactFilter(family_id=family_id))
    people = data.store.people(family_id)
    if not known and contacts.empty and people.empty:
        raise NotFoundError(f"There is no family {family_id!r} in the store.")
    return FamilyRows(family_id, area, contacts, people, data.store.lead_periods(family_id))


def family_rows(data: ServiceData, family_id: str) -> FamilyRows:
    """Read one family's rows from the store (once per request: the page also draws its maps).

    Raises
    ------
    NotFoundError
        When the store knows no family ``family_id``.
    """
    return data.per_request(("family_rows", family_id), lambda: _read_rows(data, family_id))


def _parameters(data: ServiceData) -> dict[str, Any]:
    return {**_DEFAULTS, **{k: v for k, v in data.parameters().items() if k in _DEFAULTS}}


def _first(frame: pd.DataFrame | None) -> dict[str, Any]:
    return {} if frame is None or frame.empty else frame.iloc[0].to_dict()


def _high_contact(data: ServiceData, rows: FamilyRows) -> Any:
    from journey import high_contact

    p = _parameters(data)
    return high_contact.high_contact(
        rows.contacts,
        rows.people,
        window_days=p["window_days"],
        min_contacts=p["min_contacts"],
        min_agencies=p["min_agencies"],
        by_age=p["by_age"],
    )


def _uncoordinated(data: ServiceData, rows: FamilyRows) -> Any:
    from journey import uncoordinated

    p = _parameters(data)
    return uncoordinated.uncoordinated(
        rows.contacts,
        rows.lead_periods,
        parallel_days=p["parallel_days"],
        assessment_days=p["assessment_days"],
        taxonomy=data.taxonomy,
    )


def _once(data: ServiceData, name: str, rows: FamilyRows, compute) -> Any:
    return data.per_request((name, rows.family_id), lambda: compute(data, rows))


def _analyse(data: ServiceData, rows: FamilyRows) -> dict[str, Any]:
    from journey import indicators, intervention

    p = _parameters(data)
    high = _once(data, "high_contact", rows, _high_contact)
    eligible = indicators.eligibility(
        rows.contacts,
        rows.lead_periods,
        taxonomy=data.taxonomy,
        indicator_set=p["indicator_set"],
        window_days=p["window_days"],
    )
    first_crossed = _first(high.families).get("first_crossed")
    first_eligible = _first(eligible.families).get("first_eligible")
    points = intervention.family_intervention_points(
        rows.contacts,
        rows.people,
        rows.lead_periods,
        threshold_date=None if pd.isna(first_crossed) else first_crossed,
        eligibility_date=None if pd.isna(first_eligible) else first_eligible,
    )
    return {
        "parameters": p,
        "high": high,
        "uncoordinated": _once(data, "uncoordinated", rows, _uncoordinated),
        "eligibility": eligible,
        "intervention": points,
    }


def family_analysis(data: ServiceData, rows: FamilyRows) -> dict[str, Any]:
    """The analyses' results for one family (once per request)."""
    return _once(data, "family_analysis", rows, _analyse)


def _peak_contact_ids(contacts: pd.DataFrame, high_row: dict[str, Any]) -> list[str]:
    ids = high_row.get("peak_contact_ids")
    if isinstance(ids, list | tuple) or hasattr(ids, "tolist"):
        return [str(i) for i in list(ids)]
    start, end = high_row.get("peak_start"), high_row.get("peak_end")
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return []
    inside = contacts["occurred_at"].between(pd.Timestamp(start), pd.Timestamp(end))
    return sorted(contacts.loc[inside, "contact_id"].astype(str).unique())


def _uncoordinated_contacts(result: Any) -> pd.DataFrame:
    frame = getattr(result, "contacts", None)
    if frame is None or frame.empty:
        return pd.DataFrame(columns=["contact_id", "occurred_at", "agency", "reason"])
    if "uncoordinated" in frame.columns:
        frame = frame[frame["uncoordinated"].astype(bool)]
    return frame


def _uncoordinated_reasons(unco: pd.DataFrame) -> dict[str, str] | list[str]:
    """Contact id -> why it was uncoordinated (for the map's tooltips), when reasons are known."""
    ids = unco["contact_id"].astype(str)
    if "reason" in unco.columns:
        return dict(zip(ids, unco["reason"].astype(str), strict=True))
    return sorted(ids.unique())


def _build_map(
    data: ServiceData, family_id: str, kind: str, assets: str, max_contacts: int
) -> MapDocument:
    from journey.maps import network_map, swimlane_map

    rows = family_rows(data, family_id)
    title = f"Family {family_id} — {MAP_KINDS[kind].lower()}"
    if kind == "network":
        return MapDocument.of(
            network_map(
                rows.contacts,
                people=rows.people,
                assets=assets,
                title=title,
                taxonomy=data.taxonomy,
                show_legend=True,
            )
        )
    # The swimlane highlights the peak window and uncoordinated contacts: only those analyses.
    high_row = _first(_once(data, "high_contact", rows, _high_contact).families)
    unco = _uncoordinated_contacts(_once(data, "uncoordinated", rows, _uncoordinated))
    journey_map = swimlane_map(
        rows.contacts,
        people=rows.people,
        peak_contact_ids=_peak_contact_ids(rows.contacts, high_row),
        uncoordinated_contact_ids=_uncoordinated_reasons(unco),
        max_contacts=max_contacts,
        assets=assets,
        title=title,
        taxonomy=data.taxonomy,
        show_legend=True,
    )
    return MapDocument.of(journey_map)


def family_map(
    data: ServiceData, family_id: str, kind: str, *, assets: str, max_contacts: int = 500
) -> MapDocument:
    """One of the family's journey maps (``swimlane`` or ``network``), cached per data version.

    Raises
    ------
    NotFoundError
        When the store knows no family ``family_id``.
    """
    key = ("family_map", family_id, kind, assets, max_contacts)
    return data.cached(key, lambda: _build_map(data, family_id, kind, assets, max_contacts))


def _lead_periods(periods: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for period in records(periods, ["lead_from", "lead_to"]):
        end = period["lead_to"]
        open_ = end is None or pd.isna(end)
        period["open"] = open_
        period["days"] = None if open_ else int((end - period["lead_from"]).days)
        out.append(period)
    return out


def _summary(rows: FamilyRows) -> dict[str, Any]:
    contacts = rows.contacts
    once = contacts.drop_duplicates("contact_id")
    return {
        "contacts": int(len(once)),
        "contact_rows": int(len(contacts)),
        "agencies": int(contacts["agency"].nunique()),
        "people": int(max(len(rows.people), contacts["person_id"].nunique())),
        "first_contact": once["occurred_at"].min() if len(once) else None,
        "last_contact": once["occurred_at"].max() if len(once) else None,
        "by_agency": records(
            once.groupby(["agency", "sector"], as_index=False)
            .size()
            .rename(columns={"size": "contacts"})
            .sort_values(["contacts", "agency"], ascending=[False, True])
        ),
    }


def _maps(family_id: str, contacts: int, max_contacts: int) -> dict[str, dict[str, Any]]:
    """Where the page's iframes load the two maps from, and the note when the swimlane aggregates.

    The maps are drawn by their own requests (in parallel, each with its
    legend), so the page does not wait for them.
    """
    maps = {}
    for kind, label in MAP_KINDS.items():
        url = url_for("families.family_map_document", family_id=family_id, kind=kind)
        maps[kind] = {
            "url": url,
            "title": f"{label} of family {family_id}",
            "aggregated": False,
            "note": None,
        }
    if contacts > max_contacts:  # the rule of journey.maps.swimlane_map
        maps["swimlane"]["aggregated"] = True
        maps["swimlane"]["note"] = (
            f"This journey has {contacts:,} contacts, more than {max_contacts:,}: the map groups "
            "them by week for each agency. The tables below list every contact's details."
        )
    return maps


def family_context(data: ServiceData, family_id: str, *, max_contacts: int = 500) -> dict[str, Any]:
    """Everything the family page shows, computed from the family's own rows.

    Parameters
    ----------
    data : ServiceData
        The app's store and caches.
    family_id : str
        The family.
    max_contacts : int, default 500
        The swimlane map aggregates beyond this many contacts (the page says so).

    Raises
    ------
    NotFoundError
        When the store knows no family ``family_id`` (a 404 page).
    """
    rows = family_rows(data, family_id)
    summary = _summary(rows)
    context: dict[str, Any] = {
        "page_title": f"Family {family_id}",
        **analysis_status(data),
        "family_id": family_id,
        "area": rows.area,
        "summary": summary,
        "people": records(rows.people, ["person_id", "role", "birth_month", "sex"]),
        "lead_periods": _lead_periods(rows.lead_periods),
        "maps": {},
    }
    if rows.contacts.empty:
        return context
    context.update(_metrics(family_analysis(data, rows), rows))
    context["maps"] = _maps(family_id, summary["contacts"], max_contacts)
    return context


def _metrics(analysis: dict[str, Any], rows: FamilyRows) -> dict[str, Any]:
    high_row = _first(analysis["high"].families)
    unco_row = _first(analysis["uncoordinated"].families)
    eligible_row = _first(analysis["eligibility"].families)
    unco_contacts = _uncoordinated_contacts(analysis["uncoordinated"])
    indicators = [i for i in str(eligible_row.get("indicators") or "").split(";") if i]
    points = analysis["intervention"]
    return {
        "parameters": analysis["parameters"],
        "high_contact": high_row,
        "high_contact_people": records(getattr(analysis["high"], "people", None)),
        "uncoordinated": unco_row,
        "uncoordinated_contacts": records(unco_contacts),
        "eligibility": {**eligible_row, "indicator_list": indicators},
        "intervention": _intervention(points),
    }


def _intervention(points: Any) -> dict[str, Any]:
    """The family's ranked points of contact with reasons, intervention window and lead delay."""
    columns = [
        "rank",
        "agency",
        "sector",
        "contacts",
        "first_contact",
        "saw_before_threshold",
        "days_before_threshold",
        "members_connected",
        "betweenness",
        "score",
        "reasons",
    ]
    return {
        "agencies": records(points.agencies, columns),
        "top": points.top,
        "window_start": points.window_start,
        "window_end": points.window_end,
        "window_end_event": points.window_end_event,
        "window_days": points.window_days,
        "lead_assigned": points.lead_assigned,
        "days_before_lead": points.days_before_lead,
    }
