"""The synthetic population's story: wards, needs, agencies and the contacts each need brings.

Everything here is data (and one small class that turns it into arrays), so a
reader can judge the story without reading the generator. The scripts use
contact types that the shipped taxonomy maps to headline indicators (a police
``domestic_incident`` evidences domestic abuse, a ``school_absence`` education,
a children's-social-care ``referral`` children who need help ...), while the
routine contacts (GP and school-nurse appointments, health-visiting home
visits, midwifery) evidence none of the 2015 indicators.
"""

from __future__ import annotations

import numpy as np

from journey.errors import TaxonomyError
from journey.taxonomy import Taxonomy

__all__ = [
    "WARDS",
    "NEEDS",
    "PREVALENCE",
    "CORRELATION",
    "CRISES_PER_YEAR",
    "BURST_SIZE",
    "BURST_GAP_DAYS",
    "WHO",
    "SCRIPTS",
    "ROUTINE",
    "GIRL_STORY",
    "REFERRAL_TYPES",
    "AGENCIES",
    "ALIAS_SHARE",
    "HOUSEHOLD_PRESENT",
    "MAX_MEMBERS",
    "DAY",
    "Steps",
    "check_taxonomy",
    "agency_tables",
]

WARDS: dict[str, tuple[float, float]] = {
    "Ashcombe": (9.0, 0.45), "Bramley Vale": (7.0, 0.25), "Carrow Fields": (6.5, 0.55),
    "Dunmere": (6.0, -0.2), "Eastbrook": (6.0, 0.1), "Fennick Down": (5.0, -0.4),
    "Greywell": (5.0, 0.2), "Hollins Green": (4.5, 0.4), "Ivelmoor": (4.0, -0.3),
    "Juniper Hill": (4.0, 0.0), "Kestrel Marsh": (3.5, 0.3), "Longmead": (3.0, -0.1),
    "Marlow Cross": (3.0, 0.2), "Norbury Rise": (2.5, 0.5), "Oakhurst": (2.5, -0.5),
    "Pelham Quay": (2.0, 0.35), "Quarry Lane": (2.0, 0.1), "Rosewood": (1.5, -0.3),
    "Saltings": (1.5, 0.15), "Thornby": (1.0, -0.2),
}

NEEDS = ("domestic_abuse", "child_protection", "crime", "school", "worklessness", "health")
# Share of families with each need, and how needs go together (a correlation of
# latent scores): domestic abuse with child protection and crime; school with
# child protection and crime; worklessness with health.
PREVALENCE = np.array([0.13, 0.11, 0.10, 0.17, 0.24, 0.24])
CORRELATION = np.array([
    [1.00, 0.60, 0.45, 0.25, 0.20, 0.35],
    [0.60, 1.00, 0.30, 0.45, 0.20, 0.30],
    [0.45, 0.30, 1.00, 0.40, 0.30, 0.35],
    [0.25, 0.45, 0.40, 1.00, 0.25, 0.25],
    [0.20, 0.20, 0.30, 0.25, 1.00, 0.45],
    [0.35, 0.30, 0.35, 0.25, 0.45, 1.00],
])
CRISES_PER_YEAR = np.array([0.22, 0.19, 0.18, 0.22, 0.14, 0.18])
BURST_SIZE = np.array([4.0, 5.0, 3.0, 4.0, 3.0, 3.0])  # mean contacts per crisis
BURST_GAP_DAYS = np.array([9.0, 8.0, 14.0, 12.0, 20.0, 16.0])  # mean days between them

# Who a contact can be about: (min age in months, max age in months, adult?) where
# adult? is 1 adults only, 0 children only, -1 anyone.
WHO = {"A": (0, 10**6, 1), "C": (0, 216, 0), "U": (0, 60, 0), "S": (60, 204, 0),
       "T": (120, 216, 0), "X": (0, 10**6, -1)}

# (agency, contact type, who, household?, weight) by need; the first block is
# the crisis trigger, the second the follow-up contacts of the burst. A
# household contact also involves the other members present.
SCRIPTS: dict[str, tuple[list[tuple], list[tuple]]] = {
    "domestic_abuse": (
        [("Police", "domestic_incident", "A", True, 1.0)],
        [("Police", "domestic_incident", "A", True, 1.5),
         ("Police", "incident", "A", False, 0.8),
         ("Police", "arrest", "A", False, 0.5),
         ("Police", "marac", "A", False, 0.4),
         ("Domestic Abuse Service", "referral", "A", False, 1.0),
         ("Domestic Abuse Service", "support_session", "A", False, 2.0),
         ("Children's Social Care", "referral", "C", False, 0.8),
         ("Children's Social Care", "assessment", "C", False, 0.6),
         ("Children's Social Care", "home_visit", "C", True, 0.6),
         ("Hospital", "emergency_attendance", "A", False, 0.4),
         ("School", "attendance_meeting", "S", False, 0.3),
         ("Health Visiting", "home_visit", "U", False, 0.4),
         ("Housing", "homelessness_application", "A", True, 0.2)],
    ),
    "child_protection": (
        [("Children's Social Care", "referral", "C", False, 1.0),
         ("Police", "incident", "C", True, 0.3)],
        [("Children's Social Care", "assessment", "C", False, 1.5),
         ("Children's Social Care", "home_visit", "C", True, 2.0),
         ("Children's Social Care", "strategy_meeting", "C", False, 0.6),
         ("Children's Social Care", "section_47_enquiry", "C", False, 0.5),
         ("Children's Social Care", "child_protection_conference", "C", True, 0.3),
         ("Children's Social Care", "child_protection_plan", "C", False, 0.2),
         ("Early Help", "early_help_assessment", "C", False, 0.5),
         ("Early Help", "support_session", "C", False, 1.0),
         ("School", "attendance_meeting", "S", False, 0.4),
         ("Health Visiting", "home_visit", "U", False, 0.5),
         ("GP", "appointment", "C", False, 0.3),
         ("CAMHS", "referral", "T", False, 0.3)],
    ),
    "crime": (
        [("Police", "arrest", "A", False, 0.6),
         ("Police", "incident", "T", False, 0.4)],
        [("Police", "incident", "X", False, 1.0),
         ("Police", "arrest", "A", False, 0.5),
         ("Police", "arrest", "T", False, 0.3),
         ("Probation", "court", "A", False, 0.4),
         ("Probation", "supervision", "A", False, 1.5),
         ("Youth Justice", "referral", "T", False, 0.5),
         ("Youth Justice", "supervision", "T", False, 1.0),
         ("Youth Justice", "court", "T", False, 0.3),
         ("Substance Misuse Service", "assessment", "A", False, 0.3),
         ("Housing", "eviction_notice", "A", False, 0.2)],
    ),
    "school": (
        [("School", "school_absence", "S", False, 1.0)],
        [("School", "school_absence", "S", False, 2.0),
         ("School", "attendance_meeting", "S", False, 1.0),
         ("School", "exclusion", "S", False, 0.4),
         ("Education Welfare", "home_visit", "S", True, 1.0),
         ("Education Welfare", "attendance_meeting", "S", False, 0.7),
         ("Early Help", "early_help_assessment", "S", False, 0.4),
         ("Early Help", "referral", "S", False, 0.3),
         ("Youth Justice", "referral", "T", False, 0.2),
         ("Police", "incident", "T", False, 0.3),
         ("CAMHS", "referral", "T", False, 0.4),
         ("CAMHS", "appointment", "T", False, 0.5),
         ("School Nursing", "appointment", "S", False, 0.3)],
    ),
    "worklessness": (
        [("DWP JobCentre Plus", "benefit_claim", "A", False, 1.0)],
        [("DWP JobCentre Plus", "work_coach", "A", False, 3.0),
         ("DWP JobCentre Plus", "benefit_claim", "A", False, 0.5),
         ("DWP JobCentre Plus", "sanction", "A", False, 0.5),
         ("Housing", "eviction_notice", "A", False, 0.5),
         ("Housing", "homelessness_application", "A", True, 0.3),
         ("Housing", "needs_assessment", "A", False, 0.4),
         ("Voluntary Sector", "support_session", "A", False, 1.0),
         ("Early Help", "support_session", "A", False, 0.3),
         ("GP", "appointment", "A", False, 0.3)],
    ),
    "health": (
        [("GP", "referral", "X", False, 0.5),
         ("Hospital", "emergency_attendance", "X", False, 0.5)],
        [("GP", "appointment", "X", False, 2.0),
         ("GP", "missed_appointment", "X", False, 0.8),
         ("Adult Mental Health", "assessment", "A", False, 0.6),
         ("Adult Mental Health", "appointment", "A", False, 1.5),
         ("CAMHS", "assessment", "T", False, 0.4),
         ("CAMHS", "appointment", "T", False, 0.8),
         ("Substance Misuse Service", "assessment", "A", False, 0.4),
         ("Substance Misuse Service", "treatment", "A", False, 1.0),
         ("Hospital", "emergency_attendance", "X", False, 0.5),
         ("Adult Social Care", "needs_assessment", "A", False, 0.2),
         ("Health Visiting", "home_visit", "U", False, 0.4)],
    ),
}
# Routine, lead-professional and West Sussex contacts (who is given per contact).
ROUTINE = [
    ("GP", "appointment", "X", False),
    ("School Nursing", "appointment", "S", False),
    ("Health Visiting", "home_visit", "U", False),
    ("Midwifery", "appointment", "A", False),
    ("Early Help", "taf_meeting", "A", True),
    ("Early Help", "early_help_assessment", "X", False),
]
GIRL_STORY = [  # (agency, contact type, referred by, times): her journey, in order
    ("School", "school_absence", None, 4),
    ("GP", "appointment", None, 2),
    ("Education Welfare", "home_visit", "School", 2),
    ("Police", "incident", None, 3),
    ("Children's Social Care", "referral", "Police", 1),
    ("Children's Social Care", "assessment", None, 2),
    ("Hospital", "emergency_attendance", None, 2),
    ("CAMHS", "referral", "GP", 1),
    ("School", "exclusion", None, 2),
    ("Police", "incident", None, 3),
    ("Children's Social Care", "strategy_meeting", None, 2),
    ("CAMHS", "appointment", None, 3),
    ("Youth Justice", "referral", "Police", 1),
    ("Youth Justice", "supervision", None, 3),
    ("Voluntary Sector", "support_session", "Children's Social Care", 3),
    ("Early Help", "early_help_assessment", "School", 1),
    ("School", "school_absence", None, 3),
]
# Contact types that usually arrive on another agency's referral.
REFERRAL_TYPES = {"referral", "assessment", "early_help_assessment", "section_47_enquiry",
                  "needs_assessment", "homelessness_application"}
# Agency -> (source system, open round the clock?, services, aliases some exports write).
AGENCIES: dict[str, tuple[str, bool, tuple[str, ...], tuple[str, ...]]] = {
    "Police": ("police-rms", True, ("Response", "Neighbourhood", "Public Protection"),
               ("Sussex Police", "police")),
    "School": ("school-mis", False, ("Primary", "Secondary", "Pastoral"),
               ("Academy", "Secondary School")),
    "Education Welfare": ("education-welfare", False, ("Attendance",),
                          ("EWS", "Attendance Service")),
    "GP": ("gp-record", False, ("Surgery",), ("GP Surgery",)),
    "Health Visiting": ("community-health", False, ("0-19 Team",), ("Health Visitor",)),
    "School Nursing": ("community-health", False, ("0-19 Team",), ("School Nurse",)),
    "Hospital": ("hospital-pas", True, ("Emergency Department", "Paediatrics"), ("A&E",)),
    "Midwifery": ("hospital-pas", False, ("Community Midwives",), ("Maternity",)),
    "CAMHS": ("mental-health-trust", False, ("Getting Help", "Crisis"), ("camhs",)),
    "Adult Mental Health": ("mental-health-trust", False, ("Community Team", "Crisis"), ("CMHT",)),
    "Children's Social Care": ("childrens-case-mgmt", False,
                               ("MASH", "Assessment", "Child in Need", "Child Protection"),
                               ("MASH", "Children's Services")),
    "Adult Social Care": ("adults-case-mgmt", False, ("Front Door",), ("Adult Services",)),
    "Early Help": ("early-help-module", False, ("Family Support", "Key Work"), ("Family Support",)),
    "DWP JobCentre Plus": ("dwp-share", False, ("Work Coach", "Universal Credit"),
                           ("JCP", "Jobcentre Plus")),
    "Housing": ("housing-system", False, ("Housing Options", "Tenancy"), ("Housing Options",)),
    "Probation": ("probation-case", False, ("Offender Management",), ("Probation Service",)),
    "Youth Justice": ("yjs-case", False, ("Prevention", "Court"), ("YOT",)),
    "Domestic Abuse Service": ("da-service", False, ("IDVA", "Outreach"), ("IDVA",)),
    "Substance Misuse Service": ("recovery-service", False, ("Adult Treatment", "Young People"),
                                 ("Drug and Alcohol Service",)),
    "Voluntary Sector": ("voluntary-log", False, ("Food Bank", "Advice"), ("Food Bank",)),
}
ALIAS_SHARE = 0.04
HOUSEHOLD_PRESENT = 0.7  # chance each other member is present at a household contact
MAX_MEMBERS = 7
DAY = 86_400


class Steps:
    """Every (agency, contact type, who, household?) a contact can be, as parallel arrays.

    ``blocks[2 * need]`` holds a need's trigger steps and ``blocks[2 * need + 1]``
    its follow-up steps; ``routine`` maps (agency, contact type) to the step of
    a contact that is not drawn from a script (routine, lead-professional and
    West Sussex contacts).
    """

    def __init__(self) -> None:
        rows: list[tuple] = []
        self.blocks: list[tuple[np.ndarray, np.ndarray]] = []  # (step ids, cumulative weights)
        for need in NEEDS:
            for block in SCRIPTS[need]:
                ids = np.arange(len(rows), len(rows) + len(block))
                rows.extend(entry[:4] for entry in block)
                weights = np.array([entry[4] for entry in block])
                self.blocks.append((ids, np.cumsum(weights) / weights.sum()))
        self.routine = {(a, t): len(rows) + i for i, (a, t, *_rest) in enumerate(ROUTINE)}
        rows.extend(ROUTINE)
        for agency, contact_type, *_rest in GIRL_STORY:
            if (agency, contact_type) not in self.routine:
                self.routine[agency, contact_type] = len(rows)
                rows.append((agency, contact_type, "X", False))
        self.agency_names = list(AGENCIES)
        self.agency = np.array([self.agency_names.index(r[0]) for r in rows])
        self.contact_type = np.array([r[1] for r in rows], dtype=object)
        self.who = np.array([list(WHO).index(r[2]) for r in rows])
        self.household = np.array([r[3] for r in rows])
        self.referral_like = np.isin(self.contact_type, list(REFERRAL_TYPES))
        self.round_clock = np.array([AGENCIES[a][1] for a in self.agency_names])[self.agency]

    def draw(self, rng: np.random.Generator, block: np.ndarray) -> np.ndarray:
        """One step per item of ``block`` (index into ``blocks``), by the block's weights."""
        steps = np.zeros(len(block), dtype=np.int64)
        u = rng.random(len(block))
        for b, (ids, cumulative) in enumerate(self.blocks):
            mask = block == b
            picks = np.searchsorted(cumulative, u[mask], side="right")
            steps[mask] = ids[np.minimum(picks, len(ids) - 1)]
        return steps


def check_taxonomy(taxonomy: Taxonomy) -> None:
    """Refuse a taxonomy that lacks an agency the story uses (its contacts would become 'other')."""
    missing = sorted(set(AGENCIES) - set(taxonomy.agencies))
    if missing:
        raise TaxonomyError(f"{taxonomy.source}: the generator needs agencies {', '.join(missing)}")


def agency_tables(taxonomy: Taxonomy) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per agency: the names sources write, its source system, and its services.

    Names are the canonical name then the aliases the taxonomy knows; services
    the agency's teams. None pads the rows of both tables.
    """
    widest = max(len(info[3]) for info in AGENCIES.values()) + 1
    names = np.full((len(AGENCIES), widest), None, dtype=object)
    services = np.full((len(AGENCIES), max(len(info[2]) for info in AGENCIES.values())), None,
                       dtype=object)
    for i, (agency, (_system, _clock_on, teams, aliases)) in enumerate(AGENCIES.items()):
        known = [a for a in aliases if taxonomy.canonical_agency(a)[0] == agency]
        names[i, : 1 + len(known)] = [agency, *known]
        services[i, : len(teams)] = teams
    sources = np.array([info[0] for info in AGENCIES.values()], dtype=object)
    return names, sources, services
