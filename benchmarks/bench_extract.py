"""Extraction throughput: ``kg extract`` next to a bare regular-expression scan of the same text.

The figure that matters is the ratio (how much the full pipeline costs over the cheapest
possible symbol scan, measured in the same run on the same machine), plus absolute MB/s per
core, the speed-up of ``--jobs 2``, and peak memory (which must follow the largest file, not
the number of files: records are streamed). Wall-clock MB/s includes the process start-up;
MB per CPU-second is the per-core rate that other load on the machine does not distort (the
load average is reported so a slow run can be told from a slow pipeline).

    .venv/bin/python benchmarks/bench_extract.py --n 400
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate_corpus import generate  # noqa: E402

BARE = re.compile(r"\d+\s*[-–/]\s*[A-ZĐa-z]{1,5}\s*[/-]\s*[A-ZĐ]{1,8}")


def bare_scan(files: list[Path]) -> tuple[float, int]:
    t = time.perf_counter()
    hits = 0
    for p in files:
        hits += len(BARE.findall(p.read_text(encoding="utf-8")))
    return time.perf_counter() - t, hits


def kg_extract(folder: Path, jobs: int) -> tuple[float, float, int, float]:
    """Wall time, CPU time (user + system, workers included), records, and peak RSS (MB) of
    one real ``kg extract`` process tree.

    ``wait4`` gives this run's own usage: ``RUSAGE_CHILDREN`` of the benchmark would mix the
    runs (its maxrss is the largest of all children so far). CPU time is the figure per core
    that does not depend on what else the machine is running.
    """
    kg = ROOT / ".venv" / "bin" / "kg"
    with tempfile.TemporaryFile() as out:
        t = time.perf_counter()
        proc = subprocess.Popen([str(kg), "extract", str(folder), "--format", "jsonl", "--jobs", str(jobs)],
                                stdout=out, stderr=subprocess.PIPE)
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"kg extract failed: {err.decode()[-2000:]}")
        out.seek(0)
        records = sum(1 for _ in out)
    # Linux: a reaped child's maxrss covers the descendants it reaped (the workers).
    return wall, usage.ru_utime + usage.ru_stime, records, usage.ru_maxrss / 1024


def steady_state(files: list[Path]) -> float:
    """CPU seconds of the whole per-file pipeline (read, normalize, extract, JSON) in one warm
    process: the throughput per core once start-up (imports, pattern compiling) is paid."""
    from loaders.extract import extract_path

    for p in files[:5]:
        extract_path(p)
    t = time.process_time()
    for p in files:
        json.dumps(extract_path(p), ensure_ascii=False)
    return time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=400, help="documents in the generated corpus")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each configuration; the fastest counts")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "extract.json")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = generate(args.n, folder)
        mb = sum(p.stat().st_size for p in files) / 1e6
        bare_s, hits = min(bare_scan(files) for _ in range(args.repeat))
        one = min((kg_extract(folder, 1) for _ in range(args.repeat)), key=lambda r: r[0])
        two = min((kg_extract(folder, 2) for _ in range(args.repeat)), key=lambda r: r[0])
        warm_cpu = min(steady_state(files) for _ in range(args.repeat))
    (one_s, one_cpu, n1, peak1), (two_s, two_cpu, n2, peak2) = one, two
    result = {
        "documents": args.n, "megabytes": round(mb, 2), "bare_regex_hits": hits,
        "bare_regex_MBps": round(mb / bare_s, 1),
        "kg_extract_MBps_1_job": round(mb / one_s, 2), "kg_extract_MBps_2_jobs": round(mb / two_s, 2),
        "ratio_bare_over_extract": round(one_s / bare_s, 1), "speedup_2_jobs": round(one_s / two_s, 2),
        "MBps_per_cpu_second_1_job": round(mb / one_cpu, 2), "MBps_per_cpu_second_2_jobs": round(mb / two_cpu, 2),
        "MBps_per_cpu_second_warm": round(mb / warm_cpu, 2),
        "peak_rss_MB": round(max(peak1, peak2), 1), "peak_rss_MB_1_job": round(peak1, 1),
        "peak_rss_MB_2_jobs": round(peak2, 1), "records": [n1, n2], "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    for k, v in result.items():
        print(f"{k:28} {v}")


if __name__ == "__main__":
    main()
