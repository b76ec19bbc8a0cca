"""The RDF of a resolved corpus: readable IRIs, direct edges and PROV statements reachable by
SPARQL, SHACL conformance, and violations when the graph is broken on purpose."""
from __future__ import annotations

import pytest
from rdflib import RDF, XSD, Literal, URIRef
from rdflib.namespace import PROV

from contract_samples import F001, all_samples
from kg.rdf import VK, to_ntriples, to_rdf
from kg.shacl import check_piece, conformance, validate
from kg.resolve import resolve

BASE = "https://vankien.example.org/"


@pytest.fixture(scope="module")
def graph():
    return to_rdf(resolve(all_samples()))


def doc(path: str) -> URIRef:
    return URIRef(BASE + path)


def test_iris_are_readable_and_stable(graph):
    assert (doc("doc/central/NQ/43/2023"), VK.symbol, Literal("43-NQ/TW")) in graph
    assert (doc("doc/province/tuyen-quang/ĐA/2/2021"), VK.symbol, Literal("02-ĐA/TU")) in graph
    assert (doc("agency/tuyen-quang/ban-dan-van-tinh-uy"), RDF.type, VK.Agency) in graph
    assert (doc("province/hai-duong"), VK.succeededBy, doc("province/hai-phong")) in graph


def test_base_is_configurable():
    g = to_rdf(resolve(all_samples()), base="http://example.com/kg/")
    assert (URIRef("http://example.com/kg/doc/central/NQ/43/2023"), VK.symbol, Literal("43-NQ/TW")) in g


def test_direct_edges_with_super_properties_materialized(graph):
    s, tq = doc("doc/province/tuyen-quang/CTr/55/2024"), doc("doc/province/tuyen-quang/ĐA/2/2021")
    assert (s, VK.continues, tq) in graph
    assert (s, VK.implements, tq) in graph and (s, VK.cites, tq) in graph
    assert (s, VK.implements, doc("doc/central/NQ/43/2023")) in graph


def test_evidence_is_a_prov_statement_reachable_by_sparql(graph):
    rows = list(graph.query("""
        PREFIX vk: <https://vankien.example.org/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?path ?start ?end ?quote WHERE {
          ?st a vk:Statement ; rdf:subject ?s ; rdf:predicate vk:implements ; rdf:object ?o ;
              prov:wasDerivedFrom/vk:path ?path ; vk:start ?start ; vk:end ?end ; prov:value ?quote .
          ?s vk:symbol "55-CTr/TU" . ?o vk:symbol "43-NQ/TW" .
        }"""))
    assert len(rows) == 1
    path, start, end, quote = rows[0]
    assert str(path) == F001 and int(start) < int(end)
    assert str(quote) == "Nghị quyết số 43-NQ/TW ngày 24/11/2023"


def test_dates_and_delays_are_typed(graph):
    assert (doc("doc/central/NQ/43/2023"), VK.date, Literal("2023-11-24", datatype=XSD.date)) in graph
    delays = [o for o in graph.objects(None, VK.delayDays)]
    assert delays and all(o.datatype == XSD.integer for o in delays)


def test_the_graph_conforms_to_the_shapes(graph):
    ok, report = validate(graph)
    assert ok, report


def _statement(graph):
    return next(graph.subjects(RDF.type, VK.Statement))


def test_a_statement_without_its_span_is_a_violation(graph):
    g = to_rdf(resolve(all_samples()))
    st = _statement(g)
    g.remove((st, VK.start, None))
    ok, report = validate(g)
    assert not ok and "start" in report


def test_a_span_with_start_after_end_is_a_violation():
    g = to_rdf(resolve(all_samples()))
    st = _statement(g)
    end = int(next(g.objects(st, VK.end)))
    g.set((st, VK.start, Literal(end + 5)))
    ok, report = validate(g)
    assert not ok and "LessThan" in report


def test_a_date_that_is_not_an_xsd_date_is_a_violation():
    g = to_rdf(resolve(all_samples()))
    d = doc("doc/central/NQ/43/2023")
    g.set((d, VK.date, Literal("24/11/2023")))
    ok, report = validate(g)
    assert not ok and "date" in report


def test_a_document_with_two_symbols_is_a_violation():
    g = to_rdf(resolve(all_samples()))
    g.add((doc("doc/central/NQ/43/2023"), VK.symbol, Literal("43-NQ/TƯ")))
    assert not validate(g)[0]


def test_evidence_without_a_source_file_is_a_violation():
    g = to_rdf(resolve(all_samples()))
    st = _statement(g)
    g.remove((st, PROV.wasDerivedFrom, None))
    assert not validate(g)[0]


def test_ntriples_are_deterministic():
    a = to_ntriples(to_rdf(resolve(all_samples())))
    b = to_ntriples(to_rdf(resolve(list(reversed(all_samples())))))
    assert a == b and "_:" not in a


# ---- the same shapes checked piece by piece (what `kg build` runs above the pyshacl size limit)

def _pieces(g, split: int = 1):
    """The graph's sorted N-Triples as ``split`` pieces, each holding every line of its subjects."""
    lines = to_ntriples(g).splitlines()
    subjects = sorted({line.split(" ", 1)[0] for line in lines})
    piece_of = {s: i % split for i, s in enumerate(subjects)}
    return [[line for line in lines if piece_of[line.split(" ", 1)[0]] == k] for k in range(split)]


def _checked(g, split: int = 1):
    return conformance([check_piece(p) for p in _pieces(g, split)])


@pytest.mark.parametrize("split", [1, 7])
def test_the_piece_checks_accept_the_built_graph(graph, split):
    ok, report = _checked(graph, split)
    assert ok, report


BREAKAGES = [
    (lambda g, st, d: g.remove((st, VK.start, None)), "start minCount"),
    (lambda g, st, d: g.set((st, VK.start, Literal(int(next(g.objects(st, VK.end))) + 5))), "start lessThan"),
    (lambda g, st, d: g.set((st, VK.start, Literal(-1))), "start minInclusive"),
    (lambda g, st, d: g.set((d, VK.date, Literal("24/11/2023"))), "date datatype"),
    (lambda g, st, d: g.set((d, VK.date, Literal("2023-11-2", datatype=XSD.date))), "date datatype"),
    (lambda g, st, d: g.add((d, VK.symbol, Literal("43-NQ/TƯ"))), "DocumentShape xone"),
    (lambda g, st, d: g.remove((st, PROV.wasDerivedFrom, None)), "wasDerivedFrom minCount"),
    (lambda g, st, d: g.set((st, PROV.value, Literal(""))), "value minLength"),
    (lambda g, st, d: g.set((st, RDF.subject, Literal("43-NQ/TW"))), "subject nodeKind IRI"),
    (lambda g, st, d: g.add((st, VK.end, Literal(999_999))), "end maxCount"),
    (lambda g, st, d: g.add((d, VK.scope, Literal(1))), "scope datatype string"),
    (lambda g, st, d: (g.add((d, RDF.type, VK.AmbiguousReference)), g.add((d, VK.candidate, d)),
                       g.add((d, VK.candidate, doc("doc/central/NQ/21/2022"))),
                       g.add((d, VK.ambiguous, Literal(False)))), "ambiguous hasValue"),
    # a value of sh:class that is not of the class: seen in its own piece and across pieces
    (lambda g, st, d: g.set((st, PROV.wasDerivedFrom, d)), "wasDerivedFrom class SourceFile"),
    (lambda g, st, d: g.add((d, VK.citedIn, URIRef(BASE + "nowhere"))), "citedIn class SourceFile"),
]


@pytest.mark.parametrize("split", [1, 7])
@pytest.mark.parametrize("breakage, needle", BREAKAGES)
def test_the_piece_checks_see_what_pyshacl_sees(breakage, needle, split):
    g = to_rdf(resolve(all_samples()))
    breakage(g, _statement(g), doc("doc/central/NQ/43/2023"))
    assert not validate(g)[0]
    ok, report = _checked(g, split)
    assert not ok and needle in report, report
