"""The built graph as a networkx ``MultiDiGraph``, for what SPARQL does not do well.

Nodes are document IRIs (attributes: ``symbol``, ``label``, ``date``, ``scope``, ``loaded``);
edges go citing → cited, one per relation statement, keyed by the relation name
(``implements``, ``continues``, ``cites``…), with ``quote`` and ``source``. The projection
is read from the same statement nodes the SPARQL queries read, so the answers agree::

    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("a", "b", key="continues"); G.add_edge("b", "c", key="implements")
    'continues'
    'implements'
    >>> sorted((u, k, v) for u, v, k in lineage(G, "a"))
    [('a', 'continues', 'b'), ('b', 'implements', 'c')]
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import networkx as nx
import pyoxigraph as ox

from kg.store import open_store, select

VK = "https://vankien.example.org/ontology#"
IMPLEMENTS = frozenset({"implements", "continues", "concretizes"})

_NODES = f"""
PREFIX vk: <{VK}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?d ?symbol ?label ?date ?scope ?loaded ?ambiguous WHERE {{
  ?d a vk:Document ; vk:scope ?scope ; vk:loaded ?loaded .
  OPTIONAL {{ ?d vk:symbol ?symbol }} OPTIONAL {{ ?d rdfs:label ?label }} OPTIONAL {{ ?d vk:date ?date }}
  OPTIONAL {{ ?d vk:ambiguous ?ambiguous }}
}}"""

_EDGES = f"""
PREFIX vk: <{VK}>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?s ?relation ?o ?quote ?source ?start WHERE {{
  ?st a vk:Statement ; rdf:subject ?s ; rdf:object ?o ; vk:relation ?relation ;
      prov:value ?quote ; prov:wasDerivedFrom/vk:path ?source .
  OPTIONAL {{ ?st vk:start ?start }}
  ?s a vk:Document . ?o a vk:Document .
}}"""


def to_networkx(store_or_dir: ox.Store | str | Path | None = None) -> nx.MultiDiGraph:
    """Load a built graph (a store, or the folder ``kg build`` wrote) as a MultiDiGraph."""
    store = store_or_dir if isinstance(store_or_dir, ox.Store) else open_store(store_or_dir)
    G = nx.MultiDiGraph()
    for r in select(store, _NODES):
        G.add_node(r["d"], symbol=r["symbol"], label=r["label"], date=r["date"], scope=r["scope"],
                   loaded=bool(r["loaded"]), ambiguous=bool(r["ambiguous"]))
    for r in sorted(select(store, _EDGES), key=lambda r: (r["s"], r["relation"], r["o"], r["source"])):
        if G.has_edge(r["s"], r["o"], key=r["relation"]):
            G.edges[r["s"], r["o"], r["relation"]]["sources"].add(r["source"])
            continue
        G.add_edge(r["s"], r["o"], key=r["relation"], quote=r["quote"], source=r["source"],
                   start=r["start"], sources={r["source"]})
    return G


def find(G: nx.MultiDiGraph, symbol: str) -> list[str]:
    """Nodes with this symbol (``@YEAR`` narrows), ambiguous placeholders left out."""
    sym, _, year = symbol.partition("@")
    return sorted(n for n, d in G.nodes(data=True)
                  if d.get("symbol") == sym and not d.get("ambiguous")
                  and (not year or str(d.get("date") or "").startswith(year)))


def _reach(adj, start: str) -> set[str]:
    """``start`` and every node reached from it over implements-like edges of ``adj`` (``G.succ``
    forward, ``G.pred`` backward). Walks only the nodes reached: a filtered view of the whole
    graph costs a pass over every edge per call, seconds on a large graph."""
    seen = {start}
    todo = [start]
    while todo:
        for v, keys in adj[todo.pop()].items():
            if v not in seen and not IMPLEMENTS.isdisjoint(keys):
                seen.add(v)
                todo.append(v)
    return seen


def _node(G: nx.MultiDiGraph, doc: str) -> str:
    if doc in G:
        return doc
    hits = find(G, doc)
    if len(hits) != 1:
        raise KeyError(f"{doc!r} names {len(hits)} documents: {hits}" if hits else f"no document {doc!r}")
    return hits[0]


def lineage(G: nx.MultiDiGraph, doc: str) -> list[tuple[str, str, str]]:
    """Edges ``(from, to, relation)`` of everything ``doc`` implements or continues, transitively."""
    succ = G.succ
    return sorted((u, v, k) for u in _reach(succ, _node(G, doc)) for v, keys in succ[u].items()
                  for k in keys if k in IMPLEMENTS)


def implementers(G: nx.MultiDiGraph, doc: str) -> list[str]:
    """Every document that implements ``doc``, directly or transitively."""
    start = _node(G, doc)
    return sorted(_reach(G.pred, start) - {start})


def implements_cycles(G: nx.MultiDiGraph) -> list[list[str]]:
    """Cycles in implements/continues: a document cannot (transitively) implement itself."""
    H = nx.DiGraph((u, v) for u, v, k in G.edges(keys=True) if k in IMPLEMENTS)
    return [sorted(c) for c in nx.simple_cycles(H)]


def central_document_centrality(G: nx.MultiDiGraph, top: int | None = None) -> list[tuple[str, float]]:
    """Central documents ranked by PageRank over citations (cited-by-many-who-are-cited ranks high)."""
    D = nx.DiGraph()
    D.add_nodes_from(G.nodes)
    for u, v, _ in G.edges(keys=True):
        D.add_edge(u, v)
    pr = _pagerank(D)
    ranked = sorted(((n, s) for n, s in pr.items() if G.nodes[n].get("scope") == "central"),
                    key=lambda x: (-x[1], x[0]))
    return ranked[:top] if top else ranked


def _pagerank(D: nx.DiGraph, alpha: float = 0.85, iterations: int = 100, tol: float = 1e-10) -> dict[str, float]:
    """Plain power iteration (networkx's pagerank needs scipy, which the project does not)."""
    n = D.number_of_nodes()
    if n == 0:
        return {}
    rank = dict.fromkeys(D, 1.0 / n)
    out_deg = dict(D.out_degree())
    for _ in range(iterations):
        dangling = alpha * sum(rank[u] for u in D if out_deg[u] == 0) / n
        new = dict.fromkeys(D, (1.0 - alpha) / n + dangling)
        for u, v in D.edges():
            new[v] += alpha * rank[u] / out_deg[u]
        if sum(abs(new[x] - rank[x]) for x in D) < tol:
            return new
        rank = new
    return rank


def shortest_lineage_path(G: nx.MultiDiGraph, source: str, target: str) -> list[str]:
    """The shortest chain of implements/continues from ``source`` to ``target`` ([] if none)."""
    H = nx.DiGraph((u, v) for u, v, k in G.edges(keys=True) if k in IMPLEMENTS)
    s, t = _node(G, source), _node(G, target)
    try:
        return nx.shortest_path(H, s, t)
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return []


def symbols(G: nx.MultiDiGraph, nodes: Iterable[str]) -> list[str]:
    """Readable names of nodes (symbol, else label)."""
    return [G.nodes[n].get("symbol") or G.nodes[n].get("label") or n for n in nodes]
