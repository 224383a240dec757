"""Users, sign-in with lock-out, server-side sessions with idle and absolute timeouts, caseloads.

A session's cookie holds a random token; the database holds only its SHA-256,
so a copy of the file opens no session. A session ends when its user signs
out, after :data:`IDLE_TIMEOUT` without a request, :data:`SESSION_LIFETIME`
after sign-in, or when an admin disables the user, changes their role or
resets their password (every session of that user ends at once).

After :data:`MAX_FAILED_SIGNINS` wrong passwords in a row an account is
locked for :data:`LOCK_OUT` (doubling with each further failure, at most a
day); a right password during the lock is refused too. A name that does not
exist costs the same argon2 work as one that does, so timing does not tell.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from graph_loader.accounts.db import AccountsDB, parse_time, time_text
from graph_loader.accounts.passwords import (
    check_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from journey.access import check_role
from journey.errors import AccountError

__all__ = [
    "Accounts",
    "User",
    "SessionUser",
    "SignIn",
    "IDLE_TIMEOUT",
    "SESSION_LIFETIME",
    "MAX_FAILED_SIGNINS",
    "LOCK_OUT",
]

IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_LIFETIME = timedelta(hours=8)
MAX_FAILED_SIGNINS = 5
LOCK_OUT = timedelta(minutes=15)
_LONGEST_LOCK_OUT = timedelta(days=1)
# A session's last_seen is written at most this often (every request would be a write).
_TOUCH_EVERY = timedelta(seconds=60)
_NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-@")


@dataclass(frozen=True)
class User:
    """An account as the admin pages list it (never its password hash)."""

    user_id: int
    name: str
    role: str
    disabled: bool
    created_at: datetime
    changed_at: datetime
    failed_signins: int
    locked_until: datetime | None

    @classmethod
    def of(cls, row: dict) -> User:
        return cls(
            user_id=int(row["user_id"]),
            name=row["name"],
            role=row["role"],
            disabled=bool(row["disabled"]),
            created_at=parse_time(row["created_at"]),
            changed_at=parse_time(row["changed_at"]),
            failed_signins=int(row["failed_signins"]),
            locked_until=parse_time(row["locked_until"]),
        )


@dataclass(frozen=True)
class SessionUser:
    """The user behind a live session."""

    user_id: int
    name: str
    role: str
    session_hash: str
    started_at: datetime


@dataclass(frozen=True)
class SignIn:
    """What a sign-in attempt came to: the user, or why not (never shown to the person)."""

    user: User | None
    outcome: str  # "success", "unknown user", "disabled", "locked", "wrong password"

    @property
    def ok(self) -> bool:
        return self.user is not None


def check_name(name: str) -> str:
    """A user name: 1 to 64 of lower-case letters, digits and ``. _ - @``.

    Examples
    --------
    >>> check_name("a.keyworker@council")
    'a.keyworker@council'
    """
    if not 1 <= len(name) <= 64 or not set(name) <= _NAME_CHARACTERS:
        raise AccountError(
            f"user name {name[:64]!r}: use 1 to 64 lower-case letters, digits, '.', '_', '-', '@'"
        )
    return name


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Accounts:
    """The users, sessions and caseloads of one service (see the module docstring)."""

    def __init__(self, db: AccountsDB):
        self.db = db
        self._dummy: str | None = None

    @property
    def _dummy_hash(self) -> str:
        # Verified against when a name is unknown, so that a miss costs what a hit does.
        if self._dummy is None:
            self._dummy = hash_password(secrets.token_urlsafe(16))
        return self._dummy

    def close(self) -> None:
        """Close the database (the audit log sharing it closes with it)."""
        self.db.close()

    # -- users ------------------------------------------------------------
    def add_user(self, name: str, role: str, password: str) -> User:
        """Add an account. Raises AccountError for a bad or taken name, role or password."""
        check_name(name)
        check_role(role)
        check_password(password, name=name)
        try:
            self.db.run(
                "insert_user",
                {"name": name, "role": role, "password_hash": hash_password(password),
                 "now": self.db.now()},  # fmt: skip
            )
        except sqlite3.IntegrityError:
            raise AccountError(f"there is already a user called {name!r}") from None
        return self.user(name)

    def users(self) -> list[User]:
        """Every account, by name."""
        return [User.of(row) for row in self.db.rows("select_users")]

    def _row(self, name: str) -> dict:
        rows = self.db.rows("select_user_by_name", {"name": name})
        if not rows:
            raise AccountError(f"there is no user called {name!r}")
        return rows[0]

    def user(self, name: str) -> User:
        """One account by name. Raises AccountError when there is none."""
        return User.of(self._row(name))

    def active_admins(self) -> int:
        """How many admins can sign in (``journey serve`` needs at least one)."""
        return int(self.db.scalar("count_active_admins"))

    def _refuse_losing_the_last_admin(self, user: User, *, role: str | None = None) -> None:
        if user.role == "admin" and not user.disabled and role != "admin":
            if self.active_admins() <= 1:
                raise AccountError(f"{user.name!r} is the only admin: add another admin first")

    def set_role(self, name: str, role: str) -> User:
        """Give a user another role; their sessions end (they sign in again with the new one)."""
        check_role(role)
        user = self.user(name)
        self._refuse_losing_the_last_admin(user, role=role)
        with self.db.transaction():
            self.db.run("update_user_role", {"role": role, "user_id": user.user_id,
                                             "now": self.db.now()})  # fmt: skip
            self._end_sessions(user.user_id, "role changed")
        return self.user(name)

    def set_disabled(self, name: str, disabled: bool = True) -> User:
        """Disable a user (ending every session of theirs at once) or enable them again."""
        user = self.user(name)
        if disabled:
            self._refuse_losing_the_last_admin(user)
        with self.db.transaction():
            changed = {"disabled": int(disabled), "user_id": user.user_id, "now": self.db.now()}
            self.db.run("update_user_disabled", changed)
            if disabled:
                self._end_sessions(user.user_id, "disabled")
        return self.user(name)

    def reset_password(self, name: str, password: str) -> User:
        """Set a new password (and lift a lock-out); every session of the user ends."""
        user = self.user(name)
        check_password(password, name=name)
        with self.db.transaction():
            self._set_hash(user.user_id, hash_password(password))
            self._end_sessions(user.user_id, "password reset")
        return self.user(name)

    def _set_hash(self, user_id: int, password_hash: str) -> None:
        self.db.run("update_user_password", {"password_hash": password_hash,
                                             "user_id": user_id, "now": self.db.now()})  # fmt: skip

    # -- sign-in ------------------------------------------------------------
    def sign_in(self, name: str, password: str) -> SignIn:
        """Check a name and password, counting failures and locking out (see the module)."""
        rows = self.db.rows("select_user_by_name", {"name": name})
        if not rows:
            verify_password(self._dummy_hash, password)
            return SignIn(None, "unknown user")
        row = rows[0]
        user = User.of(row)
        now = self.db.clock()
        if user.locked_until is not None and user.locked_until > now:
            verify_password(self._dummy_hash, password)
            return SignIn(None, "locked")
        if not verify_password(row["password_hash"], password):
            self._failed(user, now)
            return SignIn(None, "wrong password")
        if user.disabled:
            return SignIn(None, "disabled")
        self.db.run("record_good_signin", {"user_id": user.user_id})
        if needs_rehash(row["password_hash"]):
            self._set_hash(user.user_id, hash_password(password))
        return SignIn(self.user(name), "success")

    def _failed(self, user: User, now: datetime) -> None:
        failures = user.failed_signins + 1
        locked_until = None
        if failures >= MAX_FAILED_SIGNINS:
            lock = min(LOCK_OUT * 2 ** (failures - MAX_FAILED_SIGNINS), _LONGEST_LOCK_OUT)
            locked_until = time_text(now + lock)
        self.db.run("record_failed_signin", {"user_id": user.user_id,
                                             "locked_until": locked_until})  # fmt: skip

    # -- sessions -------------------------------------------------------------
    def start_session(self, user: User) -> str:
        """Open a session for ``user``; return its token (for the cookie, never stored)."""
        token = secrets.token_urlsafe(32)
        self.db.run("insert_session", {"session_hash": _token_hash(token),
                                       "user_id": user.user_id, "now": self.db.now()})  # fmt: skip
        return token

    def session(self, token: str) -> SessionUser | None:
        """The user of a live session, or None (unknown, ended, idle too long, too old)."""
        if not token:
            return None
        session_hash = _token_hash(token)
        rows = self.db.rows("select_session", {"session_hash": session_hash})
        if not rows or rows[0]["ended_at"] is not None:
            return None
        row, now = rows[0], self.db.clock()
        started, last_seen = parse_time(row["started_at"]), parse_time(row["last_seen"])
        reason = None
        if row["disabled"]:
            reason = "disabled"
        elif now - started >= SESSION_LIFETIME:
            reason = "expired"
        elif now - last_seen >= IDLE_TIMEOUT:
            reason = "idle"
        if reason is not None:
            self.db.run("end_session", {"session_hash": session_hash, "now": time_text(now),
                                        "reason": reason})  # fmt: skip
            return None
        if now - last_seen >= _TOUCH_EVERY:
            self.db.run("touch_session", {"session_hash": session_hash, "now": time_text(now)})
        return SessionUser(int(row["user_id"]), row["name"], row["role"], session_hash, started)

    def end_session(self, token: str, reason: str = "signed out") -> None:
        """End one session (signing out)."""
        self.db.run("end_session", {"session_hash": _token_hash(token), "now": self.db.now(),
                                    "reason": reason})  # fmt: skip

    def _end_sessions(self, user_id: int, reason: str) -> None:
        self.db.run("end_sessions_of_user", {"user_id": user_id, "now": self.db.now(),
                                             "reason": reason})  # fmt: skip

    def open_sessions(self, name: str) -> int:
        """How many sessions of the user are open (not ended; some may have timed out)."""
        return int(self.db.scalar("count_open_sessions_of_user",
                                  {"user_id": self.user(name).user_id}))  # fmt: skip

    # -- caseloads ------------------------------------------------------------
    def set_caseload(self, name: str, family_ids: list[str]) -> list[str]:
        """Replace a keyworker's caseload with ``family_ids``; return it, sorted."""
        user = self.user(name)
        if user.role != "keyworker":
            raise AccountError(f"{name!r} is a {user.role}: only keyworkers have a caseload")
        with self.db.transaction():
            self.db.run("delete_caseload", {"user_id": user.user_id})
            for family_id in family_ids:
                self.db.run("insert_caseload_family",
                            {"user_id": user.user_id, "family_id": family_id})  # fmt: skip
        return self.caseload(user.user_id)

    def caseload(self, user_id: int) -> list[str]:
        """The family ids on a user's caseload, sorted."""
        return [r["family_id"] for r in self.db.rows("select_caseload", {"user_id": user_id})]
