"""Properties of the journey analyses, checked against slow, obvious implementations.

Each brute-force function below loops over contacts in plain Python, straight
from the definitions in the modules' docstrings, so that the vectorised
analyses are checked against an independent reading of the same definitions.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journey.high_contact import high_contact
from journey.indicators import eligibility
from journey.taxonomy import default_taxonomy
from journey.uncoordinated import uncoordinated
from tests.builders import contacts_frame, lead_periods_frame, people_frame

AGENCIES = ["Police", "School", "GP", "Hospital", "Children's Social Care", "Early Help"]
TYPES = ["incident", "domestic_incident", "school_absence", "appointment", "assessment",
         "early_help_assessment", "strategy_meeting", "referral", "emergency_attendance"]
START = pd.Timestamp("2020-01-01")
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def populations(draw):
    """Contacts of up to three families over ~4 months: many ties, many window edges."""
    rows = []
    for number in range(draw(st.integers(1, 24))):
        family = draw(st.sampled_from(["F1", "F2", "F3"]))
        # Whole days (midnight) mostly, so contacts often sit exactly on window edges.
        at = START + pd.Timedelta(days=draw(st.integers(0, 120)),
                                  minutes=draw(st.sampled_from([0, 0, 0, 1, 600])))
        agency = draw(st.sampled_from(AGENCIES))
        kind = draw(st.sampled_from(TYPES))
        referrer = draw(st.none() | st.sampled_from(AGENCIES))
        members = draw(st.lists(st.sampled_from("abc"), min_size=1, max_size=3, unique=True))
        for member in members:
            rows.append((f"c{number:02d}", f"{family}-{member}", agency, kind, at, referrer,
                         family))
    periods = []
    for family in ["F1", "F2", "F3"]:
        for _ in range(draw(st.integers(0, 2))):
            begin = START + pd.Timedelta(days=draw(st.integers(0, 120)))
            length = draw(st.none() | st.integers(0, 40))
            periods.append((family, begin, None if length is None else
                            begin + pd.Timedelta(days=length)))
    births = {f"{f}-{m}": draw(st.sampled_from([None, "2007-03", "2007-02", "2006-12"]))
              for f in ["F1", "F2", "F3"] for m in "abc"}
    return contacts_frame(rows), lead_periods_frame(periods), births


def family_events(contacts: pd.DataFrame) -> dict[str, list]:
    once = contacts.drop_duplicates(["family_id", "contact_id"])
    return {
        family: sorted(rows.itertuples(index=False), key=lambda e: (e.occurred_at, e.contact_id))
        for family, rows in once.groupby("family_id")
    }


def person_events(contacts: pd.DataFrame) -> dict[str, list]:
    return {
        person: sorted(rows.itertuples(index=False), key=lambda e: (e.occurred_at, e.contact_id))
        for person, rows in contacts.groupby("person_id")
    }


def brute_windows(events: list, window: pd.Timedelta, min_contacts: int, min_agencies: int):
    """Peak window by trying a window [t, t + window) at every contact; first crossing."""
    best = None
    for start in events:
        inside = [e for e in events if start.occurred_at <= e.occurred_at
                  < start.occurred_at + window]
        key = (len(inside), len({e.agency for e in inside}))
        if best is None or key > best[0]:  # strictly more: the earliest of equals stays
            best = (key, inside)
    crossed = pd.NaT
    for end in events:
        inside = [e for e in events if end.occurred_at - window < e.occurred_at
                  <= end.occurred_at]
        if len(inside) >= min_contacts and len({e.agency for e in inside}) >= min_agencies:
            crossed = end.occurred_at
            break
    (contacts, agencies), inside = best
    return {
        "peak_contacts": contacts,
        "peak_agencies": agencies,
        "peak_start": inside[0].occurred_at,
        "peak_end": inside[-1].occurred_at,
        "peak_contact_ids": tuple(e.contact_id for e in inside),
        "first_crossed": crossed,
        "total_contacts": len(events),
        "total_agencies": len({e.agency for e in events}),
    }


def same(a, b) -> bool:
    return (pd.isna(a) and pd.isna(b)) or a == b


@SETTINGS
@given(populations(), st.sampled_from([1, 10, 30, 45]), st.integers(1, 5), st.integers(1, 3))
def test_high_contact_agrees_with_brute_force(population, days, min_contacts, min_agencies):
    contacts, _, births = population
    window = pd.Timedelta(days=days)
    people = people_frame([(p, p[:2], "child", b) for p, b in births.items()])
    result = high_contact(contacts, people, window_days=days, min_contacts=min_contacts,
                          min_agencies=min_agencies, by_age=13)
    for frame, events in [(result.families.set_index("family_id"), family_events(contacts)),
                          (result.people.set_index("person_id"), person_events(contacts))]:
        assert sorted(frame.index) == sorted(events)
        for entity, journey in events.items():
            expected = brute_windows(journey, window, min_contacts, min_agencies)
            row = frame.loc[entity]
            for column, value in expected.items():
                assert same(row[column], value), (entity, column, row[column], value)
            assert row["is_high_contact"] == (not pd.isna(expected["first_crossed"]))
    for person, journey in person_events(contacts).items():
        check_before_age(result.people.set_index("person_id").loc[person], journey,
                         births[person], min_contacts, min_agencies)


def check_before_age(row, journey, birth, min_contacts, min_agencies):
    if birth is None:
        assert pd.isna(row["contacts_before_age"]) and pd.isna(row["age_at_crossing"])
        return
    year, month = int(birth[:4]), int(birth[5:])
    birthday = pd.Timestamp(year=year + 13, month=month, day=1)
    before = [e for e in journey if e.occurred_at < birthday]
    assert row["contacts_before_age"] == len(before)
    assert row["agencies_before_age"] == len({e.agency for e in before})
    crossed = pd.NaT
    for i in range(len(before)):
        so_far = before[: i + 1]
        if len(so_far) >= min_contacts and len({e.agency for e in so_far}) >= min_agencies:
            crossed = so_far[-1].occurred_at
            break
    assert same(row["crossed_before_age_at"], crossed)
    assert bool(row["high_contact_before_age"]) == (not pd.isna(crossed))
    if pd.isna(row["first_crossed"]):
        assert pd.isna(row["age_at_crossing"])
    else:
        at = row["first_crossed"]
        assert row["age_at_crossing"] == at.year - year - (1 if at.month < month else 0)


def brute_uncoordinated(events, periods, parallel, assessment, taxonomy):
    """Per contact (flag, reason, repeat) and the family's peak parallel agencies."""
    answers, peak = {}, 0
    assessments = [e for e in events if e.contact_type in taxonomy.assessment_types]
    for e in events:
        window = [f for f in events if e.occurred_at - parallel < f.occurred_at <= e.occurred_at]
        peak = max(peak, len({f.agency for f in window}))
        led = any(p.lead_from.date() <= e.occurred_at.date()
                  and (pd.isna(p.lead_to) or e.occurred_at.date() <= p.lead_to.date())
                  for p in periods)
        others = {f.agency for f in window} - {e.agency}
        unreferred = sorted(others - {e.referred_by})
        days = f"{parallel.days}"
        if led:
            reason = "lead professional active"
        elif e.contact_type in taxonomy.coordination_types:
            reason = "multi-agency meeting"
        elif unreferred:
            names = unreferred[0] if len(unreferred) == 1 else (
                ", ".join(unreferred[:-1]) + " and " + unreferred[-1])
            reason = f"uncoordinated: {names} also in contact in the previous {days} days"
        elif others:
            reason = (f"referred by {e.referred_by}, the only other agency in contact in the "
                      f"previous {days} days")
        else:
            reason = f"no other agency in the previous {days} days"
        earlier = assessments[: assessments.index(e)] if e in assessments else []
        repeat = any(e.occurred_at - a.occurred_at < assessment and a.agency != e.agency
                     for a in earlier)
        answers[e.contact_id] = (reason.startswith("uncoordinated"), reason, repeat)
    return answers, peak


@SETTINGS
@given(populations(), st.sampled_from([1, 7, 30]), st.sampled_from([1, 20, 90]))
def test_uncoordinated_agrees_with_brute_force(population, parallel_days, assessment_days):
    contacts, periods, _ = population
    taxonomy = default_taxonomy()
    result = uncoordinated(contacts, periods, parallel_days=parallel_days,
                           assessment_days=assessment_days)
    got = {(r.family_id, r.contact_id): (r.uncoordinated, r.reason, r.repeat_assessment)
           for r in result.contacts.itertuples()}
    families = result.families.set_index("family_id")
    for family, events in family_events(contacts).items():
        own = [p for p in periods.itertuples() if p.family_id == family]
        answers, peak = brute_uncoordinated(events, own, pd.Timedelta(days=parallel_days),
                                            pd.Timedelta(days=assessment_days), taxonomy)
        for contact, answer in answers.items():
            assert got[(family, contact)] == answer, (family, contact)
        row = families.loc[family]
        assert row["contacts"] == len(events)
        assert row["uncoordinated"] == sum(a[0] for a in answers.values())
        assert row["repeat_assessments"] == sum(a[2] for a in answers.values())
        assert row["peak_parallel_agencies"] == peak


def brute_eligibility(events, flags, names, window, min_indicators, periods):
    best, first = None, pd.NaT
    evidencing = [e for e in events if flags[e.contact_id]]
    for end in evidencing:
        inside = [e for e in evidencing
                  if end.occurred_at - window < e.occurred_at <= end.occurred_at]
        held = sorted(set().union(*(flags[e.contact_id] for e in inside)))
        if best is None or len(held) > len(best[0]):
            best = (held, inside)
        if len(held) >= min_indicators and pd.isna(first):
            first = end.occurred_at
    held, inside = best if best else ([], [])
    found = any(pd.isna(p.lead_to) or p.lead_to.date() >= first.date() for p in periods) \
        if not pd.isna(first) else True
    return {
        "indicators": ";".join(held),
        "indicator_count": len(held),
        "eligible": len(held) >= min_indicators,
        "first_eligible": first,
        "evidence_contact_ids": tuple(e.contact_id for e in inside),
        "window_start": inside[0].occurred_at if inside else pd.NaT,
        "window_end": inside[-1].occurred_at if inside else pd.NaT,
        "all_indicators": ";".join(n for n in names
                                   if any(n in flags[e.contact_id] for e in events)),
        "has_lead_professional": bool(periods),
        "not_yet_found": len(held) >= min_indicators and not found,
    }


@SETTINGS
@given(populations(), st.sampled_from(["tf2015", "sf2022"]), st.sampled_from([1, 15, 60]))
def test_eligibility_agrees_with_brute_force(population, indicator_set, days):
    contacts, periods, _ = population
    taxonomy = default_taxonomy()
    programme = taxonomy.indicator_set(indicator_set)
    matrix = taxonomy.indicator_matrix(contacts, indicator_set)
    flags = {c: {n for n in matrix.columns if on[n]}
             for c, (_, on) in zip(contacts["contact_id"], matrix.iterrows(), strict=True)}
    frame = eligibility(contacts, periods, indicator_set=indicator_set,
                        window_days=days).families.set_index("family_id")
    for family, events in family_events(contacts).items():
        own = [p for p in periods.itertuples() if p.family_id == family]
        expected = brute_eligibility(events, flags, sorted(programme.indicators),
                                     pd.Timedelta(days=days), programme.min_indicators, own)
        for column, value in expected.items():
            assert same(frame.loc[family, column], value), (family, column)


@SETTINGS
@given(populations(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order_or_on_other_families(population, random):
    contacts, periods, births = population
    people = people_frame([(p, p[:2], "child", b) for p, b in births.items()])
    order = list(range(len(contacts)))
    random.shuffle(order)
    shuffled = contacts.iloc[order].reset_index(drop=True)

    def analyse(frame):
        high = high_contact(frame, people, window_days=30, min_contacts=3, min_agencies=2)
        unco = uncoordinated(frame, periods)
        elig = eligibility(frame, periods, window_days=60)
        return [high.families, high.people, unco.contacts, unco.families, elig.families]

    everyone = analyse(contacts)
    for original, reordered in zip(everyone, analyse(shuffled), strict=True):
        pd.testing.assert_frame_equal(original, reordered)
    family = random.choice(sorted(contacts["family_id"].unique()))
    alone = analyse(contacts[contacts["family_id"] == family])
    for whole, part in zip(everyone, alone, strict=True):
        mine = whole[whole["family_id"] == family].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, part, check_dtype=False)
