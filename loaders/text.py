"""The plain-data forms that flow between the loader stages.

``SourceText`` is what a reader returns: the document's text as decoded from the file,
before any repair (tables as TAB-separated rows, one row per line; inline emphasis kept as
``*…*``, ``**…**`` or ``<i>…</i>`` markers). ``Text`` is what every later stage works on:
the normalized string, the emphasis spans that the markers marked, and a map from each
normalized offset back to the ``SourceText.raw`` offset, so that a quote can be cited.
"""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field


@dataclass
class LoadError(Exception):  # not frozen: raising sets __traceback__ on it
    """A file that could not be read: names the file and the reason."""

    source: str
    kind: str  # unsupported_type | empty | binary | undecodable | legacy_encoding | corrupt | not_found
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"

    def as_record(self) -> dict:
        return {"kind": self.kind, "message": f"{self.source}: {self.message}"}


@dataclass
class SourceText:
    source: str            # the path as the user gave it
    format: str            # txt | md | html | docx | pdf
    raw: str               # decoded text, tables as TAB rows
    encoding: str | None = None   # e.g. utf-8, utf-8-sig, utf-16, cp1258, tcvn3, vni
    notes: list[str] = field(default_factory=list)  # repairs the reader made (e.g. "converted from TCVN3")


@dataclass
class Text:
    source: str
    text: str                                   # normalized (NFC, repaired glyphs, wrapped lines joined)
    offsets: array | None                       # offsets[i] = raw offset of text[i]; len(text)+1 entries (None: not kept)
    emphasis: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, "i"|"b") in text
    format: str = "txt"
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_source(self, offset: int) -> int:
        """Map an offset in the normalized text back to the raw source text."""
        return self.offsets[max(0, min(offset, len(self.offsets) - 1))]

    def emphasized(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """Emphasis spans that overlap [start, end)."""
        return [e for e in self.emphasis if e[0] < end and e[1] > start]


def table_lines(grid: list[list[list[str]]]) -> list[str]:
    """A table as SourceText lines: one TAB-joined line per row, or, for a layout table (the
    header "TỈNH ỦY … / Số … | ĐẢNG CỘNG SẢN VIỆT NAM / …, ngày …" or the signature block
    beside "Nơi nhận"), each cell's lines in turn, as a PDF's text gives them: joined in one
    cell, the document's own symbol and date were lost in the row.

    A layout table has at most three columns and two rows, and each cell of its first row
    holds several lines; a task table has a column for each of number, content and agency, and
    a header row of one line per cell. (A header table of one line per cell reads as well
    row by row: "Số 45-KH/TU<TAB>Lạng Sơn, ngày …".)
    """
    width = max((len(r) for r in grid), default=0)
    first = [c for c in grid[0] if c] if grid else []
    layout = width <= 3 and len(grid) <= 2 and bool(first) and all(len(c) > 1 for c in first)
    if layout:
        return [ln for r in grid for c in r for ln in c]
    rows = []
    for r in grid:
        cells = [re.sub(r"\s*[\t\n]\s*", " ", " ".join(c)).strip() for c in r]
        if any(cells):
            rows.append("\t".join(cells))
    return rows
