"""Journey costs: the most specific unit cost, per family, before and after its lead."""

from __future__ import annotations

import pandas as pd
import pytest

from journey.costs import agency_costs, contact_costs, journey_costs, load_unit_costs
from journey.errors import ParameterError
from journey.outcomes import distinct_contacts
from tests.builders import contacts_frame, lead_periods_frame


def test_the_docs_example_costs_1490():
    contacts = distinct_contacts(contacts_frame([
        ("c1", "p1", "Police", "incident", "2021-01-05"),
        ("c2", "p2", "Children's Social Care", "assessment", "2021-03-01"),
        ("c2", "p3", "Children's Social Care", "assessment", "2021-03-01"),
        ("c3", "p2", "GP", "appointment", "2021-06-30")], family_id="F1"))  # fmt: skip
    row = journey_costs(contacts, lead_periods_frame([("F1", "2021-02-01", None)]),
                        load_unit_costs()).iloc[0]
    assert (row.contacts, row.cost_gbp, row.years, row.cost_per_year) == (3, 1490.0, 1.0, 1490.0)
    assert (row.cost_12m_before, row.cost_12m_after) == (250.0, 1240.0)
    assert bool(row.illustrative)
    costliest = agency_costs(contacts, load_unit_costs())["agency"].tolist()[0]
    assert costliest == "Children's Social Care"


def test_the_most_specific_row_wins(tmp_path):
    path = tmp_path / "costs.csv"
    path.write_text("sector,agency,contact_type,cost_gbp,source\n"
                    ",,,1,catch-all\npolice,,,10,sector\npolice,,arrest,20,sector and type\n"
                    ",Police,,30,agency\n,Police,arrest,40,GMCA 2019\n")  # fmt: skip
    contacts = pd.DataFrame({"sector": ["police", "police", "police", "health"],
                             "agency": ["Police", "Police", "BTP", "GP"],
                             "contact_type": ["arrest", "incident", "arrest", "appointment"]})
    priced = contact_costs(contacts, load_unit_costs(path))
    assert priced["cost_gbp"].tolist() == [40.0, 30.0, 20.0, 1.0]
    assert priced["source"].tolist() == ["GMCA 2019", "agency", "sector and type", "catch-all"]


@pytest.mark.parametrize(("text", "message"), [
    ("sector,agency,cost_gbp,source\n", "missing column(s): contact_type"),
    ("sector,agency,contact_type,cost_gbp,source\npolice,,,lots,x\n", "line 2: cost_gbp"),
    ("sector,agency,contact_type,cost_gbp,source\npolice,,,5,\n", "line 2: source"),
    ("sector,agency,contact_type,cost_gbp,source\npolice,,,5,a\npolice,,,6,b\n", "line 3: repeats"),
])  # fmt: skip
def test_a_bad_unit_cost_table_is_refused_naming_the_line(tmp_path, text, message):
    path = tmp_path / "costs.csv"
    path.write_text(text)
    with pytest.raises(ParameterError, match=f"^{path}") as caught:
        load_unit_costs(path)
    assert message in str(caught.value)


def _plain_pathway_costs(contacts: pd.DataFrame, unit_cost) -> dict:
    """An independent count: walk each family's contacts in order, one at a time."""
    totals: dict = {}
    for _, rows in contacts.groupby("family_id"):
        ordered = sorted(rows.itertuples(index=False), key=lambda r: (r.occurred_at, r.contact_id))
        for before, after in zip(ordered, ordered[1:], strict=False):
            if before.agency == after.agency:
                continue
            key = (before.agency, after.agency)
            count, families, cost = totals.get(key, (0, set(), 0.0))
            totals[key] = (count + 1, families | {after.family_id}, cost + unit_cost(after))
    return {k: (n, len(f), c) for k, (n, f, c) in totals.items()}


def test_pathway_costs_equal_an_independent_count_on_a_random_population():
    import numpy as np

    from journey.costs import pathway_costs

    rng = np.random.default_rng(4)
    agencies = ["Police", "GP", "School", "Children's Social Care"]
    sectors = {"Police": "police", "GP": "health", "School": "education",
               "Children's Social Care": "social care"}  # fmt: skip
    n = 400
    agency = rng.choice(agencies, n)
    contacts = pd.DataFrame({
        "family_id": rng.choice([f"F{i}" for i in range(25)], n),
        "contact_id": [f"c{i:04d}" for i in rng.permutation(n)],
        "agency": agency, "sector": [sectors[a] for a in agency],
        "contact_type": rng.choice(["incident", "appointment", "assessment"], n),
        "occurred_at": pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 60, n), "D"),
    })  # fmt: skip
    costs = pd.DataFrame({"sector": [None, "police", None], "agency": [None, None, "GP"],
                          "contact_type": [None, None, None], "cost_gbp": [10.0, 250.0, 40.0],
                          "source": ["illustrative"] * 3})  # fmt: skip
    price = {"Police": 250.0, "GP": 40.0}
    expected = _plain_pathway_costs(contacts, lambda row: price.get(row.agency, 10.0))
    frame = pathway_costs(contacts, costs)
    got = {(r.from_agency, r.to_agency): (r.transitions, r.families, r.cost_gbp)
           for r in frame.itertuples(index=False)}  # fmt: skip
    assert got.keys() == expected.keys()
    for key, (count, families, cost) in expected.items():
        assert got[key][:2] == (count, families) and abs(got[key][2] - cost) < 1e-6
    assert frame["cost_gbp"].is_monotonic_decreasing


def test_journey_costs_equal_a_plain_walk_over_each_family_and_leave_the_input_alone():
    import numpy as np

    rng = np.random.default_rng(11)
    n = 500
    families = [f"F{i:02d}" for i in range(30)]
    contacts = pd.DataFrame({
        "family_id": rng.choice(families, n), "contact_id": [f"c{i:04d}" for i in range(n)],
        "agency": rng.choice(["Police", "GP", "School"], n), "sector": None,
        "contact_type": "incident",
        "occurred_at": pd.Timestamp("2019-01-31") + pd.to_timedelta(rng.integers(0, 1500, n), "D"),
        "cost_gbp": rng.integers(0, 500, n).astype(float),
        "source": rng.choice(["Illustrative", "PSSRU 2023", None], n),
    })  # fmt: skip
    leads = {f: pd.Timestamp("2020-02-29") + pd.Timedelta(days=int(rng.integers(0, 700)))
             for f in families[::3]}  # fmt: skip
    periods = lead_periods_frame([(f, str(at.date()), None) for f, at in leads.items()])
    given = contacts.copy()
    frame = journey_costs(contacts, periods, load_unit_costs()).set_index("family_id")
    pd.testing.assert_frame_equal(contacts, given)  # priced input is not written to
    assert list(frame.index) == sorted(contacts["family_id"].unique())
    for family, rows in contacts.groupby("family_id"):
        row = frame.loc[family]
        assert row.contacts == len(rows) and row.cost_gbp == pytest.approx(rows.cost_gbp.sum())
        span = (rows.occurred_at.max() - rows.occurred_at.min()).days / 365.25
        assert row.years == round(max(span, 1.0), 2)
        sources = rows.source.fillna("illustrative").str.lower()
        assert bool(row.illustrative) == bool((sources == "illustrative").any())
        if family not in leads:
            assert pd.isna(row.lead_from) and pd.isna(row.cost_12m_before)
            continue
        start = leads[family]
        before = rows[(rows.occurred_at >= start - pd.DateOffset(months=12))
                      & (rows.occurred_at < start)]  # fmt: skip
        after = rows[(rows.occurred_at >= start)
                     & (rows.occurred_at < start + pd.DateOffset(months=12))]  # fmt: skip
        assert row.lead_from == start
        assert row.cost_12m_before == pytest.approx(before.cost_gbp.sum())
        assert row.cost_12m_after == pytest.approx(after.cost_gbp.sum())
