"""``kg neo4j load``: the graph ``kg build`` wrote, into Neo4j, through the ontology mapping.

The RDF (the N-Triples pieces ``<graph>/graph/*.nt``, or ``graph.nt`` of an older build) is
canonical; this module turns it into node and relationship rows (:func:`graph_rows`, see
:mod:`kg.neo4j.mapping`) and makes the database hold exactly those rows, changing only what
differs:

1. schema: a uniqueness constraint on ``Resource.iri`` (all writes find nodes through it);
2. the database's current state is read in one query, streamed a record per 10,000 nodes:
   per ``Resource`` node its ``iri`` and content ``hash``, and the ``key`` and ``hash`` of its
   outgoing relationships;
3. range indexes on symbol, date …, a full-text index over titles and subjects (``IF NOT
   EXISTS``): before writing, or after it when they are missing and the load creates many
   nodes (a first load: populating an index once is cheaper than updating it per batch);
4. the difference is written: nodes the database lacks are ``CREATE``d, changed nodes are
   updated in place (``MATCH`` through the unique index, ``SET n = row``, labels made exactly
   the mapping's); relationships that are gone or whose content changed are deleted (from
   their start node), new and changed ones are ``CREATE``d between endpoints found through the
   unique index; nodes no longer in the graph are deleted last.

Every write is ``UNWIND $rows …`` with the data in parameters. Labels and relationship types
cannot be parameters of ``CREATE`` at full speed, so rows are grouped by label set / type and
those are written into the query text from the mapping's checked identifiers, never from the
data. ``batch_size`` rows go in one managed transaction (the driver retries transient errors):
a batch commits entirely or not at all, and because step 2 re-reads the state, running a
failed load again finishes it; loading the same graph twice writes nothing the second time.

Where the time goes (10,000 generated documents: 12.2 M triples, 0.87 M nodes, 3.0 M
relationships, on 2 busy cores; ``benchmarks/bench_engines.py``): the N-Triples into rows is
Python work, about a minute (a string split per line with pyoxigraph as the fallback for lines
with escapes; per subject one record; the garbage collector paused, as nothing cycles; hashes
through one reused JSON encoder); writing is mostly the server's (``CREATE`` of about 10,000
nodes/s and 20,000 relationships/s); reading the state back some 20 s, half of it the driver
decoding strings.
"""
from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from kg.neo4j.mapping import (DERIVED_CLASSES, FULLTEXT_LABELS, FULLTEXT_PROPERTIES, HASH, INDEXED_PROPERTIES,
                              IGNORED_PREDICATES, KEY, LIST_PROPERTIES, PROV, RDF, REL_KEY, RESOURCE, STATEMENT_CLASSES,
                              VK, XSD, Mapping, mapping)

DEFAULT_BATCH = 5_000        # rows per managed transaction, for the CLI and the library alike
DEFAULT_WORKERS = 1          # batches written at once (2 costs the server more CPU than it overlaps on 2 busy cores)
DEFER_INDEXES = 10_000       # new nodes from which missing indexes are built after writing
STATE_FETCH = 20              # records (of 10,000 nodes each) per Bolt PULL while reading the state

# ------------------------------------------------------------------------------ Cypher

CONSTRAINT = f"CREATE CONSTRAINT resource_iri IF NOT EXISTS FOR (n:{RESOURCE}) REQUIRE n.{KEY} IS UNIQUE"


def node_create(labels: Iterable[str]) -> str:
    """CREATE of nodes that the diff says are absent, all with this label set (from the mapping)."""
    return f"""
UNWIND $rows AS row
CREATE (n{mapping().cypher_labels(list(labels))})
SET n = row
"""


def node_update(labels: Iterable[str]) -> str:
    """Update in place of nodes whose content changed: properties replaced, labels made exactly
    these (labels the node has and the mapping no longer gives are removed)."""
    text = mapping().cypher_labels(list(labels))
    return f"""
UNWIND $rows AS row
MATCH (n:{RESOURCE} {{{KEY}: row.{KEY}}})
SET n = row
WITH n
REMOVE n:$([l IN labels(n) WHERE NOT l IN $labels])
SET n{text}
"""


def rel_create(rel_type: str, evidence: bool = True) -> str:
    """CREATE of relationships of one type that the diff says are absent; both endpoints are
    found through the unique index on ``Resource.iri``. The type is written into the text (a
    dynamic type runs several times slower); it comes from the mapping, never from the data.
    A row is ``{s, o, p}`` (``p`` the properties), or without ``evidence`` (only ``key`` and
    ``hash``) the list ``[s, o, key, hash]``, which the driver packs in half the time."""
    t = mapping().cypher_rel_type(rel_type)
    if not evidence:
        return f"""
UNWIND $rows AS row
MATCH (a:{RESOURCE} {{{KEY}: row[0]}})
MATCH (b:{RESOURCE} {{{KEY}: row[1]}})
CREATE (a)-[:{t} {{{REL_KEY}: row[2], {HASH}: row[3]}}]->(b)
"""
    return f"""
UNWIND $rows AS row
MATCH (a:{RESOURCE} {{{KEY}: row.s}})
MATCH (b:{RESOURCE} {{{KEY}: row.o}})
CREATE (a)-[r:{t}]->(b)
SET r = row.p
"""


# Relationships are deleted from their start node (found through the unique index), one
# expansion per start node whatever the number of its relationships to delete.
REL_DELETE = f"""
UNWIND $rows AS row
MATCH (a:{RESOURCE} {{{KEY}: row.s}})-[r]->(:{RESOURCE})
WHERE r.{REL_KEY} IN row.keys
DELETE r
"""

NODE_DELETE = f"""
UNWIND $rows AS iri
MATCH (n:{RESOURCE} {{{KEY}: iri}})
DETACH DELETE n
"""

# The state in one query, streamed as one record per 10,000 nodes (records are what the Python
# driver spends its time on: a record per node made reading the state four times slower):
# "iri hash" per node, and its outgoing relationships as "key hash" strings (keys are IRIs or
# "r:<hex>", never with a space; a missing hash reads as "" and so as changed).
STATE_CHUNK = 10_000
STATE = f"""
MATCH (n:{RESOURCE})
WITH id(n) / {STATE_CHUNK} AS chunk, coalesce(n.{KEY}, '') + ' ' + coalesce(n.{HASH}, '') AS node,
     [(n)-[r]->(:{RESOURCE}) WHERE r.{REL_KEY} IS NOT NULL | r.{REL_KEY} + ' ' + coalesce(r.{HASH}, '')] AS rels
RETURN collect(node) AS nodes, collect(rels) AS rels
"""

# Relationships first, then nodes, each in transactions of bounded size: DETACH DELETE of
# 10,000 nodes at once also deletes all their relationships in that transaction (a central
# resolution has tens of thousands), which ran a 1 GiB heap out of memory on a 10,000-document graph.
WIPE = ("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
        "MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS")


def schema_statements(m: Mapping | None = None) -> list[str]:
    """DDL for the constraint and indexes. Labels and property names come from the mapping
    (identifiers checked when it is built), never from data; DDL takes no parameters."""
    out = [CONSTRAINT]
    for label, props in INDEXED_PROPERTIES.items():
        for p in props:
            out.append(f"CREATE INDEX {label.lower()}_{p.lower()} IF NOT EXISTS FOR (n:{label}) ON (n.{p})")
    labels = "|".join(FULLTEXT_LABELS)
    props = ", ".join(f"n.{p}" for p in FULLTEXT_PROPERTIES)
    out.append(f"CREATE FULLTEXT INDEX text IF NOT EXISTS FOR (n:{labels}) ON EACH [{props}]")
    return out


# ------------------------------------------------------------------------------ RDF -> rows

class LoadError(RuntimeError):
    """The load stopped; the message says where and that running it again finishes it."""


@dataclass
class Rows:
    nodes: dict[str, dict] = field(default_factory=dict)      # iri -> {"iri", "labels", "props"}
    rels: dict[str, dict] = field(default_factory=dict)       # key -> {"key", "type", "s", "o", "props"}


_INT_TYPES = {XSD + k for k in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")}
_FLOAT_TYPES = {XSD + k for k in ("decimal", "double", "float")}


def _convert(value: str, dtype: str | None) -> Any:
    """A literal's lexical form as the Python value Neo4j stores (xsd:date -> date …)."""
    if not dtype or not dtype.startswith(XSD):
        return value
    try:
        if dtype in _INT_TYPES:
            return int(value)
        if dtype in _FLOAT_TYPES:
            return float(value)
        if dtype == XSD + "boolean":
            return value in ("true", "1")
        if dtype == XSD + "date":
            return dt.date.fromisoformat(value)
    except ValueError:
        return value
    return value


def _literal(lit) -> Any:
    """A pyoxigraph literal as a Python value (see :func:`_convert`)."""
    return _convert(lit.value, lit.datatype.value if lit.datatype is not None else "")


def _jsonable(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else v


try:   # the C encoder json.dumps uses, made once (json.dumps builds one per call)
    from json.encoder import c_make_encoder as _c_make_encoder
    from json.encoder import encode_basestring as _encode_str
    _ENCODE = _c_make_encoder(None, _jsonable, _encode_str, None, ": ", ", ", True, False, True)
except (ImportError, TypeError):   # pragma: no cover - a Python without the C accelerator
    _ENCODE = None


def _canonical(parts: tuple) -> str:
    """``json.dumps(parts, sort_keys=True, ensure_ascii=False, default=_jsonable)``, faster."""
    if _ENCODE is None:   # pragma: no cover
        return json.dumps(parts, sort_keys=True, ensure_ascii=False, default=_jsonable)
    return "".join(_ENCODE(parts, 0))


def _hash(*parts: Any) -> str:
    return hashlib.sha1(_canonical(parts).encode("utf-8")).hexdigest()[:20]


_JSON_ESCAPED = re.compile(r'[\x00-\x1f"\\]')


def _plain_rel(s: str, rtype: str, o: str) -> tuple[str, str]:
    """Key and content hash of a relationship without evidence (not a statement): the key is
    ``r:`` + ``_hash(s, rtype, o)``, the hash ``_hash(rtype, s, o, {key: key})``; written out
    directly for IRIs that JSON leaves as they are."""
    if _JSON_ESCAPED.search(s) is None and _JSON_ESCAPED.search(o) is None:
        key = "r:" + hashlib.sha1(f'["{s}", "{rtype}", "{o}"]'.encode("utf-8")).hexdigest()[:20]
        text = f'["{rtype}", "{s}", "{o}", {{"{REL_KEY}": "{key}"}}]'
        return key, hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]
    key = "r:" + _hash(s, rtype, o)
    return key, _hash(rtype, s, o, {REL_KEY: key})


_LANG_STRING = RDF + "langString"
_XSD_STRING = XSD + "string"


def _parse_line(line: str) -> list[tuple[str, str, str, tuple[str | None, str | None] | None]]:
    """One line of N-Triples through pyoxigraph (the reader's fallback: escapes, comments …)."""
    import pyoxigraph as ox

    out = []
    for t in ox.parse(line.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
        o = t.object
        if isinstance(o, ox.Literal):
            lit = (o.datatype.value if o.datatype is not None else None, o.language)
            out.append((t.subject.value, t.predicate.value, o.value, lit))
        else:
            out.append((t.subject.value, t.predicate.value, o.value, None))
    return out


def iter_triples(path: str | Path) -> Iterator[tuple[str, str, str, tuple[str | None, str | None] | None]]:
    """``(subject, predicate, object, literal)`` of an N-Triples file: the values as pyoxigraph
    gives them (IRIs, blank-node ids, a literal's lexical form); ``literal`` is None for an IRI or
    blank node, else ``(datatype IRI, language)``.

    A line in the canonical form ``kg build`` writes (single spaces, no escape) is split as a
    string, a few times faster than building pyoxigraph terms; any other line (escapes, comments,
    odd spacing) goes through pyoxigraph, which also reports malformed input."""
    with open(path, encoding="utf-8", newline="\n") as fh:
        lineno = 0
        for line in fh:
            lineno += 1
            if "\\" not in line and line.endswith(" .\n"):
                parts = line[:-3].split(" ", 2)
                if len(parts) == 3:
                    s, p, obj = parts
                    if s and p and obj and s[0] == "<" and s[-1] == ">" and p[0] == "<" and p[-1] == ">":
                        s, p = s[1:-1], p[1:-1]
                        c = obj[0]
                        if c == "<":
                            if obj[-1] == ">" and " " not in obj and ">" not in obj[1:-1]:
                                yield s, p, obj[1:-1], None
                                continue
                        elif c == '"':
                            q = obj.rfind('"')
                            if q > 0 and '"' not in obj[1:q]:
                                suffix = obj[q + 1:]
                                if not suffix:
                                    yield s, p, obj[1:q], (_XSD_STRING, None)
                                    continue
                                if suffix[0] == "@" and " " not in suffix and len(suffix) > 1:
                                    yield s, p, obj[1:q], (_LANG_STRING, suffix[1:].lower())
                                    continue
                                if suffix.startswith("^^<") and suffix[-1] == ">" and " " not in suffix:
                                    yield s, p, obj[1:q], (suffix[3:-1], None)
                                    continue
            try:
                yield from _parse_line(line)
            except SyntaxError as e:
                raise SyntaxError(f"{path}, line {lineno}: {e}") from None


def read_triples(graph_dir: str | Path) -> Iterable:
    """The triples of a built graph (its N-Triples pieces ``graph/*.nt``), see :func:`iter_triples`."""
    from itertools import chain

    from kg.build import graph_files
    from kg.store import GraphNotFound

    pieces = graph_files(graph_dir)
    if not pieces and (Path(graph_dir) / "graph.nt").is_file():
        pieces = [Path(graph_dir) / "graph.nt"]        # a graph built before the pieces
    if not pieces:
        raise GraphNotFound(f"no built graph in {graph_dir}/ (expected {Path(graph_dir) / 'graph'}/*.nt); "
                            f"run `kg build PATH... --out {graph_dir}` first")
    return chain.from_iterable(iter_triples(p) for p in pieces)


def graph_rows(graph_dir: str | Path, m: Mapping | None = None) -> Rows:
    """Node and relationship rows of a built graph (see :mod:`kg.neo4j.mapping`).

    One pass over the triples keeps, per subject, its types, its literals already converted
    (property name, value) and its links; then statements become relationships with their
    evidence, every other subject a node, and every other link a relationship.

    The cyclic garbage collector is paused meanwhile: the rows are millions of small dicts and
    lists without cycles, and each full collection would walk all of them again (a third of
    the time at 12 M triples)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _graph_rows(graph_dir, m or mapping())
    finally:
        if enabled:
            gc.enable()


def _graph_rows(graph_dir: str | Path, m: Mapping) -> Rows:
    rdf_type = RDF + "type"
    # subject -> [types, [(name, value)], [(predicate, object)]]
    subjects: dict[str, list] = {}
    names: dict[tuple[str, str | None], str | None] = {}
    intern: dict[str, str] = {}        # one string object per IRI that is kept (memory)
    path_pred = VK + "path"
    paths: dict[str, str] = {}
    bare: set[str] = set()
    last_s, rec = None, None
    for s, p, o, lit in read_triples(graph_dir):
        if s != last_s:
            rec = subjects.get(s)
            if rec is None:
                s = intern.setdefault(s, s)
                rec = subjects[s] = [[], [], []]
            last_s = s
        if lit is None:
            if p == rdf_type:
                rec[0].append(o)
            elif p not in IGNORED_PREDICATES:
                rec[2].append((p, intern.setdefault(o, o)))
            continue
        if p == path_pred:
            paths[last_s] = o
        key = (p, lit[1])
        name = names.get(key, False)
        if name is False:
            name = names[key] = m.prop_name(p, lit[1])
        if name is not None:
            rec[1].append((name, _convert(o, lit[0])))
        else:
            bare.add(last_s)           # a subject, even if nothing of it is mapped
    del intern

    def props_of(lits: list) -> dict[str, Any]:
        props: dict[str, Any] = {}
        multi: set[str] = set()
        for name, v in lits:
            if name in LIST_PROPERTIES:
                props.setdefault(name, []).append(v)
                multi.add(name)
            elif name in props and props[name] != v:
                if name in multi:
                    props[name].append(v)
                else:
                    props[name] = [props[name], v]
                    multi.add(name)
            elif name not in props:
                props[name] = v
        for k in multi:   # repeats (and list properties) as sorted sets
            props[k] = sorted(set(props[k]), key=_jsonable)
        return props

    statement_classes = STATEMENT_CLASSES
    statements, derived_nodes = set(), set()
    for s, r in subjects.items():
        if r[0]:
            if not statement_classes.isdisjoint(r[0]):
                statements.add(s)
            if not DERIVED_CLASSES.isdisjoint(r[0]):
                derived_nodes.add(s)
    rows = Rows()
    entailed: set[tuple[str, str, str]] = set()
    derived = PROV + "wasDerivedFrom"
    rdf_s, rdf_p, rdf_o = RDF + "subject", RDF + "predicate", RDF + "object"
    supers = m.super_properties
    for st in sorted(statements):
        rec = subjects[st]
        link = dict(rec[2])
        s, p, o = link.get(rdf_s), link.get(rdf_p), link.get(rdf_o)
        rtype = m.rel_type(p) if p else None
        if not (s and o and rtype):
            continue
        entailed.add((s, p, o))
        for q in supers.get(p, ()):
            entailed.add((s, q, o))
        props = props_of(rec[1])
        src = link.get(derived)
        if src in paths:
            props["source"] = paths[src]
        props[REL_KEY] = st
        props[HASH] = _hash(rtype, s, o, props)
        rows.rels[st] = {"key": st, "type": rtype, "s": s, "o": o, "props": props}

    label_sets: dict[frozenset, list[str]] = {}

    def node(iri: str, rec: list | None) -> None:
        if rec is None:
            types, lits, links = (), (), ()
        else:
            types, lits, links = rec
        props = props_of(lits)
        props[KEY] = iri
        src = None
        for p, o in links:
            if p == derived:
                src = o
        if src in paths:
            props["source"] = paths[src]
        ts = frozenset(types)
        labels = label_sets.get(ts)
        if labels is None:
            labels = label_sets[ts] = sorted(m.labels_for(ts))
        props[HASH] = _hash(labels, props)
        rows.nodes[iri] = {"iri": iri, "labels": labels, "props": props}

    for s in sorted(subjects):
        rec = subjects[s]
        if s not in statements and s not in derived_nodes and (rec[0] or rec[1] or rec[2] or s in bare):
            node(s, rec)
    rel_types: dict[str, str | None] = {}
    for s, rec in subjects.items():
        if s in statements or s in derived_nodes:
            continue
        for p, o in rec[2]:
            rtype = rel_types.get(p, False)
            if rtype is False:
                rtype = rel_types[p] = m.rel_type(p)
            if rtype is None or o in statements or (s, p, o) in entailed:   # vk:hasLineageEdge has no type
                continue
            if o not in rows.nodes:
                node(o, None)
            key, h = _plain_rel(s, rtype, o)
            rows.rels[key] = {"key": key, "type": rtype, "s": s, "o": o, "props": {REL_KEY: key, HASH: h}}
    return rows


# ------------------------------------------------------------------------------ the load

@dataclass
class LoadReport:
    nodes: int = 0                 # in the graph
    relationships: int = 0
    nodes_written: int = 0         # created or changed
    relationships_written: int = 0
    nodes_deleted: int = 0
    relationships_deleted: int = 0
    batches: int = 0
    seconds: float = 0.0
    write_seconds: float = 0.0
    state_seconds: float = 0.0     # reading the database's current state back
    index_seconds: float = 0.0     # building indexes after a first load

    @property
    def changed(self) -> bool:
        return bool(self.nodes_written or self.relationships_written or self.nodes_deleted or self.relationships_deleted)


def _batches(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _run_write(session, query: str, batch: list, **params) -> None:
    def work(tx):
        tx.run(query, rows=batch, **params).consume()
    session.execute_write(work)


def ensure_schema(driver, database: str | None = None, statements: list[str] | None = None) -> None:
    for stmt in schema_statements() if statements is None else statements:
        driver.execute_query(stmt, database_=database)
    driver.execute_query("CALL db.awaitIndexes(3600)", database_=database)


def _index_names(driver, database: str | None) -> set[str]:
    return {r["name"] for r in _read(driver, database, "SHOW INDEXES YIELD name RETURN name")}


def _schema_name(stmt: str) -> str:
    """The name a schema statement gives (``CREATE … INDEX name IF NOT EXISTS …``)."""
    words = stmt.split()
    return words[words.index("IF") - 1]


def wipe(driver, database: str | None = None) -> None:
    """Delete every node and relationship of the database (in transactions of 10,000 rows)."""
    with driver.session(database=database, notifications_min_severity="OFF") as session:
        for statement in WIPE:
            session.run(statement).consume()


def _read(driver, database: str | None, query: str) -> list[dict]:
    """A read in a READ session with the server's notifications off (they would warn that
    ``hash`` does not exist yet on an empty database)."""
    import neo4j

    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS,
                        notifications_min_severity="OFF") as session:
        return session.execute_read(lambda tx: [r.data() for r in tx.run(query)])


def current_state(driver, database: str | None = None,
                  progress: Progress | None = None) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """What the database holds, in one read: ``{iri: hash}`` of the ``Resource`` nodes and
    ``{key: (start iri, hash)}`` of the relationships between them that have a key (a missing
    hash is ``""``)."""
    import neo4j

    def work(tx):
        nodes: dict[str, str] = {}
        rels: dict[str, tuple[str, str]] = {}
        for node_list, rel_lists in tx.run(STATE):
            for nh, out in zip(node_list, rel_lists):
                iri, _, h = nh.rpartition(" ")
                if not iri:
                    continue
                nodes[iri] = h
                for kh in out:
                    k, _, rh = kh.rpartition(" ")
                    rels[k] = (iri, rh)
            if progress:
                progress("reading the database", len(nodes), 0)
        return nodes, rels

    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS, fetch_size=STATE_FETCH,
                        notifications_min_severity="OFF") as session:
        return session.execute_read(work)


Progress = Callable[[str, int, int], None]   # (phase, done rows, total rows)


def plan_writes(rows: Rows, have_nodes: dict[str, str], have_rels: dict[str, tuple[str, str]]):
    """The difference between the graph's rows and the database's state: new nodes and changed
    nodes (by label set), relationships to create (new, or replacing a changed one), relationships
    to delete as (start iri, key) (gone, or changed), nodes to delete, and how many of the deleted
    relationships are gone rather than replaced."""
    new_nodes: dict[tuple, list] = {}
    changed_nodes: dict[tuple, list] = {}
    for iri, n in rows.nodes.items():
        h = have_nodes.get(iri)
        if h is None:
            new_nodes.setdefault(tuple(n["labels"]), []).append(n["props"])
        elif h != n["props"][HASH]:
            changed_nodes.setdefault(tuple(n["labels"]), []).append(n["props"])
    new_rels: list[dict] = []
    gone: list[tuple[str, str]] = []
    for key, r in rows.rels.items():
        old = have_rels.get(key)
        if old is not None:
            if old[1] == r["props"][HASH]:
                continue
            gone.append((old[0], key))         # content or endpoints changed: replaced
        new_rels.append(r)
    stale_rels = [(s, key) for key, (s, _) in have_rels.items() if key not in rows.rels]
    gone += stale_rels
    node_gone = sorted(iri for iri in have_nodes if iri not in rows.nodes)
    gone.sort()
    return new_nodes, changed_nodes, new_rels, gone, node_gone, len(stale_rels)


@dataclass
class _Step:
    """Batches of one query: ``rows`` cut into ``batch_size`` pieces, each turned into the
    query's parameter by ``shape`` when it is sent (so the parameter rows exist one batch at a time)."""
    query: str
    rows: list
    shape: Callable[[list], list] | None = None
    params: dict = field(default_factory=dict)

    def batches(self, size: int) -> Iterable[tuple[list, int]]:
        for batch in _batches(self.rows, size):
            yield (self.shape(batch) if self.shape else batch), len(batch)


def _rel_params(batch: list) -> list:
    return [{"s": r["s"], "o": r["o"], "p": r["props"]} for r in batch]


def _plain_rel_params(batch: list) -> list:
    return [[r["s"], r["o"], r["key"], r["props"][HASH]] for r in batch]


def _has_evidence(r: dict) -> bool:
    return len(r["props"]) > 2      # more than key and hash


def _delete_params(batch: list) -> list:
    """(start iri, key) pairs, sorted, as one row per start node with its keys."""
    return [{"s": s, "keys": [k for _, k in g]} for s, g in groupby(batch, key=lambda x: x[0])]


def _execute(driver, database: str | None, plan: list[tuple[str, list[_Step], bool]], batch_size: int,
             workers: int, progress: Progress | None, state: dict) -> None:
    """Run the plan's phases in order; within a phase marked parallel, up to ``workers`` batches
    at once, each in its own session and managed transaction. ``state`` says how far it got
    (``phase``, ``batches`` committed) for the error message if a batch fails."""
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    sessions = [driver.session(database=database) for _ in range(max(1, workers))]
    free = list(sessions)
    try:
        for phase, steps, parallel in plan:
            state["phase"] = phase
            total = sum(len(st.rows) for st in steps)
            done = 0
            if progress:
                progress(phase, 0, total)
            jobs = ((st, batch, n) for st in steps for batch, n in st.batches(batch_size))
            if workers <= 1 or not parallel:
                for st, batch, n in jobs:
                    _run_write(sessions[0], st.query, batch, **st.params)
                    done += n
                    state["batches"] += 1
                    if progress:
                        progress(phase, done, total)
                continue
            with ThreadPoolExecutor(workers) as pool:
                running: dict = {}

                def submit(job) -> None:
                    st, batch, n = job
                    session = free.pop()
                    fut = pool.submit(_run_write, session, st.query, batch, **st.params)
                    running[fut] = (session, n)

                error = None
                for job in jobs:
                    submit(job)
                    while not free or (running and len(running) >= workers):
                        finished, _ = wait(running, return_when=FIRST_COMPLETED)
                        for fut in finished:
                            session, n = running.pop(fut)
                            free.append(session)
                            if fut.exception() is not None:
                                error = error or fut.exception()
                                continue
                            done += n
                            state["batches"] += 1
                            if progress:
                                progress(phase, done, total)
                        if error is not None:
                            break
                    if error is not None:
                        break
                for fut in list(running):      # let the batches in flight finish (or fail) whole
                    session, n = running.pop(fut)
                    free.append(session)
                    if fut.exception() is None:
                        state["batches"] += 1
                        done += n
                        if progress and error is None:
                            progress(phase, done, total)
                    else:
                        error = error or fut.exception()
                if error is not None:
                    raise error
    finally:
        for s in sessions:
            s.close()


def load(driver, graph_dir: str | Path, *, database: str | None = None, batch_size: int = DEFAULT_BATCH,
         wipe_first: bool = False, progress: Progress | None = None, rows: Rows | None = None,
         workers: int = DEFAULT_WORKERS) -> LoadReport:
    """Make the database hold the graph of ``graph_dir`` (see the module doc). ``workers``
    batches of new nodes or relationships are written at once, each in its own transaction."""
    from neo4j.exceptions import DriverError, Neo4jError, ServiceUnavailable, SessionExpired

    t0 = time.perf_counter()
    rows = rows or graph_rows(graph_dir)
    report = LoadReport(nodes=len(rows.nodes), relationships=len(rows.rels))
    state = {"phase": "schema", "batches": 0}
    try:
        if wipe_first:
            state["phase"] = "wipe"
            wipe(driver, database)
        state["phase"] = "schema"
        schema = schema_statements()
        ensure_schema(driver, database, schema[:1])          # the unique iri, which every write uses
        state["phase"] = "reading the current state"
        ts = time.perf_counter()
        have_nodes, have_rels = current_state(driver, database, progress)
        report.state_seconds = time.perf_counter() - ts
        new_nodes, changed_nodes, new_rels, gone, node_gone, stale = plan_writes(rows, have_nodes, have_rels)
        del have_nodes, have_rels
        # Indexes the database lacks yet are built after a large write (a first load): populating
        # an index once costs a fraction of updating it per transaction (the full-text index
        # tripled the server's time per Document node).
        state["phase"] = "schema"
        later = []
        if sum(len(g) for g in new_nodes.values()) >= DEFER_INDEXES:
            have = _index_names(driver, database)
            later = [stmt for stmt in schema[1:] if _schema_name(stmt) not in have]
        ensure_schema(driver, database, [stmt for stmt in schema[1:] if stmt not in later])
        node_steps = ([_Step(node_create(labels), group) for labels, group in sorted(new_nodes.items())]
                      + [_Step(node_update(labels), group, params={"labels": list(labels)})
                         for labels, group in sorted(changed_nodes.items())])
        new_rels.sort(key=lambda r: (r["type"], _has_evidence(r), r["s"], r["key"]))
        rel_steps = [_Step(rel_create(t, ev), list(g), _rel_params if ev else _plain_rel_params)
                     for (t, ev), g in groupby(new_rels, key=lambda r: (r["type"], _has_evidence(r)))]
        plan = [("nodes", node_steps, True),
                ("stale relationships", [_Step(REL_DELETE, gone, _delete_params)], False),
                ("relationships", rel_steps, True),
                ("stale nodes", [_Step(NODE_DELETE, node_gone)], False)]
        t1 = time.perf_counter()
        _execute(driver, database, plan, batch_size, workers, progress, state)
        report.write_seconds = time.perf_counter() - t1
        if later:
            state["phase"] = "schema"
            t2 = time.perf_counter()
            if progress:
                progress("indexes", 0, len(later))
            ensure_schema(driver, database, later)
            if progress:
                progress("indexes", len(later), len(later))
            report.index_seconds = time.perf_counter() - t2
    except (ServiceUnavailable, SessionExpired) as e:
        raise LoadError(f"Neo4j went away while {_doing(state['phase'])} ({state['batches']} batches committed; "
                        f"the batches in progress were rolled back): {e}. Start it again and rerun the same "
                        "command: the load resumes from what is in the database.") from None
    except (Neo4jError, DriverError) as e:
        message = getattr(e, "message", None) or str(e)
        raise LoadError(f"Neo4j refused {_doing(state['phase'])} ({state['batches']} batches committed; the "
                        f"batches in progress were rolled back): {message}") from None
    report.nodes_written = sum(len(g) for g in new_nodes.values()) + sum(len(g) for g in changed_nodes.values())
    report.relationships_written = len(new_rels)
    report.nodes_deleted, report.relationships_deleted = len(node_gone), stale
    report.batches = state["batches"]
    report.seconds = time.perf_counter() - t0
    return report


def _doing(phase: str) -> str:
    return phase if phase in ("schema", "wipe", "reading the current state") else f"writing {phase}"


def counts(driver, database: str | None = None) -> dict[str, int]:
    """Nodes and relationships the loader manages, and per label / type (for tests and reports)."""
    n = _read(driver, database, f"MATCH (n:{RESOURCE}) RETURN count(n) AS c")[0]["c"]
    r = _read(driver, database, f"MATCH (:{RESOURCE})-[r]->(:{RESOURCE}) WHERE r.{REL_KEY} IS NOT NULL "
                                "RETURN count(r) AS c")[0]["c"]
    out = {"nodes": n, "relationships": r}
    for rec in _read(driver, database, f"MATCH (n:{RESOURCE}) UNWIND labels(n) AS l RETURN l, count(*) AS c"):
        out[f":{rec['l']}"] = rec["c"]
    for rec in _read(driver, database, f"MATCH (:{RESOURCE})-[r]->(:{RESOURCE}) RETURN type(r) AS t, count(*) AS c"):
        out[f"[:{rec['t']}]"] = rec["c"]
    return out
