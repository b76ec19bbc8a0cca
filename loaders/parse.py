"""Stage 5: read what surrounds a symbol: the genre noun before it, and the date, issuing
body, term and subject after it.

A citation in this genre reads ``<Noun> số <symbol>[,] ngày <date> của <body> [(khóa X)]
về <subject>``; every part but the symbol may be missing::

    >>> text = "Nghị quyết số 43-NQ/TW ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng khóa XIII về tiếp tục phát huy truyền thống; và"
    >>> tail = parse_tail(text, text.index(" ngày"))
    >>> tail.date, tail.body, tail.term, tail.subject
    ('2023-11-24', 'Ban Chấp hành Trung ương Đảng', 'XIII', 'tiếp tục phát huy truyền thống')
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache

from loaders.tables import genre_pattern, phrases_pattern, province_spellings, table

ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_to_int(s: str) -> int | None:
    s = s.upper()
    if not s or any(c not in ROMAN for c in s):
        return None
    total = 0
    for a, b in zip(s, s[1:] + " "):
        v = ROMAN[a]
        total += -v if b != " " and ROMAN.get(b, 0) > v else v
    return total


def int_to_roman(n: int) -> str:
    out = []
    for v, r in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out.append(r)
            n -= v
    return "".join(out)


def term_label(raw: str) -> str:
    """``13`` and ``XIII`` are the same khóa; keep Roman numerals, as the documents do."""
    raw = raw.strip()
    return int_to_roman(int(raw)) if raw.isdigit() else raw.upper()


# ---- dates ---------------------------------------------------------------------------

_SEP = r"\s*[/\-.]\s*"
DATE_NUMERIC = re.compile(rf"(?P<d>\d{{1,2}}){_SEP}(?P<m>\d{{1,2}}){_SEP}(?P<y>(?:19|20)\d\d)(?!\d)")
DATE_WORDS = re.compile(r"(?P<d>\d{1,2}|\s*)\s*tháng\s+(?P<m>\d{1,2}|\s*)\s*năm\s+(?P<y>(?:19|20)\d\d)", re.I)


@dataclass
class DateHit:
    start: int
    end: int
    text: str
    iso: str | None           # None when blank (a draft) or impossible
    year: int | None
    problem: str | None = None  # "impossible_date" | "blank_date"


def make_date(d: str, m: str, y: str) -> tuple[str | None, str | None]:
    if not d.strip() or not m.strip():
        return None, "blank_date"
    try:
        return dt.date(int(y), int(m), int(d)).isoformat(), None
    except ValueError:
        return None, "impossible_date"


def date_at(text: str, pos: int) -> DateHit | None:
    """A date starting at ``pos`` (after optional spaces), numeric or in words."""
    for rx in (DATE_NUMERIC, DATE_WORDS):
        m = rx.match(text, pos)
        if m:
            iso, problem = make_date(m["d"], m["m"], m["y"])
            return DateHit(m.start(), m.end(), m.group(0), iso, int(m["y"]), problem)
    return None


# ---- nouns before a symbol ------------------------------------------------------------

@cache
def _noun_qualifiers() -> tuple[str, ...]:
    """Words between a genre noun and its number (``data/noun_qualifiers.tsv``)."""
    return tuple(r["qualifier"] for r in table("noun_qualifiers"))


@cache
def _noun_before_rx() -> re.Pattern[str]:
    nouns = sorted((r["noun"] for r in table("doc_nouns")), key=len, reverse=True)
    # a type code written as the noun ("KH 02-KH/BCĐTW") is matched as written or in capitals
    # only: "tối đa" is not an Đề án
    codes = {r["noun"] for r in table("doc_nouns") if r["noun"] == r["code"]}
    alt = "|".join(f"(?-i:{re.escape(n)}|{re.escape(n.upper())})" if n in codes else re.escape(n) for n in nouns)
    # "Chương trình hành động số", "Nghị quyết 43-…", "Kế hoạch số:" ; a short abbreviation also counts.
    quals = "|".join(re.escape(q).replace(r"\ ", r"[^\S\n]+") for q in _noun_qualifiers())
    # The lookahead for the nouns' first letters turns away most offsets of the window with
    # one class test instead of a try of every noun.
    firsts = re.escape("".join(sorted({n[0] for n in nouns})))
    # A qualifier is on the noun's line: "CHƯƠNG TRÌNH HÀNH ĐỘNG" (a title) then a paragraph
    # opening "Hướng dẫn số 31-HD/BTCTW" is a Hướng dẫn, not a Chương trình "hướng dẫn".
    return re.compile(rf"(?=[{firsts}])(?<!\w)(?P<noun>{alt})(?:[^\S\n]+(?:{quals}))?\s*(?:số|so)?\s*:?\s*$", re.I)


@cache
def noun_codes() -> dict[str, tuple[str, str]]:
    """lower-cased noun -> (type code, ontology class)."""
    return {r["noun"].lower(): (r["code"], r["class"]) for r in table("doc_nouns")}


@dataclass
class Noun:
    start: int
    text: str
    code: str
    cls: str


@cache
def _noun_reach_rx() -> re.Pattern[str]:
    """On the reversed window: the longest stretch a match of :func:`_noun_before_rx` can span.

    Outside its ``\\s`` runs (spaces inside a noun are among them) a match holds the noun's
    other characters, at most "liên tịch"/"hướng dẫn", "số" and ":"; no match starts before
    that many non-space characters back from the end, so the search need not try there.
    """
    nouns = [r["noun"] for r in table("doc_nouns")]

    def solid(s: str) -> int:
        return sum(not c.isspace() for c in s)

    most = max(map(solid, nouns)) + max(map(solid, _noun_qualifiers())) + len("số") + len(":")
    return re.compile(rf"(?:\s*\S){{0,{most}}}\s*")


def noun_before(text: str, start: int, window: int = 60) -> Noun | None:
    lo = max(0, start - window)
    lo = max(lo, start - _noun_reach_rx().match(text[lo:start][::-1]).end())
    m = _noun_before_rx().search(text, lo, start)
    if not m:
        return None
    code, cls = noun_codes()[m["noun"].lower()]
    return Noun(m.start(), m["noun"], code, cls)


# ---- issuing bodies, terms, subjects --------------------------------------------------

@cache
def _body_rx() -> re.Pattern[str]:
    return re.compile(rf"(?P<body>{phrases_pattern(r['phrase'] for r in table('bodies'))})(?!\w)", re.I)


@cache
def body_index() -> dict[str, tuple[str, str]]:
    """folded phrase -> (canonical name, level)."""
    return {fold(r["phrase"]): (r["canonical"], r["level"]) for r in table("bodies")}


def fold(s: str) -> str:
    return " ".join(s.lower().split())


@cache
def _province_after_rx() -> re.Pattern[str]:
    """A province named after a body: "Tỉnh ủy Hải Dương (cũ)", "Ủy ban nhân dân tỉnh Hà Giang";
    "(cũ)" marks a province merged into another in 2025 (domain guide §6, §10.7)."""
    alt = phrases_pattern(n for n, _ in province_spellings())
    return re.compile(rf"[^\S\n]+(?:(?:tỉnh|thành phố|TP\.?)\s+)?(?P<name>{alt})(?!\w)(?:\s*\(\s*cũ\s*\))?", re.I)


# What may stand between a district's or commune's body and its name ("Đảng ủy xã", then "Minh
# Thanh"; "Ban Thường vụ Đảng ủy", then "xã Minh Thanh"), and what marks a former unit.
_UNIT_KIND = re.compile(r"[^\S\n]+(?:huyện|quận|thị xã|thành phố|xã|phường|thị trấn)(?=\s)", re.I)
_UNIT_WORD = re.compile(r"[^\S\n]+(?P<w>[^\W_][^\s,;()]*)")     # on the body's line
_FORMER = re.compile(r"\s*\(\s*cũ\s*\)")


def _unit_after(text: str, pos: int, limit: int, digits: bool = False) -> tuple[str, int] | None:
    """The name of a district or commune after its body: up to four capitalized words
    ("Huyện ủy Yên Sơn", "Đảng ủy xã Minh Thanh"), with the end of what was read.

    >>> _unit_after("Huyện ủy Yên Sơn về chè", 8, 23), _unit_after("Huyện ủy về chè", 8, 15)
    (('Yên Sơn', 16), None)
    """
    k = _UNIT_KIND.match(text, pos, limit)
    at = k.end() if k else pos
    words, end = [], at
    while len(words) < 4:
        w = _UNIT_WORD.match(text, end, limit)
        committee = words and words[-1] in ("Tỉnh", "Thành", "Huyện", "Quận", "Thị") and w and w["w"] in ("ủy", "uỷ")
        if not w or not (w["w"][0].isupper() or (digits and w["w"].isdigit()) or committee) or w["w"] in ("Khối", "Đảng"):
            break
        words.append(w["w"].rstrip("."))
        end = w.end() if not w["w"].endswith(".") else w.end() - 1
        if w["w"].endswith("."):
            break
    if not words:
        return None
    former = _FORMER.match(text, end, limit)
    return " ".join(words), former.end() if former else end


@cache
def _province_names() -> dict[str, str]:
    """folded spelling -> the province's name in the table."""
    return {fold(n): name for n, name in province_spellings()}


# "… năm 2017", "… tháng 12/2024", "… tháng 12 năm 2024": the year (and the month) only
YEAR_ONLY = re.compile(r"\s*,?\s*\(?\s*(?:ban hành\s+)?(?:năm\s+|tháng\s+(?:0?[1-9]|1[0-2])\s*(?:/|\s+năm\s+))"
                       r"(?P<y>(?:19|20)\d\d)\b\s*\)?", re.I)
# Capitalized organization names ("Bộ Nội vụ", "Ban Kinh tế Trung ương"): words stay capitalized
# (or are the joiners "và", "các") up to the next lowercase word. A word does not end with a
# period: the sentence's ("… của Đảng ủy Khối.") is not the name's.
OTHER_BODY = re.compile(
    r"(?P<body>(?:Bộ|Ban|Ủy ban|Văn phòng|Sở|Hội đồng|Đảng ủy|Đảng đoàn|Thường trực)\s+[A-ZĐ](?:[^\s,;()]*[^\s,;().])?"
    r"(?:\s+(?!về\b|thực hiện\b|ban hành\b|quy định\b|hướng dẫn\b|tại\b|đã\b)[^\s,;()]*[^\s,;().]){0,6}?)"
    r"(?=\s+(?:về|thực hiện|ban hành|quy định|hướng dẫn)\b|\s*[,;()]|\.\s|\.?\s*$)")
TERM = re.compile(r"\s*,?\s*\(?\s*(?:khóa|khoá|nhiệm kỳ)\s+(?P<t>[IVXLC]+|\d{1,2})\b(?:\s*\))?", re.I)
PLENUM = re.compile(r"\s*,?\s*(?:của\s+)?Hội nghị\s+(?:lần thứ\s+\S+|(?P<tw>(?:Ban Chấp hành\s+)?Trung ương(?:\s+Đảng)?)\s+"
                    r"(?:lần thứ\s+\S+|\d+))\s+(?:của\s+)?", re.I)
OF = re.compile(r"\s*,?\s*(?:của|do)\s+", re.I)
_SPACES = re.compile(r"\s*")
DATE_LEAD = re.compile(r"\s*,?\s*\(?\s*(?:(?:được\s+)?ban hành\s+)?(?:ngày|ngay)?\s*", re.I)   # "ban hành ngày …" too
# "về <subject>", also after a decree's verb ("… của Chính phủ quy định về cán bộ"); a title that
# opens "một số vấn đề về …" (18-NQ/TW), and a decision's "phê duyệt …" (749/QĐ-TTg "… của Thủ
# tướng Chính phủ phê duyệt Chương trình Chuyển đổi số quốc gia …"), is the subject as a whole
ABOUT = re.compile(r"\s*,?\s*(?:\*\s*)?(?:(?:(?:quy định|hướng dẫn)(?:\s+chi tiết)?\s+)?(?:về|ve)\s+(?:việc\s+)?"
                   r"|(?=một số vấn đề\s+về\s)|(?=phê duyệt\s))", re.I)
# Where a subject clause ends: clause punctuation, a cell or paragraph break, the next citation
# (a genre noun and its number), a parenthesis that opens an alias ("(sau đây viết tắt là …)"),
# a sentence end, the list of members a decision names (", gồm các đồng chí …").
# An opening's main clause after the cited document ("…, Ban Thường vụ Tỉnh ủy ban hành Kế hoạch …")
# ends its subject too (case-sensitive: the body's name is capitalized).
_MAIN_CLAUSE = (r",\s+(?=(?-i:Ban|Thường trực|(?:Tỉnh|Thành|Huyện|Đảng) (?:ủy|uỷ)|Đảng đoàn|(?:Ủy|Uỷ) ban)\b"
                r"[^,;.\n]{0,60}?\s(?:ban hành|xây dựng|đề ra|thống nhất|yêu cầu|chỉ đạo|quyết định|triển khai)\b)")


@cache
def subject_end_rx() -> re.Pattern[str]:
    """Where a cited document's subject ends (see above).

    >>> text = "về thành lập Ban Chỉ đạo trên địa bàn tỉnh, gồm các đồng chí có tên sau."
    >>> text[:subject_end_rx().search(text).start()]
    'về thành lập Ban Chỉ đạo trên địa bàn tỉnh'
    """
    return re.compile(_MAIN_CLAUSE + rf"|[;\t\n]|,?\s+(?:và\s+)?(?=(?:{genre_pattern()})\s+(?:số\s+)?\d)"
                      r"|,\s+(?=Chương trình mục tiêu|Chiến lược|Đề án )|,\s+(?=(?:bao\s+)?gồm\s)"
                      r"|\(\s*\*?\s*(?:sau đây|gọi tắt|viết tắt)|\.(?=\s+[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ\-–])|\.\s*$|\s+-\s+(?=[A-ZĐ])",
                      re.I)


@cache
def _subject_end_scan() -> re.Pattern[str]:
    r""":func:`subject_end_rx` as the engine can scan it: every alternative opens with one of
    ``;\t\n,(.`` or a space, so a pattern that opens with that class skips in C to the next
    candidate, and the lookbehind (one character back, then the real pattern ahead) tries it
    there; the match starts where the real pattern's would (only its start is used)."""
    end = subject_end_rx()
    return re.compile(rf"[;\t\n,(.\s](?<=(?={end.pattern})[\s\S])", end.flags)


@dataclass
class Tail:
    end: int                       # end of date/body/term (before the subject)
    date: str | None = None
    date_text: str | None = None
    year: int | None = None
    body: str | None = None
    body_text: str | None = None
    body_level: str | None = None
    term: str | None = None
    subject: str | None = None
    subject_start: int | None = None
    subject_end: int | None = None
    province: str | None = None    # the province named after the body ("… Tỉnh ủy Hải Dương (cũ)")
    unit: str | None = None        # the district or commune named after its body ("Huyện ủy Yên Sơn")
    problems: list[tuple[str, int, int, str]] = field(default_factory=list)  # (kind, start, end, text)


@cache
def _trailing_cue() -> re.Pattern[str]:
    """A subject cut before the next citation that ends with the verb governing it ("về thực hiện",
    "về phát triển khoa học, công nghệ thực hiện" [Nghị quyết số 57-NQ/TW]): the implementing cues
    of ``relation_cues.tsv``."""
    cues = {r["cue"] for r in table("relation_cues") if r["relation"] in ("implements", "continues")}
    alt = phrases_pattern(cues)
    return re.compile(rf"(?:^|\s)(?:việc\s+)?(?:{alt})$", re.I)


def parse_tail(text: str, pos: int, limit: int | None = None, nested: bool = False) -> Tail:
    """Date, issuing body, term and subject that follow a symbol ending at ``pos`` (``nested``:
    a citation inside another's subject, whose own subject is not read)."""
    limit = len(text) if limit is None else limit
    tail = Tail(end=pos)
    # Date: ", ngày 24/11/2023", " ngày 24 tháng 11 năm 2023", " (24-11-2023)"
    m = DATE_LEAD.match(text, pos, limit)
    if m:
        hit = date_at(text, m.end())
        if hit and hit.end <= limit:
            tail.date, tail.date_text, tail.year = hit.iso, hit.text, hit.year
            if hit.problem == "impossible_date":
                tail.problems.append(("impossible_date", hit.start, hit.end, hit.text))
            pos = hit.end
            if text.startswith(")", pos) and "(" in text[m.start():m.end()]:
                pos += 1
    if tail.date_text is None:
        # "Nghị quyết số 18-NQ/TW năm 2017": only the year is given.
        y = YEAR_ONLY.match(text, pos, limit)
        if y:
            tail.year = int(y["y"])
            pos = y.end()
    tail.end = pos
    # A plenum phrase may stand between date and body ("Hội nghị lần thứ tám Ban Chấp hành …").
    p = PLENUM.match(text, pos, limit)
    of = OF.match(text, pos, limit)
    body_pos = None
    if p:
        body_pos = p.end()
    elif of:
        body_pos = of.end()
    elif tail.date:
        body_pos = _SPACES.match(text, pos).end()  # "ngày … Ban Chấp hành …" without "của"
    if body_pos is not None:
        b = _body_rx().match(text, body_pos, limit)
        if b is None and p and p["tw"]:
            # "của Hội nghị Trung ương 4 khóa XIII": a plenum of the Central Committee names no other body
            canonical, level = body_index()[fold("Ban Chấp hành Trung ương Đảng")]
            tail.body, tail.body_text, tail.body_level = canonical, p.group(0).strip(), level
            pos = tail.end = body_pos
        elif b:
            canonical, level = body_index()[fold(b["body"])]
            tail.body, tail.body_text, tail.body_level = canonical, b["body"], level
            pos = tail.end = b.end()
            if level in ("district", "commune"):
                unit = _unit_after(text, pos, limit)
                if unit:
                    tail.unit, pos = unit
                    tail.end = pos
            elif canonical == "Ban Chỉ đạo":
                # a steering committee is named by what follows: "Ban Chỉ đạo 35 Tỉnh ủy"
                name = _unit_after(text, pos, limit, digits=True)
                if name:
                    tail.body = tail.body_text = f"{canonical} {name[0]}"
                    pos = tail.end = name[1]
            if level != "central":
                named = _province_after_rx().match(text, pos, limit)
                if named:
                    tail.province = _province_names()[fold(named["name"])]
                    pos = tail.end = named.end()
        elif of:
            # A body the table does not know: a ministry or a named organization, as written.
            g = OTHER_BODY.match(text, body_pos, limit)
            if g:
                tail.body = tail.body_text = " ".join(g["body"].split())
                tail.body_level = "state" if g["body"].startswith(("Bộ ", "Sở ", "Ủy ban nhân dân")) else None
                pos = tail.end = g.end()
    t = TERM.match(text, pos, limit)
    if t and t["t"]:
        tail.term = term_label(t["t"])
        pos = tail.end = t.end()
    a = None if nested else ABOUT.match(text, pos, limit)
    if a:
        s_start = a.end()
        e = _subject_end_scan().search(text, s_start, min(limit, s_start + 400))
        s_end = e.start() if e else min(limit, s_start + 400)
        subject = text[s_start:s_end].strip().strip("*\"“”").strip(" ,.")
        cue = _trailing_cue().search(subject) if e is not None else None
        if cue and cue.start() > 0:
            subject = subject[:cue.start()].rstrip(" ,")
        elif cue:
            # the subject is the implementing of the citation that follows: "về thực hiện Nghị quyết
            # số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị khóa XII"
            from loaders.find import find_symbols
            inner = next(iter(find_symbols(text, s_end, min(limit, s_end + 60))), None)
            if inner is not None:
                s_end = parse_tail(text, inner.end, limit, nested=True).end
                subject = " ".join(text[s_start:s_end].split()).strip(" ,.")
        if subject:
            tail.subject, tail.subject_start, tail.subject_end = subject, s_start, s_end
    return tail


def term_for_date(iso: str) -> str | None:
    """The national khóa a central document of that date belongs to."""
    for row in table("terms"):
        if row["start"] <= iso < row["end"]:
            return row["term"]
    return None
