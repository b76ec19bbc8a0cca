"""Lineage views: offline HTML rendered in real headless Chromium (no network), static pictures."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from _browser import artifact, chromium

ROOT = Path(__file__).resolve().parent.parent
KG = [str(Path(sys.executable).parent / "kg")]

EXPECTED = {
    # the programme, what it implements/continues, and the central documents those implement
    "55-CTr/TU": {"55-CTr/TU", "43-NQ/TW", "11-CTr/TU", "02-NQ/TW", "147-KH/TU", "21-KL/TW", "16-CTr/TU", "10-NQ/TW"},
    # the resolution and what implements it in the corpus
    "21-NQ/TW": {"21-NQ/TW", "26-CTr/TU", "07-KH/TW"},
}


def _viz(graph: Path, doc: str, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(KG + ["viz", doc, "--graph", str(graph), "--out", str(out), *extra],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


@pytest.fixture(scope="module")
def views(corpus_graph, tmp_path_factory):
    out = tmp_path_factory.mktemp("views")
    files = {}
    for doc in EXPECTED:
        stem = doc.replace("/", "_")
        r = _viz(corpus_graph, doc, out / f"{stem}.html", "--png", str(artifact(f"lineage-{stem}.png")))
        assert r.returncode == 0, r.stderr
        files[doc] = out / f"{stem}.html"
    return files


def test_html_is_offline(views):
    from kg.viz import remote_resources

    for doc, path in views.items():
        html = path.read_text(encoding="utf-8")
        assert remote_resources(html) == [], doc
        assert not re.search(r"""(?:src|href)\s*=\s*["']?https?://""", html, re.I)
        assert "vis.Network" in html and "Chú giải" in html


@pytest.mark.browser
def test_lineage_renders_in_chromium(views):
    with chromium() as (ctx, blocked):
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        for doc, path in views.items():
            page.goto(path.as_uri())
            page.wait_for_function("window.vankien && window.vankien.stabilized === true", timeout=60000)
            labels = set(page.evaluate("window.vankien.nodes.get().map(n => n.label)"))
            assert EXPECTED[doc] <= labels, (doc, EXPECTED[doc] - labels)
            # the canvas was drawn and the legend is on the page
            assert page.evaluate("document.querySelector('#mynetwork canvas').width") > 0
            assert "Trung ương" in page.inner_text("#legend")
            page.screenshot(path=str(artifact(f"lineage-{doc.replace('/', '_')}.chromium.png")))
        # the 55-CTr/TU → 43-NQ/TW edge carries its relation and the quote that evidences it
        page.goto(views["55-CTr/TU"].as_uri())
        page.wait_for_function("window.vankien && window.vankien.stabilized === true", timeout=60000)
        edge = page.evaluate("""() => {
            const ids = Object.fromEntries(window.vankien.nodes.get().map(n => [n.label, n.id]));
            return window.vankien.edges.get().find(e => e.from === ids['55-CTr/TU'] && e.to === ids['43-NQ/TW']);
        }""")
        assert edge and edge["relation"] == "implements"
        assert "43-NQ/TW" in edge["title"] and "«" in edge["title"]
        tasks = page.evaluate("window.vankien.nodes.get().filter(n => n.type_name === 'Nhiệm vụ').length")
        assert tasks > 10
        assert not errors, errors
    assert blocked == [], f"the page tried to fetch: {blocked[:5]}"


def test_static_pictures(corpus_graph, tmp_path):
    import matplotlib.image as mpimg

    png = artifact("lineage-55-CTr_TU.png")
    assert png.exists() and png.stat().st_size > 20000
    img = mpimg.imread(png)
    assert img.shape[0] > 400 and img.shape[1] > 400
    svg = tmp_path / "21.svg"
    r = _viz(corpus_graph, "21-NQ/TW", tmp_path / "21.html", "--svg", str(svg), "--layout", "date")
    assert r.returncode == 0, r.stderr
    text = svg.read_text(encoding="utf-8")
    # text stays text, with its diacritics, in the font that has them
    assert "Chương trình" in text and "Nghị quyết" in text and "DejaVu Sans" in text


def test_query_view_and_errors(corpus_graph, tmp_path):
    r = subprocess.run(KG + ["viz", "--query", "implementers", "--param", "doc=43-NQ/TW", "--graph", str(corpus_graph),
                             "--out", str(tmp_path / "q.html")], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "q.html").read_text(encoding="utf-8")
    assert "55-CTr/TU" in html and "43-NQ/TW" in html
    bad = _viz(corpus_graph, "999-NQ/TW", tmp_path / "x.html")
    assert bad.returncode == 2 and "no document" in bad.stderr


def test_view_api(corpus_graph):
    from kg.viz import lineage_view

    up = lineage_view("55-CTr/TU", corpus_graph, direction="up", depth=1, tasks=False)
    assert "43-NQ/TW" in up.symbols() and "02-NQ/TW" not in up.symbols()   # two hops away
    down = lineage_view("21-NQ/TW", corpus_graph, direction="down", depth=1, tasks=False)
    assert set(down.symbols()) == {"21-NQ/TW", "26-CTr/TU", "07-KH/TW"}
