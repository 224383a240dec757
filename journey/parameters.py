"""The analyses' thresholds in one place, with their documented defaults.

See docs/analyses.md#parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

import numpy as np

from journey.errors import ParameterError

__all__ = ["AnalysisParameters", "PARAMETER_HELP", "check_positive"]


@dataclass(frozen=True)
class AnalysisParameters:
    """Every threshold the analyses take, with the documented defaults.

    Examples
    --------
    >>> AnalysisParameters().window_days, AnalysisParameters(min_contacts=20).min_contacts
    (365, 20)
    """

    indicator_set: str = "tf2015"
    window_days: int = 365
    min_contacts: int = 30
    min_agencies: int = 5
    by_age: int = 13
    parallel_days: int = 30
    assessment_days: int = 90


# What each parameter means, for command-line help and documentation.
PARAMETER_HELP = {
    "indicator_set": "Headline indicator set (tf2015: >= 2 of 6 make a family eligible; "
    "sf2022: >= 3 of 10).",
    "window_days": "Rolling window of a high-contact journey, in days.",
    "min_contacts": "Contacts within the window that make a journey high-contact.",
    "min_agencies": "Distinct agencies within the window that make it high-contact.",
    "by_age": "Age for the cumulative form of high-contact journeys (people).",
    "parallel_days": "Days within which another agency's contact makes a contact uncoordinated.",
    "assessment_days": "Days within which an assessment by a different agency is a repeat.",
}


def check_positive(**values: float) -> None:
    """Raise :class:`~journey.errors.ParameterError` unless every named value is a positive number.

    Examples
    --------
    >>> check_positive(window_days=365)
    >>> check_positive(window_days=0)
    Traceback (most recent call last):
    ...
    journey.errors.ParameterError: window_days must be a positive number, not 0
    """
    for name, value in values.items():
        if isinstance(value, bool | np.bool_) or not isinstance(value, Real) or not value > 0:
            raise ParameterError(f"{name} must be a positive number, not {value!r}")
