"""The web front end: an application factory, one blueprint per area, every page with a JSON twin.

``create_app(config)`` (in :mod:`web.app`) builds the application around one
store. The CLI opens the store once per process and passes it in as
``config["STORE"]``; otherwise the factory opens ``config["STORE_URL"]`` itself
and closes it when the application is disposed. Views never open stores or
read the environment: they parse their input, call one context function from
:mod:`web.contexts`, and render the context as HTML or return it as its JSON
twin (see :mod:`web.render` and ``docs/data-contract.md#json-twins-of-the-pages``).

Importing this package does not import Flask: the command line imports it for
commands that never serve, and ``from web import create_app`` imports
:mod:`web.app` only when it is first used.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # PEP 562: the factory (and Flask with it) is imported on first use only.
    if name == "create_app":
        from web.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
