"""Stages 1 and 2 together, and the expansion of command-line paths into files."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

from loaders.normalize import normalize
from loaders.read import READERS, read_source
from loaders.text import Text

__all__ = ["load_text", "iter_input_files"]


def load_text(path: str | os.PathLike, offsets: bool = True) -> Text:
    """Read and normalize one file. Raises ``LoadError`` if it cannot be read.
    ``offsets=False``: no map back to the raw text (``Text.offsets`` is None), which saves
    keeping it up to date through every repair.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "c000.txt")
    >>> _ = open(path, "w", encoding="utf-8").write("CHƢƠNG TRÌNH HÀNH ĐỘNG \\n\\n Ban Chấp \\n\\nhành Tỉnh uỷ")
    >>> load_text(path).text
    'CHƯƠNG TRÌNH HÀNH ĐỘNG\\nBan Chấp hành Tỉnh ủy'
    """
    return normalize(read_source(path), offsets=offsets)


def _skip_reason(name: str) -> str | None:
    if name.startswith("~$"):
        return "skipped: Office lock file"
    suffix = Path(name).suffix.lower()
    if suffix not in READERS:
        return f"skipped: unsupported type {suffix}" if suffix else "skipped: unsupported type (no suffix)"
    return None


def iter_input_files(paths: Iterable[str | os.PathLike]) -> Iterator[tuple[str, str | None]]:
    """Expand files and folders into ``(path, None)`` for each file to load, or
    ``(path, "skipped: …")`` for a file inside a folder that will not be loaded.

    Folders are walked recursively in sorted order; hidden files and folders (``.name``) are
    left out. A file named explicitly is always yielded with ``None``, whatever its type, so
    that loading it reports the problem (``unsupported_type``, ``not_found``…).

    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> for name in ("b.docx", "a.txt", "notes.xyz", ".hidden.txt"):
    ...     _ = open(os.path.join(d, name), "w").write("x")
    >>> [(os.path.basename(p), why) for p, why in iter_input_files([d])]
    [('a.txt', None), ('b.docx', None), ('notes.xyz', 'skipped: unsupported type .xyz')]
    """
    for given in paths:
        given = os.fspath(given)
        if not os.path.isdir(given):
            yield given, None
            continue
        found: list[tuple[tuple[str, ...], str]] = []
        for root, dirs, files in os.walk(given):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            rel_root = os.path.relpath(root, given)
            parts = () if rel_root == "." else tuple(Path(rel_root).parts)
            for name in files:
                if not name.startswith("."):
                    found.append((parts + (name,), os.path.join(root, name)))
        for _, path in sorted(found):
            yield path, _skip_reason(os.path.basename(path))
