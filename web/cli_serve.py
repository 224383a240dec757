"""What ``journey serve`` and ``journey demo`` check and set before serving.

Outside demo mode the server refuses to start without ``JOURNEY_SECRET_KEY``
(at least 32 characters: it keys CSRF tokens and, unless
``JOURNEY_PSEUDONYM_KEY`` is set, the pseudonyms) and without at least one
admin who can sign in. The ``Host`` allow-list is the bound address,
``localhost`` and every ``--allowed-host``; binding to an address other
than loopback prints a warning. Cookies are ``Secure`` unless the app serves
plain http on a loopback address; ``--behind-proxy`` (an HTTPS reverse proxy
on this machine) makes them Secure and trusts the proxy's
``X-Forwarded-For`` and ``X-Forwarded-Proto``.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
import sys
from typing import Any

import click

from journey.errors import JourneyError

__all__ = [
    "allowed_host_option",
    "behind_proxy_option",
    "serve_store",
    "demo_account",
    "SECRET_KEY_VARIABLE",
    "MIN_SECRET_LENGTH",
]

SECRET_KEY_VARIABLE = "JOURNEY_SECRET_KEY"
PSEUDONYM_KEY_VARIABLE = "JOURNEY_PSEUDONYM_KEY"
SUPPRESSION_VARIABLE = "JOURNEY_SUPPRESSION"
MIN_SECRET_LENGTH = 32
DEMO_USER = "demo"

allowed_host_option = click.option(
    "--allowed-host",
    "allowed_hosts",
    metavar="NAME",
    multiple=True,
    help="Another host name the app answers to (repeatable; default: the bound address "
    "and localhost). Requests for any other Host are refused (DNS rebinding).",
)
behind_proxy_option = click.option(
    "--behind-proxy",
    is_flag=True,
    help="Served through an HTTPS reverse proxy on this machine: Secure cookies, and the "
    "proxy's X-Forwarded-For and X-Forwarded-Proto are trusted.",
)


class ServeRefused(JourneyError):
    """The server will not start as configured (no secret key, no admin)."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.0/8, ::1, localhost).

    Examples
    --------
    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _secret_key(demo: bool) -> str:
    key = os.environ.get(SECRET_KEY_VARIABLE, "")
    if key and len(key) < MIN_SECRET_LENGTH:
        raise ServeRefused(
            f"${SECRET_KEY_VARIABLE} must be at least {MIN_SECRET_LENGTH} characters "
            "(try: python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    if not key:
        if not demo:
            raise ServeRefused(
                f"set ${SECRET_KEY_VARIABLE} (at least {MIN_SECRET_LENGTH} random characters, "
                "e.g. from: python -c 'import secrets; print(secrets.token_hex(32))') to serve"
            )
        key = secrets.token_hex(32)
    return key


def _check_admin(store_url: str) -> None:
    from graph_loader.accounts import open_accounts

    accounts, _ = open_accounts(store_url)
    try:
        if accounts.active_admins() == 0:
            raise ServeRefused(
                "no admin can sign in: add one first with "
                "`journey users add NAME --role admin --store URL`"
            )
    finally:
        accounts.close()


def demo_account(store_url: str) -> tuple[str, str]:
    """Make (or give a fresh password to) the demo's admin account; return its name and password."""
    from graph_loader.accounts import open_accounts
    from journey.errors import AccountError

    password = secrets.token_urlsafe(12)
    accounts, audit = open_accounts(store_url)
    try:
        try:
            accounts.user(DEMO_USER)
            accounts.reset_password(DEMO_USER, password)
            accounts.set_disabled(DEMO_USER, False)
        except AccountError:
            accounts.add_user(DEMO_USER, "admin", password)
        audit.record("user-password", actor="journey demo", subject=DEMO_USER, address="local")
    finally:
        accounts.close()
    return DEMO_USER, password


def _config(host: str, allowed_hosts: tuple[str, ...], behind_proxy: bool, demo: bool) -> dict:
    config: dict[str, Any] = {
        "SECRET_KEY": _secret_key(demo),
        "ALLOWED_HOSTS": list(dict.fromkeys([host, "localhost", *allowed_hosts])),
        "SESSION_COOKIE_SECURE": behind_proxy or not is_loopback(host),
    }
    if os.environ.get(PSEUDONYM_KEY_VARIABLE):
        config["PSEUDONYM_KEY"] = os.environ[PSEUDONYM_KEY_VARIABLE]
    rule = os.environ.get(SUPPRESSION_VARIABLE)
    if rule:
        from journey.disclosure import RULES

        if rule not in RULES:
            known = ", ".join(RULES)
            raise ServeRefused(f"${SUPPRESSION_VARIABLE} is {rule!r}: use one of {known}")
        config["SUPPRESSION"] = rule
    return config


def serve_store(
    store, host: str, port: int, *, allowed_hosts: tuple[str, ...] = (),
    behind_proxy: bool = False, demo: bool = False,
) -> None:
    """Check the configuration, build the app around ``store`` and serve it until Ctrl+C.

    Raises
    ------
    ServeRefused
        Outside demo mode: no (or a short) ``JOURNEY_SECRET_KEY``, or no admin.
    """
    from web.app import create_app
    from web.server import check_address
    from web.server import serve as run_server

    config = _config(host, allowed_hosts, behind_proxy, demo)
    if not demo:
        _check_admin(store.url)
    if not is_loopback(host):
        click.echo(f"journey: warning: listening on {host}, not only this machine: serve "
                   "through an HTTPS reverse proxy (see docs/security.md)", err=True)  # fmt: skip
    app = create_app({"STORE": store, **config})
    if behind_proxy:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s")
    logging.getLogger("waitress").setLevel(logging.WARNING)
    check_address(host, port)  # before anything says "serving"
    click.echo(f"serving {store.url} on http://{host}:{port}/ (Ctrl+C to stop)")
    run_server(app, host=host, port=port)
