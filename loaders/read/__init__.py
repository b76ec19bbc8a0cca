"""Stage 1: read a file into a ``SourceText``.

Readers register themselves by file suffix; ``read_source`` picks one and turns every way a
file can be unreadable into a ``LoadError`` that names the file and the problem.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "ctr.txt")
>>> _ = open(path, "w", encoding="utf-8").write("Số 01-CTr/TU\\n")
>>> read_source(path).raw
'Số 01-CTr/TU\\n'
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from loaders.text import LoadError, SourceText

Reader = Callable[[str], SourceText]
READERS: dict[str, Reader] = {}

__all__ = ["READERS", "register_reader", "read_source", "supported_suffixes"]


def register_reader(*suffixes: str) -> Callable[[Reader], Reader]:
    """Register a reader function for one or more suffixes (``".docx"``; case-insensitive).

    >>> @register_reader(".csv")
    ... def read_csv(path):
    ...     return SourceText(source=path, format="csv", raw=open(path, encoding="utf-8").read())
    >>> READERS[".csv"] is read_csv
    True
    >>> del READERS[".csv"]
    """
    def deco(fn: Reader) -> Reader:
        for suffix in suffixes:
            READERS[suffix.lower()] = fn
        return fn
    return deco


def supported_suffixes() -> list[str]:
    return sorted(READERS)


def read_source(path: str | os.PathLike) -> SourceText:
    """Read one file with the reader for its suffix.

    Raises ``LoadError`` with kind ``not_found``, ``unsupported_type``, ``empty``, ``binary``,
    ``undecodable``, ``legacy_encoding``, ``corrupt`` or ``no_text_layer``.
    """
    source = os.fspath(path)
    p = Path(source)
    name = p.name or source
    if not p.exists():
        raise LoadError(source, "not_found", f"{name} does not exist")
    if p.is_dir():
        raise LoadError(source, "unsupported_type", f"{name} is a folder, not a document file")
    suffix = p.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        what = f"has type {suffix}, which is" if suffix else "has no suffix, so its type is"
        raise LoadError(source, "unsupported_type",
                        f"{name} {what} not supported (supported: {', '.join(supported_suffixes())})")
    try:
        if p.stat().st_size == 0:
            raise LoadError(source, "empty", f"{name} is empty (0 bytes)")
        return reader(source)
    except LoadError:
        raise
    except PermissionError:
        raise LoadError(source, "not_found", f"{name} cannot be opened: permission denied") from None
    except IsADirectoryError:
        raise LoadError(source, "unsupported_type", f"{name} is a folder, not a document file") from None


# Importing the reader modules registers them.
from loaders.read import text as _text, html as _html, docx as _docx, pdf as _pdf  # noqa: E402,F401
