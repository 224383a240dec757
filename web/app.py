"""The application factory: one store, one blueprint per area, error pages and strict headers.

The store belongs to whoever opened it. A store passed in as
``config["STORE"]`` (the CLI opens one per process) stays the caller's to
close. A store the factory opened itself from ``config["STORE_URL"]`` lives as
long as the application: :meth:`web.data.ServiceData.close` (reached as
``app.extensions["journey"].close()``) closes it, and so does the
application's disposal — garbage collection or interpreter exit, whichever
comes first — through a :func:`weakref.finalize` finalizer, so a server or a
test that forgets to close it still releases the file. Per-request values
(the data version, one family's rows and analyses) live on ``flask.g`` and go
with the request's application context.
"""

from __future__ import annotations

import weakref
from typing import Any

from flask import Flask

from journey.errors import StoreError
from journey.journeys import MAX_DETAILED_CONTACTS
from journey.store import Store
from journey.taxonomy import default_taxonomy
from web.data import ServiceData
from web.family_cache import DEFAULT_MAX_BYTES
from web.render import register_error_handlers, register_template_helpers, security_headers
from web.security import SECURITY_DEFAULTS
from web.security import install as install_security

__all__ = ["create_app", "DEFAULTS"]

DEFAULTS: dict[str, Any] = {
    # Families per page of the families list, unless ?per_page= says otherwise.
    "FAMILIES_PER_PAGE": 50,
    "MAX_PER_PAGE": 500,
    # Journey maps of one family aggregate beyond this many contacts.
    "MAX_MAP_CONTACTS": MAX_DETAILED_CONTACTS,
    # The most one family's cached pages and JSON twins hold together (web/family_cache.py).
    "FAMILY_CACHE_BYTES": DEFAULT_MAX_BYTES,
    "JSON_SORT_KEYS": False,
    "SESSION_COOKIE_SAMESITE": "Lax",
    **SECURITY_DEFAULTS,
}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask application.

    Parameters
    ----------
    config : dict, optional
        Flask settings plus the service's own:

        ``STORE``
            an open :class:`journey.store.Store` (the CLI passes one); the
            caller closes it;
        ``STORE_URL``
            opened with :func:`graph_loader.stores.open_store` when ``STORE`` is
            absent; the application closes it (see the module docstring);
        ``TAXONOMY``
            a :class:`journey.taxonomy.Taxonomy` (default: the shipped one);
        ``FAMILIES_PER_PAGE``, ``MAX_PER_PAGE``, ``MAX_MAP_CONTACTS``
            list and map sizes (defaults 50, 500, 500);
        ``FAMILY_CACHE_BYTES``
            the bound of the cache of family pages and their JSON twins
            (default 64 MiB; 0 computes every one afresh).

    Returns
    -------
    Flask
        The application; its store is ``app.extensions["journey"].store`` and
        ``app.extensions["journey"].close()`` releases a store it opened.

    Raises
    ------
    StoreError
        When neither ``STORE`` nor ``STORE_URL`` is given, or the URL cannot be opened.
    """
    # Named after the package (as before the factory moved here): templates, static files
    # and the logger ("web") are the package's.
    app = Flask("web")
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    app.json.sort_keys = app.config["JSON_SORT_KEYS"]
    taxonomy = app.config.get("TAXONOMY") or default_taxonomy()
    store = app.config.get("STORE")
    family_cache_bytes = int(app.config["FAMILY_CACHE_BYTES"])
    if store is not None:
        app.extensions["journey"] = ServiceData(
            store, taxonomy, family_cache_bytes=family_cache_bytes
        )
    else:
        store = _open_store(app.config.get("STORE_URL"))
        # The finalizer holds the store, never the app, so the app can be collected.
        closer = weakref.finalize(app, store.close)
        app.extensions["journey"] = ServiceData(
            store, taxonomy, family_cache_bytes=family_cache_bytes, closer=closer
        )

    from web import maps_view
    from web.views import (
        caseloads,
        exports,
        families,
        interventions,
        loads,
        outcomes,
        overview,
        pathways,
        triage,
    )

    for blueprint in (
        overview.blueprint,
        families.blueprint,
        pathways.blueprint,
        interventions.blueprint,
        outcomes.blueprint,
        loads.blueprint,
        triage.blueprint,
        caseloads.blueprint,
        maps_view.blueprint,
        exports.blueprint,
    ):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    register_template_helpers(app)
    app.after_request(security_headers)
    # Sign-in, roles, CSRF, the Host allow-list, audit and access logs (docs/security.md).
    install_security(app)
    return app


def _open_store(url: str | None) -> Store:
    if not url:
        raise StoreError("create_app needs config['STORE'] (an open store) or config['STORE_URL']")
    from graph_loader.stores import open_store

    return open_store(url)
