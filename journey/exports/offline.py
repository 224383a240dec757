"""The ``html`` export: one self-contained, interactive map file that opens from ``file://``.

Drawn by the same functions as the web app's maps (:func:`journey.maps.swimlane_map`,
:func:`journey.maps.pathways_map`) with ``assets="inline"``: vis-network, the
map's script and style sheet are inside the file, its Content-Security-Policy
forbids every request, and zoom, pan and tooltips work offline. The export
adds its title block (parameters, date generated, de-identified or not) to
the map's header.

A de-identified family map is drawn from the export model, never from the
family's rows: contacts are ``c1`` … , members their roles, and the contacts
are placed on a calendar that starts on 3 January 2000 (a Monday, so weeks
still start on Mondays), written as days since the first contact.
"""

from __future__ import annotations

import html

import pandas as pd

from journey.exports.model import FamilyExport, PathwaysExport
from journey.exports.titles import title_lines
from journey.journeys import MAX_DETAILED_CONTACTS
from journey.taxonomy import Taxonomy

__all__ = ["family_html", "family_network_html", "pathways_html", "STAND_IN_ORIGIN"]

#: Day 0 of a de-identified map's stand-in calendar (a Monday).
STAND_IN_ORIGIN = pd.Timestamp("2000-01-03")


def _with_title_block(page: str, model: FamilyExport | PathwaysExport) -> str:
    lines = "".join(
        f'<p class="journey-map-note">{html.escape(line)}</p>' for line in title_lines(model)[1:]
    )
    return page.replace("</header>", lines + "</header>", 1)


def map_contacts(model: FamilyExport) -> pd.DataFrame:
    """The model's contacts as the contract rows a swimlane map draws (one row per member)."""
    contacts = model.contacts
    if model.identified:
        when = pd.to_datetime(contacts["date"])
    else:
        when = STAND_IN_ORIGIN + pd.to_timedelta(contacts["day"], unit="D")
    width = len(str(len(contacts)))
    rows = pd.DataFrame({
        # Zero-padded, so that the map's tie-break by id keeps the model's order.
        "contact_id": [f"c{i:0{width}d}" for i in range(1, len(contacts) + 1)],
        "person_id": [m.split("; ") if m else ["Member"] for m in contacts["members"]],
        "family_id": model.label,
        "agency": contacts["agency"], "sector": contacts["sector"],
        "contact_type": contacts["contact_type"], "occurred_at": when.astype("datetime64[ns]"),
    })  # fmt: skip
    return rows.explode("person_id", ignore_index=True)


def family_html(model: FamilyExport, *, taxonomy: Taxonomy | None = None) -> bytes:
    """The family's swimlane map as one offline HTML file."""
    from journey.maps import swimlane_map

    rows = map_contacts(model)
    ids = rows.drop_duplicates("contact_id")["contact_id"].reset_index(drop=True)
    peak = ids[model.contacts["peak"].to_numpy()].tolist()
    unco = ids[model.contacts["uncoordinated"].to_numpy()].tolist()
    journey_map = swimlane_map(
        rows, peak_contact_ids=peak, uncoordinated_contact_ids=unco,
        max_contacts=MAX_DETAILED_CONTACTS if not model.aggregated else 0,
        assets="inline", title=model.description, taxonomy=taxonomy, show_legend=True,
        relative_days=not model.identified,
    )  # fmt: skip
    return _with_title_block(journey_map.html, model).encode("utf-8")


def family_network_html(model: FamilyExport, *, taxonomy: Taxonomy | None = None) -> bytes:
    """The family's members and the agencies they met, as one offline HTML file."""
    from journey.maps import network_map

    rows = map_contacts(model)
    members = model.members
    people = pd.DataFrame({"person_id": members["member"], "family_id": model.label,
                           "role": " "})  # blank: the member's label already says the role
    title = f"Family members and agencies: {model.label}"
    journey_map = network_map(rows, people=people, assets="inline", title=title,
                              taxonomy=taxonomy, show_legend=True)  # fmt: skip
    return _with_title_block(journey_map.html, model).encode("utf-8")


def pathways_html(model: PathwaysExport, *, taxonomy: Taxonomy | None = None) -> bytes:
    """The cohort's pathways map as one offline HTML file."""
    from journey.maps import pathways_map

    journey_map = pathways_map(
        model.flows, min_transitions=1, ends=model.ends, assets="inline",
        title=model.description, taxonomy=taxonomy, show_legend=True,
    )  # fmt: skip
    return _with_title_block(journey_map.html, model).encode("utf-8")
