"""``kg build``: files → extractions (cached by content) → Corpus → RDF → files and store.

Outputs in ``out`` (default ``kg-graph/``): ``graph.ttl``, ``graph.nt`` (sorted, so two
builds of the same corpus are byte-identical), optional ``graph.jsonld``, ``quality.json``
and ``quality.md``, ``manifest.json`` and the pyoxigraph store in ``store/``.

Scale (10,000 documents, ~11 million triples): the N-Triples are written as strings straight
from the Corpus (no rdflib Graph) into ``sort -u`` (bounded memory, the other core); the store
is bulk-loaded from that file, and ``graph.ttl`` is streamed from it by pyoxigraph's
serializer. SHACL runs in pyshacl up to :data:`SHACL_PYSHACL_LIMIT` triples and as SPARQL
queries on the store above (``quality.md`` says which).

Incremental: each file's extraction is cached in ``out/cache/`` (a pickle, written by the
worker that extracted it) under the SHA-256 of its content and a fingerprint of the
extractor's code and tables, so adding or changing one file re-extracts only that file;
resolution always runs over the whole corpus, which is what makes an incremental build equal
to a full one, and the store is updated by the difference between the old and new sorted
N-Triples instead of being loaded again::

    >>> import tempfile
    >>> r = build([], out=tempfile.mkdtemp())
    >>> r.documents, r.extracted
    (0, 0)
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Callable, Iterable

from kg.rdf import DEFAULT_BASE, PREFIXES, validate, write_lines
from kg.resolve import Corpus, QualityRecord, resolve
from kg.store import STORE_DIR, dump_turtle, update_store, write_store

# written in the store folder once it holds graph.nt; without it (a store from an older build,
# or one interrupted while bulk-loading) the store is rebuilt instead of updated
STORE_STAMP = "kg-build-ok"

INPUT_SUFFIXES = {".txt", ".md", ".html", ".htm", ".docx", ".doc", ".pdf", ".rtf"}
CACHE_DIR = "cache"


class BuildError(RuntimeError):
    """The build cannot run (no extractor, no input)."""


@dataclass
class BuildResult:
    out: Path
    files: int = 0
    extracted: int = 0         # files extracted in this run (the others came from the cache)
    documents: int = 0
    relations: int = 0
    triples: int = 0
    quality: int = 0
    conforms: bool | None = None
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)   # seconds per step (benchmarks)


def collect_inputs(paths: Iterable[str | Path]) -> list[str]:
    """Files to build from: files as given, folders walked (hidden files and READMEs skipped)."""
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                rel = f.relative_to(path)
                if (f.is_file() and f.suffix.lower() in INPUT_SUFFIXES
                        and not any(part.startswith(".") for part in rel.parts)
                        and not f.name.lower().startswith("readme")):
                    out.append(str(f))
        elif path.is_file():
            out.append(str(path))
        else:
            raise BuildError(f"no such file or folder: {p}")
    return list(dict.fromkeys(out))


@cache
def extractor_fingerprint() -> str:
    """Hash of the extractor's code and tables: a change to either invalidates the cache."""
    import loaders

    root = Path(loaders.__file__).parent
    h = hashlib.sha256()
    for f in sorted(root.rglob("*")):
        if f.is_file() and f.suffix in (".py", ".tsv", ".toml") and "__pycache__" not in f.parts:
            h.update(str(f.relative_to(root)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _extract_one(path: str) -> dict:
    try:
        from loaders.extract import extract_path
        return extract_path(path)
    except ImportError as exc:  # the extractor or one of its stages is missing
        raise BuildError(f"the extractor (loaders.extract.extract_path) is not available: {exc}") from exc


# What resolution reads of a record: the cache keeps only that (a quarter less to read and to
# hold for 10,000 files: agencies' every mention, the task tables' other cells, text_info).
# Bump CACHE_FORMAT when resolve.py starts reading another field.
CACHE_FORMAT = "r1"
_TASK_FIELDS = ("section", "tt", "content", "lead", "cooperating", "deadline", "references", "notes",
                "issued_as", "start", "end")


def slim_record(rec: dict) -> dict:
    out = {k: v for k, v in rec.items() if k not in ("text_info", "agencies", "tasks")}
    out["agencies"] = [{"name": a.get("name"), "roles": a.get("roles")} for a in rec.get("agencies") or []]
    out["tasks"] = [{k: t.get(k) for k in _TASK_FIELDS if k in t} for t in rec.get("tasks") or []]
    return out


def _extract_to_cache(path: str, cached: str, extractor: Callable[[str], dict] | None = None) -> bytes:
    """Extract one file and write its cache entry; runs in the workers, so the parent only
    unpickles (no per-file serialization in the one process that everything waits on)."""
    data = pickle.dumps(slim_record((extractor or _extract_one)(path)), protocol=pickle.HIGHEST_PROTOCOL)
    tmp = cached + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, cached)
    return data


def _cache_name(sha: str, fp: str) -> str:
    return f"{sha}-{fp}-{CACHE_FORMAT}.pickle"


def extract_all(files: list[str], cache_dir: Path, jobs: int = 1,
                extractor: Callable[[str], dict] | None = None) -> tuple[list[dict], int]:
    """Extractions of ``files`` (cache first); returns them and how many were extracted now.

    The cache holds pickles (several times faster to read than JSON at 10,000 files)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    fp = extractor_fingerprint()
    shas = {f: _sha256(f) for f in files}
    results: dict[str, dict] = {}
    todo = []
    for f in files:
        cached = cache_dir / _cache_name(shas[f], fp)
        try:
            with open(cached, "rb") as fh:
                results[f] = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError):
            todo.append(f)
    paths = [str(cache_dir / _cache_name(shas[f], fp)) for f in todo]
    if jobs > 1 and len(todo) > 1:
        # the first file in this process warms the extractor's tables before the fork, so the
        # workers share them instead of building them once each (as ``kg extract --jobs`` does)
        fresh = [_extract_to_cache(todo[0], paths[0], extractor)]
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            fresh += pool.map(partial(_extract_to_cache, extractor=extractor), todo[1:], paths[1:],
                              chunksize=max(1, min(16, len(todo) // (8 * jobs))))
    else:
        fresh = [_extract_to_cache(f, p, extractor) for f, p in zip(todo, paths)]
    for f, data in zip(todo, fresh):
        results[f] = pickle.loads(data)
    keep = {_cache_name(shas[f], fp) for f in files}
    for stale in cache_dir.glob("*-*.*"):
        if stale.name not in keep and not stale.name.endswith(f"-{fp}-{CACHE_FORMAT}.pickle"):
            stale.unlink(missing_ok=True)   # another version of the extractor, or the old JSON cache
    out = []
    for f in files:
        ext = results[f]
        ext["source"] = f              # the path as given in this build, whatever the cache saw
        ext["sha256"] = shas[f]
        out.append(ext)
    return out, len(todo)


def sort_ntriples(corpus: Corpus, path: Path, base: str = DEFAULT_BASE) -> int:
    """Write the corpus's N-Triples to ``path``, sorted and distinct; returns the triple count.

    The lines stream into ``sort -u`` under ``LC_ALL=C`` (byte order of UTF-8 = code-point
    order = Python's ``sorted``), which sorts in bounded memory on the other core while this
    process is still writing; without ``sort`` (not POSIX), Python sorts in memory.
    """
    tool = shutil.which("sort")
    if tool is None:
        lines: set[str] = set()
        write_lines(corpus, lines.update, base)
        path.write_text("\n".join(sorted(lines)) + "\n" if lines else "\n", encoding="utf-8")
        return len(lines)
    env = {**os.environ, "LC_ALL": "C"}
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".sort-") as tmp:
        proc = subprocess.Popen([tool, "-u", "-S", "512M", f"--parallel={max(1, min(4, cpu_count()))}",
                                 "-T", tmp, "-o", str(path)], stdin=subprocess.PIPE, env=env)
        try:
            write_lines(corpus, lambda ls: proc.stdin.write(("\n".join(ls) + "\n").encode("utf-8")), base)
        finally:
            proc.stdin.close()
            rc = proc.wait()
    if rc != 0:
        raise BuildError(f"sort failed with status {rc} while writing {path}")
    n = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 24), b""):
            n += chunk.count(b"\n")
    if n == 0:
        path.write_text("\n", encoding="utf-8")   # what an empty graph always gave
    return n


def quality_report(corpus: Corpus) -> dict:
    """The data-quality report as plain data (``quality.json``)."""
    docs = corpus.documents

    def rec(q: QualityRecord) -> dict:
        return {"kind": q.kind, "severity": q.severity, "message": q.message,
                "as_written": q.as_written, "resolved_to": q.resolved_to,
                "documents": [docs[k].path for k in q.documents],
                "evidence": [{"source": e.source, "start": e.start, "end": e.end, "quote": e.quote} for e in q.evidence]}

    planned = []
    for p in corpus.planned:
        plan = docs[p.document]
        planned.append({
            "plan": plan.symbol or plan.label, "ordinal": p.ordinal, "kind": p.kind, "title": p.title,
            "deadline": p.deadline, "deadline_date": p.deadline_date.isoformat() if p.deadline_date else None,
            "status": "issued" if p.fulfilled_by else "open",
            "fulfilled_by": [{"symbol": docs[f.document].symbol, "date": docs[f.document].date.isoformat()
                              if docs[f.document].date else None, "score": f.score, "similarity": f.similarity,
                              "delay_days": f.delay_days,
                              "evidence": {"source": f.evidence.source, "start": f.evidence.start,
                                           "end": f.evidence.end, "quote": f.evidence.quote}}
                             for f in p.fulfilled_by]})
    by_kind: dict[str, int] = {}
    for q in corpus.quality:
        by_kind[q.kind] = by_kind.get(q.kind, 0) + 1
    return {"summary": by_kind, "records": [rec(q) for q in corpus.quality], "planned": planned}


def quality_markdown(report: dict) -> str:
    """A readable ``quality.md`` from :func:`quality_report`."""
    lines = ["# Data-quality report", ""]
    titles = {"type_code_typo": "Type-code typos (resolved)", "issuer_code_typo": "Issuer-code typos (resolved)",
              "symbol_variant": "Symbol variants", "date_conflict": "Date conflicts (one document, two dates)",
              "term_conflict": "Term conflicts", "ambiguous_mention": "Ambiguous mentions (not resolved)",
              "unmatched_planned": "Planned documents not found as issued", "extraction_error": "Extraction errors",
              "unnumbered_resolved": "Unnumbered mentions resolved to a loaded document",
              # the extractor's warnings that no resolver record above already covers (same file, span)
              "type_code_contradicts_noun": "Extractor: type code contradicts the noun",
              "issuer_code_contradicts_body": "Extractor: issuer code contradicts the issuing body",
              "term_contradicts_date": "Extractor: term (khóa) contradicts the date",
              "impossible_date": "Extractor: dates that do not exist", "date_conflict_in_file": "Extractor: date conflicts"}
    lines += ["| kind | count |", "|---|---|"]
    lines += [f"| {k} | {n} |" for k, n in sorted(report["summary"].items())]
    for kind in sorted({r["kind"] for r in report["records"]}):
        lines += ["", f"## {titles.get(kind, kind)}", ""]
        for r in (x for x in report["records"] if x["kind"] == kind):
            ev = r["evidence"][0] if r["evidence"] else None
            span = f" [{ev['start']}:{ev['end']}]" if ev and ev["start"] is not None else ""
            quote = " ".join((ev or {}).get("quote", "").split())[:160]
            where = f" — `{Path(ev['source']).name}`{span} «{quote}»" if ev else ""
            lines.append(f"- **{r['severity']}** {r['message']}{where}")
    lines += ["", "## Planned vs issued", "", "| plan | # | kind | title | deadline | status | issued as | delay (days) | score |",
              "|---|---|---|---|---|---|---|---|---|"]
    for p in report["planned"]:
        f = p["fulfilled_by"][0] if p["fulfilled_by"] else {}
        title = (p["title"] or "").replace("|", "/")[:90]
        lines.append(f"| {p['plan']} | {p['ordinal'] or ''} | {p['kind'] or ''} | {title} | {p['deadline'] or ''} | "
                     f"{p['status']} | {f.get('symbol') or ''} {f.get('date') or ''} | "
                     f"{'' if f.get('delay_days') is None else f['delay_days']} | {f.get('score', '')} |")
    return "\n".join(lines) + "\n"


def build(paths: Iterable[str | Path], out: str | Path = "kg-graph", jsonld: bool = False, jobs: int = 1,
          base: str = DEFAULT_BASE, shacl: bool = True,
          extractor: Callable[[str], dict] | None = None) -> BuildResult:
    """Build the graph of the files under ``paths`` into ``out`` (see the module doc).

    ``extractor`` (path -> contract record) defaults to ``loaders.extract.extract_path``.
    """
    t0 = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    phases: dict[str, float] = {}
    mark = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        phases[name] = round(now - mark[0], 3)
        mark[0] = now

    files = collect_inputs(paths)
    exts, extracted = extract_all(files, out / CACHE_DIR, jobs=max(1, jobs), extractor=extractor)
    lap("extract")
    corpus = resolve(exts)
    del exts                       # the extractions are the largest thing held; the corpus has it all
    lap("resolve")
    # the new N-Triples next to the old ones: the store is then updated by their difference
    nt, nt_new = out / "graph.nt", out / "graph.nt.new"
    triples = sort_ntriples(corpus, nt_new, base)
    lap("ntriples")
    report = quality_report(corpus)
    (out / "quality.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "quality.md").write_text(quality_markdown(report), encoding="utf-8")
    result = BuildResult(out=out, files=len(files), extracted=extracted, documents=len(corpus.documents),
                         relations=len(corpus.relations), triples=triples, quality=len(corpus.quality),
                         errors=[q.message for q in corpus.quality if q.kind == "extraction_error"])
    del corpus, report
    lap("quality")
    updated = (out / STORE_DIR / STORE_STAMP).is_file() and update_store(out, nt, nt_new)
    os.replace(nt_new, nt)
    if not updated:
        _load_store_in_child(out, nt) if triples > 1_000_000 else write_store(out, nt)
    (out / STORE_DIR / STORE_STAMP).write_text("store holds graph.nt\n", encoding="utf-8")
    lap("store")
    if jsonld:
        from rdflib import Graph
        context = {p: str(ns) for p, ns in PREFIXES.items()}
        graph = Graph().parse(out / "graph.nt", format="nt")
        (out / "graph.jsonld").write_bytes(graph.serialize(format="json-ld", context=context, encoding="utf-8"))
        del graph
    elif (out / "graph.jsonld").exists():
        (out / "graph.jsonld").unlink()
    # instance IRIs in full: their paths have slashes
    dump_turtle(out, out / "graph.ttl", PREFIXES, ntriples=out / "graph.nt")
    lap("turtle")
    if shacl:
        result.conforms, text = validate_build(out, triples)
        (out / "shacl.txt").write_text(text, encoding="utf-8")
        how = ("pyshacl against ontology/shapes.ttl" if triples <= SHACL_PYSHACL_LIMIT else
               f"the shapes of ontology/shapes.ttl as SPARQL queries on the store (above "
               f"{SHACL_PYSHACL_LIMIT:,} triples pyshacl would need the whole graph in rdflib)")
        with open(out / "quality.md", "a", encoding="utf-8") as fh:
            fh.write(f"\n## SHACL\n\n{'Conforms' if result.conforms else 'Does not conform'}: checked with {how}; "
                     f"details in `shacl.txt`.\n")
        lap("shacl")
    result.phases = phases
    result.seconds = round(time.perf_counter() - t0, 3)
    manifest = {**{k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(result).items()},
                "base": base, "inputs": files, "extractor": extractor_fingerprint()}
    manifest.pop("seconds")   # keep the manifest identical between equal builds
    manifest.pop("phases")
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return result


# pyshacl holds the graph in rdflib and takes minutes on a million triples; above this size the
# same shapes run as SPARQL checks on the store (kg.rdf.validate_store).
SHACL_PYSHACL_LIMIT = 100_000


def validate_build(out: Path, triples: int) -> tuple[bool, str]:
    """SHACL conformance of a build: pyshacl on small graphs, the shapes as SPARQL on the store above
    :data:`SHACL_PYSHACL_LIMIT` triples (the report's first line says which)."""
    if triples <= SHACL_PYSHACL_LIMIT:
        from rdflib import Graph
        ok, text = validate(Graph().parse(out / "graph.nt", format="nt"))
        return ok, text
    from kg.rdf import validate_store
    from kg.store import open_store
    return validate_store(open_store(out))


def _load_store_in_child(out: Path, nt: Path) -> None:
    """Bulk-load the store in a fresh interpreter: pyoxigraph's loader needs a couple of GiB,
    and this process still holds what resolution allocated (CPython keeps freed memory), so
    side by side they would add up (5 GiB at 10,000 documents)."""
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    code = "import sys, pathlib; from kg.store import write_store; write_store(sys.argv[1], pathlib.Path(sys.argv[2]))"
    done = subprocess.run([sys.executable, "-c", code, str(out), str(nt)], env=env)
    if done.returncode != 0:
        raise BuildError(f"loading the store from {nt} failed (status {done.returncode})")


def cpu_count() -> int:
    return os.cpu_count() or 1
