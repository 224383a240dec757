"""Analysis parameters: defaults in one place, and the positive-number check every analysis uses."""

import numpy as np
import pytest

from journey.errors import ParameterError
from journey.parameters import PARAMETER_HELP, AnalysisParameters, check_positive


def test_parameters_must_be_positive():
    check_positive(days=0.5, contacts=np.int64(30), share=np.float64(0.1))
    for bad in (0, -1, "30", None, True):
        with pytest.raises(ParameterError, match="days must be a positive number"):
            check_positive(days=bad)
    # Callers that catch ValueError for bad thresholds keep working.
    assert issubclass(ParameterError, ValueError)


def test_every_parameter_has_help_text():
    fields = set(AnalysisParameters.__dataclass_fields__)
    assert set(PARAMETER_HELP) == fields
    assert all(len(text) > 20 for text in PARAMETER_HELP.values())
