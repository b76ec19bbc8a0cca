"""``kg build``: the files it writes, SHACL conformance of the built graph, and incremental
builds that re-extract only what changed and give the same N-Triples as a full build."""
from __future__ import annotations

import hashlib
import json
import pickle
import shutil
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef

from contract_samples import sample_extractor
from graph_fixtures import CORPUS, write_merged_provinces
from kg.build import BuildError, build, collect_inputs, graph_files, read_graph
from kg.shacl import validate


def test_outputs_of_a_build(sample_graph: Path):
    for name in ("graph/_global.nt", "graph/_global.ttl", "graph/tuyen-quang.nt", "graph/tuyen-quang.ttl",
                 "graph/hai-duong.nt", "quality.json", "quality.md", "manifest.json", "store"):
        assert (sample_graph / name).exists(), name
    assert not (sample_graph / "graph.jsonld").exists()
    nt = read_graph(sample_graph)
    assert len(read_graph(sample_graph, "ttl")) == len(nt)
    # the pieces are disjoint: together they are the graph with no triple twice
    lines = [x for p in graph_files(sample_graph) for x in p.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(set(lines)) == len(nt)
    # a province's piece says nothing about another province's documents
    tq = (sample_graph / "graph" / "tuyen-quang.nt").read_text(encoding="utf-8")
    assert "/doc/province/hai-duong/" not in "".join(x.split(" ")[0] for x in tq.splitlines())
    report = json.loads((sample_graph / "quality.json").read_text(encoding="utf-8"))
    assert report["summary"]["type_code_typo"] == 1 and report["summary"]["unmatched_planned"] == 2
    md = (sample_graph / "quality.md").read_text(encoding="utf-8")
    assert "12-CT/TU written for 12-CTr/TU" in md and "Planned vs issued" in md
    assert json.loads((sample_graph / "manifest.json").read_text())["conforms"] is True


def test_jsonld_on_request(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(next(CORPUS.glob("001_*.txt")), src)
    build([src], out=tmp_path / "out", jsonld=True, extractor=sample_extractor)
    g = Graph().parse(tmp_path / "out" / "graph.jsonld", format="json-ld")
    assert len(g) == len(read_graph(tmp_path / "out"))


def _outputs(out: Path) -> dict[str, bytes]:
    names = [p.relative_to(out) for p in graph_files(out) + graph_files(out, "ttl")]
    files = {str(n): (out / n).read_bytes() for n in [*names, Path("quality.json"), Path("quality.md")]}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest.pop("out")
    return {**files, "manifest": manifest}


def test_incremental_build_equals_full_build(tmp_path):
    files = sorted(CORPUS.glob("*.txt"))
    inc, full = tmp_path / "inc", tmp_path / "full"
    inc.mkdir()
    for f in files[:4]:
        shutil.copy(f, inc / f.name)
    r1 = build([inc], out=tmp_path / "g-inc", extractor=sample_extractor)
    assert r1.extracted == 4
    shutil.copy(files[4], inc / files[4].name)            # one file added
    r2 = build([inc], out=tmp_path / "g-inc", extractor=sample_extractor)
    assert (r2.files, r2.extracted) == (5, 1)
    r3 = build([inc], out=tmp_path / "g-inc", extractor=sample_extractor)
    assert (r3.extracted, r3.resolved) == (0, 0)           # nothing changed, nothing resolved again
    # a full build of the same folder from scratch
    shutil.copytree(inc, full)
    build([inc], out=tmp_path / "g-full", extractor=sample_extractor)
    a, b = _outputs(tmp_path / "g-inc"), _outputs(tmp_path / "g-full")
    assert a.keys() == b.keys() and all(a[k] == b[k] for k in a), [k for k in a if a[k] != b.get(k)]
    # the incremental build updated its store by the difference; it holds what a full load holds
    import pyoxigraph as ox
    from kg.store import open_store
    fresh = ox.Store()          # the store's own literal forms (it canonicalizes 100.0 to 100)
    for piece in graph_files(tmp_path / "g-full"):
        fresh.bulk_load(path=str(piece), format=ox.RdfFormat.N_TRIPLES)
    assert set(open_store(tmp_path / "g-inc")) == set(fresh)


def test_a_change_in_one_province_leaves_the_others_alone(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for f in sorted(CORPUS.glob("*.txt")):
        shutil.copy(f, src / f.name)
    r1 = build([src], out=tmp_path / "g", extractor=sample_extractor)
    hd_file = next(f for f in src.iterdir() if "Hải Dương" in f.read_text(encoding="utf-8")[:3000])
    tq_piece = tmp_path / "g" / "graph" / "tuyen-quang.nt"
    before = tq_piece.stat().st_mtime_ns
    hd_file.write_text(hd_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    r2 = build([src], out=tmp_path / "g", extractor=sample_extractor)
    assert (r1.partitions, r2.extracted, r2.resolved) == (2, 1, 1)
    assert tq_piece.stat().st_mtime_ns == before
    # a file removed: its province's piece goes, and the graph is what a build without it gives
    hd_file.unlink()
    r3 = build([src], out=tmp_path / "g", extractor=sample_extractor)
    assert r3.partitions == 1 and not (tmp_path / "g" / "graph" / "hai-duong.nt").exists()
    build([src], out=tmp_path / "g-full", extractor=sample_extractor)
    a, b = _outputs(tmp_path / "g"), _outputs(tmp_path / "g-full")
    assert a == b


def test_provinces_cited_across_are_one_partition_built_incrementally_as_in_full(tmp_path):
    src = write_merged_provinces(tmp_path / "src", names={"hp-05-da.txt", "hp-12-ctr.txt"})
    r1 = build([src], out=tmp_path / "g")
    pieces = lambda out: sorted(p.name for p in graph_files(out))      # noqa: E731
    assert r1.partitions == 1 and pieces(tmp_path / "g") == ["_global.nt", "hai-phong.nt"]
    write_merged_provinces(src, names={"hd-05-da.txt"})                 # the former province's file comes
    r2 = build([src], out=tmp_path / "g")
    assert (r2.extracted, r2.resolved, r2.partitions) == (1, 1, 1)
    assert pieces(tmp_path / "g") == ["_global.nt", "hai-duong+hai-phong.nt"]
    build([src], out=tmp_path / "g-full")
    a, b = _outputs(tmp_path / "g"), _outputs(tmp_path / "g-full")
    assert a == b
    cited = [line for line in a["graph/hai-duong+hai-phong.nt"].decode().splitlines()
             if "/doc/province/hai-duong/ĐA/5/2022> <https://vankien.example.org/ontology#citedIn>" in line]
    assert len(cited) == 1 and "hp-12-ctr.txt" in cited[0]


def test_a_changed_file_is_re_extracted(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for f in sorted(CORPUS.glob("*.txt"))[:2]:
        shutil.copy(f, src / f.name)
    assert build([src], out=tmp_path / "g", extractor=sample_extractor).extracted == 2
    first = sorted(src.iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert build([src], out=tmp_path / "g", extractor=sample_extractor).extracted == 1


def test_one_document_in_two_files_has_its_tasks_once(tmp_path):
    # the same programme as a .txt and as a .md (its PDF and its DOCX, in practice): one node,
    # its task rows read from the first file, and a record that says so
    src = tmp_path / "src"
    src.mkdir()
    c001 = next(CORPUS.glob("001_*.txt"))
    shutil.copy(c001, src / "a-001.txt")
    shutil.copy(c001, src / "b-001.md")
    out = tmp_path / "g"
    build([src], out=out)
    ok, report = validate(read_graph(out))
    assert ok, report[:2000]
    single = tmp_path / "single"
    single.mkdir()
    shutil.copy(c001, single / "a-001.txt")
    build([single], out=tmp_path / "g1")

    def tasks(graph_dir: Path) -> set:
        return set(read_graph(graph_dir).subjects(RDF.type, URIRef("https://vankien.example.org/ontology#Task")))
    assert tasks(out) == tasks(tmp_path / "g1") and tasks(out)
    report = json.loads((out / "quality.json").read_text(encoding="utf-8"))
    dup = [r for r in report["records"] if r["kind"] == "duplicate_file"]
    assert len(dup) == 1 and "a-001.txt" in dup[0]["message"]


def test_inputs_skip_readmes_and_hidden_files(tmp_path):
    (tmp_path / "README.md").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    assert collect_inputs([tmp_path]) == [str(tmp_path / "a.txt")]
    with pytest.raises(BuildError):
        collect_inputs([tmp_path / "missing"])


# ---- the example corpus through the live extractor (fails if extraction breaks)

def test_corpus_build_conforms_to_the_shapes(corpus_graph: Path):
    ok, report = validate(read_graph(corpus_graph))
    assert ok, report[:3000]
    manifest = json.loads((corpus_graph / "manifest.json").read_text())
    assert manifest["files"] == 5 and manifest["documents"] > 100


def test_corpus_build_reports_the_typos(corpus_graph: Path):
    report = json.loads((corpus_graph / "quality.json").read_text(encoding="utf-8"))
    typos = {(r["as_written"], r["resolved_to"]) for r in report["records"] if r["kind"].endswith("_typo")}
    assert ("12-CT/TU", "12-CTr/TU") in typos
    assert ("35-NQ/TU", "35-NQ/TW") in typos


def test_large_builds_check_the_shapes_piece_by_piece(tmp_path, monkeypatch):
    """Above the limits: the shapes checked piece by piece, the store loaded by a child process."""
    import kg.build as kb

    monkeypatch.setattr(kb, "SHACL_PYSHACL_LIMIT", 0)
    monkeypatch.setattr(kb, "STORE_CHILD_FILES", 0)
    src = tmp_path / "src"
    src.mkdir()
    for f in sorted(CORPUS.glob("*.txt")):
        shutil.copy(f, src / f.name)
    r = build([src], out=tmp_path / "g", extractor=sample_extractor)
    assert r.conforms is True
    assert "SHACL shapes checked piece by piece" in (tmp_path / "g" / "shacl.txt").read_text(encoding="utf-8")
    from kg.store import open_store
    assert len(open_store(tmp_path / "g")) == r.triples
    # a broken piece is seen: the next build is a no-op for the pieces, so break one and check again
    piece = next(p for p in graph_files(tmp_path / "g") if p.stem == "tuyen-quang")
    lines = piece.read_text(encoding="utf-8").splitlines()
    broken = [line for line in lines if "#start>" not in line]
    assert len(broken) < len(lines)
    from kg.build import _check_file, validate_build
    from kg.partitions import load_head, load_states
    piece.write_text("\n".join(broken) + "\n", encoding="utf-8")
    head = load_head(tmp_path / "g")
    states = load_states(tmp_path / "g", head, head["fingerprint"])
    states["tuyen-quang"].shacl = _check_file(piece)
    ok, text = validate_build(tmp_path / "g", 10**9, states)
    assert not ok and "StatementShape start minCount 1" in text


def test_a_task_under_a_merged_lead_cell_is_led_by_that_cell(corpus_graph: Path):
    # c001 (55-CTr/TU) keeps a merged lead cell in its first row only: row 18's lead is the Ban Dân
    # vận Tỉnh ủy of the row above, an edge marked as inherited
    from kg.query import run_sparql
    rows = run_sparql("""PREFIX vk: <https://vankien.example.org/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?lead ?inherited WHERE { ?t a vk:Task ; vk:ordinal "18" ; vk:inDocument ?d . ?d vk:symbol "55-CTr/TU" .
          ?a vk:leads ?t ; skos:prefLabel ?lead . OPTIONAL { ?t vk:leadInherited ?inherited } }""", corpus_graph)
    assert rows == [{"lead": "Ban Dân vận Tỉnh ủy", "inherited": True}]


def test_corpus_build_links_the_annex_rows_noted_as_issued(corpus_graph: Path):
    report = json.loads((corpus_graph / "quality.json").read_text(encoding="utf-8"))
    issued = {(p["plan"], p["ordinal"]): p["fulfilled_by"] for p in report["planned"] if p["fulfilled_by"]}
    qd = issued[("52-CTr/TU", "I.1")][0]
    assert qd["symbol"] == "387/QĐ-UBND" and qd["score"] == 1.0 and "26/02/2026" in qd["evidence"]["quote"]
    assert issued[("52-CTr/TU", "II.6")][0]["symbol"] == "12-CTr/TU"


def test_the_pieces_are_the_graph_of_the_whole_corpus(corpus_graph: Path):
    """Resolving province by province and writing piece by piece gives the graph that resolving
    and writing the whole corpus at once gives (the same extractions, from the build's cache)."""
    from kg.build import CACHE_FORMAT, extractor_fingerprint
    from kg.rdf import ntriples
    from kg.resolve import resolve

    manifest = json.loads((corpus_graph / "manifest.json").read_text(encoding="utf-8"))
    exts = []
    for f in manifest["inputs"]:
        sha = hashlib.sha256(Path(f).read_bytes()).hexdigest()
        ext = pickle.loads((corpus_graph / "cache" / f"{sha}-{extractor_fingerprint()}-{CACHE_FORMAT}.pickle").read_bytes())
        exts.append({**ext, "source": f, "sha256": sha})
    whole = set(ntriples(resolve(exts)).splitlines()) - {""}
    pieces = {x for p in graph_files(corpus_graph) for x in p.read_text(encoding="utf-8").splitlines()}
    assert pieces == whole


def test_lineage_edges_sum_up_their_statements(corpus_graph: Path):
    """Each vk:LineageEdge (written per piece, or merged across provinces in the global piece
    for edges from central documents) has its statements' count and smallest quote."""
    from kg.store import open_store
    assert lineage_edges_disagree(open_store(corpus_graph)) == []


def test_incremental_builds_of_a_generated_corpus_equal_full_builds(tmp_path, monkeypatch):
    """Thirty documents in eight provinces (the benchmark's generator, live extractor): after a file
    is edited near the top (its offsets move), one is added and one removed, each incremental
    build equals a full build of the same files, and only the provinces concerned are resolved.
    The first build loads its store from the pieces as the workers write them, and every build
    checks the shapes piece by piece, keeping the checks of the pieces it leaves alone."""
    import sys

    import kg.build as kb
    from kg.store import open_store
    monkeypatch.setattr(kb, "STORE_CHILD_FILES", 0)
    monkeypatch.setattr(kb, "SHACL_PYSHACL_LIMIT", 0)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.generate_corpus import generate, generate_one

    src = tmp_path / "src"
    files = generate(30, src)
    assert build([src], out=tmp_path / "inc", jobs=2).conforms

    def same_as_full(step: str) -> None:
        shutil.rmtree(tmp_path / "full", ignore_errors=True)
        build([src], out=tmp_path / "full")
        a, b = _outputs(tmp_path / "inc"), _outputs(tmp_path / "full")
        assert a.keys() == b.keys(), step
        assert [k for k in a if a[k] != b[k]] == [], step
        assert set(open_store(tmp_path / "inc")) == set(open_store(tmp_path / "full")), step

    files[7].write_text("\n" + files[7].read_text(encoding="utf-8").replace("Nghị quyết", "Nghị  quyết", 1),
                        encoding="utf-8")
    r = build([src], out=tmp_path / "inc", jobs=2)
    assert (r.extracted, r.resolved, r.conforms) == (1, 1, True)
    same_as_full("edited")
    (src / "99999_added.txt").write_text(generate_one(31), encoding="utf-8")
    r = build([src], out=tmp_path / "inc", jobs=2)
    assert r.extracted == 1 and r.resolved < r.partitions
    same_as_full("added")
    files[3].unlink()      # the Hải Dương draft: the only file citing some central documents' dates
    r = build([src], out=tmp_path / "inc", jobs=2)
    assert r.files == 30
    same_as_full("removed")
    assert lineage_edges_disagree(open_store(tmp_path / "inc")) == []


STATEMENTS_PER_EDGE = """PREFIX vk: <https://vankien.example.org/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?s ?relation ?o (COUNT(?st) AS ?n) (MIN(?q) AS ?quote) WHERE {
  ?st a vk:Statement ; rdf:subject ?s ; rdf:object ?o ; vk:relation ?relation ; prov:value ?q .
  FILTER (?relation IN ("implements", "continues", "concretizes"))
} GROUP BY ?s ?relation ?o"""
LINEAGE_EDGES = """PREFIX vk: <https://vankien.example.org/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?s ?relation ?o ?n ?quote ?path WHERE {
  ?s vk:hasLineageEdge ?e . ?e rdf:subject ?s ; rdf:object ?o ; vk:relation ?relation ;
     vk:statementCount ?n ; prov:value ?quote ; prov:wasDerivedFrom/vk:path ?path .
}"""


def lineage_edges_disagree(store) -> list:
    """Edges whose vk:LineageEdge summary is not what their statements give (count, smallest
    quote, a file stating that quote), or that have one summary but not the other."""
    from kg.store import select
    expected = {(r["s"], r["relation"], r["o"]): (r["n"], r["quote"]) for r in select(store, STATEMENTS_PER_EDGE)}
    got = {(r["s"], r["relation"], r["o"]): (r["n"], r["quote"]) for r in select(store, LINEAGE_EDGES)}
    bad = [k for k in expected.keys() | got.keys() if expected.get(k) != got.get(k)]
    stating = {(r["s"], r["o"], r["quote"], r["path"]) for r in select(store, """
        PREFIX vk: <https://vankien.example.org/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?s ?o ?quote ?path WHERE { ?st a vk:Statement ; rdf:subject ?s ; rdf:object ?o ; prov:value ?quote ;
                                            prov:wasDerivedFrom/vk:path ?path }""")}
    bad += [r for r in select(store, LINEAGE_EDGES) if (r["s"], r["o"], r["quote"], r["path"]) not in stating]
    assert expected, "no implements-like statement at all"
    return bad


def test_a_partitions_view_does_not_depend_on_how_the_global_stage_ran():
    """The global stage run afresh and run reusing its last result give the same view of it to
    every partition (an incremental build must not re-resolve provinces for nothing)."""
    from contract_samples import all_samples
    from kg.partitions import quality_spans, refs_by_source, symbol_index, titles_digest, view
    from kg.resolve import Globals, Partition, global_unit, pack_mention, resolve_global, split_partitions

    parts = {k: Partition(p, k) for k, p in split_partitions(all_samples()).items()}
    packed = [pack_mention(m) for m in sorted((m for p in parts.values() for m in p.global_mentions),
                                              key=lambda m: m.source)]
    fresh = resolve_global(packed)
    again = resolve_global(packed, previous=fresh, touched={global_unit(packed[0])})
    # the order in which references were resolved is the stage's business, not the view's
    shuffled = Globals(**{**fresh.__dict__, "ref_to_doc": dict(reversed(list(fresh.ref_to_doc.items())))})
    looked_up = {d.symbol for d in fresh.documents.values() if d.symbol}
    assert looked_up
    for key, p in parts.items():
        files = [(e["source"], "x") for e in p.exts]
        views = {view(g, files, refs_by_source(g), set(), set(), quality_spans(g), titles_digest(g), {})
                 for g in (fresh, again, shuffled)}
        assert len(views) == 1, key
        # with symbol lookups, the index built once for all partitions (as kg.build passes it) or here
        views = {view(g, files, refs_by_source(g), looked_up, set(), quality_spans(g), titles_digest(g), {}, by)
                 for g in (fresh, again, shuffled) for by in (None, lambda g=g: symbol_index(g))}
        assert len(views) == 1, key


def test_work_apart_returns_the_childs_answer_or_runs_here_if_the_child_fails():
    """kg.build._Apart (a piece's Turtle and shape check, the quality report) runs in a forked
    child; a child that fails leaves the work to this process, so nothing is lost."""
    import os

    from kg.build import _Apart
    parent = os.getpid()
    assert _Apart(os.getpid).result() != parent                  # it did run apart
    assert _Apart(os.getpid, apart=False).result() == parent

    def only_here(x: int) -> int:
        if os.getpid() != parent:
            raise RuntimeError("fails in the child")
        return 2 * x
    assert _Apart(only_here, 21).result() == 42
