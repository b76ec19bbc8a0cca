"""The extraction pipeline: one file in, one record of the JSONL contract out.

    load → normalize → segment → find → parse → classify → merge

``extract_text`` works on an already normalized string (the spaCy component and the tests
use it); ``extract_path`` reads a file first and turns any failure into an ``errors`` entry
of the record, so that a corpus run goes on with the other files::

    >>> rec = extract_text("Thực hiện Nghị quyết số 43-NQ/TW ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng khóa XIII về tiếp tục phát huy truyền thống, Ban Chấp hành Đảng bộ tỉnh ban hành Chương trình:\\nI- MỤC ĐÍCH")
    >>> [(r["symbol"], r["relation"], r["date"], r["term"]) for r in rec["references"]]
    [('43-NQ/TW', 'implements', '2023-11-24', 'XIII')]
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Iterator

from loaders.classify import chain_cue, coordinated, cue_before, issues_cue, stronger
from loaders.agencies import extract_agencies
from loaders.find import SymbolMatch, all_symbols
from loaders.identity import document_identity
from loaders.parse import Noun, Tail, noun_before, parse_tail, term_for_date
from loaders.planned import drafted_at, extract_planned
from loaders.segment import Zones, zones
from loaders.tables import genre_pattern, table
from loaders.tasks import extract_tasks
from loaders.text import LoadError, Text
from loaders.unnumbered import Unnumbered, find_unnumbered

LIST_ITEM_BEFORE = re.compile(r"[ \t*]*(?:\d+(?:\.\d+)*[.)]|[a-zđ][.)]|[-+•])?[ \t*]*")
ALIAS_BEFORE = re.compile(r"(?:viết tắt|gọi tắt)\s+là\s*$", re.I)
# ALIAS_BEFORE spelled backwards, matched at the start of the reversed window: whether one
# ends at the window's end, found in one try instead of a try at every offset.
ALIAS_BEFORE_REVERSED = re.compile(r"\s*àl\s+(?:tắt tếiv|tắt iọg)", re.I)
ISSUING_VERB = re.compile(r"(?:ban hành|sửa đổi|bổ sung|cập nhật)[^.;]{0,25}$", re.I)
# Type codes a genre noun may legitimately carry besides its own (Quy định: QĐ, QĐi, QyĐ).
COMPATIBLE = {"QĐ": {"QĐ", "QĐi", "QyĐ"}, "TT": {"TT", "TTLT"}}
PROVINCE_CODES = {"TU", "HU", "ĐU", "ĐUK", "QU", "ThU"}


@dataclass
class Mention:
    start: int                 # start of the citation (the noun, or the symbol when there is none)
    end: int                   # end of the symbol or label
    sym: SymbolMatch | None = None
    unnumbered: Unnumbered | None = None
    noun: Noun | None = None
    tail: Tail | None = None
    alias: bool = False
    is_self: bool = False
    relation: str | None = None
    chain_parent: "Mention | None" = None
    chain_relation: str | None = None
    chain_reversed: bool = False         # the edge goes from this mention to its chain parent
    top: "Mention | None" = None          # the head of the coordination this mention belongs to
    symbol: str | None = None              # normalized symbol after corrections
    entry: dict | None = None

    @property
    def phrase_end(self) -> int:
        return self.tail.end if self.tail else self.end

    @property
    def quote_end(self) -> int:
        if self.tail and self.tail.subject_end:
            return self.tail.subject_end
        return self.phrase_end


def extract_text(text: str, source: str = "<text>") -> dict:
    z = zones(text)
    doc = document_identity(text, z)
    warnings: list[dict] = []
    mentions = _mentions(text, z, doc, warnings)
    _classify(text, z, mentions, doc)
    _share_list_tails(text, mentions)
    references = _merge(text, mentions, doc, warnings)
    chains = _chains(text, mentions)
    unnumbered = _unnumbered_records(mentions, doc)
    tasks = extract_tasks(text)
    planned = extract_planned(text, tasks)
    agencies = extract_agencies(text, tasks, planned)
    return {
        "source": source,
        "document": {k: doc.get(k) for k in ("symbol", "number", "type", "issuer_code", "date", "year",
                                              "issuing_body", "province", "unit", "term", "signer", "signer_title",
                                              "signing_capacity", "doc_kind", "title", "is_draft", "evidence")},
        "references": references,
        "chain_edges": chains,
        "unnumbered": unnumbered,
        "tasks": tasks,
        "planned": planned,
        "agencies": agencies,
        "warnings": sorted(warnings, key=lambda w: (w.get("start") or 0, w["kind"])),
        "errors": [],
    }


def extract_path(path: str | Path) -> dict:
    """Read, normalize and extract one file; a file that cannot be read gives an error record."""
    from loaders.load import load_text  # the read stage is optional for callers of extract_text

    source = str(path)
    try:
        t: Text = load_text(path, offsets=False)  # the record quotes the normalized text only
    except LoadError as err:
        return {"source": source, "document": None, "references": [], "chain_edges": [], "unnumbered": [],
                "tasks": [], "planned": [], "agencies": [], "warnings": [], "errors": [err.as_record()]}
    rec = extract_text(t.text, source)
    rec["text_info"] = {"format": t.format, "encoding": t.encoding, "chars": len(t.text), "notes": t.notes}
    return rec


# ---- find + parse ----------------------------------------------------------------------

def _mentions(text: str, z: Zones, doc: dict, warnings: list[dict]) -> list[Mention]:
    out: list[Mention] = []
    for s in all_symbols(text):
        noun = noun_before(text, s.start)
        m = Mention(start=noun.start if noun else s.start, end=s.end, sym=s, noun=noun)
        m.tail = parse_tail(text, s.end)
        m.alias = bool(ALIAS_BEFORE_REVERSED.match(text[max(0, m.start - 30):m.start][::-1]))
        m.symbol = _corrected_symbol(text, m, warnings)
        m.is_self = _is_self(m, doc)
        for kind, a, b, quote in m.tail.problems:
            warnings.append({"kind": kind, "message": f"{s.symbol}: date '{quote}' does not exist; left empty",
                             "start": a, "end": b})
        out.append(m)
    out += _bare_numbers(text, out, doc, warnings)
    # "is u.start inside a citation span": spans sorted by start, with the running maximum of
    # their ends, answer it by bisection instead of a pass over every span.
    symbol_spans = sorted((m.start, m.phrase_end) for m in out)
    span_starts = [a for a, _ in symbol_spans]
    reach = list(accumulate((b for _, b in symbol_spans), max))
    for u in find_unnumbered(text):
        i = bisect_right(span_starts, u.start)
        if i and reach[i - 1] > u.start:
            continue  # part of a numbered citation ("Nghị quyết số …")
        if u.kind not in ("congress_resolution", "plenum_resolution") and (
                LIST_ITEM_BEFORE.fullmatch(text, text.rfind("\n", 0, u.start) + 1, u.start)   # "3. Đề án phát triển …"
                or drafted_at(text, u.start)):                    # "… tham mưu xây dựng Đề án phát triển …"
            continue  # an item the document plans, to be made: not one it cites
        out.append(Mention(start=u.start, end=u.end, unnumbered=u))
    out.sort(key=lambda m: (m.start, m.end))
    return out


# "số 57" not followed by a symbol's code; the genre noun before it is looked up where it matches.
# The boundary is tested after "số", not before: a pattern that opens with a lookbehind is tried
# at every offset of the text (25 times slower over a whole document).
_BARE_NUMBER = re.compile(r"số(?<!\wsố)\s*:?\s*(?P<n>\d{1,5})(?![\w/\-–.])")


@cache
def _committee_codes() -> dict[str, str]:
    return {r["body"]: r["code"] for r in table("committee_codes")}


def _bare_numbers(text: str, symbols: list[Mention], doc: dict, warnings: list[dict]) -> list[Mention]:
    """Citations that give a number without its code ("Nghị quyết số 57 ngày 22/12/2024 của Bộ
    Chính trị"): read with the code of the committee named after them (committee_codes.tsv),
    and flagged; without a committee's body they stay unread (the number alone names nothing).

    >>> rec = extract_text("Thực hiện Nghị quyết số 57 ngày 22/12/2024 của Bộ Chính trị về chuyển đổi số.")
    >>> [(r["symbol"], r["relation"]) for r in rec["references"]], [w["kind"] for w in rec["warnings"]]
    ([('57-NQ/TW', 'implements')], ['symbol_code_inferred'])
    """
    if "số" not in text:
        return []
    starts = {m.sym.start for m in symbols}
    out = []
    for b in _BARE_NUMBER.finditer(text):
        if b.start("n") in starts:
            continue
        noun = noun_before(text, b.start("n"))
        if noun is None or noun.text == noun.code:      # a type code as the noun needs its symbol
            continue
        tail = parse_tail(text, b.end())
        code = _committee_codes().get(tail.body or "")
        if code is None:
            continue
        sym = SymbolMatch(b.start("n"), b.end("n"), b["n"], b["n"], noun.code, code, "party", flags=["code_inferred"])
        m = Mention(start=noun.start, end=b.end(), sym=sym, noun=noun, tail=tail)
        m.symbol = _corrected_symbol(text, m, warnings)
        m.is_self = _is_self(m, doc)
        out.append(m)
    return out


def _corrected_symbol(text: str, m: Mention, warnings: list[dict]) -> str:
    """Trust the noun over the type code, and the named body over the issuer code; say so."""
    s, noun, tail = m.sym, m.noun, m.tail
    if s.family != "party":
        return s.symbol
    typ, issuer = s.type, s.issuer
    if noun and typ != noun.code and typ not in COMPATIBLE.get(noun.code, ()) and not (
            noun.code == "QĐ" and typ == "QĐi"):
        warnings.append({"kind": "type_code_contradicts_noun",
                         "message": f"'{noun.text} số {s.text}': the code {typ} does not name a {noun.text}; read as {noun.code}",
                         "start": s.start, "end": s.end})
        typ = noun.code
    if tail.body_level == "central" and issuer in PROVINCE_CODES:
        warnings.append({"kind": "issuer_code_contradicts_body",
                         "message": f"{s.text} is said to be of {tail.body_text}, a central body; read as /TW",
                         "start": s.start, "end": s.end})
        issuer = "TW"
    elif tail.body_level == "province" and issuer == "TW":
        # "Chương trình thực hiện Nghị quyết số 21-NQ/TW của Ban Chấp hành Đảng bộ tỉnh": the body
        # belongs to the head noun, not to the central resolution.
        tail.body = tail.body_text = tail.body_level = tail.province = tail.unit = None
    for flag in s.flags:
        warnings.append({"kind": f"symbol_{flag}", "message": f"symbol written as '{s.text}', read as {s.symbol}",
                         "start": s.start, "end": s.end})
    return f"{s.number}-{typ}/{issuer}"


def _is_self(m: Mention, doc: dict) -> bool:
    if not doc.get("symbol") or m.symbol != doc["symbol"]:
        return False
    year = m.tail.year if m.tail else None
    return year is None or doc.get("year") is None or year == doc["year"]


# ---- classify ----------------------------------------------------------------------------

def _classify(text: str, z: Zones, mentions: list[Mention], doc: dict) -> None:
    prev: Mention | None = None
    for m in mentions:
        if m.alias:
            continue
        clause_start = z.clause_start(m.start)
        if prev is not None and prev.start < clause_start:
            prev = None
        linked = False
        if prev is not None:
            gap = text[prev.phrase_end:m.start]
            rel = _chain_in_gap(gap) if len(gap) <= 300 and ";" not in gap else None
            if rel:
                m.chain_parent, m.chain_relation = prev, rel
                m.relation = prev.relation if rel == "issued_by_decision" else "references"
                m.top = prev.top or prev
                if prev.is_self:  # "(Kèm theo Chương trình số … thực hiện …)": the document's own parent
                    m.chain_parent, m.relation, m.top = None, rel, m
                linked = True
            elif (len(gap) <= 300 and ";" not in gap and prev.noun is not None and prev.noun.text.lower() == "quyết định"
                  and (rel := issues_cue(gap))):
                # "Quyết định số 259-QĐ/TU … ban hành Quy định số 05-QĐi/TU": the regulation is issued by the decision
                m.chain_parent, m.chain_relation, m.chain_reversed = prev, rel, True
                m.relation = prev.relation
                m.top = prev.top or prev
                linked = True
            elif len(gap) <= 400 and coordinated(gap):
                target = prev
                # Back to the head of the list after a ";", after a citation that ended with its
                # subject, and after a short back-reference closing a chain ("Kế hoạch số 147-KH/TU
                # … thực hiện Kết luận số 21-KL/TW, Quy định số 101-QĐ/TW …": 101 is not 147's object).
                short_back_reference = prev.chain_parent is not None and prev.tail is not None and not (
                    prev.tail.date or prev.tail.body)
                if ";" in gap or (prev.tail and prev.tail.subject) or prev.unnumbered or short_back_reference:
                    target = prev.top or prev
                if target.chain_parent is not None and target is prev:
                    m.chain_parent, m.chain_relation = target.chain_parent, target.chain_relation
                    m.relation = target.relation
                    m.top = target.top
                else:
                    m.relation = target.relation
                    m.top = target.top or target
                linked = True
        if not linked:
            prefix = text[max(clause_start, m.start - 150):m.start]
            m.relation = cue_before(prefix, z.in_opening(m.start))
            m.top = m
            if prev is None and m.relation in (None, "references"):
                # The first document of a task row under "NHỮNG NHIỆM VỤ TIẾP TỤC …" is continued.
                section = z.table_section_at(m.start)
                if section and "tiếp tục" in section[1].lower():
                    m.relation = "continues"
        if m.unnumbered and m.chain_parent and _bare_genre(m.chain_parent):
            plan = m.chain_parent
            plan.unnumbered.label = " ".join(text[plan.start:m.end].split())
            plan.is_self = _names_self(plan.unnumbered.label, doc)
        prev = m


def _bare_genre(m: Mention) -> bool:
    """A genre noun with no title of its own ("Chương trình hành động" before "thực hiện <X>"):
    it is named by what it implements, and means nothing without it."""
    u = m.unnumbered
    return u is not None and u.kind == "plan" and len(u.text.split()) <= 4


def _names_self(label: str, doc: dict) -> bool:
    """``Chương trình hành động thực hiện <its own parent>`` written inside that program."""
    kind, title = (doc.get("doc_kind") or "").lower(), " ".join((doc.get("title") or "").lower().split())
    low = label.lower()
    if not kind or not title or not low.startswith(kind):
        return False
    rest = low[len(kind):].strip()
    return bool(rest) and title.startswith(rest)


@cache
def _genre_in_gap() -> re.Pattern[str]:
    """A genre noun as written, capitalized: a document named in the gap between two citations."""
    return re.compile(rf"(?<!\w)(?:{genre_pattern()})\b")


def _chain_in_gap(gap: str) -> str | None:
    rel = chain_cue(gap)
    if rel is None:
        return None
    for g in _genre_in_gap().finditer(gap):
        if not ISSUING_VERB.search(gap[:g.start()]):
            return None  # another (unnumbered) document stands between the two
    return rel


# ---- merge mentions into cited documents -------------------------------------------------

# between two symbols of a list: a comma, "và", or both, and "số" may come again after them
# ("số 18-NQ/TW, số 19-NQ/TW"; a repeated noun starts the next mention)
LIST_GAP = re.compile(r"\s*(?:,\s*(?:và\s+)?|và\s+)(?:số\s*:?\s*)?", re.I)


def _share_list_tails(text: str, mentions: list[Mention]) -> None:
    """Symbols of one type and issuer listed with nothing but commas or "và" between them share
    the date, body and term written after the last: "các Nghị quyết số 18-NQ/TW, 19-NQ/TW,
    20-NQ/TW ngày 25/10/2017 của Ban Chấp hành Trung ương Đảng khóa XII" dates all three (18-NQ/TW
    also names a resolution of 2022: undated, it would stay ambiguous). The subject is not
    shared, nor the span: each mention's quote stays its own. Each dated on its own ("Kết luận số
    126-KL/TW ngày 14/02/2025 và Kết luận số 127-KL/TW ngày 28/02/2025 của Bộ Chính trị"), they
    share the body only."""
    for group in _runs(text, mentions, _listed_after):
        _lend_tail(group)
    for group in _runs(text, mentions, _dated_before):
        _lend_body(group)


def _runs(text: str, mentions: list[Mention], linked) -> Iterator[list[Mention]]:
    """The symbol mentions in runs where ``linked(text, previous, mention)`` holds."""
    group: list[Mention] = []
    for m in mentions:
        if m.sym is None:
            continue
        if group and linked(text, group[-1], m):
            group.append(m)
            continue
        if group:
            yield group
        group = [m]
    if group:
        yield group


def _type_and_issuer(m: Mention) -> tuple:
    return (m.sym.family, m.symbol.split("-", 1)[1] if m.sym.family == "party" else (m.sym.type, m.sym.issuer))


def _listed_after(text: str, prev: Mention, m: Mention) -> bool:
    t = prev.tail
    bare = t is None or not (t.date or t.year or t.body or t.term or t.subject)
    return bare and _in_one_list(text, prev, m, prev.end)


def _dated_before(text: str, prev: Mention, m: Mention) -> bool:
    """``prev`` has its date and nothing after it (no body, term or subject), and only a list's
    comma or "và" stands between it and ``m``, of the same type and issuer."""
    t = prev.tail
    return (t is not None and bool(t.date or t.year) and not (t.body or t.term or t.subject)
            and _in_one_list(text, prev, m, t.end))


def _in_one_list(text: str, prev: Mention, m: Mention, at: int) -> bool:
    """``prev`` and ``m`` have one type and issuer, and only a list's separator stands between
    ``at`` (where ``prev``'s citation ends) and ``m``."""
    return _type_and_issuer(prev) == _type_and_issuer(m) and LIST_GAP.fullmatch(text, at, m.start) is not None


def _body_of(t: Tail) -> dict:
    """The fields of a tail that name its issuer, as a list lends them to the mentions before."""
    return {"body": t.body, "body_text": t.body_text, "body_level": t.body_level, "province": t.province, "unit": t.unit}


def _lend_body(group: list[Mention]) -> None:
    t = group[-1].tail if group else None
    if len(group) < 2 or t is None or not t.body:
        return
    for m in group[:-1]:
        m.tail = replace(m.tail, **_body_of(t), term=m.tail.term or t.term)


def _lend_tail(group: list[Mention]) -> None:
    t = group[-1].tail if group else None
    if len(group) < 2 or t is None or not (t.date or t.year or t.term):
        return
    for m in group[:-1]:
        if m.sym.year is not None and m.sym.year != t.year:
            continue          # 30/2020/NĐ-CP, 31/2021/NĐ-CP ngày 05/3/2021: its own year says otherwise
        m.tail = replace(m.tail, date=t.date, date_text=t.date_text, year=t.year, **_body_of(t), term=t.term, problems=[])


def _merge(text: str, mentions: list[Mention], doc: dict, warnings: list[dict]) -> list[dict]:
    entries: list[dict] = []
    by_symbol: dict[str, list[dict]] = {}
    for m in mentions:
        if m.sym is None or m.is_self:
            continue
        cands = by_symbol.setdefault(m.symbol, [])
        e = _entry_for(m, cands)
        if e is None:
            e = {"symbol": m.symbol, "family": m.sym.family, "number": m.sym.number,
                 "type": m.symbol.split("-", 1)[1].split("/")[0] if m.sym.family == "party" else m.sym.type,
                 "issuer_code": m.symbol.rsplit("/", 1)[1] if m.sym.family == "party" else m.sym.issuer,
                 "kind": m.noun.cls if m.noun else None, "noun": m.noun.text if m.noun else None,
                 "date": None, "year": m.sym.year, "issuing_body": None, "province": None, "unit": None,
                 "term": None, "subject": None, "relation": None, "mentions": [], "as_written": [], "_last": -1}
            cands.append(e)
            entries.append(e)
        _absorb(e, m, text, warnings)
    for e in entries:
        if e["date"] and e["term"] and e["issuer_code"] == "TW":
            expected = term_for_date(e["date"])
            if expected and expected != e["term"]:
                warnings.append({"kind": "term_contradicts_date",
                                 "message": f"{e['symbol']} of {e['date']} is said to be of khóa {e['term']}; that date falls in khóa {expected}",
                                 "start": e["mentions"][0]["start"], "end": e["mentions"][0]["end"]})
        # a document cannot cite one signed after it: one of the two dates is mistyped
        if e["date"] and doc.get("date") and e["date"] > doc["date"]:
            warnings.append({"kind": "cited_after_citing",
                             "message": f"{e['symbol']} is dated {e['date']}, after the document that cites it ({doc['date']})",
                             "start": e["mentions"][0]["start"], "end": e["mentions"][0]["end"]})
    out = []
    for e in entries:
        siblings = by_symbol[e["symbol"]]
        rec = {k: v for k, v in e.items() if not k.startswith("_")}
        if len(siblings) > 1:
            if e["year"]:
                rec["symbol"] = f"{e['symbol']}@{e['year']}"
            elif e["term"]:
                rec["symbol"] = f"{e['symbol']}@khóa {e['term']}"
        rec["relation"] = rec["relation"] or "references"
        e["_out"] = rec["symbol"]
        out.append(rec)
    return out


def _entry_for(m: Mention, cands: list[dict]) -> dict | None:
    year = m.tail.year if m.tail and m.tail.year else m.sym.year
    term = m.tail.term if m.tail else None
    # 05-ĐA/TU of "Tỉnh ủy Hải Dương (cũ)" is not the citing province's 05-ĐA/TU, nor 03-NQ/HU of
    # "Huyện ủy Yên Sơn" another district's: a mention and an entry one of which names no place
    # are one only when their dates do not differ
    place = (m.tail.province, m.tail.unit) if m.tail else (None, None)
    date = m.tail.date if m.tail else None
    cands = [e for e in cands if (e["province"], e["unit"]) == place
             or _place_fits(place, (e["province"], e["unit"])) and (date is None or e["date"] in (None, date))]
    if year:
        for e in cands:
            if e["year"] == year:
                return e
        for e in cands:
            if e["year"] is None and _term_fits(e, term, date):
                return e
        return None
    if term:
        for e in cands:
            if e["term"] == term or (e["year"] and _term_fits(e, term, e["date"])):
                return e
        for e in cands:
            if e["year"] is None and e["term"] is None:
                return e
        return None
    if not cands:
        return None
    before = [e for e in cands if e["_last"] < m.start]
    return max(before, key=lambda e: e["_last"]) if before else cands[0]


def _place_fits(a: tuple, b: tuple) -> bool:
    """Can two (province, unit) pairs name one issuer? Yes when neither names another one."""
    return all(x is None or y is None or x == y for x, y in zip(a, b))


def _term_fits(e: dict, term: str | None, date: str | None) -> bool:
    """Can a mention with this term/date be the entry ``e``? Central terms follow from dates."""
    if term and e["term"] and e["term"] != term:
        return False
    known = term or e["term"]
    if known and e["issuer_code"] == "TW":
        for d in (date, e["date"]):
            if d and term_for_date(d) != known:
                return False
    return True


def _absorb(e: dict, m: Mention, text: str, warnings: list[dict]) -> None:
    t = m.tail
    m.entry = e
    e["_last"] = m.start
    if t.date:
        if e["date"] and e["date"] != t.date:
            warnings.append({"kind": "date_conflict",
                             "message": f"{e['symbol']} is dated {e['date']} and {t.date} in this document",
                             "start": m.start, "end": m.phrase_end})
        e["date"] = e["date"] or t.date
    e["year"] = e["year"] or t.year
    for key, val in (("issuing_body", t.body), ("province", t.province), ("unit", t.unit), ("term", t.term),
                     ("subject", t.subject)):
        if val and not e[key]:
            e[key] = val
    if e["kind"] is None and m.noun:
        e["kind"], e["noun"] = m.noun.cls, m.noun.text
    e["relation"] = stronger(e["relation"], m.relation) if e["relation"] else (m.relation or "references")
    end = m.quote_end
    e["mentions"].append({"start": m.start, "end": end, "text": text[m.start:end]})
    if m.sym.text not in e["as_written"]:
        e["as_written"].append(m.sym.text)


# ---- chain edges and unnumbered references ------------------------------------------------

def _label(m: Mention) -> str | None:
    if m.entry is not None:
        return m.entry.get("_out") or m.entry["symbol"]
    if m.unnumbered is not None:
        return m.unnumbered.label
    return None


def _chains(text: str, mentions: list[Mention]) -> list[dict]:
    out: list[dict] = []
    seen: set[tuple[str, str, str]] = set()
    for m in mentions:
        p = m.chain_parent
        if p is None or m.alias or p.is_self:
            continue
        src, dst = _label(p), _label(m)
        if m.chain_reversed:
            src, dst = dst, src
        if not src or not dst or src == dst:
            continue
        if _bare_genre(p) and m.unnumbered:
            src = " ".join(text[p.start:m.end].split())
        key = (src, m.chain_relation, dst)
        if key in seen:
            continue
        seen.add(key)
        rec = {"source": src, "relation": m.chain_relation, "target": dst,
               "start": p.start, "end": m.quote_end, "text": " ".join(text[p.start:m.phrase_end].split())}
        if p.unnumbered:
            rec["source_kind"] = "unnumbered"
        if m.unnumbered:
            rec["target_kind"] = "unnumbered"
        out.append(rec)
    return out


def _unnumbered_records(mentions: list[Mention], doc: dict) -> list[dict]:
    groups: dict[str, dict] = {}
    for m in mentions:
        u = m.unnumbered
        if u is None:
            continue
        if m.is_self or (_bare_genre(m) and not any(c.chain_parent is m for c in mentions)):
            continue
        key = " ".join(u.label.lower().split())
        g = groups.get(key)
        if g is None:
            g = groups[key] = {"label": u.label, "kind": u.kind, "relation": m.relation or "references", "mentions": []}
        g["relation"] = stronger(g["relation"], m.relation)
        g["mentions"].append({"start": u.start, "end": u.end, "text": u.text})
    return list(groups.values())


__all__ = ["extract_text", "extract_path"]
