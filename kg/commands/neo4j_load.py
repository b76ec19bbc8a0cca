"""``kg neo4j load --graph DIR [--wipe [--yes]] [--batch-size N]`` (on the ``kg neo4j`` sub-app)
and ``kg cypher 'MATCH …' [--param k=v] [--format table|json|csv] [--write]``."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app
from kg.commands.neo4j import DatabaseOption, PasswordOption, UriOption, UserOption, _fail, neo4j_app
from kg.commands.query import Format, parse_params
from kg.neo4j.load import DEFAULT_BATCH


def _connect(uri, user, password, database):
    from kg.neo4j import connect

    try:
        return connect.connect(uri, user, password, database)
    except connect.Neo4jConnectionError as e:
        _fail(str(e))


@neo4j_app.command("load")
def load_command(
    graph: Annotated[Path, typer.Option("--graph", "-g", help="The folder `kg build` wrote.")] = Path("kg-graph"),
    wipe: Annotated[bool, typer.Option("--wipe", help="Empty the database first (asks, unless --yes).")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before --wipe.")] = False,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Rows per transaction.")] = DEFAULT_BATCH,
    uri: UriOption = None,
    user: UserOption = None,
    password: PasswordOption = None,
    database: DatabaseOption = None,
) -> None:
    """Load the built graph into Neo4j: writes only what changed, removes what is gone."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from kg.neo4j.load import LoadError, counts, graph_rows, load
    from kg.store import GraphNotFound

    try:
        rows = graph_rows(graph)
    except GraphNotFound as e:
        _fail(str(e), 2)
    driver, settings = _connect(uri, user, password, database)
    if wipe and not yes and not typer.confirm(f"Delete everything in {settings.describe()}?", default=False):
        driver.close()
        _fail("not loaded: the database was not wiped", 1)
    console = Console(stderr=True)
    tasks: dict[str, int] = {}
    with driver, Progress(TextColumn("{task.description:<20}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=console, transient=False) as bar:
        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=max(total, 1) if total else 0)
            bar.update(tasks[phase], completed=done, total=total or 0)
        try:
            report = load(driver, graph, database=settings.database, batch_size=batch_size, wipe_first=wipe,
                          progress=progress, rows=rows)
        except LoadError as e:
            bar.stop()
            _fail(str(e))
        stats = counts(driver, settings.database)
    typer.echo(f"Loaded {graph} into {settings.uri}: {report.nodes} nodes, {report.relationships} relationships "
               f"({report.nodes_written} nodes and {report.relationships_written} relationships written, "
               f"{report.nodes_deleted} and {report.relationships_deleted} removed) in {report.seconds:.1f} s; "
               f"the database holds {stats['nodes']} nodes and {stats['relationships']} relationships.")


@app.command("cypher")
def cypher_command(
    query: Annotated[str, typer.Argument(help="A Cypher query, or @file.cypher.")],
    param: Annotated[list[str], typer.Option("--param", "-p", help="k=v, passed as the Cypher parameter $k "
                                                                   "(a string; k:=JSON for numbers, lists …).")] = [],
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    write: Annotated[bool, typer.Option("--write", help="Allow writes (the session is READ otherwise).")] = False,
    uri: UriOption = None,
    user: UserOption = None,
    password: PasswordOption = None,
    database: DatabaseOption = None,
) -> None:
    """Run any Cypher on Neo4j, read-only unless --write."""
    from kg.neo4j.cypher import run_cypher
    from kg.query import format_rows
    from kg.store import QueryError

    if query.startswith("@"):
        path = Path(query[1:])
        if not path.is_file():
            _fail(f"no query file {path}", 2)
        query = path.read_text(encoding="utf-8")
    params: dict = {}
    for item in param:
        k, sep, v = item.partition("=")
        if k.endswith(":") and sep:          # k:=JSON
            try:
                params[k[:-1].strip()] = json.loads(v)
            except json.JSONDecodeError as e:
                raise typer.BadParameter(f"{item!r}: not JSON ({e})", param_hint="--param") from None
        else:
            params.update(parse_params([item]))
    driver, settings = _connect(uri, user, password, database)
    with driver:
        try:
            rows = run_cypher(driver, query, params, database=settings.database, write=write)
        except QueryError as e:
            _fail(str(e), 2)
    typer.echo(format_rows(rows, fmt.value), nl=False)
