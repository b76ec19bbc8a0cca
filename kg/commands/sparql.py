"""``kg sparql 'SELECT …' | @file.rq [--graph DIR] [--format table|json|csv]``: any query on the built graph."""
from __future__ import annotations

from pathlib import Path

import typer

from kg.cli import app
from kg.commands.query import Format


@app.command("sparql")
def sparql_command(
    query: str = typer.Argument(..., help="A SPARQL query, or @file.rq. The vk: prefix is predefined."),
    graph: Path = typer.Option(Path("kg-graph"), "--graph", "-g", help="The folder `kg build` wrote."),
    fmt: Format = typer.Option(Format.table, "--format", "-f"),
) -> None:
    """Run any SPARQL query on the built graph."""
    from kg.query import format_rows, run_sparql
    from kg.store import GraphNotFound, QueryError

    try:
        rows = run_sparql(query, graph_dir=graph)
    except (GraphNotFound, QueryError) as exc:
        from rich.console import Console

        Console(stderr=True).print(f"[red]kg sparql: {exc}[/red]")
        raise typer.Exit(2) from exc
    typer.echo(format_rows(rows, fmt.value), nl=False)
