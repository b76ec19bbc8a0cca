"""The one mapping from the ontology (``ontology/vankien.ttl``) to the Neo4j property graph.

Nothing here lists the ontology's terms a second time: labels, relationship types and
property names are *derived* from the OWL declarations, with a handful of rules and a short
table for the terms the graph borrows from other vocabularies (SKOS, RDFS, PROV, FOAF):

- **node labels**: every node has ``Resource`` (the key: ``iri``, unique). Each ``vk:`` class
  of the node gives its local name as a label (``vk:Resolution`` → ``Resolution``); a class
  that is (transitively) a subclass of ``vk:Document`` also gives ``Document``.
  ``skos:Concept`` (the document types) → ``DocumentType``; ``prov:Entity`` evidence of a
  data-quality record → ``Evidence``; ``org:Organization`` adds nothing (``Agency`` says it).
- **relationship types**: every ``vk:`` object property → its local name in UPPER_SNAKE_CASE
  (``vk:issuedByDecision`` → ``ISSUED_BY_DECISION``); ``prov:wasDerivedFrom`` → ``DERIVED_FROM``.
- **evidence**: a ``vk:Statement`` (and ``vk:Fulfilment``) node is not a node in Neo4j, it is
  the relationship itself: ``(a)-[:IMPLEMENTS {key, relation, source, start, end, quote,
  mentionCount}]->(b)`` (fulfilments add ``score``, ``similarity``, ``delayDays``). The RDF
  edges a statement entails (the direct ``vk:implements`` and its materialized
  super-properties ``vk:cites`` / ``vk:implements``) are not copied again: in Cypher the
  ontology's property hierarchy is a type alternation, ``[:IMPLEMENTS|CONTINUES|CONCRETIZES]``
  (:func:`Mapping.subtypes`).
- **properties**: every ``vk:`` datatype property → its local name (``vk:issuerCode`` →
  ``issuerCode``); ``skos:prefLabel`` → ``name``, ``skos:altLabel`` → ``aliases``,
  ``rdfs:label`` → ``label``, ``rdfs:comment`` → ``comment``, ``foaf:name`` → ``name``,
  ``skos:notation`` → ``notation``, ``prov:value`` → ``quote``. A language-tagged literal in a
  language other than Vietnamese gets the language as suffix (``name_en``). ``xsd:date`` →
  Neo4j ``Date``, integers → ``Integer``, decimals → ``Float``, booleans → ``Boolean``.
  Properties that may repeat (``asWritten``, ``dateSeen``, ``aliases``) are always lists.
  A node derived from a source file also gets ``source`` (the file's path).

>>> m = mapping()
>>> m.rel_type("https://vankien.example.org/ontology#issuedByDecision")
'ISSUED_BY_DECISION'
>>> sorted(m.labels_for(["https://vankien.example.org/ontology#Resolution"]))
['Document', 'Resolution', 'Resource']
>>> m.subtypes("implements")
['CONCRETIZES', 'CONTINUES', 'IMPLEMENTS']
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

VK = "https://vankien.example.org/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
XSD = "http://www.w3.org/2001/XMLSchema#"

RESOURCE = "Resource"          # every node the loader manages; unique key ``iri``
DOCUMENT = "Document"
KEY = "iri"                    # node key
REL_KEY = "key"                # relationship key: the statement's IRI, or start|TYPE|end
HASH = "hash"                  # content hash, so a reload rewrites only what changed

# Terms from other vocabularies that the graph uses, and what they become.
EXTERNAL_CLASSES = {SKOS + "Concept": "DocumentType", PROV + "Entity": "Evidence", ORG + "Organization": None}
EXTERNAL_PROPERTIES = {SKOS + "prefLabel": "name", SKOS + "altLabel": "aliases", RDFS + "label": "label",
                       RDFS + "comment": "comment", FOAF + "name": "name", SKOS + "notation": "notation",
                       PROV + "value": "quote"}
EXTERNAL_RELATIONS = {PROV + "wasDerivedFrom": "DERIVED_FROM"}
IGNORED_PREDICATES = {SKOS + "inScheme"}       # points into the ontology, not at instance data
LIST_PROPERTIES = {"asWritten", "dateSeen", "aliases"}
STATEMENT_CLASSES = {VK + "Statement", VK + "Fulfilment"}
# Summaries kg build derives for SPARQL's sake (see kg.rdf): Cypher aggregates the statement
# relationships themselves, so these are not loaded (nor the links to them).
DERIVED_CLASSES = {VK + "LineageEdge"}
DERIVED_RELATIONS = {VK + "hasLineageEdge"}
NATIVE_LANGUAGE = "vi"
# The full-text index covers these (titles and subjects of documents, names of the rest).
FULLTEXT_LABELS = ("Document", "PlannedDocument", "Task", "Agency")
FULLTEXT_PROPERTIES = ("title", "subject", "label", "symbol", "name", "content")
INDEXED_PROPERTIES = {"Document": ("symbol", "date", "scope", "loaded"), "Agency": ("name",),
                      "Province": ("name",), "Task": ("deadlineDate",), "PlannedDocument": ("deadlineDate",)}


def upper_snake(name: str) -> str:
    """``issuedByDecision`` -> ``ISSUED_BY_DECISION``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()


def local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass
class Mapping:
    classes: dict[str, str] = field(default_factory=dict)          # class IRI -> label
    document_classes: set[str] = field(default_factory=set)       # subclasses of vk:Document
    relations: dict[str, str] = field(default_factory=dict)       # object property IRI -> type
    properties: dict[str, str] = field(default_factory=dict)      # datatype property IRI -> name
    super_properties: dict[str, set[str]] = field(default_factory=dict)  # property IRI -> its supers (transitive)
    comments: dict[str, str] = field(default_factory=dict)        # term IRI -> English label

    def labels_for(self, types) -> set[str]:
        """Neo4j labels of a node with these ``rdf:type`` IRIs (``Resource`` always)."""
        labels = {RESOURCE}
        for t in types:
            if t in self.document_classes:
                labels.add(DOCUMENT)
            label = self.classes.get(t)
            if label:
                labels.add(label)
        return labels

    def rel_type(self, predicate: str) -> str | None:
        return self.relations.get(predicate)

    def prop_name(self, predicate: str, language: str | None = None) -> str | None:
        name = self.properties.get(predicate)
        if name and language and language != NATIVE_LANGUAGE:
            name = f"{name}_{language}"
        return name

    def subtypes(self, relation: str) -> list[str]:
        """Relationship types of ``vk:<relation>`` and its sub-properties: ``implements`` ->
        ``IMPLEMENTS|CONTINUES|CONCRETIZES`` as a sorted list (a Cypher type alternation)."""
        top = VK + relation
        return sorted(t for p, t in self.relations.items()
                      if p == top or top in self.super_properties.get(p, ()))

    def cypher_alternation(self, relation: str) -> str:
        return "|".join(self.subtypes(relation))

    def cypher_labels(self, labels) -> str:
        """``:Resource:Task`` for writing labels into a query's text (Cypher takes no label
        parameters in ``CREATE``): each label must be one the mapping derives, a checked identifier."""
        known = set(self.labels)
        bad = [l for l in labels if l not in known or not _IDENT.match(l)]
        if bad or not labels:
            raise ValueError(f"not labels of the mapping: {bad or labels!r}")
        return "".join(f":{l}" for l in labels)

    def cypher_rel_type(self, rel_type: str) -> str:
        """A relationship type for a query's text: one the mapping derives, a checked identifier."""
        if rel_type not in self.relations.values() or not _IDENT.match(rel_type):
            raise ValueError(f"not a relationship type of the mapping: {rel_type!r}")
        return rel_type

    @property
    def labels(self) -> list[str]:
        return sorted({RESOURCE, DOCUMENT} | {v for v in self.classes.values() if v})

    @property
    def rel_types(self) -> list[str]:
        return sorted(set(self.relations.values()))


def _closure(direct: dict[str, set[str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for start in direct:
        seen: set[str] = set()
        todo = list(direct[start])
        while todo:
            x = todo.pop()
            if x not in seen:
                seen.add(x)
                todo.extend(direct.get(x, ()))
        out[start] = seen
    return out


@cache
def mapping() -> Mapping:
    """The mapping, read from the ontology once per process."""
    from kg.rdf import ontology_graph

    g = ontology_graph()
    m = Mapping()
    a = (RDF + "type")
    sub_class: dict[str, set[str]] = {}
    sub_prop: dict[str, set[str]] = {}
    for s, p, o in g:
        s, p, o = str(s), str(p), str(o)
        if p == RDFS + "subClassOf":
            sub_class.setdefault(s, set()).add(o)
        elif p == RDFS + "subPropertyOf":
            sub_prop.setdefault(s, set()).add(o)
    for s, p, o in g:
        s, p, o = str(s), str(p), str(o)
        if p != a or not s.startswith(VK):
            continue
        name = local(s)
        if s in DERIVED_CLASSES or s in DERIVED_RELATIONS:
            continue
        if o == OWL + "Class" and s not in STATEMENT_CLASSES:
            m.classes[s] = name
        elif o == OWL + "ObjectProperty":
            m.relations[s] = upper_snake(name)
        elif o == OWL + "DatatypeProperty":
            m.properties[s] = name
    supers = _closure(sub_class)
    m.document_classes = {c for c in m.classes if c == VK + "Document" or VK + "Document" in supers.get(c, ())}
    m.super_properties = _closure(sub_prop)
    m.classes.update(EXTERNAL_CLASSES)
    m.relations.update(EXTERNAL_RELATIONS)
    m.properties.update(EXTERNAL_PROPERTIES)
    for name in list(m.classes.values()) + list(m.relations.values()) + list(m.properties.values()):
        if name is not None and not _IDENT.match(name):
            raise ValueError(f"ontology term {name!r} does not give a plain Neo4j identifier")
    for s, p, o in g.triples((None, None, None)):
        if str(p) == RDFS + "label" and getattr(o, "language", None) == "en":
            m.comments[str(s)] = str(o)
    return m


def schema_markdown() -> str:
    """The mapping as Markdown tables (for the README)."""
    m = mapping()
    rows = ["| ontology class | Neo4j labels |", "|---|---|"]
    for iri, label in sorted(m.classes.items(), key=lambda x: str(x[1])):
        if label:
            extra = f"`{RESOURCE}:{DOCUMENT}:{label}`" if iri in m.document_classes and label != DOCUMENT else f"`{RESOURCE}:{label}`"
            rows.append(f"| `{_curie(iri)}` | {extra} |")
    rows += ["", "| ontology property | relationship type |", "|---|---|"]
    for iri, t in sorted(m.relations.items(), key=lambda x: x[1]):
        rows.append(f"| `{_curie(iri)}` | `{t}` |")
    return "\n".join(rows)


def _curie(iri: str) -> str:
    for prefix, ns in (("vk", VK), ("skos", SKOS), ("prov", PROV), ("org", ORG), ("rdfs", RDFS), ("foaf", FOAF)):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri
