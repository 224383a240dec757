"""How the maps look: sector colours, contact-type shapes and legend items.

Colours come from the Okabe-Ito and Paul Tol palettes, chosen to stay apart
for the common forms of colour blindness. Fourteen sectors cannot all be told
apart by colour alone, so colour is never the only carrier: every agency is
also named (a lane label, a node label), and contact types are shapes.
"""

from __future__ import annotations

import html
import math
import re
import zlib
from typing import NamedTuple

from journey.taxonomy import Taxonomy

__all__ = [
    "LegendItem",
    "SECTOR_COLOURS",
    "CONTACT_GROUPS",
    "sector_colour",
    "text_colour",
    "contact_group",
    "sector_legend",
    "contact_group_legend",
]

# Okabe-Ito first (the most robust hues), then Paul Tol's muted set, grey last.
SECTOR_COLOURS: dict[str, str] = {
    "police": "#0072B2",
    "education": "#E69F00",
    "health": "#009E73",
    "social care": "#D55E00",
    "employment": "#F0E442",
    "housing": "#56B4E9",
    "justice": "#332288",
    "youth justice": "#AA4499",
    "domestic abuse": "#882255",
    "mental health": "#117733",
    "substance misuse": "#999933",
    "early help": "#CC79A7",
    "voluntary": "#DDCC77",
    "other": "#BBBBBB",
}

# Sectors from a custom taxonomy that the palette does not know get one of these,
# picked by a stable checksum of the name so a sector keeps its colour across maps.
_SPARE_COLOURS = ("#77AADD", "#EE8866", "#AAAA00", "#FFAABB", "#99DDFF", "#44BB99", "#EEDD88")

# (key, label, vis shape); the order is the legend's order.
CONTACT_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("incident", "Incident or enforcement", "triangle"),
    ("meeting", "Multi-agency meeting", "star"),
    ("assessment", "Assessment or referral", "diamond"),
    ("visit", "Visit or appointment", "dot"),
    ("education", "Education record", "square"),
    ("other", "Other contact", "hexagon"),
)
_GROUP_SHAPE = {key: shape for key, _, shape in CONTACT_GROUPS}
_GROUP_LABEL = {key: label for key, label, _ in CONTACT_GROUPS}

_INCIDENT_TYPES = frozenset(
    {"incident", "domestic_incident", "arrest", "court", "sanction", "eviction_notice",
     "emergency_attendance"}
)
_REFERRAL_TYPES = frozenset(
    {"referral", "section_47_enquiry", "child_protection_plan", "homelessness_application",
     "benefit_claim"}
)
_VISIT_TYPES = frozenset(
    {"home_visit", "appointment", "missed_appointment", "work_coach", "supervision", "treatment",
     "support_session", "phone_call"}
)
_EDUCATION_TYPES = frozenset({"school_absence", "exclusion", "attendance_meeting"})

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


class LegendItem(NamedTuple):
    """One line of a map's legend.

    ``shape`` is a vis-network node shape (``dot``, ``diamond``, ``star``,
    ``triangle``, ``square``, ``hexagon``, ``box``, ``ellipse``) or one of
    ``line`` (an edge), ``thick-border``, ``dashed-border`` and ``band`` (a
    shaded period). ``kind`` says what the item explains: ``sector``,
    ``contact_type``, ``highlight``, ``edge`` or ``node``.
    """

    label: str
    colour: str
    shape: str
    kind: str

    def svg(self, size: int = 16) -> str:
        """A small inline SVG swatch of this item, safe to put in a page as is.

        Examples
        --------
        >>> LegendItem("Police", "#0072B2", "dot", "sector").svg()[:4]
        '<svg'
        """
        colour = self.colour if _HEX.match(self.colour) else "#BBBBBB"
        body = _swatch_shape(self.shape, colour, size)
        return (
            f'<svg width="{size}" height="{size}" '
            f'viewBox="0 0 {size} {size}" role="img" aria-label="{html.escape(self.label)}">'
            f"{body}</svg>"
        )


def _swatch_shape(shape: str, colour: str, size: int) -> str:
    half = size / 2
    edge = 'stroke="#333333" stroke-width="1"'
    points = {
        "triangle": f"{half},1 {size - 1},{size - 1} 1,{size - 1}",
        "diamond": f"{half},1 {size - 1},{half} {half},{size - 1} 1,{half}",
        "star": _star_points(half, half, half - 1, (half - 1) * 0.45),
        "hexagon": " ".join(
            f"{half + (half - 1) * c:.1f},{half + (half - 1) * s:.1f}"
            for c, s in ((1, 0), (0.5, 0.87), (-0.5, 0.87), (-1, 0), (-0.5, -0.87), (0.5, -0.87))
        ),
    }
    if shape in points:
        return f'<polygon points="{points[shape]}" fill="{colour}" {edge}/>'
    if shape in ("square", "box"):
        return f'<rect x="1" y="1" width="{size - 2}" height="{size - 2}" fill="{colour}" {edge}/>'
    if shape == "ellipse":
        return (
            f'<ellipse cx="{half}" cy="{half}" rx="{half - 1}" ry="{half * 0.6}" '
            f'fill="{colour}" {edge}/>'
        )
    if shape == "line":
        return (
            f'<line x1="1" y1="{half}" x2="{size - 1}" y2="{half}" stroke="{colour}" '
            'stroke-width="3"/>'
        )
    if shape == "band":
        return (
            f'<rect x="0" y="0" width="{size}" height="{size}" fill="{colour}" '
            'fill-opacity="0.3"/>'
        )
    if shape in ("thick-border", "dashed-border"):
        dash = ' stroke-dasharray="3 2"' if shape == "dashed-border" else ""
        return (
            f'<circle cx="{half}" cy="{half}" r="{half - 2}" fill="#FFFFFF" stroke="{colour}" '
            f'stroke-width="3"{dash}/>'
        )
    return f'<circle cx="{half}" cy="{half}" r="{half - 1}" fill="{colour}" {edge}/>'


def _star_points(cx: float, cy: float, outer: float, inner: float) -> str:
    corners = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.pi / 2 + i * math.pi / 5
        corners.append(f"{cx + radius * math.cos(angle):.1f},{cy - radius * math.sin(angle):.1f}")
    return " ".join(corners)


def sector_colour(sector: str | None) -> str:
    """The fill colour of a sector (a spare colour for sectors the palette does not know).

    Examples
    --------
    >>> sector_colour("police")
    '#0072B2'
    >>> sector_colour("astrology") == sector_colour("astrology")
    True
    """
    if sector in SECTOR_COLOURS:
        return SECTOR_COLOURS[sector]
    if not sector:
        return SECTOR_COLOURS["other"]
    return _SPARE_COLOURS[zlib.crc32(str(sector).encode("utf-8")) % len(_SPARE_COLOURS)]


def text_colour(fill: str) -> str:
    """Black or white, whichever reads better on ``fill`` (WCAG relative luminance).

    Examples
    --------
    >>> text_colour("#F0E442"), text_colour("#332288")
    ('#000000', '#FFFFFF')
    """
    channels = [int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    # Contrast with black beats contrast with white above L = 0.179.
    return "#000000" if luminance > 0.179 else "#FFFFFF"


def contact_group(contact_type: str, taxonomy: Taxonomy) -> str:
    """The shape group of a contact type: incident, meeting, assessment, visit, education, other.

    Multi-agency meetings and assessments are the taxonomy's own lists, so a
    custom taxonomy's meeting types are drawn as meetings.

    Examples
    --------
    >>> from journey.taxonomy import default_taxonomy
    >>> [contact_group(t, default_taxonomy()) for t in ("marac", "arrest", "home_visit")]
    ['meeting', 'incident', 'visit']
    """
    if contact_type in taxonomy.coordination_types:
        return "meeting"
    if contact_type in _INCIDENT_TYPES:
        return "incident"
    if contact_type in taxonomy.assessment_types or contact_type in _REFERRAL_TYPES:
        return "assessment"
    if contact_type in _EDUCATION_TYPES:
        return "education"
    if contact_type in _VISIT_TYPES:
        return "visit"
    return "other"


def group_shape(group: str) -> str:
    """The vis shape of a contact group."""
    return _GROUP_SHAPE[group]


def group_label(group: str) -> str:
    """The legend label of a contact group."""
    return _GROUP_LABEL[group]


def sector_label(sector: str) -> str:
    """A sector's name as a legend shows it: ``"social care"`` becomes ``"Social care"``."""
    text = str(sector) if sector else "other"
    return text[:1].upper() + text[1:]


def sector_legend(sectors, taxonomy: Taxonomy) -> list[LegendItem]:
    """Legend items for the sectors used, in the taxonomy's sector order then by name."""
    order = {name: i for i, name in enumerate(taxonomy.sectors)}
    used = sorted({s or "other" for s in sectors}, key=lambda s: (order.get(s, len(order)), s))
    return [LegendItem(sector_label(s), sector_colour(s), "dot", "sector") for s in used]


def contact_group_legend(groups) -> list[LegendItem]:
    """Legend items for the contact-type groups used, in :data:`CONTACT_GROUPS` order."""
    used = set(groups)
    return [
        LegendItem(label, "#FFFFFF", shape, "contact_type")
        for key, label, shape in CONTACT_GROUPS
        if key in used
    ]
