"""The Outcomes page and its JSON twin, on a store analysed by the real run."""

from __future__ import annotations

import pandas as pd

from tests.builders import contacts_frame, lead_periods_frame
from tests.web.conftest import TEST_CONFIG
from tests.web.population import analyse_into, population, write_population
from tests.web.signin import signed_in_client
from web.app import create_app


def with_outcomes(frames: dict, family_id: str = "F007") -> dict:
    """``frames`` plus a family with five police incidents before its lead professional
    (1 July 2021), two after, none in the next six months, and a GP appointment on 4 July
    2022 (the last contact: the next window has ended): it meets the example plan."""
    frames = dict(frames)

    days = ["2021-02-01", "2021-03-01", "2021-04-01", "2021-05-01", "2021-06-01", "2021-08-01",
            "2021-09-01"]
    extra = contacts_frame([(f"{family_id}-C{i}", f"{family_id}-mum", "Police", "incident", day,
                             None, family_id)
                            for i, day in enumerate(days)]
                           + [(f"{family_id}-GP", f"{family_id}-mum", "GP", "appointment",
                               "2022-07-04", None, family_id)])
    frames["contacts"] = pd.concat([frames["contacts"], extra], ignore_index=True)
    frames["families"] = pd.concat([frames["families"], pd.DataFrame(
        {"family_id": [family_id], "area": ["North"]})], ignore_index=True)
    frames["lead_periods"] = pd.concat([frames["lead_periods"], lead_periods_frame(
        [(family_id, "2021-07-01", None)])], ignore_index=True)
    return frames


def _with_outcomes(store) -> None:
    """The web population plus F006, which meets the example plan, analysed."""
    write_population(store, with_outcomes(population(), "F006"))
    analyse_into(store)


def test_the_page_shows_claims_the_comparison_and_costs(bare_store):
    _with_outcomes(bare_store)
    app = create_app({"STORE": bare_store, **TEST_CONFIG})
    client = signed_in_client(app, "analyst")
    page = client.get("/outcomes")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Claims so far" in text and "Illustrative unit costs" in text
    assert '<a href="/families/F006">F006</a>' in text
    data = client.get("/outcomes.json").get_json()
    kinds = {(row["family_id"], row["kind"]): row["amount"] for row in data["claims"]}
    assert kinds[("F006", "attachment")] == 1000 and kinds[("F006", "results")] == 800
    assert data["periods"]["meeting_plan"] >= 1
    assert [row["kind"] for row in data["claim_totals"]] == ["attachment", "results"]
    assert len(data["cohort"]) == 7 and data["costs"]["illustrative"] is True
    assert "chart" not in data  # geometry is the page's, not the data's
    app.extensions["journey"].close()


def test_a_commissioner_sees_pseudonyms_and_suppressed_counts(bare_store):
    _with_outcomes(bare_store)
    app = create_app({"STORE": bare_store, **TEST_CONFIG})
    data = signed_in_client(app, "commissioner").get("/outcomes.json").get_json()
    assert all(row["family_id"] != "F006" for row in data["claims"])
    results = next(row for row in data["claim_totals"] if row["kind"] == "results")
    assert results["families"] is None and results["amount"] is None  # 1 family: suppressed
    assert data["disclosure"]["suppressed_cells"] >= 1
    app.extensions["journey"].close()


def test_before_any_analysis_the_page_is_503(bare_client):
    assert bare_client.get("/outcomes").status_code == 503


def test_the_family_page_lists_each_outcome_with_its_evidence(bare_store):
    _with_outcomes(bare_store)
    app = create_app({"STORE": bare_store, **TEST_CONFIG})
    client = signed_in_client(app, "analyst")
    data = client.get("/families/F006.json").get_json()["outcomes"]
    (period,) = data["periods"]
    assert period["meets_plan"] and period["indicators"] == ["crime_asb"]
    callouts = next(o for o in period["outcomes"] if o["outcome"] == "police_callouts_down_60")
    assert (callouts["before"], callouts["after"], callouts["met"]) == (5, 2, True)
    assert callouts["evidence_contact_ids"] == [f"F006-C{i}" for i in range(7)]
    assert [e["agency"] for e in callouts["evidence"]] == ["Police"] * 7
    text = client.get("/families/F006").get_data(as_text=True)
    assert 'id="outcomes-heading"' in text and "Meets its plan" in text
    assert "Police call-outs to the home down by 60%" in text
    # A commissioner sees the same section de-identified: days, pseudonymous contact ids.
    other = signed_in_client(app, "commissioner")
    pseudonym = next(r["family_id"] for r in other.get("/outcomes.json").get_json()["claims"])
    shown = other.get(f"/families/{pseudonym}.json").get_json()["outcomes"]["periods"][0]
    first = next(o for o in shown["outcomes"] if o["outcome"] == "police_callouts_down_60")
    assert "F006-C0" not in first["evidence_contact_ids"] and isinstance(shown["lead_from"], int)
    app.extensions["journey"].close()


def test_the_swimlane_highlights_the_outcome_evidence_for_identified_viewers(bare_store):
    from web.contexts import family_map
    from web.data import service_data

    _with_outcomes(bare_store)
    app = create_app({"STORE": bare_store, **TEST_CONFIG})
    with app.test_request_context():
        drawn = family_map(service_data(), "F006", "swimlane", assets="/static/vendor")
    labels = [item[0] for item in drawn.legend]
    assert any(label.startswith("Evidence of an outcome") for label in labels)
    # The seven police incidents are the evidence of the call-outs outcome (worked out above).
    assert drawn.html.count("evidence for: ") == 7
    assert "evidence for: Police call-outs to the home down by 60%" in drawn.html
    # F001 has no lead professional, so no outcome and nothing highlighted.
    with app.test_request_context():
        plain = family_map(service_data(), "F001", "swimlane", assets="/static/vendor")
    assert "evidence for: " not in plain.html
    app.extensions["journey"].close()


def test_caseloads_show_each_open_familys_outcome_plan_progress(bare_store):
    """F006 (worked out above) meets its plan; F002's open period has no outcome that applies
    (no indicator evidenced in the 12 months before it)."""
    _with_outcomes(bare_store)
    app = create_app({"STORE": bare_store, **TEST_CONFIG})
    client = signed_in_client(app, "analyst")
    families = client.get("/caseloads.json?as_of=2022-07-04").get_json()["families"]
    progress = {row["family_id"]: row["plan_progress"] for row in families}
    assert progress["F006"] == "met"
    assert progress["F002"] == "no outcome applies"
    assert "<td>met</td>" in client.get("/caseloads?as_of=2022-07-04").get_data(as_text=True)
    app.extensions["journey"].close()


def test_the_page_lists_the_costliest_pathways_and_suppresses_small_counts(bare_store):
    """F001 goes Police → School → … in turn (every step a pathway between two agencies)."""
    _with_outcomes(bare_store)
    app = create_app({"STORE": bare_store, **TEST_CONFIG})
    shown = signed_in_client(app, "analyst").get("/outcomes.json").get_json()["pathway_costs"]
    assert shown and all(row["from_agency"] != row["to_agency"] for row in shown)
    costs = [row["cost_gbp"] for row in shown]
    assert costs == sorted(costs, reverse=True)
    police_school = next(r for r in shown if (r["from_agency"], r["to_agency"]) == ("Police",
                                                                                    "School"))
    assert police_school["transitions"] == 6 and police_school["families"] == 1  # F001 only
    text = signed_in_client(app, "analyst").get("/outcomes").get_data(as_text=True)
    assert "The costliest pathways" in text
    # Every pathway here is one or two families: hidden from a commissioner.
    commissioner = signed_in_client(app, "commissioner")
    other = commissioner.get("/outcomes.json").get_json()
    assert all(row["families"] is None for row in other["pathway_costs"])
    assert commissioner.get("/outcomes").status_code == 200  # suppressed cells read "—"
    app.extensions["journey"].close()
