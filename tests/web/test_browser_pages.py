"""Every page of the app in headless Chromium, at desktop and phone sizes: axe-core finds no
serious or critical accessibility violation, and no page scrolls sideways.

The pages are the app's own URL map (every GET route that answers HTML, its
arguments filled as the route inventory fills them), so a new page is checked
without being listed here. Each is opened by an admin, who may see them all;
the sign-in page by nobody.
"""

from __future__ import annotations

import pytest

from tests.accessibility import serious_violations
from tests.web.test_access import urls
from tests.web.test_browser import DESKTOP, PHONE, Visit
from web.access import allowed_endpoints

pytestmark = pytest.mark.browser

# Not pages: files, data twins, map documents (checked inside their pages' frames).
_NOT_PAGES = (".json", ".csv", ".html", ".css", ".js")


def pages(app) -> list[str]:
    """The URL of every HTML page an admin may open."""
    allowed = allowed_endpoints("admin")
    return sorted({
        url for endpoint, method, url in urls(app)
        if method == "GET" and endpoint in allowed and endpoint != "static"
        and not url.endswith(_NOT_PAGES)
    })  # fmt: skip


def test_the_page_list_covers_the_pages_people_use(live_app):
    found = pages(live_app)
    for page in ["/", "/families", "/families/F001", "/pathways", "/interventions", "/loads",
                 "/sign-in", "/account", "/admin/users", "/admin/audit", "/admin/uploads"]:
        assert page in found, page


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_page_passes_axe_and_fits_the_width(browser, live_server, live_app, axe_script,
                                                   size):  # fmt: skip
    problems: dict[str, list[str]] = {}
    for path in pages(live_app):
        visit = Visit(browser, live_server, size=size, app=live_app,
                      role=None if path == "/sign-in" else "admin")  # fmt: skip
        try:
            visit.context.add_init_script(script=axe_script)
            visit.open(path)
            for frame in visit.page.frames[1:]:  # the maps, drawn before they are checked
                frame.wait_for_selector("body[data-map-ready]", timeout=15000)
            found = serious_violations(visit.page)
            width = visit.page.evaluate("document.documentElement.scrollWidth")
            if width > size[0]:
                found.append(f"{width} px wide in a {size[0]} px window")
            if found:
                problems[path] = found
            visit.check_clean()
        finally:
            visit.close()
    assert problems == {}
