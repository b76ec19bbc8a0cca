"""Pictures of the graph: lineage views (pyvis, offline HTML) and static figures (matplotlib).

A *view* is a small subgraph ready to draw: the lineage of one document, or the result of a
named query. It is read from the built graph with the public helpers of :mod:`kg.graph`
(the networkx projection of the relation statements) and :mod:`kg.store` (node fields),
so the pictures show exactly what ``kg query`` answers.

* nodes are coloured by level (Trung ương / tỉnh / Nhà nước) and shaped by type
  (Nghị quyết, Chương trình, Kế hoạch, Đề án, Chỉ thị, Kết luận, Quyết định/Quy định, other
  documents, agencies, tasks);
* edges are styled by relation (implements, continues, based on, amends, issued by decision,
  references) and carry the quote that evidences them;
* tooltips are plain text (vis-network shows strings as text, never as HTML): symbol, type,
  date, issuing body, subject, and for an edge the quote and the file;
* the HTML embeds vis-network (the copy shipped inside pyvis) through a template of our own:
  pyvis' stock template always links Bootstrap from a CDN, ours fetches nothing;
* the static picture uses DejaVu Sans (shipped with matplotlib), which has the Vietnamese
  diacritics.

>>> sorted(LEVEL_COLORS)
['agency', 'central', 'other', 'province', 'state', 'task']
"""
from __future__ import annotations

import json
import math
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import networkx as nx
import pyoxigraph as ox

from kg.graph import find as find_nodes
from kg.graph import to_networkx
from kg.store import open_store, select

VK = "https://vankien.example.org/ontology#"

# ---------------------------------------------------------------- styles

LEVEL_COLORS = {
    "central": "#c0392b",   # Trung ương
    "province": "#1f6fb4",  # tỉnh, thành phố
    "state": "#239b56",     # Nhà nước
    "other": "#7f8c8d",
    "task": "#f4d03f",
    "agency": "#8e44ad",
}
LEVEL_LABELS = {
    "central": "Trung ương", "province": "Cấp tỉnh", "state": "Nhà nước", "other": "Khác",
    "task": "Nhiệm vụ", "agency": "Cơ quan, tổ chức",
}

# type key -> (Vietnamese label, vis shape, matplotlib marker, legend glyph)
TYPES: dict[str, tuple[str, str, str, str]] = {
    "resolution": ("Nghị quyết", "dot", "o", "●"),
    "programme": ("Chương trình", "square", "s", "■"),
    "plan": ("Kế hoạch", "triangle", "^", "▲"),
    "project": ("Đề án", "diamond", "D", "◆"),
    "directive": ("Chỉ thị", "star", "*", "★"),
    "conclusion": ("Kết luận", "triangleDown", "v", "▼"),
    "decision": ("Quyết định / Quy định", "hexagon", "h", "⬢"),
    "document": ("Văn bản khác", "dot", ".", "•"),
    "agency": ("Cơ quan, tổ chức", "box", "s", "▭"),
    "task": ("Nhiệm vụ", "ellipse", "o", "○"),
    "province": ("Tỉnh, thành phố", "database", "p", "⛁"),
    "other": ("Khác", "dot", ".", "•"),
}
_CLASS_TYPE = {
    "Resolution": "resolution", "Programme": "programme", "Plan": "plan", "Project": "project",
    "Directive": "directive", "Conclusion": "conclusion", "Decision": "decision",
    "Regulation": "decision", "Rules": "decision",
}

# relation -> (Vietnamese label, colour, dashes (vis), width, matplotlib linestyle)
RELATIONS: dict[str, tuple[str, str, Any, float, Any]] = {
    "implements": ("thực hiện", "#2c3e50", False, 2.4, "-"),
    "continues": ("tiếp tục thực hiện", "#d35400", False, 2.4, "-"),
    "concretizes": ("cụ thể hóa", "#2c3e50", [10, 4], 2.0, (0, (6, 2))),
    "basedOn": ("căn cứ", "#16a085", [6, 4], 1.6, "--"),
    "amends": ("sửa đổi, bổ sung", "#c0392b", [2, 3], 2.0, ":"),
    "issuedByDecision": ("ban hành kèm theo", "#8e44ad", [12, 3, 2, 3], 2.0, "-."),
    "cites": ("dẫn chiếu", "#b3b6b7", [3, 5], 1.0, (0, (1, 3))),
    "hasTask": ("nhiệm vụ của văn bản", "#d4ac0d", False, 0.8, "-"),
    "leads": ("chủ trì", "#8e44ad", False, 1.0, "-"),
    "row": ("cùng dòng kết quả", "#95a5a6", [4, 4], 1.0, "--"),
}
# what the contract calls them (based_on, issued_by_decision, references) -> graph keys
RELATION_ALIASES = {"based_on": "basedOn", "issued_by_decision": "issuedByDecision", "references": "cites",
                    "implement": "implements"}

LINEAGE_RELATIONS = ("implements", "continues", "concretizes", "basedOn", "amends", "issuedByDecision")
# when two statements link the same pair, draw only the most specific
_SPECIFICITY = {"continues": 0, "concretizes": 0, "amends": 1, "issuedByDecision": 1, "basedOn": 2,
                "implements": 3, "cites": 9}


# ---------------------------------------------------------------- the view model

@dataclass
class VNode:
    id: str
    kind: str = "document"            # document | task | agency | province | other
    type: str = "document"            # a key of TYPES
    level: str = "other"              # a key of LEVEL_COLORS
    symbol: str | None = None
    label: str | None = None          # rdfs:label / skos:prefLabel / title
    date: str | None = None
    issuing_body: str | None = None
    subject: str | None = None
    province: str | None = None
    loaded: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """What the node is called on screen."""
        if self.kind == "task":
            return self.extra.get("short") or "Nhiệm vụ"
        text = self.symbol or self.label or self.id.rsplit("/", 1)[-1]
        if self.symbol and self.extra.get("qualifier"):
            text = f"{self.symbol}@{self.extra['qualifier']}"
        return text if len(text) <= 42 else text[:40] + "…"


@dataclass
class VEdge:
    source: str
    target: str
    relation: str
    quote: str | None = None
    file: str | None = None
    label: str | None = None


@dataclass
class View:
    title: str
    nodes: dict[str, VNode] = field(default_factory=dict)
    edges: list[VEdge] = field(default_factory=list)
    focus: str | None = None

    def symbols(self) -> list[str]:
        return sorted(n.symbol for n in self.nodes.values() if n.symbol)


class VizError(ValueError):
    """The view cannot be drawn (unknown document, bad option)."""


# ---------------------------------------------------------------- reading node fields

_INFO = f"""
PREFIX vk: <{VK}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?n (GROUP_CONCAT(DISTINCT STR(?t); separator=" ") AS ?types)
       (SAMPLE(?sy) AS ?symbol) (SAMPLE(?lb) AS ?label) (SAMPLE(?ti) AS ?title) (SAMPLE(?su) AS ?subject)
       (SAMPLE(?dt) AS ?date) (SAMPLE(?sc) AS ?scope) (SAMPLE(?lo) AS ?loaded)
       (SAMPLE(?ib) AS ?issuingBody) (SAMPLE(?ibn) AS ?issuer) (SAMPLE(?pv) AS ?province)
       (SAMPLE(?co) AS ?content) (SAMPLE(?dl) AS ?deadline) (SAMPLE(?dd) AS ?deadlineDate)
       (SAMPLE(?od) AS ?ordinal) (SAMPLE(?se) AS ?section) (SAMPLE(?ld) AS ?lead)
       (SAMPLE(?path) AS ?file)
WHERE {{
  #VALUES
  OPTIONAL {{ ?n a ?t }}
  OPTIONAL {{ ?n vk:symbol ?sy }}
  OPTIONAL {{ {{ ?n rdfs:label ?lb }} UNION {{ ?n skos:prefLabel ?lb }} }}
  OPTIONAL {{ ?n vk:title ?ti }}
  OPTIONAL {{ ?n vk:subject ?su }}
  OPTIONAL {{ ?n vk:date ?dt }}
  OPTIONAL {{ ?n vk:scope ?sc }}
  OPTIONAL {{ ?n vk:loaded ?lo }}
  OPTIONAL {{ ?n vk:issuingBody ?ib }}
  OPTIONAL {{ ?n vk:issuedBy/skos:prefLabel ?ibn }}
  OPTIONAL {{ ?n vk:inProvince/skos:prefLabel ?pv }}
  OPTIONAL {{ ?n vk:content ?co }}
  OPTIONAL {{ ?n vk:deadline ?dl }}
  OPTIONAL {{ ?n vk:deadlineDate ?dd }}
  OPTIONAL {{ ?n vk:ordinal ?od }}
  OPTIONAL {{ ?n vk:section ?se }}
  OPTIONAL {{ ?ag vk:leads ?n ; skos:prefLabel ?ld }}
  OPTIONAL {{ ?n vk:loadedFrom/vk:path ?path }}
}} GROUP BY ?n"""


def _level(scope: str | None, kind: str) -> str:
    if kind in ("task", "agency"):
        return kind
    s = scope or ""
    if s == "central":
        return "central"
    if s.startswith("province"):
        return "province"
    if s.startswith("state"):
        return "state"
    return "other"


def node_info(store: ox.Store, iris: Iterable[str]) -> dict[str, VNode]:
    """Fields of the nodes named by ``iris`` (documents, tasks, agencies, provinces…)."""
    iris = sorted(set(iris))
    out: dict[str, VNode] = {}
    for start in range(0, len(iris), 400):
        chunk = iris[start:start + 400]
        values = "VALUES ?n { " + " ".join(str(ox.NamedNode(i)) for i in chunk) + " }"
        for r in select(store, _INFO.replace("#VALUES", values)):
            types = {t.rsplit("#", 1)[-1] for t in (r["types"] or "").split()}
            if "Task" in types:
                kind, typ = "task", "task"
            elif "Agency" in types:
                kind, typ = "agency", "agency"
            elif "Province" in types:
                kind, typ = "province", "province"
            elif "Document" in types:
                kind = "document"
                typ = next((_CLASS_TYPE[t] for t in sorted(types) if t in _CLASS_TYPE), "document")
            else:
                kind, typ = "other", "other"
            extra = {k: r[k] for k in ("content", "deadline", "deadlineDate", "ordinal", "section", "lead", "file")
                     if r.get(k) is not None}
            if kind == "task":
                extra["short"] = "NV " + ".".join(str(x) for x in (r.get("section"), r.get("ordinal")) if x)
            label = r["title"] or r["label"]
            out[r["n"]] = VNode(
                id=r["n"], kind=kind, type=typ, level=_level(r["scope"], kind), symbol=r["symbol"],
                label=label, date=r["date"], issuing_body=r["issuingBody"] or r["issuer"],
                subject=r["subject"] or (r["title"] if r["title"] != label else None), province=r["province"],
                loaded=bool(r["loaded"]), extra=extra)
    for i in iris:   # an IRI the store knows nothing about still gets a node
        out.setdefault(i, VNode(id=i, kind="other", type="other"))
    _qualify_shared_symbols(out.values())
    return out


def _qualify_shared_symbols(nodes: Iterable[VNode]) -> None:
    """Two documents with one symbol (25-NQ/TW of khóa IX and of khóa X) get their year or term
    on screen, as ``kg extract`` writes them (``25-NQ/TW@khóa IX``)."""
    by_symbol: dict[str, list[VNode]] = {}
    for n in nodes:
        if n.symbol:
            by_symbol.setdefault(n.symbol, []).append(n)
    for same in by_symbol.values():
        if len(same) < 2:
            continue
        for n in same:
            last = n.id.rstrip("/").rsplit("/", 1)[-1]
            if n.date:
                n.extra["qualifier"] = n.date[:4]
            elif last.startswith("khoa-"):
                n.extra["qualifier"] = "khóa " + last[5:].upper()
            elif last.isdigit():
                n.extra["qualifier"] = last


# ---------------------------------------------------------------- views

def resolve_document(G: nx.MultiDiGraph, doc: str) -> str:
    """The node a symbol (``55-CTr/TU``, ``18-NQ/TW@2017``) or an IRI names; :class:`VizError` otherwise."""
    if doc in G:
        return doc
    hits = find_nodes(G, doc.strip())
    if not hits:
        raise VizError(f"no document {doc!r} in the graph")
    if len(hits) > 1:
        raise VizError(f"{doc!r} names {len(hits)} documents; add @YEAR or give the IRI: " + ", ".join(hits))
    return hits[0]


def _norm_relations(relations: Iterable[str]) -> set[str]:
    return {RELATION_ALIASES.get(r, r) for r in relations}


def _tasks_of(store: ox.Store, docs: Iterable[str]) -> list[tuple[str, str, str | None]]:
    """``(task, document, lead agency)`` for the tasks of these documents."""
    docs = sorted(set(docs))
    if not docs:
        return []
    rows = select(store, f"""
        PREFIX vk: <{VK}>
        SELECT ?t ?d ?a WHERE {{
          VALUES ?d {{ {' '.join(str(ox.NamedNode(d)) for d in docs)} }}
          ?t a vk:Task ; vk:inDocument ?d .
          OPTIONAL {{ ?a vk:leads ?t }}
        }} ORDER BY ?d ?t ?a""")
    return [(r["t"], r["d"], r["a"]) for r in rows]


def lineage_view(doc: str, graph_dir: str | Path | None = None, *, store: ox.Store | None = None,
                 G: nx.MultiDiGraph | None = None, depth: int = 3, direction: str = "both",
                 tasks: bool = True, cites: bool = False,
                 relations: Iterable[str] = LINEAGE_RELATIONS) -> View:
    """The lineage of ``doc``: up, what it implements/continues (transitively, to ``depth``
    hops) up to central documents; down, what implements it, and the tasks (with their lead
    agencies) of the document and of its loaded implementers. ``cites`` adds the plain
    references of the document itself."""
    if direction not in ("up", "down", "both"):
        raise VizError(f"direction must be up, down or both, not {direction!r}")
    if depth < 1:
        raise VizError("depth must be at least 1")
    store = store or open_store(graph_dir)
    G = G if G is not None else to_networkx(store)
    focus = resolve_document(G, doc)
    rels = _norm_relations(relations)
    picked: dict[tuple[str, str], tuple[str, dict]] = {}

    def keep(u: str, v: str, k: str, data: dict) -> None:
        old = picked.get((u, v))
        if old is None or _SPECIFICITY.get(k, 5) < _SPECIFICITY.get(old[0], 5):
            picked[(u, v)] = (k, data)

    seen = {focus}
    down_docs = {focus}
    for go_up in ((True,) if direction == "up" else (False,) if direction == "down" else (True, False)):
        frontier = {focus}
        for _ in range(depth):
            nxt = set()
            for n in frontier:
                edges = G.out_edges(n, keys=True, data=True) if go_up else G.in_edges(n, keys=True, data=True)
                for u, v, k, data in edges:
                    if k not in rels:
                        continue
                    keep(u, v, k, data)
                    other = v if go_up else u
                    if other not in seen:
                        seen.add(other)
                        nxt.add(other)
            if not go_up:
                down_docs |= nxt
            frontier = nxt
    if cites:
        for u, v, k, data in G.out_edges(focus, keys=True, data=True):
            keep(u, v, k, data)
            seen.add(v)
    view = View(title="", focus=focus)
    edges = [VEdge(u, v, k, data.get("quote"), data.get("source")) for (u, v), (k, data) in sorted(picked.items())]
    task_rows = _tasks_of(store, [d for d in down_docs if G.nodes[d].get("loaded")]) if tasks else []
    ids = set(seen) | {t for t, _, _ in task_rows} | {a for _, _, a in task_rows if a}
    view.nodes = node_info(store, ids)
    done = set()
    for t, d, a in task_rows:
        if (t, d) not in done:
            edges.append(VEdge(t, d, "hasTask"))
            done.add((t, d))
        if a and (a, t) not in done:
            edges.append(VEdge(a, t, "leads"))
            done.add((a, t))
    view.edges = edges
    f = view.nodes[focus]
    view.title = f"Dòng văn bản của {f.name}" + (f" ({_vn_date(f.date)})" if f.date else "")
    return view


def query_view(name: str, params: Mapping[str, str] | None = None, graph_dir: str | Path | None = None,
               *, store: ox.Store | None = None, rows: list[dict] | None = None) -> View:
    """A named query's result as a graph: the IRIs of each row become nodes; ``from``/``to``
    with ``relation`` become that relation, other rows link their IRIs in column order
    (the edge named by ``relation``/``role`` when the row has one)."""
    from kg.query import run_named

    store = store or open_store(graph_dir)
    if rows is None:
        rows = run_named(name, dict(params or {}), store=store)
    cols: list[str] = []
    for r in rows:
        cols += [c for c in r if c not in cols]
    iri_cols = [c for c in cols if any(_is_iri(r.get(c)) for r in rows)
                and all(r.get(c) is None or _is_iri(r.get(c)) for r in rows)]
    ids = {r[c] for r in rows for c in iri_cols if r.get(c)}
    view = View(title=f"Truy vấn {name}" + "".join(f" · {k}={v}" for k, v in (params or {}).items()))
    view.nodes = node_info(store, ids)
    seen: set[tuple[str, str, str]] = set()
    for r in rows:
        text_cols = [c for c in cols if c not in iri_cols and r.get(c) not in (None, "")]
        note = "\n".join(f"{c}: {_clip(str(r[c]), 160)}" for c in text_cols)
        if "from" in iri_cols and "to" in iri_cols and r.get("from") and r.get("to"):
            rel = RELATION_ALIASES.get(str(r.get("relation") or "implements"), str(r.get("relation") or "implements"))
            pairs = [(r["from"], r["to"], rel)]
        else:
            present = [c for c in iri_cols if r.get(c)]
            rel = str(r.get("relation") or r.get("role") or "")
            rel = {"lead": "leads"}.get(rel, rel)
            pairs = []
            if name == "implementers" and r.get("implementer") and r.get("doc"):
                pairs = [(r["implementer"], r["doc"], "implements" if r.get("direct") else "row")]
            else:
                for a, b in zip(present, present[1:]):
                    pairs.append((r[a], r[b], rel if rel in RELATIONS else "row"))
        for u, v, rel in pairs:
            if u == v or (u, v, rel) in seen:
                continue
            seen.add((u, v, rel))
            view.edges.append(VEdge(u, v, rel, quote=r.get("quote") or r.get("evidence"), label=note or None))
    return view


def _is_iri(v: Any) -> bool:
    return isinstance(v, str) and v.startswith(("http://", "https://", "urn:"))


# ---------------------------------------------------------------- text helpers

def _vn_date(d: str | None) -> str:
    if not d:
        return ""
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})$", str(d))
    return f"{m[3]}/{m[2]}/{m[1]}" if m else str(d)


def _clip(s: str, n: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _wrap(s: str, width: int = 70) -> str:
    return "\n".join(textwrap.wrap(" ".join(s.split()), width)) if s else ""


def node_tooltip(n: VNode) -> str:
    """Plain-text tooltip: symbol and type, date, issuing body, subject (or a task's fields)."""
    lines: list[str] = []
    if n.kind == "task":
        lines.append(f"{n.name} — nhiệm vụ")
        if n.extra.get("content"):
            lines.append(_wrap(_clip(n.extra["content"], 420)))
        if n.extra.get("lead"):
            lines.append("Chủ trì: " + _clip(n.extra["lead"], 120))
        if n.extra.get("deadline"):
            lines.append("Thời hạn: " + _clip(str(n.extra["deadline"]), 120))
        return "\n".join(lines)
    if n.kind == "agency":
        lines.append(f"{n.label or n.name} — cơ quan, tổ chức")
        if n.province:
            lines.append(f"Tỉnh: {n.province}")
        return "\n".join(lines)
    head = n.symbol or _clip(n.label or n.id, 90)
    lines.append(f"{head} — {TYPES[n.type][0]}")
    if n.date:
        lines.append(f"Ngày ban hành: {_vn_date(n.date)}")
    if n.issuing_body:
        lines.append(f"Cơ quan ban hành: {n.issuing_body}")
    subject = n.subject or (n.label if n.symbol else None)
    if subject:
        lines.append("Trích yếu: " + _wrap(_clip(subject, 360)))
    lines.append(f"Cấp: {LEVEL_LABELS[n.level]}" + (f" · {n.province}" if n.province else "")
                 + (" · có trong kho" if n.loaded else " · chỉ được dẫn"))
    if n.extra.get("file"):
        lines.append(f"Tệp: {Path(str(n.extra['file'])).name}")
    return "\n".join(lines)


def edge_tooltip(e: VEdge, nodes: Mapping[str, VNode]) -> str:
    a, b = nodes.get(e.source), nodes.get(e.target)
    lines = [f"{a.name if a else e.source} → {b.name if b else e.target}: {RELATIONS.get(e.relation, (e.relation,))[0]}"]
    if e.quote:
        lines.append("«" + _wrap(_clip(e.quote, 420)) + "»")
    if e.file:
        lines.append(f"Tệp: {Path(e.file).name}")
    if e.label:
        lines.append(e.label)
    return "\n".join(lines)


# ---------------------------------------------------------------- layout levels

_LEVEL_ROW = {"central": 0, "state": 1, "other": 1, "province": 2, "task": 3, "agency": 4}


def node_levels(view: View, layout: str) -> dict[str, int]:
    """Row of each node: by level (central on top, then State, province, tasks, agencies) or by year."""
    if layout == "date":
        years = {}
        for n in view.nodes.values():
            d = n.date or n.extra.get("deadlineDate")
            if d and re.match(r"\d{4}", str(d)):
                years[n.id] = int(str(d)[:4])
        lo = min(years.values(), default=2000)
        hi = max(years.values(), default=lo)
        return {i: (years[i] - lo if i in years else hi - lo + 1 + (n.kind == "agency"))
                for i, n in view.nodes.items()}
    return {i: _LEVEL_ROW.get(n.level, 1) for i, n in view.nodes.items()}


# ---------------------------------------------------------------- pyvis HTML

_TEMPLATE = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><!--TITLE--></title>
<style>{% include 'lib/vis-9.1.2/vis-network.css' %}</style>
<script>{% include 'lib/vis-9.1.2/vis-network.min.js' %}</script>
<style>
  html, body { margin: 0; padding: 0; font-family: "DejaVu Sans", Arial, sans-serif; background: #ffffff; }
  #title { position: absolute; top: 6px; left: 10px; font-size: 15px; font-weight: bold; z-index: 5;
           background: rgba(255,255,255,.85); padding: 2px 6px; border-radius: 4px; }
  #mynetwork { width: {{width}}; height: {{height}}; }
  #legend { position: absolute; top: 8px; right: 8px; z-index: 5; background: rgba(255,255,255,.93);
            border: 1px solid #ccc; border-radius: 6px; padding: 6px 10px; font-size: 12px; max-width: 260px; }
  #legend .lg-title { font-weight: bold; margin-bottom: 2px; }
  #legend .lg-h { font-weight: bold; margin-top: 6px; color: #444; }
  #legend .lg-row { display: flex; align-items: center; gap: 6px; line-height: 18px; }
  #legend .sw { display: inline-block; width: 12px; height: 12px; border-radius: 2px; }
  #legend .gl { display: inline-block; width: 14px; text-align: center; color: #555; }
  #legend .lg-note { margin-top: 6px; color: #666; font-size: 11px; }
  div.vis-tooltip { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 12px; max-width: 560px;
                    white-space: pre-wrap; }
</style>
</head>
<body>
<div id="title"><!--TITLE--></div>
<!--LEGEND-->
<div id="mynetwork"></div>
<script>
  var nodes = new vis.DataSet({{nodes|tojson}});
  var edges = new vis.DataSet({{edges|tojson}});
  var options = {{options|safe}};
  var network = new vis.Network(document.getElementById("mynetwork"), {nodes: nodes, edges: edges}, options);
  window.vankien = {nodes: nodes, edges: edges, network: network, stabilized: false};
  network.once("stabilizationIterationsDone", function () {
    window.vankien.stabilized = true;
    document.body.setAttribute("data-stabilized", "1");
    network.setOptions({physics: {enabled: false}});
    network.fit();
  });
</script>
</body>
</html>
"""

def to_pyvis(view: View, layout: str = "hierarchical", height: str = "100vh"):
    """A pyvis ``Network`` of the view (nodes, edges, options), rendered by our offline template."""
    from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader
    from pyvis.network import Network

    if layout not in ("hierarchical", "date", "force"):
        raise VizError(f"layout must be hierarchical, date or force, not {layout!r}")
    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line", heading="")
    levels = node_levels(view, layout)
    for n in sorted(view.nodes.values(), key=lambda n: (levels[n.id], _sort_key(n))):
        color = LEVEL_COLORS[n.level]
        focus = n.id == view.focus
        opts: dict[str, Any] = dict(
            label=n.name, title=node_tooltip(n), shape=TYPES[n.type][1],
            color={"background": color, "border": "#111111" if (n.loaded or focus) else color,
                   "highlight": {"background": color, "border": "#000000"}},
            borderWidth=4 if focus else (2.5 if n.loaded else 1), size=28 if focus else (18 if n.kind == "document" else 12),
            font={"size": 16 if focus else 13, "face": "DejaVu Sans, Arial, sans-serif",
                  "color": "#111111" if n.kind != "agency" else "#ffffff"},
            level_name=LEVEL_LABELS[n.level], type_name=TYPES[n.type][0], symbol=n.symbol or "",
            date=n.date or "")
        if n.kind == "task":
            opts["font"] = {"size": 11, "color": "#111111"}
        if n.kind == "agency":
            opts["label"] = _clip(n.label or n.name, 34)
            opts["font"] = {"size": 11, "color": "#ffffff"}
        if layout != "force":
            opts["level"] = levels[n.id]
        net.add_node(n.id, **opts)
    for e in view.edges:
        name, color, dashes, width, _ = RELATIONS.get(e.relation, RELATIONS["row"])
        net.add_edge(e.source, e.target, title=edge_tooltip(e, view.nodes), color=color, dashes=dashes,
                     width=width, relation=e.relation, arrows="to")
    options: dict[str, Any] = {
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False, "multiselect": True},
        "edges": {"smooth": {"enabled": True, "type": "dynamic"}, "arrows": {"to": {"scaleFactor": 0.6}}},
        "nodes": {"font": {"face": "DejaVu Sans, Arial, sans-serif"}},
    }
    if layout == "force":
        options["physics"] = {"enabled": True, "solver": "forceAtlas2Based",
                              "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110},
                              "stabilization": {"iterations": 300, "fit": True}}
    else:
        options["layout"] = {"hierarchical": {"enabled": True, "direction": "UD" if layout == "hierarchical" else "LR",
                                              "sortMethod": "directed", "levelSeparation": 170 if layout == "hierarchical" else 230,
                                              "nodeSpacing": 120, "treeSpacing": 140, "shakeTowards": "roots"}}
        options["physics"] = {"enabled": True, "solver": "hierarchicalRepulsion",
                              "hierarchicalRepulsion": {"nodeDistance": 130, "avoidOverlap": 0.6},
                              "stabilization": {"iterations": 250, "fit": True}}
        options["edges"]["smooth"] = {"enabled": True, "type": "cubicBezier",
                                      "forceDirection": "vertical" if layout == "hierarchical" else "horizontal",
                                      "roundness": 0.4}
    net.set_options(json.dumps(options))
    # our template (no CDN), with pyvis' own copy of vis-network for the includes
    net.templateEnv = Environment(loader=ChoiceLoader([DictLoader({"vankien-lineage.html": _TEMPLATE}),
                                                       FileSystemLoader(net.template_dir)]),
                                  autoescape=False)
    net.path = "vankien-lineage.html"
    return net


def legend_entries(view: View) -> dict[str, list[tuple[str, str]]]:
    """What the legend lists: only the levels, types and relations present in the view."""
    levels = [lv for lv in LEVEL_COLORS if any(n.level == lv for n in view.nodes.values())]
    types = [t for t in TYPES if any(n.type == t for n in view.nodes.values())]
    rels = [r for r in RELATIONS if any(e.relation == r for e in view.edges)]
    return {"levels": [(LEVEL_LABELS[lv], LEVEL_COLORS[lv]) for lv in levels],
            "types": [(TYPES[t][0], TYPES[t][3]) for t in types],
            "relations": [(r, RELATIONS[r][0]) for r in rels]}


def _legend_html(view: View) -> str:
    from html import escape

    ent = legend_entries(view)
    parts = ['<div id="legend"><div class="lg-title">Chú giải</div><div class="lg-h">Cấp</div>']
    for name, color in ent["levels"]:
        parts.append(f'<div class="lg-row"><span class="sw" style="background:{color}"></span>{escape(name)}</div>')
    parts.append('<div class="lg-h">Loại</div>')
    for name, glyph in ent["types"]:
        parts.append(f'<div class="lg-row"><span class="gl">{glyph}</span>{escape(name)}</div>')
    parts.append('<div class="lg-h">Quan hệ</div>')
    for key, name in ent["relations"]:
        _, color, dashes, width, _ = RELATIONS[key]
        dash = f' stroke-dasharray="{",".join(str(x) for x in dashes)}"' if dashes else ""
        parts.append(f'<div class="lg-row"><svg width="38" height="10"><line x1="0" y1="5" x2="38" y2="5" '
                     f'stroke="{color}" stroke-width="{width}"{dash}/></svg>{escape(name)}</div>')
    parts.append('<div class="lg-note">Viền đậm: văn bản có trong kho</div></div>')
    return "".join(parts)


def render_html(view: View, layout: str = "hierarchical", height: str = "100vh") -> str:
    """The standalone HTML page of a view (vis-network embedded; nothing is fetched)."""
    from html import escape

    net = to_pyvis(view, layout=layout, height=height)
    html = net.generate_html()
    html = html.replace("<!--TITLE-->", escape(view.title)).replace("<!--LEGEND-->", _legend_html(view))
    return html


_REMOTE = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def remote_resources(html: str) -> list[str]:
    """Script, style, image or frame sources that would be fetched from the network ([] offline)."""
    return [m.group(0) for m in _REMOTE.finditer(html)]


def write_html(view: View, path: str | Path, layout: str = "hierarchical") -> Path:
    html = render_html(view, layout=layout)
    bad = remote_resources(html)
    if bad:  # the template is ours; this would be a regression
        raise VizError(f"the page would fetch remote resources: {bad[:3]}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


# ---------------------------------------------------------------- static pictures (matplotlib)

def _sort_key(n: VNode) -> tuple:
    ordinal = str(n.extra.get("ordinal") or "")
    num = int(ordinal) if ordinal.isdigit() else 10**6
    return (n.date or n.extra.get("deadlineDate") or "9999", str(n.extra.get("section") or ""), num, n.name)


def static_positions(view: View, layout: str = "hierarchical", per_row: int = 14) -> dict[str, tuple[float, float]]:
    """Node positions for the static picture: rows by level (or columns by year), ordered by the
    mean position of their neighbours (fewer crossings); a crowded row is staggered; or a spring layout."""
    if layout == "force":
        H = nx.Graph()
        H.add_nodes_from(view.nodes)
        H.add_edges_from((e.source, e.target) for e in view.edges)
        return {k: (float(x), float(y)) for k, (x, y) in nx.spring_layout(H, seed=7, k=1.6 / math.sqrt(max(1, len(H)))).items()}
    levels = node_levels(view, layout)
    rows: dict[int, list[str]] = {}
    for n in sorted(view.nodes.values(), key=_sort_key):
        rows.setdefault(levels[n.id], []).append(n.id)
    nbrs: dict[str, set[str]] = {i: set() for i in view.nodes}
    for e in view.edges:
        if e.source in nbrs and e.target in nbrs and levels[e.source] != levels[e.target]:
            nbrs[e.source].add(e.target)
            nbrs[e.target].add(e.source)
    width = float(max(min(per_row, max(len(r) for r in rows.values())) - 1, 1)) if rows else 1.0
    x: dict[str, float] = {}

    def place(members: list[str]) -> None:
        n = len(members)
        for i, m in enumerate(members):
            x[m] = 0.0 if n == 1 else (i / (n - 1) - 0.5) * (width if n > 1 else 0) * min(1.0, (n - 1) / width)

    order = sorted(rows)
    for lv in order:
        place(rows[lv])
    for sweep in range(4):
        for lv in (order if sweep % 2 == 0 else list(reversed(order))):
            bary = {m: (sum(x[o] for o in nbrs[m]) / len(nbrs[m]) if nbrs[m] else x[m]) for m in rows[lv]}
            rows[lv].sort(key=lambda m: (bary[m], x[m]))
            place(rows[lv])
    pos: dict[str, tuple[float, float]] = {}
    y = 0.0
    for lv in order:
        members = rows[lv]
        stagger = max(1, math.ceil(len(members) / per_row))
        for i, m in enumerate(members):
            yy = y + (i % stagger) * 0.42
            pos[m] = (x[m], -yy) if layout == "hierarchical" else (yy * 1.6, -x[m])
        y += (stagger - 1) * 0.42 + 1.3
    return pos


def draw_static(view: View, path: str | Path, layout: str = "hierarchical", title: str | None = None,
                dpi: int = 160) -> Path:
    """A PNG or SVG picture of the view (by the suffix of ``path``) for papers."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise VizError(f"static pictures are .png, .svg or .pdf, not {path.suffix!r}")
    plt.rcParams["font.family"] = "DejaVu Sans"
    plt.rcParams["svg.fonttype"] = "none"   # text stays text in SVG
    pos = static_positions(view, layout)
    xs = [p[0] for p in pos.values()] or [0]
    ys = [p[1] for p in pos.values()] or [0]
    w = min(40.0, max(8.0, (max(xs) - min(xs)) * 1.25 + 3))
    h = min(40.0, max(5.0, (max(ys) - min(ys)) * 1.6 + 3))
    fig, ax = plt.subplots(figsize=(w, h))
    for e in view.edges:
        if e.source not in pos or e.target not in pos:
            continue
        _, color, _, width, ls = RELATIONS.get(e.relation, RELATIONS["row"])
        ax.annotate("", xy=pos[e.target], xytext=pos[e.source],
                    arrowprops=dict(arrowstyle="-|>", color=color, lw=width * 0.8, linestyle=ls,
                                    shrinkA=9, shrinkB=9, mutation_scale=10, alpha=0.85,
                                    connectionstyle="arc3,rad=0.05"), zorder=1)
    for n in view.nodes.values():
        x, y = pos[n.id]
        color = LEVEL_COLORS[n.level]
        focus = n.id == view.focus
        if n.kind == "agency":
            ax.text(x, y, _wrap(_clip(n.label or n.name, 48), 22), ha="center", va="center", fontsize=6.5,
                    color="white", zorder=3, bbox=dict(boxstyle="round,pad=0.3", fc=color, ec=color))
            continue
        size = 420 if focus else (190 if n.kind == "document" else 70)
        ax.scatter([x], [y], s=size, marker=TYPES[n.type][2], c=color, zorder=2,
                   edgecolors="black" if (n.loaded or focus) else color, linewidths=2.2 if focus else (1.4 if n.loaded else 0.5))
        label = n.name if n.kind != "task" else n.name.replace("NV ", "")
        ax.text(x, y - 0.12, "\n".join(textwrap.wrap(label, 20)[:2]), ha="center", va="top", fontsize=8.5 if n.kind == "document" else 6.5,
                fontweight="bold" if focus else "normal", zorder=4)
    ent = legend_entries(view)
    handles = [Line2D([], [], marker="s", ls="", color=c, markersize=9, label=name) for name, c in ent["levels"]]
    handles += [Line2D([], [], marker=TYPES[t][2], ls="", color="#555555", markersize=8, label=TYPES[t][0])
                for t in TYPES if any(n.type == t for n in view.nodes.values()) and t not in ("agency",)]
    handles += [Line2D([], [], color=RELATIONS[r][1], lw=RELATIONS[r][3], ls=RELATIONS[r][4], label=name)
                for r, name in ent["relations"]]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False,
              title="Chú giải", title_fontsize=9)
    ax.set_title(title or view.title, fontsize=13)
    ax.margins(0.06, 0.1)
    ax.axis("off")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return path
