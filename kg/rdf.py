"""A resolved :class:`~kg.resolve.Corpus` as RDF (the ontology in ``ontology/vankien.ttl``).

Every relation is written twice: the direct edge (``<55-CTr/TU> vk:implements <43-NQ/TW>``,
with ``vk:cites`` and, for ``continues``, ``vk:implements`` materialized so that property
paths work without a reasoner) and a ``vk:Statement`` node that SPARQL can reach, with
``rdf:subject/predicate/object``, ``prov:wasDerivedFrom`` the source file, ``vk:start``,
``vk:end`` and the quote as ``prov:value``. Each distinct edge of the implements family also
gets one ``vk:LineageEdge`` (``<from> vk:hasLineageEdge <edge>``) summing up its statements:
how many there are, and the smallest quote with its file. A central edge is stated by every
province's documents that cite it (thousands in a large corpus); the lineage query reads the
summary instead of aggregating them each time. IRIs are readable and stable under ``base``::

    >>> from kg.resolve import resolve
    >>> g = to_rdf(resolve([{"source": "a.txt", "document": {"symbol": "55-CTr/TU",
    ...     "date": "2024-01-31", "province": "Tuyên Quang"}}]), base="http://x.org/")
    >>> from rdflib import Literal, URIRef
    >>> (URIRef("http://x.org/doc/province/tuyen-quang/CTr/55/2024"), VK.symbol, Literal("55-CTr/TU")) in g
    True
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Graph, Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, SKOS

from kg.resolve import (PROVINCIAL_SCOPES, Corpus, Document, Evidence, partition_provinces, province_row,
                        shared_document, slug)
from loaders.tables import table

DEFAULT_BASE = "https://vankien.example.org/"
VK = Namespace("https://vankien.example.org/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
DOCTYPE = "https://vankien.example.org/ontology/doctype/"
ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
PREFIXES = {"vk": VK, "prov": PROV, "skos": SKOS, "dct": DCTERMS, "org": ORG, "eli": ELI,
            "foaf": FOAF, "owl": OWL, "rdf": RDF, "rdfs": RDFS, "xsd": XSD}

# contract-side names of the relations, as the vk: property local names
IMPLEMENTS_FAMILY = {"implements", "continues", "concretizes"}


_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|\\^`%#?]')


def iri_escape(path: str) -> str:
    """Percent-encode only what an IRI forbids: ``ĐA/2/2021`` stays readable (RFC 3987)."""
    return _IRI_UNSAFE.sub(lambda m: quote(m.group(0), safe=""), path)


def _h(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()[:12]


# N-Triples terms as strings: the writer emits lines, never builds an rdflib Graph (a Graph of
# the 10,000-document corpus would take tens of GiB). The escaping is rdflib's N-Triples
# serializer's, so the output is byte-identical to what ``Graph.serialize("nt")`` gave.
_XSD = str(XSD)
_INT = f"^^<{_XSD}integer>"
_BOOL = {True: f'"true"^^<{_XSD}boolean>', False: f'"false"^^<{_XSD}boolean>'}
_DATE = f"^^<{_XSD}date>"
_DEC = f"^^<{_XSD}decimal>"


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r") + '"'


def _lit(text: object) -> str:
    return _q(str(text))


def _vi(text: object) -> str:
    return _q(str(text)) + "@vi"


def _int(n: int) -> str:
    return f'"{int(n)}"{_INT}'


def _date(iso: str) -> str:
    return f'"{iso}"{_DATE}'


def _p(ns: Namespace | str, name: str = "") -> str:
    return f"<{ns}{name}>"


# predicates and classes, formatted once
_TYPE = _p(RDF.type)
V = type("V", (), {})()   # vk: terms as "<…>" strings, by local name
for _n in ("Document PartyDocument StateDocument UnnumberedDocument AmbiguousReference ambiguous candidate symbol "
           "number typeCode documentType issuerCode scope inProvince date dayNumber year dateSeen hasTerm subject "
           "title issuingBody signerTitle asWritten loaded isDraft loadedFrom citedIn Person signedBy issuedBy cites "
           "implements Statement relation mentionCount Agency succeededBy Task inDocument content section ordinal "
           "deadline deadlineDate leads leadInherited cooperatesOn taskCites PlannedDocument kind fulfilledBy Fulfilment score "
           "similarity delayDays QualityRecord qualityKind severity resolvedTo concerns evidence SourceFile path "
           "sha256 Province slug Term start end DocumentTypes LineageEdge hasLineageEdge statementCount").split():
    setattr(V, _n, _p(VK, _n))
_PROV_FROM, _PROV_VALUE, _PROV_ENTITY = _p(PROV.wasDerivedFrom), _p(PROV.value), _p(PROV.Entity)
_SKOS_PREF, _SKOS_CONCEPT, _SKOS_IN, _SKOS_NOTATION, _SKOS_ALT = (
    _p(SKOS.prefLabel), _p(SKOS.Concept), _p(SKOS.inScheme), _p(SKOS.notation), _p(SKOS.altLabel))
_RDFS_LABEL, _RDFS_COMMENT = _p(RDFS.label), _p(RDFS.comment)
_RDF_SUBJECT, _RDF_PREDICATE, _RDF_OBJECT = _p(RDF.subject), _p(RDF.predicate), _p(RDF.object)
_FOAF_NAME, _ORG_ORG = _p(FOAF.name), _p(ORG.Organization)


def source_segments(paths) -> dict[str, str]:
    """IRI segment of each source file: its name, or name and a hash where two files share a name."""
    names = {p: os.path.basename(p) or "source" for p in paths}
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return {p: name if counts[name] <= 1 else f"{name}-{_h(p)[:8]}" for p, name in names.items()}


class _Writer:
    """Emits the N-Triples lines of a corpus (unsorted, possibly repeated) to ``sink``.

    For a partition (``own`` = its key, see :mod:`kg.resolve`), ``docs`` also holds the global
    documents it points to, and every line about a node the partition does not own (a central
    document, an agency of another scope, a province, a document type, a person) goes to
    ``shared_sink`` instead: the global piece gathers those lines from all partitions. With
    ``own`` = "" the corpus is the global piece itself and owns everything in it."""

    def __init__(self, corpus: Corpus, base: str, sink, batch: int = 50_000, docs=None, own: str | None = None,
                 source_names: dict[str, str] | None = None, shared_sink=None,
                 lineage_edges: dict | None = None, source_provinces: dict[str, str] | None = None) -> None:
        self.c = corpus
        self.docs = corpus.documents if docs is None else docs
        self.own = own
        self.own_provinces = partition_provinces(own) if own else frozenset()
        self.base = base if base.endswith(("/", "#")) else base + "/"
        self.sink = sink
        self.shared_sink = shared_sink
        self.batch = batch
        self.lines: list[str] = []
        self.shared: list[str] = []
        self.foreign: set[str] = set()       # subjects whose lines are shared
        self.source_names = source_names
        self.source_iris: dict[str, str] = {}
        self.provinces: set[str] = set()
        self.doctypes: set[tuple[str, str]] = set()
        self.doc_iris: dict[tuple, str] = {}
        self.agency_iris: dict[tuple, str] = {}
        self.count = 0
        # (from, relation, to) -> [statements, smallest (quote, source path)]; see lineage()
        self.edges: dict[tuple[str, str, str], list] = {}
        self.lineage_edges = lineage_edges
        self.source_provinces = source_provinces    # file -> province; None: from this corpus

    def iri(self, path: str) -> str:
        return "<" + self.base + iri_escape(path) + ">"

    def owns_doc(self, key: tuple) -> bool:
        return self.own is None or self.own == "" or (key in self.c.documents and not shared_document(key))

    def owns_agency(self, key: tuple) -> bool:
        return self.own is None or self.own == "" or key[0] in self.own_provinces

    def doc(self, key: tuple) -> str:
        iri = self.doc_iris.get(key)
        if iri is None:
            iri = self.doc_iris[key] = self.iri(self.docs[key].path)
            if not self.owns_doc(key):
                self.foreign.add(iri)
        return iri

    def agency(self, key: tuple) -> str:
        iri = self.agency_iris.get(key)
        if iri is None:
            iri = self.agency_iris[key] = self.iri(self.c.agencies[key].path)
            if not self.owns_agency(key):
                self.foreign.add(iri)
        return iri

    def shared_node(self, iri: str) -> str:
        """A node every partition may name (province, document type, person): its lines are shared."""
        if self.own:
            self.foreign.add(iri)
        return iri

    def add(self, s: str, p: str, o: str | None) -> None:
        if o is None:
            return
        if s in self.foreign:
            self.shared.append(f"{s} {p} {o} .")
            return
        self.lines.append(f"{s} {p} {o} .")
        if len(self.lines) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.count += len(self.lines)
            self.sink(self.lines)
            self.lines = []
        if self.shared and self.shared_sink is not None:
            self.count += len(self.shared)
            self.shared_sink(self.shared)
            self.shared = []

    # ---------------------------------------------------------------- nodes
    def source(self, path: str) -> str:
        if path in self.source_iris:
            return self.source_iris[path]
        if self.source_names is None:
            self.source_names = source_segments(sorted(self.c.sources))
        seg = self.source_names.get(path) or f"{Path(path).name or 'source'}-{_h(path)[:8]}"
        iri = self.iri("source/" + seg)
        self.source_iris[path] = iri
        if self.own is not None and path not in self.c.sources:
            return iri                 # another partition's file: that partition describes it
        self.add(iri, _TYPE, V.SourceFile)
        self.add(iri, V.path, _lit(path))
        sha = (self.c.sources.get(path) or {}).get("sha256")
        if sha:
            self.add(iri, V.sha256, _lit(sha))
        return iri

    def province(self, name: str | None) -> str | None:
        if not name:
            return None
        row = province_row(name)
        pslug = row["slug"] if row else slug(name)
        iri = self.shared_node(self.iri("province/" + pslug))
        if pslug not in self.provinces:
            self.provinces.add(pslug)
            self.add(iri, _TYPE, V.Province)
            self.add(iri, _SKOS_PREF, _vi(row["name"] if row else name))
            self.add(iri, V.slug, _lit(pslug))
            if row and row.get("successor"):
                self.add(iri, V.succeededBy, self.province(row["successor"]))
        return iri

    def term(self, d: Document) -> str | None:
        if not d.term:
            return None
        if d.scope == "central":
            path, label = f"term/central/{d.term}", f"Khóa {d.term} (Ban Chấp hành Trung ương)"
        else:
            p = d.scope.split(":")[1] if ":" in d.scope else "unknown"
            path, label = f"term/{p}/{d.term}", f"Khóa {d.term} ({d.province or p})"
        iri = self.iri(path)
        if d.scope == "central":
            self.shared_node(iri)
        self.add(iri, _TYPE, V.Term)
        self.add(iri, _RDFS_LABEL, _vi(label))
        return iri

    def doctype(self, code: str, family: str) -> str:
        iri = self.shared_node(f"<{DOCTYPE}{iri_escape(code)}>")
        if (code, family) not in self.doctypes:
            self.doctypes.add((code, family))
            self.add(iri, _TYPE, _SKOS_CONCEPT)
            self.add(iri, _SKOS_IN, V.DocumentTypes)
            self.add(iri, _SKOS_NOTATION, _lit(code))
            row = next((r for r in table("doc_types") if r["code"] == code), None)
            if row:
                self.add(iri, _SKOS_PREF, _vi(row["label_vi"]))
                self.add(iri, _SKOS_PREF, _q(row["class"]) + "@en")
        return iri

    def evidence(self, node: str, ev: Evidence) -> None:
        self.add(node, _PROV_FROM, self.source(ev.source))
        if ev.start is not None:
            self.add(node, V.start, _int(ev.start))
        if ev.end is not None:
            self.add(node, V.end, _int(ev.end))
        self.add(node, _PROV_VALUE, _lit(ev.quote or ""))

    def document(self, d: Document) -> None:
        s = self.doc(d.key)
        add = self.add
        add(s, _TYPE, V.Document)
        if d.family == "party":
            add(s, _TYPE, V.PartyDocument)
        elif d.family == "state":
            add(s, _TYPE, V.StateDocument)
        else:
            add(s, _TYPE, V.UnnumberedDocument)
        if d.doc_class != "Document":
            add(s, _TYPE, _p(VK, d.doc_class))
        if d.ambiguous:
            add(s, _TYPE, V.AmbiguousReference)
            add(s, V.ambiguous, _BOOL[True])
            for k in d.candidates:
                add(s, V.candidate, self.doc(k))
        if d.symbol:
            add(s, V.symbol, _lit(d.symbol))
        else:
            add(s, _RDFS_LABEL, _vi(d.label or d.title or d.path))
        if d.family in ("party", "state"):
            add(s, V.number, _lit(d.number or ""))
            add(s, V.typeCode, _lit(d.type or ""))
            add(s, V.documentType, self.doctype(d.type or "", d.family))
            if d.issuer_code:
                add(s, V.issuerCode, _lit(d.issuer_code))
        add(s, V.scope, _lit(d.scope))
        if d.scope.startswith(PROVINCIAL_SCOPES):
            add(s, V.inProvince, self.province(d.province or d.scope.split(":")[1]))
        if d.date:
            add(s, V.date, _date(d.date.isoformat()))
            add(s, V.dayNumber, _int(d.date.toordinal()))
        if d.year:
            add(s, V.year, _int(d.year))
        if len(d.dates_seen) > 1:
            for x in sorted(d.dates_seen):
                add(s, V.dateSeen, _date(x.isoformat()))
        add(s, V.hasTerm, self.term(d))
        for prop, val in ((V.subject, d.subject), (V.title, d.title), (V.issuingBody, d.issuing_body),
                          (V.signerTitle, d.signer_title)):
            if val:
                add(s, prop, _lit(val))
        for aw in sorted(d.as_written):
            add(s, V.asWritten, _lit(aw))
        add(s, V.loaded, _BOOL[bool(d.loaded)])
        if d.loaded:
            add(s, V.isDraft, _BOOL[bool(d.is_draft)])
        for src in d.sources:
            add(s, V.loadedFrom, self.source(src))
        for src in d.cited_in:
            add(s, V.citedIn, self.source(src))
        if d.signer:
            p = self.shared_node(self.iri("person/" + slug(d.signer)))
            add(p, _TYPE, V.Person)
            add(p, _FOAF_NAME, _lit(d.signer))
            add(s, V.signedBy, p)
        if d.issued_by:
            add(s, V.issuedBy, self.agency(d.issued_by))

    def relations(self) -> None:
        docs = self.docs
        for r in self.c.relations:
            s, o = self.doc(r.source), self.doc(r.target)
            p = _p(VK, r.relation)
            self.add(s, p, o)
            self.add(s, V.cites, o)
            if r.relation in IMPLEMENTS_FAMILY:
                self.add(s, V.implements, o)
                merge_edge(self.edges, (s, r.relation, o), 1, (r.evidence.quote or "", r.evidence.source))
            st = self.iri(f"stmt/{_h(docs[r.source].path, r.relation, docs[r.target].path, r.evidence.source)}")
            self.add(st, _TYPE, V.Statement)
            self.add(st, _RDF_SUBJECT, s)
            self.add(st, _RDF_PREDICATE, p)
            self.add(st, _RDF_OBJECT, o)
            self.add(st, V.relation, _lit(r.relation))
            self.add(st, V.mentionCount, _int(r.mention_count))
            self.evidence(st, r.evidence)

    def agencies(self) -> None:
        for a in self.c.agencies.values():
            if not self.owns_agency(a.key):
                continue           # the global piece describes it, merged across partitions
            s = self.agency(a.key)
            self.add(s, _TYPE, V.Agency)
            self.add(s, _TYPE, _ORG_ORG)
            self.add(s, _SKOS_PREF, _vi(a.name))
            for alias in sorted(a.aliases):
                self.add(s, _SKOS_ALT, _vi(alias))
            self.add(s, V.inProvince, self.province(a.province) if a.key[0] not in ("central", "unknown") else None)
            if a.successor:
                self.add(s, V.succeededBy, self.agency(a.successor))

    def assigned(self, s: str, item) -> None:
        """What a task row and a planned item share: deadline date, source, lead and cooperating agencies."""
        if item.deadline_date:
            self.add(s, V.deadlineDate, _date(item.deadline_date.isoformat()))
        self.add(s, _PROV_FROM, self.source(item.source))
        for k in item.leads:
            self.add(self.agency(k), V.leads, s)
        for k in item.cooperating:
            self.add(self.agency(k), V.cooperatesOn, s)

    def tasks(self) -> None:
        for t in self.c.tasks:
            s = self.iri(t.path)
            self.add(s, _TYPE, V.Task)
            self.add(s, V.inDocument, self.doc(t.document))
            self.add(s, V.content, _lit(t.content))
            if t.section:
                self.add(s, V.section, _lit(t.section))
            if t.tt:
                self.add(s, V.ordinal, _lit(t.tt))
            if t.deadline:
                self.add(s, V.deadline, _lit(t.deadline))
            if t.lead_inherited:
                self.add(s, V.leadInherited, _BOOL[True])
            self.assigned(s, t)
            for k in t.references:
                self.add(s, V.taskCites, self.doc(k))

    def planned(self) -> None:
        for p in self.c.planned:
            s = self.iri(p.path)
            self.add(s, _TYPE, V.PlannedDocument)
            self.add(s, V.inDocument, self.doc(p.document))
            self.add(s, V.title, _lit(p.title))
            for prop, val in ((V.ordinal, p.ordinal), (V.kind, p.kind), (V.deadline, p.deadline)):
                if val:
                    self.add(s, prop, _lit(val))
            self.assigned(s, p)
            for f in p.fulfilled_by:
                o = self.doc(f.document)
                self.add(s, V.fulfilledBy, o)
                st = self.iri(f"stmt/{_h(p.path, 'fulfilledBy', self.docs[f.document].path)}")
                self.add(st, _TYPE, V.Statement)
                self.add(st, _TYPE, V.Fulfilment)
                self.add(st, _RDF_SUBJECT, s)
                self.add(st, _RDF_PREDICATE, V.fulfilledBy)
                self.add(st, _RDF_OBJECT, o)
                self.add(st, V.relation, _lit("fulfilledBy"))
                self.add(st, V.score, f'"{f.score:.3f}"{_DEC}')
                self.add(st, V.similarity, f'"{f.similarity:.1f}"{_DEC}')
                if f.delay_days is not None:
                    self.add(st, V.delayDays, _int(f.delay_days))
                self.evidence(st, f.evidence)

    def quality(self) -> None:
        # a record's province is that of the document loaded from the file it was read in, so
        # that a provincial office can list its own records (conflicts --param province=…)
        province_of = self.source_provinces
        if province_of is None:
            province_of = source_provinces(self.c)
        for q in self.c.quality:
            # kind and message alone collided: "1001-CTr/TU planned … no issued document" is said
            # by the 1001-CTr/TU of every province, and the records merged into one with k
            # evidence nodes numbered 0 (k⁴ rows for a query joining their fields)
            h = _h(q.kind, q.message, *(self.docs[k].path for k in q.documents),
                   *((e.source, e.start) for e in q.evidence[:1]))
            s = self.iri(f"quality/{h}")
            self.add(s, _TYPE, V.QualityRecord)
            self.add(s, V.qualityKind, _lit(q.kind))
            self.add(s, _RDFS_COMMENT, _lit(q.message))
            self.add(s, V.severity, _lit(q.severity))
            if q.as_written:
                self.add(s, V.asWritten, _lit(q.as_written))
            if q.resolved_to:
                self.add(s, V.resolvedTo, _lit(q.resolved_to))
            for k in q.documents:
                self.add(s, V.concerns, self.doc(k))
            if q.evidence and q.evidence[0].source in province_of:
                self.add(s, V.inProvince, self.province(province_of[q.evidence[0].source]))
            for i, ev in enumerate(q.evidence):
                e = self.iri(f"quality/{h}/evidence/{i}")
                self.add(s, V.evidence, e)
                self.add(e, _TYPE, _PROV_ENTITY)
                self.evidence(e, ev)

    def run(self) -> int:
        for src in sorted(self.c.sources):
            self.source(src)
        self.agencies()
        for d in sorted(self.c.documents.values(), key=lambda d: d.path):
            if self.owns_doc(d.key):
                self.document(d)
        self.relations()
        self.tasks()
        self.planned()
        self.quality()
        self.lineage()
        self.flush()
        return self.count

    def lineage(self) -> None:
        """The ``vk:LineageEdge`` summaries. A partition writes those of the documents it owns;
        an edge from a document it does not own (a central one, stated by many provinces) goes
        into ``lineage_edges``, which the global piece (``own=""``) merges and writes."""
        owned = self.own is None or self.own == ""
        if owned and self.lineage_edges is not None:
            for key, (n, first) in self.edges.items():
                merge_edge(self.lineage_edges, key, n, first)
            self.edges = self.lineage_edges
        for (s, relation, o), (n, (q, path)) in sorted(self.edges.items()):
            if not owned and s in self.foreign:
                if self.lineage_edges is not None:
                    merge_edge(self.lineage_edges, (s, relation, o), n, (q, path))
                continue
            e = self.iri(f"lineage/{_h(s, relation, o)}")
            self.add(s, V.hasLineageEdge, e)
            self.add(e, _TYPE, V.LineageEdge)
            self.add(e, _RDF_SUBJECT, s)
            self.add(e, _RDF_OBJECT, o)
            self.add(e, V.relation, _lit(relation))
            self.add(e, V.statementCount, _int(n))
            self.add(e, _PROV_VALUE, _lit(q))
            self.add(e, _PROV_FROM, self.source(path))


def source_provinces(corpus: Corpus) -> dict[str, str]:
    """Source file -> province of the document loaded from it (files without one left out)."""
    return {src: d.province for d in corpus.documents.values() if d.loaded and d.province for src in d.sources}


def merge_edge(edges: dict, key: tuple[str, str, str], n: int, first: tuple[str, str]) -> None:
    """Add ``n`` statements whose smallest (quote, source path) is ``first`` to the summary of
    the edge ``key`` (from, relation, to), as the lineage query reports it: the count, and the
    quote SPARQL's ``MIN`` would pick, with the smallest path among its files."""
    cur = edges.get(key)
    if cur is None:
        edges[key] = [n, first]
    else:
        cur[0] += n
        if first < cur[1]:
            cur[1] = first


def write_lines(corpus: Corpus, sink, base: str = DEFAULT_BASE, **partition) -> int:
    """Emit the corpus's N-Triples lines (no newline; unsorted, may repeat) in batches to
    ``sink(list_of_lines)``; returns how many were emitted. ``partition`` (``docs``, ``own``,
    ``source_names``, ``shared_sink``) writes one partition's piece (see :class:`_Writer`)."""
    return _Writer(corpus, base, sink, **partition).run()


def ntriples(corpus: Corpus, base: str = DEFAULT_BASE) -> str:
    """Sorted, distinct N-Triples of the corpus, held in memory (small corpora; ``kg build``
    writes one sorted piece per partition instead, see :mod:`kg.partitions`)."""
    lines: set[str] = set()
    write_lines(corpus, lines.update, base)
    return "\n".join(sorted(lines)) + "\n"


def to_rdf(corpus: Corpus, base: str = DEFAULT_BASE) -> Graph:
    """The corpus as an rdflib :class:`Graph` (instance IRIs under ``base``; small corpora)."""
    g = Graph()
    g.parse(data=ntriples(corpus, base), format="nt")
    for p, ns in PREFIXES.items():
        g.bind(p, ns)
    base = base if base.endswith(("/", "#")) else base + "/"
    g.bind("doc", base + "doc/")
    g.bind("agency", base + "agency/")
    return g


def ontology_graph() -> Graph:
    """``ontology/vankien.ttl`` parsed."""
    return Graph().parse(ONTOLOGY_DIR / "vankien.ttl", format="turtle")


def shapes_graph() -> Graph:
    """``ontology/shapes.ttl`` parsed."""
    return Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")


def to_ntriples(graph: Graph | Corpus) -> str:
    """Sorted N-Triples: byte-identical for identical graphs (no blank nodes are minted)."""
    if isinstance(graph, Corpus):
        return ntriples(graph)
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return "\n".join(sorted(set(line for line in lines if line.strip()))) + "\n"
