"""Roles and what each may do: the one table the web app's route checks and the docs follow.

A role holds a set of *permissions*; each of the app's routes names the
permissions that let a user in (:mod:`web.access`). ``identified`` is not a
route but a scope of data: without it, family and person ids are shown as
keyed pseudonyms, dates are coarsened and small areas merged (see
:mod:`journey.pseudonym`), and aggregates have small counts suppressed (see
:mod:`journey.disclosure`). The roles table of ``docs/security.md`` is checked
against :data:`ROLE_PERMISSIONS` by ``tests/web/test_access.py``.

Examples
--------
>>> allows("commissioner", "population"), allows("commissioner", "export")
(True, False)
>>> sees_identified("analyst"), sees_identified("designer")
(True, False)
"""

from __future__ import annotations

from journey.errors import AccountError

__all__ = [
    "ROLES",
    "PERMISSIONS",
    "ROLE_PERMISSIONS",
    "ROLE_DESCRIPTIONS",
    "check_role",
    "allows",
    "sees_identified",
]

#: Every permission a route may need, and what it stands for.
PERMISSIONS: dict[str, str] = {
    "account": "their own account page and signing out",
    "population": "population overview and intervention points",
    "pathways": "pathways between agencies, with their map",
    "journeys": "the families list and any family's journey page and maps",
    "caseload": "journey pages and maps of the families on their own caseload",
    "export": "the families list as CSV",
    "loads": "the load log (data loads page)",
    "operations": "the morning triage list and key workers' caseloads (identified families)",
    "admin": "users, data uploads and the audit log",
    "identified": "real family and person ids, exact dates, every area, unsuppressed counts",
}

#: The roles in the order the docs and the admin pages list them.
ROLES: tuple[str, ...] = ("admin", "analyst", "commissioner", "designer", "keyworker")

ROLE_DESCRIPTIONS: dict[str, str] = {
    "admin": "everything, and users, uploads and the audit log",
    "analyst": "identified family-level data",
    "commissioner": "aggregates and de-identified journeys",
    "designer": "de-identified journeys and exports",
    "keyworker": "identified data of the families on their own caseload only",
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(PERMISSIONS) - {"caseload"},
    "analyst": frozenset(
        {"account", "population", "pathways", "journeys", "export", "loads", "operations",
         "identified"}
    ),
    "commissioner": frozenset({"account", "population", "pathways", "journeys"}),
    "designer": frozenset({"account", "pathways", "journeys", "export"}),
    # Identified, but only for the caseload's families: the route check keeps them to those.
    "keyworker": frozenset({"account", "caseload", "identified"}),
}


def check_role(role: str) -> str:
    """Return ``role`` when it is one of :data:`ROLES`.

    Raises
    ------
    AccountError
        For any other name, listing the roles.

    Examples
    --------
    >>> check_role("analyst")
    'analyst'
    """
    if role not in ROLE_PERMISSIONS:
        raise AccountError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    return role


def allows(role: str, permission: str) -> bool:
    """Whether ``role`` holds ``permission`` (False for an unknown role)."""
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def sees_identified(role: str) -> bool:
    """Whether ``role`` sees real ids, exact dates, every area and unsuppressed counts."""
    return allows(role, "identified")
