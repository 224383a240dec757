"""The app's accounts and audit log, opened once with the app, and where a request came from."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

from flask import current_app, request

from graph_loader.accounts import Accounts, AuditLog

__all__ = ["Security", "accounts", "audit", "client_address"]


@dataclass
class Security:
    """The accounts and the audit log of one app; ``closer`` set when the app opened them."""

    accounts: Accounts
    audit: AuditLog
    closer: weakref.finalize | None = field(default=None)

    def close(self) -> None:
        """Close the accounts database if the app opened it (at most once)."""
        if self.closer is not None:
            self.closer()


def _security() -> Security:
    return current_app.extensions["journey.security"]


def accounts() -> Accounts:
    """The current app's :class:`graph_loader.accounts.Accounts`."""
    return _security().accounts


def audit() -> AuditLog:
    """The current app's :class:`graph_loader.accounts.AuditLog`."""
    return _security().audit


def client_address() -> str | None:
    """The address the request came from (the proxy's view of it behind ``--behind-proxy``)."""
    return request.remote_addr
