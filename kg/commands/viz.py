"""``kg viz DOC [--graph DIR] [--depth N] [--direction up|down|both] [--out FILE.html] [--png FILE | --svg FILE]
[--layout hierarchical|date|force]`` and ``kg viz --query NAME [--param k=v]...``: pictures of the graph."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from kg.cli import app


class Direction(str, Enum):
    up = "up"
    down = "down"
    both = "both"


class Layout(str, Enum):
    hierarchical = "hierarchical"
    date = "date"
    force = "force"


@app.command("viz")
def viz_command(
    doc: Optional[str] = typer.Argument(None, help="The document: a symbol (55-CTr/TU, 18-NQ/TW@2017) or its IRI."),
    graph: Path = typer.Option(Path("kg-graph"), "--graph", "-g", help="The folder `kg build` wrote."),
    depth: int = typer.Option(3, "--depth", "-d", min=1, help="Hops of implements/continues/… to follow."),
    direction: Direction = typer.Option(Direction.both, "--direction",
                                        help="up: what it implements; down: what implements it (and tasks)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="The HTML file (default lineage-<doc>.html)."),
    png: Optional[Path] = typer.Option(None, "--png", help="Also a static PNG picture."),
    svg: Optional[Path] = typer.Option(None, "--svg", help="Also a static SVG picture."),
    layout: Layout = typer.Option(Layout.hierarchical, "--layout",
                                  help="hierarchical (rows by level), date (columns by year) or force."),
    tasks: bool = typer.Option(True, "--tasks/--no-tasks", help="Draw the tasks and their lead agencies."),
    cites: bool = typer.Option(False, "--cites/--no-cites", help="Also the plain references of the document."),
    query: Optional[str] = typer.Option(None, "--query", "-q", help="Draw a named query's result instead."),
    param: list[str] = typer.Option([], "--param", "-p", help="k=v for --query."),
) -> None:
    """Draw the lineage of a document (offline HTML, optional PNG/SVG) or a named query's result."""
    from rich.console import Console

    from kg.commands.query import parse_params
    from kg.store import GraphNotFound, QueryError
    from kg.viz import VizError, draw_static, lineage_view, query_view, write_html

    err = Console(stderr=True)
    if bool(doc) == bool(query):
        err.print("[red]kg viz: give a document, or --query NAME (not both)[/red]")
        raise typer.Exit(2)
    try:
        if query:
            view = query_view(query, parse_params(param), graph_dir=graph)
            stem = query
        else:
            view = lineage_view(doc, graph, depth=depth, direction=direction.value, tasks=tasks, cites=cites)
            stem = "lineage-" + "".join(c if c.isalnum() else "-" for c in doc).strip("-")
        html = write_html(view, out or Path(f"{stem}.html"), layout=layout.value)
        written = [html]
        for pic in (png, svg):
            if pic:
                written.append(draw_static(view, pic, layout=layout.value))
    except (GraphNotFound, QueryError, VizError) as exc:
        err.print(f"[red]kg viz: {exc}[/red]")
        raise typer.Exit(2) from exc
    Console().print(f"{len(view.nodes)} nodes, {len(view.edges)} edges → " + ", ".join(str(p) for p in written))
