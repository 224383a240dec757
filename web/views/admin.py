"""Admin pages: users (add, change role, disable, reset password, caseload) and the audit log.

Every route here needs the ``admin`` permission (:data:`web.access.ROUTES`);
every change is a POST carrying the CSRF token, and is recorded in the audit
log. Uploads are in :mod:`web.views.admin_uploads`, on the same blueprint.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pandas as pd
from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for

from graph_loader.accounts import AUDIT_ACTIONS
from journey.access import ROLE_DESCRIPTIONS, ROLES
from journey.csv_export import csv_filename, excel_csv_bytes
from journey.errors import AccountError
from web.params import choice_param, date_param, text_param
from web.services import accounts, audit, client_address

__all__ = ["blueprint"]

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

_CHANGES = ("role", "disable", "enable", "password", "caseload")
_FAMILY_IDS = re.compile(r"[\s,]+")
_AUDIT_PAGE_ROWS = 500
_AUDIT_CSV_ROWS = 100_000


def _record(action: str, subject: str, outcome: str = "success") -> None:
    audit().record(action, actor=g.user.name, role=g.user.role, subject=subject,
                   outcome=outcome, address=client_address())  # fmt: skip


@blueprint.get("/users")
def users() -> str:
    """Every account, with forms to add one and to change each."""
    listed = accounts().users()
    caseloads = {u.name: accounts().caseload(u.user_id) for u in listed if u.role == "keyworker"}
    return render_template(
        "admin_users.html", users=listed, roles=ROLES, role_descriptions=ROLE_DESCRIPTIONS,
        caseloads=caseloads, now=accounts().db.clock(),
    )  # fmt: skip


@blueprint.post("/users")
def add_user() -> Response:
    """Add an account from the form (name, role, first password)."""
    name = request.form.get("name", "").strip().lower()
    role = request.form.get("role", "")
    try:
        accounts().add_user(name, role, request.form.get("password", ""))
    except AccountError as error:
        flash(f"Not added: {error}.", "error")
        return redirect(url_for("admin.users"), code=303)
    _record("user-add", f"{name} ({role})")
    flash(f"Added {name} as {role}.", "ok")
    return redirect(url_for("admin.users"), code=303)


def _change(name: str, change: str) -> tuple[str, str, str]:
    """Apply one change to a user: (audit action, audit subject, message for the admin)."""
    if change == "role":
        role = request.form.get("role", "")
        accounts().set_role(name, role)
        return "user-role", f"{name} ({role})", f"{name} is now {role}; their sessions ended."
    if change == "disable":
        accounts().set_disabled(name, True)
        return "user-disable", name, f"{name} is disabled; their sessions ended."
    if change == "enable":
        accounts().set_disabled(name, False)
        return "user-enable", name, f"{name} can sign in again."
    if change == "password":
        accounts().reset_password(name, request.form.get("password", ""))
        return "user-password", name, f"{name} has a new password; their sessions ended."
    family_ids = [f for f in _FAMILY_IDS.split(request.form.get("caseload", "")) if f]
    kept = accounts().set_caseload(name, family_ids)
    return "user-caseload", name, f"{name}'s caseload has {len(kept)} families."


@blueprint.post("/users/<name>")
def change_user(name: str) -> Response:
    """Change one user: ``change`` is role, disable, enable, password or caseload."""
    change = request.form.get("change", "")
    if change not in _CHANGES:
        flash(f"Unknown change {change[:20]!r}.", "error")
        return redirect(url_for("admin.users"), code=303)
    try:
        action, subject, message = _change(name, change)
    except AccountError as error:
        flash(f"Not changed: {error}.", "error")
        return redirect(url_for("admin.users"), code=303)
    _record(action, subject)
    flash(message, "ok")
    return redirect(url_for("admin.users"), code=303)


def _audit_filters() -> dict:
    args = request.args
    since, until = date_param(args, "from"), date_param(args, "to")
    return {
        "actor": text_param(args, "actor", max_length=64),
        "action": choice_param(args, "action", AUDIT_ACTIONS),
        "subject": text_param(args, "subject", max_length=300),
        "since": None if since is None else since.to_pydatetime().replace(tzinfo=UTC),
        "until": None if until is None else (until + pd.Timedelta(days=1)).to_pydatetime().replace(
            tzinfo=UTC
        ),
    }


def _query_args() -> dict[str, str]:
    names = {"actor", "action", "subject", "from", "to"}
    return {k: v for k, v in request.args.items() if k in names and v}


@blueprint.get("/audit", endpoint="audit")
def audit_page() -> str:
    """The audit log, newest first, filtered by who, what, subject and dates (UTC days)."""
    events = audit().events(**_audit_filters(), limit=_AUDIT_PAGE_ROWS + 1)
    return render_template(
        "admin_audit.html", events=events[:_AUDIT_PAGE_ROWS], more=len(events) > _AUDIT_PAGE_ROWS,
        actions=list(AUDIT_ACTIONS), filters=_query_args(), total=audit().count(),
    )  # fmt: skip


@blueprint.get("/audit.csv")
def audit_csv() -> Response:
    """The filtered audit log as CSV (formula-safe); downloading it is itself recorded."""
    events = audit().events(**_audit_filters(), limit=_AUDIT_CSV_ROWS)
    columns = ["event_id", "at", "actor", "role", "action", "subject", "outcome", "address"]
    frame = pd.DataFrame([[getattr(e, c) for c in columns] for e in events], columns=columns)
    # UTC, to the minute, as Excel reads a date-time.
    frame["at"] = frame["at"].map(lambda at: at.strftime("%Y-%m-%d %H:%M"))
    frame = frame.rename(columns={"at": "at_utc"})
    shown = ", ".join(f"{k}={v}" for k, v in _query_args().items()) or "all"
    _record("audit-export", shown)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    name = csv_filename("audit", {**_query_args(), "at": stamp})
    return Response(
        excel_csv_bytes(frame), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )  # fmt: skip


from web.views import admin_uploads  # noqa: E402,F401  (its routes join this blueprint)
