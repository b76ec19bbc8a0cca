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


def _input_files(paths: list[str]) -> list[str]:
    from loaders.load import iter_input_files

    files: list[str] = []
    for path, skipped in iter_input_files(paths):
        if skipped:
            print(f"kg extract: {path}: {skipped}", file=sys.stderr)
            continue
        files.append(path)
    return files


def _ordered(fn, files: list[str], jobs: int) -> Iterator:
    """``map(fn, files)`` over ``jobs`` worker processes, in input order, with a bounded number
    of files in flight (memory follows the largest files, not the number of files)."""
    if jobs <= 1 or len(files) <= 1:
        yield from map(fn, files)
        return
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    # The first file is done here before the workers are forked: its patterns, tables and
    # folding table are then built once and shared (copy-on-write) instead of once per worker.
    yield fn(files[0])
    window = 4 * jobs  # enough to keep every worker busy while the next result is awaited
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: deque = deque()
        todo = iter(files[1:])
        for path in todo:
            pending.append(pool.submit(fn, path))
            if len(pending) >= window:
                break
        while pending:
            result = pending.popleft().result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append(pool.submit(fn, nxt))
            yield result


def iter_records(paths: list[str], jobs: int = 1) -> Iterator[dict]:
    """Extraction records for every file under ``paths``, in input order."""
    from loaders.extract import extract_path

    yield from _ordered(extract_path, _input_files(paths), jobs)


def _render(path: str, fmt: str) -> tuple[str, list[dict]]:
    """One file's output text and its errors. Runs in the workers: the parent only writes
    strings, so serializing does not wait on one process while the others idle."""
    from loaders.extract import extract_path

    rec = extract_path(path)
    if fmt == "jsonl":
        return json.dumps(rec, ensure_ascii=False) + "\n", rec.get("errors") or []
    return json.dumps(rec, ensure_ascii=False, indent=1), rec.get("errors") or []


@app.command()
def extract(
    paths: list[str] = typer.Argument(..., help="Files or folders (txt, md, html, docx, pdf)."),
    format: Format = typer.Option(Format.jsonl, "--format", "-f", help="jsonl: one JSON object per file."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes (files are spread over them)."),
) -> None:
    """Find each document's identity and every document it cites."""
    failed = 0
    first = True
    files = _input_files(paths)
    if format is Format.json:
        sys.stdout.write("[")
    if format is Format.table:
        from loaders.extract import extract_path

        for rec in _ordered(extract_path, files, jobs):
            failed += _report_errors(rec.get("errors"))
            _print_table(rec)
            sys.stdout.flush()
    else:
        from functools import partial

        for out, errors in _ordered(partial(_render, fmt=format.value), files, jobs):
            failed += _report_errors(errors)
            if format is Format.jsonl:
                sys.stdout.write(out)
            else:
                sys.stdout.write(("" if first else ",\n") + out)
            first = False
            sys.stdout.flush()
    if format is Format.json:
        sys.stdout.write("]\n")
    if failed:
        print(f"kg extract: {failed} file(s) could not be read", file=sys.stderr)
        raise typer.Exit(1)


def _report_errors(errors: list[dict] | None) -> int:
    for err in errors or ():
        print(f"kg extract: error: {err['message']}", file=sys.stderr)
    return 1 if errors else 0


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
