"""``kg build``: files → extractions (cached by content) → partitions → RDF pieces → store.

Outputs in ``out`` (default ``kg-graph/``): the graph as N-Triples and Turtle pieces in
``graph/`` (``_global.nt`` for central and state documents and the nodes every province
shares, then one piece per province; see :mod:`kg.partitions`), optional ``graph.jsonld``,
``quality.json`` and ``quality.md``, ``manifest.json``, the pyoxigraph store in ``store/``,
and what the next build needs in ``cache/`` and ``state/``. Equal inputs give byte-identical
outputs.

The steps, each a phase in :attr:`BuildResult.phases`:

1. *extract*: every file's partition (its province) and its mentions of central and state
   documents, kept from the last build for files whose content did not change (the SHA-256,
   itself kept while size and modification time are unchanged), else from the extraction
   (cached in ``cache/`` under the content hash and the extractor's fingerprint; in
   ``jobs`` worker processes);
2. *resolve*: the global stage clusters the central and state mentions of the whole corpus;
3. *ntriples*: each partition whose files changed, or whose view of the global stage changed,
   is resolved, written as a sorted piece and checked against the shapes (in parallel), then
   the global piece;
4. *store*: updated by the difference of the pieces that changed; on the first build, bulk
   loaded (for :data:`STORE_CHILD_FILES` files or more, by a child process fed each piece as
   soon as it is written, so the load runs alongside phase 3 and the reports).

So an incremental build re-extracts and re-resolves only what changed, with the same result
as a full build (a test compares them byte for byte). SHACL runs in pyshacl up to
:data:`SHACL_PYSHACL_LIMIT` triples; above, the shapes are checked piece by piece as each piece
is written (:mod:`kg.shacl`; ``quality.md`` says which)::

    >>> import tempfile
    >>> r = build([], out=tempfile.mkdtemp())
    >>> r.documents, r.extracted
    (0, 0)
"""
from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import cache, partial
from itertools import chain
from pathlib import Path
from typing import Callable, Iterable

from kg.partitions import (GLOBAL_PIECE, GRAPH_DIR, STATE_DIR, PartitionState, code_fingerprint, load_global,
                           load_head, load_mentions, load_states, mentions_digest, partition_state, piece_name,
                           quality_spans, refs_by_source, remove_state, save_global, save_head, save_mentions,
                           save_state, symbol_index, titles_digest, view, write_quality, write_report_part)
from kg.rdf import DEFAULT_BASE, PREFIXES, merge_edge, source_provinces, source_segments, write_lines
from kg.resolve import (Globals, Partition, _hash, _Resolver, global_unit, joined_partitions, pack_mention,
                        province_links, resolve_global, shared_nodes)
from kg.shacl import PieceCheck, check_piece, compiled_shapes, conformance, validate
from kg.store import STORE_DIR, dump_turtle, update_store, write_store

# written in the store folder once it holds graph/*.nt; without it (a store from an older build,
# or one interrupted while bulk-loading) the store is rebuilt instead of updated
STORE_STAMP = "kg-build-ok"

# a corpus of this many files or more has its store bulk-loaded by a child process (_StoreLoader)
STORE_CHILD_FILES = 500

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
    partitions: int = 0        # provinces (and files without one), each resolved on its own
    resolved: int = 0          # partitions resolved in this run (the others were unchanged)
    phases: dict[str, float] = field(default_factory=dict)   # seconds per step (benchmarks)
    cpu: dict[str, float] = field(default_factory=dict)      # CPU seconds per step, workers included


def collect_inputs(paths: Iterable[str | Path]) -> list[str]:
    """Files to build from: files as given, folders walked (hidden files and READMEs skipped)."""
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = []
            for root, dirs, names in os.walk(path):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                found += [os.path.join(root, n) for n in names
                          if not n.startswith(".") and not n.lower().startswith("readme")
                          and os.path.splitext(n)[1].lower() in INPUT_SUFFIXES]
            out += sorted(found, key=lambda f: Path(f).parts)
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
CACHE_FORMAT = "r2"
_TASK_FIELDS = ("section", "tt", "content", "lead", "lead_inherited", "cooperating", "deadline", "references",
                "notes", "issued_as", "start", "end")


def slim_record(rec: dict) -> dict:
    out = {k: v for k, v in rec.items() if k not in ("text_info", "agencies", "tasks")}
    out["agencies"] = [{"name": a.get("name"), "roles": a.get("roles")} for a in rec.get("agencies") or []]
    out["tasks"] = [{k: t.get(k) for k in _TASK_FIELDS if k in t} for t in rec.get("tasks") or []]
    return out


def _extract_to_cache(path: str, cached: str, extractor: Callable[[str], dict] | None = None) -> dict:
    """Extract one file, write its cache entry and return what the entry holds; runs in the
    workers, so the parent only unpickles (no per-file serialization in the one process that
    everything waits on)."""
    rec = slim_record((extractor or _extract_one)(path))
    tmp = cached + ".tmp"
    with open(tmp, "wb") as fh:
        pickle.dump(rec, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, cached)
    return rec


def _cache_name(sha: str, fp: str) -> str:
    return f"{sha}-{fp}-{CACHE_FORMAT}.pickle"


def file_hashes(files: list[str], known: dict[str, list]) -> dict[str, list]:
    """``[size, mtime, sha256]`` of each file; a file whose size and modification time are those
    the last build saw keeps the hash it had then (hashing 10,000 files takes longer than the
    rest of an incremental build)."""
    out = {}
    for f in files:
        st = os.stat(f)
        k = known.get(f)
        sha = k[2] if k and k[0] == st.st_size and k[1] == st.st_mtime_ns else _sha256(f)
        out[f] = [st.st_size, st.st_mtime_ns, sha]
    return out


def _load_ext(path: str, sha: str, cache_dir: Path, extractor: Callable[[str], dict] | None) -> dict:
    """A file's extraction from the cache, extracted (and cached) if it is not there."""
    cached = cache_dir / _cache_name(sha, extractor_fingerprint())
    try:
        with open(cached, "rb") as fh:
            ext = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError):
        ext = _extract_to_cache(path, str(cached), extractor)
    ext["source"] = path                 # the path as given in this build, whatever the cache saw
    ext["sha256"] = sha
    return ext


def _prepare(path: str, sha: str, cache_dir: Path,
             extractor: Callable[[str], dict] | None) -> tuple[tuple, list, bool, str]:
    """Phase 1, per file: its province with the others it cites across (the partition is joined
    from these), and its mentions of central and state documents (extracting it first if the
    cache does not have it). Runs in the workers."""
    cached = cache_dir / _cache_name(sha, extractor_fingerprint())
    fresh = not cached.is_file()
    ext = _load_ext(path, sha, cache_dir, extractor)
    r = _Resolver(partition=True)
    r.collect([ext])
    packed = [pack_mention(m) for m in r.global_mentions]
    return province_links(ext, r.mentions), packed, fresh, mentions_digest(packed)


# the global stage, set in the parent before the workers fork (they read it, never write it)
_GLOB: Globals | None = None


def _resolve_piece(key: str, files: list[tuple[str, str]], out: Path, base: str, segments: dict[str, str],
                   cache_dir: Path, extractor: Callable[[str], dict] | None, shacl: bool,
                   pending: dict[str, _Apart] | None = None) -> PartitionState:
    """Phase 3, per partition: resolve its files against the global stage, write its piece
    (``graph/<name>.nt.new``, sorted, and the Turtle twin), its global mentions and its part of
    the quality report, check the shapes on it, and return its state. With ``pending``, a forked
    child writes the Turtle and checks the shapes, left in ``pending[key]`` to be joined (its
    check is the state's ``shacl``)."""
    with _no_cyclic_gc():
        return _resolve_piece_now(key, files, out, base, segments, cache_dir, extractor, shacl, pending)


def _resolve_piece_now(key: str, files: list[tuple[str, str]], out: Path, base: str, segments: dict[str, str],
                       cache_dir: Path, extractor: Callable[[str], dict] | None, shacl: bool,
                       pending: dict[str, _Apart] | None) -> PartitionState:
    part = Partition([_load_ext(f, sha, cache_dir, extractor) for f, sha in files], key)
    by_file: dict[str, list[tuple]] = {f: [] for f, _ in files}
    for m in part.global_mentions:
        by_file[m.source].append(pack_mention(m))
    save_mentions(out, key, by_file)
    corpus = part.resolve(_GLOB)
    docs = part._r.docs
    own: set[str] = set()
    shared: set[str] = set()
    edges: dict = {}
    provinces = source_provinces(corpus)
    write_lines(corpus, own.update, base, docs=docs, own=key, source_names=segments, shared_sink=shared.update,
                lineage_edges=edges, source_provinces=provinces)
    lines = sorted_lines(own)
    del own
    piece = out / GRAPH_DIR / f"{piece_name(key)}.nt"
    data, n_lines = _write_lines(piece.with_suffix(".nt.new"), lines), len(lines)
    del lines
    output = _Apart(_finish_piece, data, piece.with_suffix(".ttl"), shacl, apart=pending is not None)
    symbols, deep = part.global_reads()
    st = partition_state(out, key, corpus, docs, files, {f: mentions_digest(v) for f, v in by_file.items()},
                         sorted(shared), n_lines, symbols, deep)
    st.lineage_edges = edges
    st.source_provinces = provinces
    st.links = part.links()
    if pending is None:
        st.shacl = output.result()
    else:
        pending[key] = output
    return st


def _finish_piece(data: bytes, ttl: Path, shacl: bool) -> PieceCheck | None:
    """What a written piece still needs: its Turtle twin, and the check of the shapes on it (when
    ``shacl``). From its lines joined, not the file: the build may rename the file meanwhile."""
    dump_turtle(ttl.parent, ttl, PREFIXES, ntriples=data)
    # one decode of the piece, not one per line (a third of the check's time)
    return check_piece(data.decode().split("\n") if data else []) if shacl else None


class _Apart:
    """``fn(*args)`` in a forked child while this process goes on, joined by :meth:`result`: an
    incremental build resolves one province in the main process, where the second core would
    idle (at 10k documents, the Turtle and the shape check of a changed piece and of the global
    piece, and the quality report, took 1.5 s of its 5). Without ``apart``, or if the child
    fails, ``fn`` runs here. The child is joined before the store loader's input is closed (it
    holds a copy of that pipe)."""

    def __init__(self, fn: Callable, *args, apart: bool = True):
        self.fn, self.args, self.child, self.value = fn, args, None, None
        if not apart:
            self.value, self.args = fn(*args), ()
            return
        import multiprocessing as mp

        ctx = mp.get_context("fork")
        self.recv, send = ctx.Pipe(duplex=False)
        self.child = ctx.Process(target=_run_into, args=(fn, args, send), daemon=True)
        self.child.start()
        send.close()

    def result(self):
        if self.child is None:
            return self.value
        try:
            ok, value = self.recv.recv()
        except EOFError:                 # the child died without an answer
            ok, value = False, None
        finally:
            self.recv.close()
            self.child.join()
            self.child = None
        self.value = value if ok else self.fn(*self.args)
        self.args = ()
        return self.value


def _run_into(fn: Callable, args: tuple, send) -> None:
    try:
        send.send((True, fn(*args)))
    except Exception:                    # noqa: BLE001 - the parent runs it again and raises there
        send.send((False, None))


def sorted_lines(lines: Iterable[str]) -> list[bytes]:
    """N-Triples lines encoded as UTF-8 and sorted as bytes, which is code point order: two str
    of different widths (an ASCII line, a Vietnamese one) compare char by char, bytes by memcmp
    (a third of the sort of a piece), and the file is written without encoding them again.

    >>> sorted_lines(['<b> <p> "Đ" .', '<b> <p> "z" .', '<a> <p> "x" .'])
    [b'<a> <p> "x" .', b'<b> <p> "z" .', b'<b> <p> "\\xc4\\x90" .']
    """
    out = [line.encode() for line in lines]
    out.sort()
    return out


def _write_lines(path: Path, lines: list[bytes]) -> bytes:
    """Write sorted lines as an N-Triples file; returns them joined (the Turtle and the shape
    check read that, not a join of their own: a piece is hundreds of MB at 10k documents)."""
    data = b"\n".join(lines)
    with open(path, "wb") as fh:
        if data:
            fh.write(data)
            fh.write(b"\n")
    return data


def graph_files(out: str | Path, suffix: str = "nt") -> list[Path]:
    """The pieces of a built graph (``graph/*.nt`` or ``*.ttl``), the global piece first.

    >>> graph_files("no-such-build")
    []
    """
    return sorted((Path(out) / GRAPH_DIR).glob(f"*.{suffix}"))


def read_graph(out: str | Path, suffix: str = "nt"):
    """The built graph as one rdflib Graph, from its N-Triples (or Turtle) pieces (small graphs)."""
    from rdflib import Graph
    graph = Graph()
    for piece in graph_files(out, suffix):
        graph.parse(piece, format="nt" if suffix == "nt" else "turtle")
    return graph


def _pool(jobs: int, n: int):
    return ProcessPoolExecutor(max_workers=jobs) if jobs > 1 and n > 1 else None


def build(paths: Iterable[str | Path], out: str | Path = "kg-graph", jsonld: bool = False, jobs: int = 1,
          base: str = DEFAULT_BASE, shacl: bool = True,
          extractor: Callable[[str], dict] | None = None) -> BuildResult:
    """Build the graph of the files under ``paths`` into ``out`` (see the module doc).

    ``extractor`` (path -> contract record) defaults to ``loaders.extract.extract_path``.
    """
    with _no_cyclic_gc():
        return _build(paths, Path(out), jsonld, jobs, base, shacl, extractor)


@contextmanager
def _no_cyclic_gc():
    """A build allocates millions of small objects (mentions, evidence, triples) and no cycles
    worth collecting while it runs; each full collection would walk all of them again (the
    global stage's 124,000 mentions took 1.7 s to unpack with it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(paths: Iterable[str | Path], out: Path, jsonld: bool, jobs: int, base: str, shacl: bool,
           extractor: Callable[[str], dict] | None) -> BuildResult:
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    phases: dict[str, float] = {}
    cpu: dict[str, float] = {}
    mark = [time.perf_counter(), _cpu_seconds()]

    def lap(name: str) -> None:
        now, used = time.perf_counter(), _cpu_seconds()
        phases[name] = round(phases.get(name, 0) + now - mark[0], 3)
        cpu[name] = round(cpu.get(name, 0) + used - mark[1], 3)
        mark[:] = now, used

    jobs = max(1, jobs)
    files = sorted(collect_inputs(paths))
    fingerprint = f"{extractor_fingerprint()}-{code_fingerprint()}-{_hash(base)}"
    if extractor is not None:
        fingerprint += "-" + getattr(extractor, "__qualname__", "custom")
    head = load_head(out)
    old = load_states(out, head, fingerprint)
    had_store = bool(old) and (out / STORE_DIR / STORE_STAMP).is_file()
    (out / STATE_DIR / "head.json").unlink(missing_ok=True)   # until this build is complete
    (out / GRAPH_DIR).mkdir(exist_ok=True)
    cache_dir = out / CACHE_DIR
    cache_dir.mkdir(exist_ok=True)
    stats = file_hashes(files, head.get("files", {}))
    shas = {f: s[2] for f, s in stats.items()}

    # 1. every file's partition and mentions of central/state documents (their digest): kept
    # from the last build where the file did not change, else from its extraction
    known: dict[str, tuple[tuple, str]] = {}       # path -> (province links, digest of its mentions)
    for st in old.values():
        for f, sha in st.files:
            if shas.get(f) == sha:
                known[f] = (st.links[f], st.mention_digests[f])
    todo = [f for f in files if f not in known]
    pool = _pool(jobs, len(todo))
    prep = partial(_prepare, cache_dir=cache_dir, extractor=extractor)
    if pool:
        with pool:
            results = list(pool.map(prep, todo, [shas[f] for f in todo],
                                    chunksize=max(1, min(16, len(todo) // (8 * jobs)))))
    else:
        results = [prep(f, shas[f]) for f in todo]
    extracted = sum(1 for r in results if r[2])
    fresh_mentions = {f: r[1] for f, r in zip(todo, results)}
    for f, (key, _, _, digest) in zip(todo, results):
        known[f] = (key, digest)
    _clean_cache(cache_dir, {_cache_name(shas[f], extractor_fingerprint()) for f in files})
    keys = joined_partitions({f: known[f][0] for f in files})
    parts: dict[str, list[tuple[str, str]]] = {}
    for f in files:
        parts.setdefault(keys[f], []).append((f, shas[f]))
    lap("extract")

    # 2. the global stage, over the whole corpus's central and state mentions (in source order);
    # the last build's when none of them changed
    digest = hashlib.sha256(repr([(f, known[f][1]) for f in files]).encode()).hexdigest()
    old_digest, glob = load_global(out) if old else (None, None)
    glob_changed = old_digest != digest
    if glob_changed:
        stored: dict[str, list[tuple]] = {}
        for k in old:
            stored.update(load_mentions(out, k))
        touched = None
        if glob is not None:
            # the units of the mentions that went or came: the others keep their result
            gone = (t for f, ts in stored.items() if f not in known or f in fresh_mentions for t in ts)
            came = (t for ts in fresh_mentions.values() for t in ts)
            touched = {global_unit(t) for t in chain(gone, came)}
        glob = resolve_global([t for f in files for t in (fresh_mentions[f] if f in fresh_mentions else stored[f])],
                              previous=glob, touched=touched)
        del stored
        save_global(out, digest, glob)
    segments = source_segments(files)
    if glob_changed or set(files) != {f for st in old.values() for f, _ in st.files}:
        refs, spans, titles = refs_by_source(glob), quality_spans(glob), titles_digest(glob)
        by_symbol = cache(lambda: symbol_index(glob))

        def view_of(key: str, symbols: set, deep: set) -> str:
            return view(glob, parts[key], refs, symbols, deep, spans, titles, segments, by_symbol)
    else:
        def view_of(key: str, symbols: set, deep: set) -> str:    # nothing it could read changed
            return old[key].view if key in old and old[key].files == parts[key] else ""

    dirty = [k for k in parts if k not in old or old[k].files != parts[k]
             or old[k].view != view_of(k, old[k].symbols, old[k].deep)]
    lap("resolve")

    # 3. the partitions whose files or view of the global stage changed: resolved, written
    # a store to load from scratch is loaded while the pieces are written, each as it is done
    loader = _StoreLoader(out) if not had_store and len(files) >= STORE_CHILD_FILES else None
    global _GLOB
    _GLOB = glob
    try:
        if loader:
            for k in parts:
                if k not in dirty:
                    loader.feed(out / GRAPH_DIR / f"{piece_name(k)}.nt")
        work = partial(_resolve_piece, out=out, base=base, segments=segments, cache_dir=cache_dir, extractor=extractor,
                       shacl=shacl)
        pool = _pool(jobs, len(dirty))
        done: dict[str, PartitionState] = {}
        pending: dict[str, _Apart] = {}          # partitions a child finishes, joined after the store step
        if shacl and jobs > 1:
            compiled_shapes()                    # here once (rdflib parses the shapes), not in each child
        if pool:
            with pool:
                for future in as_completed([pool.submit(work, k, parts[k]) for k in dirty]):
                    st = future.result()
                    done[st.key] = st
                    if loader:
                        loader.feed(out / GRAPH_DIR / f"{piece_name(st.key)}.nt.new")
        else:
            for k in dirty:
                done[k] = work(k, parts[k], pending=pending if jobs > 1 else None)
                if loader:
                    loader.feed(out / GRAPH_DIR / f"{piece_name(k)}.nt.new")
        fresh = [done[k] for k in dirty]
    except BaseException:
        if loader:
            loader.abort()
        raise
    finally:
        _GLOB = None
    states = {k: old[k] for k in parts if k in old and k not in dirty}
    for st in fresh:
        st.view = view_of(st.key, st.symbols, st.deep) if glob_changed or st.key not in old else old[st.key].view
        states[st.key] = st
    states = dict(sorted(states.items()))
    lap("ntriples")

    # 4. the global piece: the global stage's nodes, the shared nodes merged, and every line the
    # partitions wrote about them; unchanged when the global stage and what partitions share are
    global_nt = out / GRAPH_DIR / f"{GLOBAL_PIECE}.nt"
    global_output: _Apart | None = None
    same_shared = set(states) == set(old) and all(st.shared() == old[st.key].shared() for st in fresh)
    if glob_changed or not same_shared or not global_nt.is_file():
        shared = shared_nodes(glob, ((st.shared_docs, st.shared_agencies) for st in states.values()))
        lines: set[str] = set()
        edges: dict = {}
        for st in states.values():
            lines.update(st.shared_lines)
            for key, (n, first) in st.lineage_edges.items():
                merge_edge(edges, key, n, first)
        write_lines(shared, lines.update, base, docs=shared.documents, own="", source_names=segments,
                    lineage_edges=edges, source_provinces={f: p for st in states.values()
                                                           for f, p in st.source_provinces.items()})
        ordered = sorted_lines(lines)
        data = _write_lines(global_nt.with_suffix(".nt.new"), ordered)
        global_output = _Apart(_finish_piece, data, global_nt.with_suffix(".ttl"), shacl, apart=jobs > 1)
        counts = write_report_part(out, GLOBAL_PIECE, "Central and State documents", shared.quality, [], shared.documents)
        n_docs = len(shared.documents)
        _save_global_summary(out, {"triples": len(lines), "documents": n_docs, "counts": counts})
        del lines, shared, ordered, data
        changed = [global_nt]
    else:
        changed = []
    summary = _load_global_summary(out)
    lap("global piece")
    # the quality report is joined from its parts by a child while the store is brought up to date
    report = _Apart(write_quality, out, [GLOBAL_PIECE, *states],
                    [summary["counts"], *(st.counts for st in states.values())], apart=jobs > 1)

    # 5. the store: updated by the difference of the pieces that changed, else loaded
    changed += [out / GRAPH_DIR / f"{piece_name(k)}.nt" for k in dirty]
    gone = [p for p in graph_files(out) if p.stem not in {GLOBAL_PIECE, *(piece_name(k) for k in parts)}]
    triples = summary["triples"] + sum(st.triples for st in states.values())
    if loader:
        loader.feed(global_nt.with_suffix(".nt.new") if global_nt in changed else global_nt)
    updated = had_store and update_store(out, [(p, p.with_suffix(".nt.new")) for p in changed]
                                         + [(p, None) for p in gone])
    for p in changed:
        os.replace(p.with_suffix(".nt.new"), p)
    for p in gone:
        p.unlink()
        p.with_suffix(".ttl").unlink(missing_ok=True)
    for k in set(old) - set(parts):
        remove_state(out, k)
    if not updated and not loader:
        (out / STORE_DIR / STORE_STAMP).unlink(missing_ok=True)
        if len(files) >= STORE_CHILD_FILES:
            loader = _StoreLoader(out)
            for p in graph_files(out):
                loader.feed(p)
        else:
            write_store(out, graph_files(out))
    for stale in (out / "graph.nt", out / "graph.ttl"):      # the single files of older builds
        stale.unlink(missing_ok=True)
    lap("store")
    # the Turtle and the checks of the pieces finished apart, while the store was brought up to date
    for k, output in pending.items():
        states[k].shacl = output.result()
    if global_output is not None:
        save_global_check(out, global_output.result())
    if not global_nt.with_suffix(".ttl").is_file():       # written with the piece; lost since
        dump_turtle(out, global_nt.with_suffix(".ttl"), PREFIXES, ntriples=global_nt)
    if jsonld:
        context = {p: str(ns) for p, ns in PREFIXES.items()}
        graph = read_graph(out)
        (out / "graph.jsonld").write_bytes(graph.serialize(format="json-ld", context=context, encoding="utf-8"))
        del graph
    elif (out / "graph.jsonld").exists():
        (out / "graph.jsonld").unlink()
    lap("turtle")

    n_quality = report.result()
    for st in fresh:
        save_state(out, st)
    lap("quality")
    result = BuildResult(out=out, files=len(files), extracted=extracted,
                         documents=summary["documents"] + sum(st.documents for st in states.values()),
                         relations=sum(st.relations for st in states.values()), triples=triples,
                         quality=n_quality, errors=[e for st in states.values() for e in st.errors],
                         partitions=len(states), resolved=len(dirty))
    if shacl:
        result.conforms, text = validate_build(out, triples, states)
        (out / "shacl.txt").write_text(text, encoding="utf-8")
        how = ("pyshacl against ontology/shapes.ttl" if triples <= SHACL_PYSHACL_LIMIT else
               f"the shapes of ontology/shapes.ttl checked piece by piece (kg.shacl; above "
               f"{SHACL_PYSHACL_LIMIT:,} triples pyshacl would need the whole graph in rdflib)")
        with open(out / "quality.md", "a", encoding="utf-8") as fh:
            fh.write(f"\n## SHACL\n\n{'Conforms' if result.conforms else 'Does not conform'}: checked with {how}; "
                     f"details in `shacl.txt`.\n")
        lap("shacl")
    if loader is not None:
        loader.finish()
        lap("store")
    (out / STORE_DIR / STORE_STAMP).write_text("store holds graph/*.nt\n", encoding="utf-8")
    result.phases, result.cpu = phases, cpu
    result.seconds = round(time.perf_counter() - t0, 3)
    manifest = {**{k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(result).items()},
                "base": base, "inputs": files, "extractor": extractor_fingerprint()}
    for volatile in ("seconds", "phases", "cpu", "extracted", "resolved"):   # equal builds, equal manifests
        manifest.pop(volatile)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    save_head(out, fingerprint, list(states), stats)
    return result


def _cpu_seconds() -> float:
    """User and system time of this process and of its waited-for children (the pools' workers
    once a pool is shut down, the store's loader)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _save_global_summary(out: Path, summary: dict) -> None:
    (out / STATE_DIR / "global.json").write_text(json.dumps(summary), encoding="utf-8")


def _load_global_summary(out: Path) -> dict:
    return json.loads((out / STATE_DIR / "global.json").read_text(encoding="utf-8"))


def _clean_cache(cache_dir: Path, keep: set[str]) -> None:
    """Drop cache entries of another version of the extractor (or the old JSON cache)."""
    fp = extractor_fingerprint()
    for stale in cache_dir.glob("*-*.*"):
        if stale.name not in keep and not stale.name.endswith(f"-{fp}-{CACHE_FORMAT}.pickle"):
            stale.unlink(missing_ok=True)


# pyshacl holds the graph in rdflib and takes minutes on a million triples; above this size the
# pieces' own checks (kg.shacl) are joined instead
SHACL_PYSHACL_LIMIT = 100_000


def validate_build(out: Path, triples: int, states: dict[str, PartitionState]) -> tuple[bool, str]:
    """SHACL conformance of a build: pyshacl on small graphs, the pieces' checks joined above
    :data:`SHACL_PYSHACL_LIMIT` triples (the report's first line says which). A piece checked by
    no earlier build (built with ``shacl=False``) is checked now."""
    if triples <= SHACL_PYSHACL_LIMIT:
        return validate(read_graph(out))
    checks = [load_global_check(out) or _check_file(out / GRAPH_DIR / f"{GLOBAL_PIECE}.nt")]
    for key, st in states.items():
        if st.shacl is None:
            st.shacl = _check_file(out / GRAPH_DIR / f"{piece_name(key)}.nt")
            save_state(out, st)
        checks.append(st.shacl)
    return conformance(checks, graph_files(out))


def _check_file(piece: Path) -> PieceCheck:
    with open(piece, encoding="utf-8") as fh:
        return check_piece([line.rstrip("\n") for line in fh if line.strip()])


def save_global_check(out: Path, check: PieceCheck | None) -> None:
    path = out / STATE_DIR / f"{GLOBAL_PIECE}.shacl.pickle"
    if check is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(pickle.dumps(check, protocol=pickle.HIGHEST_PROTOCOL))


def load_global_check(out: Path) -> PieceCheck | None:
    try:
        return pickle.loads((out / STATE_DIR / f"{GLOBAL_PIECE}.shacl.pickle").read_bytes())
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError):
        return None


class _StoreLoader:
    """The store bulk-loaded by a fresh interpreter from the pieces fed to it, one by one, as they
    are written: the load fills what the workers leave of the two cores (the global stage, the
    last pieces, the reports). A child process, because pyoxigraph's loader needs a couple of
    GiB and this process still holds what resolution allocated (CPython keeps freed memory).
    Each piece is fed as a hard link, so that renaming ``.nt.new`` to ``.nt`` cannot pull it away."""

    def __init__(self, out: Path):
        self.out, self.links, self.fed = out, out / ".store-load", 0
        shutil.rmtree(self.links, ignore_errors=True)
        self.links.mkdir()
        root = str(Path(__file__).resolve().parent.parent)
        env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
        code = "import sys; from kg.store import write_store; write_store(sys.argv[1], sys.stdin)"
        self.proc = subprocess.Popen([sys.executable, "-c", code, str(out)], env=env, stdin=subprocess.PIPE,
                                     text=True, encoding="utf-8")

    def feed(self, piece: Path) -> None:
        link = self.links / f"{self.fed:04d}.nt"
        self.fed += 1
        try:
            os.link(piece, link)
        except OSError:               # a file system without hard links
            shutil.copyfile(piece, link)
        try:
            self.proc.stdin.write(f"{link}\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            self.finish()             # raises with the loader's status

    def finish(self) -> None:
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        status = self.proc.wait()
        shutil.rmtree(self.links, ignore_errors=True)
        if status != 0:
            raise BuildError(f"loading the store from {self.out / GRAPH_DIR} failed (status {status})")

    def abort(self) -> None:
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.links, ignore_errors=True)
