"""``kg neo4j start|stop|status|ping``: the local Neo4j launcher and a connection check.

The connection options below (``UriOption`` …) are meant for every command that talks to Neo4j,
so they resolve the same way everywhere (see ``kg.neo4j.connect``).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from kg.cli import app
from kg.neo4j import connect, server

neo4j_app = typer.Typer(
    help="Run the local Neo4j (Community 5.26, embedded, Bolt on 127.0.0.1) and check connections.",
    no_args_is_help=True,
)

DataDirOption = Annotated[Optional[Path], typer.Option(
    "--data-dir", help="Launcher directory (store, pid, log). [default: data/neo4j or $KG_NEO4J_DATA_DIR]")]
UriOption = Annotated[Optional[str], typer.Option(
    "--uri", help="Bolt URI. [default: $NEO4J_URI, else the local launcher]", show_default=False)]
UserOption = Annotated[Optional[str], typer.Option(
    "--user", help="User name. [default: $NEO4J_USERNAME, else neo4j]", show_default=False)]
PasswordOption = Annotated[Optional[str], typer.Option(
    "--password", help="Password (prefer $NEO4J_PASSWORD: options show in `ps`).", show_default=False)]
DatabaseOption = Annotated[Optional[str], typer.Option(
    "--database", help="Database. [default: $NEO4J_DATABASE, else the server's default]",
    show_default=False)]


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@neo4j_app.command()
def start(
    port: Annotated[Optional[int], typer.Option(
        "--port", help=f"Bolt port on 127.0.0.1. [default: $KG_NEO4J_PORT or {server.DEFAULT_PORT}]")] = None,
    data_dir: DataDirOption = None,
    auth: Annotated[bool, typer.Option(
        "--auth", help="Require a password for user neo4j: taken from $NEO4J_PASSWORD, else asked for.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for Bolt.")] = 120.0,
) -> None:
    """Start Neo4j in the background and wait until it answers over Bolt."""
    password = None
    if auth:
        password = os.environ.get(connect.ENV_PASSWORD) or typer.prompt(
            "Initial password for user neo4j", hide_input=True, confirmation_prompt=True)
    try:
        info = server.start(port=port, data_dir=data_dir, auth_password=password, timeout=timeout)
    except server.AlreadyRunningError as e:
        typer.echo(f"Neo4j already running at {e.info.uri} (pid {e.info.pid}).")
        return
    except server.Neo4jServerError as e:
        _fail(str(e))
    typer.echo(f"Neo4j running at {info.uri} (pid {info.pid}, up in {info.startup_seconds:.1f} s, "
               f"auth {'on' if info.auth else 'off'}); log {info.log_file}")


@neo4j_app.command()
def stop(
    data_dir: DataDirOption = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait before killing.")] = 60.0,
) -> None:
    """Stop the local Neo4j cleanly (SIGTERM; the store is checkpointed)."""
    try:
        info = server.stop(data_dir=data_dir, timeout=timeout)
    except server.Neo4jServerError as e:
        _fail(str(e))
    if info is None:
        typer.echo("Neo4j was not running.")
    else:
        typer.echo(f"Neo4j stopped (pid {info.pid}, {info.uri}).")


@neo4j_app.command()
def status(data_dir: DataDirOption = None) -> None:
    """Say whether the local Neo4j runs and answers. Exit status 0 if it does, 1 if not."""
    st = server.status(data_dir=data_dir)
    typer.echo(f"Neo4j {st.message}")
    if st.info is not None and st.running:
        typer.echo(f"  data {st.info.data_dir}\n  log  {st.info.log_file}")
    if not (st.running and st.responding):
        raise typer.Exit(1)


@neo4j_app.command()
def ping(
    uri: UriOption = None,
    user: UserOption = None,
    password: PasswordOption = None,
    database: DatabaseOption = None,
) -> None:
    """Connect with the resolved settings and run RETURN 1."""
    try:
        driver, settings = connect.connect(uri, user, password, database)
    except connect.Neo4jConnectionError as e:
        _fail(str(e))
    with driver:
        agent = driver.execute_query("RETURN 1", database_=settings.database).summary.server.agent
    typer.echo(f"OK: {agent} at {settings.describe()}")


app.add_typer(neo4j_app, name="neo4j")
