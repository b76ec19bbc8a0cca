"""``kg query NAME [--param k=v]... [--graph DIR] [--format table|json|csv]`` and ``kg query --list``."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from kg.cli import app
from kg.commands.neo4j import DatabaseOption, PasswordOption, UriOption, UserOption


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class Engine(str, Enum):
    sparql = "sparql"
    cypher = "cypher"
    networkx = "networkx"


def parse_params(items: list[str]) -> dict[str, str]:
    """``["doc=55-CTr/TU", "province=Tuyên Quang"]`` -> dict; a clear error for ``k`` without ``=``."""
    out = {}
    for item in items:
        k, sep, v = item.partition("=")
        if not sep or not k.strip():
            raise typer.BadParameter(f"expected k=v, got {item!r}", param_hint="--param")
        out[k.strip()] = v.strip()
    return out


@app.command("query")
def query_command(
    name: Optional[str] = typer.Argument(None, help="A named query (see --list)."),
    param: list[str] = typer.Option([], "--param", "-p", help="k=v; doc=SYMBOL[@YEAR], province=…"),
    graph: Path = typer.Option(Path("kg-graph"), "--graph", "-g", help="The folder `kg build` wrote."),
    fmt: Format = typer.Option(Format.table, "--format", "-f"),
    columns: Optional[str] = typer.Option(None, "--columns", "-c",
                                          help="Only these columns, comma-separated (e.g. fromSymbol,relation,toSymbol)."),
    list_: bool = typer.Option(False, "--list", help="List the named queries and their parameters."),
    engine: Engine = typer.Option(Engine.sparql, "--engine", "-e",
                                  help="sparql (the built store), cypher (Neo4j, after `kg neo4j load`), networkx."),
    uri: UriOption = None, user: UserOption = None, password: PasswordOption = None, database: DatabaseOption = None,
) -> None:
    """Run a named query on the built graph (SPARQL), on Neo4j (Cypher) or in networkx."""
    from rich.console import Console

    from kg.query import format_rows, list_queries, run_named
    from kg.store import GraphNotFound, QueryError

    out, err = Console(), Console(stderr=True)
    if list_ or not name:
        for q in list_queries():
            out.print(f"[bold]{q.name}[/bold]: {q.answers}")
            for p in q.params:
                out.print(f"    --param {p.name}=…  ({'required' if p.required else 'optional'}) {p.help}")
        return
    try:
        if engine is Engine.sparql:
            rows = run_named(name, parse_params(param), graph_dir=graph)
        else:  # the other engines: kg/engines.py
            from kg.engines import run_named_on
            rows = run_named_on(engine.value, name, parse_params(param), graph, uri, user, password, database)
    except (GraphNotFound, QueryError) as exc:
        err.print(f"[red]kg query: {exc}[/red]")
        raise typer.Exit(2) from exc
    if columns:
        wanted = [c.strip() for c in columns.split(",") if c.strip()]
        unknown = [c for c in wanted if rows and c not in rows[0]]
        if unknown:
            err.print(f"[red]kg query: no column {', '.join(unknown)}; the columns are {', '.join(rows[0])}[/red]")
            raise typer.Exit(2)
        rows = [{c: r.get(c) for c in wanted} for r in rows]
    typer.echo(format_rows(rows, fmt.value, hide_iris=not columns), nl=False)
