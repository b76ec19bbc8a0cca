"""A resolved :class:`~kg.resolve.Corpus` as RDF (the ontology in ``ontology/vankien.ttl``).

Every relation is written twice: the direct edge (``<55-CTr/TU> vk:implements <43-NQ/TW>``,
with ``vk:cites`` and, for ``continues``, ``vk:implements`` materialized so that property
paths work without a reasoner) and a ``vk:Statement`` node that SPARQL can reach, with
``rdf:subject/predicate/object``, ``prov:wasDerivedFrom`` the source file, ``vk:start``,
``vk:end`` and the quote as ``prov:value``. IRIs are readable and stable under ``base``::

    >>> from kg.resolve import resolve
    >>> g = to_rdf(resolve([{"source": "a.txt", "document": {"symbol": "55-CTr/TU",
    ...     "date": "2024-01-31", "province": "Tuyên Quang"}}]), base="http://x.org/")
    >>> (URIRef("http://x.org/doc/province/tuyen-quang/CTr/55/2024"), VK.symbol, Literal("55-CTr/TU")) in g
    True
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, SKOS

from kg.resolve import Corpus, Document, Evidence, province_row, slug
from loaders.tables import table

DEFAULT_BASE = "https://vankien.example.org/"
VK = Namespace("https://vankien.example.org/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
DOCTYPE = "https://vankien.example.org/ontology/doctype/"
ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
PREFIXES = {"vk": VK, "prov": PROV, "skos": SKOS, "dct": DCTERMS, "org": ORG, "eli": ELI,
            "foaf": FOAF, "owl": OWL, "rdfs": RDFS, "xsd": XSD}

# contract-side names of the relations, as the vk: property local names
IMPLEMENTS_FAMILY = {"implements", "continues", "concretizes"}


_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|\\^`%#?]')


def iri_escape(path: str) -> str:
    """Percent-encode only what an IRI forbids: ``ĐA/2/2021`` stays readable (RFC 3987)."""
    return _IRI_UNSAFE.sub(lambda m: quote(m.group(0), safe=""), path)


def _h(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()[:12]


class _Writer:
    def __init__(self, corpus: Corpus, base: str) -> None:
        self.c = corpus
        self.base = base if base.endswith(("/", "#")) else base + "/"
        self.g = Graph()
        for p, ns in PREFIXES.items():
            self.g.bind(p, ns)
        self.g.bind("doc", self.base + "doc/")
        self.g.bind("agency", self.base + "agency/")
        self.source_iris: dict[str, URIRef] = {}
        self.provinces: set[str] = set()
        self.doctypes: set[tuple[str, str]] = set()

    def iri(self, path: str) -> URIRef:
        return URIRef(self.base + iri_escape(path))

    def add(self, s, p, o) -> None:
        if o is None:
            return
        self.g.add((s, p, o))

    # ---------------------------------------------------------------- nodes
    def source(self, path: str) -> URIRef:
        if path in self.source_iris:
            return self.source_iris[path]
        if not hasattr(self, "_name_counts"):
            self._name_counts: dict[str, int] = {}
            for p in self.c.sources:
                self._name_counts[Path(p).name] = self._name_counts.get(Path(p).name, 0) + 1
        name = Path(path).name or "source"
        seg = name if self._name_counts.get(name, 0) <= 1 and path in self.c.sources else f"{name}-{_h(path)[:8]}"
        iri = self.iri("source/" + seg)
        self.source_iris[path] = iri
        self.add(iri, RDF.type, VK.SourceFile)
        self.add(iri, VK.path, Literal(path))
        sha = (self.c.sources.get(path) or {}).get("sha256")
        if sha:
            self.add(iri, VK.sha256, Literal(sha))
        return iri

    def province(self, name: str | None) -> URIRef | None:
        if not name:
            return None
        row = province_row(name)
        pslug = row["slug"] if row else slug(name)
        iri = self.iri("province/" + pslug)
        if pslug not in self.provinces:
            self.provinces.add(pslug)
            self.add(iri, RDF.type, VK.Province)
            self.add(iri, SKOS.prefLabel, Literal(row["name"] if row else name, lang="vi"))
            self.add(iri, VK.slug, Literal(pslug))
            if row and row.get("successor"):
                self.add(iri, VK.succeededBy, self.province(row["successor"]))
        return iri

    def term(self, d: Document) -> URIRef | None:
        if not d.term:
            return None
        if d.scope == "central":
            path, label = f"term/central/{d.term}", f"Khóa {d.term} (Ban Chấp hành Trung ương)"
        else:
            p = d.scope.split(":")[1] if ":" in d.scope else "unknown"
            path, label = f"term/{p}/{d.term}", f"Khóa {d.term} ({d.province or p})"
        iri = self.iri(path)
        self.add(iri, RDF.type, VK.Term)
        self.add(iri, RDFS.label, Literal(label, lang="vi"))
        return iri

    def doctype(self, code: str, family: str) -> URIRef:
        iri = URIRef(DOCTYPE + iri_escape(code))
        if (code, family) not in self.doctypes:
            self.doctypes.add((code, family))
            self.add(iri, RDF.type, SKOS.Concept)
            self.add(iri, SKOS.inScheme, VK.DocumentTypes)
            self.add(iri, SKOS.notation, Literal(code))
            row = next((r for r in table("doc_types") if r["code"] == code), None)
            if row:
                self.add(iri, SKOS.prefLabel, Literal(row["label_vi"], lang="vi"))
                self.add(iri, SKOS.prefLabel, Literal(row["class"], lang="en"))
        return iri

    def evidence(self, node: URIRef, ev: Evidence) -> None:
        self.add(node, PROV.wasDerivedFrom, self.source(ev.source))
        if ev.start is not None:
            self.add(node, VK.start, Literal(int(ev.start)))
        if ev.end is not None:
            self.add(node, VK.end, Literal(int(ev.end)))
        self.add(node, PROV.value, Literal(ev.quote or ""))

    def document(self, d: Document) -> None:
        s = self.iri(d.path)
        add = self.add
        add(s, RDF.type, VK.Document)
        if d.family == "party":
            add(s, RDF.type, VK.PartyDocument)
        elif d.family == "state":
            add(s, RDF.type, VK.StateDocument)
        else:
            add(s, RDF.type, VK.UnnumberedDocument)
        if d.doc_class != "Document":
            add(s, RDF.type, VK[d.doc_class])
        if d.ambiguous:
            add(s, RDF.type, VK.AmbiguousReference)
            add(s, VK.ambiguous, Literal(True))
            for k in d.candidates:
                add(s, VK.candidate, self.iri(self.c.documents[k].path))
        if d.symbol:
            add(s, VK.symbol, Literal(d.symbol))
        else:
            add(s, RDFS.label, Literal(d.label or d.title or d.path, lang="vi"))
        if d.family in ("party", "state"):
            add(s, VK.number, Literal(d.number or ""))
            add(s, VK.typeCode, Literal(d.type or ""))
            add(s, VK.documentType, self.doctype(d.type or "", d.family))
            if d.issuer_code:
                add(s, VK.issuerCode, Literal(d.issuer_code))
        add(s, VK.scope, Literal(d.scope))
        if d.scope.startswith(("province:", "state:", "district:", "commune:")):
            add(s, VK.inProvince, self.province(d.province or d.scope.split(":")[1]))
        if d.date:
            add(s, VK.date, Literal(d.date.isoformat(), datatype=XSD.date))
            add(s, VK.dayNumber, Literal(d.date.toordinal()))
        if d.year:
            add(s, VK.year, Literal(int(d.year)))
        if len(d.dates_seen) > 1:
            for x in sorted(d.dates_seen):
                add(s, VK.dateSeen, Literal(x.isoformat(), datatype=XSD.date))
        add(s, VK.hasTerm, self.term(d))
        for prop, val in ((VK.subject, d.subject), (VK.title, d.title), (VK.issuingBody, d.issuing_body),
                          (VK.signerTitle, d.signer_title)):
            if val:
                add(s, prop, Literal(val))
        for aw in sorted(d.as_written):
            add(s, VK.asWritten, Literal(aw))
        add(s, VK.loaded, Literal(bool(d.loaded)))
        if d.loaded:
            add(s, VK.isDraft, Literal(bool(d.is_draft)))
        for src in d.sources:
            add(s, VK.loadedFrom, self.source(src))
        for src in d.cited_in:
            add(s, VK.citedIn, self.source(src))
        if d.signer:
            p = self.iri("person/" + slug(d.signer))
            add(p, RDF.type, VK.Person)
            add(p, FOAF.name, Literal(d.signer))
            add(s, VK.signedBy, p)
        if d.issued_by:
            add(s, VK.issuedBy, self.iri(self.c.agencies[d.issued_by].path))

    def relations(self) -> None:
        docs = self.c.documents
        for r in self.c.relations:
            s, o = self.iri(docs[r.source].path), self.iri(docs[r.target].path)
            p = VK[r.relation]
            self.add(s, p, o)
            self.add(s, VK.cites, o)
            if r.relation in IMPLEMENTS_FAMILY:
                self.add(s, VK.implements, o)
            st = self.iri(f"stmt/{_h(docs[r.source].path, r.relation, docs[r.target].path, r.evidence.source)}")
            self.add(st, RDF.type, VK.Statement)
            self.add(st, RDF.subject, s)
            self.add(st, RDF.predicate, p)
            self.add(st, RDF.object, o)
            self.add(st, VK.relation, Literal(r.relation))
            self.add(st, VK.mentionCount, Literal(int(r.mention_count)))
            self.evidence(st, r.evidence)

    def agencies(self) -> None:
        for a in self.c.agencies.values():
            s = self.iri(a.path)
            self.add(s, RDF.type, VK.Agency)
            self.add(s, RDF.type, ORG.Organization)
            self.add(s, SKOS.prefLabel, Literal(a.name, lang="vi"))
            for alias in sorted(a.aliases):
                self.add(s, SKOS.altLabel, Literal(alias, lang="vi"))
            self.add(s, VK.inProvince, self.province(a.province) if a.key[0] not in ("central", "unknown") else None)
            if a.successor:
                self.add(s, VK.succeededBy, self.iri(self.c.agencies[a.successor].path))

    def tasks(self) -> None:
        for t in self.c.tasks:
            s = self.iri(t.path)
            self.add(s, RDF.type, VK.Task)
            self.add(s, VK.inDocument, self.iri(self.c.documents[t.document].path))
            self.add(s, VK.content, Literal(t.content))
            if t.section:
                self.add(s, VK.section, Literal(str(t.section)))
            if t.tt:
                self.add(s, VK.ordinal, Literal(t.tt))
            if t.deadline:
                self.add(s, VK.deadline, Literal(t.deadline))
            if t.deadline_date:
                self.add(s, VK.deadlineDate, Literal(t.deadline_date.isoformat(), datatype=XSD.date))
            self.add(s, PROV.wasDerivedFrom, self.source(t.source))
            if t.lead:
                self.add(self.iri(self.c.agencies[t.lead].path), VK.leads, s)
            for k in t.cooperating:
                self.add(self.iri(self.c.agencies[k].path), VK.cooperatesOn, s)
            for k in t.references:
                self.add(s, VK.taskCites, self.iri(self.c.documents[k].path))

    def planned(self) -> None:
        for p in self.c.planned:
            s = self.iri(p.path)
            self.add(s, RDF.type, VK.PlannedDocument)
            self.add(s, VK.inDocument, self.iri(self.c.documents[p.document].path))
            self.add(s, VK.title, Literal(p.title))
            for prop, val in ((VK.ordinal, p.ordinal), (VK.kind, p.kind), (VK.deadline, p.deadline)):
                if val:
                    self.add(s, prop, Literal(val))
            if p.deadline_date:
                self.add(s, VK.deadlineDate, Literal(p.deadline_date.isoformat(), datatype=XSD.date))
            self.add(s, PROV.wasDerivedFrom, self.source(p.source))
            if p.lead:
                self.add(self.iri(self.c.agencies[p.lead].path), VK.leads, s)
            for k in p.cooperating:
                self.add(self.iri(self.c.agencies[k].path), VK.cooperatesOn, s)
            for f in p.fulfilled_by:
                o = self.iri(self.c.documents[f.document].path)
                self.add(s, VK.fulfilledBy, o)
                st = self.iri(f"stmt/{_h(p.path, 'fulfilledBy', self.c.documents[f.document].path)}")
                self.add(st, RDF.type, VK.Statement)
                self.add(st, RDF.type, VK.Fulfilment)
                self.add(st, RDF.subject, s)
                self.add(st, RDF.predicate, VK.fulfilledBy)
                self.add(st, RDF.object, o)
                self.add(st, VK.relation, Literal("fulfilledBy"))
                self.add(st, VK.score, Literal(f"{f.score:.3f}", datatype=XSD.decimal))
                self.add(st, VK.similarity, Literal(f"{f.similarity:.1f}", datatype=XSD.decimal))
                if f.delay_days is not None:
                    self.add(st, VK.delayDays, Literal(int(f.delay_days)))
                self.evidence(st, f.evidence)

    def quality(self) -> None:
        for q in self.c.quality:
            s = self.iri(f"quality/{_h(q.kind, q.message)}")
            self.add(s, RDF.type, VK.QualityRecord)
            self.add(s, VK.qualityKind, Literal(q.kind))
            self.add(s, RDFS.comment, Literal(q.message))
            self.add(s, VK.severity, Literal(q.severity))
            if q.as_written:
                self.add(s, VK.asWritten, Literal(q.as_written))
            if q.resolved_to:
                self.add(s, VK.resolvedTo, Literal(q.resolved_to))
            for k in q.documents:
                self.add(s, VK.concerns, self.iri(self.c.documents[k].path))
            for i, ev in enumerate(q.evidence):
                e = self.iri(f"quality/{_h(q.kind, q.message)}/evidence/{i}")
                self.add(s, VK.evidence, e)
                self.add(e, RDF.type, PROV.Entity)
                self.evidence(e, ev)

    def run(self) -> Graph:
        for src in sorted(self.c.sources):
            self.source(src)
        self.agencies()
        for d in sorted(self.c.documents.values(), key=lambda d: d.path):
            self.document(d)
        self.relations()
        self.tasks()
        self.planned()
        self.quality()
        return self.g


def to_rdf(corpus: Corpus, base: str = DEFAULT_BASE) -> Graph:
    """The corpus as an rdflib :class:`Graph` (instance IRIs under ``base``)."""
    return _Writer(corpus, base).run()


def ontology_graph() -> Graph:
    """``ontology/vankien.ttl`` parsed."""
    return Graph().parse(ONTOLOGY_DIR / "vankien.ttl", format="turtle")


def shapes_graph() -> Graph:
    """``ontology/shapes.ttl`` parsed."""
    return Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")


def validate(graph: Graph) -> tuple[bool, str]:
    """pyshacl validation of a built graph against the shapes: ``(conforms, report text)``.

    >>> from kg.resolve import resolve
    >>> validate(to_rdf(resolve([])))[0]
    True
    """
    from pyshacl import validate as _validate

    conforms, _, text = _validate(graph, shacl_graph=shapes_graph(), ont_graph=ontology_graph(),
                                  inference="none", allow_warnings=True)
    return bool(conforms), str(text)


def to_ntriples(graph: Graph) -> str:
    """Sorted N-Triples: byte-identical for identical graphs (no blank nodes are minted)."""
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return "\n".join(sorted(set(line for line in lines if line.strip()))) + "\n"
