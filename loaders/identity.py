"""The document's own identity: symbol, date, issuer, province, term, signer, title, draft.

It comes from the header (``Số 01-CTr/TU``, ``Tuyên Quang, ngày 18 tháng 11 năm 2020``),
the title block (``CHƯƠNG TRÌNH HÀNH ĐỘNG / CỦA BAN CHẤP HÀNH ĐẢNG BỘ TỈNH / thực hiện …``),
the signature (``T/M TỈNH ỦY / BÍ THƯ / Chẩu Văn Lâm``) and, when the header was lost, from
an annex caption (``(Kèm theo Chương trình số 26-CTr/TU ngày 20/10/2022 của …)``). A blank
number or day (``Số      - CTr/TU``, ``ngày    tháng 10 năm 2020``) marks a draft::

    >>> d = document_identity("TỈNH UỶ HẢI DƯƠNG\\n*\\nSố           - CTr/TU\\nHải Dương, ngày      tháng 10 năm 2020\\nCHƯƠNG TRÌNH HÀNH ĐỘNG\\nthực hiện Nghị quyết\\n")
    >>> d["is_draft"], d["province"], d["type"], d["date"]
    (True, 'Hải Dương', 'CTr', None)
"""
from __future__ import annotations

import re
from functools import cache, lru_cache

from loaders.find import find_symbols
from loaders.fold import UPPER
from loaders.parse import (DATE_NUMERIC, DATE_WORDS, _body_rx, body_index, fold, make_date, noun_before, parse_tail,
                           term_label)
from loaders.linescan import LineScan
from loaders.segment import ANNEX_CAPTION, Zones, zones
from loaders.tables import genre_nouns, genre_pattern, issuer_codes, phrases_pattern, province_spellings, table

HEADER_CHARS = 1500
_PLACE_DATE = re.compile(rf"(?:^[ \t*]*|[ \t]{{2,}}|\t)(?P<place>[{UPPER}][^\n,\t]{{1,30}}),\s*ngày\s*", re.M)
# Issuer codes of a whole committee (TW: BCH, Bộ Chính trị or Ban Bí thư): the code alone does not
# say which body of it issued the document
_COMMITTEE_CODES = frozenset({"TW", "TU", "HU", "QU", "ThU", "ĐU"})
SO_LINE = re.compile(r"^[ \t*]*Số\s*:?\s*(?P<rest>[^\n]*)$", re.M | re.I)
BLANK_SYMBOL = re.compile(r"^\s*(?:[.…_]+|\s{2,})?\s*[-–]\s*(?P<type>[A-Za-zĐđ]{1,5})\s*/\s*(?P<iss>[A-Za-zĐđ]{1,9})", re.I)
HEADING_LINE = re.compile(r"^[ \t*]*(?P<line>[^\n]+)$", re.M)
# signing capacities: T/M (thay mặt), K/T (ký thay), Q. (quyền), T/L (thừa lệnh), T/UQ (thừa ủy quyền)
SIGN_FOR = re.compile(r"^[ \t*]*(?P<cap>T/M|T\.M\.?|TM\.?|K/T|KT\.?|Q\.\s?|T/L|T\.L\.?|TL\.|T/UQ|TUQ\.?)"
                      r"\s*(?P<org>[^\n*]+?)\**\s*$", re.M)
_CAPACITY = {"TM": "T/M", "TL": "T/L", "TUQ": "T/UQ"}
PERSON = re.compile(rf"^[ \t*]*(?P<name>(?:[{UPPER}][a-zà-ỹđ]* ){{1,4}}[{UPPER}][a-zà-ỹđ]+)\s*\**\s*$", re.M)
CITY_HEADER = re.compile(r"^[ \t*]*THÀNH\s+(?:ỦY|UỶ)\b", re.M)
# A district's or commune's committee heads its documents with its name: "HUYỆN ỦY SƠN DƯƠNG",
# "ĐẢNG ỦY XÃ MINH THANH" (the province's "ĐẢNG BỘ TỈNH …" line above it).
UNIT_HEADER = re.compile(r"^[ \t*]*(?:(?P<c>HUYỆN|QUẬN|THỊ)\s+(?:ỦY|UỶ)|ĐẢNG\s+(?:ỦY|UỶ)\s+(?P<k>XÃ|PHƯỜNG|THỊ\s+TRẤN))"
                         r"\s+(?P<u>[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ \-]+?)\s*$", re.M)
UNIT_HEADER_CHARS = 600
# "TỈNH ỦY QUẢNG NINH", or "ĐẢNG BỘ TỈNH HẢI DƯƠNG" above a commune's or district's committee
PROVINCE_HEADER = re.compile(r"(?:(?:TỈNH|THÀNH)\s+(?:ỦY|UỶ)\s+|ĐẢNG\s+BỘ\s+(?:TỈNH|THÀNH\s+PHỐ)[^\S\n]+)"
                             r"(?P<p>[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ \-]+?)\s*$", re.M)
SIGNED_BY = re.compile(r"Ký bởi:\s*(?:Tỉnh|Thành)\s+ủy\s+(?P<p>[A-ZĐ][\w \-]+?)\s*$", re.M | re.I)
# SIGNED_BY as the engine can scan a whole text for it: case-insensitive, its opening "K" gives
# the engine nothing to skip to, so it would try every offset. Here a case-sensitive class of
# every character that "K" matches ignoring case (K, k, KELVIN SIGN) opens the pattern, and
# SIGNED_BY itself is tried there (in a lookbehind); its groups are SIGNED_BY's.
_SIGNED_BY_SCAN = re.compile(rf"(?-i:[Kk\u212a])(?<=(?={SIGNED_BY.pattern})[\s\S])", SIGNED_BY.flags)
_COMMITTEE = r"(?:(?:TỈNH|THÀNH|HUYỆN|QUẬN|THỊ)\s+(?:ỦY|UỶ)|ĐẢNG\s+(?:ỦY|UỶ)(?:\s+(?:XÃ|PHƯỜNG|THỊ\s+TRẤN))?)"
# "CỦA <a body of bodies.tsv>" under the genre heading ("CỦA BỘ CHÍNH TRỊ"): see _table_body
_OF_TABLE_BODY = re.compile(r"^\s*CỦA\s+(?P<body>[^\n]+)$", re.M)
_OF_BODY_NAMES = (r"(?P<body>BAN CHẤP HÀNH ĐẢNG BỘ (?:TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN)"
                  rf"|BAN THƯỜNG VỤ {_COMMITTEE}|THƯỜNG TRỰC {_COMMITTEE}|{_COMMITTEE})(?P<rest>[^\n]*)$")
OF_BODY = re.compile(r"^\s*(?:CỦA\s+)?" + _OF_BODY_NAMES, re.M)
# the same in sentence case, after "của" ("THÔNG BÁO KẾT LUẬN / của Ban Thường vụ Thành ủy về việc …")
_OF_BODY_SENTENCE = re.compile(r"^\s*của\s+" + _OF_BODY_NAMES, re.M | re.I)
_ANNEX_CAPTION, _SIGN_FOR = LineScan(ANNEX_CAPTION), LineScan(SIGN_FOR)  # see loaders.linescan
# The words an opening paragraph starts with: not a title's
_OPENING_WORDS = re.compile(r"(?:Thực hiện|Căn cứ|Để|Trên cơ sở|Theo)\b")
TERM_IN = re.compile(r"\(\s*(?:khóa|khoá)\s+(?P<t>[IVXLC]+|\d+)\s*\)", re.I)


@cache
def _provinces_lower() -> tuple[tuple[str, str, str, str], ...]:
    """(spelling, spelling + " ", " " + spelling, canonical), lower-cased once."""
    return tuple((s.lower(), s.lower() + " ", " " + s.lower(), c) for s, c in province_spellings())


@lru_cache(maxsize=2048)  # the same names recur in every document of a province
def province_named(s: str) -> str | None:
    low = " ".join(s.split()).lower()
    for spelling, head, tail, canonical in _provinces_lower():
        if low == spelling or low.startswith(head) or low.endswith(tail):
            return canonical
    return None


@cache
def _genres() -> dict[str, tuple[str, str]]:
    return {r["noun"].upper(): (r["code"], r["noun"]) for r in table("doc_nouns")}


def document_identity(text: str, z: Zones | None = None) -> dict:
    z = z or zones(text)
    head = text[:min(len(text), max(HEADER_CHARS, z.opening_end))]
    doc: dict = {"symbol": None, "number": None, "type": None, "issuer_code": None, "date": None,
                 "issuing_body": None, "province": None, "unit": None, "term": None, "signer": None,
                 "signer_title": None, "signing_capacity": None, "doc_kind": None, "title": None,
                 "is_draft": False, "evidence": []}
    # Symbol line of the header.
    for m in SO_LINE.finditer(head):
        rest = m["rest"]
        syms = find_symbols(rest)
        if syms and syms[0].start < 5:
            s = syms[0]
            doc.update(symbol=s.symbol, number=s.number, type=s.type, issuer_code=s.issuer)
            doc["evidence"].append(m.group(0).strip())
            break
        blank = BLANK_SYMBOL.match(rest)
        if blank:
            from loaders.tables import type_codes
            doc.update(type=type_codes().get(blank["type"].upper(), blank["type"]), issuer_code=blank["iss"].upper(),
                       is_draft=True)
            doc["evidence"].append(m.group(0).strip())
            break
    # Place and date line: "Tuyên Quang, ngày 18 tháng 11 năm 2020".
    place = None
    # on a line of its own, or the right-hand column of the symbol's line ("Số 55-CTr/TU      Tuyên
    # Quang, ngày …" when the two columns of the header were flattened with spaces)
    for m in _PLACE_DATE.finditer(head):
        d = DATE_WORDS.match(head, m.end()) or DATE_NUMERIC.match(head, m.end())
        if not d:
            continue
        iso, problem = make_date(d["d"], d["m"], d["y"])
        doc["date"] = iso
        if problem == "blank_date":
            doc["is_draft"] = True
        # the place is the province only when it names one: a provincial committee writes from its
        # capital ("Hạ Long, ngày …" for Quảng Ninh), a commune's from the commune
        doc["province"] = province_named(m["place"])
        place = m["place"].strip()
        doc["evidence"].append(head[m.start():d.end()].strip())
        break
    # Title block: genre heading, "CỦA <body>", then the lowercase "thực hiện …" lines.
    _title_block(text, z, doc)
    if doc["title"] is None:
        _subject_line(head, doc)
    _annex_caption(text, z, doc)
    _signature(text, z, doc)
    if doc["province"] is None:
        m = PROVINCE_HEADER.search(head) or _SIGNED_BY_SCAN.search(text)
        if m:
            doc["province"] = province_named(m["p"]) or m["p"].title()
    if doc["province"] is None:
        doc["province"] = _most_named_province(text) or place
    unit = UNIT_HEADER.search(head[:UNIT_HEADER_CHARS])
    if unit:
        doc["unit"] = " ".join(unit["u"].split()).title()
    if doc["issuing_body"] is None and not doc["signing_capacity"]:
        doc["issuing_body"] = _body_issuing_in_opening(text[:z.opening_end])
    code = issuer_codes().get((doc["issuer_code"] or "").upper(), {})
    if code.get("level") == "central":
        doc["province"] = None          # "Hà Nội, ngày …" is where the centre sits, not a province's document
    if doc["issuing_body"] is None and code and doc["issuer_code"] not in _COMMITTEE_CODES:
        doc["issuing_body"] = code.get("body_vi") or None    # 14-HD/BTCTU: the Ban Tổ chức Tỉnh ủy
        if doc["issuing_body"] and code.get("level") == "state":
            doc["issuing_body"] = _state_body_level(head, doc["issuing_body"])
    if doc["issuing_body"] is None:
        doc["issuing_body"] = _party_unit_body(head, doc)
    if doc["issuing_body"] is None:
        level = (" ".join((unit["c"] or unit["k"]).split()).lower() if unit else
                 "thành phố" if CITY_HEADER.search(head) else "tỉnh")
        doc["issuing_body"] = _body_from_signature(doc, "thị xã" if level == "thị" else level)
    if doc["symbol"] is None and doc["number"] is None and doc["type"] and not doc["is_draft"]:
        doc["is_draft"] = bool(re.search(r"\bDỰ THẢO\b", head, re.I))
    if doc["term"] is None:
        doc["term"] = _own_term(text, doc)
    if doc["date"]:
        doc["year"] = int(doc["date"][:4])
    else:
        y = re.search(r"năm\s+((?:19|20)\d\d)", head)
        doc["year"] = int(y.group(1)) if y and doc["is_draft"] else None
    return doc


def _state_body_level(head: str, body: str) -> str:
    r"""A State body named with its level by the header's next line ("ỦY BAN NHÂN DÂN / TỈNH QUẢNG
    NINH": the Ủy ban nhân dân tỉnh), or as it was.

    >>> _state_body_level("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NINH\nSố: 215/KH-UBND", "Ủy ban nhân dân")
    'Ủy ban nhân dân tỉnh'
    """
    m = re.search(rf"^[ \t*]*{re.escape(body.upper())}[ \t*]*\n[ \t*]*(TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN)\b",
                  head, re.M)
    return f"{body} {m.group(1).lower()}" if m else body


def _title_block(text: str, z: Zones, doc: dict) -> None:
    zone = text[:z.opening_end]
    for g in HEADING_LINE.finditer(zone):
        words = g["line"].replace("*", " ").split()
        n_upper = next((i for i, w in enumerate(words) if not w.isupper()), len(words))
        genre = " ".join(words[:n_upper])
        hit = _genres().get(genre)
        if not hit:
            continue
        after = " ".join(words[n_upper:])
        code, noun = hit
        doc["doc_kind"] = noun
        doc["type"] = doc["type"] or code
        pos = g.end()
        b = None if after else (OF_BODY.match(zone, pos + 1) or _OF_BODY_SENTENCE.match(zone, pos + 1)
                                or _OF_TABLE_BODY.match(zone, pos + 1))
        if b:
            named = _table_body(b["body"])
            if b.re is not _OF_TABLE_BODY:
                body = b["body"].lower()
                part = next((p for p in COMMITTEE_PARTS if p in body), "")
                doc["issuing_body"] = committee_body(part, _level_word(body))   # "CỦA BAN THƯỜNG VỤ THÀNH ỦY"
            elif named:
                doc["issuing_body"] = named[0]                                  # "CỦA BỘ CHÍNH TRỊ"
            else:
                b = None
        if b:
            rest = b["rest"] if b.re is not _OF_TABLE_BODY else b["body"][named[1]:]
            t = TERM_IN.search(rest)
            if t:
                doc["term"] = term_label(t["t"])
                rest = rest[:t.start()] + rest[t.end():]
            pos = b.end()
        else:
            rest = after
        # Title: what follows the heading (on the body line when wrapped lines were joined, then the
        # next lines) up to a rule or the opening paragraph.
        lines = [rest.strip()] if rest.strip() else []
        for line in zone[pos:].split("\n")[1:]:  # [0] is what is left of the heading's line
            s = line.strip().strip("*").strip()
            if not s:
                if lines:
                    break
                continue
            if set(s) <= set("-–_=*. "):
                break
            if lines and (s[0].isupper() and not lines[-1].endswith((",", "-", "và"))) and not s.startswith("nhiệm kỳ"):
                if _OPENING_WORDS.match(s):
                    break
            if not lines and s.endswith(":") and _OPENING_WORDS.match(s):
                break     # the opening paragraph ("… ban hành Kế hoạch như sau:") right under the heading
            lines.append(s)
            if len(" ".join(lines)) > 400:
                break
        if lines:
            doc["title"] = " ".join(" ".join(lines).split())
            doc["evidence"].append(genre + " " + doc["title"])
        break


# A công văn has no genre heading: its subject is the "V/v …" (về việc) line under the symbol.
_VV_LINE = re.compile(r"^[ \t*]*(?:V/v|V/V|Về việc)\.?:?[ \t]+(?P<t>\S[^\n]*)", re.M)


def _subject_line(head: str, doc: dict) -> None:
    m = _VV_LINE.search(head)
    if not m:
        return
    lines = [m["t"].strip(" *")]
    for line in head[m.end():].split("\n")[1:3]:     # a wrapped subject goes on in lower case
        s = line.strip(" *")
        if not s or not s[0].islower():
            break
        lines.append(s)
    doc["title"] = " ".join(" ".join(lines).split())
    doc["evidence"].append(m.group(0).strip())
    if doc["doc_kind"] is None:
        nouns = [r["noun"] for r in table("doc_nouns") if r["code"] == doc["type"] and r["noun"] in genre_nouns()]
        doc["doc_kind"] = nouns[0] if len(nouns) == 1 else None     # CV: Công văn (QĐ names two genres)


def _annex_caption(text: str, z: Zones, doc: dict) -> None:
    for m in _ANNEX_CAPTION.finditer(text):
        syms = find_symbols(text, m.end(), m.end() + 40)
        if not syms:
            continue
        s = syms[0]
        noun = noun_before(text, s.start)
        if s.family != "party" or (doc["type"] and s.type != doc["type"]) or (noun and noun.code != s.type):
            continue
        if doc["symbol"] and doc["symbol"] != s.symbol:
            continue
        tail = parse_tail(text, s.end)
        doc.update(symbol=s.symbol, number=s.number, type=s.type, issuer_code=s.issuer)
        if not doc["date"] and tail.date:
            doc["date"] = tail.date
        if not doc["issuing_body"] and tail.body:
            doc["issuing_body"] = tail.body
        line_end = text.find("\n", m.start())
        doc["evidence"].append(text[m.start():line_end if line_end > 0 else None].strip())
        doc["symbol_source"] = "annex caption"
        return


def _signature(text: str, z: Zones, doc: dict) -> None:
    region = text[z.opening_end:]
    m = _SIGN_FOR.search(region)
    if not m:
        return
    after = region[m.end():m.end() + 300]
    lines = [ln.strip().strip("*").strip() for ln in after.split("\n")]
    lines = [ln for ln in lines if ln]
    if not lines:
        return
    if len(lines) > 1 and re.match(r"(?:K/T|KT\.|Q\.)\s*\S", lines[0]):
        lines = lines[1:]               # "T/M BAN THƯỜNG VỤ / K/T BÍ THƯ / PHÓ BÍ THƯ": the title is the last
    title = lines[0]
    if title.isupper():
        doc["signer_title"] = _title_case(title)
        rest = lines[1:]
    else:
        rest = lines
    for ln in rest[:4]:
        p = PERSON.match(ln)
        if p and not ln.isupper():
            doc["signer"] = p["name"]
            break
    cap = m["cap"].replace(".", "").replace(" ", "")
    doc["signing_capacity"] = f"{_CAPACITY.get(cap, cap)} {_title_case(m['org'].strip())}"
    doc["evidence"].append(f"{m.group(0).strip()} {title}")


def _table_body(s: str) -> tuple[str, int] | None:
    """The body of ``bodies.tsv`` that ``s`` opens with, as written in any case ("BỘ CHÍNH TRỊ"),
    and where its name ends in ``s``."""
    m = _body_rx().match(s.strip())
    if not m:
        return None
    return body_index()[fold(m["body"])][0], len(s) - len(s.lstrip()) + m.end()


def _party_unit_body(head: str, doc: dict) -> str | None:
    r"""A province's party unit heading its document ("ĐẢNG ỦY ỦY BAN NHÂN DÂN TỈNH" under "ĐẢNG BỘ
    TỈNH LÀO CAI", a province-level Đảng ủy of ``bodies.tsv``): its standing committee signs
    "T/M BAN THƯỜNG VỤ", the unit itself "T/M ĐẢNG ỦY".

    >>> _party_unit_body("ĐẢNG BỘ TỈNH LÀO CAI\nĐẢNG ỦY ỦY BAN NHÂN DÂN TỈNH\n*\nSố 05-KH/ĐU", {"signing_capacity": "T/M Ban Thường vụ"})
    'Ban Thường vụ Đảng ủy Ủy ban nhân dân tỉnh'
    """
    for line in head.split("\n")[:8]:
        s = line.strip(" *\t")
        if not s.isupper() or not re.match(r"ĐẢNG\s+(?:ỦY|UỶ)\s", s):
            continue
        m = _body_rx().match(s)
        if m and m.end() == len(s):
            canonical, level = body_index()[fold(m["body"])]
            if level == "province":
                cap = (doc.get("signing_capacity") or "").lower()
                return f"Ban Thường vụ {canonical}" if "thường vụ" in cap else canonical
    return None


def _body_from_signature(doc: dict, level: str = "tỉnh") -> str | None:
    """No "CỦA …" under the title: "T/M BAN THƯỜNG VỤ" signs for the standing committee,
    "T/M TỈNH ỦY" (or "HUYỆN ỦY", "ĐẢNG ỦY") for the whole committee (Ban Chấp hành) of the
    ``level`` the header names (a city's committee, "THÀNH ỦY": "thành phố").

    >>> _body_from_signature({"issuer_code": "TU"}, "thành phố")
    'Ban Chấp hành Đảng bộ thành phố'
    >>> _body_from_signature({"issuer_code": "HU", "signing_capacity": "T/M Ban Thường vụ"}, "huyện")
    'Ban Thường vụ Huyện ủy'
    """
    cap = (doc.get("signing_capacity") or "").lower()
    org = cap.partition(" ")[2]          # signing_capacity is "<capacity> <body>" (_signature)
    named = _table_body(org)
    if named and named[1] == len(org) and not _COMMITTEE_ONLY.fullmatch(org):
        return named[0]                  # "T/M BỘ CHÍNH TRỊ"; a committee's part is named by the level below
    if level in ("tỉnh", "thành phố"):
        level = "thành phố" if "thành" in cap or (level == "thành phố" and "tỉnh" not in cap) else "tỉnh"
    part = next((p for p in COMMITTEE_PARTS if p in cap), None)     # "T/M BAN CHẤP HÀNH" too
    if part:
        return committee_body(part, level)
    if " ủy" in cap or (not cap and doc.get("issuer_code") in _COMMITTEE_CODES):
        return committee_body("chấp hành", level)
    if doc.get("issuer_code") in _COMMITTEE_CODES:
        return committee_body("", level)   # "K/T BÍ THƯ" names no part of the committee: the Tỉnh ủy itself
    return None


@cache
def _issuing_in_opening_rx() -> re.Pattern[str]:
    alt = phrases_pattern(r["phrase"] for r in table("bodies") if r["level"] != "central")
    return re.compile(rf"(?<!\w)(?P<body>{alt})\s+(?:ban hành|xây dựng)\s+(?:{genre_pattern()})\b")


def _body_issuing_in_opening(opening: str) -> str | None:
    """Unsigned, with no "CỦA …" under the title: the body the opening paragraph says issues the
    document ("…, Ban Thường vụ Tỉnh ủy ban hành Kế hoạch thực hiện như sau:"), the last one
    said (an opening may recall what another body issued before).

    >>> _body_issuing_in_opening("Thực hiện Nghị quyết số 57-NQ/TW, Ban Thường vụ Tỉnh ủy ban hành Kế hoạch như sau:")
    'Ban Thường vụ Tỉnh ủy'
    """
    m = None
    for m in _issuing_in_opening_rx().finditer(opening):
        pass
    return body_index()[fold(m["body"])][0] if m else None


COMMITTEE_PARTS = ("chấp hành", "thường vụ", "thường trực")
# What a signature names by the committee alone ("T/M BAN THƯỜNG VỤ", "T/M TỈNH ỦY"): its level
# comes from the header, not from the table
_COMMITTEE_ONLY = re.compile(r"(?:ban thường vụ|thường trực|ban chấp hành)?\s*(?:tỉnh ủy|thành ủy|huyện ủy|đảng ủy)?", re.I)
# The committee of each level, by the word that names the level ("Đảng bộ huyện": Huyện ủy).
COMMITTEES = {"tỉnh": "Tỉnh ủy", "thành phố": "Thành ủy", "huyện": "Huyện ủy", "quận": "Quận ủy",
              "thị xã": "Thị ủy", "xã": "Đảng ủy xã", "phường": "Đảng ủy phường", "thị trấn": "Đảng ủy thị trấn"}


def _level_word(body: str) -> str:
    """The level a committee's name says: "ban thường vụ huyện ủy" -> "huyện"."""
    b = " ".join(body.lower().split())
    for word, committee in COMMITTEES.items():
        if committee.lower() in b or b.endswith("đảng bộ " + word):
            return word
    return "tỉnh"


def committee_body(part: str, level: str = "tỉnh") -> str:
    """The body that ``part`` of a Party committee of ``level`` (a key of :data:`COMMITTEES`)
    names: one of :data:`COMMITTEE_PARTS`, or "" for the committee itself.

    >>> committee_body("thường vụ", "thành phố"), committee_body("chấp hành"), committee_body("thường vụ", "xã")
    ('Ban Thường vụ Thành ủy', 'Ban Chấp hành Đảng bộ tỉnh', 'Ban Thường vụ Đảng ủy xã')
    """
    committee = COMMITTEES.get(level, "Tỉnh ủy")
    if part == "chấp hành":
        return "Ban Chấp hành Đảng bộ " + level
    if part == "thường vụ":
        return "Ban Thường vụ " + committee
    if part == "thường trực":
        return "Thường trực " + committee
    return committee


def _title_case(s: str) -> str:
    """A signature line in the case of running text.

    >>> _title_case("PHÓ BÍ THƯ THƯỜNG TRỰC"), _title_case("TỈNH UỶ"), _title_case("BAN THƯỜNG VỤ")
    ('Phó Bí thư Thường trực', 'Tỉnh ủy', 'Ban Thường vụ')
    """
    txt = " ".join(s.lower().split())
    for a, b in (("bí thư", "Bí thư"), ("thường trực", "Thường trực"), ("tỉnh ủy", "Tỉnh ủy"), ("tỉnh uỷ", "Tỉnh ủy"),
                 ("thành ủy", "Thành ủy"), ("thành uỷ", "Thành ủy"), ("ban thường vụ", "Ban Thường vụ"),
                 ("ban chấp hành", "Ban Chấp hành")):
        txt = txt.replace(a, b)
    return txt[:1].upper() + txt[1:]


OWN_TERM = re.compile(r"(?:Ban Chấp hành Đảng bộ (?:tỉnh|thành phố)|Tỉnh ủy|Thành ủy)\s*\(?\s*(?:khóa|khoá)\s+(?P<t>[IVXLC]+)\b")
CONGRESS_TERM = re.compile(r"Đại hội (?:đại biểu )?Đảng bộ (?:tỉnh|thành phố)(?: [A-ZĐ][\wà-ỹ]*)*\s+lần thứ\s+(?P<t>[IVXLC]+)")


def _own_term(text: str, doc: dict) -> str | None:
    """A provincial committee's khóa: the congress its title implements, or "… tỉnh khóa XVII"."""
    m = CONGRESS_TERM.search(doc.get("title") or "")
    if m:
        return m["t"]
    if doc.get("issuer_code") in (None, "TU"):
        m = OWN_TERM.search(text)
        if m:
            return m["t"]
    return None


def _most_named_province(text: str) -> str | None:
    counts: dict[str, int] = {}
    for m in re.finditer(r"(?:tỉnh|Tỉnh|TỈNH|thành phố)\s+(?P<p>[A-ZĐ][\wà-ỹ]+(?:\s+[A-ZĐ][\wà-ỹ]+){0,3})", text):
        p = province_named(m["p"])
        if p:
            counts[p] = counts.get(p, 0) + 1
    return max(counts, key=counts.get) if counts else None
