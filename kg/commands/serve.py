"""``kg serve [--graph DIR] [--host 127.0.0.1] [--port N] [--query-timeout S] [--max-rows N] [--workers N]``:
the local explorer and the read-only SPARQL endpoint (see :mod:`kg.serve`)."""
from __future__ import annotations

import signal
import sys
from pathlib import Path

import typer

from kg.cli import app


@app.command("serve")
def serve_command(
    graph: Path = typer.Option(Path("kg-graph"), "--graph", "-g", help="The folder `kg build` wrote."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; anything but loopback must be asked for."),
    port: int = typer.Option(8000, "--port", "-p", min=0, max=65535, help="Port (0: any free port)."),
    query_timeout: float = typer.Option(10.0, "--query-timeout", min=0.1, help="Seconds a SPARQL query may run."),
    max_rows: int = typer.Option(10000, "--max-rows", min=1, help="Most result rows (or triples) returned."),
    workers: int = typer.Option(2, "--workers", min=1, max=32, help="SPARQL worker processes."),
) -> None:
    """Serve the explorer (search, documents, agencies, coverage, lineage views) and /sparql."""
    from rich.console import Console

    from kg.serve import is_loopback, make_server
    from kg.store import GraphNotFound

    err = Console(stderr=True)
    try:
        server = make_server(graph, host=host, port=port, query_timeout=query_timeout, max_rows=max_rows,
                             workers=workers)
    except GraphNotFound as exc:
        err.print(f"[red]kg serve: {exc}[/red]")
        raise typer.Exit(2) from exc
    except OSError as exc:
        err.print(f"[red]kg serve: cannot listen on {host}:{port}: {exc}[/red]")
        raise typer.Exit(2) from exc
    h, p = server.server_address[:2]
    if not is_loopback(host):
        err.print(f"[yellow]kg serve: listening on {host}, not only on this machine: anyone who can reach "
                  f"it can read the graph[/yellow]")

    def stop(signum, frame):  # SIGTERM: shut down like Ctrl-C (workers are killed in server_close)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    shown = f"[{h}]" if ":" in h else h
    print(f"Serving the explorer on http://{shown}:{p}/ (SPARQL endpoint: http://{shown}:{p}/sparql)", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        sys.stdout.flush()
