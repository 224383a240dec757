"""The journey export model: one family's journey, or a cohort's pathways, as they may leave.

Every export format is written from one of these two models, so that what a
file shows is decided once, here:

* :func:`family_export` — one family's contacts, one row per contact (each
  contact once, however many members it involved), with its members. De-identified
  (the default), members become roles (``"Mother"``, ``"Child 1, aged 12 at
  first contact"``), dates become days since the journey's first contact,
  contact ids become ``c1``, ``c2`` … in time order, the family is named by a
  label the caller chooses, and free text (``service``, ``source_system``)
  and the area are dropped;
* :func:`pathways_export` — one cohort's transitions between agencies and its
  journey ends, with the minimum frequency and the collapse-repeats choice
  applied; de-identified, the pathways and ends of 1 to the disclosure rule's
  ``highest`` families are left out (:mod:`journey.disclosure`).

Examples
--------
>>> contacts = pd.DataFrame({"contact_id": ["a", "b"], "person_id": ["P1", "P2"],
...     "family_id": "F1", "agency": ["Police", "School"], "sector": ["police", "education"],
...     "contact_type": ["incident", "exclusion"],
...     "occurred_at": pd.to_datetime(["2021-01-04", "2021-01-14"])})
>>> people = pd.DataFrame({"person_id": ["P1", "P2"], "family_id": "F1",
...     "role": ["parent", "child"], "birth_month": ["1990-02", "2008-05"], "sex": ["F", "M"]})
>>> model = family_export(contacts, people, label="Journey 1")
>>> model.contacts[["contact", "day", "agency", "members"]].to_dict("records")
... # doctest: +NORMALIZE_WHITESPACE
[{'contact': 'c1', 'day': 0, 'agency': 'Police', 'members': 'Mother'},
 {'contact': 'c2', 'day': 10, 'agency': 'School', 'members': 'Child 1, aged 12 at first contact'}]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from journey.contract import require_columns
from journey.disclosure import DEFAULT_RULE, SuppressionRule
from journey.errors import ParameterError
from journey.journeys import MAX_DETAILED_CONTACTS, family_journeys
from journey.members import age_in_years
from journey.taxonomy import Taxonomy, default_taxonomy

__all__ = [
    "FamilyExport",
    "PathwaysExport",
    "family_export",
    "pathways_export",
    "member_labels",
    "DEIDENTIFIED_NOTE",
    "PATHWAYS_NOTE",
]

PATHWAYS_NOTE = "De-identified: pathways and journey ends of few families are left out ({rule})."
DEIDENTIFIED_NOTE = (
    "De-identified: members shown as roles, dates as days since the first contact, "
    "ids replaced, areas and free text left out."
)
_ADULT_ROLES = {"parent": ("Mother", "Father", "Parent"), "carer": ("Carer",) * 3,
                "adult": ("Adult",) * 3}  # fmt: skip


@dataclass(frozen=True)
class FamilyExport:
    """One family's journey as it leaves the system.

    ``contacts`` has one row per contact in time order: ``contact, day,
    agency, sector, contact_type, members, member_count, peak,
    uncoordinated`` and, identified only, ``date``, ``contact_id`` and
    ``person_ids``. ``members`` has ``member, role, age_at_first_contact,
    contacts`` (and ``person_id`` identified). ``parameters`` are the choices
    the export was made with (shown in every title block).
    """

    label: str
    identified: bool
    contacts: pd.DataFrame
    members: pd.DataFrame
    parameters: dict[str, object]
    generated: date
    aggregated: bool
    title: str = "Family journey"

    @property
    def description(self) -> str:
        """What the export shows, in one line."""
        return f"{self.title}: {self.label}"


@dataclass(frozen=True)
class PathwaysExport:
    """A cohort's pathways as they leave: ``flows`` (transitions) and ``ends`` per agency."""

    label: str
    identified: bool
    flows: pd.DataFrame
    ends: pd.DataFrame
    parameters: dict[str, object]
    generated: date
    suppressed: int = 0
    suppression: str = ""  # the rule, in words (applied only when de-identified)
    title: str = "Pathways between agencies"
    sectors: dict[str, str] = field(default_factory=dict)

    @property
    def description(self) -> str:
        """What the export shows, in one line."""
        return f"{self.title}: {self.label}"


def _adult_label(role: str, sex: object) -> str:
    choices = _ADULT_ROLES.get(role)
    if choices is None:
        return "Member"
    index = {"F": 0, "M": 1}.get(str(sex).upper()[:1], 2)
    return choices[index]


def _numbered(labels: list[str]) -> list[str]:
    """Number labels that repeat ("Adult" twice becomes "Adult 1", "Adult 2")."""
    counts = pd.Series(labels).value_counts()
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        if counts[label] == 1:
            out.append(label)
            continue
        seen[label] = seen.get(label, 0) + 1
        out.append(f"{label} {seen[label]}")
    return out


def member_labels(people: pd.DataFrame, person_ids: Iterable, first_contact: object) -> dict:
    """Person id -> the role a de-identified export shows for each member.

    Adults by role and sex ("Mother", "Father", "Carer", "Adult"), children
    numbered oldest first with their age at the journey's first contact
    ("Child 1, aged 12 at first contact"); a person without a people row is a
    "Member". Repeated labels are numbered.

    Examples
    --------
    >>> people = pd.DataFrame({"person_id": ["m", "k1", "k2"], "role": ["parent", "child", "child"],
    ...     "birth_month": ["1990-01", "2012-06", "2008-05"], "sex": ["F", "F", "M"]})
    >>> member_labels(people, ["m", "k1", "k2", "x"], pd.Timestamp("2021-03-01"))
    ... # doctest: +NORMALIZE_WHITESPACE
    {'m': 'Mother', 'x': 'Member', 'k2': 'Child 1, aged 12 at first contact',
     'k1': 'Child 2, aged 8 at first contact'}
    """
    ids = list(dict.fromkeys(str(p) for p in person_ids))
    known = people.assign(person_id=people["person_id"].astype(str)).drop_duplicates("person_id")
    known = known.set_index("person_id").reindex(ids)
    role = known.get("role", pd.Series(index=known.index, dtype=object)).astype("string")
    role = role.str.lower().fillna("")
    births = known.get("birth_month", pd.Series(index=known.index, dtype=object))
    when = pd.Timestamp(first_contact) if first_contact is not None else pd.NaT
    ages = age_in_years(births.astype(object), when) if pd.notna(when) else pd.Series(
        pd.NA, index=known.index, dtype="Int64")  # fmt: skip
    sexes = known.get("sex", pd.Series(index=known.index, dtype=object))
    adults = [(p, _adult_label(role[p], sexes[p])) for p in ids if role[p] != "child"]
    children = sorted((p for p in ids if role[p] == "child"),
                      key=lambda p: (-ages[p] if pd.notna(ages[p]) else 1, p))  # fmt: skip
    child_labels = []
    for number, person in enumerate(children, start=1):
        age = ages[person]
        text = f"Child {number}"
        if pd.notna(age):
            text += f", aged {int(age)} at first contact" if age >= 0 else ", born later"
        child_labels.append((person, text))
    adult_names = _numbered([label for _, label in adults])
    pairs = [(p, n) for (p, _), n in zip(adults, adult_names, strict=True)] + child_labels
    return dict(pairs)


def _flagged(ids: Iterable | Mapping) -> set[str]:
    return {str(i) for i in ids}


def _journey_rows(family_contacts: pd.DataFrame) -> pd.DataFrame:
    """The family's contacts, each once, in the event log's order, with their members."""
    if "family_id" not in family_contacts:
        family_contacts = family_contacts.assign(family_id="")
    if "sector" not in family_contacts:
        family_contacts = family_contacts.assign(sector="other")
    return family_journeys(family_contacts, members=True).reset_index(drop=True)


# one piece: the columns of the model, identified and not, built side by side
def family_export(
    family_contacts: pd.DataFrame,
    people: pd.DataFrame | None = None,
    *,
    label: str = "Family",
    identified: bool = False,
    peak_contact_ids: Iterable | Mapping = (),
    uncoordinated_contact_ids: Iterable | Mapping = (),
    parameters: Mapping[str, object] | None = None,
    max_contacts: int = MAX_DETAILED_CONTACTS,
    generated: date | None = None,
) -> FamilyExport:
    """One family's journey as an export model (de-identified unless ``identified``).

    Parameters
    ----------
    family_contacts : DataFrame
        The family's contract contacts (one row per contact and person).
    people : DataFrame, optional
        The family's people rows (``person_id, role, birth_month, sex``).
    label : str, default "Family"
        How the export names the family: a pseudonym, "Journey 3", or the
        family id when identified.
    identified : bool, default False
        Keep the ids and dates (for the roles allowed to see them).
    peak_contact_ids, uncoordinated_contact_ids : iterable, default ()
        Contacts of the busiest window, and the uncoordinated ones (flags).
    parameters : mapping, optional
        Extra choices to record in the title block (analysis parameters).
    max_contacts : int, default 500
        A longer journey is drawn aggregated (per week or month per lane).
    generated : date, optional
        The day of the export (today by default).
    """
    require_columns(family_contacts, ["contact_id", "person_id", "agency", "occurred_at"],
                    "contacts")  # fmt: skip
    if family_contacts["family_id"].dropna().nunique() > 1 if "family_id" in family_contacts else 0:
        raise ParameterError("An export of one family was given the contacts of several.")
    people = people if people is not None else pd.DataFrame(columns=["person_id", "role"])
    journey = _journey_rows(family_contacts)
    first = journey["occurred_at"].min() if len(journey) else None
    member_ids = [str(p) for ms in journey.get("members", []) for p in ms]
    member_ids += [str(p) for p in people.get("person_id", [])]
    names = member_labels(people, member_ids, first)
    peak, unco = _flagged(peak_contact_ids), _flagged(uncoordinated_contact_ids)
    ids = journey["contact_id"].astype(str)
    start = pd.Timestamp(first).normalize() if first is not None else None
    days = ((journey["occurred_at"].dt.normalize() - start).dt.days if start is not None
            else pd.Series([], dtype="int64"))  # fmt: skip
    frame = pd.DataFrame({
        "contact": [f"c{i}" for i in range(1, len(journey) + 1)],
        "day": days.astype("int64").to_numpy(),
        "agency": journey["agency"].astype(str).to_numpy(),
        "sector": journey["sector"].fillna("other").astype(str).to_numpy(),
        "contact_type": journey["contact_type"].fillna("other").astype(str).to_numpy(),
        "members": ["; ".join(sorted(names.get(str(p), "Member") for p in ms))
                    for ms in journey["members"]],
        "member_count": [len(ms) for ms in journey["members"]],
        "peak": ids.isin(peak).to_numpy(),
        "uncoordinated": ids.isin(unco).to_numpy(),
    })  # fmt: skip
    if identified:
        frame.insert(1, "contact_id", ids.to_numpy())
        frame.insert(2, "date", journey["occurred_at"].dt.strftime("%Y-%m-%d").to_numpy())
        frame["person_ids"] = ["; ".join(sorted(str(p) for p in ms)) for ms in journey["members"]]
    members = _members(member_ids, names, people, first, journey, identified)
    chosen = {"dates": "YYYY-MM-DD" if identified else "days since the first contact",
              "contacts": int(len(frame)), **dict(parameters or {})}  # fmt: skip
    return FamilyExport(
        label=label, identified=identified, contacts=frame, members=members,
        parameters=chosen, generated=generated or date.today(),
        aggregated=len(frame) > max_contacts,
    )  # fmt: skip


def _members(member_ids, names, people, first, journey, identified) -> pd.DataFrame:
    counts: dict[str, int] = {}
    for ms in journey["members"]:
        for person in ms:
            counts[str(person)] = counts.get(str(person), 0) + 1
    ids = list(names)
    roles = people.assign(person_id=people["person_id"].astype(str)).drop_duplicates("person_id")
    roles = roles.set_index("person_id").reindex(ids)
    births = roles.get("birth_month", pd.Series(index=roles.index, dtype=object)).astype(object)
    ages = age_in_years(births, pd.Timestamp(first)) if first is not None else births.map(
        lambda _: pd.NA)  # fmt: skip
    frame = pd.DataFrame({
        "member": [names[p] for p in ids],
        "role": roles.get("role", pd.Series(index=roles.index, dtype=object)).fillna("").astype(
            str).to_numpy(),
        # -1: not known, or born after the journey's first contact.
        "age_at_first_contact": [int(a) if pd.notna(a) and a >= 0 else -1 for a in ages],
        "contacts": [counts.get(p, 0) for p in ids],
    })  # fmt: skip
    if identified:
        frame.insert(0, "person_id", ids)
    return frame


def _suppressed_rows(frame: pd.DataFrame, columns: list[str], rule: SuppressionRule) -> pd.Series:
    small = pd.Series(False, index=frame.index)
    for column in columns:
        small |= pd.to_numeric(frame[column], errors="coerce").between(1, rule.highest)
    return small


def _sectors(flows: pd.DataFrame, ends: pd.DataFrame, taxonomy: Taxonomy) -> dict[str, str]:
    names = set(flows["from_agency"]) | set(flows["to_agency"]) | set(ends["agency"])
    return {str(a): str(taxonomy.canonical_agency(str(a))[1] or "other") for a in sorted(names)}


def pathways_export(
    pathways: pd.DataFrame,
    ends: pd.DataFrame,
    *,
    cohort: str = "all",
    cohort_label: str | None = None,
    min_transitions: int = 1,
    collapse_repeats: bool = False,
    identified: bool = False,
    rule: SuppressionRule = DEFAULT_RULE,
    taxonomy: Taxonomy | None = None,
    generated: date | None = None,
) -> PathwaysExport:
    """One cohort's pathways as an export model (small counts left out unless ``identified``).

    Parameters
    ----------
    pathways, ends : DataFrame
        The stored ``pathways`` and ``pathway_ends`` results (with their
        ``cohort`` column) or one cohort's rows without it.
    cohort : str, default "all"
        Which cohort's rows.
    min_transitions : int, default 1
        Leave out the pathways seen fewer times than this.
    collapse_repeats : bool, default False
        Merge consecutive contacts with one agency: only the transitions from
        an agency to itself go (docs/analyses.md#pathways: the others are the same).
    identified : bool, default False
        Keep the pathways and ends of few families.
    rule : SuppressionRule
        The disclosure rule of de-identified exports.
    taxonomy : Taxonomy, optional
        Gives each agency its sector (the shipped taxonomy by default).

    Examples
    --------
    >>> flows = pd.DataFrame({"from_agency": ["Police", "Police", "GP"],
    ...     "to_agency": ["School", "Police", "Police"], "transitions": [12, 9, 2],
    ...     "families": [6, 5, 2], "median_days": [7.0, 1.0, 3.0]})
    >>> ends = pd.DataFrame({"agency": ["Police", "GP"], "starts": [6, 3], "ends": [0, 2]})
    >>> model = pathways_export(flows, ends, collapse_repeats=True)  # GP's: 2 families
    >>> model.flows[["from_agency", "to_agency", "families"]].values.tolist(), model.suppressed
    ([['Police', 'School', 6]], 2)
    """
    if min_transitions < 1:
        raise ParameterError(f"min_transitions must be 1 or more; got {min_transitions}.")
    flows = pathways[pathways["cohort"] == cohort] if "cohort" in pathways else pathways
    ends = ends[ends["cohort"] == cohort] if "cohort" in ends else ends
    flows = flows.drop(columns="cohort", errors="ignore")
    ends = ends.drop(columns="cohort", errors="ignore")
    if collapse_repeats:
        flows = flows[flows["from_agency"] != flows["to_agency"]]
    flows = flows[flows["transitions"] >= min_transitions]
    suppressed = 0
    if not identified:
        small = _suppressed_rows(flows, ["families"], rule)
        small_ends = _suppressed_rows(ends, ["starts", "ends"], rule)
        suppressed = int(small.sum() + small_ends.sum())
        flows, ends = flows[~small], ends[~small_ends]
    flows = flows.sort_values(["transitions", "from_agency", "to_agency"],
                              ascending=[False, True, True], kind="mergesort")  # fmt: skip
    for column in ("transitions", "families"):
        flows = flows.assign(**{column: flows[column].astype("int64")})
    for column in ("starts", "ends"):
        ends = ends.assign(**{column: ends[column].fillna(0).astype("int64")})
    flows = flows.assign(median_days=flows["median_days"].astype(float).fillna(np.nan))
    parameters = {"cohort": cohort, "min_transitions": int(min_transitions),
                  "collapse_repeats": bool(collapse_repeats)}  # fmt: skip
    return PathwaysExport(
        label=cohort_label or cohort, identified=identified,
        flows=flows.reset_index(drop=True), ends=ends.reset_index(drop=True),
        parameters=parameters, generated=generated or date.today(), suppressed=suppressed,
        suppression=rule.describe(),
        sectors=_sectors(flows, ends, taxonomy or default_taxonomy()),
    )  # fmt: skip
