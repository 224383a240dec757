"""Outcome plans as data: a council's outcomes, each tied to a headline indicator, read from TOML.

A plan names its indicator set, how long a met outcome must hold to count as
sustained, the two payment amounts, and one ``[[outcome]]`` table per outcome
(docs/analyses.md#outcome-plans). :func:`load_plan` reads and checks a file;
every problem is a :class:`~journey.errors.ParameterError` naming the file and
the key. ``load_plan(None)`` reads the example plan shipped in
``journey/data/outcome_plan.toml``.

Examples
--------
>>> plan = load_plan()
>>> plan.name, plan.attachment_fee, plan.results_payment
('Example outcome plan', 1000, 800)
>>> [o.id for o in plan.outcomes if o.indicator == "crime_asb"]
['no_offending_6m', 'no_asb_6m', 'police_callouts_down_60']
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from journey.errors import ParameterError
from journey.taxonomy import Taxonomy

__all__ = ["Outcome", "OutcomePlan", "RULES", "load_plan", "parse_plan", "default_plan",
           "check_plan"]

#: The rules an outcome may follow, and what "met" means for each.
RULES = {
    "none": "no matching contact in the after window",
    "reduction": "before >= 1 and after <= (1 - at_least) x before",
    "at_most": "after <= at_most",
}
_PLAN_KEYS = {"name", "indicator_set", "sustain_months", "attachment_fee", "results_payment"}
_OUTCOME_KEYS = {"id", "label", "indicator", "rule", "sectors", "agencies", "contact_types",
                 "months", "at_least", "at_most", "lag_months"}  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    """One outcome of a plan: which contacts it counts, over which windows, and its rule.

    Contacts match when their sector, agency and contact type are in the
    given lists (an empty list matches any; the three are AND-ed).
    """

    id: str
    indicator: str
    rule: str
    months: int
    label: str = ""
    sectors: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    contact_types: tuple[str, ...] = ()
    at_least: float | None = None
    at_most: int | None = None
    lag_months: int = 0

    def describe(self) -> str:
        """The rule in words, e.g. ``after <= 0.4 x before (6 months)``.

        Examples
        --------
        >>> Outcome("x", "crime_asb", "reduction", 6, at_least=0.6).describe()
        'before >= 1 and after <= 0.4 x before (6 months)'
        """
        if self.rule == "none":
            text = "no matching contact"
        elif self.rule == "at_most":
            text = f"at most {self.at_most}"
        else:
            text = f"before >= 1 and after <= {round(1 - self.at_least, 4):g} x before"
        lag = f", starting {self.lag_months} months in" if self.lag_months else ""
        return f"{text} ({self.months} months{lag})"


@dataclass(frozen=True)
class OutcomePlan:
    """A council's outcome plan: its outcomes, payment amounts and where it was read from."""

    name: str
    indicator_set: str
    sustain_months: int
    attachment_fee: int
    results_payment: int
    outcomes: tuple[Outcome, ...]
    source: str = "shipped example plan"

    def indicators(self) -> list[str]:
        """The indicators the plan has outcomes for, in plan order."""
        return list(dict.fromkeys(o.indicator for o in self.outcomes))


def _fail(where: str, key: str, why: str) -> ParameterError:
    return ParameterError(f"{where}: {key}: {why}")


def _whole(raw: dict, key: str, where: str, *, default: int | None = None, low: int = 0) -> int:
    value = raw.get(key.rsplit(".", 1)[-1], default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise _fail(where, key, f"must be a whole number >= {low}, not {value!r}")
    return value


def _names(raw: dict, key: str, where: str, path: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(where, f"{path}.{key}", f"must be a list of names, not {value!r}")
    return tuple(value)


# one piece: each key's check in the order a reader of the plan meets them
def _outcome(raw: Any, index: int, where: str) -> Outcome:
    path = f"outcome[{index}]"
    if not isinstance(raw, dict):
        raise _fail(where, path, "must be a table ([[outcome]])")
    unknown = sorted(set(raw) - _OUTCOME_KEYS)
    if unknown:
        known = ", ".join(sorted(_OUTCOME_KEYS))
        raise _fail(where, f"{path}.{unknown[0]}", f"unknown key (known: {known})")
    for key in ("id", "indicator", "rule"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise _fail(where, f"{path}.{key}", "is required and must be text")
    rule = raw["rule"]
    if rule not in RULES:
        raise _fail(where, f"{path}.rule", f"must be one of {', '.join(RULES)}, not {rule!r}")
    months = _whole(raw, f"{path}.months", where, low=1)
    lag = _whole(raw, f"{path}.lag_months", where, default=0)
    at_least = raw.get("at_least")
    at_most = raw.get("at_most")
    if rule == "reduction":
        number = isinstance(at_least, int | float) and not isinstance(at_least, bool)
        if not number or not 0 < at_least <= 1:
            raise _fail(where, f"{path}.at_least",
                        f"a reduction needs a share above 0 and at most 1, not {at_least!r}")
        at_least = float(at_least)
    elif at_least is not None:
        raise _fail(where, f"{path}.at_least",
                    f"applies only to rule = \"reduction\", not {rule!r}")
    if rule == "at_most":
        at_most = _whole(raw, f"{path}.at_most", where)
    elif at_most is not None:
        raise _fail(where, f"{path}.at_most", f"applies only to rule = \"at_most\", not {rule!r}")
    label = raw.get("label", "")
    if not isinstance(label, str):
        raise _fail(where, f"{path}.label", "must be text")
    return Outcome(
        id=raw["id"].strip(), indicator=raw["indicator"].strip(), rule=rule, months=months,
        label=label, sectors=_names(raw, "sectors", where, path),
        agencies=_names(raw, "agencies", where, path),
        contact_types=_names(raw, "contact_types", where, path),
        at_least=at_least, at_most=at_most, lag_months=lag,
    )  # fmt: skip


def parse_plan(raw: dict[str, Any], where: str = "outcome plan") -> OutcomePlan:
    """An :class:`OutcomePlan` from a parsed TOML document; ``where`` names it in errors.

    Raises
    ------
    ParameterError
        Naming ``where`` and the key: a missing or unknown key, a value of the
        wrong kind, an unknown rule, two outcomes with one id, no outcome.

    Examples
    --------
    >>> parse_plan({"plan": {"name": "P"}, "outcome": [{"id": "a", "indicator": "education",
    ...     "rule": "at_most", "months": 6}]}, "p.toml")
    Traceback (most recent call last):
    ...
    journey.errors.ParameterError: p.toml: outcome[1].at_most: must be a whole number >= 0, not None
    """
    plan = raw.get("plan")
    if not isinstance(plan, dict):
        raise _fail(where, "plan", "a [plan] table is required")
    unknown = sorted(set(plan) - _PLAN_KEYS)
    if unknown:
        known = ", ".join(sorted(_PLAN_KEYS))
        raise _fail(where, f"plan.{unknown[0]}", f"unknown key (known: {known})")
    extra = sorted(set(raw) - {"plan", "outcome"})
    if extra:
        raise _fail(where, extra[0], "unknown table (a plan has [plan] and [[outcome]] tables)")
    name = plan.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(where, "plan.name", "is required and must be text")
    indicator_set = plan.get("indicator_set", "tf2015")
    if not isinstance(indicator_set, str):
        raise _fail(where, "plan.indicator_set", "must be the name of an indicator set")
    sustain = _whole(plan, "plan.sustain_months", where, default=6, low=1)
    outcomes_raw = raw.get("outcome")
    if not isinstance(outcomes_raw, list) or not outcomes_raw:
        raise _fail(where, "outcome", "at least one [[outcome]] table is required")
    outcomes = tuple(_outcome(o, i, where) for i, o in enumerate(outcomes_raw, 1))
    ids = [o.id for o in outcomes]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise _fail(where, "outcome.id", f"{repeated[0]!r} names more than one outcome")
    return OutcomePlan(
        name=name.strip(), indicator_set=indicator_set, sustain_months=sustain,
        attachment_fee=_whole(plan, "plan.attachment_fee", where, default=1000),
        results_payment=_whole(plan, "plan.results_payment", where, default=800),
        outcomes=outcomes, source=where,
    )  # fmt: skip


def load_plan(path: str | Path | None = None) -> OutcomePlan:
    """Read an outcome plan from a TOML file; ``None`` reads the shipped example plan.

    Raises
    ------
    ParameterError
        When the file cannot be read, is not TOML, or breaks a rule of
        :func:`parse_plan` (the message names the file and the key).
    """
    if path is None:
        text = resources.files("journey.data").joinpath("outcome_plan.toml").read_text("utf-8")
        where = "shipped example plan"
    else:
        try:
            text = Path(path).read_text("utf-8")
        except OSError as error:
            why = error.strerror
            raise ParameterError(f"{path}: cannot read the outcome plan ({why})") from None
        except UnicodeDecodeError:
            raise ParameterError(f"{path}: the outcome plan is not UTF-8 text") from None
        where = str(path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ParameterError(f"{where}: not valid TOML ({error})") from None
    return parse_plan(raw, where)


def default_plan() -> OutcomePlan:
    """The shipped example plan."""
    return load_plan(None)


def check_plan(plan: OutcomePlan, taxonomy: Taxonomy) -> None:
    """Check the plan's indicator set and indicators against ``taxonomy``.

    Raises
    ------
    ParameterError
        Naming the plan's file and the key: an indicator set the taxonomy
        lacks, or an outcome's indicator that is not in that set.
    """
    if plan.indicator_set not in taxonomy.indicator_sets:
        known = ", ".join(taxonomy.indicator_sets)
        raise _fail(plan.source, "plan.indicator_set",
                    f"{plan.indicator_set!r} is not an indicator set of the taxonomy "
                    f"(known: {known})")
    names = taxonomy.indicator_set(plan.indicator_set).indicators
    for index, outcome in enumerate(plan.outcomes, 1):
        if outcome.indicator not in names:
            raise _fail(plan.source, f"outcome[{index}].indicator",
                        f"{outcome.indicator!r} is not an indicator of {plan.indicator_set} "
                        f"(known: {', '.join(names)})")
