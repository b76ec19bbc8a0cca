"""The ontology and the shapes parse, name every genre of the domain tables, carry Vietnamese
and English labels, and align with ELI, Dublin Core, W3C ORG, PROV-O and SKOS."""
from __future__ import annotations

from rdflib import OWL, RDF, RDFS, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from kg.rdf import VK, ontology_graph, shapes_graph
from loaders.tables import table

ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")


def test_every_genre_of_the_tables_is_a_class_with_both_labels():
    g = ontology_graph()
    classes = {r["class"] for r in table("doc_types")} | {r["class"] for r in table("doc_nouns")}
    classes |= {"Document", "PartyDocument", "StateDocument", "Agency", "Task", "PlannedDocument",
                "Province", "Term", "Person", "Resolution", "Programme", "Plan", "Project", "Directive",
                "Conclusion", "Decision", "Regulation", "Guidance", "Report", "Law", "Decree"}
    for c in classes:
        assert (VK[c], RDF.type, OWL.Class) in g, c
        langs = {l.language for l in g.objects(VK[c], RDFS.label)}
        assert {"vi", "en"} <= langs, c


def test_every_property_has_vietnamese_and_english_labels():
    g = ontology_graph()
    props = set(g.subjects(RDF.type, OWL.ObjectProperty)) | set(g.subjects(RDF.type, OWL.DatatypeProperty))
    assert len(props) > 40
    for p in props:
        langs = {l.language for l in g.objects(p, RDFS.label)}
        assert "en" in langs and ("vi" in langs or p == VK.sha256 or p == VK.slug), p


def test_relations_form_one_hierarchy_under_cites():
    g = ontology_graph()
    assert (VK.continues, RDFS.subPropertyOf, VK.implements) in g
    for p in ("implements", "basedOn", "amends", "issuedByDecision", "replaces", "repeals"):
        assert (VK[p], RDFS.subPropertyOf, VK.cites) in g or (VK[p], RDFS.subPropertyOf, VK.implements) in g


def test_alignment_with_established_vocabularies():
    g = ontology_graph()
    assert (VK.Document, RDFS.subClassOf, ELI.LegalResource) in g
    assert (VK.Document, RDFS.subClassOf, PROV.Entity) in g
    assert (VK.Agency, RDFS.subClassOf, ORG.Organization) in g
    assert (VK.basedOn, RDFS.subPropertyOf, ELI.based_on) in g
    assert (VK.amends, RDFS.subPropertyOf, ELI.amends) in g
    assert (VK.cites, RDFS.subPropertyOf, ELI.cites) in g
    assert (VK.date, RDFS.subPropertyOf, ELI.date_document) in g
    assert (VK.Statement, RDFS.subClassOf, RDF.Statement) in g


def test_document_types_are_a_skos_scheme_with_the_codes_as_notations():
    g = ontology_graph()
    notations = {str(n) for c in g.subjects(SKOS.inScheme, VK.DocumentTypes) for n in g.objects(c, SKOS.notation)}
    assert {r["code"] for r in table("doc_types")} <= notations
    ct = URIRef("https://vankien.example.org/ontology/doctype/CTr")
    assert (ct, SKOS.prefLabel, Literal("Chương trình", lang="vi")) in g


def test_shapes_parse_and_cover_documents_statements_and_dates():
    s = shapes_graph()
    SH = Namespace("http://www.w3.org/ns/shacl#")
    targets = set(s.objects(None, SH.targetClass))
    assert {VK.Document, VK.Statement, VK.Task, VK.PlannedDocument, VK.QualityRecord} <= targets
