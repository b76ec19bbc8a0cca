"""Cypher on the loaded graph: the named queries (``queries/*.cypher``, twins of the ``.rq``
files) and any Cypher (``kg cypher``), in a READ access-mode session unless writing is asked for.

A named Cypher query has the same comment header as its SPARQL twin, with ``//``::

    // name: lineage
    // answers: …
    // param: doc (required) the document's symbol, optionally @YEAR

Parameters are Cypher parameters, never text: ``doc`` becomes ``$doc``, the list of IRIs of
the document(s) the symbol names (found in Neo4j the way :func:`kg.query.find_documents`
finds them in the store); every other parameter ``x`` becomes ``$p_x`` (``null`` when not
given), so a query says ``WHERE $p_province IS NULL OR province = $p_province``.

>>> [q.name for q in list_queries()][:3]
['cited-not-loaded', 'conflicts', 'coverage']
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Mapping

from kg.query import NamedQuery, add_candidates, check_params, narrow_documents, province_name
from kg.query import get_query as _get_query
from kg.query import list_queries as _list_queries
from kg.store import QueryError

def list_queries(directory: Path | None = None) -> list[NamedQuery]:
    """The named Cypher queries, sorted by name."""
    return _list_queries(directory, ".cypher", "//")


def get_query(name: str, directory: Path | None = None) -> NamedQuery:
    return _get_query(name, directory, ".cypher", "//")


def plain(v: Any) -> Any:
    """Neo4j values as the plain values the SPARQL runner gives (dates as ISO strings)."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if hasattr(v, "iso_format"):          # neo4j.time.Date / DateTime
        return v.iso_format()
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, Mapping):
        return {k: plain(x) for k, x in v.items()}
    if hasattr(v, "element_id"):           # a node or relationship: its properties and labels/type
        out = {k: plain(x) for k, x in dict(v).items()}
        if hasattr(v, "labels"):
            out["_labels"] = sorted(v.labels)
        if hasattr(v, "type"):
            out["_type"] = v.type
        return out
    return str(v)


def _session(driver, database: str | None, write: bool = False):
    import neo4j

    return driver.session(database=database, default_access_mode=neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS,
                          notifications_min_severity="OFF")


def run_cypher(driver, query: str, params: Mapping[str, Any] | None = None, *, database: str | None = None,
               write: bool = False) -> list[dict[str, Any]]:
    """Any Cypher, with parameters. Runs in a READ access-mode transaction, where the server
    refuses a write, unless ``write=True``."""
    from neo4j.exceptions import ClientError

    def work(tx):
        result = tx.run(query, dict(params or {}))
        return [{k: plain(v) for k, v in rec.items()} for rec in result]

    try:
        with _session(driver, database, write) as session:
            return session.execute_write(work) if write else session.execute_read(work)
    except ClientError as e:
        if e.code == "Neo.ClientError.Statement.AccessMode":
            raise QueryError("this query writes, and the session is read-only: pass --write to allow writes") from None
        raise QueryError(f"Cypher failed: {e.message or e}") from None


FIND = """
MATCH (d:Document)
WHERE (d.symbol = $symbol OR $symbol IN coalesce(d.asWritten, [])) AND NOT d:AmbiguousReference
  AND d.symbol IS NOT NULL
OPTIONAL MATCH (d)-[:IN_PROVINCE]->(p:Province)
RETURN DISTINCT d.iri AS d, d.symbol AS symbol, d.year AS year, p.name AS province
ORDER BY d
"""


def find_documents(driver, value: str, province: str | None = None, database: str | None = None) -> list[dict]:
    rows = run_cypher(driver, FIND, {"symbol": value.partition("@")[0].strip()}, database=database)
    return narrow_documents(rows, value, province)


def run_named(driver, name: str, params: Mapping[str, str] | None = None, *,
              database: str | None = None) -> list[dict[str, Any]]:
    """Rows of a named Cypher query, with the same parameters and columns as its SPARQL twin."""
    q = get_query(name)
    params = dict(params or {})
    check_params(q, params)
    bound: dict[str, Any] = {"doc": None}
    bound.update({"p_" + p.name.replace("-", "_"): None for p in q.params if p.name != "doc"})
    candidates: list[dict] = []
    for k, v in params.items():
        if k == "doc":
            narrow = params.get("province") if "$p_province" not in q.text else None   # as kg.query does
            candidates = find_documents(driver, v, narrow, database)
            if not candidates:
                raise QueryError(f"no document {v!r} in Neo4j"
                                 + (f" for province {params['province']}" if params.get("province") else ""))
            bound["doc"] = [c["d"] for c in candidates]
        elif k == "province":
            bound["p_province"] = province_name(v)
        else:
            bound["p_" + k.replace("-", "_")] = v
    return add_candidates(run_cypher(driver, q.text, bound, database=database), candidates)
