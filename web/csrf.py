"""CSRF tokens on every state-changing form, and the check every POST passes first.

A signed-in user's token is an HMAC of their session (keyed with the app's
secret), so it needs no storage and dies with the session. The sign-in form,
before there is a session, uses a random value in a short-lived cookie of its
own (login CSRF). A request whose method can change state (anything but GET,
HEAD, OPTIONS) must carry the token as the ``csrf_token`` form field or the
``X-CSRF-Token`` header, and an ``Origin`` header, when the browser sends one,
must be this server's.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlparse

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import BadRequest, Forbidden

__all__ = ["SAFE_METHODS", "SIGN_IN_COOKIE", "csrf_token", "check_csrf", "set_sign_in_cookie"]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SIGN_IN_COOKIE = "journey-sign-in"
_SIGN_IN_COOKIE_SECONDS = 3600


class CSRFError(BadRequest):
    """A state-changing request without this session's token (a stale form, or another site)."""

    description = "This form has expired. Go back, reload the page and try again."


def _sign(purpose: str, value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()


def csrf_token() -> str:
    """The token the current page's forms carry (a template global)."""
    user = g.get("user")
    if user is not None:
        return _sign("session", user.session_hash)
    nonce = request.cookies.get(SIGN_IN_COOKIE) or g.get("sign_in_nonce")
    if not nonce:
        nonce = g.sign_in_nonce = secrets.token_urlsafe(24)
    return _sign("sign-in", nonce)


def set_sign_in_cookie(response: Response) -> Response:
    """After a page that made a sign-in form's nonce, hand it to the browser (after_request)."""
    nonce = g.get("sign_in_nonce")
    if nonce:
        response.set_cookie(
            SIGN_IN_COOKIE, nonce, max_age=_SIGN_IN_COOKIE_SECONDS, httponly=True,
            samesite="Strict", secure=current_app.config["SESSION_COOKIE_SECURE"],
        )  # fmt: skip
    return response


def _same_origin() -> bool:
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return True  # an Origin the browser withheld cannot be compared: the token decides
    return urlparse(origin).netloc == request.host


def check_csrf() -> None:
    """Refuse a state-changing request without the right token (before_request).

    Raises
    ------
    Forbidden
        The request comes from a page of another origin.
    CSRFError
        The token is missing or wrong (400).
    """
    if request.method in SAFE_METHODS:
        return
    if not _same_origin():
        raise Forbidden("This request came from another site.")
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    if not hmac.compare_digest(sent.encode(), csrf_token().encode()):
        raise CSRFError()


def install(app: Flask) -> None:
    """Make ``csrf_token()`` available to templates."""
    app.jinja_env.globals.update(csrf_token=csrf_token)
