"""One headless Chromium for the whole test session, and a record of what a page does in it.

The browser tests drive Debian's Chromium (``/usr/bin/chromium``, never a
downloaded build) with Playwright. Without Chromium or without Playwright the
``browser`` fixture skips each test that asks for it, with a one-line reason;
with ``JOURNEY_REQUIRE_BROWSER=1`` (CI sets it) it fails them instead.

:class:`BrowserLog` records a page's console errors, uncaught exceptions and
every URL it (or any of its frames) requested, so a test can assert that a
page ran cleanly and asked no other host for anything.

Loaded as a plugin by ``tests/conftest.py``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlparse

import pytest

__all__ = ["ARGS", "CHROMIUM", "BrowserLog", "browser", "unavailable"]

CHROMIUM = "/usr/bin/chromium"
# Headless, and nothing that would make Chromium itself reach the network.
ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def unavailable(reason: str) -> NoReturn:
    """Skip the test for ``reason``, or fail it when CI asks for the browser tests to run."""
    if os.environ.get("JOURNEY_REQUIRE_BROWSER") == "1":
        pytest.fail(f"JOURNEY_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, launched once for every browser test of the session."""
    if not Path(CHROMIUM).exists():
        unavailable(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    try:
        from playwright import sync_api
    except ImportError:
        unavailable("the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=list(ARGS))
        yield chromium
        chromium.close()


class BrowserLog:
    """A page's console errors, uncaught exceptions and requested URLs, as they happen.

    Parameters
    ----------
    page : playwright Page
        Its console messages of type error and its uncaught exceptions are errors.
    requests_of : playwright Page or BrowserContext, optional
        Whose requests to record (default ``page``; a context also sees pages it opens).
    http_errors : bool
        Count every response with a status of 400 or more (``"404 <url>"``) as an error.
    """

    def __init__(self, page: Any, *, requests_of: Any = None, http_errors: bool = False):
        self.errors: list[str] = []
        self.requests: list[str] = []
        watched = page if requests_of is None else requests_of
        watched.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        if http_errors:
            watched.on(
                "response", lambda r: r.status >= 400 and self.errors.append(f"{r.status} {r.url}")
            )

    def hosts(self) -> set[str | None]:
        """The hosts of every requested URL but ``data:`` ones (``None`` for a ``file:`` URL)."""
        return {urlparse(url).hostname for url in self.requests if not url.startswith("data:")}
