"""Extraction throughput: ``kg extract`` next to a bare regular-expression scan of the same text.

The figure that matters is the ratio (how much the full pipeline costs over the cheapest
possible symbol scan, measured in the same run on the same machine), plus absolute MB/s per
core, the speed-up of ``--jobs 2``, and peak memory (which must follow the largest file, not
the number of files: records are streamed).

    .venv/bin/python benchmarks/bench_extract.py --n 400
"""
from __future__ import annotations

import argparse
import json
import re
import resource
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


def kg_extract(folder: Path, jobs: int) -> tuple[float, int, float]:
    """Wall time, records, and peak RSS (MB) of a real ``kg extract`` process."""
    kg = ROOT / ".venv" / "bin" / "kg"
    t = time.perf_counter()
    proc = subprocess.run([str(kg), "extract", str(folder), "--format", "jsonl", "--jobs", str(jobs)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"kg extract failed: {proc.stderr.decode()[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, proc.stdout.count(b"\n"), peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=400, help="documents in the generated corpus")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "extract.json")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = generate(args.n, folder)
        mb = sum(p.stat().st_size for p in files) / 1e6
        bare_s, hits = bare_scan(files)
        one_s, n1, peak1 = kg_extract(folder, 1)
        two_s, n2, peak2 = kg_extract(folder, 2)
    result = {
        "documents": args.n, "megabytes": round(mb, 2), "bare_regex_hits": hits,
        "bare_regex_MBps": round(mb / bare_s, 1),
        "kg_extract_MBps_1_job": round(mb / one_s, 2), "kg_extract_MBps_2_jobs": round(mb / two_s, 2),
        "ratio_bare_over_extract": round(one_s / bare_s, 1), "speedup_2_jobs": round(one_s / two_s, 2),
        "peak_rss_MB": round(max(peak1, peak2), 1), "records": [n1, n2],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    for k, v in result.items():
        print(f"{k:28} {v}")


if __name__ == "__main__":
    main()
