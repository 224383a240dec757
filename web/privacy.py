"""De-identified views for the roles without ``identified`` (filled in below)."""

from __future__ import annotations

from flask import Flask

__all__ = ["resolve_request", "install"]


def resolve_request() -> None:
    """Turn a pseudonymised family id in the URL into the family's own (before_request)."""


def install(app: Flask) -> None:
    """Register the context filter that de-identifies pages for roles without ``identified``."""
