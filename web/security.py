"""Everything every request passes through: host allow-list, sign-in, roles, CSRF, audit, logs.

:func:`install` is called once by the application factory. It opens the
accounts and audit log of the app's store (:func:`graph_loader.accounts.open_accounts`),
registers the sign-in and admin blueprints, and adds, in this order, the
``before_request`` hooks that

1. refuse a ``Host`` header outside ``ALLOWED_HOSTS`` (DNS rebinding),
2. find the session's user,
3. refuse a route the user's role does not open (:func:`web.access.check_access`),
4. refuse a state-changing request without its CSRF token (:func:`web.csrf.check_csrf`),
5. turn a pseudonymised family id in the URL back into the family's own
   (:func:`web.privacy.resolve_request`),

and the ``after_request`` hooks that record family views and exports in the
audit log and write one access-log line per request with the route's
pattern, never its values (a family id in a path is personal data).
"""

from __future__ import annotations

import logging
import secrets
import time
import weakref
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, g, redirect, request, url_for
from werkzeug.exceptions import BadRequest

from graph_loader.accounts import open_accounts, utc_now
from web import auth, csrf, privacy
from web.access import SignInRequired, can, check_access
from web.services import Security, accounts, audit, client_address

__all__ = ["install", "host_name", "SECURITY_DEFAULTS", "ACCESS_LOG"]

ACCESS_LOG = logging.getLogger("journey.access")

SECURITY_DEFAULTS: dict[str, Any] = {
    # Host names the app answers to; ``journey serve`` adds the bound address and --allowed-host.
    "ALLOWED_HOSTS": ["localhost", "127.0.0.1", "::1"],
    # Secure cookies unless told the app serves plain http on a loopback address.
    "SESSION_COOKIE_SECURE": True,
    # The largest request body: an upload of contacts (Flask answers 413 beyond it).
    "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
}
# Endpoints whose successful responses are audit events: (action, subject).
_AUDITED = {
    "families.family": "view-family",
    "families.families_csv": "export",
    "families.family_contacts_csv": "export",
    "exports.family_export": "export",
    "exports.pathways_export": "export",
    "exports.interventions_csv": "export",
}


class UnknownHost(BadRequest):
    """A ``Host`` header this server does not answer to."""

    description = "This server does not answer to that host name."


def host_name(host: str) -> str | None:
    """The name in a ``Host`` header, without its port (None when it cannot be read).

    Examples
    --------
    >>> host_name("localhost:5000"), host_name("[::1]:5000"), host_name("Example.org")
    ('localhost', '::1', 'example.org')
    """
    try:
        return urlsplit("//" + host).hostname
    except ValueError:
        return None


def _check_host(allowed: frozenset[str]) -> None:
    if host_name(request.host) not in allowed:
        raise UnknownHost()


def _audit_response(response: Response) -> Response:
    user = g.get("user")
    if response.status_code == 403 and user is not None:
        rule = request.url_rule.rule if request.url_rule is not None else "-"
        audit().record("access-denied", actor=user.name, role=user.role, subject=rule,
                       outcome="refused", address=client_address())  # fmt: skip
        return response
    action = _AUDITED.get(request.endpoint or "")
    if request.endpoint == "families.families" and (request.view_args or {}).get("fmt") == "json":
        action = "export"
    if action is None or response.status_code != 200 or g.get("user") is None:
        return response
    family_id = g.get("family_id") or (request.view_args or {}).get("family_id")
    if action == "view-family":
        subject = family_id
    elif request.endpoint == "families.family_contacts_csv":
        subject = f"contacts.csv of {family_id}"
    elif request.endpoint == "exports.family_export":
        subject = f"{request.view_args['fmt']} of {family_id}{_identified_mark()}"
    elif request.endpoint in ("exports.pathways_export", "exports.interventions_csv"):
        subject = f"{request.full_path.rsplit('/', 1)[-1].rstrip('?')}{_identified_mark()}"
    else:
        subject = request.path.rsplit("/", 1)[-1]
    audit().record(action, actor=g.user.name, role=g.user.role, subject=subject,
                   address=client_address())  # fmt: skip
    return response


def _identified_mark() -> str:
    return " (identified)" if request.args.get("identified") in ("1", "yes", "true", "on") else ""


def _access_log(response: Response) -> Response:
    started = g.get("request_started")
    elapsed = 0.0 if started is None else (time.perf_counter() - started) * 1000
    rule = request.url_rule.rule if request.url_rule is not None else "-"
    user = g.get("user")
    ACCESS_LOG.info(
        "%s %s %d %.0fms role=%s",
        request.method, rule, response.status_code, elapsed, user.role if user else "-",
    )  # fmt: skip
    return response


def _sign_in_or_401(error: SignInRequired) -> Response:
    wants_page = request.method == "GET" and not request.path.endswith((".json", ".csv", ".html"))
    if wants_page:
        target = request.full_path if request.query_string else request.path
        return redirect(url_for("auth.sign_in", next=target), code=303)
    from web.render import _error_response

    response = _error_response(401, "Sign in required", error.description)
    return response


def _open(app: Flask) -> None:
    store = app.extensions["journey"].store
    clock = app.config.get("CLOCK") or utc_now
    accounts_db, audit_log = open_accounts(store.url, clock=clock)
    closer = weakref.finalize(app, accounts_db.close)
    app.extensions["journey.security"] = Security(accounts_db, audit_log, closer)
    app.extensions["journey"].on_close(closer)


def install(app: Flask) -> None:
    """Add sign-in, roles, CSRF, the Host allow-list, audit and access logs to ``app``."""
    if not app.config.get("SECRET_KEY"):
        # Tests and the demo: sessions live in the store, so a fresh key only reissues forms.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    _open(app)
    from web.views import admin

    app.register_blueprint(auth.blueprint)
    app.register_blueprint(admin.blueprint)
    allowed = frozenset(h.strip("[]").lower() for h in app.config["ALLOWED_HOSTS"])

    @app.before_request
    def security_checks() -> None:
        g.request_started = time.perf_counter()
        _check_host(allowed)
        auth.load_user()
        check_access(lambda user: set(accounts().caseload(user.user_id)))
        csrf.check_csrf()
        privacy.resolve_request()

    app.errorhandler(SignInRequired)(_sign_in_or_401)
    app.after_request(_audit_response)
    app.after_request(csrf.set_sign_in_cookie)
    app.after_request(_access_log)
    csrf.install(app)
    privacy.install(app)
    app.jinja_env.globals.update(can=can)
