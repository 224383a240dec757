"""The data contract: the columns of every frame, their types, and the rules rows must follow.

Every frame the loader reads, the stores return and the analyses take is
described once here, as a :class:`FrameSpec`: its columns in order, which are
required, and the dtype of each (so that an empty frame still has the right
columns and types). Checks of "does this frame have the columns I need" go
through :func:`require_columns`. :mod:`journey.validation` applies the
:data:`RULES` to raw rows. See docs/data-contract.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from journey.errors import MissingColumnError

__all__ = [
    "FrameSpec",
    "CONTACTS",
    "PEOPLE",
    "FAMILIES",
    "LEAD_PERIODS",
    "CONTACT_COLUMNS",
    "ANALYSED_CONTACT_COLUMNS",
    "ROLES",
    "RULES",
    "REJECTS_COLUMNS",
    "ID_COLUMNS",
    "ID_MAX_LENGTH",
    "TEXT_MAX_LENGTH",
    "EARLIEST_DAY",
    "TIME_ZONE",
    "require_columns",
    "empty_frame",
]

TIME_ZONE = "Europe/London"
_TIME = "datetime64[ns]"


def require_columns(frame: pd.DataFrame, columns: Iterable[str], source: str = "contacts") -> None:
    """Raise :class:`~journey.errors.MissingColumnError` when ``frame`` lacks any of ``columns``.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"a": []}), ["a", "b"], "contacts.csv")
    Traceback (most recent call last):
    ...
    journey.errors.MissingColumnError: contacts.csv: missing required column(s): b (rule C001)
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingColumnError(source, missing)


def empty_frame(dtypes: Mapping[str, str]) -> pd.DataFrame:
    """An empty frame with these columns (in order) and dtypes.

    Examples
    --------
    >>> empty_frame({"family_id": "object", "contacts": "int64"}).dtypes.astype(str).tolist()
    ['object', 'int64']
    """
    return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in dtypes.items()})


@dataclass(frozen=True)
class FrameSpec:
    """The columns of one kind of frame: names in order, dtypes, and which are required.

    ``required`` columns must be in every source; ``derived`` ones are never
    read from a source but worked out on loading (a contact's sector comes
    from the taxonomy); the rest are optional.
    """

    name: str
    dtypes: Mapping[str, str]
    required: tuple[str, ...]
    derived: tuple[str, ...] = ()

    @property
    def columns(self) -> list[str]:
        """Every column, in order."""
        return list(self.dtypes)

    @property
    def optional(self) -> list[str]:
        """The columns a source may leave out."""
        return [c for c in self.dtypes if c not in self.required and c not in self.derived]

    @property
    def text(self) -> list[str]:
        """The columns a source gives as text (every one but times and derived columns)."""
        return [c for c, t in self.dtypes.items() if t == "object" and c not in self.derived]

    def require(self, frame: pd.DataFrame, columns: Iterable[str] | None = None,
                source: str | None = None) -> None:
        """Check that ``frame`` has ``columns`` (default: the required ones)."""
        wanted = self.required if columns is None else columns
        require_columns(frame, wanted, source or self.name)

    def empty(self) -> pd.DataFrame:
        """An empty frame of this kind, with every column and its dtype."""
        return empty_frame(self.dtypes)


#: One row per (contact, person): the frame every store returns and every analysis takes.
#: ``family_id`` is required of a stored frame; a file may leave it to people.csv.
CONTACTS = FrameSpec(
    "contacts",
    {
        "contact_id": "object",
        "person_id": "object",
        "family_id": "object",
        "agency": "object",
        "sector": "object",
        "contact_type": "object",
        "occurred_at": _TIME,
        "referred_by": "object",
        "service": "object",
        "source_system": "object",
    },
    required=("contact_id", "person_id", "agency", "contact_type", "occurred_at"),
    derived=("sector",),
)
PEOPLE = FrameSpec(
    "people",
    {"person_id": "object", "family_id": "object", "role": "object", "birth_month": "object",
     "sex": "object"},
    required=("person_id", "family_id"),
)  # fmt: skip
FAMILIES = FrameSpec("families", {"family_id": "object", "area": "object"}, ("family_id",))
LEAD_PERIODS = FrameSpec(
    "lead_periods",
    {"family_id": "object", "lead_from": _TIME, "lead_to": _TIME, "lead_worker": "object",
     "lead_team": "object"},
    required=("family_id", "lead_from"),
)

CONTACT_COLUMNS = CONTACTS.columns
#: The contact columns the analyses read (service and source_system are not among them).
ANALYSED_CONTACT_COLUMNS = [c for c in CONTACT_COLUMNS if c not in ("service", "source_system")]

ROLES = {"adult", "child", "parent", "carer", "other"}

#: The columns a rejects file opens with; an input column of one of these names
#: is kept there as ``input_<name>`` (see :func:`journey.rejection.safe_name`).
REJECTS_COLUMNS = ("source_file", "line", "rule", "reason")

#: Columns holding ids, and the longest id and other text a field may hold (rules C110,
#: P106, F106): longer values are not ids or names but pasted documents or corruption.
ID_COLUMNS = ("contact_id", "person_id", "family_id")
ID_MAX_LENGTH = 64
TEXT_MAX_LENGTH = 500

#: A time before this day is a system's stand-in for "no date" (1899-12-30 is day 0 of
#: Excel and OLE dates, 1900-01-01 the first of many systems, 1677-09-22 pandas' first day).
EARLIEST_DAY = "1900-01-02"

# Rule id -> what the rule checks. Reasons in reject files start with the id.
RULES = {
    "C001": "a required column is missing (the whole file is refused)",
    "C101": "contact_id is empty",
    "C102": "person_id is empty",
    "C103": "family_id is empty and the person is not in people.csv",
    "C104": "agency is empty",
    "C105": "contact_type is empty",
    "C106": "occurred_at is not an ISO 8601 date or date-time",
    "C107": "occurred_at is in the future",
    "C108": "the same contact_id and person_id appear on an earlier line with other values",
    "C109": "a text field holds a control character",
    "C110": f"a field is too long (ids at most {ID_MAX_LENGTH} characters, other text "
    f"{TEXT_MAX_LENGTH})",
    "C111": "the same person_id appears with more than one family_id",
    "C112": "family_id is not the person's family in people.csv",
    "C113": "occurred_at is on or before 1900-01-01 (a stand-in for a missing date)",
    "C114": "agency or referred_by is not in the taxonomy (load --strict)",
    "C115": "the same contact_id appears on an earlier line with another occurred_at, agency "
    "or contact_type",
    "P101": "person_id is empty",
    "P102": "family_id is empty",
    "P103": "birth_month is not YYYY-MM",
    "P104": "role is not one of adult, child, parent, carer, other",
    "P105": "the same person_id appears on an earlier line with other values",
    "P106": f"a field is too long (ids at most {ID_MAX_LENGTH} characters, other text "
    f"{TEXT_MAX_LENGTH})",
    "F101": "family_id is empty",
    "F102": "lead_from or lead_to is not an ISO 8601 date",
    "F103": "lead_to is before lead_from",
    "F104": "lead_to is given without lead_from",
    "F105": "lead_from or lead_to is on or before 1900-01-01 (a stand-in for a missing date)",
    "F106": f"a field is too long (ids at most {ID_MAX_LENGTH} characters, other text "
    f"{TEXT_MAX_LENGTH})",
    # Rules of the readers (graph_loader/readers): records that cannot be read as rows.
    "R101": "the header names a column twice (the whole file is refused)",
    "R102": "a record has more or fewer fields than the header",
    "R103": "a quoted field runs over lines that read as records, or over more than 100 lines "
    "(a stray quote): the line is refused and the lines after it are read again",
    "R104": "the header line appears again inside the file",
    "R105": "a field is longer than 1 MB (1,048,576 characters)",
    "M001": "a column mapping names a column the file lacks (the whole load is refused)",
}
