"""``kg extract PATH... [--format jsonl|json|table] [--jobs N]``: one record per input file.

Records are streamed as they are ready (memory stays bounded by the largest file); a file
that cannot be read gives a record with ``errors`` and the exit status is 1.
"""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Iterator

import typer

from kg.cli import app


class Format(str, Enum):
    jsonl = "jsonl"
    json = "json"
    table = "table"


def iter_records(paths: list[str], jobs: int = 1) -> Iterator[dict]:
    """Extraction records for every file under ``paths``, in input order."""
    from loaders.extract import extract_path
    from loaders.load import iter_input_files

    files: list[str] = []
    for path, skipped in iter_input_files(paths):
        if skipped:
            print(f"kg extract: {path}: {skipped}", file=sys.stderr)
            continue
        files.append(path)
    if jobs <= 1 or len(files) <= 1:
        yield from map(extract_path, files)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        # chunksize 1 keeps big files from queuing behind each other; map keeps input order.
        yield from pool.map(extract_path, files, chunksize=1)


@app.command()
def extract(
    paths: list[str] = typer.Argument(..., help="Files or folders (txt, md, html, docx, pdf)."),
    format: Format = typer.Option(Format.jsonl, "--format", "-f", help="jsonl: one JSON object per file."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes (files are spread over them)."),
) -> None:
    """Find each document's identity and every document it cites."""
    failed = 0
    first = True
    if format is Format.json:
        sys.stdout.write("[")
    for rec in iter_records(paths, jobs):
        if rec.get("errors"):
            failed += 1
            for err in rec["errors"]:
                print(f"kg extract: error: {err['message']}", file=sys.stderr)
        if format is Format.jsonl:
            sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
        elif format is Format.json:
            sys.stdout.write(("" if first else ",\n") + json.dumps(rec, ensure_ascii=False, indent=1))
        else:
            _print_table(rec)
        first = False
        sys.stdout.flush()
    if format is Format.json:
        sys.stdout.write("]\n")
    if failed:
        print(f"kg extract: {failed} file(s) could not be read", file=sys.stderr)
        raise typer.Exit(1)


def _print_table(rec: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    doc = rec.get("document") or {}
    head = f"[bold]{Path(rec['source']).name}[/bold]"
    if doc:
        head += f"  {doc.get('symbol') or '(không số)'}  {doc.get('date') or ''}  {doc.get('province') or ''}"
        if doc.get("is_draft"):
            head += "  [yellow]dự thảo[/yellow]"
    console.print(head)
    if rec.get("errors"):
        for err in rec["errors"]:
            console.print(f"  [red]{err['kind']}[/red]: {err['message']}")
        return
    table = Table(show_header=True, header_style="bold")
    for col in ("symbol", "relation", "date", "issuing body", "subject"):
        table.add_column(col)
    for r in rec["references"]:
        table.add_row(r["symbol"], r["relation"], r.get("date") or "", r.get("issuing_body") or "",
                      (r.get("subject") or "")[:70])
    console.print(table)
    for e in rec["chain_edges"]:
        console.print(f"  {e['source']} —{e['relation']}→ {e['target']}")
    console.print(f"  tasks: {len(rec['tasks'])}  planned: {len(rec['planned'])}  warnings: {len(rec['warnings'])}")
