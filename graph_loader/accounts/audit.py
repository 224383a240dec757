"""The audit log: who did what, to which subject, when and from where; append-only.

Rows are only ever inserted: SQLite triggers refuse every UPDATE and DELETE
of the ``audit`` table, whoever runs them. The subject is a family id, an
export's format, a user name or an upload's file name; never a person's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from graph_loader.accounts.db import AccountsDB, parse_time, time_text

__all__ = ["AUDIT_ACTIONS", "AuditEvent", "AuditLog"]

#: Every action the service records, and what its subject is.
AUDIT_ACTIONS: dict[str, str] = {
    "sign-in": "the name tried (outcome: success, or why not)",
    "sign-out": "—",
    "view-family": "the family id",
    "export": "the export's format and page",
    "load": "the loaded file or folder",
    "upload": "the uploaded file's name",
    "user-add": "the new user's name and role",
    "user-role": "the user's name and new role",
    "user-disable": "the user's name",
    "user-enable": "the user's name",
    "user-password": "the user's name",
    "user-caseload": "the user's name",
    "audit-export": "the filters of the downloaded audit log",
    "access-denied": "the route refused",
    "flag-file": "the agency, the file's day and the file's name (never its people)",
}


@dataclass(frozen=True)
class AuditEvent:
    """One line of the audit log."""

    event_id: int
    at: datetime
    actor: str | None
    role: str | None
    action: str
    subject: str | None
    outcome: str
    address: str | None


class AuditLog:
    """Append and read the audit log (see the module docstring)."""

    def __init__(self, db: AccountsDB):
        self.db = db

    def record(
        self,
        action: str,
        *,
        actor: str | None = None,
        role: str | None = None,
        subject: str | None = None,
        outcome: str = "success",
        address: str | None = None,
    ) -> None:
        """Append one event, stamped with the clock's time."""
        if action not in AUDIT_ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        self.db.run(
            "insert_audit_event",
            {"at": self.db.now(), "actor": actor, "role": role, "action": action,
             "subject": None if subject is None else str(subject)[:300], "outcome": outcome,
             "address": address},  # fmt: skip
        )

    def events(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        subject: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 1000,
    ) -> list[AuditEvent]:
        """The newest ``limit`` events matching every filter given (``until`` is exclusive)."""
        rows = self.db.rows(
            "select_audit_events",
            {"actor": actor, "action": action, "subject": subject,
             "since": None if since is None else time_text(since),
             "until": None if until is None else time_text(until), "limit": limit},  # fmt: skip
        )
        return [
            AuditEvent(
                event_id=int(r["event_id"]), at=parse_time(r["at"]), actor=r["actor"],
                role=r["role"], action=r["action"], subject=r["subject"],
                outcome=r["outcome"], address=r["address"],
            )  # fmt: skip
            for r in rows
        ]

    def actions(self) -> list[str]:
        """The actions the log holds, sorted (for the admin page's filter)."""
        return [r["action"] for r in self.db.rows("select_audit_actions")]

    def count(self) -> int:
        """How many events the log holds."""
        return int(self.db.scalar("count_audit_events"))
