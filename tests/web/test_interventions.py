"""The intervention-points page and its JSON twin, per cohort (population: tests/web/population.py).

By hand, all families: only F004 escalates (Police 1 Mar 2022, Children's
Social Care 5 Mar: 4 days later). F001, F002 and F003 do not. The comparison
window is 4 days (the median time to escalation): in their first 4 days the
Police saw F001 (day 0) and F003 (day 2), not F002. So the Police saw 1 of 1
escalating family before it escalated, and first, with a lead of 4 days; lift
= (1 / 1) / (2 / 3) = 1.5; priority = 1 × 4 / 365 × 1.5.
"""

from __future__ import annotations

import pytest

from journey.cohorts import INTERVENTION_COHORTS
from web.data import ServiceData


def _by_agency(rows):
    return {row["agency"]: row for row in rows}


def test_all_families_by_hand(client):
    body = client.get("/interventions.json?cohort=all").get_json()
    assert body["cohort"] == "all"
    assert (body["escalating_families"], body["non_escalating_families"]) == (1, 3)
    police = _by_agency(body["early_warning_agencies"])["Police"]
    assert police["saw_before"] == 1 and police["seen_first"] == 1
    assert police["median_lead_first_days"] == pytest.approx(4.0)
    assert police["lift"] == pytest.approx(1.5)
    school = _by_agency(body["early_warning_agencies"])["School"]
    # The School never saw F004: its own count is 0, not the cohort's 1.
    assert school["saw_before"] == 0 and school["median_lead_first_days"] is None
    ranking = body["early_help_ranking"]
    assert ranking[0]["agency"] == "Police" and ranking[0]["priority_rank"] == 1
    assert ranking[0]["priority"] == pytest.approx(4 / 365 * 1.5)
    assert [r["priority_rank"] for r in ranking] == list(range(1, len(ranking) + 1))


def test_the_default_cohort_is_all_families(client):
    assert client.get("/interventions.json").get_json() == client.get(
        "/interventions.json?cohort=all").get_json()


@pytest.mark.parametrize("cohort", list(INTERVENTION_COHORTS))
def test_every_cohort_and_its_twin(client, store, cohort):
    stored = store.result("intervention_cohorts")
    mine = stored[stored["cohort"] == cohort]
    body = client.get(f"/interventions.json?cohort={cohort}").get_json()
    assert body["cohort"] == cohort and body["cohort_label"] == INTERVENTION_COHORTS[cohort]
    assert [r["agency"] for r in body["early_help_ranking"]] == mine.sort_values(
        "priority_rank")["agency"].tolist()
    assert {r["agency"]: r["saw_before"] for r in body["early_warning_agencies"]} == dict(
        zip(mine["agency"], mine["saw_before"], strict=True))
    html = client.get(f"/interventions?cohort={cohort}").get_data(as_text=True)
    assert f'<option value="{cohort}" selected>' in html
    assert "Priority = share of escalating families" in html and "<strong>Lift</strong> =" in html
    assert "<strong>Betweenness</strong>:" in html and "<strong>PageRank</strong>:" in html


def test_high_contact_cohort_has_no_escalation(client):
    # F001, the only high-contact family, never escalates.
    body = client.get("/interventions.json?cohort=high_contact").get_json()
    assert body["escalating_families"] == 0 and body["non_escalating_families"] == 1
    html = client.get("/interventions?cohort=high_contact").get_data(as_text=True)
    assert "No family in this cohort escalated." in html


def test_the_page_names_blank_lead_times(client):
    html = client.get("/interventions").get_data(as_text=True)
    assert "blank: saw no family first" in html
    assert "Escalating families seen" not in html


def test_a_bad_cohort_is_a_400(client):
    response = client.get("/interventions.json?cohort=nobody")
    assert response.status_code == 400
    assert "cohort" in response.get_json()["message"]
    page = client.get("/interventions?cohort=nobody")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert 'id="cohort-error"' in html and "Query parameter &#39;cohort&#39;" in html
    assert 'aria-invalid="true"' in html and "Showing all families." in html


def test_an_old_store_asks_for_the_analysis_again(client, monkeypatch):
    real = ServiceData.result
    monkeypatch.setattr(ServiceData, "result",
                        lambda self, name: None if name == "intervention_cohorts"
                        else real(self, name))  # fmt: skip
    response = client.get("/interventions.json")
    assert response.status_code == 503
    assert "run `journey analyse` again" in response.get_json()["message"]
    page = client.get("/interventions")
    assert page.status_code == 503 and "journey analyse" in page.get_data(as_text=True)
