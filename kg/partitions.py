"""The graph of a build as pieces, one per partition, and what an incremental build remembers.

A partition (:func:`kg.resolve.partition_of`) is the files of one province; its piece
(``graph/<partition>.nt``) holds every triple about a node it owns: its documents, relations,
tasks, planned items, quality records, source files and provincial agencies. The global piece
(``graph/_global.nt``) holds the central and state documents, the shared nodes (agencies of
central scope, provinces, document types, persons …) and every line the partitions wrote about
them. The pieces are disjoint, so together they are the graph with no triple twice.

``state/`` keeps, per partition, what the next build needs to leave it alone: its files and
their hashes, its mentions of central and state documents (the input of the global stage),
what it read of the global stage (:func:`view`), its shared nodes and lines, and its part of
the quality report. A partition is resolved again only when one of its files changed or what
it reads of the global stage changed; that is what keeps an incremental build equal to a
full one while touching a few hundred files of a 10,000-file corpus.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Callable

from kg.resolve import Corpus, Globals, QualityRecord, shared_part
from kg.store import append_file

GRAPH_DIR = "graph"
STATE_DIR = "state"
GLOBAL_PIECE = "_global"
STATE_FORMAT = "p1"


def piece_name(key: str) -> str:
    """File stem of a partition's piece: its province slug (``_no-province`` for files without one),
    or the slugs of the provinces it joins (``hai-duong+hai-phong``)."""
    return "+".join("_no-province" if p == "_" else p for p in key.split("+"))


@cache
def code_fingerprint() -> str:
    """Hash of the code from extractions to pieces: a change to it re-resolves everything."""
    here = Path(__file__).parent
    h = hashlib.sha256(STATE_FORMAT.encode())
    for name in ("resolve.py", "rdf.py", "partitions.py", "build.py", "shacl.py"):
        h.update((here / name).read_bytes())
    for name in ("vankien.ttl", "shapes.ttl"):          # the pieces' SHACL checks read them
        h.update((here.parent / "ontology" / name).read_bytes())
    return h.hexdigest()[:16]


@dataclass
class PartitionState:
    """What one partition's last resolution left for the next build (``state/<piece>.pickle``;
    its mentions of central and state documents and its part of the quality report are files
    next to it, read only when needed)."""
    key: str
    files: list[tuple[str, str]]                    # (path, sha256), sorted
    mention_digests: dict[str, str] = field(default_factory=dict)   # path -> digest of its global mentions
    links: dict[str, tuple] = field(default_factory=dict)   # path -> its kg.resolve.province_links
    view: str = ""                                  # digest of what it read of the global stage
    symbols: set[str] = field(default_factory=set)  # symbols it looked up among all documents
    deep: set[tuple] = field(default_factory=set)   # global documents whose fields it used
    shared_docs: dict = field(default_factory=dict)
    shared_agencies: dict = field(default_factory=dict)
    shared_lines: list[str] = field(default_factory=list)
    lineage_edges: dict = field(default_factory=dict)   # its statements of edges from shared documents
    source_provinces: dict = field(default_factory=dict)  # its files' provinces (kg.rdf.source_provinces)
    counts: dict[str, int] = field(default_factory=dict)    # quality records by kind
    title: str = ""                                 # the province's name, for quality.md
    documents: int = 0
    relations: int = 0
    triples: int = 0                                # lines of its own piece
    errors: list[str] = field(default_factory=list)
    shacl: Any = None                               # kg.shacl.PieceCheck of its piece (None: not checked)

    def shared(self) -> tuple:
        return self.shared_docs, self.shared_agencies, self.shared_lines, self.lineage_edges, self.source_provinces


def state_path(out: Path, key: str, part: str = "pickle") -> Path:
    """``state/<piece>.pickle`` and its companions (``mentions.pickle``, ``records.json`` …)."""
    return out / STATE_DIR / f"{piece_name(key)}.{part}"


def mentions_digest(packed: list[tuple]) -> str:
    return hashlib.sha256(pickle.dumps(packed, protocol=4)).hexdigest()[:20]


def save_mentions(out: Path, key: str, mentions: dict[str, list[tuple]]) -> None:
    _atomic(state_path(out, key, "mentions.pickle"), pickle.dumps(mentions, protocol=pickle.HIGHEST_PROTOCOL))


def load_mentions(out: Path, key: str) -> dict[str, list[tuple]]:
    with open(state_path(out, key, "mentions.pickle"), "rb") as fh:
        return pickle.load(fh)


def save_global(out: Path, digest: str, glob: Globals) -> None:
    _atomic(out / STATE_DIR / "global.pickle", pickle.dumps((digest, glob), protocol=pickle.HIGHEST_PROTOCOL))


def load_global(out: Path) -> tuple[str, Globals] | tuple[None, None]:
    """The global stage of the last build and the digest of its input (every file's global mentions)."""
    try:
        with open(out / STATE_DIR / "global.pickle", "rb") as fh:
            return pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
        return None, None


def _atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def load_head(out: Path) -> dict:
    """``state/head.json`` of the last complete build (empty if there is none)."""
    try:
        return json.loads((out / STATE_DIR / "head.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def load_states(out: Path, head: dict, fingerprint: str) -> dict[str, PartitionState]:
    """The states ``head`` lists, if the last build was made by this code under this fingerprint."""
    if head.get("fingerprint") != fingerprint:
        return {}
    states = {}
    for key in head.get("partitions", []):
        try:
            with open(state_path(out, key), "rb") as fh:
                states[key] = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError):
            return {}          # a state lost or from another version: start over
    return states


def save_state(out: Path, st: PartitionState) -> None:
    _atomic(state_path(out, st.key), pickle.dumps(st, protocol=pickle.HIGHEST_PROTOCOL))


def remove_state(out: Path, key: str) -> None:
    for f in (out / STATE_DIR).glob(f"{piece_name(key)}.*"):
        f.unlink(missing_ok=True)


def save_head(out: Path, fingerprint: str, keys: list[str], files: dict[str, tuple]) -> None:
    """Written last: the states it lists are complete. ``files`` caches path -> (size, mtime, sha)."""
    head = {"fingerprint": fingerprint, "partitions": keys, "files": files}
    _atomic(out / STATE_DIR / "head.json", json.dumps(head).encode("utf-8"))


# ------------------------------------------------------------------------------ global view

def refs_by_source(glob: Globals) -> dict[str, list[tuple[Any, tuple]]]:
    out: dict[str, list] = {}
    for (source, idx), key in glob.ref_to_doc.items():
        out.setdefault(source, []).append((idx, key))
    return out


def _fields(glob: Globals, key: tuple) -> tuple:
    d = glob.documents.get(key)
    if d is None:
        return (key,)
    return (d.path, d.symbol, d.date, d.type, d.scope, d.subject, d.title, d.ambiguous, d.loaded)


def symbol_index(glob: Globals) -> dict[str, list[tuple]]:
    """Each symbol (as resolved and as written) -> the (IRI name, scope, ambiguous) of its documents."""
    by_symbol: dict[str, list] = {}
    for d in glob.documents.values():
        if d.symbol:
            for s in {d.symbol, *d.as_written}:
                by_symbol.setdefault(s, []).append((d.path, d.scope, d.ambiguous))
    return by_symbol


def view(glob: Globals, files: list[tuple[str, str]], refs: dict, symbols: set[str], deep: set[tuple],
         spans: dict[str, list], titles: str, segments: dict[str, str],
         by_symbol: Callable[[], dict[str, list[tuple]]] | None = None) -> str:
    """Digest of everything a partition reads of the global stage: the documents its references
    resolved to (IRI, symbol, date), the results of its symbol lookups, the fields of the
    documents it matched planned items to, the global quality records on its files (the
    extractor's warnings they already cover are not repeated), the loaded titles, and the IRI
    names of its files (which depend on the names of all files). ``by_symbol`` gives the
    :func:`symbol_index`, built once for all partitions (a pass over every document)."""
    h = hashlib.sha256(titles.encode())
    docs = glob.documents
    rows = []            # one repr for the whole partition: 144,000 small ones took 0.4 s at 10k files
    for path, _ in files:
        found = []
        # in the order of the mentions (an index is unique in its file), not the one the stage resolved them in
        for idx, key in sorted(refs.get(path, ())):
            d = docs[key]
            found.append((idx, d.path, d.symbol, d.date, d.ambiguous))
        rows.append((path, segments.get(path), found, sorted(spans.get(path, ()))))
    h.update(repr(rows).encode())
    if symbols:
        index = by_symbol() if by_symbol is not None else symbol_index(glob)
        for s in sorted(symbols):
            h.update(repr((s, sorted(index.get(s, ())))).encode())
    for key in sorted(deep, key=repr):
        h.update(repr(_fields(glob, key)).encode())
    return h.hexdigest()


def quality_spans(glob: Globals) -> dict[str, list]:
    out: dict[str, list] = {}
    for q in glob.quality:
        for e in q.evidence:
            if e.start is not None and e.end is not None:
                out.setdefault(e.source, []).append((q.kind, e.start, e.end))
    return out


def titles_digest(glob: Globals) -> str:
    return hashlib.sha256(repr(sorted((k, sorted(v, key=repr)) for k, v in glob.loaded_titles.items())).encode()).hexdigest()


# ------------------------------------------------------------------------------ quality report

def quality_record(q: QualityRecord, docs) -> dict:
    return {"kind": q.kind, "severity": q.severity, "message": q.message,
            "as_written": q.as_written, "resolved_to": q.resolved_to,
            "documents": [docs[k].path for k in q.documents],
            "evidence": [{"source": e.source, "start": e.start, "end": e.end, "quote": e.quote} for e in q.evidence]}


def quality_md_line(r: dict) -> str:
    ev = r["evidence"][0] if r["evidence"] else None
    span = f" [{ev['start']}:{ev['end']}]" if ev and ev["start"] is not None else ""
    quote = " ".join((ev or {}).get("quote", "").split())[:160]
    where = f" — `{Path(ev['source']).name}`{span} «{quote}»" if ev else ""
    return f"- **{r['severity']}** {r['message']}{where}"


def planned_row(p, docs) -> dict:
    plan = docs[p.document]
    return {
        "plan": plan.symbol or plan.label, "ordinal": p.ordinal, "kind": p.kind, "title": p.title,
        "deadline": p.deadline, "deadline_date": p.deadline_date.isoformat() if p.deadline_date else None,
        "status": "issued" if p.fulfilled_by else "open",
        "fulfilled_by": [{"symbol": docs[f.document].symbol, "date": docs[f.document].date.isoformat()
                          if docs[f.document].date else None, "score": f.score, "similarity": f.similarity,
                          "delay_days": f.delay_days,
                          "evidence": {"source": f.evidence.source, "start": f.evidence.start,
                                       "end": f.evidence.end, "quote": f.evidence.quote}}
                         for f in p.fulfilled_by]}


def planned_md_row(p: dict) -> str:
    f = p["fulfilled_by"][0] if p["fulfilled_by"] else {}
    title = (p["title"] or "").replace("|", "/")[:90]
    return (f"| {p['plan']} | {p['ordinal'] or ''} | {p['kind'] or ''} | {title} | {p['deadline'] or ''} | "
            f"{p['status']} | {f.get('symbol') or ''} {f.get('date') or ''} | "
            f"{'' if f.get('delay_days') is None else f['delay_days']} | {f.get('score', '')} |")


QUALITY_TITLES = {
    "type_code_typo": "Type-code typos (resolved)", "issuer_code_typo": "Issuer-code typos (resolved)",
    "symbol_variant": "Symbol variants", "date_conflict": "Date conflicts (one document, two dates)",
    "term_conflict": "Term conflicts", "ambiguous_mention": "Ambiguous mentions (not resolved)",
    "unmatched_planned": "Planned documents not found as issued", "extraction_error": "Extraction errors",
    "duplicate_file": "Documents loaded from several files (tasks and planned items read from the first)",
    "unnumbered_resolved": "Unnumbered mentions resolved to a loaded document",
    "unit_resolved": "District or commune documents cited without their unit, resolved to the only one",
    "unit_unknown": "District or commune documents cited without their unit that fit several (not resolved)",
    # the extractor's warnings that no resolver record above already covers (same file, span)
    "type_code_contradicts_noun": "Extractor: type code contradicts the noun",
    "issuer_code_contradicts_body": "Extractor: issuer code contradicts the issuing body",
    "term_contradicts_date": "Extractor: term (khóa) contradicts the date",
    "symbol_shared_code": "Extractor: numbers read with the code of the symbol after them (số 43, 44-NQ/TW)",
    "symbol_code_inferred": "Extractor: numbers read with the code of the committee named after them (Nghị quyết số 57 … của Bộ Chính trị)",
    "impossible_date": "Extractor: dates that do not exist", "date_conflict_in_file": "Extractor: date conflicts",
    "cited_after_citing": "Extractor: documents cited with a date after the citing document's"}

REPORT_PARTS = ("records.json", "records.md", "planned.json", "planned.md")


def write_report_part(out: Path, key: str, title: str, records: list[QualityRecord], planned: list, docs) -> dict[str, int]:
    """A corpus's part of the quality report, serialized once into ``state/<piece>.records.json``
    (records sorted by kind and message), ``.records.md`` (a section per kind), ``.planned.json``
    and ``.planned.md`` (table rows); returns its record counts by kind."""
    recs = sorted(records, key=lambda q: (q.kind, q.message))
    js, md, counts = [], [f"## {title}"] if recs else [], {}
    for q in recs:
        r = quality_record(q, docs)
        if q.kind not in counts:
            md += ["", f"### {QUALITY_TITLES.get(q.kind, q.kind)}", ""]
        counts[q.kind] = counts.get(q.kind, 0) + 1
        js.append(json.dumps(r, ensure_ascii=False))
        md.append(quality_md_line(r))
    pj, pm = [], []
    for p in planned:
        r = planned_row(p, docs)
        pj.append(json.dumps(r, ensure_ascii=False))
        pm.append(planned_md_row(r))
    for part, lines, sep in zip(REPORT_PARTS, (js, md, pj, pm), (",\n", "\n", ",\n", "\n")):
        _atomic(state_path(out, key, part), sep.join(lines).encode("utf-8"))
    return counts


def write_quality(out: Path, keys: list[str], counts: list[dict[str, int]]) -> int:
    """``quality.json`` and ``quality.md``: the summary, then the parts of the global stage and of
    every partition, joined as they were serialized (nothing is parsed again)."""
    summary: dict[str, int] = {}
    for c in counts:
        for k, n in c.items():
            summary[k] = summary.get(k, 0) + n
    summary = dict(sorted(summary.items()))

    def parts(name: str) -> list[Path]:
        paths = (state_path(out, k, name) for k in keys)
        return [p for p in paths if p.stat().st_size]

    def join(fh, paths: list[Path], sep: bytes, end: bytes = b"") -> None:
        for i, p in enumerate(paths):
            fh.write(sep if i else b"")
            append_file(fh, p)
            fh.write(end)

    with open(out / "quality.json", "wb") as fh:
        fh.write(('{"summary": ' + json.dumps(summary, ensure_ascii=False) + ',\n"records": [\n').encode("utf-8"))
        join(fh, parts("records.json"), b",\n")
        fh.write(b'\n],\n"planned": [\n')
        join(fh, parts("planned.json"), b",\n")
        fh.write(b"\n]}\n")
    with open(out / "quality.md", "wb") as fh:
        fh.write(("# Data-quality report\n\n| kind | count |\n|---|---|\n"
                  + "".join(f"| {k} | {n} |\n" for k, n in summary.items())).encode("utf-8"))
        for p in parts("records.md"):
            fh.write(b"\n")
            append_file(fh, p)
            fh.write(b"\n")
        fh.write(b"\n## Planned vs issued\n\n| plan | # | kind | title | deadline | status | issued as | delay (days) | score |\n"
                 b"|---|---|---|---|---|---|---|---|---|\n")
        join(fh, parts("planned.md"), b"", b"\n")
    return sum(summary.values())


def partition_title(key: str, corpus: Corpus) -> str:
    """The province's name as its documents give it (the slug if none does); the names of the
    provinces a partition joins ("Hải Dương, Hải Phòng")."""
    names = sorted({d.province for d in corpus.documents.values() if d.province})
    return ", ".join(names) if names else ("Files without a province" if key == "_" else key)


def partition_state(out: Path, key: str, corpus: Corpus, docs, files: list[tuple[str, str]],
                    mention_digests: dict[str, str], shared_lines: list[str], triples: int,
                    symbols: set[str], deep: set[tuple]) -> PartitionState:
    """The state of a resolved partition; writes its part of the quality report."""
    shared_docs, shared_agencies = shared_part(corpus)
    title = partition_title(key, corpus)
    counts = write_report_part(out, key, title, corpus.quality, corpus.planned, docs)
    own_docs = sum(1 for k in corpus.documents if k not in shared_docs)
    return PartitionState(
        key=key, files=files, mention_digests=mention_digests, symbols=symbols, deep=deep,
        shared_docs=shared_docs, shared_agencies=shared_agencies, shared_lines=shared_lines,
        counts=counts, title=title, documents=own_docs, relations=len(corpus.relations),
        triples=triples, errors=[q.message for q in corpus.quality if q.kind == "extraction_error"])
