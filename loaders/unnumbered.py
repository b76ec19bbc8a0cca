"""References to documents without a number (``Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần
thứ XVII``, ``Nghị quyết Trung ương 4 khóa XI, khóa XII``, national target programs,
strategies, laws), found with the patterns of ``data/unnumbered.tsv``::

    >>> [(u.kind, u.label) for u in find_unnumbered("Tiếp tục thực hiện nghiêm Nghị quyết Trung ương 4 khóa XI, khóa XII về xây dựng, chỉnh đốn Đảng gắn với")]
    [('plenum_resolution', 'Nghị quyết Trung ương 4 khóa XI về xây dựng, chỉnh đốn Đảng'), ('plenum_resolution', 'Nghị quyết Trung ương 4 khóa XII về xây dựng, chỉnh đốn Đảng')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from loaders.tables import table

TERMS = re.compile(r"\(?khóa (?P<t>[IVXLC]+)\)?")


@dataclass
class Unnumbered:
    start: int
    end: int
    text: str
    kind: str
    label: str


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [(r["kind"], re.compile(r["pattern"])) for r in table("unnumbered")]


def find_unnumbered(text: str) -> list[Unnumbered]:
    hits: list[Unnumbered] = []
    taken: list[tuple[int, int]] = []
    for kind, rx in _patterns():
        group = "label" if "label" in rx.groupindex else 0
        for m in rx.finditer(text):
            a, b = m.span(group)
            if any(a < y and b > x for x, y in taken):
                continue
            taken.append((a, b))
            written = " ".join(m.group(group).split()).rstrip(" ,")
            if kind == "plenum_resolution":
                hits.extend(Unnumbered(a, b, m.group(group), kind, label) for label in _split_terms(written))
            else:
                hits.append(Unnumbered(a, b, m.group(group), kind, written))
    return sorted(hits, key=lambda u: u.start)


def _split_terms(written: str) -> list[str]:
    """``Nghị quyết Trung ương 4 khóa XI, khóa XII về …`` names one resolution per term."""
    terms = [t["t"] for t in TERMS.finditer(written)]
    if len(terms) < 2:
        return [written]
    first = TERMS.search(written)
    head = written[:first.start()].rstrip()
    about = re.search(r" về .*$", written)
    tail = about.group(0) if about else ""
    return [f"{head} khóa {t}{tail}" for t in terms]
