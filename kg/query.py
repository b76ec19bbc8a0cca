"""Named SPARQL queries (``queries/*.rq``) and ad-hoc SPARQL on a built graph.

A named query starts with a comment header::

    # name: lineage
    # answers: …
    # param: doc (required) the document's symbol, optionally @YEAR
    # param: province (optional) …

and has a ``#PARAMS`` line inside its WHERE block, where the runner puts ``VALUES`` clauses
of the given parameters (``?doc`` in one of its own, the others together in one row), each
value written as an RDF term (an IRI from the store or an escaped literal), never pasted
as SPARQL text. ``#PARAMS`` may appear in several
groups (a subquery that should only compute what the parameters select gets them too).
A line ending in ``#IF p_x`` (``#IF doc``) is kept only when that parameter is given, and
one ending in ``#IFNOT p_x`` only when it is not: a query can then start from what a
parameter selects (the provinces' documents, one kind of record) instead of filtering
everything at the end, which pyoxigraph cannot push down through ``!BOUND(?p) || …``. Parameter ``doc`` binds ``?doc`` to the
document(s) the symbol names; every other parameter ``x`` binds ``?p_x`` to a literal.
A symbol that names several documents binds them all, and each row says which candidate
it is about and that the symbol was ambiguous::

    >>> [q.name for q in list_queries()][:3]
    ['cited-not-loaded', 'conflicts', 'coverage']
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import pyoxigraph as ox

from kg.resolve import province_row
from kg.store import QueryError, open_store, select

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"
VK = "https://vankien.example.org/ontology#"


@dataclass
class Param:
    name: str
    required: bool
    help: str


@dataclass
class NamedQuery:
    name: str
    path: Path
    text: str
    answers: str
    params: list[Param] = field(default_factory=list)


def parse_header(path: Path, comment: str = "#") -> NamedQuery:
    """A named query and its comment header (``# name:``, ``# answers:``, ``# param: x (required) …``);
    Cypher twins use ``//`` for the same header."""
    text = path.read_text(encoding="utf-8")
    name, answers, params = path.stem, [], []
    in_answers = False
    param_rx = re.compile(rf"^{re.escape(comment)}\s*param:\s*(?P<name>[\w-]+)\s*\((?P<req>required|optional)\)\s*(?P<help>.*)$")
    cont, width = comment + "   ", len(comment)
    for line in text.splitlines():
        if not line.startswith(comment):
            break
        if m := param_rx.match(line):
            params.append(Param(m["name"], m["req"] == "required", m["help"].strip()))
            in_answers = False
        elif line.startswith(f"{comment} name:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith(f"{comment} answers:"):
            answers.append(line.split(":", 1)[1].strip())
            in_answers = True
        elif in_answers and line.startswith(cont):
            answers.append(line[width:].strip())
        elif params and line.startswith(cont):
            params[-1].help += " " + line[width:].strip()
    return NamedQuery(name, path, text, " ".join(answers), params)


def list_queries(directory: Path | None = None, suffix: str = ".rq", comment: str = "#") -> list[NamedQuery]:
    """The named queries (``.rq``, or their ``.cypher`` twins), sorted by name."""
    return sorted((parse_header(p, comment) for p in (directory or QUERIES_DIR).glob(f"*{suffix}")),
                  key=lambda q: q.name)


def get_query(name: str, directory: Path | None = None, suffix: str = ".rq", comment: str = "#") -> NamedQuery:
    queries = {q.name: q for q in list_queries(directory, suffix, comment)}
    if name not in queries:
        kind = "Cypher query" if suffix == ".cypher" else "query"
        raise QueryError(f"unknown {kind} {name!r}; known: {', '.join(queries)}")
    return queries[name]


def province_name(value: str) -> str:
    """``tuyen-quang`` / ``tỉnh Tuyên Quang`` -> ``Tuyên Quang`` (the label in the graph)."""
    row = province_row(value.replace("-", " "))
    return row["name"] if row else value


def find_documents(store: ox.Store, value: str, province: str | None = None) -> list[dict[str, Any]]:
    """Documents a symbol names (``11-CTr/TU``, ``11-CTr/TU@2021``, a symbol as written)."""
    symbol = value.partition("@")[0]
    rows = select(store, f"""
        PREFIX vk: <{VK}>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?d ?symbol ?year ?province WHERE {{
          {_values("sym", [ox.Literal(symbol.strip())])}
          {{ ?d vk:symbol ?sym }} UNION {{ ?d vk:asWritten ?sym }}
          ?d vk:symbol ?symbol .
          FILTER NOT EXISTS {{ ?d a vk:AmbiguousReference }}
          OPTIONAL {{ ?d vk:year ?year }}
          OPTIONAL {{ ?d vk:inProvince/skos:prefLabel ?province }}
        }} ORDER BY ?d""")
    return [{k: v for k, v in r.items() if k != "sym"} for r in narrow_documents(rows, value, province)]


def narrow_documents(rows: list[dict], value: str, province: str | None) -> list[dict]:
    """The documents (``d``, ``year``, ``province``) a symbol found, narrowed by what follows its
    ``@`` (a year, else a part of the IRI: ``@khóa X`` … ``@son-duong``) and by ``province`` (a
    central or national document has none and stays). Every engine narrows this way."""
    year = value.partition("@")[2].strip()
    if year:
        rows = [r for r in rows if str(r["year"]) == year or (not year.isdigit() and year.lower() in r["d"].lower())]
    if province:
        rows = [r for r in rows if r["province"] in (None, province_name(province))]
    return rows


def _values(var: str, terms: list[Any]) -> str:
    return f"VALUES ?{var} {{ {' '.join(str(t) for t in terms)} }}"


def bind_named(name: str, params: Mapping[str, str] | None, store: ox.Store) -> tuple[str, list[dict[str, Any]]]:
    """The text of a named query with its ``VALUES`` clauses, and the documents ``doc`` named."""
    q = get_query(name)
    params = dict(params or {})
    check_params(q, params)
    clauses, candidates = [], []
    # the literal parameters share one VALUES row: pyoxigraph joins a VALUES clause only to the
    # patterns that share its variables, so a parameter in a clause of its own (?p_agency) was
    # joined last and its FILTER ran after the whole join; in the row of ?p_province it is bound
    # where the join starts, and the FILTER runs as soon as its other variables are
    names, terms, at = [], [], None
    for k, v in params.items():
        if k != "doc" and at is None:
            at = len(clauses)     # where the first of them was given (the order of the clauses is kept)
        if k == "doc":
            # ``province`` narrows the symbol only in a query that does not filter its rows by it
            narrow = params.get("province") if "?p_province" not in q.text else None
            candidates = find_documents(store, v, narrow)
            if not candidates:
                raise QueryError(f"no document {v!r} in the graph"
                                 + (f" for province {params['province']}" if params.get("province") else ""))
            clauses.append(_values("doc", [ox.NamedNode(c["d"]) for c in candidates]))
        elif k == "province":
            # also as the graph's label ("Tuyên Quang"@vi), so that a query can use it in a triple
            # pattern: pyoxigraph plans a FILTER on a bound variable after the whole join
            name_ = province_name(v)
            names += ["p_province", "p_province_vi"]
            terms += [ox.Literal(name_), ox.Literal(name_, language="vi")]
        else:
            names.append("p_" + k.replace("-", "_"))
            terms.append(ox.Literal(v))
    if names:
        clauses.insert(at, f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(str(t) for t in terms)}) }}")
    if not _PARAMS_LINE.search(q.text):
        raise QueryError(f"query {name} has no #PARAMS line")
    given = {"doc" if k == "doc" else "p_" + k.replace("-", "_") for k, v in params.items()}
    values = "\n  ".join(clauses)
    # every line that is only "#PARAMS" (a comment that mentions it stays a comment)
    return _PARAMS_LINE.sub(lambda m: m.group(1) + values, _conditional(q.text, given)), candidates


_PARAMS_LINE = re.compile(r"^([ \t]*)#PARAMS[ \t]*$", re.MULTILINE)


_COND = re.compile(r"#(IF|IFNOT)\s+(\w+)\s*$")


def _conditional(text: str, given: set[str]) -> str:
    """Keep the ``#IF var`` lines when ``var`` is a given parameter, the ``#IFNOT var`` lines when not."""
    out = []
    for line in text.split("\n"):
        m = _COND.search(line)
        if m:
            if (m.group(2) in given) != (m.group(1) == "IF"):
                continue
            line = line[:m.start()].rstrip()
        out.append(line)
    return "\n".join(out)


def run_named(name: str, params: Mapping[str, str] | None = None, graph_dir: str | Path | None = None,
              store: ox.Store | None = None) -> list[dict[str, Any]]:
    """Rows of a named query with its parameters bound (see the module doc)."""
    from kg.engines import agency_param

    get_query(name)   # an unknown name is reported before a missing graph
    store = store or open_store(graph_dir)
    text, candidates = bind_named(name, agency_param(params), store)
    text, keys = split_order_by(text)
    return add_candidates(sort_rows(select(store, text, name=name), keys), candidates)


_ORDER_BY = re.compile(r"\n\s*ORDER\s+BY\s+((?:(?:ASC|DESC)\(\?\w+\)|\?\w+)(?:\s+(?:(?:ASC|DESC)\(\?\w+\)|\?\w+))*)\s*$",
                       re.IGNORECASE)
_ORDER_KEY = re.compile(r"(ASC|DESC)?\(?\?(\w+)\)?", re.IGNORECASE)


def split_order_by(text: str) -> tuple[str, list[tuple[str, bool]]]:
    r"""A query without its final ``ORDER BY`` of projected variables, and those keys as
    ``(variable, descending)``; the text unchanged and no keys when it ends otherwise.

    pyoxigraph reads each string it compares from the store again (sorting 1,147 rows of
    tasks-by-agency took 50 ms of 145 at 10k documents); the rows are decoded anyway, and
    :func:`sort_rows` sorts them the same way in Python.

    >>> split_order_by("SELECT ?a ?b WHERE { ?a ?p ?b }\nORDER BY DESC(?b) ?a")
    ('SELECT ?a ?b WHERE { ?a ?p ?b }', [('b', True), ('a', False)])
    >>> split_order_by("SELECT ?a WHERE { ?a ?p ?b }\nORDER BY ?b")[1]     # ?b is not projected
    []
    """
    m = _ORDER_BY.search(text)
    if not m:
        return text, []
    head = re.search(r"SELECT(.*?)\bWHERE\b", text, re.IGNORECASE | re.DOTALL)
    if not head or "*" in head.group(1):
        return text, []
    projected = set(re.findall(r"\?(\w+)", head.group(1)))
    keys = [(k.group(2), (k.group(1) or "").upper() == "DESC") for k in _ORDER_KEY.finditer(m.group(1))]
    if not all(k in projected for k, _ in keys):
        return text, []
    return text[:m.start()], keys


def sort_rows(rows: list[dict[str, Any]], keys: list[tuple[str, bool]]) -> list[dict[str, Any]]:
    """Rows in SPARQL's ORDER BY order of ``keys``: unbound first, numbers by value, strings
    (literals and IRIs, as :func:`kg.store.term_value` gives them) by code point.

    >>> sort_rows([{"a": "b"}, {"a": None}, {"a": "B"}, {"a": 2}], [("a", False)])
    [{'a': None}, {'a': 2}, {'a': 'B'}, {'a': 'b'}]
    """
    def key(name: str):
        def k(row):
            v = row.get(name)
            if v is None:
                return (0, 0)
            return (1, v) if isinstance(v, (int, float)) else (2, str(v))
        return k
    for name, descending in reversed(keys):       # stable sorts, the last key first
        rows.sort(key=key(name), reverse=descending)
    return rows


def check_params(q: NamedQuery, params: Mapping[str, str]) -> None:
    """The same errors on every engine: an unknown parameter, a required one missing."""
    declared = [p.name for p in q.params]
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise QueryError(f"query {q.name} has no parameter {', '.join(unknown)}; "
                         f"parameters: {', '.join(declared) or 'none'}")
    missing = [p.name for p in q.params if p.required and not params.get(p.name)]
    if missing:
        raise QueryError(f"query {q.name} needs --param {missing[0]}=…")
    for p in q.params:
        # a parameter whose header says YYYY-MM-DD is compared as text: only a real ISO date may be
        if p.help.startswith("YYYY-MM-DD") and params.get(p.name) is not None and not _iso_date(params[p.name]):
            raise QueryError(f"query {q.name}: --param {p.name}={params[p.name]} is not a date (YYYY-MM-DD)")


def _iso_date(value: str) -> bool:
    import datetime as dt

    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:       # 2021-02-30
        return False
    return True


def add_candidates(rows: list[dict], candidates: list[dict]) -> list[dict]:
    """Mark each row with the document it is about (``candidate``) and whether the symbol named
    several (``ambiguous``): an ambiguous symbol is answered for every candidate, never one."""
    if candidates:
        labels = candidate_labels(candidates)
        for r in rows:
            label = labels.get(r.get("doc"))
            if label:
                r["candidate"] = label
                r["ambiguous"] = len(candidates) > 1
    return rows


def candidate_labels(candidates: list[dict]) -> dict[str, str]:
    """IRI -> ``SYMBOL@YEAR``, or, where two candidates share that, ``SYMBOL@`` the first segment
    of the IRI that tells them apart (two districts' 03-NQ/HU of 2021: ``03-NQ/HU@son-duong``);
    each label, given back as ``doc=``, names its candidate.

    >>> candidate_labels([{"d": "b/doc/district/tq/son-duong/NQ/3/2021", "symbol": "03-NQ/HU", "year": 2021},
    ...                   {"d": "b/doc/district/tq/yen-son/NQ/3/2021", "symbol": "03-NQ/HU", "year": 2021}])
    {'b/doc/district/tq/son-duong/NQ/3/2021': '03-NQ/HU@son-duong', 'b/doc/district/tq/yen-son/NQ/3/2021': '03-NQ/HU@yen-son'}
    """
    plain = {c["d"]: c["symbol"] + (f"@{c['year']}" if c.get("year") else "") for c in candidates}
    out = {}
    for c in candidates:
        iri, label = c["d"], plain[c["d"]]
        twins = [other.split("/") for other, lab in plain.items() if lab == label and other != iri]
        if twins:
            label = c["symbol"] + "@" + next((p for i, p in enumerate(iri.split("/"))
                                              if all(i >= len(o) or o[i] != p for o in twins)), iri)
        out[iri] = label
    return out


def run_sparql(query: str, graph_dir: str | Path | None = None, store: ox.Store | None = None) -> list[dict[str, Any]]:
    """Any SPARQL query on the built graph; ``@file.rq`` reads the query from a file."""
    if query.startswith("@"):
        path = Path(query[1:])
        if not path.is_file():
            raise QueryError(f"no query file {path}")
        query = path.read_text(encoding="utf-8")
    store = store or open_store(graph_dir)
    if "PREFIX vk:" not in query and "vk:" in query:
        query = f"PREFIX vk: <{VK}>\n" + query
    return select(store, query)


def format_rows(rows: list[dict[str, Any]], fmt: str = "table", hide_iris: bool = False) -> str:
    """``json`` (a list of row objects), ``csv`` or a plain-text ``table``. ``hide_iris`` leaves
    the columns of IRIs out of a table (a named query has readable columns next to them) and
    says which; ad-hoc queries show every column they select."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1, default=str)
    cols: list[str] = []
    for r in rows:
        cols += [c for c in r if c not in cols]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: "" if v is None else v for k, v in r.items()})
        return buf.getvalue()
    from rich.console import Console
    from rich.table import Table

    iri_cols = [c for c in cols if all(str(r.get(c) or "").startswith(("http://", "https://"))
                                       for r in rows if r.get(c) is not None)] if hide_iris and rows else []
    if len(iri_cols) == len(cols):       # a table of IRIs only shows them
        iri_cols = []
    cols = [c for c in cols if c not in iri_cols]

    table = Table(show_lines=False)
    for c in cols:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*["" if r.get(c) is None else _short(r.get(c)) for c in cols])
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(table)
    console.print(f"{len(rows)} row(s)" + (f"; columns of IRIs not shown: {', '.join(iri_cols)} (--format json or csv)"
                                           if iri_cols else ""))
    return console.export_text()


def _short(v: Any) -> str:
    s = str(v)
    for prefix in ("https://vankien.example.org/",):
        s = s.replace(prefix, "")
    s = " ".join(s.split())
    return s if len(s) <= 80 else s[:77] + "…"
