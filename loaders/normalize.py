"""Stage 2: repair the text a reader produced, keeping a map back to the raw text.

Repairs, in the order they run:

1. line breaks and odd spaces unified, zero-width and control characters dropped, PDF
   glyph substitutes fixed (``Ƣ``→``Ư``, ``Ð``→``Đ``, ``ð``→``đ`` at the start of a word),
   Symbol-font and ``•`` bullets at line start turned into ``-``;
2. tone marks that PDF extraction detached from their vowel (``nhiêṃ``, ``vu ̣cho``) put
   back on the vowel, then NFC;
3. tone placement folded to the style of current official texts (``khoá``→``khóa``,
   ``uỷ``→``ủy``; table in ``data/tone_fold.tsv``);
4. lines wrapped mid-sentence joined, blank lines and page-number lines dropped, one
   paragraph or table row per line;
5. emphasis markers (``**…**``, ``*…*``, ``<i>…</i>``, ``<b>``…) removed and recorded in
   ``Text.emphasis``; stray ``<br>`` → space; runs of spaces collapsed.

Each pass rewrites a few regions of the string; ``Text.offsets`` follows every rewrite so
``src.raw[text.to_source(a):text.to_source(b)]`` is the source of ``text.text[a:b]``. A
character maps to where it starts in the raw text, so a quote's source runs up to the next
kept character: it includes a marker or line break removed right after the quote, not one
removed right before it.
"""
from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from functools import lru_cache

from loaders.read.encoding import read_data_table
from loaders.text import SourceText, Text

__all__ = ["normalize", "normalize_string"]

_LETTER = r"[^\W\d_]"
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_TONELESS_VOWELS = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"


def _vowel_letters() -> str:
    """Every precomposed Latin letter whose base is a vowel (for "not after a vowel")."""
    out = []
    for cp in list(range(0xC0, 0x250)) + list(range(0x1EA0, 0x1F00)):
        ch = chr(cp)
        if ch.isalpha() and unicodedata.normalize("NFD", ch)[0] in "aeiouyAEIOUY":
            out.append(ch)
    return "".join(out)


_ALL_VOWELS = "aeiouyAEIOUY" + _vowel_letters()


# --------------------------------------------------------------------------- the rewriter

_IDENTITY = array("i")


def _identity(n: int) -> array:
    """array('i', range(n)), sliced from a cached array: a copy instead of an int loop."""
    global _IDENTITY
    if len(_IDENTITY) < n:
        size = max(n, 2 * len(_IDENTITY), 1 << 16)
        try:
            import numpy   # present with spaCy; 50x faster than iterating a range
            _IDENTITY = array("i", numpy.arange(size, dtype=numpy.int32).tobytes())
        except ImportError:
            _IDENTITY = array("i", range(size))
    return _IDENTITY[:n]


class _Doc:
    """The text being repaired, its map to raw offsets, and emphasis spans."""

    __slots__ = ("text", "map", "emph", "counts")

    def __init__(self, raw: str, track: bool) -> None:
        self.text = raw
        self.map = _identity(len(raw) + 1) if track else None
        self.emph: list[list] = []
        self.counts: dict[str, int] = {}

    def count(self, what: str, n: int) -> None:
        if n:
            self.counts[what] = self.counts.get(what, 0) + n

    def apply(self, regions: list[tuple]) -> list[int]:
        """Replace ``text[s:e]`` by ``r`` for each sorted, disjoint (s, e, r[, rel]); return
        the new start of each region. ``rel`` optionally gives, for each char of ``r``, its
        source as an offset from ``s`` (``e - s`` = the char after the region)."""
        if not regions:
            return []
        text, parts, new_starts = self.text, [], []
        last = delta = 0
        same_length = True
        for region in regions:
            s, e, r = region[0], region[1], region[2]  # (not "s, e, r, *_": a list per region)
            parts.append(text[last:s])
            parts.append(r)
            new_starts.append(s + delta)
            delta += len(r) - (e - s)
            if len(r) != e - s:
                same_length = False
            last = e
        parts.append(text[last:])
        self.text = "".join(parts)
        if same_length:
            return new_starts
        if self.map is not None:
            old, new = self.map, array("i")
            last = 0
            for s, e, r, *rel in regions:
                new.extend(old[last:s])
                n, w = len(r), e - s
                if rel:
                    new.extend(array("i", [old[s + x] for x in rel[0]]))
                elif n <= w:
                    new.extend(old[s:s + n])         # kept chars map to where they began
                elif w:
                    new.extend(old[s:e])
                    new.extend(array("i", [old[e - 1]]) * (n - w))
                else:
                    new.extend(array("i", [old[s]]) * n)  # inserted text maps to what follows
                last = e
            new.extend(old[last:])
            self.map = new
        if self.emph:
            starts = [region[0] for region in regions]
            for span in self.emph:
                span[0] = _shift(span[0], regions, starts, new_starts, False)
                span[1] = _shift(span[1], regions, starts, new_starts, True)
        return new_starts

    def sub(self, pattern: re.Pattern, repl) -> int:
        """Regex pass: ``repl(match)`` returns the replacement, or None to keep the match."""
        regions = []
        for m in pattern.finditer(self.text):
            r = repl(m)
            if isinstance(r, tuple):
                regions.append((m.start(), m.end(), *r))
            elif r is not None and r != m.group():
                regions.append((m.start(), m.end(), r))
        self.apply(regions)
        return len(regions)


def _shift(pos: int, regions, starts, new_starts, is_end: bool) -> int:
    i = bisect_right(starts, pos) - 1
    if i < 0:
        return pos
    s, e, r = regions[i][:3]
    if pos >= e:
        return new_starts[i] + len(r) + (pos - e)
    if pos == s:
        return new_starts[i]
    return new_starts[i] + (len(r) if is_end else 0)


# --------------------------------------------------------------------------- data tables

@lru_cache(maxsize=None)
def _join_words() -> frozenset[str]:
    return frozenset(row[0].lower() for row in read_data_table("join_words.tsv", columns=1))


@lru_cache(maxsize=None)
def _tone_fold():
    table = dict(read_data_table("tone_fold.tsv"))
    keys = sorted(table)
    firsts = "".join(sorted({k[0] for k in keys}))
    seconds = "".join(sorted({k[1:] for k in keys if len(k) == 2}))
    if any(len(k) != 2 for k in keys):
        raise ValueError("tone_fold.tsv: every 'old' entry must be two letters")
    # Only where the pair ends the syllable ("toán", "ngoài" untouched); q is checked by the caller.
    pattern = re.compile(f"[{re.escape(firsts)}][{re.escape(seconds)}](?!{_LETTER})")
    return pattern, table


# --------------------------------------------------------------------------- pass 1: characters

# Patterns that start with a character class: the regex engine then skips ahead fast, which
# matters because every pass scans the whole document. Context checks happen in callbacks.
_NEWLINES = {"\x0b": "\n", "\x0c": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n"}
_SAME_LENGTH = {
    **_NEWLINES,
    **{c: " " for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
       "\u2009\u200a\u202f\u205f\u3000"},
    "\u01a2": "Ư", "\u01a3": "ư",       # LATIN LETTER OI, what some PDFs use for Ư/ư
    "\u00d0": "Đ",                       # ETH looks like Đ and is used for it
}
_INVISIBLE = "\x00-\x08\x0e-\x1f\x7f\u00ad\u200b-\u200d\u2060\ufeff"
_ODD_CHAR = re.compile("[" + "".join(_SAME_LENGTH) + _INVISIBLE + "ð\r]")
_BULLET_CHARS = "\uf000-\uf0ff•●▪◦■►➢‣∙·"
_BULLET_ANY = re.compile(f"[{_BULLET_CHARS}]")
_BULLET = re.compile(f"(?m)^([ \\t]*)[{_BULLET_CHARS}]([ \\t]?)")


def _pass_characters(doc: _Doc) -> None:
    if "\r" in doc.text:
        doc.sub(re.compile(r"\r\n?"), lambda m: "\n")
    glyphs = 0

    def fix(m: re.Match) -> str | None:
        nonlocal glyphs
        ch = m.group()
        if ch in _SAME_LENGTH:
            glyphs += ch in "\u01a2\u01a3\u00d0"
            return _SAME_LENGTH[ch]
        if ch == "ð":   # Icelandic eth stays; at the start of a Vietnamese word it is đ
            i, text = m.start(), m.string
            if (i == 0 or not text[i - 1].isalpha()) and i + 1 < len(text) and text[i + 1].isalpha():
                glyphs += 1
                return "đ"
            return None
        return ""       # zero-width and control characters

    if _ODD_CHAR.search(doc.text):
        doc.sub(_ODD_CHAR, fix)
    doc.count("PDF glyph substitutes fixed (Ƣ→Ư, Ð→Đ)", glyphs)
    if _BULLET_ANY.search(doc.text):
        doc.sub(_BULLET, lambda m: m.group(1) + "- ")


# --------------------------------------------------------------------------- pass 2: tone marks

_V = f"[{_TONELESS_VOWELS}][\u0302\u0306\u031b]?"
_DETACHED = re.compile(
    f"(?<![{_ALL_VOWELS}\u0300-\u036f])(?P<v>(?:{_V}){{1,3}})(?:"
    # mark after the final consonant(s), perhaps after a space too: "nhiêṃ", "nhiêm ̣vu"
    f"(?P<f>(?i:ch|ng|nh|[cmnpt]))(?P<sp1> ?)(?P<m1>[{_TONES}])"
    # mark after the space that follows the syllable: "vu ̣cho", "lô ̣trình", "nhiê ̣m"
    f"|(?P<sp2> +)(?P<m2>[{_TONES}])(?P<f2>(?i:ch|ng|nh|[cmnpt])(?!{_LETTER}))?"
    ")")
_TONE_MARK = re.compile(f"[{_TONES}]")


def _main_vowel(vowels: str, has_final: bool, before: str) -> int:
    """Index of the vowel that carries the tone mark (modern placement: hóa, thủy)."""
    v = vowels.lower()
    start = 1 if len(v) > 1 and ((before in "qQ" and v[0] == "u") or (before in "gG" and v[0] == "i")) else 0
    rest = v[start:]
    marked = [i for i, ch in enumerate(rest) if ch in "ăâêôơư"]
    if marked:
        return start + marked[-1]
    if len(rest) == 1:
        return start
    if len(rest) >= 3:
        return start + 1
    return start + (1 if has_final else 0)


def _reattach(m: re.Match) -> tuple[str, list[int]]:
    vowels = unicodedata.normalize("NFC", m.group("v"))
    before = m.string[m.start() - 1] if m.start() else ""
    width = m.end() - m.start()
    if m.group("m1"):
        final, mark, tail = m.group("f"), m.group("m1"), m.group("sp1")
        final_at = m.start("f") - m.start()
    else:
        final = m.group("f2") or ""
        mark = m.group("m2")
        tail = "" if final else " "
        final_at = (m.start("f2") - m.start()) if final else width
    i = _main_vowel(vowels, bool(final), before)
    syllable = unicodedata.normalize("NFC", vowels[: i + 1] + mark + vowels[i + 1:])
    # The moved space maps past the mark, so a quote ending at the syllable takes the mark too.
    rel = [min(k, final_at - 1) for k in range(len(syllable))]
    rel += [final_at + k for k in range(len(final))] + [width] * len(tail)
    return syllable + final + tail, rel


def _pass_detached(doc: _Doc) -> None:
    """Find tone marks after a space or a consonant and try _DETACHED just before them."""
    text = doc.text
    regions: list[tuple] = []
    covered = -1
    for hit in _TONE_MARK.finditer(text):
        p = hit.start()
        if p <= covered or p == 0 or text[p - 1] not in " cmnptghCMNPTGH":
            continue
        for q in range(max(0, p - 8, covered + 1), p):
            m = _DETACHED.match(text, q)
            if m and m.start() <= p < m.end():
                r, rel = _reattach(m)
                regions.append((m.start(), m.end(), r, rel))
                covered = m.end() - 1
                break
    doc.apply(regions)
    doc.count("detached tone marks re-attached", len(regions))


_COMBINING = "\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_COMBINING_RUN = re.compile(f"[{_COMBINING}]+")
# Characters NFC changes that are not base + combining marks (singletons, Hangul jamo).
_NFC_OTHER = re.compile("[\u0340\u0341\u0343\u0344\u0374\u037e\u0387\u1100-\u11ff\u1f71-\u1ffd"
                        "\u2126\u212a\u212b\u2329\u232a\uf900-\ufaff]")
# A text that was NFC-normalized after extraction has the displaced mark composed with the
# final consonant ("nhiêṃ" with U+1E43); split it again so _DETACHED sees it.
_COMPOSED_FINAL = re.compile("[ṃṇṭḿǹṂṆṬḾǸḥḤ]")


def _split_composed_final(m: re.Match) -> str | None:
    i, text = m.start(), m.string
    k = i - 2 if m.group() in "ḥḤ" and i >= 2 and text[i - 1] in "nNcC" else i - 1
    if k >= 0 and text[k] in _TONELESS_VOWELS:
        return unicodedata.normalize("NFD", m.group())
    return None


def _pass_tone_marks(doc: _Doc) -> None:
    if _COMPOSED_FINAL.search(doc.text):
        doc.sub(_COMPOSED_FINAL, _split_composed_final)
    if _TONE_MARK.search(doc.text):
        _pass_detached(doc)
    if _COMBINING_RUN.search(doc.text):
        text = doc.text
        regions = []
        for m in _COMBINING_RUN.finditer(text):
            s = max(0, m.start() - 1)
            r = unicodedata.normalize("NFC", text[s:m.end()])
            if r != text[s:m.end()]:
                regions.append((s, m.end(), r))
        doc.apply(regions)
    if _NFC_OTHER.search(doc.text):
        regions, pos = [], 0
        for line in doc.text.split("\n"):
            if not unicodedata.is_normalized("NFC", line):
                regions.append((pos, pos + len(line), unicodedata.normalize("NFC", line)))
            pos += len(line) + 1
        doc.apply(regions)


# Every character passes 1 and 2 look for (their patterns' classes, and "\r").
_NEEDS_REPAIR = re.compile("[\r" + "".join(_SAME_LENGTH) + _INVISIBLE + "ð" + _BULLET_CHARS
                           + "ṃṇṭḿǹṂṆṬḾǸḥḤ" + _TONES + _COMBINING
                           + "\u0340\u0341\u0343\u0344\u0374\u037e\u0387\u1100-\u11ff\u1f71-\u1ffd"
                           "\u2126\u212a\u212b\u2329\u232a\uf900-\ufaff]")


def _pass_tone_fold(doc: _Doc) -> None:
    pattern, table = _tone_fold()
    text = doc.text

    def fold(m: re.Match) -> str | None:
        i = m.start()
        if i and text[i - 1] in "qQ":
            return None     # "quý": the u belongs to the consonant
        return table.get(m.group())

    doc.count("tone placements folded (khoá→khóa, uỷ→ủy)", doc.sub(pattern, fold))


# --------------------------------------------------------------------------- pass 4: lines

_PAGE_NUMBER = re.compile(r"\d{1,3}|-\s*\d{1,3}\s*-")
_LIST_ITEM = re.compile(r"""(?x)
    [-+–—*]\s                               # - item
  | \d{1,3}(?:\.\d{1,3})*[.)](?:\s|$)      # 1.  1)  1.2.
  | \d{1,3}(?:\.\d{1,3})+\s                # 1.2 Title
  | \(\d{1,3}\)|\([a-zđ]\)                 # (1)  (a)
  | [a-zđ][.)]\s                           # a)  b.
  | [IVXLC]{1,6}\s*[.\-–)]                 # I.  II-  IV)
  | [A-ZĐ][.)]\s                           # A.  B)
""")
_LEAD_MARKUP = re.compile(r"^(?:\*\*?|<(?:i|em|b|strong)>|[\s(“\"'‘\[])+", re.I)
# These look at a line's last few characters only (lines can be whole paragraphs).
_TRAIL_MARKUP = re.compile(r"(?:\*\*?|</(?:i|em|b|strong)>|\s)+\Z", re.I)
_TERMINAL = re.compile(r"[.:;!?][\"'”’»)\]]*\Z")
_HYPHEN_END = re.compile(r"[\w)]\s*[-–]\Z")
_LAST_WORD = re.compile(f"(?:^|[\\s(“\"])({_LETTER}+)\\Z")
# _LAST_WORD matched on the reversed tail: a search that must end at the end tries every
# offset, while this tries one. The letters that end the text, then its start or one of the
# characters before them; group 1, reversed, is _LAST_WORD's group 1.
_LAST_WORD_REVERSED = re.compile(f"({_LETTER}+)(?:\\Z|[\\s(“\"])")
_LETTERS = re.compile(_LETTER)


def _tail(s: str, n: int = 40) -> str:
    return s[-n:]


def _is_caps_line(s: str) -> bool:
    return s == s.upper() and len(_LETTERS.findall(s[:40])) >= 3


_LABEL = re.compile(r"[^\W\d_][^:.;,\n]{0,30}:")


_RULE_CHARS = frozenset("-–—_=*. ")
_PLACE_DATE_LINE = re.compile(r"^[^\W\d_][^,\n]{1,30},\s*ngày\b[^\n]{0,30}năm\s+\d{4}\s*$")


@lru_cache(maxsize=None)
def _cue_then_citation() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A line that ends with a relation cue of ``relation_cues.tsv`` and a next line that opens
    with a citation (a genre noun of ``doc_nouns.tsv``, a few words, its number): one sentence
    wrapped between the verb and its object ("… về việc triển khai thực hiện / Kết luận số
    127-KL/TW …" in a title block)."""
    from loaders.tables import genre_nouns, phrases_pattern, table

    cues = {r["cue"] for r in table("relation_cues") if r["where"] not in ("filler", "barrier")}
    return (re.compile(rf"(?:^|[\s,])(?:{phrases_pattern(cues)})$", re.I),
            re.compile(rf"(?:{phrases_pattern(genre_nouns())})\s+(?:\w+\s+){{0,3}}?(?:số\s*:?\s*)?\d"))


def _should_join(prev: str, nxt: str, full_width: float | None = None) -> bool:
    """Is the break between two content lines a wrap inside a sentence?

    ``full_width`` is set for hard-wrapped text (PDF extractions): a line that fills the
    width then also continues onto a next line starting with a capital or a digit
    ("… quảng bá du lịch\nTuyên Quang; …"), unless that line starts a label ("Mục tiêu:").
    """
    if "\t" in prev or "\t" in nxt:
        return False
    if _LIST_ITEM.match(nxt):
        return False
    # Cheap character tests guard the regexes: this runs once per line break.
    p = _tail(prev)
    if p[-1] in "*> ":
        p = _TRAIL_MARKUP.sub("", p)
    n = nxt[:40]
    if n[0] in "*<( “\"'‘[":
        n = _LEAD_MARKUP.sub("", n)
        if n and _LIST_ITEM.match(n):
            return False
    if not p or not n:
        return False
    last = p[-1]
    if last in ".:;!?\"'”’»)]" and _TERMINAL.search(p):
        return False
    if last == "," or (last in "-–" and _HYPHEN_END.search(p)):
        return True
    if (n[0] in _RULE_CHARS and set(n.strip()) <= _RULE_CHARS) or (p[-1] in _RULE_CHARS and set(p.strip()) <= _RULE_CHARS):
        return False          # the rule under a title ("-----") stays a line of its own
    if p[-1].isdigit() and "ngày" in p and _PLACE_DATE_LINE.search(p):
        return False          # the header's "Lạng Sơn, ngày 14 tháng 3 năm 2025" ends its line
    if last.isalpha():
        w = _LAST_WORD_REVERSED.match(p[::-1])
        word = w.group(1)[::-1].lower() if w else ""
        # "… số\n43-NQ/TW", but a title that ends in "chuyển đổi số" ends there
        if word in _join_words() and (word != "số" or n[0].isdigit()):
            return True
    if _is_caps_line(p):
        return False
    if last.isalpha() and n[0].isupper():
        cue_end, citation = _cue_then_citation()
        if citation.match(n) and cue_end.search(p):
            return True
    if n[0].islower():
        # in hard-wrapped text a line that stops short of half the width ended its paragraph,
        # even when the next starts in lower case (C. DỰ KIẾN's items "2. phát triển … và đô /
        # thị động lực / phát triển sản xuất …" carry no genre noun)
        return full_width is None or len(prev.rstrip()) >= 0.5 * full_width
    return (full_width is not None and len(prev) >= full_width and (n[0].isupper() or n[0].isdigit())
            and not _LABEL.match(n) and not _is_caps_line(n))


def _full_width(lengths: list[int], wrapped: bool = False) -> float | None:
    """The width of a hard-wrapped text, or None when lines are paragraphs (DOCX, HTML).

    ``wrapped`` says the text is known to be wrapped (a PDF), so a few lines are enough.
    """
    lengths = sorted(n for n in lengths if n >= 20)
    if wrapped and len(lengths) >= 2:
        return 0.8 * lengths[int(len(lengths) * 0.75)]
    if len(lengths) < 30:
        return None
    p75 = lengths[int(len(lengths) * 0.75)]
    in_band = sum(1 for n in lengths if 0.8 * p75 <= n <= 1.15 * p75)
    return 0.8 * p75 if in_band >= 0.5 * len(lengths) else None


def _pass_lines(doc: _Doc, wrapped: bool = False) -> None:
    text = doc.text
    kept: list[tuple[int, int, str]] = []   # (content start, content end, content)
    pos = dropped = 0
    for line in text.split("\n"):
        content = line.strip(" ")
        if content.strip("\t "):
            # a page number starts with a digit or "-" (isdigit() holds for every \d)
            if (content[0] == "-" or content[0].isdigit()) and "\t" not in content and _PAGE_NUMBER.fullmatch(content):
                dropped += 1
            else:
                cs = pos + (len(line) - len(line.lstrip(" "))) if line[0] == " " else pos
                kept.append((cs, cs + len(content), content))
        pos += len(line) + 1
    regions = []
    joined = 0
    prev_end = 0
    width = _full_width([ce - cs for cs, ce, content in kept if "\t" not in content], wrapped)
    for k, (cs, ce, content) in enumerate(kept):
        if k == 0:
            sep = ""
        elif _should_join(kept[k - 1][2], content, width):
            sep = " "
            joined += 1
        else:
            sep = "\n"
        if text[prev_end:cs] != sep:
            regions.append((prev_end, cs, sep))
        prev_end = ce
    if prev_end < len(text):
        regions.append((prev_end, len(text), ""))
    doc.apply(regions)
    doc.count("wrapped lines joined", joined)
    doc.count("page-number lines dropped", dropped)


# --------------------------------------------------------------------------- pass 5: markup

_MARKUP = re.compile(
    r"<(/?)(i|em|b|strong)\s*>|<br\s*/?>|</?(?:u|s|sup|sub|span|font|small|big|strike|mark|ins)"
    r"(?:\s[^<>\n]*)?>|\*\*|\*", re.I)


def _markup_tokens(text: str) -> list[re.Match]:
    """``list(_MARKUP.finditer(text))``, trying the pattern only where a token can start (every
    alternative starts with "<" or "*"; found by ``str.find``, which skips the rest in C)."""
    starts = []
    for ch in "*<":
        i = text.find(ch)
        while i != -1:
            starts.append(i)
            i = text.find(ch, i + 1)
    starts.sort()
    tokens = []
    pos = 0
    match = _MARKUP.match
    for s in starts:
        if s < pos:
            continue  # inside the previous token, as finditer would skip it
        m = match(text, s)
        if m:
            tokens.append(m)
            pos = m.end()
    return tokens


def _pass_markup(doc: _Doc) -> None:
    text = doc.text
    if "*" not in text and "<" not in text:
        return
    tokens = _markup_tokens(text)
    remove: dict[int, str] = {}           # token index -> replacement
    pairs: list[tuple[int, int, str]] = []
    tags: list[tuple[str, int]] = []      # open <i>/<b> tags
    stars: list[tuple[str, int]] = []     # open * / ** on the current line
    last_pos = 0
    for k, m in enumerate(tokens):
        tok = m.group()
        start, end = m.span()
        if stars and text.find("\n", last_pos, start) != -1:
            stars = []                   # markdown emphasis does not cross lines
        last_pos = end
        if tok[0] == "*":
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            can_open, can_close = not after.isspace(), not before.isspace()
            if not can_open and not can_close:
                continue  # (neither branch below applies)
            j = next((j for j in range(len(stars) - 1, -1, -1) if stars[j][0] == tok), None)
            if can_close and j is not None and tokens[stars[j][1]].end() < start:
                opener = stars[j][1]
                del stars[j:]
                remove[opener] = remove[k] = ""
                pairs.append((opener, k, "b" if tok == "**" else "i"))
            elif can_open:
                stars.append((tok, k))
            continue
        name = (m.group(2) or "").lower()
        if name:
            kind = "i" if name in ("i", "em") else "b"
            remove[k] = ""
            if not m.group(1):
                tags.append((kind, k))
            else:
                j = next((j for j in range(len(tags) - 1, -1, -1) if tags[j][0] == kind), None)
                if j is not None:
                    pairs.append((tags[j][1], k, kind))
                    del tags[j]
        else:
            remove[k] = " " if tok[1:3].lower() == "br" else ""
    if not remove:
        return
    order = sorted(remove)
    regions = [(tokens[k].start(), tokens[k].end(), remove[k]) for k in order]
    new_starts = doc.apply(regions)
    where = {k: i for i, k in enumerate(order)}
    spans = []
    for opener, closer, kind in pairs:
        a = new_starts[where[opener]] + len(regions[where[opener]][2])
        b = new_starts[where[closer]]
        if b > a:
            spans.append([a, b, kind])
    doc.emph.extend(spans)
    doc.count("emphasis markers removed", len(regions))


_EDGE_SPACES = re.compile(r" +\n|\n +")
_DOUBLE_SPACES = re.compile(r"  +")


def _pass_spaces(doc: _Doc) -> None:
    if " \n" in doc.text or "\n " in doc.text:
        doc.sub(_EDGE_SPACES, lambda m: "\n")
    if "  " in doc.text:
        doc.sub(_DOUBLE_SPACES, lambda m: " ")
    text = doc.text
    if text != text.strip():
        lead = len(text) - len(text.lstrip())
        regions = [(0, lead, "")] if lead else []
        tail = len(text.rstrip())
        if tail < len(text) and tail >= lead:
            regions.append((tail, len(text), ""))
        doc.apply(regions)


# --------------------------------------------------------------------------- Markdown

# What a converter (pandoc, a DOCX-to-Markdown export) writes around the text: ATX heading
# marks, pipe tables with their separator row, and backslash escapes of punctuation.
_MD_HEADING = re.compile(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_MD_TABLE_ROW = re.compile(r"(?m)^[ \t]*\|.*\|[ \t]*$")
_MD_SEPARATOR = re.compile(r"[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+(?:[ \t]*:?-{3,}:?[ \t]*)?")
_MD_ESCAPE = re.compile(r"(?m)\\(?:([!-/:-@\[-`{-~])|$)")    # a backslash at a line end: a hard break


def _md_heading(m: re.Match) -> tuple[str, list[int]]:
    """A heading's text without its marks, each character mapped back to itself."""
    a = m.start(1) - m.start()
    return m.group(1), list(range(a, a + len(m.group(1))))


def _md_row(line: str) -> tuple[str, list[int]]:
    """A pipe table row as the tab-separated cells the task reader takes (a PDF's and a DOCX's
    rows are read so), and where each of its characters stands in the row (a tab: its pipe)."""
    bars = [i for i, c in enumerate(line) if c == "|" and (i == 0 or line[i - 1] != "\\")]
    out, rel = [], []
    for a, b in zip(bars, bars[1:]):
        cell = line[a + 1:b]
        lead = len(cell) - len(cell.lstrip())
        cell = cell.strip()
        if out:
            out.append("\t")
            rel.append(a)
        out.append(cell)
        rel.extend(range(a + 1 + lead, a + 1 + lead + len(cell)))
    return "".join(out), rel


def _pass_markdown(doc: _Doc) -> None:
    doc.count("markdown headings", doc.sub(_MD_HEADING, _md_heading))
    if "|" in doc.text:
        text, regions = doc.text, []
        for m in _MD_TABLE_ROW.finditer(text):
            if _MD_SEPARATOR.fullmatch(m.group()):       # the row under the header goes, with its line
                regions.append((m.start(), min(m.end() + 1, len(text)), ""))
            else:
                regions.append((m.start(), m.end(), *_md_row(m.group())))
        doc.apply(regions)
        doc.count("markdown table rows", len(regions))
    if "\\" in doc.text:
        doc.sub(_MD_ESCAPE, lambda m: (m.group(1), [1]) if m.group(1) else "")


# --------------------------------------------------------------------------- public API

def _run(raw: str, track: bool, fmt: str | None = None) -> _Doc:
    doc = _Doc(raw, track)
    # Passes 1 and 2 act only where one of their character classes occurs; one scan for all
    # of them spares the six scans of a clean text (each is a full pass over the document).
    if _NEEDS_REPAIR.search(raw):
        _pass_characters(doc)
        _pass_tone_marks(doc)
    _pass_tone_fold(doc)
    if fmt == "md":
        _pass_markdown(doc)
    _pass_lines(doc, wrapped=fmt == "pdf")
    _pass_markup(doc)
    _pass_spaces(doc)
    return doc


def normalize(src: SourceText, offsets: bool = True) -> Text:
    """Repair ``src.raw`` and return a ``Text`` with offsets back into it (``offsets=False``:
    without them, ``Text.offsets`` is None, for callers that never quote the source).

    >>> src = SourceText("c000.txt", "txt", "Phân công rõ nhiêṃ vu ̣cho từng cơ quan, Ban Chấp \\n\\nhành Tỉnh uỷ *khoá* XVII")
    >>> t = normalize(src)
    >>> t.text
    'Phân công rõ nhiệm vụ cho từng cơ quan, Ban Chấp hành Tỉnh ủy khóa XVII'
    >>> a = t.text.index("nhiệm vụ"); src.raw[t.to_source(a):t.to_source(a + 8)]
    'nhiêṃ vu ̣'
    >>> [(t.text[a:b], kind) for a, b, kind in t.emphasis]
    [('khóa', 'i')]
    """
    doc = _run(src.raw, track=offsets, fmt=src.format)
    emphasis = sorted((a, b, kind) for a, b, kind in doc.emph)
    notes = list(src.notes) + [f"{what}: {n}" for what, n in doc.counts.items()]
    return Text(source=src.source, text=doc.text, offsets=doc.map, emphasis=emphasis,
                format=src.format, encoding=src.encoding, notes=notes)


def normalize_string(s: str) -> str:
    """The same repairs as ``normalize`` for a short string, without offsets.

    >>> normalize_string("Tỉnh uỷ  Tuyên Quang, CHƢƠNG TRÌNH *số 01*")
    'Tỉnh ủy Tuyên Quang, CHƯƠNG TRÌNH số 01'
    """
    return _run(s, track=False).text
