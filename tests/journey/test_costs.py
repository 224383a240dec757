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
