"""What `journey serve` checks before serving: the secret key, an admin, the address."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from graph_loader.accounts import open_accounts
from graph_loader.stores import open_store
from web.cli import cli
from web.cli_serve import _config, is_loopback


@pytest.fixture
def store_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'council.db'}"
    open_store(url).close()
    return url


def _add_admin(store_url: str) -> None:
    accounts, _ = open_accounts(store_url)
    accounts.add_user("admin", "admin", "an admin test password")
    accounts.close()


def _serve(store_url: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["serve", "--store", store_url, *args])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    return result.output


def test_serve_refuses_without_a_secret_key(store_url, monkeypatch):
    monkeypatch.delenv("JOURNEY_SECRET_KEY", raising=False)
    _add_admin(store_url)
    assert "set $JOURNEY_SECRET_KEY" in _serve(store_url)
    monkeypatch.setenv("JOURNEY_SECRET_KEY", "too short")
    assert "must be at least 32 characters" in _serve(store_url)


def test_serve_refuses_without_an_admin_who_can_sign_in(store_url, monkeypatch):
    monkeypatch.setenv("JOURNEY_SECRET_KEY", "k" * 40)
    assert "no admin can sign in" in _serve(store_url)


def test_a_public_address_is_warned_about(store_url, monkeypatch):
    monkeypatch.setenv("JOURNEY_SECRET_KEY", "k" * 40)
    _add_admin(store_url)
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))  # noqa: S104  (taken, so nothing is served)
        taken.listen()
        port = taken.getsockname()[1]
        output = _serve(store_url, "--host", "0.0.0.0", "--port", str(port))  # noqa: S104
    assert "warning: listening on 0.0.0.0, not only this machine" in output
    assert f"cannot listen on 0.0.0.0:{port}" in output


def test_cookies_are_secure_unless_plain_http_on_loopback(monkeypatch):
    monkeypatch.setenv("JOURNEY_SECRET_KEY", "k" * 40)
    assert _config("127.0.0.1", (), False, False)["SESSION_COOKIE_SECURE"] is False
    assert _config("127.0.0.1", (), True, False)["SESSION_COOKIE_SECURE"] is True
    assert _config("10.0.0.5", (), False, False)["SESSION_COOKIE_SECURE"] is True
    hosts = _config("127.0.0.1", ("journeys.council.gov.uk",), False, False)["ALLOWED_HOSTS"]
    assert hosts == ["127.0.0.1", "localhost", "journeys.council.gov.uk"]
    assert is_loopback("::1") and not is_loopback("journeys.council.gov.uk")


def test_journey_load_is_in_the_audit_log(tmp_path, store_url):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "contacts.csv").write_text(
        "contact_id,person_id,family_id,agency,contact_type,occurred_at\n"
        "c1,p1,F1,Police,incident,2021-01-01\n"
    )
    result = CliRunner().invoke(cli, ["load", str(folder), "--store", store_url,
                                      "--rejects", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    _, audit = open_accounts(store_url)
    [event] = audit.events(action="load")
    assert event.subject == str(folder) and event.actor.startswith("cli:")
    audit.db.close()


def test_the_suppression_rule_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("JOURNEY_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("JOURNEY_SUPPRESSION", "nhs")
    assert _config("127.0.0.1", (), False, False)["SUPPRESSION"] == "nhs"
    monkeypatch.setenv("JOURNEY_SUPPRESSION", "none")
    from web.cli_serve import ServeRefused

    with pytest.raises(ServeRefused, match="use one of 1-4, nhs"):
        _config("127.0.0.1", (), False, False)
