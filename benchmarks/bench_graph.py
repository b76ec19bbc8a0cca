"""Graph benchmark: build throughput, peak memory, incremental rebuild, and named-query latency
on pyoxigraph next to rdflib's in-memory store, on the example corpus replicated N times.

    python benchmarks/bench_graph.py --n 10000 --work /tmp/bench-graph [--jobs 2]

Targets (issue 4, 2-core machine): full build of 10,000 documents < 2 min and < 4 GiB;
incremental build after one changed file < 5 s; every named query < 100 ms at p95.
The corpus comes from ``benchmarks/generate_corpus.py`` (provinces, numbers renamed so that
identities stay distinct). Prints a table and writes ``<work>/bench_graph.json``.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate_corpus import generate  # noqa: E402
from kg.build import build  # noqa: E402
from kg.query import bind_named  # noqa: E402
from kg.store import open_store  # noqa: E402

# one run of every named query, with parameters that exist in the replicated corpus
QUERIES = [
    ("lineage", {"doc": "55-CTr/TU", "province": "Tuyên Quang"}),
    ("implementers", {"doc": "21-NQ/TW@2022"}),
    ("coverage", {"doc": "43-NQ/TW"}),
    ("tasks-by-agency", {"agency": "Ban Tổ chức", "province": "Tuyên Quang"}),
    ("planned-vs-issued", {"doc": "01-CTr/TU", "status": "issued"}),
    ("cited-not-loaded", {"province": "Tuyên Quang"}),
    ("conflicts", {"kind": "type_code_typo"}),
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


def time_queries(out: Path, runs: int) -> list[dict]:
    import rdflib

    store = open_store(out)
    g = rdflib.Graph()
    t = time.perf_counter()
    g.parse(out / "graph.nt", format="nt")
    rdflib_load = time.perf_counter() - t
    rows = []
    for name, params in QUERIES:
        text, _ = bind_named(name, params, store)
        ox_t, rl_t, n_ox, n_rl = [], [], 0, 0
        for _ in range(runs):
            t = time.perf_counter()
            n_ox = len(list(store.query(text)))
            ox_t.append(time.perf_counter() - t)
        for _ in range(max(3, runs // 5)):      # rdflib is much slower; fewer runs
            t = time.perf_counter()
            n_rl = len(list(g.query(text)))
            rl_t.append(time.perf_counter() - t)
        rows.append({"query": name, "rows": n_ox, "rows_rdflib": n_rl,
                     "oxigraph_p50_ms": round(percentiles(ox_t)[0], 2), "oxigraph_p95_ms": round(percentiles(ox_t)[1], 2),
                     "rdflib_p50_ms": round(percentiles(rl_t)[0], 2), "rdflib_p95_ms": round(percentiles(rl_t)[1], 2)})
    rows.append({"query": "(rdflib load of graph.nt, s)", "rdflib_p50_ms": round(rdflib_load, 2)})
    return rows


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10000, help="documents in the replicated corpus")
    ap.add_argument("--work", type=Path, default=Path("/tmp/bench-graph"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=50, help="runs per query on pyoxigraph")
    args = ap.parse_args(argv)

    corpus, out = args.work / "corpus", args.work / "graph"
    if not corpus.exists() or len(list(corpus.glob("*.txt"))) != args.n:
        generate(args.n, corpus)
    t = time.perf_counter()
    r = build([corpus], out=out, jobs=args.jobs, shacl=False)
    full = time.perf_counter() - t
    first = sorted(corpus.glob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    t = time.perf_counter()
    r2 = build([corpus], out=out, jobs=args.jobs, shacl=False)
    incremental = time.perf_counter() - t
    report = {
        "documents_in": r.files, "graph_documents": r.documents, "triples": r.triples,
        "full_build_s": round(full, 2), "docs_per_s": round(r.files / full, 1), "triples_per_s": round(r.triples / full),
        "incremental_build_s": round(incremental, 2), "incremental_extracted": r2.extracted,
        "peak_rss_mib": round(peak_rss_mib(), 1), "queries": time_queries(out, args.runs),
    }
    print(f"{r.files} files → {r.documents} documents, {r.triples} triples")
    print(f"full build {full:.1f}s ({report['docs_per_s']} docs/s, {report['triples_per_s']} triples/s); "
          f"incremental {incremental:.2f}s ({r2.extracted} re-extracted); peak RSS {report['peak_rss_mib']} MiB")
    print(f"{'query':<22}{'rows':>7}{'ox p50':>10}{'ox p95':>10}{'rdflib p50':>12}{'rdflib p95':>12}")
    for q in report["queries"][:-1]:
        print(f"{q['query']:<22}{q['rows']:>7}{q['oxigraph_p50_ms']:>10}{q['oxigraph_p95_ms']:>10}"
              f"{q['rdflib_p50_ms']:>12}{q['rdflib_p95_ms']:>12}")
    (args.work / "bench_graph.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
