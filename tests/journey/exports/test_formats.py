"""GraphML, GEXF, JSON and CSV read back (NetworkX, json, pandas) against the hand-built family."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pandas as pd
import pytest

from journey.errors import ParameterError
from journey.exports import FORMATS, family_export, pathways_export, render
from journey.exports.render import check_format
from tests.journey.exports.family import (
    CONTACTS,
    MOTHER,
    MOTHER_LABEL,
    PEOPLE,
    SON,
    SON_LABEL,
    independent_member_agency_counts,
    independent_steps,
)
from tests.journey.exports.test_model import ENDS, FLOWS

LABELS = {MOTHER: MOTHER_LABEL, SON: SON_LABEL}
GEXF_TYPES = {"string", "integer", "long", "float", "double", "boolean"}


@pytest.fixture(scope="module")
def model():
    return family_export(CONTACTS, PEOPLE, label="Journey 1", uncoordinated_contact_ids=["CTX-3"])


def _read(content: bytes, fmt: str) -> nx.DiGraph:
    reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    return reader(io.BytesIO(content))


def _check_family_graph(graph: nx.DiGraph) -> None:
    counted = independent_member_agency_counts(CONTACTS)
    expected = {(LABELS[p], a): n for (p, a), n in counted.items()}
    contact_edges = {(u, v): d for u, v, d in graph.edges(data=True) if d["kind"] == "contact"}
    assert {k: d["contacts"] for k, d in contact_edges.items()} == expected
    assert contact_edges[(SON_LABEL, "Police")]["first_day"] == 0
    assert contact_edges[(SON_LABEL, "Police")]["last_day"] == 30
    assert contact_edges[(SON_LABEL, "Police")]["contact_types"] == "domestic_incident; incident"
    steps = {(u, v) for u, v, d in graph.edges(data=True) if d["kind"] == "next"}
    assert steps == set(independent_steps(CONTACTS))
    agencies = {n: d for n, d in graph.nodes(data=True) if d["kind"] == "agency"}
    assert set(agencies) == {"Police", "School", "GP"}
    assert agencies["Police"]["sector"] == "police" and agencies["Police"]["contacts"] == 2
    assert graph.nodes[SON_LABEL]["age_at_first_contact"] == 11


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_family_graph_reads_back_with_its_counts(model, fmt):
    _check_family_graph(_read(render(model, fmt), fmt))


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_every_attribute_is_a_type_gephi_reads(model, fmt):
    graph = _read(render(model, fmt), fmt)
    values = [v for _, d in graph.nodes(data=True) for v in d.values()]
    values += [v for _, _, d in graph.edges(data=True) for v in d.values()]
    assert values and all(isinstance(v, str | int | float | bool) for v in values)
    assert all(v is not None for v in values)


def test_gexf_declares_only_gexf_1_2_attribute_types(model):
    root = ET.fromstring(render(model, "gexf"))
    assert root.tag.endswith("gexf") and root.get("version") == "1.2"
    declared = [a for a in root.iter() if a.tag.endswith("}attribute")]
    assert declared and {a.get("type") for a in declared} <= GEXF_TYPES
    ids = {a.get("id") for a in declared}
    used = [v for v in root.iter() if v.tag.endswith("}attvalue")]
    assert used and all(v.get("for") in ids and v.get("value") is not None for v in used)


def test_graphml_keys_are_typed(model):
    root = ET.fromstring(render(model, "graphml"))
    keys = [k for k in root.iter() if k.tag.endswith("}key")]
    assert {k.get("attr.type") for k in keys} <= {"string", "int", "long", "float", "double",
                                                  "boolean"}  # fmt: skip
    assert {"title", "deidentified", "kind", "weight"} <= {k.get("attr.name") for k in keys}


def test_json_is_node_link_with_the_contacts_and_title_block(model):
    data = json.loads(render(model, "json"))
    graph = nx.node_link_graph(data, edges="links")
    _check_family_graph(graph)
    assert data["graph"]["deidentified"] is True
    assert data["graph"]["title"] == "Family journey: Journey 1"
    assert [c["day"] for c in data["graph"]["contacts"]] == [0, 7, 7, 30]


def test_csv_reads_back_in_pandas_with_a_bom(model):
    content = render(model, "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig")
    assert table["contact"].tolist() == ["c1", "c2", "c3", "c4"]
    assert table["day"].tolist() == [0, 7, 7, 30]
    assert table["uncoordinated"].tolist() == [False, False, True, False]


def test_identified_csv_has_yyyy_mm_dd_dates_and_defused_formulas():
    hostile = CONTACTS.assign(agency=CONTACTS["agency"].where(CONTACTS["contact_id"] != "CTX-2",
                                                              "=HYPERLINK(\"x\")"))  # fmt: skip
    content = render(family_export(hostile, PEOPLE, identified=True), "csv")
    table = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig")
    assert table["date"].tolist() == ["2021-02-01", "2021-02-08", "2021-02-08", "2021-03-03"]
    assert table["agency"].tolist()[1] == "'=HYPERLINK(\"x\")"


def test_pathways_read_back_in_every_machine_format():
    model = pathways_export(FLOWS, ENDS, identified=True)
    for fmt in ("graphml", "gexf"):
        graph = _read(render(model, fmt), fmt)
        assert graph.number_of_edges() == 5
        edge = graph["Police"]["School"]
        assert (edge["transitions"], edge["families"], edge["median_days"]) == (40, 20, 7.0)
        assert graph["GP"]["School"]["median_days"] == -1.0  # missing, as a number
        assert graph.nodes["Police"]["starts"] == 15 and graph.nodes["GP"]["sector"] == "health"
    data = json.loads(render(model, "json"))
    assert len(data["links"]) == 5 and len(data["graph"]["transitions"]) == 5
    table = pd.read_csv(io.BytesIO(render(model, "csv")), encoding="utf-8-sig")
    assert table["transitions"].tolist() == [40, 30, 9, 6, 2]
    assert table.iloc[0][["from_agency", "to_agency", "from_sector"]].tolist() == [
        "Police", "School", "police"]  # fmt: skip


def test_an_unknown_format_or_map_lists_the_choices(model):
    with pytest.raises(ParameterError, match="use one of html, png, svg, pdf, graphml"):
        check_format("xlsx")
    with pytest.raises(ParameterError, match="use one of swimlane, network"):
        render(model, "html", family_map="tree")
    assert list(FORMATS)[:4] == ["html", "png", "svg", "pdf"]
