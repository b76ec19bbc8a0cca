"""``kg neo4j load``: the graph ``kg build`` wrote, into Neo4j, through the ontology mapping.

The RDF (``<graph>/graph.nt``) is canonical; this module turns it into node and relationship
rows (:func:`graph_rows`, see :mod:`kg.neo4j.mapping`) and makes the database hold exactly
those rows, changing only what differs:

1. schema: a uniqueness constraint on ``Resource.iri``, range indexes on symbol, date …, a
   full-text index over titles and subjects (all ``IF NOT EXISTS``);
2. the database's current state is read (``iri`` and content ``hash`` of every node, ``key``
   and ``hash`` of every relationship between ``Resource`` nodes);
3. new or changed nodes are written, then new or changed relationships, then relationships
   and nodes that are no longer in the graph are deleted.

Every write is ``UNWIND $rows … MERGE`` with the data in parameters (node labels too, through
Cypher 5.26's dynamic ``$(…)``; relationship types come from the mapping, one query per type), ``batch_size`` rows per managed transaction (the
driver retries transient errors). A batch commits entirely or not at all, and because step
2 re-reads the state, running a failed load again finishes it; loading the same graph twice
writes nothing the second time.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from itertools import groupby
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from kg.neo4j.mapping import (FULLTEXT_LABELS, FULLTEXT_PROPERTIES, HASH, INDEXED_PROPERTIES, IGNORED_PREDICATES,
                              KEY, LIST_PROPERTIES, PROV, RDF, REL_KEY, RESOURCE, STATEMENT_CLASSES, VK, XSD,
                              Mapping, mapping)

DEFAULT_BATCH = 2000

# ------------------------------------------------------------------------------ Cypher

CONSTRAINT = f"CREATE CONSTRAINT resource_iri IF NOT EXISTS FOR (n:{RESOURCE}) REQUIRE n.{KEY} IS UNIQUE"

NODE_UPSERT = f"""
UNWIND $rows AS row
MERGE (n:{RESOURCE} {{{KEY}: row.iri}})
SET n = row.props
WITH n, row
REMOVE n:$([l IN labels(n) WHERE NOT l IN row.labels])
SET n:$(row.labels)
"""


def rel_upsert(rel_type: str) -> str:
    """MERGE of relationships of one type. The type is written into the text because a MERGE
    with a dynamic type (``$(row.type)``) runs several times slower; it comes from the mapping
    (an identifier derived from the ontology and checked), never from the data."""
    if rel_type not in mapping().rel_types:
        raise ValueError(f"not a relationship type of the mapping: {rel_type!r}")
    return f"""
UNWIND $rows AS row
MATCH (a:{RESOURCE} {{{KEY}: row.s}})
MATCH (b:{RESOURCE} {{{KEY}: row.o}})
MERGE (a)-[r:{rel_type} {{{REL_KEY}: row.key}}]->(b)
SET r = row.props
"""


REL_DELETE = f"""
UNWIND $rows AS row
MATCH (a:{RESOURCE} {{{KEY}: row.s}})-[r:$(row.type) {{{REL_KEY}: row.key}}]->(b:{RESOURCE} {{{KEY}: row.o}})
DELETE r
"""

NODE_DELETE = f"""
UNWIND $rows AS iri
MATCH (n:{RESOURCE} {{{KEY}: iri}})
DETACH DELETE n
"""

STATE_NODES = f"MATCH (n:{RESOURCE}) RETURN n.{KEY} AS iri, n.{HASH} AS hash"
STATE_RELS = (f"MATCH (a:{RESOURCE})-[r]->(b:{RESOURCE}) WHERE r.{REL_KEY} IS NOT NULL "
              f"RETURN a.{KEY} AS s, type(r) AS type, b.{KEY} AS o, r.{REL_KEY} AS key, r.{HASH} AS hash")

WIPE = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


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


def _literal(lit) -> Any:
    dtype = lit.datatype.value if lit.datatype is not None else ""
    v = lit.value
    if dtype.startswith(XSD):
        kind = dtype[len(XSD):]
        try:
            if kind in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger"):
                return int(v)
            if kind in ("decimal", "double", "float"):
                return float(v)
            if kind == "boolean":
                return v in ("true", "1")
            if kind == "date":
                return dt.date.fromisoformat(v)
        except ValueError:
            return v
    return v


def _jsonable(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else v


def _hash(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=_jsonable)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


def read_triples(graph_dir: str | Path) -> Iterable:
    """The triples of a built graph (``graph.nt``), as pyoxigraph terms."""
    import pyoxigraph as ox

    from kg.store import GraphNotFound

    path = Path(graph_dir) / "graph.nt"
    if not path.is_file():
        raise GraphNotFound(f"no built graph in {graph_dir}/ (expected {path}); run `kg build PATH... --out {graph_dir}` first")
    with open(path, "rb") as fh:
        yield from ox.parse(fh, format=ox.RdfFormat.N_TRIPLES)


def graph_rows(graph_dir: str | Path, m: Mapping | None = None) -> Rows:
    """Node and relationship rows of a built graph (see :mod:`kg.neo4j.mapping`)."""
    import pyoxigraph as ox

    m = m or mapping()
    types: dict[str, set[str]] = {}
    lits: dict[str, dict[str, list]] = {}
    links: dict[str, list[tuple[str, str]]] = {}
    for t in read_triples(graph_dir):
        s = t.subject.value
        p = t.predicate.value
        o = t.object
        if p == RDF + "type":
            types.setdefault(s, set()).add(o.value)
        elif isinstance(o, ox.Literal):
            lits.setdefault(s, {}).setdefault(p, []).append(o)
        elif p not in IGNORED_PREDICATES:
            links.setdefault(s, []).append((p, o.value))
    paths = {s: str(v[VK + "path"][0].value) for s, v in lits.items() if VK + "path" in v}

    def props_of(s: str) -> dict[str, Any]:
        props: dict[str, Any] = {}
        for p, values in sorted(lits.get(s, {}).items()):
            for lit in values:
                name = m.prop_name(p, lit.language)
                if name is None:
                    continue
                v = _literal(lit)
                if name in LIST_PROPERTIES:
                    props.setdefault(name, []).append(v)
                elif name in props and props[name] != v:   # an unexpected repeat: keep all, sorted
                    old = props[name] if isinstance(props[name], list) else [props[name]]
                    props[name] = old + [v]
                else:
                    props[name] = v
        for k, v in props.items():
            if isinstance(v, list):
                props[k] = sorted(set(v), key=_jsonable)
        return props

    rows = Rows()
    statements = {s for s, ts in types.items() if ts & STATEMENT_CLASSES}
    entailed: set[tuple[str, str, str]] = set()
    for st in sorted(statements):
        link = dict(links.get(st, ()))
        s, p, o = link.get(RDF + "subject"), link.get(RDF + "predicate"), link.get(RDF + "object")
        rtype = m.rel_type(p) if p else None
        if not (s and o and rtype):
            continue
        for q in {p} | m.super_properties.get(p, set()):
            entailed.add((s, q, o))
        props = props_of(st)
        src = link.get(PROV + "wasDerivedFrom")
        if src in paths:
            props["source"] = paths[src]
        props[REL_KEY] = st
        rows.rels[st] = {"key": st, "type": rtype, "s": s, "o": o, "props": props}

    def node(iri: str) -> None:
        if iri in rows.nodes:
            return
        props = props_of(iri)
        props[KEY] = iri
        src = dict(links.get(iri, ())).get(PROV + "wasDerivedFrom")
        if src in paths:
            props["source"] = paths[src]
        rows.nodes[iri] = {"iri": iri, "labels": sorted(m.labels_for(types.get(iri, ()))), "props": props}

    for s in sorted(set(types) | set(lits) | set(links)):
        if s not in statements:
            node(s)
    for s, pos in links.items():
        if s in statements:
            continue
        for p, o in pos:
            rtype = m.rel_type(p)
            if rtype is None or (s, p, o) in entailed or o in statements:
                continue
            node(o)
            key = "r:" + _hash(s, rtype, o)
            rows.rels[key] = {"key": key, "type": rtype, "s": s, "o": o, "props": {REL_KEY: key}}
    for n in rows.nodes.values():
        n["props"][HASH] = _hash(n["labels"], n["props"])
    for r in rows.rels.values():
        r["props"][HASH] = _hash(r["type"], r["s"], r["o"], r["props"])
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

    @property
    def changed(self) -> bool:
        return bool(self.nodes_written or self.relationships_written or self.nodes_deleted or self.relationships_deleted)


def _batches(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _run_write(session, query: str, batch: list) -> None:
    def work(tx):
        tx.run(query, rows=batch).consume()
    session.execute_write(work)


def ensure_schema(driver, database: str | None = None) -> None:
    for stmt in schema_statements():
        driver.execute_query(stmt, database_=database)
    driver.execute_query("CALL db.awaitIndexes(300)", database_=database)


def wipe(driver, database: str | None = None) -> None:
    """Delete every node and relationship of the database (in transactions of 10,000 rows)."""
    with driver.session(database=database, notifications_min_severity="OFF") as session:
        session.run(WIPE).consume()


def _read(driver, database: str | None, query: str) -> list[dict]:
    """A read in a READ session with the server's notifications off (they would warn that
    ``hash`` does not exist yet on an empty database)."""
    import neo4j

    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS,
                        notifications_min_severity="OFF") as session:
        return session.execute_read(lambda tx: [r.data() for r in tx.run(query)])


def current_state(driver, database: str | None = None) -> tuple[dict[str, str], dict[str, dict]]:
    nodes = {r["iri"]: r["hash"] for r in _read(driver, database, STATE_NODES)}
    rels = {r["key"]: r for r in _read(driver, database, STATE_RELS)}
    return nodes, rels


Progress = Callable[[str, int, int], None]   # (phase, done rows, total rows)


def load(driver, graph_dir: str | Path, *, database: str | None = None, batch_size: int = DEFAULT_BATCH,
         wipe_first: bool = False, progress: Progress | None = None, rows: Rows | None = None) -> LoadReport:
    """Make the database hold the graph of ``graph_dir`` (see the module doc)."""
    from neo4j.exceptions import DriverError, Neo4jError, ServiceUnavailable, SessionExpired

    t0 = time.perf_counter()
    rows = rows or graph_rows(graph_dir)
    report = LoadReport(nodes=len(rows.nodes), relationships=len(rows.rels))
    phase, done_batches = "schema", 0
    try:
        if wipe_first:
            phase = "wipe"
            wipe(driver, database)
        phase = "schema"
        ensure_schema(driver, database)
        phase = "reading the current state"
        have_nodes, have_rels = current_state(driver, database)
        node_rows = [{"iri": n["iri"], "labels": n["labels"], "props": n["props"]}
                     for iri, n in rows.nodes.items() if have_nodes.get(iri) != n["props"][HASH]]
        rel_rows, rel_gone = [], []
        for key, r in rows.rels.items():
            old = have_rels.get(key)
            if old is not None and old["hash"] == r["props"][HASH]:
                continue
            if old is not None and (old["s"], old["type"], old["o"]) != (r["s"], r["type"], r["o"]):
                rel_gone.append({k: old[k] for k in ("s", "type", "o", "key")})
            rel_rows.append({"s": r["s"], "o": r["o"], "type": r["type"], "key": key, "props": r["props"]})
        rel_gone += [{k: old[k] for k in ("s", "type", "o", "key")} for key, old in have_rels.items()
                     if key not in rows.rels]
        node_gone = sorted(iri for iri in have_nodes if iri not in rows.nodes)
        rel_rows.sort(key=lambda r: (r["type"], r["s"], r["key"]))
        plan = [("nodes", NODE_UPSERT, node_rows), ("relationships", None, rel_rows),
                ("stale relationships", REL_DELETE, rel_gone), ("stale nodes", NODE_DELETE, node_gone)]
        t1 = time.perf_counter()
        with driver.session(database=database) as session:
            for phase, query, items in plan:
                done = 0
                if progress:
                    progress(phase, 0, len(items))
                groups = ([(query, items)] if query else
                          [(rel_upsert(t), list(g)) for t, g in groupby(items, key=lambda r: r["type"])])
                for q, group in groups:
                    for batch in _batches(group, batch_size):
                        _run_write(session, q, batch)
                        done += len(batch)
                        done_batches += 1
                        if progress:
                            progress(phase, done, len(items))
        report.write_seconds = time.perf_counter() - t1
    except (ServiceUnavailable, SessionExpired) as e:
        raise LoadError(f"Neo4j went away while {_doing(phase)} ({done_batches} batches committed; the batch "
                        f"in progress was rolled back): {e}. Start it again and rerun the same command: "
                        "the load resumes from what is in the database.") from None
    except (Neo4jError, DriverError) as e:
        message = getattr(e, "message", None) or str(e)
        raise LoadError(f"Neo4j refused {_doing(phase)} ({done_batches} batches committed; the batch in "
                        f"progress was rolled back): {message}") from None
    report.nodes_written, report.relationships_written = len(node_rows), len(rel_rows)
    report.nodes_deleted, report.relationships_deleted = len(node_gone), len(rel_gone)
    report.batches = done_batches
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
