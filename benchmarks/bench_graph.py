"""Graph benchmark: build throughput, peak memory, incremental rebuild, and named-query latency
on pyoxigraph next to rdflib's in-memory store, on the example corpus replicated N times.

    python benchmarks/bench_graph.py --n 10000 --work /tmp/bench-graph [--jobs 2]

Targets (issue 4, 2-core machine): full build of 10,000 documents < 2 min and < 4 GiB;
incremental build after one changed file < 5 s; every named query < 100 ms at p95.
The corpus comes from ``benchmarks/generate_corpus.py`` (provinces, numbers renamed so that
identities stay distinct). Prints a table and writes ``<work>/bench_graph.json``.

rdflib's in-memory store cannot hold the 10,000-document graph (about 11 million triples;
rdflib needs over a kilobyte per triple), so in the same run the first ``--rdflib-n``
documents are built too (their extractions copied from the big build's cache) and the same
queries run there on both pyoxigraph and rdflib. Benchmarks report; they assert nothing.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate_corpus import generate, generate_one  # noqa: E402
from kg.build import build, graph_files, read_graph  # noqa: E402
from kg.query import bind_named  # noqa: E402
from kg.store import QueryError, open_store, write_store  # noqa: E402

# one run of every named query, with parameters that exist in the replicated corpus
QUERIES = [
    ("lineage", {"doc": "55-CTr/TU", "province": "Tuyên Quang"}),
    ("implementers", {"doc": "21-NQ/TW@2022"}),
    ("coverage", {"doc": "43-NQ/TW"}),
    ("tasks-by-agency", {"agency": "Ban Tổ chức", "province": "Tuyên Quang"}),
    ("planned-vs-issued", {"doc": "01-CTr/TU", "status": "issued"}),
    ("cited-not-loaded", {"province": "Tuyên Quang"}),
    ("conflicts", {"kind": "type_code_typo", "province": "Tuyên Quang"}),
    ("conflicts", {"kind": "type_code_typo"}),        # every province's records: 2,000 rows at 10k
]


def peak_rss_mib() -> float:
    self_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(self_kib, child_kib) / 1024


def percentiles(samples: list[float]) -> tuple[float, float]:
    s = sorted(samples)
    p50 = statistics.median(s)
    p95 = s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]
    return p50 * 1000, p95 * 1000


def time_oxigraph(out: Path, runs: int) -> list[dict]:
    store = open_store(out)
    rows = []
    for name, params in QUERIES:
        try:
            text, _ = bind_named(name, params, store)
        except QueryError as exc:      # a parameter the (small) generated corpus does not have
            rows.append({"query": name, "params": params, "rows": 0, "oxigraph_p50_ms": None, "oxigraph_p95_ms": None, "error": str(exc)})
            continue
        ts, n = [], 0
        for _ in range(runs):
            t = time.perf_counter()
            n = len(list(store.query(text)))
            ts.append(time.perf_counter() - t)
        p50, p95 = percentiles(ts)
        rows.append({"query": name, "params": params, "rows": n, "oxigraph_p50_ms": round(p50, 2), "oxigraph_p95_ms": round(p95, 2)})
    return rows


def _rdflib_runs(g, text: str, runs: int, conn) -> None:
    """In a forked child: ``runs`` timed runs of one query on rdflib (fewer past 30 s in all)."""
    try:
        ts, n = [], 0
        for _ in range(runs):
            t = time.perf_counter()
            n = len(list(g.query(text)))
            ts.append(time.perf_counter() - t)
            if sum(ts) > 30:
                break
        conn.send(("ok", n, ts))
    except Exception as exc:  # noqa: BLE001 - rdflib's own evaluation errors are part of the comparison
        conn.send(("error", f"rdflib: {type(exc).__name__}: {exc}", []))


def time_rdflib(out: Path, runs: int, timeout: float) -> tuple[list[dict], float, int]:
    """The same bound queries on rdflib's in-memory Graph of the build's N-Triples pieces. Each
    query runs in a forked child (the graph shared copy-on-write), stopped after ``timeout``
    seconds: rdflib joins a subquery by comparing every pair of rows, and one such query on 500
    documents ran for more than 15 minutes."""
    import multiprocessing as mp

    store = open_store(out)
    t = time.perf_counter()
    g = read_graph(out)
    load = time.perf_counter() - t
    fork = mp.get_context("fork")
    rows = []
    for name, params in QUERIES:
        try:
            text, _ = bind_named(name, params, store)
        except QueryError as exc:
            rows.append({"query": name, "rows_rdflib": 0, "rdflib_p50_ms": None, "rdflib_p95_ms": None, "error": str(exc)})
            continue
        recv, send = fork.Pipe(duplex=False)
        child = fork.Process(target=_rdflib_runs, args=(g, text, runs, send))
        child.start()
        result = recv.recv() if recv.poll(timeout) else None
        if result is None:
            child.kill()
        child.join()
        if result is None:
            rows.append({"query": name, "rows_rdflib": None, "rdflib_p50_ms": None, "rdflib_p95_ms": None,
                         "error": f"rdflib: stopped after {timeout:.0f} s"})
        elif result[0] == "error":
            rows.append({"query": name, "rows_rdflib": None, "rdflib_p50_ms": None, "rdflib_p95_ms": None,
                         "error": result[1]})
        else:
            p50, p95 = percentiles(result[2])
            rows.append({"query": name, "rows_rdflib": result[1], "rdflib_p50_ms": round(p50, 2),
                         "rdflib_p95_ms": round(p95, 2), "rdflib_runs": len(result[2])})
    return rows, load, len(g)


def _label(q: dict) -> str:
    return q["query"] + " " + ", ".join(f"{k}={v}" for k, v in q.get("params", {}).items())


def _f(x) -> str:
    return "—" if x is None else str(x)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10000, help="documents in the replicated corpus")
    ap.add_argument("--work", type=Path, default=Path("/tmp/bench-graph"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=50, help="runs per query on pyoxigraph")
    ap.add_argument("--rdflib-n", type=int, default=500,
                    help="documents of the subset also queried with rdflib (its in-memory store cannot hold 10,000)")
    ap.add_argument("--rdflib-runs", type=int, default=5)
    ap.add_argument("--rdflib-timeout", type=float, default=120.0,
                    help="seconds after which one query's rdflib runs are stopped and reported as such")
    ap.add_argument("--shared-central", action="store_true",
                    help="every copy cites the same central documents (generate_corpus.py's stress case)")
    ap.add_argument("--keep-cache", action="store_true",
                    help="reuse extractions from an earlier run (the full build is then not from scratch)")
    args = ap.parse_args(argv)

    corpus, out = args.work / "corpus", args.work / "graph"
    kind = corpus / ".generated"            # which generator mode wrote the corpus
    mode = "shared-central" if args.shared_central else "generations"
    if (not corpus.exists() or len(list(corpus.glob("*.txt"))) != args.n
            or not kind.is_file() or kind.read_text() != mode):
        shutil.rmtree(corpus, ignore_errors=True)       # another size's or mode's corpus
        generate(args.n, corpus, shared_central=args.shared_central)
        kind.write_text(mode)
    if out.exists() and not args.keep_cache:
        shutil.rmtree(out)                 # a full build is from scratch: no cached extraction
    t = time.perf_counter()
    r = build([corpus], out=out, jobs=args.jobs)      # as `kg build` does: SHACL included
    full = time.perf_counter() - t
    build_peak = peak_rss_mib()             # before rdflib loads anything
    # baseline in the same run: the store alone, bulk-loaded from the pieces the build wrote (what
    # any build that ends in a pyoxigraph store pays at least; the machine's speed varies by hour)
    (args.work / "baseline").mkdir(exist_ok=True)
    t = time.perf_counter()
    write_store(args.work / "baseline", graph_files(out))
    baseline = time.perf_counter() - t
    shutil.rmtree(args.work / "baseline")
    # incremental builds after one change, three kinds: a file saved again with a trailing newline
    # (its mentions unchanged), a file edited near the top (every offset after the edit moves, so
    # its mentions of central documents change and the global stage runs again), a file added
    first = sorted(corpus.glob("*.txt"))[0]
    added = corpus / f"{args.n:05d}_added.txt"
    changes = [("touched", lambda: first.write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")),
               ("edited", lambda: first.write_text("\n" + first.read_text(encoding="utf-8"), encoding="utf-8")),
               ("added", lambda: added.write_text(generate_one(args.n, shared_central=args.shared_central), encoding="utf-8"))]
    incremental = {}
    for name, change in changes:
        change()
        t = time.perf_counter()
        ri = build([corpus], out=out, jobs=args.jobs)
        incremental[name] = {"seconds": round(time.perf_counter() - t, 2), "extracted": ri.extracted,
                             "resolved": ri.resolved, "partitions": ri.partitions, "phases": ri.phases,
                             "conforms": ri.conforms}
    added.unlink()
    first.write_text(first.read_text(encoding="utf-8").removeprefix("\n").removesuffix("\n"), encoding="utf-8")
    print(f"{r.files} files → {r.documents} documents, {r.triples} triples")
    print(f"full build {full:.1f}s ({round(r.files / full, 1)} docs/s, {round(r.triples / full)} triples/s), "
          f"SHACL conforms: {r.conforms}\n  wall s per phase {r.phases}\n  CPU s per phase (workers included) {r.cpu}")
    print(f"baseline: bulk load of the same triples into an empty pyoxigraph store {baseline:.1f}s "
          f"(the full build takes {full / baseline:.1f} x that)")
    for name, inc in incremental.items():
        print(f"incremental, one file {name}: {inc['seconds']:.2f}s ({inc['extracted']} extracted, {inc['resolved']} of "
              f"{inc['partitions']} provinces resolved again) {inc['phases']}")
    print(f"peak RSS of the build {round(build_peak, 1)} MiB (the largest child process included)")
    sys.stdout.flush()
    ox_rows = time_oxigraph(out, args.runs)

    # the subset both engines can hold, from the same cache (same extractions, nothing re-extracted)
    sub_corpus, sub_out = args.work / f"corpus-{args.rdflib_n}", args.work / f"graph-{args.rdflib_n}"
    shutil.rmtree(sub_corpus, ignore_errors=True)
    sub_corpus.mkdir(parents=True)
    for f in sorted(corpus.glob("*.txt"))[:args.rdflib_n]:
        shutil.copy(f, sub_corpus / f.name)
    shutil.rmtree(sub_out, ignore_errors=True)
    shutil.copytree(out / "cache", sub_out / "cache")
    rs = build([sub_corpus], out=sub_out, jobs=args.jobs, shacl=False)
    sub_ox = time_oxigraph(sub_out, args.runs)
    sub_rl, rdflib_load, rdflib_triples = time_rdflib(sub_out, args.rdflib_runs, args.rdflib_timeout)
    subset = [{**a, **b} for a, b in zip(sub_ox, sub_rl)]      # both in the order of QUERIES

    report = {
        "documents_in": r.files, "graph_documents": r.documents, "triples": r.triples,
        "full_build_s": round(full, 2), "full_build_phases_s": r.phases, "full_build_cpu_s": r.cpu,
        "baseline_bulk_load_s": round(baseline, 2), "full_build_over_baseline": round(full / baseline, 2),
        "conforms": r.conforms,
        "docs_per_s": round(r.files / full, 1), "triples_per_s": round(r.triples / full),
        "partitions": r.partitions, "incremental": incremental,
        "peak_rss_mib": round(build_peak, 1), "queries": ox_rows,
        "rdflib_subset": {"documents_in": rs.files, "triples": rs.triples, "rdflib_load_s": round(rdflib_load, 2),
                          "rdflib_triples": rdflib_triples, "queries": subset},
    }
    print(f"\npyoxigraph, {r.files} documents ({r.triples} triples), {args.runs} runs per query")
    print(f"{'query':<56}{'rows':>7}{'ox p50 ms':>11}{'ox p95 ms':>11}")
    for q in ox_rows:
        print(f"{_label(q):<56}{q['rows']:>7}{_f(q['oxigraph_p50_ms']):>11}{_f(q['oxigraph_p95_ms']):>11}"
              + (f"  ({q['error']})" if q.get("error") else ""))
    print(f"\nsame queries on the first {rs.files} documents ({rs.triples} triples): pyoxigraph "
          f"({args.runs} runs) next to rdflib's in-memory store ({args.rdflib_runs} runs; load {rdflib_load:.1f}s)")
    print(f"{'query':<56}{'rows':>7}{'ox p50':>9}{'ox p95':>9}{'rdflib p50':>12}{'rdflib p95':>12}")
    for q in subset:
        print(f"{_label(q):<56}{q['rows']:>7}{_f(q['oxigraph_p50_ms']):>9}{_f(q['oxigraph_p95_ms']):>9}"
              f"{_f(q['rdflib_p50_ms']):>12}{_f(q['rdflib_p95_ms']):>12}" + (f"  ({q['error']})" if q.get("error") else ""))
    (args.work / "bench_graph.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
