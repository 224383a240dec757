"""Graph exports: GraphML and GEXF for Gephi and yEd, node-link JSON.

A family's graph has its members and the agencies they met as nodes
(``kind`` "member" or "agency"); an edge member → agency (``kind``
"contact") counts that member's contacts with it, and an edge agency →
agency (``kind`` "next") counts how often the family's next contact was
with the other agency. A cohort's graph has agencies as nodes (starts and
ends) and its pathways as edges. Every attribute is a str, int, float or
bool, never missing: the types GraphML and GEXF 1.2 declare
(``string``, ``long``/``integer``, ``double``/``float``, ``boolean``) and
Gephi reads. The graph's own attributes carry the title block.
"""

from __future__ import annotations

import io
import json
import math
import re
from xml.sax.saxutils import escape as xml_escape

import networkx as nx
import pandas as pd

from journey.exports.model import FamilyExport, PathwaysExport
from journey.exports.titles import parameters_text, title_lines

__all__ = ["family_graph", "pathways_graph", "graph_bytes"]


def _scalar(value: object) -> str | int | float | bool:
    """A value GraphML and GEXF can hold: missing becomes "" (text) or -1.0 (a number)."""
    if isinstance(value, bool):
        return value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return -1.0 if math.isnan(value) else value
    return "" if value is None or value is pd.NA else str(value)


def _graph_attributes(model: FamilyExport | PathwaysExport) -> dict[str, object]:
    title, parameters, generated, privacy = title_lines(model)
    return {"title": title, "parameters": parameters_text(model) or parameters,
            "generated": model.generated.isoformat(), "deidentified": not model.identified,
            "note": privacy, "generated_by": generated}  # fmt: skip


def family_graph(model: FamilyExport) -> nx.DiGraph:
    """The family's members and agencies, with contact counts and days (see the module)."""
    graph = nx.DiGraph(**_graph_attributes(model))
    contacts = model.contacts
    for member in model.members.itertuples(index=False):
        graph.add_node(member.member, label=member.member, kind="member", role=member.role,
                       age_at_first_contact=int(member.age_at_first_contact),
                       contacts=int(member.contacts), sector="", agency="")  # fmt: skip
    for agency, rows in contacts.groupby("agency", sort=True):
        graph.add_node(agency, label=agency, kind="agency", agency=agency,
                       sector=str(rows["sector"].iloc[0]), contacts=int(len(rows)),
                       first_day=int(rows["day"].min()), last_day=int(rows["day"].max()),
                       role="", age_at_first_contact=-1)  # fmt: skip
    for row in contacts.itertuples(index=False):
        for member in filter(None, row.members.split("; ")):
            _add_count(graph, member, row.agency, row)
    steps = contacts["agency"].tolist()
    for source, target in zip(steps, steps[1:], strict=False):
        if source != target:
            edge = graph.get_edge_data(source, target)
            if edge is None:
                graph.add_edge(source, target, kind="next", weight=0, contacts=0,
                               first_day=-1, last_day=-1, contact_types="")  # fmt: skip
            graph[source][target]["weight"] += 1
    return graph


def _add_count(graph: nx.DiGraph, member: str, agency: str, row) -> None:
    if member not in graph:
        graph.add_node(member, label=member, kind="member", role="", age_at_first_contact=-1,
                       contacts=0, sector="", agency="")  # fmt: skip
    if not graph.has_edge(member, agency):
        graph.add_edge(member, agency, kind="contact", weight=0, contacts=0,
                       first_day=int(row.day), last_day=int(row.day), contact_types="")
    edge = graph[member][agency]
    edge["weight"] += 1
    edge["contacts"] += 1
    edge["last_day"] = int(row.day)
    types = set(filter(None, edge["contact_types"].split("; "))) | {row.contact_type}
    edge["contact_types"] = "; ".join(sorted(types))


def pathways_graph(model: PathwaysExport) -> nx.DiGraph:
    """The cohort's agencies and pathways: transitions, families and median days per edge."""
    graph = nx.DiGraph(**_graph_attributes(model))
    ends = model.ends.set_index("agency") if len(model.ends) else pd.DataFrame()
    agencies = sorted(set(model.flows["from_agency"]) | set(model.flows["to_agency"])
                      | set(model.ends["agency"]))  # fmt: skip
    for agency in agencies:
        starts = int(ends.at[agency, "starts"]) if agency in ends.index else 0
        finishes = int(ends.at[agency, "ends"]) if agency in ends.index else 0
        graph.add_node(agency, label=agency, agency=agency, kind="agency",
                       sector=model.sectors.get(agency, "other"), starts=starts, ends=finishes)
    for row in model.flows.itertuples(index=False):
        graph.add_edge(row.from_agency, row.to_agency, kind="pathway",
                       weight=int(row.transitions), transitions=int(row.transitions),
                       families=int(row.families), median_days=_scalar(row.median_days))
    return graph


def _clean(graph: nx.DiGraph) -> nx.DiGraph:
    """Every attribute as a GraphML/GEXF scalar (see :func:`_scalar`)."""
    out = nx.DiGraph(**{k: _scalar(v) for k, v in graph.graph.items()})
    nodes = graph.nodes(data=True)
    out.add_nodes_from((n, {k: _scalar(v) for k, v in d.items()}) for n, d in nodes)
    out.add_edges_from(
        (u, v, {k: _scalar(x) for k, x in d.items()}) for u, v, d in graph.edges(data=True)
    )
    return out


def _with_description(gexf: bytes, model: FamilyExport | PathwaysExport) -> bytes:
    """GEXF keeps no graph attributes: its ``<meta>`` gets the title block as ``<description>``."""
    text = xml_escape(" | ".join(title_lines(model)))
    return re.sub(rb"(<meta[^>]*>)", lambda m: m.group(1) + f"<description>{text}</description>"
                  .encode(), gexf, count=1)  # fmt: skip


def graph_bytes(model: FamilyExport | PathwaysExport, fmt: str) -> bytes:
    """The model's graph as ``graphml``, ``gexf`` or ``json`` (node-link, with the contacts)."""
    graph = family_graph(model) if isinstance(model, FamilyExport) else pathways_graph(model)
    graph = _clean(graph)
    if fmt == "json":
        data = nx.node_link_data(graph, edges="links")
        table = model.contacts if isinstance(model, FamilyExport) else model.flows
        name = "contacts" if isinstance(model, FamilyExport) else "transitions"
        data["graph"][name] = json.loads(table.to_json(orient="records"))
        return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(graph, buffer, encoding="utf-8", prettyprint=True)
    elif fmt == "gexf":
        nx.write_gexf(graph, buffer, encoding="utf-8", prettyprint=True, version="1.2draft")
        return _with_description(buffer.getvalue(), model)
    else:
        raise ValueError(f"not a graph format: {fmt}")
    return buffer.getvalue()
