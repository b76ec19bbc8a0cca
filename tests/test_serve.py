"""kg serve end to end: the explorer driven in headless Chromium, the SPARQL endpoint with SPARQLWrapper,
read-only, timeouts, and a burst of concurrent requests (some endless) on loopback."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from _browser import artifact, chromium

ROOT = Path(__file__).resolve().parent.parent
KG = str(Path(sys.executable).parent / "kg")
VK = "https://vankien.example.org/ontology#"
NORMAL = f'PREFIX vk: <{VK}> SELECT ?impl WHERE {{ ?impl vk:implements ?doc . ?doc vk:symbol "43-NQ/TW" }}'
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TIMEOUT = 1.0


@pytest.fixture(scope="module")
def server(corpus_graph):
    proc = subprocess.Popen([KG, "serve", "--graph", str(corpus_graph), "--port", "0", "--query-timeout", str(TIMEOUT),
                             "--max-rows", "50", "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    line = proc.stdout.readline()
    assert line.startswith("Serving"), (line, proc.stderr.read() if proc.poll() is not None else "")
    base = line.split()[4].rstrip("/")
    assert base.startswith("http://127.0.0.1:")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:   # the workers are up
        if json.loads(urllib.request.urlopen(base + "/healthz", timeout=5).read())["idle"] == 2:
            break
        time.sleep(0.2)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _get(url: str, headers: dict | None = None, timeout: float = 30, data: bytes | None = None):
    req = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def _sparql_url(base: str, query: str, **extra) -> str:
    return base + "/sparql?" + urllib.parse.urlencode({"query": query, **extra})


@pytest.mark.browser
def test_explorer_in_chromium(server):
    with chromium(allowed_prefixes=(server,)) as (ctx, blocked):
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server + "/")
        page.fill("#q", "43-NQ/TW")
        page.click("#search-button")
        page.wait_for_selector("#results")
        page.screenshot(path=str(artifact("explorer-search.png")))
        page.locator("#results a", has_text="43-NQ/TW").first.click()
        page.wait_for_selector("#implementers")
        assert "43-NQ/TW" in page.inner_text("h1")
        assert "55-CTr/TU" in page.inner_text("#implementers")
        assert "Tuyên Quang" in page.inner_text("#coverage")          # coverage across provinces
        frame = page.frame_locator("#lineage")                          # the embedded lineage view
        frame.locator("#mynetwork canvas").wait_for()
        lineage_frame = next(f for f in page.frames if "/viz" in f.url)
        lineage_frame.wait_for_function("window.vankien && window.vankien.stabilized === true", timeout=60000)
        labels = lineage_frame.evaluate("window.vankien.nodes.get().map(n => n.label)")
        assert "55-CTr/TU" in labels and "43-NQ/TW" in labels
        page.screenshot(path=str(artifact("explorer-43-NQ_TW.png")), full_page=True)
        # on to the programme, its tasks and an agency
        page.locator("#implementers a", has_text="55-CTr/TU").first.click()
        page.wait_for_selector("#tasks")
        assert "Nội dung" in page.inner_text("#tasks")
        page.locator("#tasks a").first.click()
        page.wait_for_selector("#led")
        assert "Nhiệm vụ chủ trì" in page.content()
        page.screenshot(path=str(artifact("explorer-agency.png")))
        assert not errors, errors
    assert blocked == [], blocked[:5]


def test_sparqlwrapper_json_csv_and_errors(server):
    from SPARQLWrapper import CSV, JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery(NORMAL)
    sw.setReturnFormat(JSON)
    res = sw.query().convert()
    assert res["head"]["vars"] == ["impl"]
    assert [b["impl"]["value"] for b in res["results"]["bindings"]] == \
        ["https://vankien.example.org/doc/province/tuyen-quang/CTr/55/2024"]
    sw.setReturnFormat(CSV)
    text = sw.query().convert().decode("utf-8")
    assert text.splitlines() == ["impl", "https://vankien.example.org/doc/province/tuyen-quang/CTr/55/2024"]
    sw = SPARQLWrapper(server + "/sparql")
    sw.setMethod(POST)
    sw.setQuery(f'PREFIX vk: <{VK}> ASK {{ ?d vk:symbol "55-CTr/TU" }}')
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True
    sw.setQuery("SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed):
        sw.query()
    # updates are refused, through the client too
    sw = SPARQLWrapper(server + "/sparql")
    sw.setMethod(POST)
    sw.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(urllib.error.HTTPError) as exc:
        sw.query()
    assert exc.value.code == 403


def test_protocol_details(server):
    status, body, headers = _get(_sparql_url(server, "SELEC ?x"))
    assert status == 400 and b"syntax error" in body
    for data, ctype in ((b"update=INSERT+DATA+%7B%3Curn%3Aa%3E+%3Curn%3Ab%3E+%3Curn%3Ac%3E%7D", "application/x-www-form-urlencoded"),
                        (b"DELETE WHERE { ?s ?p ?o }", "application/sparql-update"),
                        (b"PREFIX x: <urn:x> DELETE WHERE { ?s ?p ?o }", "application/sparql-query")):
        assert _get(server + "/sparql", {"Content-Type": ctype}, data=data)[0] == 403
    assert _get(_sparql_url(server, "CLEAR ALL"))[0] == 403
    status, body, headers = _get(server + "/sparql", {"Content-Type": "application/sparql-query",
                                                      "Accept": "text/tab-separated-values"}, data=NORMAL.encode())
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    assert body.decode().splitlines()[1] == "<https://vankien.example.org/doc/province/tuyen-quang/CTr/55/2024>"
    construct = f"PREFIX vk: <{VK}> CONSTRUCT {{ ?p a vk:Province }} WHERE {{ ?p a vk:Province }}"
    status, body, headers = _get(_sparql_url(server, construct))
    assert status == 200 and headers["Content-Type"].startswith("text/turtle") and b"vk:Province" in body
    status, body, headers = _get(_sparql_url(server, "SELECT ?s WHERE { ?s ?p ?o }", format="json"))
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 50      # --max-rows
    assert headers.get("X-Vankien-Truncated") == "true"


def test_endless_query_is_cut_off(server):
    t0 = time.monotonic()
    status, body, _ = _get(_sparql_url(server, ENDLESS))
    assert status == 504 and b"timeout" in body
    assert time.monotonic() - t0 < TIMEOUT + 3
    t0 = time.monotonic()
    status, body, _ = _get(_sparql_url(server, NORMAL), {"Accept": "application/sparql-results+json"})
    assert status == 200 and b"CTr/55/2024" in body
    assert time.monotonic() - t0 < TIMEOUT + 3


def test_burst_of_concurrent_requests(server):
    """300 requests from 100 threads: a tenth endless, a tenth pages; every one answered, quickly."""
    kinds = ["endless" if i % 10 == 0 else "page" if i % 10 == 5 else "normal" for i in range(300)]
    page_times: list[float] = []
    lock = threading.Lock()

    def one(kind: str):
        t0 = time.monotonic()
        if kind == "page":
            status, body, _ = _get(server + "/search?q=43-NQ%2FTW", timeout=30)
            with lock:
                page_times.append(time.monotonic() - t0)
            return kind, status, body
        q = ENDLESS if kind == "endless" else NORMAL
        status, body, _ = _get(_sparql_url(server, q, format="json"), timeout=30)
        return kind, status, body

    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=100) as pool:
        results = list(pool.map(one, kinds))
    elapsed = time.monotonic() - t0
    assert elapsed < 90, elapsed
    by = {}
    for kind, status, body in results:
        by.setdefault(kind, []).append(status)
        if kind == "normal" and status == 200:
            assert b"CTr/55/2024" in body
    assert set(by["endless"]) <= {503, 504} and 504 in by["endless"]
    # how many get a worker between the endless ones depends on the machine's load (17 of 240 in
    # a loaded run); some must, or the pool never came back from killing a worker
    assert set(by["normal"]) <= {200, 503} and 200 in by["normal"], by["normal"]
    assert set(by["page"]) == {200}
    assert max(page_times) < 10, max(page_times)                 # the explorer never waited for the pool
    # and afterwards the endpoint is back to normal
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        health = json.loads(_get(server + "/healthz")[1])
        if health["idle"] == 2:
            break
        time.sleep(0.2)
    assert health["alive"] == 2 and health["idle"] == 2, health
    t1 = time.monotonic()
    status, body, _ = _get(_sparql_url(server, NORMAL))
    assert status == 200 and time.monotonic() - t1 < 2


def test_binds_to_loopback_by_default():
    from kg.serve import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    import inspect

    from kg.commands.serve import serve_command
    assert inspect.signature(serve_command).parameters["host"].default.default == "127.0.0.1"
