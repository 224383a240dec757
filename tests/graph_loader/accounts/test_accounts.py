"""Accounts in a real SQLite file: users, sign-in with lock-out, sessions and their timeouts."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from graph_loader.accounts import open_accounts
from journey.errors import AccountError

PASSWORD = "correct horse battery"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves on."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def accounts(tmp_path, clock):
    accounts, audit = open_accounts(f"sqlite:///{tmp_path / 'journey.db'}", clock=clock)
    accounts.audit = audit
    yield accounts
    accounts.close()


def test_a_user_is_added_listed_and_never_shows_its_hash(accounts):
    user = accounts.add_user("ann", "admin", PASSWORD)
    accounts.add_user("bob", "designer", PASSWORD)
    assert (user.name, user.role, user.disabled, user.created_at) == ("ann", "admin", False, START)
    assert [u.name for u in accounts.users()] == ["ann", "bob"]
    assert not hasattr(user, "password_hash")
    row = accounts.db.rows("select_user_by_name", {"name": "ann"})[0]
    assert row["password_hash"].startswith("$argon2id$") and PASSWORD not in row["password_hash"]


@pytest.mark.parametrize(
    "name, role, password, message",
    [
        ("ann", "admin", "short", "at least 12 characters"),
        ("ann", "boss", PASSWORD, "unknown role 'boss'"),
        ("Ann Smith", "admin", PASSWORD, "lower-case letters"),
        ("ann.smith1234", "admin", "Ann.Smith1234", "must not be the user name"),
    ],
)
def test_bad_accounts_are_refused_with_the_reason(accounts, name, role, password, message):
    with pytest.raises(AccountError, match=message):
        accounts.add_user(name, role, password)
    assert accounts.users() == []


def test_a_name_is_taken_once_whatever_its_case(accounts):
    accounts.add_user("ann", "admin", PASSWORD)
    with pytest.raises(AccountError, match="already a user called 'ann'"):
        accounts.add_user("ann", "analyst", PASSWORD)


def test_the_last_admin_cannot_be_disabled_or_demoted(accounts):
    accounts.add_user("ann", "admin", PASSWORD)
    with pytest.raises(AccountError, match="only admin"):
        accounts.set_disabled("ann")
    with pytest.raises(AccountError, match="only admin"):
        accounts.set_role("ann", "analyst")
    accounts.add_user("bea", "admin", PASSWORD)
    assert accounts.set_role("ann", "analyst").role == "analyst"
    assert accounts.active_admins() == 1


def test_sign_in_outcomes(accounts):
    accounts.add_user("ann", "analyst", PASSWORD)
    assert accounts.sign_in("ann", PASSWORD).outcome == "success"
    assert accounts.sign_in("ann", PASSWORD + "x").outcome == "wrong password"
    assert accounts.sign_in("nobody", PASSWORD).outcome == "unknown user"
    accounts.add_user("bob", "admin", PASSWORD)
    accounts.set_disabled("ann")
    assert accounts.sign_in("ann", PASSWORD).outcome == "disabled"


def test_five_wrong_passwords_lock_the_account_for_a_while_and_longer_each_time(accounts, clock):
    accounts.add_user("ann", "analyst", PASSWORD)
    for _ in range(4):
        assert accounts.sign_in("ann", "wrong password!").outcome == "wrong password"
    assert accounts.user("ann").locked_until is None
    accounts.sign_in("ann", "wrong password!")  # the fifth
    assert accounts.user("ann").locked_until == START + timedelta(minutes=15)
    clock.advance(minutes=14)
    assert accounts.sign_in("ann", PASSWORD).outcome == "locked"  # even the right password
    clock.advance(minutes=1)
    accounts.sign_in("ann", "wrong password!")  # the sixth: twice as long
    assert accounts.user("ann").locked_until == clock.now + timedelta(minutes=30)
    clock.advance(minutes=30)
    assert accounts.sign_in("ann", PASSWORD).ok
    assert accounts.user("ann").failed_signins == 0


def test_a_password_reset_lifts_the_lock(accounts):
    accounts.add_user("ann", "analyst", PASSWORD)
    for _ in range(5):
        accounts.sign_in("ann", "wrong password!")
    accounts.reset_password("ann", "another long password")
    assert accounts.sign_in("ann", "another long password").ok


def test_the_file_holds_a_sessions_hash_never_its_token(accounts, tmp_path):
    user = accounts.add_user("ann", "analyst", PASSWORD)
    token = accounts.start_session(user)
    assert accounts.session(token).name == "ann"
    content = (tmp_path / "journey.db").read_bytes() + (tmp_path / "journey.db-wal").read_bytes()
    assert token.encode() not in content
    assert hashlib.sha256(token.encode()).hexdigest().encode() in content


def test_a_session_ends_after_30_idle_minutes(accounts, clock):
    token = accounts.start_session(accounts.add_user("ann", "analyst", PASSWORD))
    clock.advance(minutes=29)
    assert accounts.session(token) is not None  # used: idle time starts again
    clock.advance(minutes=29)
    assert accounts.session(token) is not None
    clock.advance(minutes=30)
    assert accounts.session(token) is None
    clock.advance(minutes=1)
    assert accounts.session(token) is None  # ended for good


def test_a_session_ends_8_hours_after_sign_in_however_busy(accounts, clock):
    token = accounts.start_session(accounts.add_user("ann", "analyst", PASSWORD))
    for _ in range(7 * 4 + 3):  # a request every 15 minutes for 7 h 45 min
        clock.advance(minutes=15)
        assert accounts.session(token) is not None
    clock.advance(minutes=15)
    assert accounts.session(token) is None


@pytest.mark.parametrize(
    "change",
    [
        lambda a: a.set_disabled("ann"),
        lambda a: a.set_role("ann", "designer"),
        lambda a: a.reset_password("ann", "another long password"),
    ],
    ids=["disable", "role", "password"],
)
def test_changing_a_user_ends_all_their_sessions_at_once(accounts, change):
    accounts.add_user("boss", "admin", PASSWORD)
    user = accounts.add_user("ann", "analyst", PASSWORD)
    tokens = [accounts.start_session(user) for _ in range(2)]
    other = accounts.start_session(accounts.user("boss"))
    change(accounts)
    assert [accounts.session(t) for t in tokens] == [None, None]
    assert accounts.open_sessions("ann") == 0
    assert accounts.session(other).name == "boss"


def test_signing_out_ends_one_session(accounts):
    user = accounts.add_user("ann", "analyst", PASSWORD)
    first, second = accounts.start_session(user), accounts.start_session(user)
    accounts.end_session(first)
    assert accounts.session(first) is None and accounts.session(second) is not None
    assert accounts.session("") is None and accounts.session("made-up") is None


def test_a_keyworkers_caseload(accounts):
    worker = accounts.add_user("kay", "keyworker", PASSWORD)
    assert accounts.set_caseload("kay", ["F002", "F001", "F001"]) == ["F001", "F002"]
    assert accounts.set_caseload("kay", ["F003"]) == ["F003"]
    assert accounts.caseload(worker.user_id) == ["F003"]
    accounts.add_user("ann", "analyst", PASSWORD)
    with pytest.raises(AccountError, match="only keyworkers"):
        accounts.set_caseload("ann", ["F001"])


def test_the_audit_log_is_append_only_even_to_sql(accounts, tmp_path):
    audit = accounts.audit
    audit.record("sign-in", actor="ann", outcome="success", address="127.0.0.1")
    connection = sqlite3.connect(tmp_path / "journey.db")
    for statement in ("UPDATE audit SET actor = 'x'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute(statement)
    connection.close()
    assert [(e.actor, e.action) for e in audit.events()] == [("ann", "sign-in")]


def test_audit_filters(accounts, clock):
    audit = accounts.audit
    audit.record("sign-in", actor="ann")
    clock.advance(days=1)
    audit.record("view-family", actor="ann", subject="F001")
    audit.record("view-family", actor="bob", subject="F002")
    clock.advance(days=1)
    audit.record("export", actor="bob", subject="families.csv")
    assert [e.subject for e in audit.events()] == ["families.csv", "F002", "F001", None]
    assert [e.subject for e in audit.events(actor="bob")] == ["families.csv", "F002"]
    assert [e.subject for e in audit.events(action="view-family", actor="ann")] == ["F001"]
    day_two = START + timedelta(days=1)
    assert len(audit.events(since=day_two, until=day_two + timedelta(days=1))) == 2
    assert len(audit.events(limit=1)) == 1 and audit.count() == 4
    assert audit.actions() == ["export", "sign-in", "view-family"]
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record("delete-everything")


def test_a_neo4j_store_keeps_its_accounts_in_a_side_file(tmp_path, monkeypatch):
    from graph_loader.accounts import accounts_path

    monkeypatch.setenv("JOURNEY_ACCOUNTS", str(tmp_path / "side.db"))
    assert accounts_path("bolt://localhost:7687") == tmp_path / "side.db"
    monkeypatch.delenv("JOURNEY_ACCOUNTS")
    assert str(accounts_path("neo4j://db:7687")) == "journey-accounts.db"
