"""What every file's validation shares: the verdict of each row, and the checks of plain text.

A row of a raw frame ends in one of three places: loaded (``valid``),
rejected with the first rule it breaks (``rejects``), or counted as an exact
copy of an earlier row (``duplicates``). :class:`Rejector` collects the
verdicts so that ``rows_in == loaded + len(rejects) + duplicates``, always.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from journey.contract import ID_COLUMNS, ID_MAX_LENGTH, REJECTS_COLUMNS, RULES, TEXT_MAX_LENGTH

__all__ = [
    "Validated",
    "Rejector",
    "clean_text",
    "all_text",
    "trimmed_text",
    "has_control",
    "too_long",
    "exact_duplicates",
    "first_position",
    "safe_name",
]


@dataclass
class Validated:
    """A file's verdict: rows that passed (normalised), rows that failed, exact copies counted.

    ``rejects`` has ``line``, ``rule`` and ``reason``, then the row's input
    columns as they were read. ``loaded`` is the rows that passed validation
    (for families, rows: ``valid`` holds each family once).
    """

    valid: pd.DataFrame
    rejects: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    rows_in: int = 0
    duplicates: int = 0

    @property
    def loaded(self) -> int:
        """Rows in, less the rejected and the duplicates."""
        return self.rows_in - len(self.rejects) - self.duplicates


# Control characters never belong in an id or a name (tab, newline and carriage return aside).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# A newline then whitespace other than a newline, in a column's values joined by newlines
# with one before and after: a value that starts with whitespace; searched again in the
# reversed text, one that ends with it. Neither (the usual export), and no value holding a
# newline of its own, means every value is clean or empty. A pattern starting with a
# literal is scanned for fast.
_UNTRIMMED = re.compile(r"\n[^\S\n]")


def trimmed_text(values: np.ndarray) -> bool:
    """Whether no value of these ``str`` values holds a newline or has whitespace at either end
    (empty values allowed)."""
    text = "\n" + "\n".join(values) + "\n"
    if text.count("\n") != len(values) + 1:
        return False
    return _UNTRIMMED.search(text) is None and _UNTRIMMED.search(text[::-1]) is None


def all_text(series: pd.Series) -> bool:
    """Whether every value is a ``str`` (no missing values, no numbers), checked in C."""
    return pd.api.types.infer_dtype(series, skipna=False) == "string"


def clean_text(series: pd.Series) -> pd.Series:
    """Trimmed text, with empty and missing values as None (a plain loop: far faster than .str).

    A column of text none of whose values is empty or untrimmed (one regular
    expression scan of the joined column, in C) is returned as it is.

    Examples
    --------
    >>> clean_text(pd.Series([" a ", "", None, 7])).tolist()
    ['a', None, None, '7']
    >>> clean_text(pd.Series(["a", "b c"])).tolist()
    ['a', 'b c']
    >>> clean_text(pd.Series(["a", None, float("nan")])).tolist()
    ['a', None, None]
    """
    values = series.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):  # text, or missing
        missing = pd.isna(values)
        if trimmed_text(values[~missing] if missing.any() else values):
            empty = missing | (values == "")
            if not empty.any():
                return pd.Series(values, index=series.index, dtype=object)
            cleaned = values.copy()
            cleaned[empty] = None
            return pd.Series(cleaned, index=series.index, dtype=object)
    cleaned = [
        (value.strip() or None) if type(value) is str else _other_text(value)
        for value in values
    ]
    return pd.Series(cleaned, index=series.index, dtype=object)


def _other_text(value: object) -> str | None:
    """A value that is not text (a number from a notebook's frame): its text, or None if missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    return str(value).strip() or None


def has_control(series: pd.Series) -> pd.Series:
    """Which values hold a control character; one scan of the column's text when none does."""
    values = series.to_numpy(dtype=object)
    if not all_text(series):
        values = [value if isinstance(value, str) else "" for value in values]
    if _CONTROL.search("\n".join(values)) is None:
        return pd.Series(False, index=series.index)
    return pd.Series([_CONTROL.search(v) is not None for v in values], index=series.index)


def too_long(columns: dict[str, pd.Series], index: pd.Index) -> pd.Series:
    """Which rows hold a cleaned value longer than its limit (ids 64 characters, other text 500).

    Examples
    --------
    >>> too_long({"person_id": pd.Series(["p" * 65, "p1"]), "area": pd.Series(["x" * 500, None])},
    ...          pd.RangeIndex(2)).tolist()
    [True, False]
    """
    failed = np.zeros(len(index), dtype=bool)
    for name, series in columns.items():
        limit = ID_MAX_LENGTH if name in ID_COLUMNS else TEXT_MAX_LENGTH
        values = series.to_numpy(dtype=object)
        texts = values if all_text(series) else [v for v in values if type(v) is str]
        if not len(texts) or max(map(len, texts)) <= limit:  # the usual case: one pass, no list
            continue
        failed |= np.fromiter(
            (type(v) is str and len(v) > limit for v in values), bool, len(values)
        )
    return pd.Series(failed, index=index)


def exact_duplicates(raw: pd.DataFrame) -> pd.Series:
    """Which rows repeat an earlier row cell for cell (every input column but ``line``).

    Examples
    --------
    >>> exact_duplicates(pd.DataFrame({"a": ["x", "x", "x "], "line": [2, 3, 4]})).tolist()
    [False, True, False]
    """
    cells = raw.drop(columns=["line"], errors="ignore")
    found = pd.Series(False, index=raw.index)
    if cells.shape[1] == 0:
        return found
    # Only rows whose first cell repeats can be copies: comparing those alone is far cheaper.
    candidates = cells.iloc[:, 0].duplicated(keep=False).to_numpy()
    if candidates.any():
        found[candidates] = cells[candidates].duplicated(keep="first").to_numpy()
    return found


def first_position(keys: pd.Series) -> np.ndarray:
    """The position of the first row with each row's key (missing keys share one).

    Examples
    --------
    >>> first_position(pd.Series(["a", "b", "a", "b"])).tolist()
    [0, 1, 0, 1]
    """
    codes, _ = pd.factorize(keys)
    if len(codes) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.arange(len(codes))
    first = np.zeros(codes.max() + 2, dtype=np.int64)
    # Written backwards so that the earliest row of each code is written last.
    first[codes[::-1]] = order[::-1]
    return first[codes]


def safe_name(name: str, taken: Iterable[str]) -> str:
    """The name an input column gets beside the rejects file's own columns.

    Examples
    --------
    >>> safe_name("reason", ["reason", "rule"]), safe_name("area", [])
    ('input_reason', 'area')
    >>> safe_name("line", ["line", "input_line"])
    'input_input_line'
    """
    taken = set(taken) | set(REJECTS_COLUMNS)
    if name not in REJECTS_COLUMNS:
        return name
    while name in taken:
        name = f"input_{name}"
    return name


class Rejector:
    """Collects the first failing rule of each row, in rule order; exact copies are set aside."""

    def __init__(self, raw: pd.DataFrame, *, duplicates: pd.Series | None = None):
        self.raw = raw
        self.duplicate = (
            duplicates if duplicates is not None else pd.Series(False, index=raw.index)
        )
        self.reason = pd.Series(None, index=raw.index, dtype=object)

    def check(self, failed: pd.Series, rule: str, detail: pd.Series | str | None = None) -> None:
        """Reject the rows of ``failed`` not rejected yet; ``detail`` (per row) ends the reason."""
        fresh = failed.fillna(False).astype(bool) & self.ok
        if not fresh.any():
            return
        reason = f"{rule}: {RULES[rule]}"
        if isinstance(detail, pd.Series):
            self.reason[fresh] = reason + " (" + detail[fresh].astype(str) + ")"
        else:
            self.reason[fresh] = reason if detail is None else f"{reason} ({detail})"

    @property
    def ok(self) -> pd.Series:
        """The rows neither rejected nor set aside as duplicates."""
        return self.reason.isna() & ~self.duplicate

    def validated(self, valid: pd.DataFrame, warnings: list[str] | None = None) -> Validated:
        """The verdict: ``valid`` rows, the rejects, the duplicates counted."""
        return Validated(
            valid=valid,
            rejects=self.rejects(),
            warnings=warnings or [],
            rows_in=len(self.raw),
            duplicates=int(self.duplicate.sum()),
        )

    def rejects(self) -> pd.DataFrame:
        """``line``, ``rule``, ``reason``, then the input columns (renamed off those three)."""
        bad = self.reason.notna()
        rows = self.raw[bad.to_numpy()]
        inputs = [c for c in rows.columns if c != "line"]
        renamed = {c: safe_name(c, rows.columns) for c in inputs}
        frame = pd.DataFrame(
            {
                "line": rows["line"] if "line" in rows.columns else None,
                "rule": self.reason[bad].str.slice(0, 4),
                "reason": self.reason[bad],
            },
            index=rows.index,
        )
        originals = rows[inputs].rename(columns=renamed)
        return pd.concat([frame, originals], axis=1)
