"""User accounts, their sessions and caseloads, and the audit log, in one SQLite file.

For the embedded store that file is the store's own (the ``users``,
``sessions``, ``caseloads`` and ``audit`` tables beside the journey tables);
for a Neo4j store it is a SQLite file beside it, ``$JOURNEY_ACCOUNTS`` or
``journey-accounts.db`` in the working folder: accounts are few, change
rarely and must be append-only for the audit log, which a SQLite trigger
enforces simply (see ``docs/security.md#where-accounts-and-the-audit-log-live``).
Every statement is named in ``queries/accounts.sql``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from graph_loader.accounts.audit import AUDIT_ACTIONS, AuditEvent, AuditLog
from graph_loader.accounts.db import AccountsDB, utc_now
from graph_loader.accounts.users import (
    IDLE_TIMEOUT,
    MAX_FAILED_SIGNINS,
    SESSION_LIFETIME,
    Accounts,
    SessionUser,
    SignIn,
    User,
)

__all__ = [
    "Accounts",
    "AuditLog",
    "AuditEvent",
    "AUDIT_ACTIONS",
    "User",
    "SessionUser",
    "SignIn",
    "IDLE_TIMEOUT",
    "SESSION_LIFETIME",
    "MAX_FAILED_SIGNINS",
    "accounts_path",
    "open_accounts",
    "DEFAULT_SIDE_FILE",
]

DEFAULT_SIDE_FILE = "journey-accounts.db"


def accounts_path(store_url: str) -> Path:
    """The SQLite file holding the accounts of the store at ``store_url``.

    Examples
    --------
    >>> str(accounts_path("sqlite:///data/council.db"))
    'data/council.db'
    """
    if store_url.startswith("sqlite:///"):
        from graph_loader.stores import sqlite_path

        return sqlite_path(store_url)
    return Path(os.environ.get("JOURNEY_ACCOUNTS") or DEFAULT_SIDE_FILE)


def open_accounts(
    store_url: str, *, clock: Callable[[], datetime] = utc_now
) -> tuple[Accounts, AuditLog]:
    """Open (creating when needed) the accounts and the audit log of the store at ``store_url``.

    Both share one :class:`AccountsDB`; closing the accounts closes it.
    """
    db = AccountsDB(accounts_path(store_url), clock=clock)
    return Accounts(db), AuditLog(db)
