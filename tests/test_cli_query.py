"""``kg query --columns``: the named query's rows, narrowed to the columns a reader asked for."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from kg.cli import app


def test_columns_narrow_the_rows(corpus_graph):
    runner = CliRunner()
    full = runner.invoke(app, ["query", "lineage", "-p", "doc=55-CTr/TU", "-g", str(corpus_graph), "-f", "json"])
    narrow = runner.invoke(app, ["query", "lineage", "-p", "doc=55-CTr/TU", "-g", str(corpus_graph), "-f", "json",
                                 "--columns", "fromSymbol,relation,toSymbol"])
    assert full.exit_code == narrow.exit_code == 0, narrow.output
    rows, few = json.loads(full.output), json.loads(narrow.output)
    assert [set(r) for r in few] == [{"fromSymbol", "relation", "toSymbol"}] * len(rows)
    assert few == [{k: r[k] for k in ("fromSymbol", "relation", "toSymbol")} for r in rows]
    assert {"fromSymbol": "55-CTr/TU", "relation": "implements", "toSymbol": "43-NQ/TW"} in few


def test_unknown_column_is_a_clear_error(corpus_graph):
    res = CliRunner().invoke(app, ["query", "lineage", "-p", "doc=55-CTr/TU", "-g", str(corpus_graph),
                                   "--columns", "fromSymbol,nope"])
    assert res.exit_code == 2
    assert "no column nope" in res.output
