"""`kg extract` starts fast: the command modules do not load the graph libraries."""
from __future__ import annotations

import subprocess
import sys

HEAVY = ("rdflib", "pyoxigraph", "neo4j", "pyvis", "matplotlib", "spacy", "networkx", "numpy")


def test_cli_does_not_import_heavy_libraries() -> None:
    code = ("import sys, kg.cli; "
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_help_lists_every_command() -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    res = CliRunner().invoke(app, ["--help"])
    assert res.exit_code == 0
    for name in ("extract", "build", "query", "sparql", "neo4j", "cypher", "viz", "serve"):
        assert name in res.output


def test_build_default_base_is_the_rdf_one() -> None:
    from kg.commands.build import DEFAULT_BASE
    from kg.rdf import DEFAULT_BASE as RDF_BASE

    assert DEFAULT_BASE == RDF_BASE
