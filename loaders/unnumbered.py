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


@cache
def _scans() -> list[tuple[str, re.Pattern[str], str]]:
    """(kind, pattern, a literal every match contains): a text without that literal is skipped
    with one substring test instead of a regex scan of the whole document."""
    return [(kind, rx, required_literal(rx)) for kind, rx in _patterns()]


def required_literal(rx: re.Pattern[str]) -> str:
    """The longest run of literal characters that every match of ``rx`` contains ("" if none
    is certain). Only plain characters in sequence count, at top level or inside groups that
    must match once; anything case-insensitive, repeated, optional or alternative ends a run.

    >>> required_literal(re.compile(r"[;,] (?P<label>Quy định (?!số)(?:về )?[a-z]{8,}?)"))
    'Quy định '
    """
    try:
        from re import _parser as sre_parse
    except ImportError:  # pragma: no cover
        import sre_parse  # type: ignore[no-redef]
    if rx.flags & re.I:
        return ""
    best = ""

    def walk(items) -> None:
        nonlocal best
        run: list[str] = []
        for op, av in items:
            if op is sre_parse.LITERAL:
                run.append(chr(av))
                continue
            if len(run) > len(best):
                best = "".join(run)
            run = []
            if op is sre_parse.SUBPATTERN:
                _group, add_flags, del_flags, sub = av
                if not add_flags and not del_flags:
                    walk(sub.data)
        if len(run) > len(best):
            best = "".join(run)

    walk(sre_parse.parse(rx.pattern, rx.flags).data)
    return best


def find_unnumbered(text: str) -> list[Unnumbered]:
    hits: list[Unnumbered] = []
    taken: list[tuple[int, int]] = []
    for kind, rx, literal in _scans():
        if literal not in text:
            continue  # no match possible
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
