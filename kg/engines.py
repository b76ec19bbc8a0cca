"""One named query, three engines: ``sparql`` (the pyoxigraph store, ``queries/*.rq``), ``cypher``
(Neo4j, ``queries/*.cypher``) and ``networkx`` (:mod:`kg.nxqueries`). Same parameters, same
columns, same values.

The Cypher and networkx twins join the values of a ``GROUP_CONCAT(DISTINCT …; separator=…)``
column sorted; SPARQL 1.1 leaves that order to the engine (pyoxigraph keeps it as found), so
:func:`comparable` compares those columns as multisets of parts. An empty concatenation is
``None`` on all three (pyoxigraph leaves the aggregate unbound).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping

ENGINES = ("sparql", "cypher", "networkx")
_CONCAT = re.compile(r'GROUP_CONCAT\(\s*DISTINCT\s+\?\w+\s*;\s*separator\s*=\s*"(?P<sep>[^"]*)"\s*\)\s+AS\s+\?(?P<col>\w+)',
                     re.IGNORECASE)


def concat_columns(sparql: str) -> dict[str, str]:
    """``{column: separator}`` of the GROUP_CONCAT columns of a query."""
    return {m["col"]: m["sep"] for m in _CONCAT.finditer(sparql)}


def query_concat_columns(name: str) -> dict[str, str]:
    from kg.query import get_query

    return concat_columns(get_query(name).text)


def run_query(name: str, params: Mapping[str, str] | None = None, engine: str = "sparql", *,
              graph_dir: str | Path | None = None, store=None, driver=None, database: str | None = None,
              nx_graph=None) -> list[dict[str, Any]]:
    """Rows of the named query ``name`` on ``engine``.

    ``sparql`` and ``networkx`` read the built graph (``graph_dir`` or an open ``store`` /
    ``nx_graph``); ``cypher`` needs a ``driver`` (:func:`kg.neo4j.connect.connect`)."""
    from kg.store import QueryError

    if engine == "sparql":
        from kg.query import run_named
        return run_named(name, params, graph_dir=graph_dir, store=store)
    params = agency_param(params)
    if engine == "cypher":
        from kg.neo4j.cypher import run_named
        if driver is None:
            raise QueryError("the cypher engine needs a Neo4j connection")
        return run_named(driver, name, params, database=database)
    if engine == "networkx":
        from kg.nxqueries import property_graph, run_named
        G = nx_graph if nx_graph is not None else property_graph(graph_dir or "kg-graph")
        return run_named(G, name, params)
    raise QueryError(f"unknown engine {engine!r}; engines: {', '.join(ENGINES)}")


def agency_param(params: Mapping[str, str] | None) -> dict[str, str]:
    """The parameters with an ``agency`` that the alias table knows under another spelling
    replaced by the name the graph keeps ("Sở KH&CN" -> "Sở Khoa học và Công nghệ"); a part of a
    name ("Ban Tổ chức") is left as it is.

    >>> agency_param({"agency": "Sở KH&CN", "role": "lead"})
    {'agency': 'Sở Khoa học và Công nghệ', 'role': 'lead'}
    """
    out = dict(params or {})
    if out.get("agency"):
        from loaders.agencies import canonical_agency
        out["agency"] = canonical_agency(out["agency"]) or out["agency"]
    return out


def comparable(rows: list[dict[str, Any]], concat: Mapping[str, str] | None = None) -> list[tuple]:
    """Rows as sorted tuples of (column, value), for comparing engines; the ``concat`` columns
    (``{column: separator}``) as sorted tuples of their parts."""
    def key(v):
        return (v is None, type(v).__name__, repr(v))

    def norm(col, v):
        if concat and col in concat and isinstance(v, str):
            return tuple(sorted(v.split(concat[col])))
        return v
    out = [tuple(sorted((c, norm(c, v)) for c, v in r.items())) for r in rows]
    return sorted(out, key=lambda t: [(c, key(v)) for c, v in t])


def run_named_on(engine: str, name: str, params: Mapping[str, str], graph_dir: str | Path | None = None,
                 uri: str | None = None, user: str | None = None, password: str | None = None,
                 database: str | None = None) -> list[dict[str, Any]]:
    """What ``kg query --engine`` runs: connects to Neo4j for ``cypher`` (options, environment or
    the local launcher); connection problems come back as :class:`~kg.store.QueryError`."""
    from kg.store import QueryError

    if engine != "cypher":
        return run_query(name, params, engine, graph_dir=graph_dir)
    from kg.neo4j import connect

    try:
        driver, settings = connect.connect(uri, user, password, database)
    except connect.Neo4jConnectionError as e:
        raise QueryError(str(e)) from None
    with driver:
        return run_query(name, params, "cypher", driver=driver, database=settings.database)
