"""The pages speak of the pointer in hand: "hover" with a mouse, "tap" on a touch screen."""

from __future__ import annotations

import pytest

from tests.web.test_browser import session_cookie

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("touch", "shown", "hidden"), [(False, "Hover over", "Tap"), (True, "Tap", "Hover over")]
)
def test_the_family_page_says_tap_on_a_touch_screen(browser, live_server, live_app, touch,
                                                    shown, hidden):  # fmt: skip
    size = {"width": 390, "height": 844} if touch else {"width": 1280, "height": 800}
    context = browser.new_context(viewport=size, has_touch=touch, is_mobile=touch)
    context.add_cookies([session_cookie(live_app, live_server)])
    page = context.new_page()
    try:
        page.goto(live_server + "/families/F001", wait_until="load")
        intro = page.locator("p", has_text="a contact for its details").first
        text = intro.inner_text()
        assert f"{shown} a contact for its details" in text
        assert f"{hidden} a contact" not in text
    finally:
        context.close()
