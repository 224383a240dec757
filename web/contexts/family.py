"""One family's journey page: metrics computed live from its rows, maps, intervention points.

A family's rows are few (hundreds), so the analyses run on them at request
time with the parameters of the stored population analysis; the page then
agrees with the families list. The page does not draw the maps: each iframe's
request draws its map (with its legend) and the app caches the document per
data version. Rows and analyses live only as long as one request (see
:meth:`web.data.ServiceData.per_request`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd
from flask import url_for

from journey.analysis import FamilyAnalysis, analyse_family
from journey.errors import NotFoundError
from journey.intervention import FamilyInterventionPoints
from journey.journeys import MAX_DETAILED_CONTACTS, agency_counts, is_aggregated
from journey.members import AGE_BASIS
from journey.parameters import AnalysisParameters
from journey.store import ContactFilter
from web.contexts.common import analysis_meta, records
from web.data import ServiceData
from web.maps_view import MapDocument

__all__ = [
    "FamilyRows",
    "family_rows",
    "family_analysis",
    "family_context",
    "family_page",
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


def _parameters(data: ServiceData) -> AnalysisParameters:
    """The stored population run's parameters (the documented defaults before any run)."""
    stored = data.parameters()
    return AnalysisParameters(**{k: stored[k] for k in _DEFAULTS if k in stored})


def _first(frame: pd.DataFrame | None) -> dict[str, Any]:
    return {} if frame is None or frame.empty else frame.iloc[0].to_dict()


def family_analysis(data: ServiceData, rows: FamilyRows) -> FamilyAnalysis:
    """One family's analyses (once per request), run as the population run ran them."""
    return data.per_request(
        ("family_analysis", rows.family_id),
        lambda: analyse_family(
            rows.contacts,
            rows.people,
            rows.lead_periods,
            taxonomy=data.taxonomy,
            parameters=_parameters(data),
        ),
    )


def _peak_contact_ids(high_row: dict[str, Any]) -> list[str]:
    return [str(i) for i in high_row.get("peak_contact_ids", ())]


def _uncoordinated_contacts(analysis: FamilyAnalysis) -> pd.DataFrame:
    contacts = analysis.uncoordinated.contacts
    return contacts[contacts["uncoordinated"]]


def _uncoordinated_reasons(unco: pd.DataFrame) -> dict[str, str]:
    """Contact id -> why it was uncoordinated (for the map's tooltips)."""
    return dict(zip(unco["contact_id"].astype(str), unco["reason"].astype(str), strict=True))


def _map_windows(high_row: dict[str, Any], parameters: AnalysisParameters) -> list:
    """The swimlane's shaded windows, each named for what it is: the window that met the
    threshold (when one did) and the busiest one, which may hold fewer agencies."""
    from journey.maps import MapWindow

    windows = []
    if high_row.get("is_high_contact"):
        windows.append(MapWindow(
            "threshold",
            f"Window that met the threshold (the first): {high_row['threshold_contacts']:,} "
            f"contacts with {high_row['threshold_agencies']:,} agencies",
            high_row["threshold_start"], high_row["first_crossed"],
        ))
    if high_row.get("peak_contacts"):
        agencies = int(high_row["peak_agencies"])
        below = (f" (fewer agencies than the threshold of {parameters.min_agencies})"
                 if agencies < parameters.min_agencies else "")
        windows.append(MapWindow(
            "busiest",
            f"Busiest window (most contacts): {int(high_row['peak_contacts']):,} contacts with "
            f"{agencies:,} agencies{below}",
            high_row["peak_start"], high_row["peak_end"],
        ))
    return windows


def _build_map(
    data: ServiceData, family_id: str, kind: str, assets: str, max_contacts: int,
    deidentify: Callable[[FamilyRows], FamilyRows] | None = None,
) -> MapDocument:
    from journey.maps import network_map, swimlane_map

    rows = family_rows(data, family_id)
    relative = deidentify is not None
    if relative:
        rows = deidentify(rows)
        family_id = rows.family_id
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
    # The swimlane marks the peak window and the uncoordinated contacts (when there are any).
    peak: list[str] = []
    reasons: dict[str, str] = {}
    windows: list = []
    journey = None
    parameters = _parameters(data)
    if not rows.contacts.empty:
        analysis = family_analysis(data, rows)
        high_row = _first(analysis.high_contact.families)
        peak = _peak_contact_ids(high_row)
        windows = _map_windows(high_row, parameters)
        reasons = _uncoordinated_reasons(_uncoordinated_contacts(analysis))
        journey = analysis.journey
    journey_map = swimlane_map(
        rows.contacts,
        journey=journey,
        people=rows.people,
        peak_contact_ids=peak,
        uncoordinated_contact_ids=reasons,
        windows=windows,
        by_age=parameters.by_age,
        max_contacts=max_contacts,
        assets=assets,
        title=title,
        taxonomy=data.taxonomy,
        show_legend=True,
        relative_days=relative,
    )
    return MapDocument.of(journey_map)


def family_map(
    data: ServiceData, family_id: str, kind: str, *, assets: str,
    max_contacts: int = MAX_DETAILED_CONTACTS,
    deidentify: Callable[[FamilyRows], FamilyRows] | None = None,
) -> MapDocument:
    """One of the family's journey maps (``swimlane`` or ``network``), cached per data version.

    ``deidentify`` (from :func:`web.privacy.row_filter`) turns the family's rows
    into de-identified ones first; the swimlane then counts days from the first
    contact. The identified and the de-identified maps are cached apart.

    Raises
    ------
    NotFoundError
        When the store knows no family ``family_id``.
    """
    key = ("family_map", family_id, kind, assets, max_contacts, deidentify is not None)
    return data.cached(
        key, lambda: _build_map(data, family_id, kind, assets, max_contacts, deidentify)
    )


def _lead_periods(periods: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for period in records(periods, ["lead_from", "lead_to"]):
        end = period["lead_to"]
        open_ = end is None or pd.isna(end)
        period["open"] = open_
        period["days"] = None if open_ else int((end - period["lead_from"]).days)
        out.append(period)
    return out


def _summary(rows: FamilyRows, analysis: FamilyAnalysis | None) -> dict[str, Any]:
    """The family's totals, read from its analyses (None: a family without contacts)."""
    people = int(max(len(rows.people), rows.contacts["person_id"].nunique()))
    if analysis is None:
        return {"contacts": 0, "contact_rows": 0, "agencies": 0, "people": people,
                "first_contact": None, "last_contact": None, "by_agency": []}  # fmt: skip
    totals = _first(analysis.high_contact.families)
    return {
        "contacts": int(totals["total_contacts"]),
        "contact_rows": int(len(rows.contacts)),
        "agencies": int(totals["total_agencies"]),
        "people": people,
        "first_contact": totals["first_contact"],
        "last_contact": totals["last_contact"],
        "by_agency": records(agency_counts(analysis.journey)),
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
    if is_aggregated(contacts, max_contacts):
        maps["swimlane"]["aggregated"] = True
        maps["swimlane"]["note"] = (
            f"This journey has {contacts:,} contacts, more than {max_contacts:,}: the map counts "
            "them by week or month for each agency, and hides the next-contact lines (a switch "
            "above the map shows them). The tables below list every contact's details."
        )
    return maps


def family_context(
    data: ServiceData, family_id: str, *, max_contacts: int = MAX_DETAILED_CONTACTS
) -> dict[str, Any]:
    """Everything the family page shows, computed from the family's own rows (the JSON twin).

    Every key is present for every family: a family without contacts has
    null metrics and empty lists (its map documents say it has no contacts).

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
    family = None if rows.contacts.empty else family_analysis(data, rows)
    summary = _summary(rows, family)
    analysis = analysis_meta(data)
    context: dict[str, Any] = {
        "family_id": family_id,
        "area": rows.area,
        "analysed": analysis is not None,
        "analysis": analysis,
        "parameters": asdict(_parameters(data)),
        "summary": summary,
        "people": records(rows.people, ["person_id", "role", "birth_month", "sex"]),
        "lead_periods": _lead_periods(rows.lead_periods),
        "high_contact": None,
        "high_contact_people": [],
        "members": [],
        "age_basis": AGE_BASIS,
        "uncoordinated": None,
        "uncoordinated_contacts": [],
        "eligibility": None,
        "intervention": None,
        "maps": {
            kind: {"url": drawn["url"], "aggregated": drawn["aggregated"]}
            for kind, drawn in _maps(family_id, summary["contacts"], max_contacts).items()
        },
    }
    if family is not None:
        context.update(_metrics(family))
    return context


def family_page(
    context: dict[str, Any], *, max_contacts: int = MAX_DETAILED_CONTACTS
) -> dict[str, Any]:
    """What only the family page needs: map iframe titles, the aggregation note, the CSV link."""
    family_id = context["family_id"]
    return {
        "maps": _maps(family_id, context["summary"]["contacts"], max_contacts),
        "contacts_csv_url": url_for("families.family_contacts_csv", family_id=family_id),
    }


def _metrics(analysis: FamilyAnalysis) -> dict[str, Any]:
    high_row = _first(analysis.high_contact.families)
    eligible_row = _first(analysis.eligibility.families)
    indicators = [i for i in str(eligible_row.get("indicators") or "").split(";") if i]
    return {
        "high_contact": high_row,
        "high_contact_people": records(analysis.high_contact.people),
        "members": _members(analysis.members),
        "uncoordinated": _first(analysis.uncoordinated.families),
        "uncoordinated_contacts": records(_uncoordinated_contacts(analysis)),
        "eligibility": {**eligible_row, "indicator_list": indicators},
        "intervention": _intervention(analysis.intervention),
    }


def _members(members: pd.DataFrame) -> list[dict[str, Any]]:
    """Per-member results with missing values as None (the template tests them)."""
    return [
        {k: None if not isinstance(v, tuple | list) and pd.isna(v) else v for k, v in row.items()}
        for row in records(members)
    ]


def _intervention(points: FamilyInterventionPoints) -> dict[str, Any]:
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
