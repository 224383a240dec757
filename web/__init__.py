"""The web front end: an application factory, one blueprint per area, every page with a JSON twin.

``create_app(config)`` builds the application around one store. The CLI opens
the store once per process and passes it in as ``config["STORE"]``; otherwise
the factory opens ``config["STORE_URL"]`` itself. Views never open stores or
read the environment: they parse their input, call one context function from
:mod:`web.contexts`, and render the context as HTML or return it as JSON
(see :mod:`web.render`).
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # The factory is imported on first use (PEP 562), so that `import web`
    # (every command of the command line) imports no Flask.
    if name == "create_app":
        from web.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
