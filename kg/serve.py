"""``kg serve``: a local explorer of the built graph and a read-only SPARQL 1.1 Protocol endpoint.

Why the standard library (``http.server.ThreadingHTTPServer``) and not a web framework: the
app has a handful of pages and one protocol endpoint, is used by one researcher on
127.0.0.1, and must keep working on a machine without internet; a framework would add a
dependency (and often an ASGI server) for routing we can write in thirty lines. Threads suit
the load: pages answer from the embedded store in milliseconds, and the expensive part,
arbitrary SPARQL from outside, never runs in the server process at all.

pyoxigraph cannot cancel a query, so every ``/sparql`` query runs in a pool of worker
processes (:mod:`kg.sparql_worker`, each with the store opened read-only). The server waits
for the answer up to ``--query-timeout`` seconds; a query that takes longer gets **504** and its
worker is killed and replaced, so an endless query costs one worker for the time limit and
nothing more. When every worker is busy a request waits at most as long as the time limit,
then gets **503** with ``Retry-After``. Results are capped at ``--max-rows`` (the response
then carries ``X-Vankien-Truncated: true``). Updates are refused with **403**; malformed
queries get **400** with the parser's message. The explorer pages never wait for the pool,
so they stay responsive while the endpoint is saturated.

Pages (labels in Vietnamese): ``/`` (search and overview), ``/search?q=`` (symbol or words
of the subject, with or without diacritics), ``/doc?iri=`` (fields, relations with their
quotes, lineage view, implementers, tasks, planned documents, coverage across provinces for
a central document), ``/agency?iri=`` (tasks led and cooperated on, deadlines),
``/agencies``, ``/coverage``, ``/viz?iri=`` (the pyvis lineage view, offline) and
``/sparql`` (a query form for a browser, the protocol for programs). ``/healthz`` says
whether the workers are up.
"""
from __future__ import annotations

import csv
import io
import ipaddress
import json
import os
import queue
import re
import select as _select
import subprocess
import sys
import threading
import time
import unicodedata
from dataclasses import dataclass
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pyoxigraph as ox

from kg.store import STORE_DIR, open_store, select

VK = "https://vankien.example.org/ontology#"
PREFIXES = f"""PREFIX vk: <{VK}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


# ================================================================ the query pool

class QueryTimeout(Exception):
    """The query outlived the time limit (its worker was killed)."""


class PoolBusy(Exception):
    """No worker became free in time."""


class QueryFailed(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


class _Worker:
    def __init__(self, store_dir: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kg.sparql_worker", str(store_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            cwd=str(Path(__file__).resolve().parent.parent), bufsize=0)

    def read_line(self, deadline: float) -> bytes | None:
        """One line of output, or None if none came before ``deadline``."""
        fd = self.proc.stdout
        buf = b""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = _select.select([fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(fd.fileno(), 1 << 16)
            if not chunk:
                raise QueryFailed("worker", "the query worker exited")
            buf += chunk
            if buf.endswith(b"\n"):
                return buf

    def kill(self) -> None:
        try:
            self.proc.kill()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass


class QueryPool:
    """Worker processes that run SPARQL queries and can be killed (see the module doc)."""

    def __init__(self, store_dir: str | Path, workers: int = 2, timeout: float = 10.0, max_rows: int = 10000,
                 wait: float | None = None, startup: float = 30.0):
        self.store_dir = Path(store_dir)
        self.size = max(1, workers)
        self.timeout = float(timeout)
        self.max_rows = int(max_rows)
        self.wait = self.timeout if wait is None else float(wait)
        self.startup = startup
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.closed = False
        self.killed = 0
        self._lock = threading.Lock()
        self._all: set[_Worker] = set()
        self._spawn_requests: queue.Queue = queue.Queue()
        threading.Thread(target=self._spawner, name="sparql-worker-spawner", daemon=True).start()
        for _ in range(self.size):
            self._spawn(background=False)

    def _spawner(self) -> None:
        # Every worker is started from this one long-lived thread: Linux delivers a worker's
        # parent-death signal (see kg.sparql_worker) when the *thread* that started it ends.
        while True:
            reply = self._spawn_requests.get()
            if reply is None:
                return
            try:
                reply.put(_Worker(self.store_dir))
            except OSError as exc:
                reply.put(exc)

    def _new_worker(self) -> _Worker:
        reply: queue.Queue = queue.Queue()
        self._spawn_requests.put(reply)
        w = reply.get()
        if isinstance(w, Exception):
            raise w
        return w

    def _spawn(self, background: bool = True) -> None:
        def start() -> None:
            while not self.closed:
                try:
                    w = self._new_worker()
                except OSError:
                    time.sleep(0.5)
                    continue
                with self._lock:
                    self._all.add(w)
                try:
                    line = w.read_line(time.monotonic() + self.startup)
                except QueryFailed:
                    line = None
                if line and b"ready" in line and not self.closed:
                    self.idle.put(w)
                    return
                self._discard(w)
                time.sleep(0.5)

        if background:
            threading.Thread(target=start, name="sparql-worker-start", daemon=True).start()
        else:
            start()

    def _discard(self, w: _Worker) -> None:
        with self._lock:
            self._all.discard(w)
        w.kill()

    def run(self, query: str) -> dict:
        """The worker's answer (see :mod:`kg.sparql_worker`); raises QueryTimeout, PoolBusy, QueryFailed."""
        if self.closed:
            raise PoolBusy("the server is shutting down")
        try:
            w = self.idle.get(timeout=self.wait)
        except queue.Empty:
            raise PoolBusy(f"all {self.size} query workers are busy") from None
        deadline = time.monotonic() + self.timeout
        try:
            w.proc.stdin.write(json.dumps({"query": query, "max_rows": self.max_rows}).encode("utf-8") + b"\n")
            line = w.read_line(deadline)
        except (OSError, QueryFailed, ValueError) as exc:
            self._discard(w)
            self._spawn()
            raise QueryFailed("worker", f"the query worker failed: {exc}") from exc
        if line is None:
            self._discard(w)
            self.killed += 1
            self._spawn()
            raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped")
        self.idle.put(w)
        return json.loads(line)

    def status(self) -> dict:
        with self._lock:
            alive = sum(1 for w in self._all if w.proc.poll() is None)
        return {"workers": self.size, "alive": alive, "idle": self.idle.qsize(), "killed": self.killed,
                "timeout": self.timeout, "max_rows": self.max_rows}

    def close(self) -> None:
        self.closed = True
        self._spawn_requests.put(None)
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.kill()


# ================================================================ SPARQL protocol helpers

_UPDATE = re.compile(
    r"^(?:\s+|#[^\n]*(?:\n|$)|(?:PREFIX\s+[^\s:]*:\s*<[^>]*>)|(?:BASE\s*<[^>]*>))*"
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I)

SELECT_TYPES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "turtle": "text/turtle", "ntriples": "application/n-triples", "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
_FORMAT_ALIASES = {
    "json": "json", "application/sparql-results+json": "json", "application/json": "json", "srj": "json",
    "xml": "xml", "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml", "srx": "xml",
    "csv": "csv", "text/csv": "csv", "tsv": "tsv", "text/tab-separated-values": "tsv",
    "turtle": "turtle", "ttl": "turtle", "text/turtle": "turtle", "application/x-turtle": "turtle",
    "n3": "turtle", "text/n3": "turtle",
    "ntriples": "ntriples", "nt": "ntriples", "n-triples": "ntriples", "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "rdfxml": "rdfxml", "rdf": "rdfxml", "rdf+xml": "rdfxml", "application/rdf+xml": "rdfxml",
    "jsonld": "jsonld", "json-ld": "jsonld", "application/ld+json": "jsonld",
}


def is_update(text: str) -> bool:
    """Does this text start (after its prologue) with a SPARQL Update operation?"""
    return bool(_UPDATE.match(text or ""))


def negotiate(form: str, fmt: str | None, accept: str | None) -> str:
    """The result format for a query form (``select``/``ask`` or ``graph``): ``format`` wins, then Accept."""
    allowed = GRAPH_TYPES if form == "graph" else SELECT_TYPES
    default = "turtle" if form == "graph" else "json"
    if fmt:
        f = _FORMAT_ALIASES.get(fmt.strip().lower())
        if f in allowed:
            return f
        if f == "json" and form == "graph":
            return "jsonld"
    if accept:
        prefs = []
        for i, part in enumerate(accept.split(",")):
            bits = [b.strip() for b in part.split(";")]
            q = 1.0
            for b in bits[1:]:
                if b.startswith("q="):
                    try:
                        q = float(b[2:])
                    except ValueError:
                        q = 0.0
            prefs.append((-q, i, bits[0].lower()))
        for _, _, mt in sorted(prefs):
            f = _FORMAT_ALIASES.get(mt)
            if f in allowed:
                return f
            if mt in ("*/*", "application/*") or (mt == "text/*" and form == "graph"):
                return default
    return default


def _json_term(t: list | None) -> dict | None:
    if t is None:
        return None
    if t[0] == "uri":
        return {"type": "uri", "value": t[1]}
    if t[0] == "bnode":
        return {"type": "bnode", "value": t[1]}
    out = {"type": "literal", "value": t[1]}
    if t[3]:
        out["xml:lang"] = t[3]
    elif t[2] and t[2] != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = t[2]
    return out


def _nt_term(t: list | None) -> str:
    if t is None:
        return ""
    if t[0] == "uri":
        return f"<{t[1]}>"
    if t[0] == "bnode":
        return f"_:{t[1]}"
    lit = str(ox.Literal(t[1]))  # escaped "..."
    if t[3]:
        return f"{lit}@{t[3]}"
    if t[2] and t[2] != "http://www.w3.org/2001/XMLSchema#string":
        return f"{lit}^^<{t[2]}>"
    return lit


def serialize_results(ans: dict, fmt: str) -> bytes:
    """SELECT/ASK answers as SPARQL JSON, XML, CSV or TSV."""
    if ans["form"] == "ask":
        b = ans["boolean"]
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": b}).encode()
        if fmt == "xml":
            return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                    f"<boolean>{'true' if b else 'false'}</boolean></sparql>\n").encode()
        if fmt == "csv":
            return f"_askResult\r\n{'true' if b else 'false'}\r\n".encode()
        return f"?_askResult\n{'true' if b else 'false'}\n".encode()
    names, rows = ans["vars"], ans["rows"]
    if fmt == "json":
        bindings = [{n: _json_term(t) for n, t in zip(names, row) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False).encode()
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(names)
        for row in rows:
            w.writerow(["" if t is None else ("_:" + t[1] if t[0] == "bnode" else t[1]) for t in row])
        return buf.getvalue().encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join("?" + n for n in names)]
        lines += ["\t".join(_nt_term(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    parts += [f'<variable name="{escape(n)}"/>' for n in names]
    parts.append("</head><results>")
    for row in rows:
        parts.append("<result>")
        for n, t in zip(names, row):
            if t is None:
                continue
            if t[0] == "uri":
                v = f"<uri>{escape(t[1])}</uri>"
            elif t[0] == "bnode":
                v = f"<bnode>{escape(t[1])}</bnode>"
            else:
                attr = f' xml:lang="{escape(t[3])}"' if t[3] else (f' datatype="{escape(t[2])}"' if t[2] else "")
                v = f"<literal{attr}>{escape(t[1])}</literal>"
            parts.append(f'<binding name="{escape(n)}">{v}</binding>')
        parts.append("</result>")
    parts.append("</results></sparql>\n")
    return "".join(parts).encode("utf-8")


def serialize_graph(ans: dict, fmt: str) -> bytes:
    fmts = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
            "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD}
    if fmt == "ntriples":
        return ans["ntriples"].encode("utf-8")
    triples = list(ox.parse(ans["ntriples"].encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    prefixes = {"vk": VK, "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                "skos": "http://www.w3.org/2004/02/skos/core#", "prov": "http://www.w3.org/ns/prov#"}
    kw = {"prefixes": prefixes} if fmt in ("turtle", "rdfxml") else {}
    return ox.serialize(triples, format=fmts[fmt], **kw)


# ================================================================ reading the graph for pages

def fold(s: str) -> str:
    """Lower case without diacritics (đ → d), for search."""
    s = unicodedata.normalize("NFD", (s or "").replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def _bind(query: str, **iris: str) -> str:
    """Put ``VALUES ?k { <iri> }`` where the query says ``#BIND`` (IRIs written as RDF terms, never pasted)."""
    values = " ".join(f"VALUES ?{k} {{ {ox.NamedNode(v)} }}" for k, v in iris.items())
    return query.replace("#BIND", values, 1)


@dataclass
class Explorer:
    """What the pages read: the store (read-only), the networkx projection, node fields."""
    graph_dir: Path

    def __post_init__(self) -> None:
        from kg.graph import to_networkx

        self.store = open_store(self.graph_dir)
        self.G = to_networkx(self.store)
        self._docs = select(self.store, PREFIXES + """
            SELECT ?d (SAMPLE(?sy) AS ?symbol) (SAMPLE(?lb) AS ?label) (SAMPLE(?ti) AS ?title)
                   (SAMPLE(?su) AS ?subject) (SAMPLE(?dt) AS ?date) (SAMPLE(?sc) AS ?scope) (SAMPLE(?lo) AS ?loaded)
                   (SAMPLE(?ty) AS ?typeName) (COUNT(DISTINCT ?citer) AS ?cited)
            WHERE { ?d a vk:Document . FILTER NOT EXISTS { ?d a vk:AmbiguousReference }
              OPTIONAL { ?d vk:symbol ?sy } OPTIONAL { ?d rdfs:label ?lb } OPTIONAL { ?d vk:title ?ti }
              OPTIONAL { ?d vk:subject ?su } OPTIONAL { ?d vk:date ?dt } OPTIONAL { ?d vk:scope ?sc }
              OPTIONAL { ?d vk:loaded ?lo }
              OPTIONAL { ?d vk:documentType/skos:prefLabel ?ty FILTER (LANG(?ty) = "vi") }
              OPTIONAL { ?citer vk:cites ?d }
            } GROUP BY ?d""")
        for d in self._docs:
            d["name"] = d["symbol"] or d["label"] or d["title"] or d["d"].rsplit("/", 1)[-1]
            d["text"] = " ".join(str(d[k]) for k in ("symbol", "label", "title", "subject") if d[k])
            d["folded"] = fold(d["text"])
            d["folded_symbol"] = fold(d["symbol"] or "")

    # ---- documents
    def search(self, q: str, limit: int = 100) -> list[dict]:
        fq = fold(q.strip())
        if not fq:
            return []
        words = fq.split()
        hits = []
        for d in self._docs:
            if d["folded_symbol"] and (d["folded_symbol"] == fq or d["folded_symbol"].split("@")[0] == fq):
                rank = 0
            elif d["folded_symbol"] and fq in d["folded_symbol"]:
                rank = 1
            elif all(w in d["folded"] for w in words):
                rank = 2
            else:
                continue
            hits.append((rank, not d["loaded"], -(d["cited"] or 0), d["name"], d))
        return [h[-1] for h in sorted(hits, key=lambda h: h[:4])][:limit]

    def documents(self, loaded: bool | None = None) -> list[dict]:
        return [d for d in self._docs if loaded is None or bool(d["loaded"]) == loaded]

    def fields(self, iri: str) -> dict[str, Any] | None:
        try:
            q = _bind(PREFIXES + """
            SELECT ?p ?o ?ol WHERE { #BIND ?d ?p ?o .
              OPTIONAL { ?o skos:prefLabel|rdfs:label ?ol FILTER (LANG(?ol) IN ("vi", "")) } }""", d=iri)
        except ValueError:
            return None
        rows = select(self.store, q)
        if not rows:
            return None
        f: dict[str, list] = {}
        for r in rows:
            key = r["p"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            val = (r["o"], r["ol"]) if r["ol"] is not None else r["o"]
            if val not in f.setdefault(key, []):
                f[key].append(val)
        return f

    def relations(self, iri: str, outgoing: bool) -> list[dict]:
        edges = self.G.out_edges(iri, keys=True, data=True) if outgoing else self.G.in_edges(iri, keys=True, data=True)
        out = []
        for u, v, k, data in edges:
            other = v if outgoing else u
            n = self.G.nodes[other]
            out.append({"iri": other, "name": n.get("symbol") or n.get("label") or other, "date": n.get("date"),
                        "relation": k, "quote": data.get("quote"), "source": data.get("source")})
        order = {"implements": 0, "continues": 0, "concretizes": 0, "basedOn": 1, "amends": 1, "issuedByDecision": 1}
        return sorted(out, key=lambda r: (order.get(r["relation"], 5), r["date"] or "", r["name"]))

    def implementers(self, iri: str, symbol: str | None) -> list[dict]:
        from kg.graph import implementers as graph_implementers
        from kg.query import run_named

        if symbol:
            try:
                rows = [r for r in run_named("implementers", {"doc": symbol}, store=self.store) if r.get("doc") == iri]
                return [{"iri": r["implementer"], "name": r["symbol"], "date": r["date"], "province": r["province"],
                         "direct": r["direct"], "delay": r["delayDays"], "loaded": r["loaded"]} for r in rows]
            except Exception:   # a symbol the named query cannot bind: fall back on the networkx projection
                pass
        out = []
        for n in graph_implementers(self.G, iri):
            a = self.G.nodes[n]
            out.append({"iri": n, "name": a.get("symbol") or a.get("label") or n, "date": a.get("date"),
                        "province": None, "direct": self.G.has_edge(n, iri), "delay": None, "loaded": a.get("loaded")})
        return out

    def tasks(self, doc: str | None = None, agency: str | None = None) -> list[dict]:
        if doc:
            where, b = "?t vk:inDocument ?doc .", {"doc": doc}
        else:
            where, b = "{ ?ag vk:leads ?t . BIND (\"chủ trì\" AS ?role) } UNION { ?ag vk:cooperatesOn ?t . BIND (\"phối hợp\" AS ?role) }", {"ag": agency}
        rows = select(self.store, _bind(PREFIXES + f"""
            SELECT ?t ?doc ?docName ?section ?ordinal ?content ?deadline ?deadlineDate ?role
                   (GROUP_CONCAT(DISTINCT CONCAT(STR(?la), "|", STR(?ln)); separator="\\n") AS ?leads)
                   (GROUP_CONCAT(DISTINCT STR(?cn); separator="; ") AS ?coop)
            WHERE {{ #BIND {where}
              ?t a vk:Task ; vk:inDocument ?doc ; vk:content ?content .
              OPTIONAL {{ ?doc vk:symbol ?ds }} OPTIONAL {{ ?doc rdfs:label ?dl }}
              BIND (COALESCE(?ds, STR(?dl)) AS ?docName)
              OPTIONAL {{ ?t vk:section ?section }} OPTIONAL {{ ?t vk:ordinal ?ordinal }}
              OPTIONAL {{ ?t vk:deadline ?deadline }} OPTIONAL {{ ?t vk:deadlineDate ?deadlineDate }}
              OPTIONAL {{ ?la vk:leads ?t ; skos:prefLabel ?ln }}
              OPTIONAL {{ ?ca vk:cooperatesOn ?t ; skos:prefLabel ?cn }}
            }} GROUP BY ?t ?doc ?docName ?section ?ordinal ?content ?deadline ?deadlineDate ?role""", **b))
        for r in rows:
            r["leads"] = [tuple(x.split("|", 1)) for x in (r["leads"] or "").split("\n") if "|" in x]
            o = str(r["ordinal"] or "")
            r["_key"] = (str(r["section"] or ""), int(o) if o.isdigit() else 10**6, o)
        if doc:
            rows.sort(key=lambda r: r["_key"])
        else:
            rows.sort(key=lambda r: (r["deadlineDate"] or "9999", r["docName"] or "", r["_key"]))
        return rows

    def planned(self, symbol: str | None, iri: str) -> list[dict]:
        from kg.query import run_named

        if not symbol:
            return []
        try:
            return [r for r in run_named("planned-vs-issued", {"doc": symbol}, store=self.store) if r.get("doc") == iri]
        except Exception:
            return []

    def coverage(self, symbol: str | None = None) -> list[dict]:
        from kg.query import run_named

        try:
            return run_named("coverage", {"doc": symbol} if symbol else {}, store=self.store)
        except Exception:
            return []

    def agencies(self) -> list[dict]:
        return select(self.store, PREFIXES + """
            SELECT ?a ?name ?province (COUNT(DISTINCT ?tl) AS ?led) (COUNT(DISTINCT ?tc) AS ?coop) WHERE {
              ?a a vk:Agency ; skos:prefLabel ?n . BIND (STR(?n) AS ?name)
              OPTIONAL { ?a vk:inProvince/skos:prefLabel ?pl } BIND (STR(?pl) AS ?province)
              OPTIONAL { ?a vk:leads ?tl . ?tl a vk:Task }
              OPTIONAL { ?a vk:cooperatesOn ?tc . ?tc a vk:Task }
            } GROUP BY ?a ?name ?province ORDER BY DESC(?led) DESC(?coop) ?name""")

    def agency(self, iri: str) -> dict | None:
        try:
            _bind("#BIND", a=iri)
        except ValueError:
            return None
        rows = select(self.store, _bind(PREFIXES + """
            SELECT ?name ?province ?succ WHERE { #BIND ?a a vk:Agency ; skos:prefLabel ?n . BIND (STR(?n) AS ?name)
              OPTIONAL { ?a vk:inProvince/skos:prefLabel ?pl } BIND (STR(?pl) AS ?province)
              OPTIONAL { ?a vk:succeededBy/skos:prefLabel ?s } BIND (STR(?s) AS ?succ) } LIMIT 1""", a=iri))
        if not rows:
            return None
        a = rows[0]
        a["planned"] = select(self.store, _bind(PREFIXES + """
            SELECT ?p ?title ?kind ?deadline ?deadlineDate ?docName ?doc WHERE { #BIND
              ?a vk:leads ?p . ?p a vk:PlannedDocument ; vk:title ?title ; vk:inDocument ?doc .
              OPTIONAL { ?p vk:kind ?kind } OPTIONAL { ?p vk:deadline ?deadline } OPTIONAL { ?p vk:deadlineDate ?deadlineDate }
              OPTIONAL { ?doc vk:symbol ?ds } OPTIONAL { ?doc rdfs:label ?dl } BIND (COALESCE(?ds, STR(?dl)) AS ?docName)
            } ORDER BY ?deadlineDate ?title""", a=iri))
        a["issued"] = select(self.store, _bind(PREFIXES + """
            SELECT ?d ?symbol ?date WHERE { #BIND ?d vk:issuedBy ?a . OPTIONAL { ?d vk:symbol ?symbol } OPTIONAL { ?d vk:date ?date } }
            ORDER BY ?date""", a=iri))
        return a


# ================================================================ HTML

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 0; color: #1b1b1b; background: #fafafa; }
header { background: #8e1b1b; color: #fff; padding: 10px 18px; display: flex; gap: 18px; align-items: center; flex-wrap: wrap; }
header a { color: #fff; text-decoration: none; font-weight: bold; }
header form { margin-left: auto; }
header input[type=search] { width: 280px; padding: 4px; }
main { padding: 14px 22px; max-width: 1200px; }
table { border-collapse: collapse; margin: 8px 0 18px; background: #fff; }
th, td { border: 1px solid #ddd; padding: 4px 8px; vertical-align: top; text-align: left; font-size: 14px; }
th { background: #f1e6e6; }
blockquote { margin: 2px 0; padding: 2px 8px; border-left: 3px solid #c0392b; color: #444; font-size: 13px; }
.muted { color: #777; font-size: 13px; }
iframe { width: 100%; height: 560px; border: 1px solid #ccc; background: #fff; }
.yes { color: #1e7b34; font-weight: bold; } .no { color: #a61b1b; font-weight: bold; }
textarea { width: 100%; font-family: monospace; }
"""

REL_VI = {"implements": "thực hiện", "continues": "tiếp tục thực hiện", "concretizes": "cụ thể hóa",
          "basedOn": "căn cứ", "amends": "sửa đổi, bổ sung", "issuedByDecision": "ban hành kèm theo",
          "cites": "dẫn chiếu", "replaces": "thay thế", "repeals": "bãi bỏ", "guides": "hướng dẫn",
          "reviews": "sơ kết, tổng kết", "fulfilledBy": "được thực hiện bởi"}


def _e(v: Any) -> str:
    return "" if v is None else escape(str(v))


def _vn_date(d: Any) -> str:
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})$", str(d or ""))
    return f"{m[3]}/{m[2]}/{m[1]}" if m else _e(d)


def doc_link(iri: str, name: str) -> str:
    return f'<a href="/doc?iri={quote(iri, safe="")}">{_e(name)}</a>'


def agency_link(iri: str, name: str) -> str:
    return f'<a href="/agency?iri={quote(iri, safe="")}">{_e(name)}</a>'


def page(title: str, body: str, q: str = "") -> bytes:
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_e(title)} · Văn kiện</title>
<style>{CSS}</style></head><body>
<header><a href="/">Văn kiện · đồ thị tri thức</a><a href="/coverage">Văn bản Trung ương</a>
<a href="/agencies">Cơ quan</a><a href="/sparql">SPARQL</a>
<form action="/search" method="get" role="search"><input type="search" name="q" id="q" value="{_e(q)}"
 placeholder="Số ký hiệu hoặc trích yếu, ví dụ 43-NQ/TW" aria-label="Tìm văn bản"> <button type="submit" id="search-button">Tìm</button></form>
</header><main><h1>{_e(title)}</h1>{body}</main></body></html>""".encode("utf-8")


def _table(headers: list[str], rows: list[list[str]], id_: str | None = None, empty: str = "Không có.") -> str:
    if not rows:
        return f'<p class="muted"{f" id={chr(34)}{id_}{chr(34)}" if id_ else ""}>{empty}</p>'
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table{f" id={chr(34)}{id_}{chr(34)}" if id_ else ""}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _first(f: dict, key: str) -> Any:
    v = f.get(key) or []
    if not v:
        return None
    x = v[0]
    return x[1] if isinstance(x, tuple) else x


def render_home(ex: Explorer) -> bytes:
    loaded = sorted(ex.documents(True), key=lambda d: d["date"] or "")
    central = sorted((d for d in ex.documents(False) if d["scope"] == "central" and d["symbol"]),
                     key=lambda d: (-(d["cited"] or 0), d["name"]))[:15]
    n_rel = ex.G.number_of_edges()
    body = [f'<p>{len(ex._docs)} văn bản ({len(loaded)} có trong kho), {n_rel} quan hệ trích dẫn. '
            'Tìm văn bản theo số ký hiệu hoặc theo các từ trong trích yếu.</p>',
            '<h2>Văn bản trong kho</h2>',
            _table(["Số, ký hiệu", "Ngày", "Tên / trích yếu"],
                   [[doc_link(d["d"], d["name"]), _vn_date(d["date"]), _e(d["title"] or d["subject"] or d["label"])]
                    for d in loaded], "loaded"),
            '<h2>Văn bản Trung ương được dẫn nhiều nhất</h2>',
            _table(["Số, ký hiệu", "Ngày", "Trích yếu", "Số văn bản dẫn"],
                   [[doc_link(d["d"], d["name"]), _vn_date(d["date"]), _e(d["subject"]), _e(d["cited"])] for d in central])]
    return page("Khám phá văn kiện", "".join(body))


def render_search(ex: Explorer, q: str) -> bytes:
    hits = ex.search(q)
    rows = [[doc_link(d["d"], d["name"]), _e(d["typeName"]), _vn_date(d["date"]),
             _e(d["subject"] or d["title"] or (d["label"] if d["symbol"] else "")),
             "có trong kho" if d["loaded"] else "chỉ được dẫn"] for d in hits]
    body = f'<p>{len(hits)} kết quả cho «{_e(q)}».</p>' + _table(
        ["Số, ký hiệu", "Loại", "Ngày", "Trích yếu", "Trạng thái"], rows, "results", "Không tìm thấy văn bản nào.")
    return page("Kết quả tìm kiếm", body, q)


def render_doc(ex: Explorer, iri: str) -> bytes | None:
    f = ex.fields(iri)
    if f is None or iri not in ex.G:
        return None
    sym = _first(f, "symbol")
    name = sym or _first(f, "label") or _first(f, "title") or iri
    typ = next((x[1] for x in f.get("documentType", []) if isinstance(x, tuple)), None)
    issuer = _first(f, "issuingBody") or _first(f, "issuedBy")
    scope = _first(f, "scope") or ""
    level = "Trung ương" if scope == "central" else "Cấp tỉnh" if scope.startswith("province") else \
        "Nhà nước" if scope.startswith("state") else \
        "Đảng ủy trực thuộc tỉnh" if scope.startswith("unit:") else scope
    files = [Path(str(x[1] if isinstance(x, tuple) else x)).name for x in f.get("loadedFrom", [])]
    fields = [("Số, ký hiệu", _e(sym)), ("Loại văn bản", _e(typ)), ("Ngày ban hành", _vn_date(_first(f, "date"))),
              ("Cơ quan ban hành", _e(issuer)), ("Tên văn bản", _e(_first(f, "title"))),
              ("Trích yếu", _e(_first(f, "subject"))), ("Cấp", _e(level)), ("Tỉnh", _e(_first(f, "inProvince"))),
              ("Khóa", _e(_first(f, "hasTerm"))), ("Người ký", _e(_first(f, "signedBy"))),
              ("Có trong kho", "Có" if _first(f, "loaded") else "Không (chỉ được dẫn)"),
              ("Tệp nguồn", _e(", ".join(files))), ("IRI", f"<code>{_e(iri)}</code>")]
    body = ['<table id="fields">' + "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in fields if v) + "</table>"]
    body.append(f'<h2>Dòng văn bản</h2><p class="muted">Kéo, phóng to, di chuột lên nút hoặc cạnh để xem chi tiết. '
                f'<a href="/viz?iri={quote(iri, safe="")}" target="_blank">Mở toàn màn hình</a></p>'
                f'<iframe id="lineage" src="/viz?iri={quote(iri, safe="")}&amp;depth=2" title="Dòng văn bản"></iframe>')
    impl = ex.implementers(iri, sym)
    body.append("<h2>Các văn bản thực hiện</h2>" + _table(
        ["Số, ký hiệu", "Ngày", "Tỉnh", "Trực tiếp", "Sau (ngày)", "Trong kho"],
        [[doc_link(r["iri"], r["name"]), _vn_date(r["date"]), _e(r["province"]), "có" if r["direct"] else "gián tiếp",
          _e(r["delay"]), "có" if r["loaded"] else "không"] for r in impl], "implementers",
        "Chưa có văn bản nào trong đồ thị thực hiện văn bản này."))
    if scope == "central" and sym:
        cov = [r for r in ex.coverage(sym) if r.get("doc") == iri]
        body.append("<h2>Độ phủ theo tỉnh</h2>" + _table(
            ["Tỉnh", "Đã có văn bản thực hiện", "Văn bản thực hiện"],
            [[_e(r["province"]), '<span class="yes">Có</span>' if r["covered"] else '<span class="no">Chưa</span>',
              _e(r["implementers"])] for r in cov], "coverage"))
    for title, outgoing, id_ in (("Văn bản này dẫn chiếu", True, "cites"), ("Được dẫn chiếu bởi", False, "cited-by")):
        rels = ex.relations(iri, outgoing)
        body.append(f"<h2>{title}</h2>" + _table(
            ["Quan hệ", "Văn bản", "Ngày", "Trích dẫn (bằng chứng)"],
            [[_e(REL_VI.get(r["relation"], r["relation"])), doc_link(r["iri"], r["name"]), _vn_date(r["date"]),
              f'<blockquote>{_e(r["quote"])}</blockquote><span class="muted">{_e(Path(str(r["source"] or "")).name)}</span>']
             for r in rels], id_))
    tasks = ex.tasks(doc=iri)
    if tasks:
        body.append(f"<h2>Nhiệm vụ ({len(tasks)})</h2>" + _table(
            ["Mục", "TT", "Nội dung", "Cơ quan chủ trì", "Phối hợp", "Thời hạn"],
            [[_e(t["section"]), _e(t["ordinal"]), _e(t["content"]),
              "<br>".join(agency_link(a, n) for a, n in t["leads"]), _e(t["coop"]), _e(t["deadline"])] for t in tasks],
            "tasks"))
    planned = ex.planned(sym, iri)
    if planned:
        body.append("<h2>Văn bản dự kiến ban hành</h2>" + _table(
            ["TT", "Loại", "Tên", "Thời hạn", "Trạng thái", "Đã ban hành", "Chậm (ngày)"],
            [[_e(p["ordinal"]), _e(p["kind"]), _e(p["title"]), _e(p["deadline"]),
              "đã ban hành" if p["status"] == "issued" else "chưa thấy", _e(p["issuedSymbol"]), _e(p["delayDays"])]
             for p in planned], "planned"))
    return page(f"{name}" + (f" — {typ}" if typ else ""), "".join(body))


def render_agency(ex: Explorer, iri: str) -> bytes | None:
    a = ex.agency(iri)
    if a is None:
        return None
    tasks = ex.tasks(agency=iri)
    led = [t for t in tasks if t["role"] == "chủ trì"]
    coop = [t for t in tasks if t["role"] != "chủ trì"]

    def rows(ts):
        return [[doc_link(t["doc"], t["docName"] or t["doc"]), _e(".".join(str(x) for x in (t["section"], t["ordinal"]) if x)),
                 _e(t["content"]), _e(t["deadline"]), _vn_date(t["deadlineDate"])] for t in ts]

    body = [f'<p>Tỉnh: {_e(a["province"] or "—")}' + (f' · được kế thừa bởi: {_e(a["succ"])}' if a["succ"] else "") + "</p>",
            f"<h2>Nhiệm vụ chủ trì ({len(led)})</h2>",
            _table(["Văn bản", "TT", "Nội dung", "Thời hạn", "Hạn cuối"], rows(led), "led"),
            f"<h2>Nhiệm vụ phối hợp ({len(coop)})</h2>",
            _table(["Văn bản", "TT", "Nội dung", "Thời hạn", "Hạn cuối"], rows(coop), "cooperating")]
    if a["planned"]:
        body.append("<h2>Văn bản dự kiến chủ trì soạn thảo</h2>" + _table(
            ["Văn bản", "Loại", "Tên", "Thời hạn"],
            [[doc_link(p["doc"], p["docName"] or p["doc"]), _e(p["kind"]), _e(p["title"]), _e(p["deadline"])]
             for p in a["planned"]]))
    if a["issued"]:
        body.append("<h2>Văn bản ban hành</h2>" + _table(
            ["Văn bản", "Ngày"], [[doc_link(d["d"], d["symbol"] or d["d"]), _vn_date(d["date"])] for d in a["issued"]]))
    return page(a["name"], "".join(body))


def render_agencies(ex: Explorer) -> bytes:
    rows = [[agency_link(a["a"], a["name"]), _e(a["province"]), _e(a["led"]), _e(a["coop"])] for a in ex.agencies()]
    return page("Cơ quan, tổ chức", _table(["Cơ quan", "Tỉnh", "Nhiệm vụ chủ trì", "Nhiệm vụ phối hợp"], rows, "agencies"))


def render_coverage(ex: Explorer) -> bytes:
    rows = ex.coverage()
    provinces = sorted({r["province"] for r in rows})
    by_doc: dict[str, dict] = {}
    for r in rows:
        d = by_doc.setdefault(r["doc"], {"symbol": r["symbol"], "date": r["date"], "cells": {}})
        d["cells"][r["province"]] = r
    out = []
    for iri, d in by_doc.items():
        cells = []
        for p in provinces:
            c = d["cells"].get(p)
            cells.append(f'<span class="yes">{_e(c["implementers"])}</span>' if c and c["covered"] else '<span class="no">—</span>')
        out.append([doc_link(iri, d["symbol"]), _vn_date(d["date"])] + cells)
    body = ('<p>Mỗi văn bản Trung ương được dẫn trong kho, và văn bản của từng tỉnh thực hiện nó (trực tiếp hoặc gián tiếp).</p>'
            + _table(["Văn bản Trung ương", "Ngày"] + provinces, out, "coverage"))
    return page("Độ phủ văn bản Trung ương theo tỉnh", body)


SPARQL_FORM = """<form method="post" action="/sparql" accept-charset="utf-8">
<textarea name="query" rows="14">{q}</textarea><br>
<label>Định dạng <select name="format"><option value="json">JSON</option><option value="csv">CSV</option>
<option value="tsv">TSV</option><option value="xml">XML</option><option value="turtle">Turtle (CONSTRUCT)</option></select></label>
<button type="submit">Chạy truy vấn</button></form>
<p class="muted">Điểm truy vấn SPARQL 1.1 chỉ đọc: GET <code>/sparql?query=…</code> hoặc POST; kết quả JSON, XML, CSV, TSV
(Turtle cho CONSTRUCT/DESCRIBE). Giới hạn thời gian {t:g} giây, tối đa {n} dòng.</p>"""

EXAMPLE_QUERY = PREFIXES + """SELECT ?impl ?symbol ?date WHERE {
  ?impl vk:implements ?doc ; vk:symbol ?symbol . ?doc vk:symbol "43-NQ/TW" .
  OPTIONAL { ?impl vk:date ?date }
}"""


# ================================================================ the HTTP server

class ExplorerServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024      # a burst of connections waits in the backlog, not refused
    allow_reuse_address = True

    def __init__(self, address, explorer: Explorer, pool: QueryPool):
        self.explorer = explorer
        self.pool = pool
        super().__init__(address, Handler)

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


class Handler(BaseHTTPRequestHandler):
    server: ExplorerServer
    protocol_version = "HTTP/1.1"
    server_version = "vankien-kg"
    timeout = 60

    def log_message(self, fmt: str, *args) -> None:   # quiet; set KG_SERVE_LOG=1 to see requests
        if os.environ.get("KG_SERVE_LOG"):
            super().log_message(fmt, *args)

    # ---- responses
    def send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        if "text/html" in (self.headers.get("Accept") or "") and not self.path.startswith("/sparql"):
            self.send(status, page(f"Lỗi {status}", f"<p>{_e(message)}</p>"), headers=headers)
        else:
            self.send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8", headers)

    # ---- methods
    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        self._dispatch(None)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > 1 << 20:
            return self.error(413, "request body too large (max 1 MiB)")
        self._dispatch(self.rfile.read(length) if length else b"")

    def _dispatch(self, body: bytes | None) -> None:
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        arg = lambda k, d="": (params.get(k) or [d])[0]  # noqa: E731
        ex = self.server.explorer
        try:
            if url.path == "/sparql":
                return self._sparql(params, body)
            if body is not None:
                return self.error(405, "method not allowed", {"Allow": "GET, HEAD"})
            if url.path == "/":
                return self.send(200, render_home(ex))
            if url.path == "/search":
                return self.send(200, render_search(ex, arg("q")))
            if url.path == "/doc":
                html = render_doc(ex, arg("iri"))
                return self.send(200, html) if html else self.error(404, "Không có văn bản này trong đồ thị.")
            if url.path == "/agency":
                html = render_agency(ex, arg("iri"))
                return self.send(200, html) if html else self.error(404, "Không có cơ quan này trong đồ thị.")
            if url.path == "/agencies":
                return self.send(200, render_agencies(ex))
            if url.path == "/coverage":
                return self.send(200, render_coverage(ex))
            if url.path == "/viz":
                return self._viz(arg)
            if url.path == "/healthz":
                return self.send(200, json.dumps({"ok": True, **self.server.pool.status()}).encode(), "application/json")
            return self.error(404, "Không tìm thấy trang.")
        except (BrokenPipeError, ConnectionResetError):
            return
        except Exception as exc:  # a page bug must not take the server down
            return self.error(500, f"internal error: {type(exc).__name__}: {exc}")

    def _viz(self, arg) -> None:
        try:
            depth = max(1, min(6, int(arg("depth", "3"))))
        except ValueError:
            depth = 3
        direction = arg("direction", "both")
        layout = arg("layout", "hierarchical")
        try:
            html = _viz_html(self.server.explorer, arg("iri"), depth, direction, layout)
        except ValueError as exc:
            return self.error(400, str(exc))
        self.send(200, html)

    # ---- the SPARQL 1.1 Protocol
    def _sparql(self, params: dict, body: bytes | None) -> None:
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        query = None
        if body is not None:
            if ctype == "application/sparql-update":
                return self.error(403, "read-only endpoint: SPARQL Update is not accepted")
            if ctype == "application/sparql-query":
                query = body.decode("utf-8", errors="replace")
            elif ctype in ("application/x-www-form-urlencoded", ""):
                form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
                if "update" in form:
                    return self.error(403, "read-only endpoint: SPARQL Update is not accepted")
                params = {**params, **form}
                query = (form.get("query") or [None])[0]
            else:
                return self.error(415, f"unsupported content type {ctype!r}; use application/sparql-query "
                                       "or application/x-www-form-urlencoded")
        if "update" in params:
            return self.error(403, "read-only endpoint: SPARQL Update is not accepted")
        if query is None:
            query = (params.get("query") or [None])[0]
        fmt = (params.get("format") or params.get("output") or params.get("results") or [None])[0]
        accept = self.headers.get("Accept")
        if not query:
            if body is None and "text/html" in (accept or ""):
                pool = self.server.pool
                return self.send(200, page("Truy vấn SPARQL", SPARQL_FORM.format(
                    q=_e(EXAMPLE_QUERY), t=pool.timeout, n=pool.max_rows)))
            return self.error(400, "missing 'query' parameter")
        if is_update(query):
            return self.error(403, "read-only endpoint: SPARQL Update is not accepted")
        try:
            ans = self.server.pool.run(query)
        except QueryTimeout as exc:
            return self.error(504, f"query timeout: {exc}")
        except PoolBusy as exc:
            return self.error(503, f"busy: {exc}; retry later", {"Retry-After": "1"})
        except QueryFailed as exc:
            return self.error(500, str(exc))
        if "error" in ans:
            return self.error(400, f"{'syntax error' if ans['error'] == 'syntax' else 'query error'}: {ans['message']}")
        extra = {"X-Vankien-Truncated": "true"} if ans.get("truncated") else {}
        if ans["form"] == "graph":
            f = negotiate("graph", fmt, accept)
            return self.send(200, serialize_graph(ans, f), GRAPH_TYPES[f] + "; charset=utf-8", extra)
        f = negotiate("select", fmt, accept)
        self.send(200, serialize_results(ans, f), SELECT_TYPES[f] + "; charset=utf-8", extra)


_viz_lock = threading.Lock()


def _viz_html(ex: Explorer, iri: str, depth: int, direction: str, layout: str) -> bytes:
    key = (id(ex), iri, depth, direction, layout)
    with _viz_lock:
        hit = _VIZ_CACHE.get(key)
    if hit is not None:
        return hit
    from kg.viz import VizError, lineage_view, render_html

    try:
        view = lineage_view(iri, store=ex.store, G=ex.G, depth=depth, direction=direction)
        html = render_html(view, layout=layout).encode("utf-8")
    except (VizError, KeyError) as exc:
        raise ValueError(str(exc)) from exc
    with _viz_lock:
        if len(_VIZ_CACHE) > 64:
            _VIZ_CACHE.clear()
        _VIZ_CACHE[key] = html
    return html


_VIZ_CACHE: dict[tuple, bytes] = {}


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_server(graph_dir: str | Path = "kg-graph", host: str = "127.0.0.1", port: int = 8000,
                query_timeout: float = 10.0, max_rows: int = 10000, workers: int = 2) -> ExplorerServer:
    """The server, bound and ready (``server.server_address`` has the port when ``port=0``)."""
    explorer = Explorer(Path(graph_dir))
    pool = QueryPool(Path(graph_dir) / STORE_DIR, workers=workers, timeout=query_timeout, max_rows=max_rows)
    try:
        return ExplorerServer((host, port), explorer, pool)
    except OSError:
        pool.close()
        raise
