"""What every route needs: the route table, and the check one ``before_request`` hook runs.

Views do not check access themselves. :data:`ROUTES` names, for each
endpoint, the permissions (:mod:`journey.access`) any one of which lets a
signed-in user in; :data:`PUBLIC` lists the few endpoints open to everyone
(the sign-in page and static files). An endpoint in neither is refused to
everyone, so a new view is closed until it is added here, and
``tests/web/test_access.py`` (which walks the app's whole URL map) says so.

A keyworker reaches a family's pages through ``caseload`` only for the
families on their own caseload; any other family is "not found" to them.
"""

from __future__ import annotations

from flask import g, request
from werkzeug.exceptions import Forbidden, NotFound, Unauthorized

from journey.access import allows

__all__ = [
    "ROUTES",
    "PUBLIC",
    "CASELOAD_ENDPOINTS",
    "allowed_endpoints",
    "can",
    "check_access",
    "SignInRequired",
]

#: The endpoints anyone may request, signed in or not.
PUBLIC: frozenset[str] = frozenset({"auth.sign_in", "static", "map_assets.map_asset"})

#: Endpoint -> the permissions, any one of which lets a user in.
ROUTES: dict[str, frozenset[str]] = {
    "overview.overview": frozenset({"population"}),
    "families.families": frozenset({"journeys"}),
    "families.families_csv": frozenset({"export"}),
    "families.family_contacts_csv": frozenset({"export"}),
    "families.family": frozenset({"journeys", "caseload"}),
    "families.family_map_document": frozenset({"journeys", "caseload"}),
    "pathways.pathways": frozenset({"pathways"}),
    "pathways.pathways_map": frozenset({"pathways"}),
    "interventions.interventions": frozenset({"population"}),
    "outcomes.outcomes": frozenset({"population"}),
    "loads.loads": frozenset({"loads"}),
    "triage.triage": frozenset({"operations"}),
    "caseloads.caseloads": frozenset({"operations"}),
    "exports.family_export": frozenset({"export"}),
    "exports.pathways_export": frozenset({"export"}),
    "exports.interventions_csv": frozenset({"export"}),
    "auth.sign_out": frozenset({"account"}),
    "auth.account": frozenset({"account"}),
    "admin.users": frozenset({"admin"}),
    "admin.add_user": frozenset({"admin"}),
    "admin.change_user": frozenset({"admin"}),
    "admin.uploads": frozenset({"admin"}),
    "admin.upload": frozenset({"admin"}),
    "admin.rejects": frozenset({"admin"}),
    "admin.audit": frozenset({"admin"}),
    "admin.audit_csv": frozenset({"admin"}),
}

#: Endpoints that ``caseload`` opens only for the families on the user's own caseload.
CASELOAD_ENDPOINTS: frozenset[str] = frozenset(
    {"families.family", "families.family_map_document"}
)


class SignInRequired(Unauthorized):
    """A route that needs a signed-in user, asked for without one (401, or to the sign-in page)."""

    description = "Sign in to see this page."


def _permission_for(role: str, endpoint: str) -> str | None:
    """The permission that lets ``role`` into ``endpoint`` (``caseload`` last), or None."""
    needed = ROUTES.get(endpoint, frozenset())
    granted = sorted(p for p in needed if allows(role, p))
    granted.sort(key=lambda p: p == "caseload")
    return granted[0] if granted else None


def allowed_endpoints(role: str) -> set[str]:
    """Every endpoint ``role`` may request (public ones included).

    Examples
    --------
    >>> "admin.users" in allowed_endpoints("admin"), "admin.users" in allowed_endpoints("analyst")
    (True, False)
    """
    return set(PUBLIC) | {e for e in ROUTES if _permission_for(role, e) is not None}


def can(endpoint: str) -> bool:
    """Whether the current user may request ``endpoint`` (for menus and links)."""
    user = g.get("user")
    if endpoint in PUBLIC:
        return True
    return user is not None and _permission_for(user.role, endpoint) is not None


def check_access(caseload_of) -> None:
    """Refuse the current request unless its endpoint is public or the user may see it.

    ``caseload_of(user)`` gives the family ids on a user's caseload.

    Raises
    ------
    SignInRequired
        Nobody is signed in and the endpoint is not public.
    Forbidden
        The signed-in user's role holds none of the endpoint's permissions.
    NotFound
        A keyworker asked for a family that is not on their caseload.
    """
    endpoint = request.endpoint
    if endpoint is None or endpoint in PUBLIC:
        return  # an unknown URL is a 404 for everyone; public endpoints are open
    user = g.get("user")
    if user is None:
        raise SignInRequired()
    permission = _permission_for(user.role, endpoint)
    if permission is None:
        raise Forbidden("Your role does not give access to this page.")
    if permission == "caseload" and endpoint in CASELOAD_ENDPOINTS:
        family_id = (request.view_args or {}).get("family_id")
        if family_id not in caseload_of(user):
            raise NotFound("There is no family with this id on your caseload.")
