"""The error hierarchy: every error the service raises on purpose is a JourneyError."""

__all__ = [
    "JourneyError",
    "InputError",
    "MissingColumnError",
    "MappingError",
    "ParameterError",
    "TaxonomyError",
    "StoreError",
    "StoreUnavailableError",
    "StoreBusyError",
    "SchemaVersionError",
    "NotFoundError",
    "OutputError",
    "AccountError",
]


class JourneyError(Exception):
    """Base class of every error the service raises on purpose."""


class InputError(JourneyError):
    """Input that cannot be read at all (a missing file, a missing column)."""


class MissingColumnError(InputError):
    """A required column is missing from an input file."""

    def __init__(self, path: str, columns: list[str]):
        self.path = path
        self.columns = columns
        names = ", ".join(columns)
        super().__init__(f"{path}: missing required column(s): {names} (rule C001)")


class MappingError(InputError):
    """A column mapping that cannot be read, or that does not fit the file it describes."""


class ParameterError(JourneyError, ValueError):
    """An analysis parameter outside its allowed range."""


class TaxonomyError(JourneyError):
    """A taxonomy file that cannot be read or is inconsistent."""


class StoreError(JourneyError):
    """A store that cannot be opened, read or written."""


class StoreUnavailableError(StoreError):
    """A store URL whose backend is not available."""


class StoreBusyError(StoreError):
    """A store another load is writing to, still busy when the wait for it ran out."""


class SchemaVersionError(StoreError):
    """A store file written with a different schema version."""


class NotFoundError(JourneyError):
    """A family, person or result that does not exist in the store."""


class OutputError(JourneyError):
    """Results that cannot be written (an unwritable folder)."""


class AccountError(JourneyError):
    """An account that cannot be made or changed as asked (unknown, taken, a weak password)."""
