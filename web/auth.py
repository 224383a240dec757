"""Signing in and out, the account page, and who the current request's user is.

The session cookie holds a random token (see
:mod:`graph_loader.accounts.users`): ``HttpOnly``, ``SameSite=Lax``, and
``Secure`` (with the ``__Host-`` prefix) unless the app serves plain http on
a loopback address. It carries no expiry, so it goes when the browser
closes; the server ends the session after 30 minutes idle or 8 hours.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, redirect, render_template, request, url_for

from graph_loader.accounts import IDLE_TIMEOUT, MAX_FAILED_SIGNINS, SESSION_LIFETIME, SessionUser
from journey.access import PERMISSIONS, ROLE_DESCRIPTIONS, ROLE_PERMISSIONS
from web.access import can
from web.services import accounts, audit, client_address

__all__ = [
    "blueprint",
    "session_cookie_name",
    "load_user",
    "home_endpoint",
    "safe_next",
    "SIGN_IN_FAILED",
]

blueprint = Blueprint("auth", __name__)

SIGN_IN_FAILED = (
    "The name or password is not right, or the account is locked or disabled. "
    f"After {MAX_FAILED_SIGNINS} wrong passwords in a row an account is locked for a while."
)
# Where a user lands after signing in, the first of these their role may see.
_HOMES = ("overview.overview", "families.families", "pathways.pathways", "auth.account")


def session_cookie_name() -> str:
    """``__Host-journey-session`` over https (the prefix needs Secure), else ``journey-session``."""
    return "__Host-journey-session" if current_app.config["SESSION_COOKIE_SECURE"] else (
        "journey-session"
    )


def load_user() -> None:
    """Put the session's user (or None) on ``g.user`` (before_request)."""
    token = request.cookies.get(session_cookie_name(), "")
    g.user = accounts().session(token) if token else None


def home_endpoint() -> str:
    """The first page of :data:`_HOMES` the current user may see."""
    return next(endpoint for endpoint in _HOMES if can(endpoint))


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site (never ``//host`` or ``https://…``), else None.

    Examples
    --------
    >>> safe_next("/families?page=2"), safe_next("//evil.example/"), safe_next("https://x/")
    ('/families?page=2', None, None)
    >>> safe_next("/\\\\evil.example")
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ch in target for ch in "\r\n\\"):
        return None
    return target


def _start(user) -> Response:
    token = accounts().start_session(user)
    g.user = accounts().session(token)
    target = safe_next(request.form.get("next"))
    response = redirect(target or url_for(home_endpoint()), code=303)
    response.set_cookie(
        session_cookie_name(), token, httponly=True, samesite="Lax", path="/",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )  # fmt: skip
    return response


@blueprint.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Response | str:
    """The sign-in form; a right name and password start a session (a new token every time)."""
    next_path = safe_next(request.values.get("next")) or ""
    if request.method == "GET":
        return render_template("sign_in.html", next=next_path, failed=False, name="",
                               sign_in_failed=SIGN_IN_FAILED)
    name = request.form.get("name", "").strip().lower()[:64]
    password = request.form.get("password", "")
    attempt = accounts().sign_in(name, password)
    audit().record("sign-in", actor=name or None, role=attempt.user.role if attempt.ok else None,
                   outcome=attempt.outcome, address=client_address())  # fmt: skip
    if not attempt.ok:
        page = render_template("sign_in.html", next=next_path, failed=True, name=name,
                               sign_in_failed=SIGN_IN_FAILED)
        return Response(page, status=200, mimetype="text/html")
    old = request.cookies.get(session_cookie_name())
    if old:
        accounts().end_session(old, "signed in again")  # no session outlives a new sign-in
    return _start(attempt.user)


@blueprint.post("/sign-out")
def sign_out() -> Response:
    """End the session on the server and forget the cookie."""
    user: SessionUser = g.user
    accounts().end_session(request.cookies.get(session_cookie_name(), ""))
    audit().record("sign-out", actor=user.name, role=user.role, address=client_address())
    response = redirect(url_for("auth.sign_in"), code=303)
    response.delete_cookie(session_cookie_name(), path="/",
                           secure=current_app.config["SESSION_COOKIE_SECURE"])  # fmt: skip
    g.user = None
    return response


@blueprint.get("/account")
def account() -> str:
    """Who is signed in, with which role, what that role may see, and their caseload."""
    user: SessionUser = g.user
    has_caseload = "caseload" in ROLE_PERMISSIONS[user.role]
    caseload = accounts().caseload(user.user_id) if has_caseload else []
    return render_template(
        "account.html",
        user=user,
        role_description=ROLE_DESCRIPTIONS[user.role],
        permissions=[PERMISSIONS[p] for p in PERMISSIONS if p in ROLE_PERMISSIONS[user.role]],
        caseload=caseload,
        idle_minutes=int(IDLE_TIMEOUT.total_seconds() // 60),
        lifetime_hours=int(SESSION_LIFETIME.total_seconds() // 3600),
    )
