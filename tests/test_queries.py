"""Named queries and ``kg sparql`` on built graphs: the acceptance facts of issue 4 on the
example corpus (live extractor), and parameter binding, ambiguity and errors on the samples."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.query import list_queries, run_named, run_sparql
from kg.store import GraphNotFound, QueryError

NAMES = {"lineage", "implementers", "coverage", "tasks-by-agency", "planned-vs-issued", "cited-not-loaded", "conflicts"}


def test_the_named_queries_have_headers():
    qs = {q.name: q for q in list_queries()}
    assert NAMES <= set(qs)
    for q in qs.values():
        assert q.answers and "#PARAMS" in q.text
    assert [p.name for p in qs["lineage"].params if p.required] == ["doc"]


# ---- on the sample graph (no extractor needed)

def test_lineage_on_samples(sample_graph: Path):
    rows = run_named("lineage", {"doc": "55-CTr/TU"}, graph_dir=sample_graph)
    edges = {(r["fromSymbol"], r["relation"], r["toSymbol"]) for r in rows}
    assert ("55-CTr/TU", "implements", "43-NQ/TW") in edges
    assert ("55-CTr/TU", "continues", "02-ĐA/TU") in edges
    assert ("37-CTr/TU", "implements", "28-NQ/TW") in edges
    assert all(r["quote"] and r["source"] and r["statements"] >= 1 for r in rows)
    first = next(r for r in rows if (r["fromSymbol"], r["toSymbol"]) == ("55-CTr/TU", "43-NQ/TW"))
    assert "43-NQ/TW" in first["quote"] and first["statements"] == 1


def test_ambiguous_symbol_returns_every_candidate_marked(sample_graph: Path):
    rows = run_named("lineage", {"doc": "11-CTr/TU"}, graph_dir=sample_graph)
    assert {r["candidate"] for r in rows} == {"11-CTr/TU@2021", "11-CTr/TU@2025"}
    assert all(r["ambiguous"] for r in rows)
    rows = run_named("lineage", {"doc": "11-CTr/TU@2021"}, graph_dir=sample_graph)
    assert {r["toSymbol"] for r in rows} == {"02-NQ/TW"} and not any(r["ambiguous"] for r in rows)


def test_province_narrows_and_a_symbol_as_written_is_found(sample_graph: Path):
    rows = run_named("lineage", {"doc": "12-CT/TU", "province": "tuyen-quang"}, graph_dir=sample_graph)
    assert {r["candidate"] for r in rows} == {"12-CTr/TU@2025"}
    with pytest.raises(QueryError, match="no document"):
        run_named("lineage", {"doc": "12-CTr/TU", "province": "Hải Dương"}, graph_dir=sample_graph)


def test_parameters_are_bound_as_terms_not_pasted(sample_graph: Path):
    evil = '55-CTr/TU" } ?s ?p ?o . FILTER(true) } #'
    with pytest.raises(QueryError, match="no document"):
        run_named("lineage", {"doc": evil}, graph_dir=sample_graph)
    rows = run_named("tasks-by-agency", {"agency": '") || true || ("'}, graph_dir=sample_graph)
    assert rows == []
    rows = run_named("implementers", {"doc": "21-NQ/TW", "province": 'x" } } SELECT * { ?s ?p ?o'},
                     graph_dir=sample_graph)
    assert rows == []


def test_planned_vs_issued_on_samples(sample_graph: Path):
    rows = run_named("planned-vs-issued", {"doc": "01-CTr/TU"}, graph_dir=sample_graph)
    issued = {(r["issuedSymbol"], r["delayDays"]) for r in rows if r["status"] == "issued"}
    assert issued == {("02-ĐA/TU", 53), ("03-ĐA/TU", 73)}
    assert sum(r["status"] == "open" for r in rows) == 2
    assert run_named("planned-vs-issued", {"status": "open"}, graph_dir=sample_graph)


def test_coverage_tasks_cited_and_conflicts_on_samples(sample_graph: Path):
    cov = run_named("coverage", {"doc": "43-NQ/TW"}, graph_dir=sample_graph)
    assert {(r["province"], r["covered"]) for r in cov} == {("Tuyên Quang", True), ("Hải Dương", False)}
    tasks = run_named("tasks-by-agency", {"agency": "dân vận", "role": "lead"}, graph_dir=sample_graph)
    assert [t["document"] for t in tasks] == ["55-CTr/TU"]
    cited = {r["symbol"] for r in run_named("cited-not-loaded", {}, graph_dir=sample_graph)}
    assert "43-NQ/TW" in cited and "55-CTr/TU" not in cited
    kinds = {r["kind"] for r in run_named("conflicts", {}, graph_dir=sample_graph)}
    assert {"type_code_typo", "issuer_code_typo", "unmatched_planned"} <= kinds


def test_errors_are_clear(sample_graph: Path, tmp_path: Path):
    with pytest.raises(QueryError, match="unknown query"):
        run_named("nope", {}, graph_dir=sample_graph)
    with pytest.raises(QueryError, match="needs --param doc"):
        run_named("lineage", {}, graph_dir=sample_graph)
    with pytest.raises(QueryError, match="no parameter"):
        run_named("lineage", {"doc": "55-CTr/TU", "colour": "red"}, graph_dir=sample_graph)
    with pytest.raises(GraphNotFound, match="kg build"):
        run_named("conflicts", {}, graph_dir=tmp_path / "nothing")
    with pytest.raises(QueryError, match="syntax"):
        run_sparql("SELEC ?x WHERE {}", graph_dir=sample_graph)


def test_cli(sample_graph: Path, tmp_path: Path):
    r = CliRunner()
    out = r.invoke(app, ["query", "--list"])
    assert out.exit_code == 0 and all(n in out.output for n in NAMES)
    out = r.invoke(app, ["query", "implementers", "--param", "doc=21-NQ/TW", "--graph", str(sample_graph),
                         "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert isinstance(rows, list) and {x["symbol"] for x in rows} == {"07-KH/TW", "26-CTr/TU"}
    out = r.invoke(app, ["query", "lineage", "--param", "doc=55-CTr/TU", "-g", str(sample_graph), "-f", "csv"])
    assert out.exit_code == 0 and out.output.splitlines()[0].startswith("doc,from,")
    q = tmp_path / "q.rq"
    q.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?d vk:loaded true }")
    out = r.invoke(app, ["sparql", f"@{q}", "--graph", str(sample_graph), "--format", "json"])
    assert out.exit_code == 0 and json.loads(out.output) == [{"n": 5}]
    out = r.invoke(app, ["sparql", "SELECT nonsense", "--graph", str(sample_graph)])
    assert out.exit_code == 2 and "syntax" in out.output
    # a table of an ad-hoc query shows every column it selects, IRIs too (shortened); a named
    # query's table leaves its IRI columns to json/csv and says so; --columns shows what it names
    out = r.invoke(app, ["sparql", "SELECT ?type (COUNT(*) AS ?n) WHERE { ?a vk:leads ?x . ?x a ?type } GROUP BY ?type",
                         "--graph", str(sample_graph)])
    assert out.exit_code == 0 and "type" in out.output and "ontology#Task" in out.output, out.output
    out = r.invoke(app, ["query", "implementers", "--param", "doc=21-NQ/TW", "--graph", str(sample_graph)])
    assert out.exit_code == 0 and "26-CTr/TU" in out.output and "not shown: doc, implementer" in out.output, out.output
    out = r.invoke(app, ["query", "implementers", "-p", "doc=21-NQ/TW", "-g", str(sample_graph), "-c", "implementer,symbol"])
    assert out.exit_code == 0 and "doc/province/" in out.output and "not shown" not in out.output, out.output
    out = r.invoke(app, ["query", "conflicts", "--graph", str(tmp_path / "none")])
    assert out.exit_code == 2 and "kg build" in out.output


# ---- acceptance on the example corpus (live extractor)

def test_acceptance_lineage_of_55(corpus_graph: Path):
    rows = run_named("lineage", {"doc": "55-CTr/TU"}, graph_dir=corpus_graph)
    edges = {(r["fromSymbol"], r["relation"], r["toSymbol"]) for r in rows}
    assert ("55-CTr/TU", "implements", "43-NQ/TW") in edges
    assert ("55-CTr/TU", "continues", "02-ĐA/TU") in edges
    assert ("55-CTr/TU", "continues", "03-ĐA/TU") in edges
    assert ("37-CTr/TU", "implements", "28-NQ/TW") in edges
    assert any(f == "55-CTr/TU" and t == "37-CTr/TU" for f, _, t in edges)


def test_acceptance_implementers_of_21(corpus_graph: Path):
    rows = run_named("implementers", {"doc": "21-NQ/TW@2022"}, graph_dir=corpus_graph)
    assert "26-CTr/TU" in {r["symbol"] for r in rows}


def test_acceptance_11_CTr_TU_is_two_documents(corpus_graph: Path):
    rows = run_sparql("""SELECT ?d ?date WHERE { ?d vk:symbol "11-CTr/TU" ; vk:date ?date }""", graph_dir=corpus_graph)
    assert sorted(r["date"] for r in rows) == ["2021-10-28", "2025-11-18"]


def test_acceptance_12_CT_TU_resolves_with_a_record(corpus_graph: Path):
    rows = run_named("conflicts", {"kind": "type_code_typo"}, graph_dir=corpus_graph)
    assert any(r["asWritten"] == "12-CT/TU" and r["resolvedTo"] == "12-CTr/TU" for r in rows)
    assert run_sparql('SELECT ?d WHERE { ?d vk:symbol "12-CT/TU" }', graph_dir=corpus_graph) == []



def test_conflicts_of_one_province(corpus_graph: Path):
    """A provincial office lists the records read in its own files: the 12-CT/TU typo is Tuyên
    Quang's, none of Hải Dương's records is in Tuyên Quang's list, and the slug works too."""
    every = {r["record"] for r in run_named("conflicts", {}, graph_dir=corpus_graph)}
    tq = run_named("conflicts", {"province": "Tuyên Quang"}, graph_dir=corpus_graph)
    hd = run_named("conflicts", {"province": "Hải Dương"}, graph_dir=corpus_graph)
    assert any(r["asWritten"] == "12-CT/TU" for r in tq)
    assert tq and hd and not {r["record"] for r in tq} & {r["record"] for r in hd}
    assert {r["record"] for r in tq} | {r["record"] for r in hd} <= every
    assert {r["source"] for r in tq}.isdisjoint({r["source"] for r in hd})
    assert [r["record"] for r in run_named("conflicts", {"province": "tuyen-quang"}, graph_dir=corpus_graph)] == \
        [r["record"] for r in tq]


def test_acceptance_hai_duong_never_merges_with_tuyen_quang(corpus_graph: Path):
    rows = run_sparql("""
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?d (COUNT(DISTINCT ?p) AS ?n) WHERE { ?d vk:inProvince ?p } GROUP BY ?d HAVING (COUNT(DISTINCT ?p) > 1)""",
                      graph_dir=corpus_graph)
    assert rows == []
    hd = run_sparql('SELECT ?d ?scope WHERE { ?d vk:loaded true ; vk:scope ?scope . FILTER(CONTAINS(?scope, "hai-duong")) }',
                    graph_dir=corpus_graph)
    assert len(hd) == 1 and "/province/hai-duong/" in hd[0]["d"]
    cited_by_hd = run_sparql("""SELECT ?scope WHERE { ?hd vk:scope "province:hai-duong" ; vk:loaded true ; vk:cites ?d .
                                ?d vk:scope ?scope }""", graph_dir=corpus_graph)
    assert all(r["scope"] != "province:tuyen-quang" for r in cited_by_hd)


def test_acceptance_planned_projects_of_01(corpus_graph: Path):
    rows = run_named("planned-vs-issued", {"doc": "01-CTr/TU"}, graph_dir=corpus_graph)
    issued = {r["issuedSymbol"]: r["delayDays"] for r in rows if r["status"] == "issued"}
    assert set(issued) >= {"02-ĐA/TU", "03-ĐA/TU"}
    assert issued["02-ĐA/TU"] > 0 and issued["03-ĐA/TU"] > 0
    assert sum(r["status"] == "open" for r in rows) >= 5


def test_what_is_overdue_on_a_day_is_open_with_an_earlier_deadline(corpus_graph: Path):
    # 01-CTr/TU planned its đề án by quarter (Quý I/2021 …): on 30/6/2021 the open ones of Quý I are overdue
    everything = run_named("planned-vs-issued", {"status": "open"}, graph_dir=corpus_graph)
    overdue = run_named("planned-vs-issued", {"status": "open", "due-before": "2021-06-30"}, graph_dir=corpus_graph)
    assert overdue and len(overdue) < len(everything)
    assert all(r["status"] == "open" and r["deadlineDate"] < "2021-06-30" for r in overdue)
    assert {r["planned"] for r in overdue} == {r["planned"] for r in everything
                                               if r["deadlineDate"] and r["deadlineDate"] < "2021-06-30"}
    tasks = run_named("tasks-by-agency", {"due-before": "2024-01-01"}, graph_dir=corpus_graph)
    assert tasks and all(r["deadlineDate"] < "2024-01-01" for r in tasks)
    with pytest.raises(QueryError, match="not a date"):
        run_named("tasks-by-agency", {"due-before": "30/6/2021"}, graph_dir=corpus_graph)


def test_an_agency_is_found_under_any_spelling_of_the_alias_table(corpus_graph: Path):
    from kg.engines import run_query
    full = run_query("tasks-by-agency", {"agency": "Ban cán sự đảng Ủy ban nhân dân tỉnh"}, graph_dir=corpus_graph)
    assert full and all("Ban cán sự đảng Ủy ban nhân dân tỉnh" in r["agencyName"] for r in full)
    # an abbreviation is not a part of the name the graph keeps, but names the same agency
    assert run_query("tasks-by-agency", {"agency": "BCS đảng UBND tỉnh"}, graph_dir=corpus_graph) == full
    assert run_query("tasks-by-agency", {"agency": "BCS đảng UBND tỉnh"}, "networkx", graph_dir=corpus_graph)
    # and so does kg query (the SPARQL engine's run_named)
    result = CliRunner().invoke(app, ["query", "tasks-by-agency", "--param", "agency=BCS đảng UBND tỉnh",
                                      "--graph", str(corpus_graph), "--format", "json"])
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == len(full)


def test_params_go_where_the_query_puts_them_and_if_lines_follow_the_parameters(corpus_graph):
    from kg.query import bind_named
    from kg.store import open_store

    store = open_store(corpus_graph)
    with_both, _ = bind_named("coverage", {"province": "Tuyên Quang", "doc": "43-NQ/TW"}, store)
    assert with_both.count("VALUES ?doc") == 3                # the query and its two subqueries
    assert "#IF" not in with_both and "#PARAMS narrows" in with_both   # a comment naming #PARAMS stays one
    without, _ = bind_named("cited-not-loaded", {}, store)
    assert "p_province_vi" not in without                     # the #IF p_province lines are left out


@pytest.mark.parametrize("name,params", [
    ("lineage", {"doc": "55-CTr/TU"}), ("implementers", {"doc": "21-NQ/TW"}), ("coverage", {}),
    ("tasks-by-agency", {}), ("planned-vs-issued", {}), ("cited-not-loaded", {}), ("conflicts", {}),
])
def test_rows_sorted_in_python_come_in_the_order_of_the_querys_order_by(corpus_graph: Path, name, params):
    """run_named drops the final ORDER BY and sorts the decoded rows: same rows, same order of
    the sort keys as pyoxigraph's own ORDER BY (rows tied on every key may come in any order)."""
    from kg.query import bind_named, split_order_by
    from kg.store import open_store, select

    store = open_store(corpus_graph)
    text, _ = bind_named(name, params, store)
    plain, keys = split_order_by(text)
    assert keys and plain != text, f"{name}: its ORDER BY is not one the runner sorts itself"
    by_engine = select(store, text)
    ours = run_named(name, params, store=store)
    assert len(by_engine) > 1
    assert [tuple(r[k] for k, _ in keys) for r in ours] == [tuple(r[k] for k, _ in keys) for r in by_engine]
    canon = lambda rows: sorted(json.dumps({k: v for k, v in r.items() if k not in ("candidate", "ambiguous")},
                                           sort_keys=True, ensure_ascii=False) for r in rows)
    assert canon(ours) == canon(by_engine)


def test_two_districts_documents_of_one_symbol_are_two_candidates_named_apart(tmp_path):
    from graph_fixtures import DISTRICTS
    from kg.build import build

    for name, text in DISTRICTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    build([tmp_path], out=tmp_path / "g")
    rows = run_named("lineage", {"doc": "03-NQ/HU"}, graph_dir=tmp_path / "g")
    assert {(r["candidate"], r["toSymbol"]) for r in rows} == {("03-NQ/HU@son-duong", "05-NQ/TU"),
                                                                ("03-NQ/HU@yen-son", "05-NQ/TU")}
    assert all(r["ambiguous"] for r in rows)
    rows = run_named("lineage", {"doc": "03-NQ/HU@yen-son"}, graph_dir=tmp_path / "g")     # the label narrows
    assert [(r["fromSymbol"], r["toSymbol"], r["ambiguous"]) for r in rows] == [("03-NQ/HU", "05-NQ/TU", False)]
