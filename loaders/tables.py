"""The domain tables in ``loaders/data/`` (TSV, ``#`` comments, one header row), read once.

They are data so that a domain expert can edit them without touching code::

    >>> from loaders.tables import table
    >>> any(row["code"] == "CTr" for row in table("doc_types"))
    True
"""
from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources
from pathlib import Path

DATA_DIR = Path(str(resources.files("loaders") / "data"))


@cache
def table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``data/<name>.tsv`` as dicts keyed by the header row."""
    path = DATA_DIR / f"{name}.tsv"
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    rows = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return tuple({k: (v or "").strip() for k, v in row.items() if k} for row in rows)


@cache
def type_codes() -> dict[str, str]:
    """Upper-cased spelling (canonical or variant) -> canonical type code."""
    out: dict[str, str] = {}
    for row in table("doc_types"):
        out[row["code"].upper()] = row["code"]
        for v in filter(None, row["variants"].split(",")):
            out[v.strip().upper()] = row["code"]
    return out


@cache
def issuer_codes() -> dict[str, dict[str, str]]:
    """Upper-cased issuer code -> its row (code, family, level, body_vi)."""
    return {row["code"].upper(): row for row in table("issuers")}


@cache
def province_spellings() -> tuple[tuple[str, str], ...]:
    """(spelling, province name) of ``provinces.tsv``, names and aliases, longest spelling first."""
    out = []
    for row in table("provinces"):
        out.append((row["name"], row["name"]))
        out += [(a.strip(), row["name"]) for a in row["aliases"].split(",") if a.strip()]
    return tuple(sorted(out, key=lambda p: len(p[0]), reverse=True))


def phrases_pattern(phrases) -> str:
    r"""A table's phrases as one regex alternation: escaped, each space matching any run of
    whitespace (a line break inside a wrapped phrase too), the longest first, so that "tiếp tục
    thực hiện" wins over "thực hiện" where both start.

    >>> phrases_pattern(["thực hiện", "tiếp tục thực hiện"])
    'tiếp\\s+tục\\s+thực\\s+hiện|thực\\s+hiện'
    """
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(set(phrases), key=len, reverse=True))


@cache
def genre_nouns() -> tuple[str, ...]:
    """The genre nouns as written, longest first (``doc_nouns.tsv`` less the type codes written as
    nouns): what names a document in prose ("… ban hành Kế hoạch …").

    >>> "Kế hoạch" in genre_nouns() and "KH" not in genre_nouns()
    True
    """
    return tuple(sorted((r["noun"] for r in table("doc_nouns") if r["noun"] != r["code"]), key=len, reverse=True))


@cache
def genre_pattern() -> str:
    """:func:`genre_nouns` as a regex alternation, each noun escaped as written (a single space
    between its words, where :func:`phrases_pattern` takes any run of whitespace)."""
    return "|".join(map(re.escape, genre_nouns()))
