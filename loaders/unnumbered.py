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

from loaders.tables import phrases_pattern, table

TERMS = re.compile(r"\(?khóa (?P<t>[IVXLC]+|\d{1,2})\)?")


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
def _scans() -> list[tuple[str, re.Pattern[str], str, tuple[int, int] | None]]:
    """(kind, pattern, a literal every match contains, its offset range in a match): a text
    without that literal is skipped with one substring test instead of a regex scan of the
    whole document; with it, a pattern that does not open with the literal is tried only
    where the literal places a match start."""
    out = []
    for kind, rx in _patterns():
        literal, offsets = required_literal(rx, with_offsets=True)
        out.append((kind, rx, literal, offsets))
    return out


def _finditer(rx: re.Pattern[str], text: str, literal: str, offsets: tuple[int, int] | None,
              first: int | None = None):
    """``rx.finditer(text)``; where the required literal stands ``offsets`` after the match
    start (and not at it), only the starts that the literal's occurrences allow are tried.
    ``first``: ``text.find(literal)``, when the caller has it."""
    if first is None:
        first = text.find(literal)
    if not literal or offsets is None:
        yield from rx.finditer(text)
        return
    if offsets == (0, 0):
        # the engine already skips to a literal prefix; no match starts before its first one
        yield from rx.finditer(text, max(first, 0))
        return
    lo, hi = offsets
    starts: set[int] = set()
    i = first
    while i >= 0:
        starts.update(range(max(0, i - hi), i - lo + 1))
        i = text.find(literal, i + 1)
    pos = 0
    for s in sorted(starts):
        if s < pos:
            continue  # inside the previous match, as finditer goes on after it
        m = rx.match(text, s)
        if m:
            yield m
            pos = m.end()


def required_literal(rx: re.Pattern[str], with_offsets: bool = False):
    """The longest run of literal characters that every match of ``rx`` contains ("" if none
    is certain). Only plain characters in sequence count, at top level or inside groups that
    must match once; anything case-insensitive, repeated, optional or alternative ends a run.
    ``with_offsets``: also (least, most) characters between a match start and the run, or
    None when that is unbounded.

    >>> required_literal(re.compile(r"[;,] (?P<label>Quy định (?!số)(?:về )?[a-z]{8,}?)"), True)
    ('Quy định ', (2, 2))
    >>> required_literal(re.compile(r"(?:nghiêm|tốt) (?P<label>quy định về [^;.]{8,160})"), True)
    ('quy định về ', (4, 7))
    """
    try:
        from re import _parser as sre_parse
    except ImportError:  # pragma: no cover
        import sre_parse  # type: ignore[no-redef]
    if rx.flags & re.I:
        return ("", None) if with_offsets else ""
    best, best_at = "", None
    unbounded = sre_parse.MAXREPEAT

    def walk(items, lo: int, hi: int | None) -> None:
        """``lo``/``hi``: least/most characters a match has consumed when ``items`` begin."""
        nonlocal best, best_at
        run: list[str] = []
        run_at = (lo, hi)
        for op, av in items:
            if op is sre_parse.LITERAL:
                if not run:
                    run_at = (lo, hi)
                run.append(chr(av))
                lo, hi = lo + 1, None if hi is None else hi + 1
                continue
            if len(run) > len(best):
                best, best_at = "".join(run), run_at
            run = []
            if op is sre_parse.SUBPATTERN:
                _group, add_flags, del_flags, sub = av
                if not add_flags and not del_flags:
                    walk(sub.data, lo, hi)
            w_lo, w_hi = sre_parse.SubPattern(sre_parse.State(), [(op, av)]).getwidth()
            lo = lo + w_lo
            hi = None if hi is None or w_hi >= unbounded else hi + w_hi
        if len(run) > len(best):
            best, best_at = "".join(run), run_at

    walk(sre_parse.parse(rx.pattern, rx.flags).data, 0, 0)
    if not with_offsets:
        return best
    return best, (best_at if best_at and best_at[1] is not None else None)


def find_unnumbered(text: str) -> list[Unnumbered]:
    hits: list[Unnumbered] = []
    taken: list[tuple[int, int]] = []
    for kind, rx, literal, offsets in _scans():
        first = text.find(literal)
        if first < 0:
            continue  # no match possible
        group = "label" if "label" in rx.groupindex else 0
        for m in _finditer(rx, text, literal, offsets, first):
            a, b = m.span(group)
            if any(a < y and b > x for x, y in taken):
                continue
            if kind == "project":
                b = a + _title_length(text[a:b])
            taken.append((a, b))
            written = " ".join(text[a:b].split()).rstrip(" ,")
            if kind == "plenum_resolution":
                hits.extend(Unnumbered(a, b, text[a:b], kind, label) for label in _split_terms(written))
            else:
                hits.append(Unnumbered(a, b, text[a:b], kind, written))
    return sorted(hits, key=lambda u: u.start)


@cache
def _title_stop_rx() -> re.Pattern[str]:
    """A clause of purpose or manner after a named đề án's title: the title_stop words of
    planned_cues.tsv ("nhằm", "bảo đảm" …), and "gắn với"."""
    stops = {r["cue"] for r in table("planned_cues") if r["kind"] == "title_stop"} | {"gắn với"}
    return re.compile(rf",?\s+(?:{phrases_pattern(stops)})(?!\w)")


# the period that closes most titles: "giai đoạn 2021 - 2025", "đến năm 2025, định hướng đến năm 2030"
_PERIOD = re.compile(r"(?:giai đoạn\s+\d{4}\s*[-–]\s*\d{4}|đến năm\s+\d{4})(?:,?\s+(?:định hướng|tầm nhìn)\s+đến năm\s+\d{4})?")


def _title_length(s: str) -> int:
    """How much of ``s`` (a match of a named đề án in running text) is its title: up to a clause
    of purpose or manner, or to its period when a comma follows that.

    >>> s = "Đề án chuyển đổi số tỉnh Tuyên Quang giai đoạn 2021 - 2025, nâng cao chất lượng dịch vụ công"
    >>> s[:_title_length(s)]
    'Đề án chuyển đổi số tỉnh Tuyên Quang giai đoạn 2021 - 2025'
    >>> s = "Đề án phát triển du lịch đến năm 2025, định hướng đến năm 2030 gắn với xây dựng nông thôn mới"
    >>> s[:_title_length(s)]
    'Đề án phát triển du lịch đến năm 2025, định hướng đến năm 2030'
    """
    stop = _title_stop_rx().search(s, 12)
    end = stop.start() if stop else len(s)
    quote = s.find("”")        # a title in quotes: “Đề án …” trên địa bàn tỉnh
    if 12 < quote < end:
        end = quote
    for m in _PERIOD.finditer(s, 0, end):
        if s[m.end():end].lstrip().startswith(","):
            return m.end()
    return end


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
