"""The taxonomy: agency names to canonical agencies and sectors; contacts to indicators."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from journey.errors import TaxonomyError

__all__ = [
    "Taxonomy",
    "IndicatorSet",
    "IndicatorRule",
    "load_taxonomy",
    "default_taxonomy",
    "normalise_key",
    "OTHER_SECTOR",
]

OTHER_SECTOR = "other"
_SPACES = re.compile(r"\s+")


def normalise_key(name: str) -> str:
    """Return the matching key of an agency name or contact type: trimmed, lower case, one space.

    Examples
    --------
    >>> normalise_key("  Sussex   POLICE ")
    'sussex police'
    """
    return _SPACES.sub(" ", str(name).strip().lower())


def _type_key(name: str) -> str:
    return normalise_key(name).replace(" ", "_").replace("-", "_")


@dataclass(frozen=True)
class IndicatorRule:
    """One mapping rule: contacts in ``sectors`` of ``contact_types`` evidence ``indicator``.

    An empty ``sectors`` or ``contact_types`` matches any.
    """

    indicator: str
    sectors: frozenset[str] = frozenset()
    contact_types: frozenset[str] = frozenset()

    def matches(self, sector: str, contact_type: str) -> bool:
        """Whether a ``contact_type`` contact with a ``sector`` agency evidences the indicator."""
        return (not self.sectors or sector in self.sectors) and (
            not self.contact_types or contact_type in self.contact_types
        )


@dataclass(frozen=True)
class IndicatorSet:
    """A programme's headline indicators and how many make a family eligible."""

    name: str
    label: str
    min_indicators: int
    indicators: dict[str, str]
    rules: tuple[IndicatorRule, ...]


@dataclass(frozen=True)
class Taxonomy:
    """Canonical agencies, sectors, contact types and indicator sets."""

    agencies: dict[str, str]  # canonical agency -> sector
    aliases: dict[str, str]  # normalised alias -> canonical agency
    sectors: tuple[str, ...]
    contact_types: dict[str, str]
    coordination_types: frozenset[str]
    assessment_types: frozenset[str]
    escalation_sectors: frozenset[str]
    escalation_types: frozenset[str]
    escalation_exclude_agencies: frozenset[str]
    indicator_sets: dict[str, IndicatorSet] = field(default_factory=dict)
    source: str = "default"

    def canonical_agency(self, name: str) -> tuple[str, str, bool]:
        """Map an agency name as a source writes it to (canonical agency, sector, known).

        An unknown name keeps its own (trimmed) spelling as the agency, in the
        sector ``other``; ``known`` is then False.

        Examples
        --------
        >>> t = default_taxonomy()
        >>> t.canonical_agency("JobCentre Plus")
        ('DWP JobCentre Plus', 'employment', True)
        >>> t.canonical_agency("St Anne's Food Co-op")
        ("St Anne's Food Co-op", 'other', False)
        """
        key = normalise_key(name)
        agency = self.aliases.get(key)
        if agency is None:
            return _SPACES.sub(" ", str(name).strip()), OTHER_SECTOR, False
        return agency, self.agencies[agency], True

    def normalise_agencies(self, names: pd.Series) -> tuple[pd.Series, pd.Series, list[str]]:
        """Vectorised :meth:`canonical_agency`: (agencies, sectors, sorted unknown names)."""
        codes, uniques = pd.factorize(names, use_na_sentinel=True)
        mapped = [self.canonical_agency(u) for u in uniques]
        agencies = np.array([m[0] for m in mapped] + [None], dtype=object)
        sectors = np.array([m[1] for m in mapped] + [None], dtype=object)
        unknown = sorted({m[0] for m in mapped if not m[2]})
        return (
            pd.Series(agencies[codes], index=names.index, dtype=object),
            pd.Series(sectors[codes], index=names.index, dtype=object),
            unknown,
        )

    def sector_of(self, agency: str) -> str:
        """The sector of a canonical agency (``other`` when unknown)."""
        return self.agencies.get(agency, OTHER_SECTOR)

    @staticmethod
    def normalise_contact_type(name: str) -> str:
        """Contact types are compared in snake case: ``"Home visit"`` becomes ``"home_visit"``.

        Examples
        --------
        >>> Taxonomy.normalise_contact_type(" Home Visit ")
        'home_visit'
        """
        return _type_key(name)

    def indicator_set(self, name: str) -> IndicatorSet:
        """The indicator set called ``name`` (``tf2015`` or ``sf2022`` by default)."""
        try:
            return self.indicator_sets[name]
        except KeyError:
            known = ", ".join(sorted(self.indicator_sets))
            raise TaxonomyError(f"unknown indicator set {name!r}; known: {known}") from None

    def indicator_matrix(self, contacts: pd.DataFrame, set_name: str) -> pd.DataFrame:
        """One boolean column per indicator of ``set_name``, one row per contact row.

        ``contacts`` needs the columns ``sector`` and ``contact_type``. The
        rules are evaluated once per distinct (sector, contact_type) pair, so
        this is cheap on millions of rows.
        """
        indicator_set = self.indicator_set(set_name)
        names = list(indicator_set.indicators)
        sector_code, sectors = pd.factorize(contacts["sector"])  # a missing value is -1
        kind_code, kinds = pd.factorize(contacts["contact_type"])
        width = len(kinds) + 1
        codes, uniques = pd.factorize((sector_code + 1) * width + kind_code + 1)
        sectors = np.concatenate([[None], np.asarray(sectors, dtype=object)])
        kinds = np.concatenate([[None], np.asarray(kinds, dtype=object)])
        table = np.zeros((len(uniques), len(names)), dtype=bool)
        for i, pair in enumerate(uniques):
            sector, contact_type = sectors[pair // width], kinds[pair % width]
            for rule in indicator_set.rules:
                if rule.matches(sector, contact_type):
                    table[i, names.index(rule.indicator)] = True
        return pd.DataFrame(table[codes], index=contacts.index, columns=names)

    def is_escalation(self, contacts: pd.DataFrame) -> pd.Series:
        """Whether each contact row is an escalation event (default: children's social care)."""
        by_sector = contacts["sector"].isin(self.escalation_sectors) & ~contacts["agency"].isin(
            self.escalation_exclude_agencies
        )
        return by_sector | contacts["contact_type"].isin(self.escalation_types)


def _read_rules(set_name: str, raw: list[dict], indicators: dict[str, str], where: str) -> tuple:
    rules = []
    for rule in raw:
        indicator = rule.get("indicator")
        if indicator not in indicators:
            raise TaxonomyError(
                f"{where}: rule in set {set_name!r} names unknown indicator {indicator!r}"
            )
        rules.append(
            IndicatorRule(
                indicator=indicator,
                sectors=frozenset(rule.get("sectors", [])),
                contact_types=frozenset(_type_key(t) for t in rule.get("contact_types", [])),
            )
        )
    return tuple(rules)


def _build(raw: dict, where: str) -> Taxonomy:
    try:
        sectors = tuple(raw["sectors"])
        agencies: dict[str, str] = {}
        aliases: dict[str, str] = {}
        for entry in raw["agency"]:
            name, sector = entry["name"], entry["sector"]
            if sector not in sectors:
                raise TaxonomyError(f"{where}: agency {name!r} has unknown sector {sector!r}")
            agencies[name] = sector
            for alias in [name, *entry.get("aliases", [])]:
                key = normalise_key(alias)
                if aliases.get(key, name) != name:
                    raise TaxonomyError(
                        f"{where}: alias {alias!r} maps to both {aliases[key]!r} and {name!r}"
                    )
                aliases[key] = name
        sets = {}
        for set_name, spec in raw.get("indicator_sets", {}).items():
            indicators = dict(spec["indicators"])
            sets[set_name] = IndicatorSet(
                name=set_name,
                label=spec.get("label", set_name),
                min_indicators=int(spec["min_indicators"]),
                indicators=indicators,
                rules=_read_rules(set_name, spec.get("rules", []), indicators, where),
            )
        escalation = raw.get("escalation", {})
        return Taxonomy(
            agencies=agencies,
            aliases=aliases,
            sectors=sectors,
            contact_types={_type_key(k): v for k, v in raw.get("contact_types", {}).items()},
            coordination_types=frozenset(_type_key(t) for t in raw.get("coordination_types", [])),
            assessment_types=frozenset(_type_key(t) for t in raw.get("assessment_types", [])),
            escalation_sectors=frozenset(escalation.get("sectors", [])),
            escalation_types=frozenset(_type_key(t) for t in escalation.get("contact_types", [])),
            escalation_exclude_agencies=frozenset(escalation.get("exclude_agencies", [])),
            indicator_sets=sets,
            source=where,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise TaxonomyError(f"{where}: malformed taxonomy ({error!r})") from None


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read a taxonomy TOML file; ``None`` reads the one shipped with the package.

    Raises
    ------
    TaxonomyError
        When the file is missing, is not TOML, or is inconsistent.
    """
    if path is None:
        text = resources.files("journey.data").joinpath("taxonomy.toml").read_text("utf-8")
        where = "default taxonomy"
    else:
        try:
            text = Path(path).read_text("utf-8")
        except OSError as error:
            raise TaxonomyError(f"{path}: cannot read taxonomy ({error.strerror})") from None
        where = str(path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TaxonomyError(f"{where}: not valid TOML ({error})") from None
    return _build(raw, where)


_DEFAULT: Taxonomy | None = None


def default_taxonomy() -> Taxonomy:
    """The shipped taxonomy, read once (it is immutable)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_taxonomy()
    return _DEFAULT
