"""``kg build PATH... [--out DIR] [--jsonld] [--jobs N] [--base IRI]``: the corpus as one graph.

Writes the graph as N-Triples and Turtle pieces (``graph/``, one per province and a global one;
JSON-LD on request), the data-quality report and the embedded SPARQL store; re-extracts only
files whose content changed since the last build, and re-resolves only their provinces.
"""
from __future__ import annotations

from pathlib import Path

import typer

from kg.cli import app

# kg.rdf.DEFAULT_BASE, written out: importing kg.rdf here would load rdflib on every `kg`
# command (tests/test_cli_startup.py checks that the two agree).
DEFAULT_BASE = "https://vankien.example.org/"


@app.command("build")
def build_command(
    paths: list[Path] = typer.Argument(..., help="Files or folders of the corpus."),
    out: Path = typer.Option(Path("kg-graph"), "--out", "-o", help="Output folder."),
    jsonld: bool = typer.Option(False, "--jsonld", help="Also write graph.jsonld."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Extract files and resolve provinces on N processes."),
    base: str = typer.Option(DEFAULT_BASE, "--base", help="Base IRI of the minted resources."),
    no_shacl: bool = typer.Option(False, "--no-shacl", help="Skip the SHACL validation."),
) -> None:
    """Build the knowledge graph of a corpus."""
    from rich.console import Console

    from kg.build import BuildError, build

    err = Console(stderr=True)
    try:
        r = build(paths, out=out, jsonld=jsonld, jobs=jobs, base=base, shacl=not no_shacl)
    except BuildError as exc:
        err.print(f"[red]kg build: {exc}[/red]")
        raise typer.Exit(2) from exc
    Console().print(
        f"{r.files} files ({r.extracted} extracted, {r.files - r.extracted} cached; {r.resolved} of {r.partitions} "
        f"provinces resolved) → {r.documents} documents, {r.relations} relations, {r.triples} triples, "
        f"{r.quality} quality records in {r.seconds}s → {r.out}/")
    if r.conforms is False:
        err.print(f"[red]SHACL: the graph does not conform; see {r.out}/shacl.txt[/red]")
        raise typer.Exit(1)
    if r.errors:
        for e in r.errors:
            err.print(f"[yellow]{e}[/yellow]")
        raise typer.Exit(1)
