"""Resolve the per-file extractions of a corpus into one :class:`Corpus`.

Input: the JSONL contract of issue 3 (one dict per file). Output: plain dataclasses in
which every document, agency, task and planned item is one node, every relation keeps its
evidence, and every doubt (typo, conflict, ambiguity, open planned item) is a
:class:`QualityRecord`. Nothing here reads files other than the domain tables.

Identity (domain guide §3, §9): issuing scope (``central``; ``province:<slug>``; ``state``
…) + issuer code + type code + number, then the period (the date's year, else the term).
A ``TU`` document belongs to the province of the file that cites it::

    >>> ext = {"source": "a.txt", "document": {"symbol": "55-CTr/TU", "number": "55",
    ...        "type": "CTr", "issuer_code": "TU", "date": "2024-01-31", "province": "Tuyên Quang"},
    ...        "references": [{"symbol": "43-NQ/TW", "date": "2023-11-24", "relation": "implements",
    ...                        "mentions": [{"start": 5, "end": 13, "text": "43-NQ/TW"}]}]}
    >>> c = resolve([ext])
    >>> sorted(d.path for d in c.documents.values())
    ['doc/central/NQ/43/2023', 'doc/province/tuyen-quang/CTr/55/2024']
    >>> [(r.relation, c.documents[r.target].symbol) for r in c.relations]
    [('implements', '43-NQ/TW')]
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import re
import unicodedata
from collections import ChainMap, defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import chain, islice
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from rapidfuzz import fuzz, process

from loaders.tables import table

# --------------------------------------------------------------------------- text helpers


def fold(text: str | None) -> str:
    """Accent-folded, lower-cased, space-normalized text for matching.

    >>> fold("Ban Tổ chức  Tỉnh ủy")
    'ban to chuc tinh uy'
    """
    if not text:
        return ""
    return _fold(text)


@lru_cache(maxsize=1 << 18)   # agency names, bodies, titles recur in every file of a corpus
def _fold(text: str) -> str:
    t = unicodedata.normalize("NFD", text.replace("Ƣ", "Ư").replace("ƣ", "ư"))
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    t = t.replace("đ", "d").replace("Đ", "D").replace("Ð", "D")
    t = re.sub(r"<[^>]+>|[*_]", " ", t)  # markup left in table cells
    return re.sub(r"\s+", " ", t).strip().lower()


@lru_cache(maxsize=1 << 16)
def slug(text: str | None) -> str:
    """``Ban Tổ chức Tỉnh ủy`` -> ``ban-to-chuc-tinh-uy`` (readable IRI segment)."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "x"


def _hash(*parts: Any, n: int = 12) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()[:n]


ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def norm_term(term: Any) -> str | None:
    """``"khóa XIII"``/``"XIII"``/``13`` -> ``"XIII"``; None when no term is stated."""
    if term is None or term == "":
        return None
    if isinstance(term, int) or str(term).strip().isdigit():
        n = int(term)
        out = ""
        for v, s in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
            while n >= v:
                out, n = out + s, n - v
        return out
    m = re.search(r"\b([IVXLC]+)\b", str(term).upper().replace("KHÓA", " ").replace("KHOÁ", " "))
    return m.group(1) if m else None


def parse_date(value: Any) -> _dt.date | None:
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


_QUARTER_END = {"I": (3, 31), "II": (6, 30), "III": (9, 30), "IV": (12, 31)}


@lru_cache(maxsize=1 << 16)
def deadline_date(text: str | None) -> _dt.date | None:
    """Last day of the period a deadline names (``Quý I/2021`` -> 2021-03-31).

    >>> deadline_date("Quý III/2021"), deadline_date("tháng 6/2022"), deadline_date("Thường xuyên")
    (datetime.date(2021, 9, 30), datetime.date(2022, 6, 30), None)
    """
    t = fold(text)
    if not t:
        return None
    m = re.search(r"quy\s*(iv|iii|ii|i|[1-4])\s*(?:/|nam|-)\s*((?:19|20)\d\d)", t)
    if m:
        q = m.group(1).upper()
        q = {"1": "I", "2": "II", "3": "III", "4": "IV"}.get(q, q)
        mo, d = _QUARTER_END[q]
        return _dt.date(int(m.group(2)), mo, d)
    m = re.search(r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*((?:19|20)\d\d)", t)
    if m:
        try:
            return _dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
    m = re.search(r"thang\s*(\d{1,2})\s*(?:/|nam|-)\s*((?:19|20)\d\d)", t)
    if m and 1 <= int(m.group(1)) <= 12:
        y, mo = int(m.group(2)), int(m.group(1))
        nxt = _dt.date(y + (mo == 12), mo % 12 + 1, 1)
        return nxt - _dt.timedelta(days=1)
    m = re.search(r"(?:nam|trong nam)\s*((?:19|20)\d\d)", t)
    if m:
        return _dt.date(int(m.group(1)), 12, 31)
    return None


# --------------------------------------------------------------------------- domain tables


@cache
def provinces() -> dict[str, dict[str, str]]:
    """Folded name or alias -> province row (name, slug, successor)."""
    out: dict[str, dict[str, str]] = {}
    for row in table("provinces"):
        row = {**row, "slug": row.get("slug") or slug(row["name"])}
        if row.get("successor") == row["name"]:   # kept, or gave its name to the merged unit
            row["successor"] = ""
        for n in [row["name"], *filter(None, (row.get("aliases") or "").split(","))]:
            out[fold(n)] = row
    return out


@lru_cache(maxsize=1 << 14)
def province_row(name: str | None) -> dict[str, str] | None:
    if not name:
        return None
    f = fold(name)
    f = re.sub(r"^(tinh|thanh pho|tp\.?)\s+", "", f).replace("(cu)", "").strip()
    return provinces().get(f) or provinces().get(fold(name))


def province_slug(name: str | None) -> str | None:
    row = province_row(name)
    if row:
        return row["slug"]
    return slug(name) if name else None


@cache
def _national_terms() -> tuple[tuple[_dt.date, str], ...]:
    """(closing day of the congress, khóa) from ``loaders/data/terms.tsv``."""
    rows = [(_dt.date.fromisoformat(r["congress_close"]), r["term"]) for r in table("terms") if r.get("congress_close")]
    return tuple(sorted(rows))


def national_term(day: _dt.date | None) -> str | None:
    """Khóa of a central document from its date (``2023-11-24`` -> ``XIII``)."""
    if day is None:
        return None
    term = None
    for closed, t in _national_terms():
        if day >= closed:
            term = t
    return term


@cache
def _issuers() -> dict[str, dict[str, str]]:
    return {r["code"].upper(): r for r in table("issuers")}


@cache
def _bodies() -> tuple[tuple[str, str, str], ...]:
    rows = [(fold(r["phrase"]), r["level"], r["canonical"]) for r in table("bodies")]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


@lru_cache(maxsize=1 << 14)
def body_level(body: str | None) -> str | None:
    """``Bộ Chính trị`` -> ``central``; ``Ban Thường vụ Tỉnh ủy`` -> ``province``."""
    f = fold(body)
    if not f:
        return None
    for phrase, level, _ in _bodies():
        if phrase and phrase in f:
            return level
    return None


@cache
def _doc_classes() -> dict[str, str]:
    out = {r["code"]: r["class"] for r in table("doc_types")}
    return out


@cache
def _noun_codes() -> tuple[tuple[str, str, str], ...]:
    rows = [(fold(r["noun"]), r["code"], r["class"]) for r in table("doc_nouns")]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def kind_code(kind: str | None) -> set[str]:
    """Type codes a planned item's kind may be fulfilled by (``Đề án`` -> {``ĐA``})."""
    f = fold(kind)
    codes: set[str] = set()
    for part in re.split(r"[/,]| hoac ", f):
        part = part.strip()
        for noun, code, _ in _noun_codes():
            if part.startswith(noun):
                codes.add(code)
                if code == "QĐ":
                    codes.add("QĐi")
                break
    return codes


def doc_class(type_code: str | None, family: str) -> str:
    cls = _doc_classes().get(type_code or "")
    if type_code == "QĐi":
        return "Regulation"
    return cls or "Document"


# Type codes that are written for one another (domain guide §10.1; QĐ/QĐi §2.1).
CONFUSABLE = {"CT": "CTr", "CTr": "CT", "QĐ": "QĐi", "QĐi": "QĐ"}

# Relation names of the contract -> ontology property local names.
RELATIONS = {
    "implements": "implements", "implements_": "implements", "continues": "continues",
    "continues_implementing": "continues", "based_on": "basedOn", "legal_basis": "basedOn",
    "amends": "amends", "issued_by_decision": "issuedByDecision", "attached_to": "issuedByDecision",
    "replaces": "replaces", "repeals": "repeals", "concretizes": "concretizes",
    "guides": "guides", "interim_review_of": "reviews", "final_review_of": "reviews",
    "cites_guidance": "cites", "references": "cites", "cites": "cites",
}
RELATION_RANK = {"implements": 5, "continues": 6, "basedOn": 4, "amends": 7, "replaces": 7,
                 "repeals": 7, "issuedByDecision": 7, "concretizes": 5, "guides": 3,
                 "reviews": 3, "cites": 0}


def relation_name(rel: str | None) -> str:
    return RELATIONS.get((rel or "references").strip().lower(), "cites")


# --------------------------------------------------------------------------- dataclasses


@dataclass
class Evidence:
    source: str          # the file, path as given
    start: int | None
    end: int | None
    quote: str


@dataclass
class Document:
    key: tuple
    path: str                         # IRI path under the base: doc/central/NQ/43/2023
    symbol: str | None
    number: str | None
    type: str | None
    issuer_code: str | None
    family: str                       # party | state | unnumbered
    scope: str                        # central | province:<slug> | state | state:<slug> | ...
    province: str | None = None       # province name, for province-scoped documents
    date: _dt.date | None = None
    year: int | None = None
    term: str | None = None
    title: str | None = None
    subject: str | None = None
    label: str | None = None          # unnumbered documents
    issuing_body: str | None = None
    doc_class: str = "Document"
    loaded: bool = False
    sources: list[str] = field(default_factory=list)     # files that are this document
    cited_in: list[str] = field(default_factory=list)
    is_draft: bool = False
    signer: str | None = None
    signer_title: str | None = None
    ambiguous: bool = False
    candidates: list[tuple] = field(default_factory=list)
    as_written: set[str] = field(default_factory=set)
    dates_seen: set[_dt.date] = field(default_factory=set)
    terms_seen: set[str] = field(default_factory=set)
    evidence: list[Evidence] = field(default_factory=list)   # where it is cited (or named, if loaded)
    issued_by: tuple | None = None                            # agency key


@dataclass
class Relation:
    source: tuple
    relation: str        # ontology property local name
    target: tuple
    evidence: Evidence
    mention_count: int = 1


@dataclass
class Agency:
    key: tuple
    path: str
    name: str
    province: str | None
    aliases: set[str] = field(default_factory=set)
    successor: tuple | None = None
    roles: set[str] = field(default_factory=set)


@dataclass
class Task:
    path: str
    document: tuple
    section: str | None
    tt: str | None
    content: str
    leads: list[tuple]          # a cell may name several ("Đảng ủy Quân sự tỉnh, Đảng ủy Công an tỉnh")
    cooperating: list[tuple]
    deadline: str | None
    deadline_date: _dt.date | None
    references: list[tuple]
    source: str
    lead_inherited: bool = False   # the lead is a merged cell's, read from the row above


@dataclass
class Fulfilment:
    document: tuple
    score: float
    delay_days: int | None
    evidence: Evidence
    similarity: float


@dataclass
class Planned:
    path: str
    document: tuple
    ordinal: str | None
    kind: str | None
    title: str
    leads: list[tuple]
    cooperating: list[tuple]
    deadline: str | None
    deadline_date: _dt.date | None
    source: str
    fulfilled_by: list[Fulfilment] = field(default_factory=list)
    issued_as: tuple | None = None          # the document the task row's notes name as issued
    issued_evidence: Evidence | None = None


@dataclass
class QualityRecord:
    kind: str            # type_code_typo | issuer_code_typo | date_conflict | term_conflict |
                         # ambiguous_mention | unmatched_planned | duplicate_file | extraction_error | warning
    message: str
    documents: list[tuple] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    severity: str = "medium"
    as_written: str | None = None
    resolved_to: str | None = None


@dataclass
class Corpus:
    documents: dict[tuple, Document] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    agencies: dict[tuple, Agency] = field(default_factory=dict)
    tasks: list[Task] = field(default_factory=list)
    planned: list[Planned] = field(default_factory=list)
    quality: list[QualityRecord] = field(default_factory=list)
    sources: dict[str, dict] = field(default_factory=dict)   # path -> {"sha256", "document"}
    partition: str | None = None     # the partition this corpus is (None: the whole corpus)

    def find(self, symbol: str, year: int | None = None, province: str | None = None) -> list[Document]:
        """Documents with this symbol (``@YEAR`` allowed), optionally narrowed.

        >>> Corpus().find("43-NQ/TW")
        []
        """
        if "@" in symbol:
            symbol, _, y = symbol.partition("@")
            year = int(y) if y.strip().isdigit() else year
        p = province_slug(province) if province else None
        out = [d for d in self.documents.values()
               if d.symbol == symbol.strip() and not d.ambiguous
               and (year is None or d.year == year)
               and (p is None or d.scope.endswith(":" + p))]
        return sorted(out, key=lambda d: d.path)


# --------------------------------------------------------------------------- symbols and scope

_PARTY = re.compile(r"^(?P<num>\d+[a-z]?)-(?P<type>[^/\s]+)/(?P<iss>\S+)$")
_STATE = re.compile(r"^(?P<num>\d+[a-z]?)/(?:(?P<year>(?:19|20)\d\d)/)?(?P<type>[^-/\s]+)(?:-(?P<iss>\S+))?$")


def split_symbol(symbol: str | None) -> dict[str, Any]:
    """``43-NQ/TW`` -> number/type/issuer/family; ``30/2020/NĐ-CP`` -> state.

    >>> split_symbol("02-ĐA/TU@2021")["number"], split_symbol("30/2020/NĐ-CP")["family"]
    ('02', 'state')
    """
    s = (symbol or "").split("@")[0].strip()
    m = _PARTY.match(s)
    if m:
        return {"symbol": s, "number": m["num"], "type": m["type"], "issuer": m["iss"], "family": "party", "year": None}
    m = _STATE.match(s)
    if m:
        return {"symbol": s, "number": m["num"], "type": m["type"], "issuer": m["iss"] or "",
                "family": "state", "year": int(m["year"]) if m["year"] else None}
    return {"symbol": s or None, "number": None, "type": None, "issuer": None, "family": "unnumbered", "year": None}


@lru_cache(maxsize=1 << 16)
def _num(n: str | None) -> str:
    if not n:
        return "x"
    m = re.match(r"0*(\d+)(.*)", n)
    return (m.group(1) + m.group(2)) if m else n


def _scope(family: str, issuer: str | None, body: str | None, province: str | None, unit: str | None = None) -> str:
    """The numbering scope of an issuer instance (which province's TU, which district's HU …)."""
    pslug = province_slug(province)
    if family == "state":
        level = _issuers().get((issuer or "").upper(), {}).get("level")
        code = (issuer or "").upper()
        if code.startswith(("UBND", "HĐND", "HDND")) or (level is None and "tỉnh" in (body or "")):
            return f"state:{pslug}" if pslug else "state"
        return "state"
    if family != "party":
        return f"province:{pslug}" if pslug else "unknown"
    level = _issuers().get((issuer or "").upper(), {}).get("level")
    if level == "central" and issuer != "TW" and pslug and body_level(body) == "province":
        level = "province"   # a code central bodies share with provincial ones: 05-KH/BCĐ "của Ban Chỉ đạo 35 Tỉnh ủy"
    if level == "central":
        return "central"
    if level in ("province", None):
        return f"province:{pslug}" if pslug else "province:unknown"
    if level == "commune" and body_level(body) == "province":
        # a province's party unit (Đảng ủy Ủy ban nhân dân tỉnh, Đảng ủy các cơ quan Đảng tỉnh)
        # signs /ĐU as a commune does, and numbers a series of its own
        return f"unit:{pslug or 'unknown'}:{slug(party_unit(body))}"
    # a district's or commune's committee numbers its own series: its name tells them apart
    return f"{level}:{pslug or 'unknown'}:{slug(unit) if unit else 'unknown'}"


# the scopes whose documents belong to a province (its own, a district's or commune's, a party
# unit's, its State bodies')
PROVINCIAL_SCOPES = ("province:", "state:", "district:", "commune:", "unit:")


def party_unit(body: str) -> str:
    """The party unit a body belongs to: "Ban Thường vụ Đảng ủy Ủy ban nhân dân tỉnh" -> "Đảng ủy
    Ủy ban nhân dân tỉnh"."""
    return re.sub(r"^(?:Ban Thường vụ|Ban Chấp hành|Thường trực)\s+", "", body.strip())


def _with_unit(body: str | None, unit: str | None, scope: str) -> str | None:
    """A district's or commune's body with its name ("Ban Chấp hành Đảng bộ huyện Sơn Dương")."""
    if body and unit and scope.startswith(("district", "commune")) and unit not in body:
        return f"{body} {unit}"
    return body


def _scope_path(scope: str) -> str:
    parts = scope.split(":")
    if parts[0] == "state":
        return "state" + ("/" + parts[1] if len(parts) > 1 else "")
    return "/".join(parts)


# --------------------------------------------------------------------------- mentions


@dataclass
class _Mention:
    source: str
    symbol: str
    number: str | None
    type: str | None
    issuer: str | None
    family: str
    scope: str
    province: str | None
    date: _dt.date | None
    year: int | None
    term: str | None
    subject: str | None
    body: str | None
    relation: str
    evidence: list[Evidence]
    as_written: list[str]
    loaded: bool = False
    doc: dict | None = None        # the loaded document's record
    ref_id: tuple = ()             # (source, index) for a reference; (source, "self") for the document
    cluster: int | None = None
    evidence_count: int | None = None   # when ``evidence`` holds only what clustering reads (packed)


def pack_mention(m: _Mention) -> tuple:
    """A mention as a tuple of plain values: an incremental build keeps the global mentions of
    every partition, and tuples unpickle many times faster than dataclasses. Of its evidence it
    keeps what clustering reads (the first passage, the first three with a span) and the count."""
    keep = [0] + [i for i, e in enumerate(m.evidence) if e.start is not None and e.end is not None][:3]
    evidence = tuple((e.start, e.end, e.quote) for i, e in enumerate(m.evidence) if i in keep)
    return (m.source, m.symbol, m.number, m.type, m.issuer, m.family, m.scope, m.province,
            m.date.toordinal() if m.date else 0, m.year, m.term, m.subject, m.body, m.relation,
            evidence, tuple(m.as_written), m.loaded, m.doc, m.ref_id, m.evidence_count or len(m.evidence))


def unpack_mention(t: tuple) -> _Mention:
    source = t[0]
    return _Mention(source, t[1], t[2], t[3], t[4], t[5], t[6], t[7], _dt.date.fromordinal(t[8]) if t[8] else None,
                    t[9], t[10], t[11], t[12], t[13], [Evidence(source, *e) for e in t[14]], list(t[15]), t[16],
                    t[17], t[18], None, t[19])


def _evidence(source: str, mentions: Iterable[dict], fallback: str) -> list[Evidence]:
    out = []
    for m in mentions or []:
        if not isinstance(m, dict):
            continue
        out.append(Evidence(source, m.get("start"), m.get("end"), str(m.get("text") or fallback)))
    return out or [Evidence(source, None, None, fallback)]


def _mk_mention(source: str, rec: dict, province: str | None, loaded: bool, ref_id: tuple,
                quality: list[QualityRecord], home: tuple[str | None, str | None] = (None, None)) -> _Mention | None:
    """A mention of ``rec`` (the file's own document, or one of its references) read in a file of
    ``province`` whose own document is of ``home`` (its issuer level and district or commune)."""
    sym = split_symbol(rec.get("symbol"))
    if sym["family"] == "unnumbered" or not sym["number"]:
        return None
    province = rec.get("province") or province    # "… Tỉnh ủy Hải Dương (cũ)" cited from Hải Phòng
    typ = rec.get("type") or sym["type"]
    issuer = rec.get("issuer_code") or sym["issuer"]
    if sym["family"] == "party":
        typ, issuer = sym["type"], sym["issuer"]
    body = rec.get("issuing_body")
    date = parse_date(rec.get("date"))
    year = date.year if date else (rec.get("year") or sym["year"])
    try:
        year = int(year) if year else None
    except (TypeError, ValueError):
        year = None
    as_written = [a for a in (rec.get("as_written") or []) if a]
    evidence = _evidence(source, rec.get("mentions"), rec.get("symbol") or "")
    symbol = sym["symbol"]
    # 35-NQ/TU "của Bộ Chính trị": a provincial issuer code contradicted by a central body.
    lvl = _issuers().get((issuer or "").upper(), {}).get("level")
    if sym["family"] == "party" and lvl == "province" and body_level(body) == "central" and not loaded:
        fixed = f"{sym['number']}-{typ}/TW"
        quality.append(QualityRecord(
            "issuer_code_typo",
            f"{symbol} is said to be of {body}: a central body; resolved to {fixed}",
            evidence=evidence[:1], severity="high", as_written=symbol, resolved_to=fixed))
        as_written.append(symbol)
        issuer, symbol = "TW", fixed
    unit = rec.get("unit")
    if unit is None and lvl in ("district", "commune") and home[0] == lvl and not rec.get("province"):
        unit = home[1]          # "Nghị quyết số 03-NQ/HU của Ban Thường vụ Huyện ủy" in a file of that Huyện ủy
    scope = _scope(sym["family"], issuer, body, province, unit)
    body = _with_unit(body, unit, scope)   # the agency: "Ban Thường vụ Huyện ủy Yên Sơn", not every district's
    return _Mention(
        source=source, symbol=symbol, number=sym["number"], type=typ, issuer=issuer,
        family=sym["family"], scope=scope, province=province if scope.startswith(PROVINCIAL_SCOPES) else None,
        date=date, year=year, term=norm_term(rec.get("term")), subject=rec.get("subject") or rec.get("title"),
        body=body, relation=relation_name(rec.get("relation")), evidence=evidence,
        as_written=as_written, loaded=loaded, ref_id=ref_id)


def _canon_form(symbol: str | None) -> str:
    """Spelling-insensitive form: ``12-Ctr/TU`` and ``12 - CTr/TU`` are one spelling."""
    return re.sub(r"[\s\-–/]", "", fold(split_symbol(symbol)["symbol"] or ""))


@lru_cache(maxsize=1 << 18)   # clustering and planned matching compare the same subjects again and again
def _subject_sim(a: str | None, b: str | None) -> float | None:
    if not a or not b:
        return None
    a, b = _strip_kind(a), _strip_kind(b)
    if not a or not b:
        return None
    return float(fuzz.token_set_ratio(a, b))


@lru_cache(maxsize=1 << 16)
def _strip_kind(text: str) -> str:
    t = fold(text)
    t = re.sub(r"^(de an|chuong trinh( hanh dong)?|nghi quyet|ke hoach|ket luan|quy dinh|quy che|chi thi|huong dan)\b", "", t)
    t = re.sub(r"^\s*(so\s+\S+\s+)?(ngay\s+\S+\s+)?(cua\s+[^,]*?\s+)?ve\s+", "", t.strip())
    return t.strip(" ,.;:-")


def _body_compatible(a: str | None, b: str | None) -> bool:
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return True
    groups = [("thuong vu",), ("chap hanh", "tinh uy", "thanh uy"), ("bo chinh tri",), ("ban bi thu",)]
    ga = next((i for i, g in enumerate(groups) if any(k in fa for k in g)), None)
    gb = next((i for i, g in enumerate(groups) if any(k in fb for k in g)), None)
    return ga is None or gb is None or ga == gb


# --------------------------------------------------------------------------- clustering


@dataclass
class _Cluster:
    group: tuple
    mentions: list[_Mention] = field(default_factory=list)
    ambiguous: bool = False
    candidates: list[int] = field(default_factory=list)
    # summaries of the mentions, brought up to date by scanning only the mentions appended since
    # the last question (mentions are only ever appended): a central document cited by every file
    # of a 10,000-file corpus has tens of thousands of mentions and is asked about once per mention
    _seen: int = field(default=0, repr=False, compare=False)
    _dates: dict = field(default_factory=dict, repr=False, compare=False)     # date -> count, first-seen order
    _years: set = field(default_factory=set, repr=False, compare=False)
    _terms: set = field(default_factory=set, repr=False, compare=False)
    _loaded_date: Any = field(default=None, repr=False, compare=False)
    _subject: Any = field(default=None, repr=False, compare=False)            # longest, first on a tie
    _loaded_subject: Any = field(default=None, repr=False, compare=False)
    _body: Any = field(default=None, repr=False, compare=False)
    _loaded_body: Any = field(default=None, repr=False, compare=False)

    def _sync(self) -> None:
        if self._seen == len(self.mentions):
            return
        central = self.group[0] == "central"
        for m in self.mentions[self._seen:]:
            if m.date:
                self._dates[m.date] = self._dates.get(m.date, 0) + 1
                if central:
                    t = national_term(m.date)
                    if t:
                        self._terms.add(t)
                if m.loaded and self._loaded_date is None:
                    self._loaded_date = m.date
            if m.year:
                self._years.add(m.year)
            if m.term:
                self._terms.add(m.term)
            if m.subject:
                if self._subject is None or len(m.subject) > len(self._subject):
                    self._subject = m.subject
                if m.loaded and self._loaded_subject is None:
                    self._loaded_subject = m.subject
            if m.body:
                if self._body is None:
                    self._body = m.body
                if m.loaded and self._loaded_body is None:
                    self._loaded_body = m.body
        self._seen = len(self.mentions)

    @property
    def dates(self) -> set[_dt.date]:
        self._sync()
        return set(self._dates)

    @property
    def years(self) -> set[int]:
        self._sync()
        return self._years

    def date(self) -> _dt.date | None:
        """The loaded document's date, else the date most mentions give (the earliest on a tie)."""
        self._sync()
        if self._loaded_date is not None:
            return self._loaded_date
        return max(self._dates, key=lambda d: (self._dates[d], -d.toordinal())) if self._dates else None

    def year(self) -> int | None:
        d = self.date()
        if d:
            return d.year
        ys = sorted(self.years)
        return ys[0] if ys else None

    def terms(self) -> set[str]:
        self._sync()
        return self._terms

    def subject(self) -> str | None:
        self._sync()
        return self._loaded_subject or self._subject

    def body(self) -> str | None:
        self._sync()
        return self._loaded_body or self._body


def _fits(m: _Mention, c: _Cluster) -> bool:
    sim = _subject_sim(m.subject, c.subject())
    if sim is not None and sim < 70:
        return False
    return _body_compatible(m.body, c.body())


def _cluster_group(group: tuple, ms: list[_Mention], quality: list[QualityRecord]) -> list[_Cluster]:
    clusters: list[_Cluster] = []
    # 1. dated mentions, by date
    by_date: dict[_dt.date, _Cluster] = {}
    for m in ms:
        if m.date:
            by_date.setdefault(m.date, _Cluster(group)).mentions.append(m)
    dated = [by_date[d] for d in sorted(by_date)]
    # two dates for one document: same year and no subject contradiction, or a subject match
    merged: list[_Cluster] = []
    for c in dated:
        host = None
        for h in merged:
            sim = _subject_sim(c.subject(), h.subject())
            same_year = bool(c.years & h.years)
            if (sim is not None and sim >= 85) or (same_year and (sim is None or sim >= 60)
                                                   and _body_compatible(c.body(), h.body())):
                host = h
                break
        if host:
            host.mentions.extend(c.mentions)
        else:
            merged.append(c)
    clusters.extend(merged)
    # 2. year only
    for m in ms:
        if m.date or not m.year:
            continue
        host = next((c for c in clusters if m.year in c.years and _fits(m, c)), None)
        if host is None:
            host = _Cluster(group)
            clusters.append(host)
        host.mentions.append(m)
    # 3. term only, 4. bare
    pending = [m for m in ms if not m.date and not m.year]
    for m in sorted(pending, key=lambda m: m.term is None):
        if m.term:
            cands = [c for c in clusters if m.term in c.terms() and _fits(m, c)]
            if not cands:
                cands = [c for c in clusters if not c.terms() and not c.dates and _fits(m, c)]
        else:
            cands = [c for c in clusters if not c.ambiguous and _fits(m, c)]
        real = [c for c in cands if not c.ambiguous]
        if len(real) == 1:
            real[0].mentions.append(m)
        elif not real:
            if m.term or not any(not c.ambiguous for c in clusters):
                c = _Cluster(group)
                c.mentions.append(m)
                clusters.append(c)
            else:
                # no candidate fits the subject/body: a document we know nothing else about
                c = _Cluster(group)
                c.mentions.append(m)
                clusters.append(c)
        else:
            amb = next((c for c in clusters if c.ambiguous), None)
            if amb is None:
                amb = _Cluster(group, ambiguous=True)
                clusters.append(amb)
            amb.mentions.append(m)
            amb.candidates = [i for i, c in enumerate(clusters) if c in real]
    return clusters


# --------------------------------------------------------------------------- agencies


@lru_cache(maxsize=1 << 16)
def _canonical_agency(name: str, province: str | None) -> str:
    """The alias table of ``loaders.agencies`` when it knows the name, else the name as given."""
    try:
        from loaders.agencies import canonical_agency
        hit = canonical_agency(name)
    except Exception:  # noqa: BLE001 - the alias table is an improvement, never a requirement
        hit = None
    return hit or re.sub(r"\s+", " ", name).strip()


@cache
def _collective_rx() -> re.Pattern[str]:
    """A name made only of the collective words of ``agency_heads.tsv``, folded, with commas,
    semicolons or spaces between them."""
    words = sorted({fold(r["word"]) for r in table("agency_heads") if r["kind"] == "collective"}, key=len, reverse=True)
    alt = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?:(?:{alt})(?![^\s,;])[\s,;]*)+")


@lru_cache(maxsize=1 << 14)
def _collective(name: str) -> bool:
    """A name made only of words that name no one body ("Chính quyền các cấp", "Cơ quan, đơn vị").

    >>> _collective("Chính quyền các cấp"), _collective("Cơ quan, đơn vị"), _collective("Sở Nội vụ")
    (True, True, False)
    """
    return _collective_rx().fullmatch(fold(name).strip(" ,;")) is not None


@lru_cache(maxsize=1 << 14)
def _plain_agency_name(name: str, province: str | None) -> str:
    """An agency's name without a word written twice ("Ban cán sự đảng UBND tỉnh tỉnh") and
    without its own province's name ("Đảng đoàn Mặt trận Tổ quốc Việt Nam tỉnh Tuyên Quang"), so
    that the alias table and the key see the generic name.

    >>> _plain_agency_name("Đảng đoàn Mặt trận Tổ quốc tỉnh Tuyên Quang", "Tuyên Quang")
    'Đảng đoàn Mặt trận Tổ quốc tỉnh'
    >>> _plain_agency_name("Ban cán sự đảng UBND tỉnh tỉnh", None)
    'Ban cán sự đảng UBND tỉnh'
    """
    out = re.sub(r"(?<!\w)(\w+)(?: \1)+(?!\w)", r"\1", name)
    if province:
        tail = re.compile(rf"(\s(?:tỉnh|thành phố))\s+{re.escape(province)}\s*$", re.I)
        out = tail.sub(r"\1", out)
    return out


def _split_cell(cell: str | None) -> list[str]:
    """The agencies of a lead or cooperating cell, split as ``loaders.agencies`` splits lists (it
    knows the names that hold a comma)."""
    from loaders.agencies import split_agencies

    return split_agencies(cell) if cell else []


@cache
def _abbreviations() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The abbreviations of ``agency_abbrev.tsv`` (domain guide §7) that hold everywhere, folded."""
    out = []
    for r in table("agency_abbrev"):
        if not (r.get("context") or "").strip():
            out.append((re.compile(rf"(?<![\w]){re.escape(fold(r['abbrev']))}(?![\w])"), fold(r["expansion"])))
    return tuple(out)


@lru_cache(maxsize=1 << 16)
def agency_key_name(name: str) -> str:
    """Folded name with the abbreviations expanded (domain guide §7)."""
    f = fold(name)
    for rx, rep in _abbreviations():
        f = rx.sub(rep, f)
    return re.sub(r"\s+", " ", f).strip(" .;,")


@lru_cache(maxsize=1 << 16)
def _agency_scope(name: str, province: str | None) -> str:
    f = fold(name)
    if "trung uong" in f or "chinh phu" in f or "quoc hoi" in f or "bo chinh tri" in f or "ban bi thu" in f:
        if "tinh" not in f:
            return "central"
    return province_slug(province) or "unknown"


@cache
def _successor_rows() -> tuple[tuple[str, str, str], ...]:
    from loaders.agencies import agency_successors

    return tuple((agency_key_name(r["predecessor"]), r["successor"], r.get("province") or "")
                 for r in agency_successors() if r.get("predecessor") and r.get("successor"))


# --------------------------------------------------------------------------- resolve


class _Resolver:
    def __init__(self, partition: bool = False) -> None:
        self.c = Corpus()
        self.partition = partition
        self.glob: Globals | None = None
        self.mentions: list[_Mention] = []
        self.global_mentions: list[_Mention] = []     # a partition's mentions of central/state documents
        self.file_docs: dict[str, _Mention | None] = {}
        self.file_province: dict[str, str | None] = {}
        self.docs = self.c.documents
        self.ref_to_doc: dict[tuple, tuple] = {}
        self.draft_docs: dict[str, tuple] = {}
        self._unnumbered_reported: set[tuple] = set()
        self.symbol_lookups: set[str] = set()     # symbols looked up among all documents (not by key)

    def attach(self, glob: "Globals") -> None:
        """A partition reads the central and state documents the global stage resolved and writes
        only its own: lookups go through both, writes to the first."""
        self.glob = glob
        self.docs = ChainMap(self.c.documents, glob.documents)
        self.ref_to_doc = ChainMap(self.ref_to_doc, glob.ref_to_doc)

    # -- documents
    def collect(self, exts: list[dict]) -> None:
        for ext in exts:
            source = str(ext.get("source") or "")
            doc = ext.get("document") or {}
            self.c.sources[source] = {"sha256": ext.get("sha256"), "document": doc.get("symbol")}
            for err in ext.get("errors") or []:
                self.c.quality.append(QualityRecord("extraction_error", f"{source}: {err.get('kind')}: {err.get('message')}",
                                                    severity="high"))
            province = doc.get("province")
            self.file_province[source] = province
            home = (_issuers().get((doc.get("issuer_code") or "").upper(), {}).get("level"), doc.get("unit"))
            m = _mk_mention(source, {**doc, "subject": doc.get("title")}, province, True, (source, "self"), self.c.quality,
                            home)
            if m is not None and not doc.get("is_draft"):
                m.doc = doc
                m.relation = "self"
                (self.global_mentions if self.partition and m.scope in GLOBAL_SCOPES else self.mentions).append(m)
                self.file_docs[source] = m
            elif doc:
                self.file_docs[source] = None
                self._draft(source, doc)
            for i, ref in enumerate(ext.get("references") or []):
                rm = _mk_mention(source, ref, province, False, (source, i), self.c.quality, home)
                if rm is not None:
                    (self.global_mentions if self.partition and rm.scope in GLOBAL_SCOPES else self.mentions).append(rm)
                    for aw in rm.as_written:
                        if _canon_form(aw) != _canon_form(rm.symbol):
                            kind = "type_code_typo" if split_symbol(aw)["type"] != split_symbol(rm.symbol)["type"] else "symbol_variant"
                            if kind == "symbol_variant" and split_symbol(aw)["issuer"] != split_symbol(rm.symbol)["issuer"]:
                                kind = "issuer_code_typo"
                            if (aw, rm.symbol) not in self._reported_pairs():
                                # the passage where it is written that way, else the first mention
                                ev = [e for e in rm.evidence if _canon_form(aw) in re.sub(r"[\s\-–/]", "", fold(e.quote))]
                                self.c.quality.append(QualityRecord(kind, f"{aw} written for {rm.symbol}",
                                                                    evidence=(ev or rm.evidence)[:1], as_written=aw,
                                                                    resolved_to=rm.symbol))
                                self._reported_pairs()

    def _reported_pairs(self) -> set[tuple]:
        """(as written, resolved to) of the quality records so far, kept up to date by scanning
        only the records appended since the last call."""
        seen = self.__dict__.setdefault("_pairs", set())
        n = self.__dict__.get("_pairs_n", 0)
        for q in self.c.quality[n:]:
            seen.add((q.as_written, q.resolved_to))
        self._pairs_n = len(self.c.quality)
        return seen

    def _draft(self, source: str, doc: dict) -> None:
        """A draft or unnumbered loaded document: identified by its file, never by a number."""
        province = doc.get("province")
        p = province_slug(province)
        typ = doc.get("type") or "x"
        key = ("draft", source)
        path = f"doc/{'province/' + p if p else 'unknown'}/{typ}/draft/{_hash(source, n=10)}"
        date = parse_date(doc.get("date"))
        label = doc.get("title") or doc.get("symbol") or Path(source).name
        self.c.documents[key] = Document(
            key=key, path=path, symbol=None, number=None, type=doc.get("type"), issuer_code=doc.get("issuer_code"),
            family="unnumbered", scope=f"province:{p}" if p else "unknown", province=province, date=date,
            year=date.year if date else None, term=norm_term(doc.get("term")), title=doc.get("title"),
            label=label, issuing_body=doc.get("issuing_body"), doc_class=doc_class(doc.get("type"), "party"),
            loaded=True, sources=[source], is_draft=bool(doc.get("is_draft")), signer=doc.get("signer"),
            signer_title=doc.get("signer_title"))
        self.draft_docs[source] = key

    def cluster(self) -> None:
        self._name_units()
        groups: dict[tuple, list[_Mention]] = defaultdict(list)
        for m in self.mentions:
            groups[(m.scope, (m.issuer or "").upper(), m.type, _num(m.number))].append(m)
        all_clusters: dict[tuple, list[_Cluster]] = {g: _cluster_group(g, ms, self.c.quality) for g, ms in groups.items()}
        self._merge_confusable(all_clusters)
        for g, clusters in sorted(all_clusters.items(), key=lambda kv: str(kv[0])):
            keys: list[tuple | None] = []
            for c in clusters:
                keys.append(None if c.ambiguous else self._emit(g, c))
            for c in clusters:
                if c.ambiguous:
                    self._emit_ambiguous(g, c, [keys[i] for i in c.candidates if keys[i]])

    def _name_units(self) -> None:
        """A district's or commune's document cited without its name ("Kế hoạch số 128-KH/HU ngày
        02/3/2023" in a provincial programme) is the one district's or commune's of the province that
        has it (same code, type, number, a year that fits), reported; with none or several it keeps
        the scope of unnamed units, never guessed."""
        named: dict[tuple, set[tuple]] = defaultdict(set)
        unnamed = []
        for m in self.mentions:
            parts = m.scope.split(":")
            if len(parts) == 3 and parts[0] in ("district", "commune"):
                key = (parts[0], parts[1], (m.issuer or "").upper(), m.type, _num(m.number))
                if parts[2] == "unknown":
                    unnamed.append((key, m))
                else:
                    named[key].add((m.scope, m.year))
        for key, m in unnamed:
            fits = {scope for scope, year in named.get(key, ()) if m.year is None or year is None or year == m.year}
            if len(fits) == 1:
                m.scope = fits.pop()
                self.c.quality.append(QualityRecord(
                    "unit_resolved", f"{m.symbol} (no {key[0]} named) in {Path(m.source).name} is the one of "
                    f"{m.scope.split(':')[2]}", evidence=m.evidence[:1], severity="low", as_written=m.symbol,
                    resolved_to=m.symbol))
            elif fits:
                self.c.quality.append(QualityRecord(
                    "unit_unknown", f"{m.symbol} (no {key[0]} named) in {Path(m.source).name} fits the documents of "
                    + ", ".join(sorted(x.split(":")[2] for x in fits)) + "; not resolved",
                    evidence=m.evidence[:1], severity="medium", as_written=m.symbol))

    def _merge_confusable(self, all_clusters: dict[tuple, list[_Cluster]]) -> None:
        """``12-CT/TU`` of 18/11/2025 next to the Chương trình ``12-CTr/TU`` of that day: one document."""
        for g in list(all_clusters):
            alt = CONFUSABLE.get(g[2] or "")
            if not alt:
                continue
            g2 = (g[0], g[1], alt, g[3])
            if g2 not in all_clusters or g not in all_clusters:
                continue
            for c in list(all_clusters[g]):
                for h in all_clusters[g2]:
                    if not (c.dates and c.dates & h.dates):
                        continue
                    # the side with the loaded document, more mentions or more files names the genre;
                    # on a tie the longer code wins (a dropped letter is the usual slip: CT for CTr)
                    def support(x: _Cluster) -> tuple:
                        return (any(m.loaded for m in x.mentions),
                                sum(m.evidence_count or len(m.evidence) for m in x.mentions),
                                len({m.source for m in x.mentions}), len(x.mentions[0].type or ""))
                    score_c, score_h = support(c), support(h)
                    src, dst = (c, h) if score_h >= score_c else (h, c)
                    right = dst.mentions[0].symbol
                    for m in src.mentions:
                        self.c.quality.append(QualityRecord(
                            "type_code_typo",
                            f"{m.symbol} written for {right} (same issuer, number and date "
                            f"{min(dst.dates).isoformat()})",
                            evidence=m.evidence[:1], severity="medium", as_written=m.symbol, resolved_to=right))
                        m.as_written.append(m.symbol)
                    dst.mentions.extend(src.mentions)
                    if src is c:
                        all_clusters[g].remove(c)
                    else:
                        all_clusters[g2].remove(h)
                    break

    def _emit(self, g: tuple, c: _Cluster) -> tuple:
        scope, issuer, typ, num = g
        ms = c.mentions
        date = c.date()
        year = c.year()
        terms = c.terms()
        stated_terms = {m.term for m in ms if m.term}
        term = None
        if scope == "central" and date:
            term = national_term(date)
        elif stated_terms:
            term = sorted(stated_terms)[0]
        period = str(year) if year else (f"khoa-{term.lower()}" if term else None)
        key = (scope, issuer, typ, num, period)
        base_path = f"doc/{_scope_path(scope)}/{typ}/{num}" + (f"/{period}" if period else "")
        if key in self.c.documents:  # two documents in one year under one number: the date tells them apart
            key = key + (date.isoformat() if date else _hash(*(m.ref_id for m in ms)),)
            base_path += "/" + key[-1]
        loaded = [m for m in ms if m.loaded]
        first = (loaded or ms)[0]
        symbol = first.symbol
        family = first.family
        d = Document(
            key=key, path=base_path, symbol=symbol, number=first.number, type=typ, issuer_code=first.issuer,
            family=family, scope=scope, province=next((m.province for m in ms if m.province), None),
            date=date, year=year, term=term, subject=c.subject(), issuing_body=c.body(),
            doc_class=doc_class(typ, family), loaded=bool(loaded))
        if loaded:
            doc = loaded[0].doc or {}
            d.title, d.signer, d.signer_title = doc.get("title"), doc.get("signer"), doc.get("signer_title")
            d.issuing_body = (_with_unit(doc.get("issuing_body"), doc.get("unit"), scope) or d.issuing_body)
            d.sources = sorted({m.source for m in loaded})
        d.cited_in = sorted({m.source for m in ms if not m.loaded})
        d.dates_seen = set(c.dates)
        d.evidence = list(islice((e for m in chain((m for m in ms if not m.loaded), (m for m in ms if m.loaded))
                                  for e in m.evidence if e.start is not None and e.end is not None), 3))
        d.terms_seen = set(terms)
        for m in ms:
            d.as_written.update(a for a in m.as_written if a != symbol)
            self.ref_to_doc[m.ref_id] = key
            if m.ref_id[1] == "self":
                self.ref_to_doc[(m.source, "self")] = key
        self.c.documents[key] = d
        if len(c.dates) > 1:
            self.c.quality.append(QualityRecord(
                "date_conflict",
                f"{symbol} is cited with {len(c.dates)} dates: " + ", ".join(x.isoformat() for x in sorted(c.dates))
                + f"; kept as one document dated {date.isoformat() if date else '?'}",
                documents=[key], evidence=[m.evidence[0] for m in ms if m.date and m.date != date][:3]
                + [m.evidence[0] for m in ms if m.date == date][:1]))
        if len(terms) > 1:
            self.c.quality.append(QualityRecord(
                "term_conflict", f"{symbol} is cited with terms " + ", ".join(sorted(terms)) + "; kept as one document",
                documents=[key], evidence=[m.evidence[0] for m in ms if m.term][:3]))
        return key

    def _emit_ambiguous(self, g: tuple, c: _Cluster, cand_keys: list[tuple]) -> None:
        scope, issuer, typ, num = g
        key = (scope, issuer, typ, num, "ambiguous")
        first = c.mentions[0]
        d = Document(
            key=key, path=f"doc/{_scope_path(scope)}/{typ}/{num}/ambiguous", symbol=first.symbol,
            number=first.number, type=typ, issuer_code=first.issuer, family=first.family, scope=scope,
            province=first.province, subject=c.subject(), issuing_body=c.body(),
            doc_class=doc_class(typ, first.family), ambiguous=True, candidates=cand_keys,
            cited_in=sorted({m.source for m in c.mentions}))
        self.c.documents[key] = d
        for m in c.mentions:
            self.ref_to_doc[m.ref_id] = key
        self.c.quality.append(QualityRecord(
            "ambiguous_mention",
            f"{first.symbol} without a date fits {len(cand_keys)} documents: "
            + ", ".join(self.c.documents[k].path for k in cand_keys) + "; not resolved",
            documents=[key, *cand_keys], evidence=[m.evidence[0] for m in c.mentions], severity="high"))

    # -- relations
    def relations(self, exts: list[dict]) -> None:
        seen: dict[tuple, Relation] = {}

        def add(s: tuple | None, rel: str, t: tuple | None, ev: list[Evidence]) -> None:
            if s is None or t is None or s == t:
                return
            k = (s, rel, t, ev[0].source)
            if k in seen:
                seen[k].mention_count += len(ev)
                return
            r = Relation(s, rel, t, ev[0], len(ev))
            seen[k] = r
            self.c.relations.append(r)

        for ext in exts:
            source = str(ext.get("source") or "")
            self_key = self.ref_to_doc.get((source, "self")) or self.draft_docs.get(source)
            by_symbol: dict[str, tuple] = {}
            for i, ref in enumerate(ext.get("references") or []):
                key = self.ref_to_doc.get((source, i))
                if key is None:
                    continue
                for s in {ref.get("symbol"), split_symbol(ref.get("symbol"))["symbol"], *(ref.get("as_written") or [])}:
                    if s:
                        by_symbol.setdefault(s, key)
                ev = _evidence(source, ref.get("mentions"), ref.get("symbol") or "")
                add(self_key, relation_name(ref.get("relation")), key, ev)
            doc_sym = (ext.get("document") or {}).get("symbol")
            if doc_sym and self_key:
                by_symbol.setdefault(doc_sym, self_key)
                by_symbol.setdefault(split_symbol(doc_sym)["symbol"], self_key)
            # unnumbered documents: keyed by scope and folded label
            for u in ext.get("unnumbered") or []:
                ukey = self._unnumbered(source, u)
                by_symbol.setdefault(u.get("label") or "", ukey)
                add(self_key, relation_name(u.get("relation")), ukey,
                    _evidence(source, u.get("mentions"), u.get("label") or ""))
            for e in ext.get("chain_edges") or []:
                s = by_symbol.get(e.get("source") or "") or by_symbol.get(split_symbol(e.get("source"))["symbol"] or "")
                t = by_symbol.get(e.get("target") or "") or by_symbol.get(split_symbol(e.get("target"))["symbol"] or "")
                ev = [Evidence(source, e.get("start"), e.get("end"), str(e.get("text") or e.get("quote") or
                                                                         f"{e.get('source')} {e.get('relation')} {e.get('target')}"))]
                # an endpoint named only by its title ("Chương trình hành động thực hiện Nghị quyết Đại hội …")
                if s is None and e.get("source") and split_symbol(e["source"])["family"] == "unnumbered":
                    s = self._unnumbered(source, {"label": e["source"]})
                if t is None and e.get("target") and split_symbol(e["target"])["family"] == "unnumbered":
                    t = self._unnumbered(source, {"label": e["target"]})
                add(s, relation_name(e.get("relation")), t, ev)

    def _unnumbered(self, source: str, u: dict) -> tuple:
        label = (u.get("label") or "").strip()
        f = fold(label)
        province = self.file_province.get(source)
        known, ident = unnumbered_identity(f), f
        if known:
            level, ident = known
            scope = "central" if level == "central" else f"province:{province_slug(province) or 'unknown'}"
        elif re.search(r"\b(tinh|thanh pho)\b", f) and "toan quoc" not in f:
            scope = f"province:{province_slug(province) or 'unknown'}"
        elif "toan quoc" in f or "trung uong" in f or "bo chinh tri" in f or "ban bi thu" in f:
            scope = "central"
        else:
            scope = f"province:{province_slug(province) or 'unknown'}"
        # a loaded document named by its genre and title is that document, not a new node
        lkey = self._loaded_title_match(scope, f)
        if lkey is not None:
            d = self.docs[lkey]
            if (lkey, label) not in self._unnumbered_reported:
                self._unnumbered_reported.add((lkey, label))
                self.c.quality.append(QualityRecord(
                    "unnumbered_resolved", f"'{label}' (no number) in {Path(source).name} is the loaded {d.symbol} "
                    f"of {d.date}", documents=[lkey], severity="low", as_written=label, resolved_to=d.symbol,
                    evidence=[Evidence(source, None, None, label)]))
            return lkey
        key = ("unnumbered", scope, ident)
        if key not in self.c.documents:
            cls = "Document"
            for noun, code, klass in _noun_codes():
                if f.startswith(noun):
                    cls = klass
                    break
            self.c.documents[key] = Document(
                key=key, path=f"doc/{_scope_path(scope)}/unnumbered/{_hash(ident, n=10)}", symbol=None, number=None,
                type=None, issuer_code=None, family="unnumbered", scope=scope,
                province=province if scope.startswith("province") else None, label=label, doc_class=cls)
        self.c.documents[key].cited_in = sorted(set(self.c.documents[key].cited_in) | {source})
        return key

    def _loaded_titles(self) -> dict[str, list[tuple[str, tuple]]]:
        """Scope -> [(folded genre and title, key)] of the loaded documents, in document order."""
        if getattr(self, "_titles", None) is not None:
            return self._titles
        out: dict[str, list[tuple[str, tuple]]] = defaultdict(list)
        for scope, titles in (self.glob.loaded_titles.items() if self.glob else ()):
            out[scope].extend(titles)
        for d in self.c.documents.values():
            if d.loaded and d.title and d.symbol:
                m = self.file_docs.get(d.sources[0]) if d.sources else None
                kind = ((m.doc or {}).get("doc_kind") if m else None) or ""
                if kind:
                    out[d.scope].append((fold(f"{kind} {d.title}"), d.key))
        self._titles = out      # documents are all known once clustering is done
        return out

    def _loaded_title_match(self, scope: str, f: str) -> tuple | None:
        """The first loaded document of ``scope`` whose genre and title match ``f`` (ratio ≥ 95).
        Indexed by scope and memoized: the same labels recur in every file of a province."""
        memo = self.__dict__.setdefault("_title_memo", {})
        if (scope, f) in memo:
            return memo[(scope, f)]
        hit, n = None, len(f)
        for ltitle, lkey in self._loaded_titles().get(scope, ()):
            m = len(ltitle)
            # ratio = 2·matches/(n+m) ≤ 2·min/(n+m): lengths too far apart cannot reach 95
            if 200 * min(n, m) < 95 * (n + m):
                continue
            if fuzz.ratio(f, ltitle) >= 95:
                hit = lkey
                break
        memo[(scope, f)] = hit
        return hit

    # -- agencies, tasks, planned
    def agency(self, name: str | None, province: str | None, role: str | None = None) -> tuple | None:
        if not name or not str(name).strip():
            return None
        name = re.sub(r"\s+", " ", str(name)).strip(" .;,")
        if fold(name).startswith(("cac ", "cac,")) or _collective(name):
            return None       # "Các cơ quan, đơn vị liên quan", "Chính quyền các cấp": no one body
        canonical = _canonical_agency(_plain_agency_name(name, province), province)
        scope = _agency_scope(canonical, province)
        key = (scope, agency_key_name(canonical))
        a = self.c.agencies.get(key)
        if a is None:
            a = Agency(key, f"agency/{scope}/{slug(key[1])}", canonical,
                       province if scope != "central" else None)
            self.c.agencies[key] = a
        if name != a.name:
            a.aliases.add(name)
        if role:
            a.roles.add(role)
        return key

    def agencies(self, cell: str | list | None, province: str | None, role: str) -> list[tuple]:
        """The agencies a lead or cooperating cell names, each its own node ("Ban Dân vận Tỉnh ủy;
        các cơ quan liên quan" is Ban Dân vận, the collective is left out); a list is the
        extractor's split already."""
        names = cell if isinstance(cell, list) else _split_cell(cell)
        keys = [k for k in (self.agency(x, province, role) for x in names) if k]
        return list(dict.fromkeys(keys))

    def tasks_and_planned(self, exts: list[dict]) -> None:
        for ext in exts:
            source = str(ext.get("source") or "")
            doc_key = self.ref_to_doc.get((source, "self")) or self.draft_docs.get(source)
            if doc_key is None:
                continue
            doc_path = self.docs[doc_key].path
            province = self.file_province.get(source)
            for a in ext.get("agencies") or []:
                for role in a.get("roles") or [None]:
                    self.agency(a.get("name"), province, role)
            sources = self.docs[doc_key].sources
            if len(sources) > 1 and source != sources[0]:
                # one document in two files (its PDF and its DOCX): its tasks and planned items
                # once, from the first file in path order, or the same rows would be two nodes
                if source == sources[1]:
                    self.c.quality.append(QualityRecord(
                        "duplicate_file", f"{self.docs[doc_key].symbol} is loaded from {len(sources)} files; its task "
                        f"rows and planned items are read from {sources[0]}", [doc_key],
                        [Evidence(x, None, None, x) for x in sources], severity="low"))
                continue
            by_symbol = {}
            for i, ref in enumerate(ext.get("references") or []):
                k = self.ref_to_doc.get((source, i))
                if k:
                    by_symbol[ref.get("symbol")] = k
                    by_symbol[split_symbol(ref.get("symbol"))["symbol"]] = k
                    for aw in ref.get("as_written") or []:
                        by_symbol.setdefault(aw, k)
            for n, t in enumerate(ext.get("tasks") or []):
                tid = "-".join(filter(None, [str(t.get("section") or ""), str(t.get("tt") or "")])) or str(n)
                self.c.tasks.append(Task(
                    path=f"task/{doc_path.removeprefix('doc/')}/{slug(tid)}-{n}", document=doc_key,
                    section=t.get("section"), tt=None if t.get("tt") is None else str(t.get("tt")),
                    content=str(t.get("content") or ""),
                    leads=self.agencies(t.get("lead") or t.get("lead_inherited"), province, "lead"),
                    lead_inherited=not t.get("lead") and bool(t.get("lead_inherited")),
                    cooperating=self.agencies(t.get("cooperating"), province, "cooperating"),
                    deadline=t.get("deadline"), deadline_date=deadline_date(t.get("deadline")),
                    references=[by_symbol[s] for s in (t.get("references") or []) if s in by_symbol],
                    source=source))
            notes_at = {(t.get("start"), t.get("end")): t.get("notes") for t in ext.get("tasks") or [] if t.get("notes")}
            for n, p in enumerate(ext.get("planned") or []):
                ordinal = None if p.get("ordinal") is None else str(p.get("ordinal"))
                issued = p.get("issued_as")
                issued_key = (by_symbol.get(issued) or by_symbol.get(split_symbol(issued)["symbol"])) if issued else None
                if issued and issued_key is None:
                    issued_key = self._issued_elsewhere(issued, doc_key)
                self.c.planned.append(Planned(
                    path=f"planned/{doc_path.removeprefix('doc/')}/{slug(ordinal or 'x')}-{n}", document=doc_key,
                    ordinal=ordinal, kind=p.get("kind"), title=str(p.get("title") or ""),
                    leads=self.agencies(p.get("lead"), province, "lead"),
                    cooperating=self.agencies(p.get("cooperating"), province, "cooperating"),
                    deadline=p.get("deadline"), deadline_date=deadline_date(p.get("deadline")), source=source,
                    issued_as=issued_key,
                    issued_evidence=Evidence(source, p.get("start"), p.get("end"),
                                             str(notes_at.get((p.get("start"), p.get("end"))) or issued))
                    if issued_key else None))

    def _issued_elsewhere(self, symbol: str, plan_key: tuple) -> tuple | None:
        """A symbol a notes cell names that the file does not cite otherwise: the one document of the
        plan's scope (or a central or state one) with that symbol, if exactly one."""
        scope = self.docs[plan_key].scope
        sym = split_symbol(symbol)["symbol"]
        self.symbol_lookups.add(sym)
        hits = [d.key for d in self._by_symbol().get(sym, ())
                if not d.ambiguous and (d.scope == scope or d.scope == "central" or d.scope.startswith("state"))]
        return hits[0] if len(hits) == 1 else None

    def _by_symbol(self) -> dict[str, list[Document]]:
        if getattr(self, "_symbols", None) is None:
            self._symbols = defaultdict(list)
            for d in self.docs.values():
                for sym in {d.symbol, *d.as_written} - {None}:
                    self._symbols[sym].append(d)
        return self._symbols

    # the extractor's warnings, and the resolver record that already says the same thing
    WARNING_KINDS = {"type_code_contradicts_noun": "type_code_typo", "issuer_code_contradicts_body": "issuer_code_typo",
                     "date_conflict": "date_conflict", "term_contradicts_date": "term_conflict"}

    def warnings(self, exts: list[dict]) -> None:
        """The extractor's ``warnings`` as quality records with their file and span, unless a record
        of the resolver already has evidence overlapping that span in that file."""
        spans: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        for q in [*self.c.quality, *(self.glob.quality if self.glob else ())]:
            for e in q.evidence:
                if e.start is not None and e.end is not None:
                    spans[(q.kind, e.source)].append((e.start, e.end))
        for ext in exts:
            source = str(ext.get("source") or "")
            refs = ext.get("references") or []
            for w in ext.get("warnings") or []:
                kind, start, end = str(w.get("kind") or "warning"), w.get("start"), w.get("end")
                same = self.WARNING_KINDS.get(kind)
                if same and start is not None and end is not None and any(
                        a < end and start < b for a, b in spans.get((same, source), ())):
                    continue
                quote, docs = str(w.get("message") or kind), []
                for i, ref in enumerate(refs):     # the citation the warning is about, if any
                    for m in ref.get("mentions") or []:
                        if (start is not None and end is not None and isinstance(m, dict)
                                and m.get("start") is not None and m["start"] < end and start < m["end"]):
                            quote = str(m.get("text") or quote)
                            key = self.ref_to_doc.get((source, i))
                            if key and key not in docs:
                                docs.append(key)
                            break
                    if docs:
                        break
                span = f" [{start}:{end}]" if start is not None else ""
                self.c.quality.append(QualityRecord(
                    kind, f"{Path(source).name}{span}: {w.get('message') or kind}", documents=docs,
                    evidence=[Evidence(source, start, end, quote)],
                    severity="high" if kind == "impossible_date" else "medium"))

    def issuers(self) -> None:
        """Each document's issuing body as an agency node of its scope."""
        for d in self.c.documents.values():
            if d.issuing_body and not d.ambiguous:
                province = d.province if d.scope.startswith(PROVINCIAL_SCOPES) else None
                if d.scope == "central":
                    province = None
                d.issued_by = self.agency(d.issuing_body, province, "issuer")

    def successors(self) -> None:
        rows = _successor_rows()
        if not rows:
            return
        for key, a in list(self.c.agencies.items()):
            for old, new, prov in rows:
                if key[1] == old and (not prov or province_slug(prov) == key[0]):
                    nk = self.agency(new, a.province)
                    if nk and nk != key:
                        a.successor = nk

    def match_planned(self) -> None:
        match_planned(self.c, docs=self.docs)


PLANNED_THRESHOLD = 0.75


def match_planned(c: Corpus, threshold: float = PLANNED_THRESHOLD, docs=None) -> None:
    """Link planned items to the documents that fulfilled them; leave the others open.

    A candidate has a type the kind allows, the planning document's scope, a date on or
    after the plan's, and a similar subject. score = 0.75·similarity + 0.15·(lead agency
    matches the issuer family) + 0.10·(issued within a year of the deadline).
    """
    docs = c.documents if docs is None else docs    # a partition: its own documents and the global ones
    by_scope_type: dict[tuple, list[Document]] = defaultdict(list)
    for d in docs.values():
        if d.symbol and not d.ambiguous:
            by_scope_type[(d.scope, d.type)].append(d)
    used: dict[tuple, set[tuple]] = defaultdict(set)     # plan document -> fulfilling documents used
    # 1. what the task table says was issued (notes: "Quyết định số 387/QĐ-UBND ngày 26/02/2026"),
    # before any fuzzy matching; a kind that names a type must fit the document's (a row planning
    # a Chương trình and a Kế hoạch, noted as issued by one Chương trình, links the Chương trình)
    for p in c.planned:
        if p.issued_as is None or p.issued_as == p.document:
            continue
        d = docs[p.issued_as]
        codes = kind_code(p.kind)
        if codes and d.type and not ({d.type, CONFUSABLE.get(d.type)} & codes):
            continue
        sim = _subject_sim(p.title, d.subject or d.title)
        delay = (d.date - p.deadline_date).days if d.date and p.deadline_date else None
        p.fulfilled_by.append(Fulfilment(d.key, 1.0, delay, p.issued_evidence, sim if sim is not None else 0.0))
        used[p.document].add(d.key)
    # a fulfilling document needs similarity >= 80, so rapidfuzz's C loop picks those out of a
    # province's candidates (hundreds per type at 10,000 files) before any Python runs per pair;
    # the scores are _subject_sim's own (same scorer on the same stripped texts)
    # (scope, type) -> its distinct stripped subjects and, for each, the candidates that have it;
    # the same title asked of the same candidates is answered once (a plan copied or re-cited)
    subjects: dict[tuple, tuple[list[str], list[list[int]]]] = {}
    asked: dict[tuple, list[tuple[float, int]]] = {}
    scored = []
    for p in c.planned:
        plan = docs[p.document]
        query = _strip_kind(p.title) if p.title else ""
        if not query:
            continue
        codes = kind_code(p.kind)
        for code in sorted(codes):
            ds = by_scope_type.get((plan.scope, code), ())
            if not ds:
                continue
            pair = (plan.scope, code)
            if pair not in subjects:
                index: dict[str, list[int]] = {}
                for i, d in enumerate(ds):
                    index.setdefault(_strip_kind(d.subject or d.title or ""), []).append(i)
                subjects[pair] = (list(index), list(index.values()))
            if (query, pair) not in asked:
                texts, members = subjects[pair]
                hits = process.extract(query, texts, scorer=fuzz.token_set_ratio, processor=None,
                                       score_cutoff=80, limit=None)
                asked[(query, pair)] = sorted((i, sim) for _, sim, u in hits for i in members[u])
            for i, sim in asked[(query, pair)]:
                d = ds[i]
                if d.key == plan.key:
                    continue
                if plan.date and d.date and d.date < plan.date:
                    continue
                sim = float(sim)
                delay = (d.date - p.deadline_date).days if d.date and p.deadline_date else None
                timely = 1.0 if delay is not None and delay <= 365 else (0.5 if delay is None else 0.0)
                lead_ok = 1.0 if not p.leads else 0.5
                score = round(0.75 * sim / 100 + 0.15 * lead_ok + 0.10 * timely, 3)
                if score >= threshold:
                    scored.append((score, sim, p, d, delay))
    for score, sim, p, d, delay in sorted(scored, key=lambda x: (-x[0], x[2].path, x[3].path)):
        if p.fulfilled_by or d.key in used[p.document]:
            continue
        used[p.document].add(d.key)
        # the evidence is a passage naming the fulfilling document with its subject
        ev = d.evidence[0] if d.evidence else Evidence(p.source, None, None, p.title)
        p.fulfilled_by.append(Fulfilment(d.key, score, delay, ev, sim))
    for p in c.planned:
        if not p.fulfilled_by:
            c.quality.append(QualityRecord(
                "unmatched_planned",
                f"{docs[p.document].symbol or docs[p.document].label} planned {p.kind or 'a document'} "
                f"'{p.title}' (deadline {p.deadline or '—'}): no issued document found in the corpus",
                documents=[p.document], evidence=[Evidence(p.source, None, None, p.title)], severity="low"))


@cache
def _unnumbered_forms() -> tuple[tuple[str, re.Pattern[str], str], ...]:
    """(level, pattern, key) of ``data/unnumbered_identity.tsv``, with {N} expanded."""
    words = "|".join(sorted(_number_words(), key=len, reverse=True))
    return tuple((r["level"], re.compile(r["pattern"].replace("{N}", rf"(?P<n>\d{{1,2}}|{words})")), r["key"])
                 for r in table("unnumbered_identity"))


@cache
def _number_words() -> dict[str, int]:
    return {r["word"]: int(r["value"]) for r in table("number_words")}


def unnumbered_identity(folded: str) -> tuple[str, str] | None:
    """(level, key) of a congress or plenum resolution named without a number, from its folded
    label (``data/unnumbered_identity.tsv``); None for other unnumbered documents (their label is
    their key).

    >>> unnumbered_identity(fold("Nghị quyết Hội nghị lần thứ tư Ban Chấp hành Trung ương Đảng khóa XII"))
    ('central', 'nghi quyet trung uong 4 khoa xii')
    >>> unnumbered_identity(fold("Nghị quyết Đại hội XIII của Đảng"))
    ('central', 'nghi quyet dai hoi toan quoc xiii')
    >>> unnumbered_identity(fold("Nghị quyết Trung ương 4 khóa XI, khóa XII"))     # two documents in one phrase
    """
    for level, rx, key in _unnumbered_forms():
        m = rx.match(folded)
        if m:
            groups = {k: v for k, v in m.groupdict().items() if v is not None}
            if "n" in groups:
                groups["n"] = int(groups["n"]) if groups["n"].isdigit() else _number_words()[groups["n"]]
            for g in ("t", "r"):          # "khóa 13" is "khóa XIII"
                if groups.get(g, "").isdigit():
                    groups[g] = norm_term(groups[g]).lower()
            return level, key.format(**groups)
    return None


# ----------------------------------------------------------------------- partitions

# The numbering scopes whose documents any file of any province may cite: resolved once, over
# the mentions of the whole corpus. Every other scope (a province's TU, HU, UBND …) is that of
# the citing file's province, or of the province its body names ("… Tỉnh ủy Hải Dương (cũ)" in a
# Hải Phòng file): its documents are resolved among the files of the provinces so linked.
GLOBAL_SCOPES = frozenset({"central", "state"})


def partition_of(ext: dict) -> str:
    """The partition of a file's extraction: its province's slug, ``_`` without one.

    >>> partition_of({"document": {"province": "Tuyên Quang"}}), partition_of({})
    ('tuyen-quang', '_')
    """
    return province_slug((ext.get("document") or {}).get("province")) or "_"


@dataclass
class GlobalUnit:
    """What the global stage made of one unit: a number under one type and its confusable twin
    (``CT`` and ``CTr``), the smallest set of mentions it clusters on their own."""
    documents: list[tuple]
    quality: list[QualityRecord]
    titles: list[tuple[str, str, tuple]]      # loaded documents: (scope, folded genre+title, key)


@dataclass
class Globals:
    """What the global stage resolved: the central and state documents every partition reads."""
    documents: dict[tuple, Document] = field(default_factory=dict)
    ref_to_doc: dict[tuple, tuple] = field(default_factory=dict)      # (source, index | "self") -> key
    quality: list[QualityRecord] = field(default_factory=list)
    agencies: dict[tuple, Agency] = field(default_factory=dict)       # the issuers of those documents
    loaded_titles: dict[str, list] = field(default_factory=dict)      # scope -> [(folded genre+title, key)]
    units: dict[tuple, GlobalUnit] = field(default_factory=dict)


def global_unit(t: tuple) -> tuple:
    """The unit of a packed mention (see :class:`GlobalUnit`)."""
    typ = t[3] or ""
    alt = CONFUSABLE.get(typ)
    return (t[6], (t[4] or "").upper(), "|".join(sorted((typ, alt))) if alt else typ, _num(t[2]))


def resolve_global(packed: Iterable[tuple], previous: Globals | None = None,
                   touched: set[tuple] | None = None) -> Globals:
    """Cluster the central and state mentions of the whole corpus (packed, in source order) into
    documents, unit by unit. With the ``previous`` result and the units whose mentions changed
    (``touched``), every other unit is taken as it was: its mentions are the same, so is its result."""
    by_unit: dict[tuple, list[tuple]] = defaultdict(list)
    for t in packed:
        by_unit[global_unit(t)].append(t)
    g = Globals()
    for u in sorted(by_unit, key=str):
        ts = by_unit[u]
        if previous is not None and touched is not None and u not in touched and u in previous.units:
            res = previous.units[u]
            for k in res.documents:
                g.documents[k] = previous.documents[k]
            for t in ts:
                g.ref_to_doc[t[18]] = previous.ref_to_doc[t[18]]
        else:
            r = _Resolver()
            r.mentions = [unpack_mention(t) for t in ts]
            r.file_docs = {m.source: m for m in r.mentions if m.ref_id[1:] == ("self",)}
            r.cluster()
            res = GlobalUnit(list(r.c.documents), r.c.quality,
                             [(scope, f, k) for scope, ts_ in r._loaded_titles().items() for f, k in ts_])
            g.documents.update(r.c.documents)
            g.ref_to_doc.update(r.ref_to_doc)
        g.units[u] = res
        g.quality += res.quality
        for scope, f, k in res.titles:
            g.loaded_titles.setdefault(scope, []).append((f, k))
    r = _Resolver()                # the issuers, in a fixed order: an agency keeps the first name seen
    r.c.documents.update(sorted(g.documents.items(), key=lambda kv: kv[1].path))
    r.issuers()
    g.agencies = r.c.agencies
    return g


class Partition:
    """The files of one partition (sorted by source), resolved in two steps around the global stage:
    creating it reads them, clusters the partition's own scopes and sets aside
    :attr:`global_mentions`; :meth:`resolve` finishes against the global documents. The corpus it returns holds the partition's own documents,
    relations, tasks, planned items, quality records and every agency it named; central unnumbered
    documents and agencies of another scope are shared with other partitions (:func:`merge_corpora`
    unites them)."""

    def __init__(self, exts: list[dict], key: str | None = None) -> None:
        self.exts = exts
        self.key = key if key is not None else (partition_of(exts[0]) if exts else "_")
        self._r = _Resolver(partition=True)
        self._r.c.partition = self.key
        self._r.collect(exts)
        self._r.cluster()         # the partition's own scopes need nothing global

    @property
    def global_mentions(self) -> list[_Mention]:
        return self._r.global_mentions

    def links(self) -> dict[str, tuple[str, ...]]:
        """Each file's :func:`province_links`, what the build joins partitions by."""
        return file_links(self.exts, self._r.mentions)

    def resolve(self, glob: Globals) -> Corpus:
        r, exts = self._r, self.exts
        r.attach(glob)
        r.relations(exts)
        r.warnings(exts)
        r.tasks_and_planned(exts)
        r.issuers()
        r.successors()
        r.match_planned()
        return r.c

    def global_reads(self) -> tuple[set[str], set[tuple]]:
        """What the resolved partition read of the global stage beyond the keys its references
        resolved to: symbols it looked up, and global documents whose fields (subject, date …)
        it used. An incremental build re-resolves the partition when any of these changed."""
        c = self._r.c
        keys = {k for p in c.planned for k in (p.issued_as, *(f.document for f in p.fulfilled_by)) if k}
        keys |= {k for q in c.quality if q.kind == "unnumbered_resolved" for k in q.documents}
        return set(self._r.symbol_lookups), {k for k in keys if k not in c.documents}


def shared_document(key: tuple) -> bool:
    """A document that partitions create but none owns: one named only by its title, of central scope."""
    return key[0] == "unnumbered" and key[1] in GLOBAL_SCOPES


def shared_part(c: Corpus) -> tuple[dict, dict]:
    """The documents and agencies of a partition that other partitions may name too."""
    own = partition_provinces(c.partition or "")
    return ({k: d for k, d in c.documents.items() if shared_document(k)},
            {k: a for k, a in c.agencies.items() if k[0] not in own})


def shared_nodes(glob: Globals, shared: Iterable[tuple[dict, dict]]) -> Corpus:
    """The global piece: the global stage's documents, agencies and records, with the shared
    documents and agencies of every partition (in partition order) merged into one node each. A
    merged node keeps the first one's name and label and gathers every side's citations,
    aliases and roles; agencies get their successors here, where all of them are known."""
    r = _Resolver()
    c = r.c
    c.documents.update(glob.documents)
    c.quality.extend(glob.quality)
    for k, a in glob.agencies.items():
        c.agencies[k] = Agency(a.key, a.path, a.name, a.province, set(a.aliases), a.successor, set(a.roles))
    for docs, agencies in shared:
        for k, d in docs.items():
            have = c.documents.get(k)
            if have is None:
                c.documents[k] = Document(**{**d.__dict__, "cited_in": list(d.cited_in)})
            else:
                have.cited_in = sorted(set(have.cited_in) | set(d.cited_in))
        for k, a in agencies.items():
            have = c.agencies.get(k)
            if have is None:
                c.agencies[k] = Agency(a.key, a.path, a.name, a.province, set(a.aliases), a.successor, set(a.roles))
            else:
                have.aliases |= ({a.name} | a.aliases) - {have.name}
                have.roles |= a.roles
                have.successor = have.successor or a.successor
    r.successors()
    return c


def merge_corpora(glob: Globals, parts: list[Corpus]) -> Corpus:
    """One corpus from the global stage and the partitions (in partition order)."""
    c = shared_nodes(glob, (shared_part(p) for p in parts))
    for part in parts:
        own_docs, own_agencies = shared_part(part)
        c.documents.update((k, d) for k, d in part.documents.items() if k not in own_docs)
        c.agencies.update((k, a) for k, a in part.agencies.items() if k not in own_agencies)
        c.relations += part.relations
        c.tasks += part.tasks
        c.planned += part.planned
        c.quality += part.quality
        c.sources.update(part.sources)
    c.quality.sort(key=lambda q: (q.kind, q.message))
    return c


def province_links(ext: dict, mentions: Iterable[_Mention]) -> tuple[str, ...]:
    """A file's province (its :func:`partition_of`) and, after it, the other provinces whose
    numbering scopes its mentions name, sorted.

    >>> from types import SimpleNamespace as M
    >>> province_links({"document": {"province": "Hải Phòng"}},
    ...                [M(scope="central"), M(scope="province:hai-phong"), M(scope="province:hai-duong")])
    ('hai-phong', 'hai-duong')
    """
    own = partition_of(ext)
    others = set()
    for m in mentions:
        parts = m.scope.split(":")
        if len(parts) > 1 and parts[1] not in ("unknown", own):
            others.add(parts[1])
    return (own, *sorted(others))


def file_links(exts: Iterable[dict], mentions: Iterable[_Mention]) -> dict[str, tuple[str, ...]]:
    """Each file's :func:`province_links`, from the mentions read in all of ``exts``."""
    by_file: dict[str, list[_Mention]] = defaultdict(list)
    for m in mentions:
        by_file[m.source].append(m)
    return {str(e.get("source") or ""): province_links(e, by_file[str(e.get("source") or "")]) for e in exts}


def joined_partitions(links: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Each file's partition from its :func:`province_links`: the provinces linked by citations
    are one partition (a document of Hải Dương's TU cited from Hải Phòng is resolved with Hải
    Dương's files, and only there), named by the linked provinces that have files.

    >>> joined_partitions({"a.txt": ("hai-phong", "hai-duong"), "b.txt": ("hai-duong",), "c.txt": ("tuyen-quang",)})
    {'a.txt': 'hai-duong+hai-phong', 'b.txt': 'hai-duong+hai-phong', 'c.txt': 'tuyen-quang'}
    """
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for own, *others in links.values():
        for o in others:
            a, b = root(own), root(o)
            if a != b:
                parent[max(a, b)] = min(a, b)
    with_files: dict[str, set[str]] = defaultdict(set)
    for own, *_ in links.values():
        with_files[root(own)].add(own)
    name = {r: "+".join(sorted(slugs)) for r, slugs in with_files.items()}
    return {f: name[root(link[0])] for f, link in links.items()}


def partition_provinces(key: str) -> frozenset[str]:
    """The province slugs a partition resolves together (``hai-duong+hai-phong``: two)."""
    return frozenset(key.split("+"))


def split_partitions(exts: Iterable[dict]) -> dict[str, list[dict]]:
    """Extractions by partition (:func:`joined_partitions`), each list sorted by source."""
    exts = sorted((e for e in exts if e), key=lambda e: str(e.get("source") or ""))
    r = _Resolver(partition=True)
    r.collect(exts)
    keys = joined_partitions(file_links(exts, r.mentions))
    parts: dict[str, list[dict]] = defaultdict(list)
    for e in exts:
        parts[keys[str(e.get("source") or "")]].append(e)
    return dict(sorted(parts.items()))


def resolve(extractions: Iterable[dict]) -> Corpus:
    """Turn per-file extractions (the issue-3 contract) into one :class:`Corpus`: the global
    stage, then each province's partition, merged."""
    parts = [Partition(p, k) for k, p in split_partitions(extractions).items()]
    glob = resolve_global([pack_mention(m) for m in sorted((m for p in parts for m in p.global_mentions),
                                                           key=lambda m: m.source)])
    return merge_corpora(glob, [p.resolve(glob) for p in parts])
