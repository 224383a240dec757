"""Signing in and the admin pages in headless Chromium, at desktop and phone sizes."""

from __future__ import annotations

import pytest

from tests.web.signin import PASSWORD, user_of
from tests.web.test_browser import DESKTOP, PHONE, Visit

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


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_commissioner_sees_a_pseudonymised_family_with_its_maps(browser, live_server,
                                                                  live_app, size):  # fmt: skip
    from tests.web.test_access import pseudonym_of

    family = pseudonym_of(live_app, "F001")
    visit = Visit(browser, live_server, size=size, app=live_app, role="commissioner")
    try:
        visit.open(f"/families/{family}")
        assert visit.page.title() == f"Family {family} — Journey service"
        # The maps draw under the strict policy: 6 lanes + 32 contacts, 31 steps; 8 nodes, 7 links.
        assert visit.map_counts("/maps/swimlane.html") == (6 + 32, 31)
        assert visit.map_counts("/maps/network.html") == (8, 7)
        text = visit.page.inner_text("main")
        assert "De-identified view" in text and "day 0 to day 310" in text and "F001" not in text
        swimlane = next(f for f in visit.page.frames if "/maps/swimlane.html" in f.url)
        labels = swimlane.evaluate("() => window.nodes.get().map(n => n.title || '').join(' ')")
        assert "day 310" in labels and "2021" not in labels
        visit.screenshot("family-deidentified.png")
        visit.check_clean()
    finally:
        visit.close()
