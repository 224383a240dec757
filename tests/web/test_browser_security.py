"""Signing in and the admin pages in headless Chromium, at desktop and phone sizes."""

from __future__ import annotations

import pytest

from tests.web.signin import PASSWORD, user_of

# The live server and its store are the page tests' (one per module).
from tests.web.test_browser import DESKTOP, PHONE, Visit, live_app, live_server, live_store  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_person_signs_in_and_out_through_the_form(browser, live_server, live_app, size):
    user_of(live_app, "commissioner", "cara")
    visit = Visit(browser, live_server, size=size, role=None)
    try:
        visit.open("/sign-in")
        visit.screenshot("sign-in.png")
        visit.page.fill("#name", "cara")
        visit.page.fill("#password", "not the password")
        with visit.page.expect_navigation():
            visit.page.click("button[type=submit]")
        assert visit.page.locator("#sign-in-error").is_visible()
        visit.screenshot("sign-in-failed.png")
        visit.page.fill("#password", PASSWORD)
        with visit.page.expect_navigation():
            visit.page.click("main button[type=submit]")
        assert visit.page.url == live_server + "/"
        assert "cara" in visit.page.locator(".user-menu").inner_text()
        visit.screenshot("signed-in-commissioner.png")
        with visit.page.expect_navigation():
            visit.page.click(".user-menu button")
        assert visit.page.url == live_server + "/sign-in"
        cookies = {c["name"] for c in visit.context.cookies()}
        assert "journey-session" not in cookies
        visit.check_clean()
    finally:
        visit.close()


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("path", ["/admin/users", "/admin/uploads", "/admin/audit"])
def test_admin_pages_render_cleanly(browser, live_server, live_app, path, size):
    visit = Visit(browser, live_server, size=size, app=live_app, role="admin")
    try:
        visit.open(path)
        width = visit.page.evaluate("document.documentElement.scrollWidth")
        assert width <= size[0] + 1, f"{path} scrolls sideways at {size[0]} px"
        visit.screenshot(path.strip("/").replace("/", "-") + ".png")
        visit.check_clean()
    finally:
        visit.close()
