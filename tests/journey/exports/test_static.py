"""PNG, SVG and PDF: non-trivial pages with a legend, one page each; large journeys aggregate."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from journey.exports import family_export, pathways_export, render
from journey.exports.static import A4_LANDSCAPE, MOST_ARROWS, aggregation_step
from tests.builders import contacts_frame
from tests.journey.exports.family import CONTACTS, PEOPLE
from tests.journey.exports.test_model import ENDS, FLOWS


@pytest.fixture(scope="module")
def family():
    return family_export(CONTACTS, PEOPLE, label="Journey 1",
                         peak_contact_ids=["CTX-2", "CTX-3"], uncoordinated_contact_ids=["CTX-3"])


def _colours(png: bytes) -> set[tuple[int, int, int]]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = np.asarray(image).reshape(-1, 3)
    return {tuple(p) for p in np.unique(pixels, axis=0)}


def test_png_is_an_a4_landscape_page_in_several_colours(family):
    png = render(family, "png")
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
    image = Image.open(io.BytesIO(png))
    width, height = image.size
    assert abs(width - A4_LANDSCAPE[0] * 150) <= 1 and abs(height - A4_LANDSCAPE[1] * 150) <= 1
    colours = _colours(png)
    # Police blue, education and health from the sector palette, beside black and white.
    assert {(0, 114, 178)} <= colours and len(colours) > 50


def test_svg_holds_the_title_block_and_legend_as_text(family):
    svg = render(family, "svg").decode("utf-8")
    assert svg.lstrip().startswith("<?xml") and len(svg) > 10_000
    for text in ("Family journey: Journey 1", "De-identified", "Days since the first contact",
                 "Police", "Education", "Incident or enforcement", "Visit or appointment",
                 "Uncoordinated contact", "Busiest window (peak)", "Generated "):
        assert text in svg, text
    assert len(set(re.findall(r"fill: ?(#[0-9a-fA-F]{6})", svg))) >= 4


def test_pdf_is_one_page(family):
    pdf = render(family, "pdf")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 1
    assert re.search(rb"/MediaBox \[ 0 0 841\.68 595\.44 \]", pdf)  # A4 landscape, in points


def _large_journey(contacts: int) -> pd.DataFrame:
    agencies = ["Police", "School", "GP", "Housing", "Early Help", "CAMHS"]
    start = pd.Timestamp("2019-01-07")
    rows = [(f"L{i:05d}", "P1", agencies[i % len(agencies)], "incident",
             start + pd.Timedelta(hours=13 * i)) for i in range(contacts)]  # fmt: skip
    return contacts_frame(rows, family_id="BIG")


def test_a_large_journey_is_drawn_per_lane_and_week_and_says_so():
    model = family_export(_large_journey(1200), None)
    assert model.aggregated
    svg = render(model, "svg").decode("utf-8")
    assert "Aggregated: one marker per agency and week, sized by its contacts." in svg
    assert "contacts in a week" in svg
    # One marker per lane and week, not per contact: far fewer paths than contacts.
    assert svg.count("<use ") < 1200 // 2
    assert aggregation_step(4 * 365) == (30, "month")


def test_pathways_page_draws_the_strongest_arrows_and_sectors():
    model = pathways_export(FLOWS, ENDS, identified=True)
    svg = render(model, "svg").decode("utf-8")
    for text in ("Pathways between agencies: all", "Police", "School", "Arrow width",
                 "Identified"):
        assert text in svg, text
    assert len(re.findall(rb"/Type /Page\b", render(model, "pdf"))) == 1
    many = pd.DataFrame({"from_agency": [f"A{i}" for i in range(60)],
                         "to_agency": [f"A{i + 1}" for i in range(60)],
                         "transitions": range(100, 160), "families": 50, "median_days": 3.0})
    crowded = render(pathways_export(many, ENDS.iloc[:0]), "svg").decode("utf-8")
    assert f"The {MOST_ARROWS} strongest of 60 pathways" in crowded


def test_an_empty_journey_says_so():
    svg = render(family_export(CONTACTS.iloc[:0], PEOPLE), "svg").decode("utf-8")
    assert "No contacts to show." in svg
