"""Stage 4: find document symbols (số và ký hiệu) in normalized text.

Party symbols are ``NUMBER-TYPE/ISSUER`` (``43-NQ/TW``, ``02-ĐA/TU``), State symbols
``NUMBER/TYPE-ISSUER`` (``71/NQ-CP``), ``NUMBER/YEAR/TYPE-ISSUER`` (``30/2020/NĐ-CP``) or
``NUMBER/YEAR/QH<term>`` (``45/2019/QH14``). The type codes come from
``data/doc_types.tsv`` and the issuer codes from ``data/issuers.tsv``; every variation met
in practice (spaces around separators, en dashes, ``72-NQ-TW``, lowercase ``nq/tw``,
``858CV/ĐUK``, ``72/NQ-TW`` written State-style, ASCII ``30/2020/ND-CP``) is found and normalized::

    >>> [m.symbol for m in find_symbols("Nghị quyết số 43 – NQ/TW và Nghị quyết 71/NQ-CP")]
    ['43-NQ/TW', '71/NQ-CP']
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from bisect import bisect_right
from functools import cache, lru_cache

from loaders.tables import issuer_codes, type_codes

DASH = "-\u2010\u2011\u2012\u2013\u2014\u2212"


@dataclass
class SymbolMatch:
    start: int
    end: int
    text: str            # as written
    number: str          # as written, leading zeros kept (``02``), letter suffix kept
    type: str            # canonical type code (``CTr``, ``QĐi``) or a State code as written
    issuer: str          # canonical issuer code (``TW``, ``TU``, ``CP``, ``UBND``)
    family: str          # party | state
    year: int | None = None   # for State symbols that carry their year
    flags: list[str] = field(default_factory=list)

    @property
    def symbol(self) -> str:
        if self.family == "party":
            return f"{self.number}-{self.type}/{self.issuer}"
        if self.type.startswith("QH") and self.year:
            return f"{self.number}/{self.year}/{self.type}"
        if self.year:
            return f"{self.number}/{self.year}/{self.type}-{self.issuer}"
        return f"{self.number}/{self.type}-{self.issuer}"


@cache
def _pattern() -> re.Pattern[str]:
    codes = sorted(type_codes(), key=len, reverse=True)
    types = "|".join(re.escape(c) for c in codes)
    # Before each type alternation, a lookahead for the codes' first letters: one class test
    # rejects what would otherwise be tried against every code, at every backtracking step.
    firsts = re.escape("".join(sorted({c[0] for c in codes})))
    initial = f"(?=(?i:[{firsts}]))"
    d = f"[{re.escape(DASH)}]"
    letter = r"[^\W\d_]"
    # The number's first digit is matched once, before the alternatives (see below), so each
    # group holds the rest of the number and _build adds the first digit back.
    num = r"(?P<{0}>\d{{0,4}}[a-z]?)"
    law = rf"{num.format('lnum')}\s*/\s*(?P<lyear>(?:19|20)\d\d)\s*/\s*(?P<lcode>QH\d{{1,2}})(?!\w)"
    state = (
        rf"{num.format('snum')}\s*/\s*(?:(?P<syear>(?:19|20)\d\d)\s*/\s*)?"
        rf"(?=(?i:[{firsts}])|[A-ZĐ])(?P<stype>(?i:{types})|[A-ZĐ][A-Za-zĐđ]{{0,4}})\s*{d}\s*(?P<siss>{letter}{{1,10}}\d{{0,2}})(?:{d}(?P<sunit>[A-ZĐ]{{1,8}}))?(?![\w])"
    )
    party = (
        rf"{num.format('pnum')}(?:\s*{d}\s*|\s+|){initial}(?P<ptype>(?i:{types}))\s*(?:/|{d})\s*(?P<piss>{letter}{{1,9}})(?![\w])"
    )
    # A leading digit (not a lookbehind) lets the regex engine skip to the next digit in C;
    # ``\d(?<!X\d)`` tests the character before that digit exactly as ``(?<!X)\d`` did. A number
    # glued to "số" ("Nghị quyết số18-NQ/TW", a typing slip) starts there too.
    return re.compile(rf"\d(?:(?<![\w/{re.escape(DASH)}.,]\d)|(?<=(?i:số)\d))(?:{law}|{state}|{party})")


def _canon_type(code: str) -> str | None:
    return type_codes().get(code.upper())


def _table_issuer(code: str, family: str) -> str | None:
    """An issuer code of ``family`` as ``issuers.tsv`` spells it (``TTg``, ``UBND``; ``TƯ`` is
    written for ``TW``: its ``same_as``), None when the table has no such code."""
    row = issuer_codes().get(code.upper())
    if row is None or row["family"] != family:
        return None
    return row.get("same_as") or row["code"]


def _canon_issuer(code: str) -> str | None:
    return _table_issuer(code, "party")


def _state_issuer(code: str) -> str:
    """A State issuer code as the table spells it, else as written."""
    return _table_issuer(code, "state") or code


def find_symbols(text: str, start: int = 0, end: int | None = None) -> list[SymbolMatch]:
    """Every document symbol in ``text[start:end]``, in order, with offsets into ``text``.

    >>> [(m.symbol, m.flags) for m in find_symbols("các Nghị quyết số 43, 44-NQ/TW")]
    [('43-NQ/TW', ['shared_code']), ('44-NQ/TW', [])]
    """
    out: list[SymbolMatch] = []
    for m in _pattern().finditer(text, start, len(text) if end is None else end):
        hit = _build(m)
        if hit is not None:
            if hit.family == "party":
                out += _numbers_sharing_code(text, max(start, hit.start - 40, out[-1].end if out else 0), hit)
            out.append(hit)
    return out


# "Nghị quyết số 43, 44-NQ/TW": numbers listed before a Party symbol share its type and issuer
_SHARED_CODE = re.compile(r"(?:số|so)\s+(?P<nums>\d{1,4}[a-z]?(?:\s*,\s*\d{1,4}[a-z]?)*)\s*(?:,|và)\s*$", re.I)
_NUMBER = re.compile(r"\d{1,4}[a-z]?")


def _numbers_sharing_code(text: str, lo: int, hit: SymbolMatch) -> list[SymbolMatch]:
    m = _SHARED_CODE.search(text, lo, hit.start)
    if m is None:
        return []
    return [SymbolMatch(n.start(), n.end(), n.group(0), n.group(0), hit.type, hit.issuer, "party", flags=["shared_code"])
            for n in _NUMBER.finditer(text, m.start("nums"), m.end("nums"))]


@lru_cache(maxsize=2)
def _whole(text: str) -> tuple[list[SymbolMatch], list[int]]:
    hits = find_symbols(text)
    return hits, [h.end for h in hits]


def all_symbols(text: str) -> list[SymbolMatch]:
    """``find_symbols(text)``, scanned once per text and shared with :func:`symbols_within`.
    The objects are shared: read only."""
    return _whole(text)[0]


def symbols_within(text: str, start: int, end: int) -> list[SymbolMatch]:
    """``find_symbols(text, start, end)`` for a range that ends at a line break (or the end of
    the text), read from one scan of the whole text instead of a scan per range.

    They agree unless a symbol of the whole text crosses ``start`` or ``end`` (only ``\\s``
    can read the line break at ``end``, and the lookaheads see it as the end of the range);
    then the range is scanned. The objects are shared with the whole-text list: read only.
    """
    if end < len(text) and text[end] not in "\r\n":
        return find_symbols(text, start, end)
    hits, ends = _whole(text)
    out = []
    for h in hits[bisect_right(ends, start):]:  # the first that ends after start
        if h.start >= end:
            break
        if h.start < start < h.end or h.start < end < h.end:
            return find_symbols(text, start, end)
        if start <= h.start:
            out.append(h)
    return out


def _build(m: re.Match[str]) -> SymbolMatch | None:
    g = m.groupdict()
    written = m.group(0)
    first = written[0]
    for k in ("lnum", "snum", "pnum"):
        if g[k] is not None:
            g[k] = first + g[k]
    if g["lnum"]:
        return SymbolMatch(m.start(), m.end(), written, g["lnum"], g["lcode"], "QH", "state", int(g["lyear"]))
    if g["snum"]:
        stype, siss = g["stype"], g["siss"]
        party_iss = _canon_issuer(siss)
        ctype = _canon_type(stype)
        if party_iss and ctype and not g["syear"]:
            # ``72/NQ-TW``: a Party symbol written State-style.
            return SymbolMatch(m.start(), m.end(), written, g["snum"], ctype, party_iss, "party",
                               flags=["state_style_party_symbol"])
        if ctype is None and not stype.isupper():
            return None
        # a known code in any of its spellings (ASCII ``QD``, ``ND``; ``qđ``) is that code, and a
        # known issuer (``TTG``, ``ubnd``) is spelled as the table does: one document, one symbol
        code = ctype if ctype and ctype not in ("CTr", "QĐi") else stype
        iss = _state_issuer(siss)
        flags = ["type_code_variant"] if code != stype else []
        if iss != siss:
            flags.append("issuer_code_case")
        iss += f"-{g['sunit']}" if g["sunit"] else ""
        return SymbolMatch(m.start(), m.end(), written, g["snum"], code, iss, "state",
                           int(g["syear"]) if g["syear"] else None, flags)
    ptype, piss = g["ptype"], g["piss"]
    ctype = _canon_type(ptype)
    if ctype is None:
        return None
    issuer = _canon_issuer(piss)
    flags: list[str] = []
    if issuer is None:
        # Unknown issuer codes are accepted only when written in capitals (``TWĐTN``).
        if not piss.isupper():
            return None
        issuer = piss
        flags.append("unknown_issuer_code")
    sep = written[len(g["pnum"]):written.upper().index(ptype.upper(), len(g["pnum"]))]
    if not sep.strip():
        flags.append("missing_hyphen")
    if "/" not in written[len(g["pnum"]):]:
        flags.append("hyphen_for_slash")
    if ptype != ctype:
        flags.append("type_code_variant")
    if piss != issuer:
        flags.append("issuer_code_case" if piss.upper() == issuer.upper() else "issuer_code_variant")
    return SymbolMatch(m.start(), m.end(), written, g["pnum"], ctype, issuer, "party", flags=flags)
