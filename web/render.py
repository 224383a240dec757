"""Turn a context dict into a response: an HTML page or its JSON twin; error pages; headers.

Every page's view builds one context dict of data and hands it to
:func:`respond`, so the HTML and the JSON can never drift: the JSON twin is
that dict, and the HTML page renders it together with what only the template
needs (headings, navigation links, labels), which the view adds through
``page``. :func:`to_jsonable` turns pandas and numpy values into plain JSON
(timestamps as ISO 8601 text, NaN and NaT as null). The shapes are documented
in ``docs/data-contract.md#json-twins-of-the-pages``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from flask import Flask, Response, current_app, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from journey.errors import NotFoundError, StoreError
from journey.pseudonym import DayOffset, Month
from web.charts import bar_chart
from web.data import NotAnalysed

__all__ = [
    "respond",
    "to_jsonable",
    "wants_json",
    "register_error_handlers",
    "register_template_helpers",
    "security_headers",
    "MAP_CSP",
]

# Pages carry no inline script or style at all. Journey-map documents (shown in
# iframes) load vis-network and their own script and style sheet from
# /static/vendor and keep their data in a non-executable JSON block: no inline
# script either. vis-network sets element styles from script, which
# style-src does not govern. Neither may reach another host.
PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'"
)
MAP_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; font-src 'self' data:; frame-ancestors 'self'; "
    "base-uri 'none'; object-src 'none'; form-action 'none'"
)


def to_jsonable(value: Any) -> Any:
    """Convert a context value to plain JSON types.

    Examples
    --------
    >>> to_jsonable({"at": pd.Timestamp("2021-03-04 05:06"), "share": np.nan, "n": np.int64(3)})
    {'at': '2021-03-04T05:06:00', 'share': None, 'n': 3}
    >>> to_jsonable(pd.DataFrame({"a": [1, None]}))
    [{'a': 1.0}, {'a': None}]
    """
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, np.generic):
        return to_jsonable(value.item())
    if value is pd.NaT or (isinstance(value, pd.Timestamp) and pd.isna(value)):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, pd.Timedelta):
        return None if pd.isna(value) else value.total_seconds()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return [to_jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, pd.Series | np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(dataclasses.asdict(value))
    if value is pd.NA:
        return None
    raise TypeError(f"cannot turn a {type(value).__name__} into JSON")


def wants_json() -> bool:
    """Whether the current request asked for the JSON twin (a ``.json`` URL)."""
    view_args = request.view_args or {}
    return view_args.get("fmt") == "json" or request.path.endswith(".json")


def respond(
    template: str,
    context: dict[str, Any],
    fmt: str = "html",
    *,
    page: Callable[[dict[str, Any]], Mapping[str, Any]] | None = None,
    status: int = 200,
) -> Response:
    """Return ``context`` as JSON when ``fmt == "json"``, else render it with ``template``.

    ``page(context)`` gives what only the template needs (headings, labels,
    navigation links); it is called for the HTML page only, and its keys are
    laid over the context's.
    """
    # De-identification for roles that may not see who a family is (web/privacy.py).
    shown = current_app.extensions.get("journey.context_filter")
    context = shown(context) if shown is not None else context
    if fmt == "json":
        response = jsonify(to_jsonable(context))
    else:
        values = {**context, **(page(context) if page is not None else {})}
        response = Response(render_template(template, **values), mimetype="text/html")
    response.status_code = status
    return response


def _error_response(status: int, title: str, message: str, **page: Any) -> Response:
    if wants_json():
        response = jsonify({"ok": False, "status": status, "error": title, "message": message})
        response.status_code = status
        return response
    context = {"status": status, "error_title": title, "message": message, **page}
    return respond("error.html", context, status=status)


def register_error_handlers(app: Flask) -> None:
    """Friendly error pages (HTML, or JSON for ``.json`` URLs) for HTTP and store errors."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        if isinstance(error, InternalServerError):
            return server_error(error)
        if isinstance(error, NotAnalysed):
            # One answer on every page that needs results, and on its JSON twin.
            return _error_response(error.code, error.title, error.description, not_analysed=True)
        message = error.description or ""
        if error.code == 404 and "requested URL was not found" in message:
            message = "There is no page at this address. Use the menu above to find your way."
        return _error_response(error.code or 500, error.name, message)

    @app.errorhandler(NotFoundError)
    def not_found(error: NotFoundError) -> Response:
        return _error_response(404, "Not Found", str(error))

    @app.errorhandler(StoreError)
    def store_error(error: StoreError) -> Response:
        # The message names the store, never personal data; details go to the log.
        app.logger.error("store error: %s", type(error).__name__)
        return _error_response(503, "Store unavailable", "The data store could not be read.")

    @app.errorhandler(InternalServerError)
    def server_error(error: Exception) -> Response:
        return _error_response(
            500,
            "Something went wrong",
            "The service could not show this page. The error has been logged; try again later.",
        )


def _format_date(value: Any, fmt: str = "%-d %b %Y") -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if isinstance(value, DayOffset):  # de-identified: days since the journey's first contact
        return f"day {int(value):,}"
    if isinstance(value, Month):  # de-identified: the month only
        return pd.Timestamp(str(value)).strftime("%b %Y")
    return pd.Timestamp(value).strftime(fmt)


def _format_number(value: Any) -> str:
    if value is None or pd.isna(value):
        return "—"
    if isinstance(value, float | np.floating) and not float(value).is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _format_days(value: Any) -> str:
    """A number of days as whole days (half a day and more rounds up): days are read as days.

    Examples
    --------
    >>> [_format_days(v) for v in (2179.9, 236.4, 0.5, 12, None)]
    ['2,180', '236', '1', '12', '—']
    """
    if value is None or pd.isna(value):
        return "—"
    return f"{math.floor(float(value) + 0.5):,}"


def _format_percent(value: Any) -> str:
    """A share (0 to 1) as a percentage: one decimal place under 10%, none from 10% up.

    Examples
    --------
    >>> [_format_percent(v) for v in (0.003, 0.044, 0.0999, 0.12, 1.0)]
    ['0.3%', '4.4%', '10%', '12%', '100%']
    >>> _format_percent(0), _format_percent(0.0004), _format_percent(None)
    ('0%', '<0.1%', '—')
    """
    if value is None or pd.isna(value):
        return "—"
    percent = 100 * float(value)
    if percent == 0:
        return "0%"
    # A share that is not zero never reads as zero (6 families of 1,947 is not "0%").
    if 0 < percent < 0.05:
        return "<0.1%"
    # Decide on the rounded value, so 9.99% reads "10%", never "10.0%".
    if abs(round(percent, 1)) < 10:
        return f"{percent:.1f}%"
    return f"{percent:.0f}%"


def _format_decimal(value: Any, places: int = 2) -> str:
    if value is None or pd.isna(value):
        return "—"
    return f"{float(value):.{places}f}"


def _yes_no(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return "yes" if bool(value) else "no"


def register_template_helpers(app: Flask) -> None:
    """Filters for dates, numbers and shares; the inline SVG bar chart."""
    app.jinja_env.filters.update(
        date=_format_date,
        number=_format_number,
        days=_format_days,
        percent=_format_percent,
        decimal=_format_decimal,
        yes_no=_yes_no,
    )
    app.jinja_env.globals.update(bar_chart=bar_chart)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def security_headers(response: Response) -> Response:
    """Strict headers on every response; map documents get their own Content-Security-Policy."""
    response.headers.setdefault("Content-Security-Policy", getattr(g, "csp", PAGE_CSP))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # same-origin: no URL (a family id in a path) ever reaches another site, and the
    # browser still sends our own Origin on a POST, which the CSRF check compares.
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    # Pages show personal data: keep them out of shared caches.
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response
