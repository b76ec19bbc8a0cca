"""The ``kg`` command line. Each sub-command lives in ``kg/commands/<name>.py`` and
registers itself on ``app``; this module only wires them together."""
from __future__ import annotations

import typer

app = typer.Typer(
    help="vankien-kg: a knowledge graph of cross-referenced Vietnamese Party documents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Imported for their side effect of registering commands on ``app``.
from kg.commands import extract as _extract  # noqa: E402,F401
from kg.commands import build as _build  # noqa: E402,F401
from kg.commands import query as _query  # noqa: E402,F401
from kg.commands import sparql as _sparql  # noqa: E402,F401
from kg.commands import neo4j as _neo4j  # noqa: E402,F401
from kg.commands import neo4j_load as _neo4j_load  # noqa: E402,F401  (kg neo4j load, kg cypher)
from kg.commands import viz as _viz  # noqa: E402,F401
from kg.commands import serve as _serve  # noqa: E402,F401


def main() -> None:  # pragma: no cover - console entry
    app()

