"""The graph in a real Neo4j (the session launcher, never a mock): load, reload, incremental
reload, evidence on relationships, read-only Cypher, parameters as data, login and server
errors, the corpus facts through Cypher, and the three engines (SPARQL, Cypher, networkx)
giving the same rows for every named query."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import neo4j
import pytest
from typer.testing import CliRunner

from graph_fixtures import CORPUS
from kg.cli import app
from kg.engines import comparable, query_concat_columns, run_query
from kg.neo4j import server
from kg.neo4j.cypher import run_cypher
from kg.neo4j.load import LoadError, counts, graph_rows, load
from kg.neo4j.mapping import mapping
from kg.nxqueries import property_graph
from kg.query import list_queries
from kg.store import QueryError, open_store, select
from neo4j_fixtures import start_or_fail

pytestmark = [pytest.mark.neo4j, pytest.mark.timeout(400)]

PASSWORD = "Staple-Battery-91"
WRONG = "Wrong-Horse-23"
IMPL = mapping().cypher_alternation("implements")


@pytest.fixture(scope="module")
def driver(neo4j_server):
    with neo4j.GraphDatabase.driver(neo4j_server.uri) as d:
        yield d


@pytest.fixture
def loaded(driver, corpus_graph):
    """The example corpus in Neo4j (a no-op when it is there already)."""
    load(driver, corpus_graph)
    return corpus_graph


def _db_state(driver) -> tuple[dict, dict]:
    nodes = {r["iri"]: r["h"] for r in driver.execute_query("MATCH (n:Resource) RETURN n.iri AS iri, n.hash AS h").records}
    rels = {r["k"]: r["h"] for r in driver.execute_query(
        "MATCH (:Resource)-[r]->(:Resource) RETURN r.key AS k, r.hash AS h").records}
    return nodes, rels


def _expected(graph_dir) -> tuple[dict, dict]:
    rows = graph_rows(graph_dir)
    return ({i: n["props"]["hash"] for i, n in rows.nodes.items()},
            {k: r["props"]["hash"] for k, r in rows.rels.items()})


# --- loading ---------------------------------------------------------------------------------

def test_load_then_reload_is_idempotent(driver, corpus_graph):
    first = load(driver, corpus_graph)
    before = counts(driver)
    assert _db_state(driver) == _expected(corpus_graph)
    again = load(driver, corpus_graph)
    assert not again.changed and again.batches == 0
    assert counts(driver) == before
    assert before["nodes"] == first.nodes and before["relationships"] == first.relationships
    # Every document of the RDF graph is one Document node (the count follows the extractor).
    documents = len(select(open_store(corpus_graph),
                           "PREFIX vk: <https://vankien.example.org/ontology#> SELECT ?d WHERE { ?d a vk:Document }"))
    assert before[":Document"] == documents > 100 and before[":Programme"] > 0 and before[":Agency"] > 0
    for t in ("IMPLEMENTS", "CONTINUES", "CITES", "ISSUED_BY", "LEADS", "COOPERATES_ON", "FULFILLED_BY",
              "SUCCEEDED_BY", "IN_PROVINCE"):
        assert before[f"[:{t}]"] > 0, t


def test_schema_constraint_and_indexes(driver, loaded):
    constraints = driver.execute_query("SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type").records
    assert any(c["labelsOrTypes"] == ["Resource"] and c["properties"] == ["iri"] and "UNIQUE" in c["type"]
               for c in constraints)
    indexes = driver.execute_query("SHOW INDEXES YIELD name, type, labelsOrTypes, properties").records
    by_name = {i["name"]: i for i in indexes}
    assert by_name["document_symbol"]["properties"] == ["symbol"]
    assert by_name["document_date"]["properties"] == ["date"]
    assert by_name["text"]["type"] == "FULLTEXT" and {"title", "subject"} <= set(by_name["text"]["properties"])
    hits = driver.execute_query("CALL db.index.fulltext.queryNodes('text', $q) YIELD node RETURN node.symbol AS s",
                                q='"đại đoàn kết"').records
    assert "43-NQ/TW" in {h["s"] for h in hits}
    with pytest.raises(neo4j.exceptions.ConstraintError):   # one node per IRI
        driver.execute_query("CREATE (:Resource {iri: $iri})", iri=next(iter(_expected(loaded)[0])))


def test_incremental_reload_changes_only_what_changed(driver, tmp_path):
    from kg.build import build

    files = sorted(CORPUS.glob("*.txt"))
    src, out = tmp_path / "src", tmp_path / "g"
    src.mkdir()
    for f in files[:4]:
        shutil.copy(f, src / f.name)
    build([src], out=out, shacl=False)
    load(driver, out)
    four = counts(driver)
    four_state = _db_state(driver)

    shutil.copy(files[4], src / files[4].name)                # one more file
    build([src], out=out, shacl=False)
    added = load(driver, out)
    expected = _expected(out)
    assert _db_state(driver) == expected
    assert added.changed
    total = added.nodes + added.relationships
    assert 0 < added.nodes_written + added.relationships_written < total / 2   # not a rewrite of everything
    unchanged = {i for i, h in four_state[0].items() if expected[0].get(i) == h}
    assert len(unchanged) > len(four_state[0]) / 2

    (src / files[4].name).unlink()                            # and removed again
    build([src], out=out, shacl=False)
    removed = load(driver, out)
    assert removed.nodes_deleted > 0 and removed.relationships_deleted > 0
    assert counts(driver) == four and _db_state(driver) == four_state
    gone = driver.execute_query("MATCH (f:SourceFile {path: $p}) RETURN count(f) AS c",
                                p=str(src / files[4].name)).records[0]["c"]
    assert gone == 0


def test_relationships_carry_their_evidence(driver, loaded):
    rec = driver.execute_query(
        "MATCH (a:Document {symbol: '55-CTr/TU'})-[r:IMPLEMENTS]->(b:Document {symbol: '43-NQ/TW'}) "
        "RETURN r.source AS source, r.start AS start, r.end AS end, r.quote AS quote, r.relation AS relation, "
        "r.key AS key").records
    assert len(rec) == 1
    r = rec[0]
    assert Path(r["source"]).name.startswith("001_") and r["start"] < r["end"]
    assert r["quote"].startswith("Nghị quyết số 43-NQ/TW ngày 24/11/2023") and r["relation"] == "implements"
    from loaders.load import load_text
    text = load_text(r["source"]).text
    assert " ".join(text[r["start"]:r["end"]].split()) == " ".join(r["quote"].split())
    assert r["key"].startswith("https://vankien.example.org/stmt/")
    missing = driver.execute_query(
        f"MATCH ()-[r:{mapping().cypher_alternation('cites')}|FULFILLED_BY]->() "
        "WHERE r.source IS NULL OR r.quote IS NULL RETURN count(r) AS c").records[0]["c"]
    assert missing == 0


# --- Cypher: read-only sessions, parameters --------------------------------------------------

def test_a_write_is_refused_in_read_mode(driver, neo4j_server, loaded):
    with pytest.raises(QueryError, match="read-only"):
        run_cypher(driver, "CREATE (:Intruder {x: 1})")
    runner = CliRunner()
    result = runner.invoke(app, ["cypher", "MATCH (d:Document {symbol: $s}) SET d.hacked = true RETURN d",
                                 "--param", "s=55-CTr/TU", "--uri", neo4j_server.uri], env={"NEO4J_PASSWORD": ""})
    assert result.exit_code == 2 and "--write" in result.output
    assert driver.execute_query("MATCH (d:Document) WHERE d.hacked RETURN count(d) AS c").records[0]["c"] == 0
    ok = runner.invoke(app, ["cypher", "CREATE (n:CliWrite {v: $v}) RETURN n.v AS v", "--param", "v=1",
                             "--write", "--uri", neo4j_server.uri, "--format", "json"], env={"NEO4J_PASSWORD": ""})
    assert ok.exit_code == 0, ok.output
    driver.execute_query("MATCH (n:CliWrite) DELETE n")


@pytest.mark.parametrize("value", ["' OR 1=1 //", "x'}) DETACH DELETE n //", '"}]->() RETURN 1 //', "{a: 1}"])
def test_a_parameter_is_data(driver, neo4j_server, loaded, value):
    before = counts(driver)
    rows = run_cypher(driver, "MATCH (d:Document) WHERE d.symbol = $s RETURN count(d) AS c", {"s": value})
    assert rows == [{"c": 0}]
    result = CliRunner().invoke(app, ["cypher", "RETURN $s AS s", "--param", f"s={value}", "--uri",
                                      neo4j_server.uri, "--format", "json"], env={"NEO4J_PASSWORD": ""})
    assert result.exit_code == 0, result.output
    assert f'"s": {__import__("json").dumps(value, ensure_ascii=False)}' in result.output
    with pytest.raises(QueryError):   # a named-query parameter: looked up, never spliced
        run_query("lineage", {"doc": value}, "cypher", driver=driver)
    assert counts(driver) == before


def test_cli_load_and_query_engines(neo4j_server, corpus_graph):
    runner = CliRunner()
    env = {"NEO4J_PASSWORD": ""}
    result = runner.invoke(app, ["neo4j", "load", "--graph", str(corpus_graph), "--uri", neo4j_server.uri], env=env)
    assert result.exit_code == 0, result.output
    assert "nodes" in result.output and neo4j_server.uri in result.output
    outs = {}
    for engine in ("sparql", "cypher", "networkx"):
        r = runner.invoke(app, ["query", "implementers", "-p", "doc=21-NQ/TW", "--engine", engine, "--graph",
                                str(corpus_graph), "--uri", neo4j_server.uri, "--format", "csv"], env=env)
        assert r.exit_code == 0, r.output
        outs[engine] = sorted(r.output.splitlines())
    assert outs["sparql"] == outs["cypher"] == outs["networkx"]
    assert any("26-CTr/TU" in line for line in outs["cypher"])



def test_wipe_asks_then_starts_from_an_empty_database(driver, neo4j_server, loaded):
    runner = CliRunner()
    env = {"NEO4J_PASSWORD": ""}
    driver.execute_query("CREATE (:Stray {note: 'not from the graph'})-[:KNOWS]->(:Stray)")
    args = ["neo4j", "load", "--graph", str(loaded), "--uri", neo4j_server.uri, "--wipe"]
    refused = runner.invoke(app, args, input="n\n", env=env)
    assert refused.exit_code == 1 and "not wiped" in refused.output
    assert driver.execute_query("MATCH (n:Stray) RETURN count(n) AS n").records[0]["n"] == 2
    done = runner.invoke(app, args + ["--yes"], env=env)
    assert done.exit_code == 0, done.output
    assert driver.execute_query("MATCH (n:Stray) RETURN count(n) AS n").records[0]["n"] == 0
    assert _db_state(driver) == _expected(loaded)
    assert counts(driver)["nodes"] == len(_expected(loaded)[0])

# --- the three engines -----------------------------------------------------------------------

CASES = [("lineage", {"doc": "55-CTr/TU"}), ("lineage", {"doc": "11-CTr/TU"}),
         ("lineage", {"doc": "11-CTr/TU@2021"}), ("implementers", {"doc": "21-NQ/TW"}),
         ("implementers", {"doc": "21-NQ/TW", "province": "tuyen-quang"}), ("cited-not-loaded", {}),
         ("cited-not-loaded", {"scope": "central"}), ("conflicts", {}), ("conflicts", {"kind": "type_code_typo"}),
         ("conflicts", {"province": "Tuyên Quang"}),
         ("coverage", {}), ("coverage", {"province": "Tuyên Quang", "doc": "43-NQ/TW"}),
         ("planned-vs-issued", {}), ("planned-vs-issued", {"status": "issued"}),
         ("planned-vs-issued", {"status": "open", "due-before": "2021-06-30"}), ("tasks-by-agency", {}),
         ("tasks-by-agency", {"agency": "ban tuyên giáo", "role": "lead"}), ("tasks-by-agency", {"due-before": "2024-01-01"})]


def test_every_named_query_has_a_cypher_twin_and_a_case():
    from kg.neo4j.cypher import list_queries as cypher_queries
    from kg.nxqueries import QUERIES

    rq = {q.name: q for q in list_queries()}
    cy = {q.name: q for q in cypher_queries()}
    assert set(rq) == set(cy) == set(QUERIES) == {name for name, _ in CASES}
    for name, q in rq.items():
        assert [(p.name, p.required) for p in q.params] == [(p.name, p.required) for p in cy[name].params], name
        assert q.answers == cy[name].answers, name
        # the Cypher twins spell the ontology's property hierarchy as the mapping derives it
        derived = {mapping().cypher_alternation("implements"), mapping().cypher_alternation("cites")}
        for alternation in re.findall(r"\[\w*:([A-Z_|]+)", cy[name].text):
            if "IMPLEMENTS" in alternation:
                assert alternation in derived, (name, alternation)


@pytest.mark.parametrize("name,params", CASES, ids=[f"{n}-{'-'.join(p.values()) or 'all'}" for n, p in CASES])
def test_three_engines_return_the_same_rows(driver, loaded, name, params, nx_graph):
    concat = query_concat_columns(name)
    sparql = run_query(name, params, "sparql", graph_dir=loaded)
    cypher = run_query(name, params, "cypher", driver=driver)
    nxrows = run_query(name, params, "networkx", nx_graph=nx_graph)
    assert sparql, "the case should return rows"
    assert [list(r) for r in cypher] == [list(sparql[0])] * len(cypher)      # same columns, same order
    assert comparable(cypher, concat) == comparable(sparql, concat)
    assert comparable(nxrows, concat) == comparable(sparql, concat)


@pytest.fixture(scope="module")
def nx_graph(corpus_graph):
    return property_graph(corpus_graph)


# --- the corpus facts, through Cypher --------------------------------------------------------

def test_corpus_facts_hold_in_neo4j(driver, loaded):
    rows = run_cypher(driver, f"""
        MATCH (d:Document {{symbol: '55-CTr/TU'}})-[:{IMPL}*1..]->(t:Document)
        RETURN collect(DISTINCT t.symbol) AS reached""")
    assert {"43-NQ/TW", "02-ĐA/TU", "03-ĐA/TU", "28-NQ/TW"} <= set(rows[0]["reached"])
    rows = run_cypher(driver, f"""
        MATCH (i:Document)-[:{IMPL}*1..]->(d:Document {{symbol: '21-NQ/TW'}}) RETURN collect(i.symbol) AS s""")
    assert "26-CTr/TU" in rows[0]["s"]
    rows = run_cypher(driver, "MATCH (d:Document {symbol: '11-CTr/TU'}) RETURN d.date AS date ORDER BY date")
    assert [r["date"] for r in rows] == ["2021-10-28", "2025-11-18"]
    rows = run_cypher(driver, """
        MATCH (h:Province {name: 'Hải Dương'}), (t:Province {name: 'Tuyên Quang'})
        RETURN h <> t AS distinct,
               EXISTS { (h)-[:SUCCEEDED_BY*]-(t) } AS merged,
               COUNT { (d:Document)-[:IN_PROVINCE]->(h) WHERE (d)-[:IN_PROVINCE]->(t) } AS shared_documents,
               [(h)-[:SUCCEEDED_BY]->(s) | s.name] AS successors""")
    assert rows[0]["distinct"] and not rows[0]["merged"] and rows[0]["shared_documents"] == 0
    assert rows[0]["successors"] == ["Hải Phòng"]
    rows = run_cypher(driver, """
        MATCH (d:Document) WHERE d.scope = 'province:hai-duong'
        OPTIONAL MATCH (d)-[:IN_PROVINCE]->(p) RETURN collect(DISTINCT p.name) AS provinces""")
    assert rows[0]["provinces"] == ["Hải Dương"]
    lineage = run_query("lineage", {"doc": "55-CTr/TU"}, "cypher", driver=driver)
    assert {"43-NQ/TW", "02-ĐA/TU", "03-ĐA/TU", "28-NQ/TW"} <= {r["toSymbol"] for r in lineage}


# --- errors a person meets -------------------------------------------------------------------

@pytest.fixture(scope="module")
def auth_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("neo4j-auth-load")
    info = start_or_fail(data_dir, auth_password=PASSWORD)
    yield info
    server.stop(data_dir)


def test_wrong_password_is_a_clear_error(auth_server, corpus_graph):
    runner = CliRunner()
    # two wrong logins (a third in a row would lock the user out for a few seconds)
    for args in (["neo4j", "load", "--graph", str(corpus_graph)], ["query", "conflicts", "--engine", "cypher"]):
        result = runner.invoke(app, args + ["--uri", auth_server.uri], env={"NEO4J_PASSWORD": WRONG})
        out = " ".join(result.output.split())
        assert result.exit_code != 0
        assert "refused to log in" in out and "wrong user name or password" in out, out
        assert WRONG not in out
    ok = runner.invoke(app, ["neo4j", "load", "--graph", str(corpus_graph), "--uri", auth_server.uri],
                       env={"NEO4J_PASSWORD": PASSWORD})
    assert ok.exit_code == 0, ok.output


def test_a_database_that_does_not_exist(neo4j_server, corpus_graph):
    result = CliRunner().invoke(app, ["neo4j", "load", "--graph", str(corpus_graph), "--uri", neo4j_server.uri,
                                      "--database", "nosuchdb"], env={"NEO4J_PASSWORD": ""})
    assert result.exit_code == 1
    assert "nosuchdb" in result.output and ("not found" in result.output or "does not exist" in result.output)


def test_server_gone_mid_load_then_rerun_finishes(tmp_path, corpus_graph):
    data_dir = tmp_path / "neo4j-gone"
    info = start_or_fail(data_dir)
    try:
        with neo4j.GraphDatabase.driver(info.uri, max_transaction_retry_time=1.0) as d:
            def stop_after_first_batch(phase, done, total):
                if phase == "relationships" and done > 0:
                    server.stop(data_dir)
            with pytest.raises(LoadError, match="(?s)went away .* rerun the same command"):
                load(d, corpus_graph, batch_size=200, progress=stop_after_first_batch)
        info = start_or_fail(data_dir)
        with neo4j.GraphDatabase.driver(info.uri) as d:
            # every committed batch is whole: no relationship without its properties
            partial = d.execute_query("MATCH ()-[r]->() WHERE r.hash IS NULL RETURN count(r) AS c").records[0]["c"]
            assert partial == 0
            report = load(d, corpus_graph, batch_size=200)
            assert report.relationships_written < report.relationships    # resumed, not restarted
            assert _db_state(d) == _expected(corpus_graph)
    finally:
        server.stop(data_dir)


# --- the loader's fast paths keep its semantics ------------------------------------------------

def test_line_reader_reads_what_pyoxigraph_reads(tmp_path):
    """The string fast path of iter_triples gives pyoxigraph's values; lines it does not take
    (escapes, comments, blank lines, odd spacing, CRLF) go through pyoxigraph itself."""
    import pyoxigraph as ox

    from kg.neo4j.load import iter_triples

    text = ('<http://x.org/a> <http://x.org/p> <http://x.org/b> .\n'
            '<http://x.org/a> <http://x.org/p> "Nghị quyết số 43-NQ/TW" .\n'
            '<http://x.org/a> <http://x.org/p> "tên"@VI .\n'
            '<http://x.org/a> <http://x.org/p> "12"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
            '<http://x.org/a> <http://x.org/p> "a \\"quoted\\" word\\nand a line" .\n'
            '<http://x.org/a> <http://x.org/p> "\\u0041 and \\\\" .\n'
            '# a comment\n'
            '\n'
            '<http://x.org/a>  <http://x.org/p>\t"spaced" .\n'
            '_:b1 <http://x.org/p> _:b2 .\n'
            '<http://x.org/a> <http://x.org/p> "crlf" .\r\n'
            '<http://x.org/a> <http://x.org/p> "x . y" .\n')
    path = tmp_path / "g.nt"
    path.write_bytes(text.encode("utf-8"))
    expected = []
    for t in ox.parse(path.read_bytes(), format=ox.RdfFormat.N_TRIPLES):
        o = t.object
        lit = ((o.datatype.value if o.datatype is not None else None), o.language) if isinstance(o, ox.Literal) else None
        expected.append((t.subject.value, t.predicate.value, o.value, lit))
    assert list(iter_triples(path)) == expected
    (tmp_path / "bad.nt").write_text('<http://x.org/a> <http://x.org/p> "open .\n', encoding="utf-8")
    with pytest.raises(SyntaxError, match="line 1"):
        list(iter_triples(tmp_path / "bad.nt"))


def test_hashes_are_the_json_ones():
    """The fast hashes equal the plain json.dumps definition (so a database loaded before them
    is not rewritten): content hashes with dates and lists, and the keys of plain relationships."""
    import datetime as dt
    import hashlib
    import json

    from kg.neo4j.load import _hash, _plain_rel

    def ref(*parts):
        text = json.dumps(parts, sort_keys=True, ensure_ascii=False,
                          default=lambda v: v.isoformat() if isinstance(v, dt.date) else v)
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]

    props = {"quote": 'Nghị quyết "43"\n', "date": dt.date(2023, 11, 24), "asWritten": ["b", "a"], "score": 0.5,
             "start": 3, "loaded": True, "none": None}
    assert _hash(["Resource", "Document"], props) == ref(["Resource", "Document"], props)
    for s, o in [("https://vankien.example.org/doc/central/NQ/43/2023", "https://vankien.example.org/province/x"),
                 ('odd"iri', "b\\c"), ("ctrl\x01", "ü")]:
        key, h = _plain_rel(s, "IN_PROVINCE", o)
        assert key == "r:" + ref(s, "IN_PROVINCE", o)
        assert h == ref("IN_PROVINCE", s, o, {"key": key})


def test_reload_repairs_a_changed_node_and_relationship(driver, loaded):
    """Content changed in the database behind the loader's back is rewritten, and only that:
    the node's properties and labels (a foreign label removed), the relationship replaced."""
    before = counts(driver)
    driver.execute_query("MATCH (d:Document {symbol: '55-CTr/TU'}) SET d:Intruder, d.hash = 'x', d.title = 'wrong'")
    driver.execute_query("MATCH (:Document {symbol: '55-CTr/TU'})-[r:IMPLEMENTS]->(:Document {symbol: '43-NQ/TW'}) "
                         "SET r.hash = 'x', r.quote = 'wrong'")
    report = load(driver, loaded)
    assert (report.nodes_written, report.relationships_written) == (1, 1)
    assert (report.nodes_deleted, report.relationships_deleted) == (0, 0)
    assert counts(driver) == before
    assert _db_state(driver) == _expected(loaded)
    rec = driver.execute_query("MATCH (d:Document {symbol: '55-CTr/TU'})-[r:IMPLEMENTS]->(:Document {symbol: '43-NQ/TW'}) "
                               "RETURN labels(d) AS l, d.title AS t, r.quote AS q").records
    assert len(rec) == 1 and "Intruder" not in rec[0]["l"] and rec[0]["t"] != "wrong" and rec[0]["q"] != "wrong"


def test_first_load_builds_missing_indexes_after_writing(tmp_path, corpus_graph, monkeypatch):
    """On a load that creates many nodes the indexes the database lacks are built after the data
    (here with the threshold lowered to the corpus); the constraint is there before any write."""
    from kg.neo4j import load as loader

    data_dir = tmp_path / "neo4j-indexes"
    info = start_or_fail(data_dir)
    try:
        with neo4j.GraphDatabase.driver(info.uri) as d:
            monkeypatch.setattr(loader, "DEFER_INDEXES", 1)
            seen = []

            def progress(phase, done, total):
                if done == 0 and phase in ("nodes", "indexes"):
                    names = {r["name"] for r in d.execute_query("SHOW INDEXES YIELD name").records}
                    seen.append((phase, "resource_iri" in names, "text" in names))
            report = load(d, corpus_graph, progress=progress)
            assert seen == [("nodes", True, False), ("indexes", True, False)]
            assert report.index_seconds > 0
            names = {r["name"] for r in d.execute_query("SHOW INDEXES YIELD name, state WHERE state = 'ONLINE'").records}
            assert {"resource_iri", "document_symbol", "text"} <= names
            hits = d.execute_query("CALL db.index.fulltext.queryNodes('text', $q) YIELD node RETURN node.symbol AS s",
                                   q='"đại đoàn kết"').records
            assert "43-NQ/TW" in {h["s"] for h in hits}
            assert not load(d, corpus_graph).changed
    finally:
        server.stop(data_dir)
