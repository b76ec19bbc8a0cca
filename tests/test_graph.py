"""The networkx projection of the built graph agrees with the SPARQL queries."""
from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.graph import (central_document_centrality, find, implementers, implements_cycles, lineage,
                      shortest_lineage_path, symbols, to_networkx)
from kg.query import run_named, run_sparql


def _sparql_lineage(graph_dir: Path, iri: str, symbol: str) -> set[tuple[str, str, str]]:
    rows = run_named("lineage", {"doc": symbol}, graph_dir=graph_dir)
    return {(r["from"], r["to"], r["relation"]) for r in rows if r["doc"] == iri}


def _check_lineage_agrees(graph_dir: Path) -> int:
    G = to_networkx(graph_dir)
    loaded = [n for n, d in G.nodes(data=True) if d["loaded"] and d["symbol"]]
    assert loaded
    for n in loaded:
        sym = G.nodes[n]["symbol"]
        assert set(lineage(G, n)) == _sparql_lineage(graph_dir, n, sym), sym
    return len(loaded)


def test_projection_shape(sample_graph: Path):
    G = to_networkx(sample_graph)
    assert isinstance(G, nx.MultiDiGraph)
    n55 = find(G, "55-CTr/TU")[0]
    keys = {k for _, _, k in G.out_edges(n55, keys=True)}
    assert {"implements", "continues", "cites"} <= keys
    assert all(d["quote"] and d["source"] for _, _, d in G.edges(data=True))


def test_networkx_lineage_equals_sparql_lineage_on_samples(sample_graph: Path):
    assert _check_lineage_agrees(sample_graph) == 4      # the Hải Dương draft has no symbol


def test_algorithms_on_samples(sample_graph: Path):
    G = to_networkx(sample_graph)
    assert symbols(G, shortest_lineage_path(G, "55-CTr/TU", "28-NQ/TW")) == ["55-CTr/TU", "37-CTr/TU", "28-NQ/TW"]
    assert "26-CTr/TU" in symbols(G, implementers(G, "21-NQ/TW"))
    assert implements_cycles(G) == []
    ranked = central_document_centrality(G)
    assert ranked and all(G.nodes[n]["scope"] == "central" for n, _ in ranked)


def test_cycles_are_found():
    G = nx.MultiDiGraph()
    G.add_edge("a", "b", key="implements")
    G.add_edge("b", "a", key="continues")
    G.add_edge("a", "c", key="cites")
    assert implements_cycles(G) == [["a", "b"]]


def test_networkx_lineage_equals_sparql_lineage_on_the_corpus(corpus_graph: Path):
    assert _check_lineage_agrees(corpus_graph) == 4
    G = to_networkx(corpus_graph)
    path = symbols(G, shortest_lineage_path(G, "55-CTr/TU", "28-NQ/TW"))
    assert path[0] == "55-CTr/TU" and path[-1] == "28-NQ/TW" and "37-CTr/TU" in path
    n = run_sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s vk:implements ?o }", graph_dir=corpus_graph)[0]["n"]
    assert n == sum(1 for _ in {(u, v) for u, v, k in G.edges(keys=True) if k in ("implements", "continues", "concretizes")})
