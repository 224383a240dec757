"""The Export menu and the print style sheet in a real Chromium against a live server."""

from __future__ import annotations

import pytest

from tests.paths import ARTIFACTS
from tests.web.test_browser import DESKTOP, Visit

pytestmark = pytest.mark.browser


@pytest.fixture
def visit(browser, live_server, live_app):
    current = Visit(browser, live_server, size=DESKTOP, app=live_app)
    yield current
    current.close()


def test_a_printed_family_page_has_no_navigation_or_cut_off_tables(visit):
    visit.open("/families/F001")
    assert visit.page.is_visible(".site-header nav") and visit.page.is_visible(".export-menu")
    visit.page.emulate_media(media="print")
    for hidden in (".site-header nav", ".export-menu", ".site-footer", ".json-link"):
        assert not visit.page.is_visible(hidden), hidden
    scrolls = visit.page.eval_on_selector_all(
        ".table-scroll", "boxes => boxes.map(b => [getComputedStyle(b).overflowX,"
        " getComputedStyle(b).maxHeight, b.scrollHeight <= b.clientHeight + 1])",
    )
    assert scrolls and all(s == ["visible", "none", True] for s in scrolls), scrolls
    ARTIFACTS.mkdir(exist_ok=True)
    visit.page.screenshot(path=str(ARTIFACTS / "export-print-family.png"), full_page=False)
    pdf = visit.page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    visit.check_clean()


def test_an_export_link_downloads_its_file(visit):
    visit.open("/families/F001")
    with visit.page.expect_download() as caught:
        visit.page.click(".export-menu a[href$='/export.svg']")
    download = caught.value
    assert download.suggested_filename.endswith(".svg")
    content = download.path().read_bytes()
    assert b"<svg" in content and b"De-identified" in content
