"""The named queries as Python functions over a networkx ``MultiDiGraph`` (the third engine).

The graph is the same property graph Neo4j receives (:func:`kg.neo4j.load.graph_rows`, derived
from the RDF through the ontology mapping): nodes are IRIs with their properties and a
``labels`` set; an edge that comes from a ``vk:Statement`` is keyed by its relation name
(``implements``, ``continues``, ``basedOn`` …, as in :mod:`kg.graph`) and lists the statements
(evidence) behind it in ``statements``; any other edge is keyed by its Neo4j type
(``LEADS``, ``IN_PROVINCE`` …). So :func:`kg.graph.lineage` and :func:`kg.graph.implementers`
work on it unchanged, and each function here returns the rows of its ``.rq`` / ``.cypher``
twin: same columns, same values (dates as ISO strings, concatenations sorted).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable, Mapping

import networkx as nx

from kg import graph as kgraph
from kg.neo4j.mapping import VK, local, mapping
from kg.query import get_query, narrow_documents, province_name
from kg.store import QueryError


def property_graph(graph_dir: str | Path, rows=None) -> nx.MultiDiGraph:
    """The built graph in ``graph_dir`` as a MultiDiGraph (see the module doc)."""
    from kg.neo4j.load import graph_rows

    rows = rows or graph_rows(graph_dir)
    G = nx.MultiDiGraph()
    for iri, n in rows.nodes.items():
        G.add_node(iri, labels=set(n["labels"]), **n["props"])
    for r in rows.rels.values():
        rel = r["props"].get("relation")
        key = rel if rel else r["type"]
        if G.has_edge(r["s"], r["o"], key=key):
            G.edges[r["s"], r["o"], key]["statements"].append(r["props"])
        else:
            G.add_edge(r["s"], r["o"], key=key, type=r["type"], statements=[r["props"]] if rel else [])
    return G


# ------------------------------------------------------------------------------ helpers

def _v(x: Any) -> Any:
    return x.isoformat() if isinstance(x, (dt.date, dt.datetime)) else x


def _a(G, n, name) -> Any:
    return _v(G.nodes[n].get(name)) if n is not None else None


def _sym(G, n) -> Any:
    d = G.nodes[n]
    return d.get("symbol") if d.get("symbol") is not None else d.get("label")


def _has(G, n, label) -> bool:
    return label in G.nodes[n].get("labels", ())


def _out(G, n, key) -> list[str]:
    return sorted(v for _, v, k in G.out_edges(n, keys=True) if k == key)


def _province(G, n) -> str | None:
    names = [G.nodes[p].get("name") for p in _out(G, n, "IN_PROVINCE") if _has(G, p, "Province")]
    return names[0] if names else None


def _join(values, sep: str = ", ") -> str | None:
    """Sorted distinct values joined; None when there are none (what the SPARQL store gives)."""
    return sep.join(sorted({v for v in values if v is not None})) or None


def _relation_names(top: str) -> set[str]:
    m = mapping()
    return {local(p) for p in m.relations if p == VK + top or VK + top in m.super_properties.get(p, ())}


IMPLEMENTS = frozenset(_relation_names("implements"))
CITES = frozenset(_relation_names("cites"))


def find_documents(G, value: str, province: str | None = None) -> list[dict]:
    sym = value.partition("@")[0].strip()
    rows = []
    for n, d in G.nodes(data=True):
        if (d.get("symbol") is not None and (d.get("symbol") == sym or sym in (d.get("asWritten") or ()))
                and "AmbiguousReference" not in d.get("labels", ()) and "Document" in d.get("labels", ())):
            rows.append({"d": n, "symbol": d["symbol"], "year": d.get("year"), "province": _province(G, n)})
    return narrow_documents(sorted(rows, key=lambda r: r["d"]), value, province)


# ------------------------------------------------------------------------------ the queries

def lineage(G, doc: list[str], p: Mapping[str, Any]) -> list[dict]:
    rows = []
    for d in doc:
        for u, v, k in kgraph.lineage(G, d):
            sts = G.edges[u, v, k]["statements"]
            if G.nodes[v].get("scope") is None:
                continue
            quote = min(s["quote"] for s in sts)
            rows.append({"doc": d, "from": u, "fromSymbol": _sym(G, u), "relation": k, "to": v, "toSymbol": _sym(G, v),
                         "toDate": _a(G, v, "date"), "toScope": G.nodes[v]["scope"],
                         "central": G.nodes[v]["scope"] == "central", "quote": quote,
                         "source": min(s.get("source") for s in sts if s["quote"] == quote),
                         "statements": len(sts)})
    return rows


def implementers(G, doc: list[str], p: Mapping[str, Any]) -> list[dict]:
    rows = []
    for d in doc:
        for i in kgraph.implementers(G, d):
            if G.nodes[i].get("loaded") is None:
                continue
            province = _province(G, i)
            if p.get("p_province") is not None and province != p["p_province"]:
                continue
            d0, d1 = G.nodes[d].get("dayNumber"), G.nodes[i].get("dayNumber")
            rows.append({"doc": d, "implementer": i, "symbol": _sym(G, i), "date": _a(G, i, "date"),
                         "province": province, "direct": any(k in IMPLEMENTS for k in G[i].get(d, {})),
                         "delayDays": d1 - d0 if d0 is not None and d1 is not None else None,
                         "loaded": G.nodes[i]["loaded"]})
    return rows


def cited_not_loaded(G, doc, p) -> list[dict]:
    rows = []
    for n, d in G.nodes(data=True):
        labels = d.get("labels", ())
        if "Document" not in labels or d.get("loaded") is not False or "AmbiguousReference" in labels:
            continue
        if d.get("scope") is None or (p.get("p_scope") is not None and d["scope"] != p["p_scope"]):
            continue
        if p.get("p_province") is not None and _province(G, n) != p["p_province"]:
            continue
        files = [f for f in _out(G, n, "CITED_IN") if _has(G, f, "SourceFile")]
        if not files:
            continue
        citers = {G.nodes[u].get("symbol") for u, _, k in G.in_edges(n, keys=True)
                  if k in CITES and G.nodes[u].get("loaded") is True and _has(G, u, "Document")}
        rows.append({"doc": n, "symbol": _sym(G, n), "date": _a(G, n, "date"), "scope": d["scope"],
                     "citingFiles": len(set(files)), "citedBy": _join(citers)})
    return rows


def conflicts(G, doc, p) -> list[dict]:
    rows = []
    for n, d in G.nodes(data=True):
        if not _has(G, n, "QualityRecord") or None in (d.get("qualityKind"), d.get("severity"), d.get("comment")):
            continue
        if p.get("p_kind") is not None and d["qualityKind"] != p["p_kind"]:
            continue
        concerns = _out(G, n, "CONCERNS")
        if doc is not None and not set(concerns) & set(doc):
            continue
        if p.get("p_province") is not None and _province(G, n) != p["p_province"]:
            continue
        evidence = _out(G, n, "EVIDENCE")
        ev = G.nodes[evidence[0]] if evidence else {}
        for aw in d.get("asWritten") or [None]:
            rows.append({"kind": d["qualityKind"], "severity": d["severity"], "message": d["comment"], "asWritten": aw,
                         "resolvedTo": d.get("resolvedTo"), "documents": _join(_sym(G, c) for c in concerns),
                         "quote": ev.get("quote"), "source": ev.get("source"), "start": ev.get("start"), "record": n})
    return rows


def coverage(G, doc, p) -> list[dict]:
    provinces = sorted(n for n in G if _has(G, n, "Province") and G.nodes[n].get("name") is not None
                       and any(G.nodes[u].get("loaded") is True and _has(G, u, "Document")
                               for u, _, k in G.in_edges(n, keys=True) if k == "IN_PROVINCE")
                       and (p.get("p_province") is None or G.nodes[n]["name"] == p["p_province"]))
    rows = []
    for n, d in G.nodes(data=True):
        if (d.get("scope") != "central" or d.get("symbol") is None or "Document" not in d.get("labels", ())
                or "AmbiguousReference" in d["labels"] or not _out(G, n, "CITED_IN")
                or (doc is not None and n not in doc)):
            continue
        impls = kgraph.implementers(G, n)
        for prov in provinces:
            here = [i for i in impls if prov in _out(G, i, "IN_PROVINCE")]
            rows.append({"doc": n, "symbol": d["symbol"], "date": _a(G, n, "date"), "province": G.nodes[prov]["name"],
                         "covered": bool(here), "implementers": _join(_sym(G, i) for i in here)})
    return rows


def planned_vs_issued(G, doc, p) -> list[dict]:
    rows = []
    for n, d in G.nodes(data=True):
        if not _has(G, n, "PlannedDocument") or d.get("title") is None:
            continue
        for plan in _out(G, n, "IN_DOCUMENT"):
            if doc is not None and plan not in doc:
                continue
            found = [(v, st) for _, v, k, data in G.out_edges(n, keys=True, data=True) if k == "fulfilledBy"
                     for st in data["statements"]
                     if st.get("score") is not None and st.get("quote") is not None and G.nodes[v].get("symbol") is not None]
            for v, st in found or [(None, {})]:
                status = "open" if v is None else "issued"
                if p.get("p_status") is not None and status != p["p_status"]:
                    continue
                if not _due_before(G, n, p):
                    continue
                rows.append({"doc": plan, "planSymbol": _sym(G, plan), "ordinal": d.get("ordinal"), "kind": d.get("kind"),
                             "title": d["title"], "deadline": d.get("deadline"), "deadlineDate": _a(G, n, "deadlineDate"),
                             "status": status, "issuedSymbol": _a(G, v, "symbol"), "issuedDate": _a(G, v, "date"),
                             "delayDays": st.get("delayDays"), "score": st.get("score"), "evidence": st.get("quote"),
                             "planned": n})
    return rows


def _due_before(G, n, p) -> bool:
    """``due-before``: the node has a deadline date before that day (or no such parameter)."""
    day, deadline = p.get("p_due_before"), _a(G, n, "deadlineDate")
    return day is None or (deadline is not None and str(deadline) < day)


def tasks_by_agency(G, doc, p) -> list[dict]:
    rows = []
    for a, t, k in G.edges(keys=True):
        if k not in ("LEADS", "COOPERATES_ON") or not _has(G, t, "Task") or G.nodes[t].get("content") is None:
            continue
        name = G.nodes[a].get("name")
        if name is None:
            continue
        role = "lead" if k == "LEADS" else "cooperating"
        province = _province(G, a)
        if ((p.get("p_agency") is not None and p["p_agency"].lower() not in name.lower())
                or (p.get("p_province") is not None and province != p["p_province"])
                or (p.get("p_role") is not None and role != p["p_role"]) or not _due_before(G, t, p)):
            continue
        for d in _out(G, t, "IN_DOCUMENT"):
            rows.append({"agency": a, "agencyName": name, "role": role, "task": t, "content": G.nodes[t]["content"],
                         "deadline": G.nodes[t].get("deadline"), "deadlineDate": _a(G, t, "deadlineDate"),
                         "document": _sym(G, d), "province": province})
    return rows


QUERIES: dict[str, Callable[[nx.MultiDiGraph, list[str] | None, Mapping[str, Any]], list[dict]]] = {
    "lineage": lineage, "implementers": implementers, "cited-not-loaded": cited_not_loaded, "conflicts": conflicts,
    "coverage": coverage, "planned-vs-issued": planned_vs_issued, "tasks-by-agency": tasks_by_agency}


def run_named(G: nx.MultiDiGraph, name: str, params: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Rows of a named query computed in Python (same parameters as the ``.rq`` query)."""
    from kg.query import add_candidates, check_params

    if name not in QUERIES:
        raise QueryError(f"no networkx version of query {name!r}; known: {', '.join(sorted(QUERIES))}")
    q = get_query(name)
    params = dict(params or {})
    check_params(q, params)
    bound: dict[str, Any] = {"p_" + x.name.replace("-", "_"): None for x in q.params if x.name != "doc"}
    candidates: list[dict] = []
    doc = None
    for k, v in params.items():
        if k == "doc":
            narrow = params.get("province") if "?p_province" not in q.text else None   # as kg.query does
            candidates = find_documents(G, v, narrow)
            if not candidates:
                raise QueryError(f"no document {v!r} in the graph"
                                 + (f" for province {params['province']}" if params.get("province") else ""))
            doc = [c["d"] for c in candidates]
        elif k == "province":
            bound["p_province"] = province_name(v)
        else:
            bound["p_" + k.replace("-", "_")] = v
    return add_candidates(QUERIES[name](G, doc, bound), candidates)
