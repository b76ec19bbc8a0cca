"""Neo4j load throughput and named-query latency on three engines, side by side, in one run.

    python benchmarks/generate_corpus.py --n 10000 --out /tmp/corpus10k
    kg build /tmp/corpus10k --out /tmp/graph10k --jobs 2
    python benchmarks/bench_engines.py --graph /tmp/graph10k [--uri bolt://…] [--runs 20]

Without ``--uri`` (or ``$NEO4J_URI``) it starts its own launcher on a free port in a temporary
data directory (heap and page cache sized for the load: ``KG_NEO4J_HEAP``, ``KG_NEO4J_PAGECACHE``,
default 3g each) and stops it at the end. It reads the graph (``--graph``) and never writes
into it. It reports, it never asserts:

- the built N-Triples into property-graph rows (triples/s, resident memory);
- the server's bare write speed in this run, the baseline: ``CREATE`` of 200,000 empty nodes
  with a unique key and of 400,000 relationships without properties between them, batched like
  the loader (only on its own launcher, or with ``--baseline`` on an empty database of yours);
- the load into an empty database (nodes/s, relationships/s, per phase), its ratio to that
  baseline, then a reload of the same graph (nothing to write: the cost of reading the state
  back and of the diff);
- for each named query, p50 and p95 latency on the pyoxigraph store (SPARQL), Neo4j (Cypher)
  and networkx (after one warm-up run each; at most ``--runs`` runs and ``--budget`` seconds
  per query and engine; a networkx run longer than ``--timeout`` seconds is stopped and
  reported as such), and whether the answers agree;
- the memory networkx needs for the graph (resident size before and after building it).
"""
from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = [("lineage", {"doc": "55-CTr/TU"}), ("lineage", {"doc": "55-CTr/TU", "province": "Tuyên Quang"}),
         ("implementers", {"doc": "21-NQ/TW"}),
         ("implementers", {"doc": "43-NQ/TW"}), ("cited-not-loaded", {"scope": "central"}),
         ("conflicts", {"kind": "type_code_typo"}), ("conflicts", {"kind": "type_code_typo", "province": "Tuyên Quang"}),
         ("coverage", {"doc": "43-NQ/TW"}),
         ("planned-vs-issued", {"status": "issued"}), ("tasks-by-agency", {"agency": "ban tuyên giáo", "role": "lead"})]
ENGINES = ("sparql", "cypher", "networkx")


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))]


def rss_gib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**30


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def server_cpu(pid: int | None) -> float:
    """CPU seconds the launcher's JVM has used (0 when it is not ours)."""
    if pid is None:
        return 0.0
    f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def baseline(driver, n_nodes: int, n_rels: int, batch: int) -> tuple[float, float]:
    """The server's bare write speed in this run: CREATE of ``n_nodes`` nodes with a unique key
    and nothing else, then of ``n_rels`` relationships between them found through that key
    (sorted by start node, as the loader sends them), in batches like the loader's; deleted
    again. (nodes/s, rels/s)"""
    driver.execute_query("CREATE CONSTRAINT bench_probe IF NOT EXISTS FOR (n:BenchProbe) REQUIRE n.k IS UNIQUE")
    with driver.session() as s:
        t = time.perf_counter()
        for lo in range(0, n_nodes, batch):
            s.execute_write(lambda tx: tx.run("UNWIND $ks AS k CREATE (:BenchProbe {k: k})",
                                              ks=list(range(lo, min(n_nodes, lo + batch)))).consume())
        nodes_s = n_nodes / (time.perf_counter() - t)
        t = time.perf_counter()
        step = 7919   # a prime: ends spread over the nodes
        for lo in range(0, n_rels, batch):
            rows = [{"a": i * n_nodes // n_rels, "b": (i * step) % n_nodes} for i in range(lo, min(n_rels, lo + batch))]
            s.execute_write(lambda tx: tx.run("UNWIND $rows AS row MATCH (a:BenchProbe {k: row.a}) "
                                              "MATCH (b:BenchProbe {k: row.b}) CREATE (a)-[:BENCH_PROBE]->(b)",
                                              rows=rows).consume())
        rels_s = n_rels / (time.perf_counter() - t)
        s.run("MATCH (n:BenchProbe) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    driver.execute_query("DROP CONSTRAINT bench_probe IF EXISTS")
    return nodes_s, rels_s


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


def with_timeout(fn, seconds: float):
    """``fn()``, interrupted after ``seconds`` (SIGALRM, so for pure Python only: the networkx
    queries; a SPARQL query inside pyoxigraph would finish first, and an interrupted Neo4j
    driver is left in a bad state). 0: no limit."""
    if not seconds:
        return fn()
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def timed(fn, runs: int, budget: float, timeout: float) -> tuple[list, list[float]]:
    """One warm-up run (its answer is returned), then up to ``runs`` timed runs within ``budget`` s;
    :class:`Timeout` if one run takes more than ``timeout`` s."""
    answer = with_timeout(fn, timeout)
    xs: list[float] = []
    start = time.perf_counter()
    while len(xs) < runs and (not xs or time.perf_counter() - start < budget):
        t = time.perf_counter()
        with_timeout(fn, timeout)
        xs.append((time.perf_counter() - t) * 1000)
    return answer, xs


def main(argv: list[str] | None = None) -> int:
    from kg.neo4j.load import DEFAULT_BATCH, DEFAULT_WORKERS

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--graph", required=True, help="a folder `kg build` wrote (only read)")
    ap.add_argument("--uri", default=os.environ.get("NEO4J_URI"))
    ap.add_argument("--runs", type=int, default=20, help="timed runs per query and engine (after a warm-up)")
    ap.add_argument("--budget", type=float, default=20.0, help="seconds of timed runs per query and engine at most")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds one networkx run may take")
    ap.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    ap.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    ap.add_argument("--baseline", action="store_true", help="measure the bare CREATE baseline on --uri too")
    ap.add_argument("--all-queries", action="store_true", help="also the unparameterized full-table queries")
    args = ap.parse_args(argv)

    import neo4j

    from kg.engines import comparable, query_concat_columns, run_query
    from kg.neo4j import server
    from kg.neo4j.load import counts, graph_rows, load, wipe
    from kg.nxqueries import property_graph
    from kg.store import open_store

    t_all = time.perf_counter()
    cases = CASES + ([(n, {}) for n in ("cited-not-loaded", "conflicts", "coverage", "planned-vs-issued",
                                       "tasks-by-agency")] if args.all_queries else [])
    own = pid = None
    if not args.uri:
        own = Path(tempfile.mkdtemp(prefix="bench-neo4j-"))
        heap = os.environ.setdefault("KG_NEO4J_HEAP", "3g")
        pagecache = os.environ.setdefault("KG_NEO4J_PAGECACHE", "3g")
        info = server.start(port=server.free_port(), data_dir=own, timeout=180)
        args.uri, pid = info.uri, info.pid
        print(f"Neo4j launcher at {info.uri} (heap {heap}, page cache {pagecache}), started in "
              f"{info.startup_seconds:.1f} s; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    try:
        from kg.build import graph_files
        pieces = graph_files(args.graph) or [Path(args.graph) / "graph.nt"]   # or a graph built before the pieces
        triples = sum(sum(1 for _ in open(p, "rb")) for p in pieces)
        t = time.perf_counter()
        rows = graph_rows(args.graph)
        t_rows = time.perf_counter() - t
        print(f"graph {args.graph}: {triples:,} triples -> {len(rows.nodes):,} nodes, {len(rows.rels):,} relationships; "
              f"RDF -> property-graph rows in {t_rows:.1f} s ({triples / t_rows:,.0f} triples/s), "
              f"resident {rss_gib():.1f} GiB", flush=True)
        auth = ((os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ["NEO4J_PASSWORD"])
                if os.environ.get("NEO4J_PASSWORD") else None)
        with neo4j.GraphDatabase.driver(args.uri, auth=auth) as driver:
            wipe(driver)
            base = None
            if own is not None or args.baseline:
                base = baseline(driver, min(len(rows.nodes), 200_000), min(len(rows.rels), 400_000),
                                args.batch_size)
                print(f"baseline (bare CREATE in this run): {base[0]:,.0f} empty nodes/s, {base[1]:,.0f} "
                      "relationships/s without properties", flush=True)

            phases: dict[str, list] = {}

            def progress(phase: str, done: int, total: int) -> None:
                now = (time.perf_counter(), server_cpu(pid))
                p = phases.setdefault(phase, [now, now, total])
                p[1], p[2] = now, total

            c0, s0 = time.process_time(), server_cpu(pid)
            r = load(driver, args.graph, rows=rows, batch_size=args.batch_size, workers=args.workers,
                     progress=progress)
            client, srv = time.process_time() - c0, server_cpu(pid) - s0
            c = counts(driver)
            print(f"\n## Neo4j load (empty database, batches of {args.batch_size:,}, {args.workers} at once)")
            print(f"{r.nodes:,} nodes, {r.relationships:,} relationships, {r.batches} batches: {r.seconds:.1f} s in "
                  f"all ({r.write_seconds:.1f} s writing); CPU: {client:.0f} s in Python, {srv:.0f} s in Neo4j")
            print(f"  throughput: {r.nodes / r.seconds:,.0f} nodes/s and {r.relationships / r.seconds:,.0f} "
                  f"relationships/s over the whole load")
            for phase in ("nodes", "relationships"):
                if phase in phases:
                    (t_a, s_a), (t_b, s_b), total = phases[phase]
                    rate = total / max(t_b - t_a, 1e-9)
                    ratio = ""
                    if base:
                        ratio = f", {rate / (base[0] if phase == 'nodes' else base[1]):.2f} x the bare CREATE baseline"
                    print(f"  {phase}: {total:,} in {t_b - t_a:.1f} s = {rate:,.0f}/s{ratio}"
                          + (f"; Neo4j CPU {s_b - s_a:.0f} s" if pid else ""))
            counts_match = c["nodes"] == r.nodes and c["relationships"] == r.relationships
            print(f"  database counts match the graph: {counts_match}")
            r2 = load(driver, args.graph, rows=rows, batch_size=args.batch_size, workers=args.workers)
            print(f"reload of the same graph: {r2.seconds:.1f} s ({r2.state_seconds:.1f} s reading the state back), "
                  f"{r2.nodes_written + r2.relationships_written} rows written, "
                  f"{r2.nodes_deleted + r2.relationships_deleted} deleted", flush=True)

            store = open_store(args.graph)
            gc.collect()
            before = rss_gib()
            t = time.perf_counter()
            G = None
            try:
                G = property_graph(args.graph, rows=rows)
                print(f"\nnetworkx graph built in {time.perf_counter() - t:.1f} s ({G.number_of_nodes():,} nodes, "
                      f"{G.number_of_edges():,} edges); resident {before:.1f} -> {rss_gib():.1f} GiB "
                      f"(+{rss_gib() - before:.1f} GiB for networkx), peak {peak_gib():.1f} GiB", flush=True)
            except MemoryError:
                print(f"\nnetworkx could not hold the graph: MemoryError after {time.perf_counter() - t:.1f} s at "
                      f"{rss_gib():.1f} GiB resident (rows alone: {before:.1f} GiB)", flush=True)
            del rows
            gc.collect()

            print(f"\n## Named-query latency (ms; p50 / p95 over up to {args.runs} runs and {args.budget:.0f} s "
                  "per query and engine, after a warm-up)")
            print("| query | params | rows | SPARQL p50 | p95 | Cypher p50 | p95 | networkx p50 | p95 | equal |")
            print("|---|---|---|---|---|---|---|---|---|---|")
            timed_out: list[str] = []
            for name, params in cases:
                timings, answers = {}, {}
                for engine in ENGINES:
                    if engine == "networkx" and G is None:
                        continue

                    def run(engine=engine):
                        return run_query(name, params, engine, store=store, driver=driver, nx_graph=G)
                    try:
                        answers[engine], xs = timed(run, args.runs, args.budget,
                                                    args.timeout if engine == "networkx" else 0)
                    except Timeout:
                        timed_out.append(f"{engine} {name} ({', '.join(f'{k}={v}' for k, v in params.items())})")
                        continue
                    timings[engine] = (statistics.median(xs), pct(xs, 95), len(xs))
                concat = query_concat_columns(name)
                norm = [comparable(answers[e], concat) for e in answers]
                same = all(x == norm[0] for x in norm) if len(norm) > 1 else None
                p = ", ".join(f"{k}={v}" for k, v in params.items())
                cells = " | ".join(f"{timings[e][0]:.1f} | {timings[e][1]:.1f}" if e in timings
                                   else f"> {args.timeout * 1000:.0f} | -" for e in ENGINES)
                few = [f"{e} {timings[e][2]}" for e in timings if timings[e][2] < args.runs]
                note = f" (runs: {', '.join(few)})" if few else ""
                n_rows = len(next(iter(answers.values()))) if answers else "?"
                equal = "-" if same is None else "yes" if same else "NO"
                print(f"| {name} | {p} | {n_rows} | {cells} | {equal}{note} |", flush=True)
            if timed_out:
                print(f"\nstopped after {args.timeout:g} s (one run), so not timed: " + "; ".join(timed_out))
    finally:
        if own is not None:
            server.stop(own)
            shutil.rmtree(own, ignore_errors=True)
    print(f"\nwhole benchmark: {time.perf_counter() - t_all:.0f} s; peak resident {peak_gib():.1f} GiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
