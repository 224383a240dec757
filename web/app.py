"""The application factory: ``create_app(config)`` builds the Flask app around one store.

It lives apart from :mod:`web` so that importing the package (as the
``journey`` command line does for every command) imports no Flask; only
serving the app, or asking for ``web.create_app``, does.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from journey.errors import StoreError
from journey.store import Store
from journey.taxonomy import default_taxonomy
from web.data import ServiceData
from web.render import register_error_handlers, register_template_helpers, security_headers

__all__ = ["create_app"]

DEFAULTS: dict[str, Any] = {
    # Families per page of the families list, unless ?per_page= says otherwise.
    "FAMILIES_PER_PAGE": 50,
    "MAX_PER_PAGE": 500,
    # Journey maps of one family aggregate beyond this many contacts.
    "MAX_MAP_CONTACTS": 500,
    "JSON_SORT_KEYS": False,
}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask application.

    Parameters
    ----------
    config : dict, optional
        Flask settings plus the service's own:

        ``STORE``
            an open :class:`journey.store.Store` (the CLI passes one);
        ``STORE_URL``
            opened with :func:`graph_loader.stores.open_store` when ``STORE`` is absent;
        ``TAXONOMY``
            a :class:`journey.taxonomy.Taxonomy` (default: the shipped one);
        ``FAMILIES_PER_PAGE``, ``MAX_PER_PAGE``, ``MAX_MAP_CONTACTS``
            list and map sizes (defaults 50, 500, 500).

    Returns
    -------
    Flask
        The application; its store is ``app.extensions["journey"].store``.

    Raises
    ------
    StoreError
        When neither ``STORE`` nor ``STORE_URL`` is given.
    """
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    app.json.sort_keys = app.config["JSON_SORT_KEYS"]
    store = app.config.get("STORE") or _open_store(app.config.get("STORE_URL"))
    taxonomy = app.config.get("TAXONOMY") or default_taxonomy()
    app.extensions["journey"] = ServiceData(store, taxonomy)

    from web.views import families, interventions, loads, overview, pathways

    for blueprint in (
        overview.blueprint,
        families.blueprint,
        pathways.blueprint,
        interventions.blueprint,
        loads.blueprint,
    ):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    register_template_helpers(app)
    app.after_request(security_headers)
    return app


def _open_store(url: str | None) -> Store:
    if not url:
        raise StoreError("create_app needs config['STORE'] (an open store) or config['STORE_URL']")
    from graph_loader.stores import open_store

    return open_store(url)
