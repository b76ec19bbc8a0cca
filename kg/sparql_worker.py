"""A SPARQL worker process for ``kg serve``: one read-only store, one query at a time.

pyoxigraph cannot cancel a running query, so the server runs every query from the outside
world in a process like this one and kills it when the query outlives its time limit.
It is started as ``python -m kg.sparql_worker STORE_DIR`` and speaks JSON lines on
stdin/stdout: it writes ``{"ready": true}`` once the store is open, then for each request
``{"query": "...", "max_rows": N}`` one answer:

* ``{"form": "select", "vars": [...], "rows": [[term, ...], ...], "truncated": bool}``
* ``{"form": "ask", "boolean": bool}``
* ``{"form": "graph", "ntriples": "...", "count": N, "truncated": bool}``
* ``{"error": "syntax" | "evaluation", "message": "..."}``

where a term is ``null``, ``["uri", iri]``, ``["bnode", id]`` or
``["literal", value, datatype, lang]``. It imports nothing but pyoxigraph, so it starts fast.
"""
from __future__ import annotations

import json
import sys


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the server dies (no orphan grinding an endless query)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # not Linux: the server kills its workers itself
        pass


def _term(t):
    import pyoxigraph as ox

    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return ["uri", t.value]
    if isinstance(t, ox.BlankNode):
        return ["bnode", t.value]
    if isinstance(t, ox.Literal):
        dt = t.datatype.value if t.datatype is not None else None
        if t.language:
            dt = None
        return ["literal", t.value, dt, t.language]
    return ["literal", str(t), None, None]   # RDF-star triple terms, as text


def answer(store, query: str, max_rows: int) -> dict:
    import pyoxigraph as ox

    try:
        result = store.query(query)
    except SyntaxError as exc:
        return {"error": "syntax", "message": str(exc)}
    except (OSError, RuntimeError, ValueError, TypeError) as exc:
        return {"error": "evaluation", "message": str(exc)}
    try:
        if isinstance(result, ox.QueryBoolean):
            return {"form": "ask", "boolean": bool(result)}
        if isinstance(result, ox.QueryTriples):
            lines, truncated = [], False
            for t in result:
                if len(lines) >= max_rows:
                    truncated = True
                    break
                lines.append(f"{t} .")
            return {"form": "graph", "ntriples": "\n".join(lines) + ("\n" if lines else ""),
                    "count": len(lines), "truncated": truncated}
        names = [v.value for v in result.variables]
        rows, truncated = [], False
        for sol in result:
            if len(rows) >= max_rows:
                truncated = True
                break
            rows.append([_term(sol[n]) for n in names])
        return {"form": "select", "vars": names, "rows": rows, "truncated": truncated}
    except (OSError, RuntimeError, ValueError, TypeError) as exc:
        return {"error": "evaluation", "message": str(exc)}


def main(argv: list[str] | None = None) -> int:
    import pyoxigraph as ox

    argv = sys.argv[1:] if argv is None else argv
    _die_with_parent()
    store = ox.Store.read_only(argv[0])
    out = sys.stdout.buffer
    out.write(b'{"ready": true}\n')
    out.flush()
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        req = json.loads(line)
        resp = answer(store, req["query"], int(req.get("max_rows") or 10000))
        out.write(json.dumps(resp, ensure_ascii=False).encode("utf-8") + b"\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
