"""Corpus texts for the structure tests, with a minimal stand-in for the normalizer.

``minimal_normalize`` does what the tests need until ``loaders/normalize.py`` lands (NFC and
the legacy ``Ƣ/ƣ`` glyphs); ``join_wrapped`` imitates its wrapped-line joining (blank lines
dropped, a line that starts in lower case joined to the line above; TAB rows untouched), so
that the extractors are also tested on text shaped like the normalizer's output.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"


def minimal_normalize(s: str) -> str:
    return unicodedata.normalize("NFC", s).replace("Ƣ", "Ư").replace("ƣ", "ư")


def corpus(prefix: str) -> str:
    path = next(CORPUS.glob(f"{prefix}_*.txt"))
    return minimal_normalize(path.read_text(encoding="utf-8"))


def join_wrapped(text: str) -> str:
    out: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        s = line.strip()
        if out and "\t" not in line and "\t" not in out[-1] and s[:1].islower():
            out[-1] = out[-1].rstrip() + " " + s
        else:
            out.append(line.rstrip())
    return "\n".join(out)
