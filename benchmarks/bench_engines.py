"""Neo4j load throughput and named-query latency on three engines, side by side, in one run.

    python benchmarks/generate_corpus.py --n 10000 --out /tmp/corpus10k
    kg build /tmp/corpus10k --out /tmp/graph10k --jobs 2
    python benchmarks/bench_engines.py --graph /tmp/graph10k [--uri bolt://…] [--runs 20]

Without ``--uri`` (or ``$NEO4J_URI``) it starts its own launcher on a free port in a temporary
data directory and stops it at the end. It reports, it never asserts:

- the load into an empty database (nodes/s, relationships/s), then a reload of the same graph
  (nothing to write: the cost of the diff);
- for each named query, p50 and p95 latency on the pyoxigraph store (SPARQL), Neo4j (Cypher)
  and networkx (after one warm-up run each), and whether the three answers agree.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = [("lineage", {"doc": "55-CTr/TU"}), ("implementers", {"doc": "21-NQ/TW"}),
         ("implementers", {"doc": "43-NQ/TW"}), ("cited-not-loaded", {"scope": "central"}),
         ("conflicts", {"kind": "type_code_typo"}), ("coverage", {"doc": "43-NQ/TW"}),
         ("planned-vs-issued", {"status": "issued"}), ("tasks-by-agency", {"agency": "ban tuyên giáo", "role": "lead"})]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--graph", required=True, help="a folder `kg build` wrote")
    ap.add_argument("--uri", default=os.environ.get("NEO4J_URI"))
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--batch-size", type=int, default=2000)
    ap.add_argument("--all-queries", action="store_true", help="also the unparameterized full-table queries")
    args = ap.parse_args(argv)

    import neo4j

    from kg.engines import comparable, query_concat_columns, run_query
    from kg.neo4j import server
    from kg.neo4j.load import counts, graph_rows, load, wipe
    from kg.nxqueries import property_graph
    from kg.store import open_store

    cases = CASES + ([(n, {}) for n in ("cited-not-loaded", "conflicts", "coverage", "planned-vs-issued",
                                       "tasks-by-agency")] if args.all_queries else [])
    own = None
    if not args.uri:
        own = Path(tempfile.mkdtemp(prefix="bench-neo4j-"))
        heap = os.environ.setdefault("KG_NEO4J_HEAP", "2g")
        info = server.start(port=server.free_port(), data_dir=own, timeout=180)
        args.uri = info.uri
        print(f"Neo4j launcher at {info.uri} (heap {heap}), started in {info.startup_seconds:.1f} s")
    try:
        t = time.perf_counter()
        rows = graph_rows(args.graph)
        t_rows = time.perf_counter() - t
        print(f"graph {args.graph}: {len(rows.nodes)} nodes, {len(rows.rels)} relationships "
              f"(RDF -> property-graph rows in {t_rows:.1f} s)")
        with neo4j.GraphDatabase.driver(args.uri, auth=(os.environ.get("NEO4J_USERNAME", "neo4j"),
                                                         os.environ["NEO4J_PASSWORD"]) if os.environ.get("NEO4J_PASSWORD") else None) as driver:
            wipe(driver)
            r = load(driver, args.graph, rows=rows, batch_size=args.batch_size)
            c = counts(driver)
            print("\n## Neo4j load (empty database)")
            print(f"{r.nodes} nodes, {r.relationships} relationships, {r.batches} batches of <= {args.batch_size}: "
                  f"{r.seconds:.1f} s in all, {r.write_seconds:.1f} s writing")
            print(f"  throughput: {r.nodes / r.seconds:,.0f} nodes/s and {r.relationships / r.seconds:,.0f} "
                  f"relationships/s over the whole load; {(r.nodes + r.relationships) / r.write_seconds:,.0f} "
                  "rows/s while writing")
            counts_match = c["nodes"] == r.nodes and c["relationships"] == r.relationships
            print(f"  database counts match the graph: {counts_match}")
            r2 = load(driver, args.graph, rows=rows, batch_size=args.batch_size)
            print(f"reload of the same graph: {r2.seconds:.1f} s, {r2.nodes_written + r2.relationships_written} rows written")

            store = open_store(args.graph)
            t = time.perf_counter()
            G = property_graph(args.graph, rows=rows)
            print(f"networkx graph built in {time.perf_counter() - t:.1f} s "
                  f"({G.number_of_nodes()} nodes, {G.number_of_edges()} edges)")
            print("\n## Named-query latency (ms; p50 / p95 over", args.runs, "runs after a warm-up)")
            print("| query | params | rows | SPARQL p50 | p95 | Cypher p50 | p95 | networkx p50 | p95 | equal |")
            print("|---|---|---|---|---|---|---|---|---|---|")
            for name, params in cases:
                timings, answers = {}, {}
                for engine in ("sparql", "cypher", "networkx"):
                    def run():
                        return run_query(name, params, engine, store=store, driver=driver, nx_graph=G)
                    answers[engine] = run()
                    xs = []
                    for _ in range(args.runs):
                        t = time.perf_counter()
                        run()
                        xs.append((time.perf_counter() - t) * 1000)
                    timings[engine] = (statistics.median(xs), pct(xs, 95))
                concat = query_concat_columns(name)
                same = (comparable(answers["sparql"], concat) == comparable(answers["cypher"], concat)
                        == comparable(answers["networkx"], concat))
                p = ", ".join(f"{k}={v}" for k, v in params.items())
                cells = " | ".join(f"{timings[e][0]:.1f} | {timings[e][1]:.1f}" for e in ("sparql", "cypher", "networkx"))
                print(f"| {name} | {p} | {len(answers['sparql'])} | {cells} | {'yes' if same else 'NO'} |", flush=True)
    finally:
        if own is not None:
            server.stop(own)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
