"""A 1,100-contact family's swimlane in a real headless Chromium at 1280x800 and 390x844.

What a person would measure on the screen: lane height, marker size, no
next-contact lines until the switch is turned on, lane labels clear of the
data, the wheel left to the page until the map is clicked, zoom and reset.
Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import pytest

from journey.maps import swimlane_map
from tests.journey.maps.test_maps_browser import Visit
from tests.journey.maps.test_swimlane_marks import AGENCIES, BIG_PEOPLE, big_family

pytestmark = pytest.mark.browser

_MEASURE = """() => {
  const net = window.network, scale = net.getScale();
  const box = document.getElementById('journey-map').getBoundingClientRect();
  const all = window.nodes.get();
  const dom = (id) => net.canvasToDOM(net.getPositions([id])[id]);
  const lanes = all.filter(n => n.kind === 'lane').map(n => dom(n.id).y).sort((a, b) => a - b);
  const gaps = lanes.slice(1).map((y, i) => y - lanes[i]);
  const cells = all.filter(n => n.kind === 'count');
  const sides = cells.map(n => 2 * n.size * scale);
  const labelRight = Math.max(...all.filter(n => n.kind === 'lane').map(
      n => net.canvasToDOM({x: net.getBoundingBox(n.id).right, y: 0}).x));
  const dataLeft = Math.min(...cells.map(n => dom(n.id).x - n.size * scale));
  return {scale, lanes: lanes.length, laneMin: Math.min(...gaps), laneMax: Math.max(...gaps),
          sideMin: Math.min(...sides), sideMax: Math.max(...sides), cells: cells.length,
          drawnEdges: window.edges.get().filter(e => !e.hidden).length,
          labelRight, dataLeft, frameHeight: box.height,
          pinned: Number(document.getElementById('journey-map').dataset.pinnedLabels),
          pageWidth: document.documentElement.scrollWidth};
}"""


@pytest.fixture(scope="module")
def big_map():
    return swimlane_map(big_family(1100), people=BIG_PEOPLE, title="Family FBIG")


def _open(browser, tmp_path, journey_map, size):
    path = tmp_path / "big.html"
    path.write_text(journey_map.html, encoding="utf-8")
    return Visit(browser, path.as_uri(), size=size)


def test_a_1100_contact_family_is_readable_at_1280x800(browser, tmp_path, big_map):
    assert big_map.aggregated
    visit = _open(browser, tmp_path, big_map, (1280, 800))
    try:
        seen = visit.page.evaluate(_MEASURE)
        assert seen["lanes"] == len(AGENCIES) == 19
        assert seen["scale"] == 1  # the reset view: one canvas unit per pixel
        # Lanes fill the frame: 19 lanes share what the header, controls and legend leave.
        assert seen["laneMin"] >= 20 and seen["laneMax"] - seen["laneMin"] <= 1  # whole pixels
        assert seen["lanes"] * seen["laneMin"] >= 0.6 * seen["frameHeight"]
        # Squares: at least 7 px, never taller than their lane.
        assert 7 <= seen["sideMin"] and seen["sideMax"] <= seen["laneMin"]
        assert seen["sideMax"] > seen["sideMin"]  # sized by count
        assert seen["drawnEdges"] == 0  # no next-contact lines when aggregated
        assert seen["labelRight"] < seen["dataLeft"]  # labels keep their gutter
        assert seen["pinned"] == 0  # and none is drawn again over the data
        assert seen["pageWidth"] <= 1280
        visit.shot("map-swimlane-1100-1280")
        visit.page.check("#journey-map-steps")
        assert visit.page.evaluate(_MEASURE)["drawnEdges"] == len(big_map.edges) > 0
        visit.page.uncheck("#journey-map-steps")
        assert visit.page.evaluate(_MEASURE)["drawnEdges"] == 0
        assert visit.errors == []
    finally:
        visit.close()


def test_the_map_leaves_the_wheel_to_the_page_until_clicked_and_zooms_with_buttons(
    browser, tmp_path, big_map
):
    visit = _open(browser, tmp_path, big_map, (1280, 800))
    page = visit.page
    try:
        box = page.locator("#journey-map").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(0, -400)
        page.wait_for_timeout(200)
        assert page.evaluate("window.network.getScale()") == 1
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + 8)
        page.mouse.wheel(0, -400)
        page.wait_for_timeout(200)
        assert page.evaluate("window.network.getScale()") > 1
        page.evaluate("window.network.moveTo({position: {x: 900, y: 300}, animation: false})")
        page.wait_for_timeout(100)
        pinned = page.evaluate("document.getElementById('journey-map').dataset.pinnedLabels")
        assert int(pinned) > 0  # panned off: the lane labels follow at the left edge
        page.click("#journey-map-reset")
        assert page.evaluate("window.network.getScale()") == 1
        page.click("#journey-map-zoom-in")
        assert page.evaluate("window.network.getScale()") == pytest.approx(1.5)
        page.click("#journey-map-zoom-out")
        page.click("#journey-map-zoom-out")
        assert page.evaluate("window.network.getScale()") == pytest.approx(1 / 1.5)
        assert visit.errors == []
    finally:
        visit.close()


def test_the_member_filter_dims_the_other_members_contacts(browser, tmp_path, big_map):
    visit = _open(browser, tmp_path, big_map, (1280, 800))
    try:
        visit.page.select_option("#journey-map-member", "M2")
        dimmed = visit.page.evaluate(
            "window.nodes.get().filter(n => n.kind === 'count')"
            ".map(n => [n.members.includes('M2'), n.opacity])"
        )
        assert {opacity for involved, opacity in dimmed if involved} == {1}
        assert {opacity for involved, opacity in dimmed if not involved} == {0.15}
        visit.shot("map-swimlane-1100-member")
        visit.page.select_option("#journey-map-member", "")
        assert visit.page.evaluate(
            "window.nodes.get().filter(n => n.kind === 'count').every(n => n.opacity === 1)"
        )
    finally:
        visit.close()


def test_lane_labels_leave_the_data_clear_on_a_phone(browser, tmp_path, big_map):
    visit = _open(browser, tmp_path, big_map, (390, 844))
    try:
        seen = visit.page.evaluate(_MEASURE)
        assert seen["labelRight"] < seen["dataLeft"] < 0.45 * 390
        assert seen["pinned"] == 0
        assert seen["laneMin"] >= 20
        assert seen["pageWidth"] <= 390
        # The legend starts closed on a phone, leaving the frame to the map.
        assert visit.page.evaluate(
            "document.querySelector('details.journey-map-legend-box').open") is False
        visit.shot("map-swimlane-1100-390")
        assert visit.errors == []
    finally:
        visit.close()


def test_touch_screens_are_told_to_tap(browser, tmp_path, big_map):
    path = tmp_path / "touch.html"
    path.write_text(big_map.html, encoding="utf-8")
    for touch, words in ((True, "Tap the map"), (False, "Click the map")):
        page = browser.new_page(viewport={"width": 390, "height": 844}, has_touch=touch,
                                is_mobile=touch)
        try:
            page.goto(path.as_uri())
            page.wait_for_selector("body[data-map-ready]", timeout=15000)
            assert page.inner_text("#journey-map-hint").startswith(words)
        finally:
            page.close()
