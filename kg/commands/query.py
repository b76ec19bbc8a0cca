"""``kg query NAME [--param k=v]... [--graph DIR] [--format table|json|csv]`` and ``kg query --list``."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from kg.cli import app


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


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
    list_: bool = typer.Option(False, "--list", help="List the named queries and their parameters."),
) -> None:
    """Run a named SPARQL query on the built graph."""
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
        rows = run_named(name, parse_params(param), graph_dir=graph)
    except (GraphNotFound, QueryError) as exc:
        err.print(f"[red]kg query: {exc}[/red]")
        raise typer.Exit(2) from exc
    typer.echo(format_rows(rows, fmt.value), nl=False)
