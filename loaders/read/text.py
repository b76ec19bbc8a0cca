"""Plain text and Markdown files: bytes -> str through ``encoding.decode_bytes``."""
from __future__ import annotations

from pathlib import Path

from loaders.read import register_reader
from loaders.read.encoding import decode_bytes
from loaders.text import SourceText


@register_reader(".txt", ".md", ".markdown")
def read_text(path: str) -> SourceText:
    """Read a ``.txt``/``.md`` file; Markdown emphasis markers stay in ``raw`` for
    normalization to record.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "a.md")
    >>> _ = open(path, "wb").write("Số **01-CTr/TU**".encode("utf-16"))
    >>> src = read_text(path); src.raw, src.format, src.encoding
    ('Số **01-CTr/TU**', 'md', 'utf-16')
    """
    data = Path(path).read_bytes()
    text, encoding, notes = decode_bytes(data, path)
    fmt = "md" if Path(path).suffix.lower() in (".md", ".markdown") else "txt"
    return SourceText(source=path, format=fmt, raw=text, encoding=encoding, notes=notes)
