"""Agencies named in a document, normalised through ``data/agencies.tsv``, with their roles.

Names are matched on folded text (case, accents placement such as ``uỷ``/``ủy`` and spacing
do not matter) against the aliases of the table, plus every alias rewritten with the
abbreviations of ``data/agency_abbrev.tsv`` (``UBND``, ``HĐND``, ``MTTQ``, ``BTV``…)::

    >>> canonical_agency("Ban cán sự đảng UBND tỉnh")
    'Ban cán sự đảng Ủy ban nhân dân tỉnh'
    >>> canonical_agency("Ban Tổ chức Tỉnh uỷ")
    'Ban Tổ chức Tỉnh ủy'
    >>> canonical_agency("ĐUTT", context="Các huyện ủy, thành ủy, ĐUTT")
    'Các đảng ủy trực thuộc Tỉnh ủy'
    >>> split_agencies("Mặt trận Tổ quốc tỉnh, các tổ chức chính trị - xã hội tỉnh và các cơ quan, đơn vị có liên quan")
    ['Mặt trận Tổ quốc tỉnh', 'các tổ chức chính trị - xã hội tỉnh', 'các cơ quan, đơn vị có liên quan']

Roles: ``issuer`` (header of the document), ``signer_org`` (``T/M …`` line), ``lead`` and
``cooperating`` (task cells, planned items), ``recipient`` (``Nơi nhận:`` block), ``member``
(steering committees of planned items), ``assignee`` (named in the "Tổ chức thực hiện" part).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache, lru_cache

from loaders.fold import GAP, fold, fold_aligned
from loaders.linescan import LineScan
from loaders.tables import table

ROLE_ORDER = ("issuer", "signer_org", "lead", "cooperating", "recipient", "member", "assignee")


@cache
def _abbrevs() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    out = []
    for r in table("agency_abbrev"):
        ctx = tuple(fold(c) for c in r.get("context", "").split("|") if c.strip())
        out.append((fold(r["abbrev"]), fold(r["expansion"]), ctx))
    return tuple(out)


def _variants(key: str) -> set[str]:
    found = {key}
    for abbr, exp, ctx in _abbrevs():
        if ctx:
            continue  # context-dependent codes are resolved by canonical_agency, not by aliases
        for v in list(found):
            padded = f" {v} "
            if f" {exp} " in padded:
                found.add(padded.replace(f" {exp} ", f" {abbr} ").strip())
    return found


@cache
def agency_aliases() -> dict[str, str]:
    """Folded alias (abbreviated forms included) -> canonical name, for all of ``agencies.tsv``.

    >>> agency_aliases()["ban can su dang ubnd tinh"]
    'Ban cán sự đảng Ủy ban nhân dân tỉnh'
    """
    out: dict[str, str] = {}
    for r in agency_rows():
        names = [r["canonical"]] + [a.strip() for a in r.get("aliases", "").split("|") if a.strip()]
        for name in names:
            for v in _variants(fold(name)):
                out.setdefault(v, r["canonical"])
    return out


# A centrally-run city's party committee is its Thành ủy, and its organs are named after it
# ("Ban Tổ chức Thành ủy", "Ban Chấp hành Đảng bộ thành phố"); same code TU, same organs.
_CITY_TWIN = (("Tỉnh ủy", "Thành ủy"), ("Tỉnh uỷ", "Thành uỷ"), ("Đảng bộ tỉnh", "Đảng bộ thành phố"),
              ("ĐB tỉnh", "ĐB thành phố"))


def _city_twin(name: str) -> str:
    for a, b in _CITY_TWIN:
        name = name.replace(a, b)
    return name


@cache
def agency_rows() -> tuple[dict[str, str], ...]:
    """The rows of ``agencies.tsv``, then the twin of each provincial row that names the
    Tỉnh ủy, for a centrally-run city (Hà Nội, Hải Phòng …): "Ban Tổ chức Thành ủy".

    >>> [r["canonical"] for r in agency_rows() if r["canonical"].startswith("Ban Tổ chức")]
    ['Ban Tổ chức Trung ương', 'Ban Tổ chức Tỉnh ủy', 'Ban Tổ chức Thành ủy']
    """
    rows = list(table("agencies"))
    known = {r["canonical"] for r in rows}
    for r in list(rows):
        twin = _city_twin(r["canonical"])
        if r.get("level") == "province" and twin != r["canonical"] and twin not in known:
            rows.append({**r, "canonical": twin, "aliases": _city_twin(r.get("aliases", ""))})
            known.add(twin)
    return tuple(rows)


@cache
def agency_info() -> dict[str, dict[str, str]]:
    """Canonical name -> its row (level, kind) of ``agencies.tsv`` (:func:`agency_rows`)."""
    return {r["canonical"]: r for r in agency_rows()}


@cache
def agency_successors() -> tuple[dict[str, str], ...]:
    """Rows of ``agency_successors.tsv`` (predecessor, successor, date, evidence), and their twins
    in a centrally-run city where both name the Tỉnh ủy (:func:`agency_rows`).

    >>> [r["successor"] for r in agency_successors() if r["predecessor"] == "Ban Dân vận Thành ủy"]
    ['Ban Tuyên giáo và Dân vận Thành ủy']
    """
    rows = list(table("agency_successors"))
    for r in list(rows):
        old, new = _city_twin(r["predecessor"]), _city_twin(r["successor"])
        if old != r["predecessor"] and new != r["successor"]:
            rows.append({**r, "predecessor": old, "successor": new})
    return tuple(rows)


def _trie_regex(words) -> str:
    """One regex for many folded phrases, shared prefixes factored out (much faster than a flat
    alternation over a whole document); longer phrases are preferred, word ends are checked."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    depth: dict[int, int] = {}  # id(node) -> _depth(node), each computed once (was quadratic)

    def measure(node: dict) -> int:
        d = depth[id(node)] = 1 + max((measure(v) for k, v in node.items() if k), default=0)
        return d

    measure(trie)

    def emit(node: dict) -> str:
        branches = []
        for ch in sorted((k for k in node if k), key=lambda k: -depth[id(node[k])]):
            piece = GAP if ch == " " else re.escape(ch)
            branches.append(piece + emit(node[ch]))
        end = "" in node
        if not branches:
            return ""
        if end:
            # stop here only at a word end; otherwise try the longer phrases first
            return "(?:" + "|".join(branches) + "|(?![a-z0-9]))"
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(trie)


def _depth(node: dict) -> int:
    return 1 + max((_depth(v) for k, v in node.items() if k), default=0)


@cache
def _alias_trie() -> str:
    return _trie_regex(agency_aliases())


@cache
def _alias_scan() -> re.Pattern[str]:
    """The same aliases, each found with the boundary character before it (group 1: the alias).

    A pattern that opens with a lookbehind makes the engine start a match at every offset of
    the document; opening with ``[^a-z0-9]`` it skips through the words in C. An alias ends
    with a letter or digit, so no alias starts right where the previous one ended and the
    boundary character is never shared; the range start is tried with :func:`_alias_at`.
    """
    return re.compile(r"[^a-z0-9](" + _alias_trie() + r")(?![a-z0-9])")


_PAREN = re.compile(r"\([^()]*\)")
_LEADING_NOISE = re.compile(r"^[\s\-–+•*]+|[\s,.;:*]+$")


@lru_cache(maxsize=4096)  # the same cells and list items come back row after row
def _clean_name(name: str) -> str:
    return _LEADING_NOISE.sub("", _PAREN.sub(" ", name)).strip()


@lru_cache(maxsize=4096)
def canonical_agency(name: str, context: str | None = None) -> str | None:
    """The canonical name of ``name`` if the alias table knows it (``context``: the list it stands in)."""
    key = fold(_clean_name(name))
    if not key:
        return None
    hit = agency_aliases().get(key)
    if hit:
        return hit
    ctx = fold(context or "")
    for abbr, exp, words in _abbrevs():
        if words and f" {abbr} " in f" {key} " and any(w in ctx for w in words):
            hit = agency_aliases().get(f" {key} ".replace(f" {abbr} ", f" {exp} ").strip())
            if hit:
                return hit
    return None


@cache
def _heads() -> tuple[tuple[str, ...], tuple[str, ...]]:
    heads = tuple(sorted({fold(r["word"]) for r in table("agency_heads") if r["kind"] == "head"}, key=len, reverse=True))
    units = tuple(sorted({fold(r["word"]) for r in table("agency_heads") if r["kind"] == "unit"}, key=len, reverse=True))
    return heads, units


def _starts_with(segment: str, words: tuple[str, ...]) -> bool:
    key = f"{fold(segment)} "
    return any(key.startswith(f"{w} ") for w in words)


def split_agencies(text: str | None, bare: bool = False) -> list[str]:
    """Split a list of agencies at ``;`` and at ``,`` / ``và`` before a new organisation name.

    ``bare``: the items are bare names (steering-committee members), so every comma splits,
    except before an administrative-unit word (``huyện, thị xã, thành phố``).
    """
    return list(_split_agencies(text, bare)) if text else []


@lru_cache(maxsize=1024)
def _split_agencies(text: str, bare: bool) -> tuple[str, ...]:
    heads, units = _heads()
    # a known multi-part name ("Các huyện ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy") is never split
    protected = [(s, e) for s, e, _ in find_agency_mentions(text)]
    parts: list[str] = []
    depth, buf, i = 0, [], 0
    while i < len(text):
        c = text[i]
        if any(s < i < e for s, e in protected):
            buf.append(c)
            i += 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth = max(0, depth - 1)
        if depth == 0 and c == ";":
            parts.append("".join(buf)); buf = []; i += 1
            continue
        if depth == 0 and c == ",":
            rest = text[i + 1:].lstrip()
            if (bare and not _starts_with(rest, units)) or (not bare and _starts_with(rest, heads)):
                parts.append("".join(buf)); buf = []; i += 1
                continue
        if depth == 0 and text.startswith(" và ", i):
            rest = text[i + 4:]
            if _starts_with(rest, heads) and not bare:
                parts.append("".join(buf)); buf = []; i += 4
                continue
        buf.append(c)
        i += 1
    parts.append("".join(buf))
    return tuple(p for p in (_LEADING_NOISE.sub("", x).strip() for x in parts) if p)


def _alias_at(aligned: str, start: int, end: int) -> tuple[int, int, str] | None:
    """(start, end, alias) of an alias that begins at ``start`` (not after a letter or digit),
    within ``aligned[:end]``: :func:`_alias_scan` matched from the character before ``start``
    (or from a space put in front of the text at its start), so one compiled trie serves both."""
    if start > 0:
        m = _alias_scan().match(aligned, start - 1, end)
        return (m.start(1), m.end(1), m.group(1)) if m else None
    m = _alias_scan().match(" " + aligned[:end])
    return (m.start(1) - 1, m.end(1) - 1, m.group(1)) if m else None


def find_agency_mentions(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, canonical) for every alias occurrence in ``text[start:end]``, longest first."""
    aligned = fold_aligned(text)
    aliases = agency_aliases()
    end = len(text) if end is None else end
    out = []
    first = _alias_at(aligned, start, end)  # an alias right at the range start
    if first:
        key = " ".join(first[2].replace("\x00", " ").split())
        out.append((first[0], first[1], aliases[key]))
        start = first[1]
    canon = _canon_of_match
    for m in _alias_scan().finditer(aligned, start, end):
        s, e = m.span(1)
        out.append((s, e, canon(m.group(1))))
    return out


@lru_cache(maxsize=4096)  # the same few spellings of each alias, document after document
def _canon_of_match(matched: str) -> str:
    return agency_aliases()[" ".join(matched.replace("\x00", " ").split())]


def _mentions_within(text: str, full: list[tuple[int, int, str]], ends: list[int], a: int, b: int
                     ) -> list[tuple[int, int, str]]:
    """``find_agency_mentions(text, a, b)`` taken from ``full`` (the whole text's mentions)
    instead of scanning the range again.

    The two agree unless a mention of the whole text crosses ``a`` or ``b`` (the range scan
    would then see another one), or a mention could end at ``b`` inside the range but not in
    the whole text (a letter on both sides of ``b``); in those cases the range is scanned.
    ``ends``: the end of each of ``full`` (mentions do not overlap, so ends ascend too).
    """
    aligned = fold_aligned(text)
    if 0 < b < len(aligned) and aligned[b - 1].isalnum() and aligned[b].isalnum():
        return find_agency_mentions(text, a, b)
    out = []
    for s, e, canon in full[bisect_right(ends, a):]:  # the first that ends after a
        if s >= b:
            break
        if s < a < e or s < b < e:
            return find_agency_mentions(text, a, b)
        if a <= s and e <= b:
            out.append((s, e, canon))
    return out


class _Collector:
    def __init__(self, text: str) -> None:
        self.text = text
        self.items: dict[str, dict] = {}
        self.unknown: dict[str, str] = {}
        self.starts: dict[str, set[int]] = {}  # mention starts per item (a set: items get many)
        self.info = agency_info()
        self.squashed: dict[str, str] = {}     # as written -> its words, single-spaced

    def add(self, name: str, role: str, as_written: str, span: tuple[int, int] | None = None) -> None:
        if not name:
            return
        info = self.info
        if name not in info:  # names outside the table: one entry per folded spelling
            name = self.unknown.setdefault(fold(name), name)
        item = self.items.get(name)
        if item is None:
            item = self.items[name] = {"name": name, "as_written": [], "roles": [], "mentions": [],
                                       "known": name in info}
        if role not in item["roles"]:
            item["roles"].append(role)
        aw = self.squashed.get(as_written)
        if aw is None:
            aw = self.squashed[as_written] = " ".join(as_written.replace("*", " ").split())
        if aw and aw not in item["as_written"]:
            item["as_written"].append(aw)
        if span:
            starts = self.starts.setdefault(name, set())
            if span[0] not in starts:
                starts.add(span[0])
                item["mentions"].append({"start": span[0], "end": span[1], "text": self.text[span[0]:span[1]]})

    def add_mentions(self, found: list[tuple[int, int, str]]) -> None:
        """``add(canon, <its first role>, text[s:e], (s, e))`` for each (s, e, canon) of ``found``
        whose agency already has an entry (inlined: a document has thousands)."""
        items, info, squashed, text = self.items, self.info, self.squashed, self.text
        for s, e, canon in found:
            item = items.get(canon)
            if item is None:
                continue
            if canon not in info:
                self.add(canon, item["roles"][0], text[s:e], (s, e))
                continue
            # the role is the item's own first role: nothing to add there
            as_written = text[s:e]
            aw = squashed.get(as_written)
            if aw is None:
                aw = squashed[as_written] = " ".join(as_written.replace("*", " ").split())
            if aw and aw not in item["as_written"]:
                item["as_written"].append(aw)
            starts = self.starts.setdefault(canon, set())
            if s not in starts:
                starts.add(s)
                item["mentions"].append({"start": s, "end": e, "text": as_written})

    def add_list(self, value: str | list | None, role: str, span: tuple[int, int] | None = None,
                 bare: bool = False) -> None:
        """Every agency of a cell / list value, known ones by alias, the rest as written."""
        if not value:
            return
        pieces = value if isinstance(value, list) else split_agencies(value, bare=bare)
        for piece in pieces:
            name = canonical_agency(piece, context=value if isinstance(value, str) else None)
            if name:
                self.add(name, role, _clean_name(piece), self._locate(piece, span))
                continue
            found = find_agency_mentions(piece)
            cleaned = _clean_name(piece)
            if found and sum(e - s for s, e, _ in found) >= 0.75 * len(cleaned):
                for s, e, canon in found:
                    self.add(canon, role, piece[s:e], self._locate(piece[s:e], span))
            elif cleaned:
                self.add(cleaned[:1].upper() + cleaned[1:], role, cleaned, self._locate(cleaned, span))

    def _locate(self, piece: str, span: tuple[int, int] | None) -> tuple[int, int] | None:
        if not span:
            return None
        core = _clean_name(piece)
        i = self.text.find(core, span[0], span[1] + 1) if core else -1
        return (i, i + len(core)) if i >= 0 else None


_TM = re.compile(r"^[\s*]*T\s*/\s*M\.?\s+(.+?)[\s*]*$", re.M)
_RECIPIENTS = re.compile(r"^[\s\t*]*Nơi nhận\s*:?", re.M | re.I)
_BULLET = re.compile(r"^\s*[-–+•]\s*(.+?)\s*$")
_ROLE_PREFIX = re.compile(r"^(?:Lưu(?:\s*:)?|Chuyên viên|(?:Đ/c\s+)?Chánh, Phó Chánh)\s+", re.I)
_TCTH = re.compile(r"^\s*(?:[IVX]+|[A-Z])\s*[.\-–]\s*TỔ CHỨC THỰC HIỆN\s*$", re.M)
# Line-start patterns scanned over whole documents: see loaders.linescan.
_TM_SCAN, _RECIPIENTS_SCAN, _TCTH_SCAN = LineScan(_TM), LineScan(_RECIPIENTS), LineScan(_TCTH)
_NOT_ASSIGNEE_BEFORE = re.compile(r"(?:\bcủa|\bvới|\bbáo cáo|\btham mưu(?: cho)?|\btrình|\bthay mặt)\s*$", re.I)


def extract_agencies(text: str, tasks: list[dict], planned: list[dict]) -> list[dict]:
    """Agencies with a role in the document (see the module docstring), in order of first role.

    Keys: ``name`` (canonical, or the name as written when the table does not know it),
    ``as_written``, ``roles``, ``mentions`` (``{start, end, text}``: every occurrence of a known
    agency in ``text``; for unknown ones, where they were written in a role), ``known``.
    """
    col = _Collector(text)
    full = find_agency_mentions(text)  # scanned once; ranges are read from it
    ends = [e for _, e, _ in full]
    _issuers(text, col, full, ends)
    for m in _TM_SCAN.finditer(text):
        name = canonical_agency(m.group(1))
        if name:
            col.add(name, "signer_org", m.group(0).strip(" *"), (m.start(1), m.end(1)))
    for t in tasks:
        span = (t["start"], t["end"])
        col.add_list(t.get("lead") or t.get("lead_inherited"), "lead", span)
        col.add_list(t.get("cooperating"), "cooperating", span)
    for p in planned:
        span = (p.get("start", 0), p.get("end", 0))
        col.add_list(p.get("lead"), "lead", span)
        col.add_list(p.get("cooperating"), "cooperating", span)
        sc = p.get("steering_committee") or {}
        col.add_list(sc.get("members"), "member", span)
    _recipients(text, col)
    _assignees(text, col, full, ends)
    # Every occurrence of a known agency counts as a mention.
    col.add_mentions(full)
    out = list(col.items.values())
    for item in out:
        item["roles"].sort(key=ROLE_ORDER.index)
        item["mentions"].sort(key=lambda m: m["start"])
    return out


def _issuers(text: str, col: _Collector, full: list[tuple[int, int, str]], ends: list[int]) -> None:
    """Agencies in the heading block: up to the subject line ("thực hiện …", "về …") or the body."""
    pos = 0
    for n, line in enumerate(text.split("\n", 41)):  # only 41 lines are read
        stripped = line.strip(" \t*")
        if n > 40 or re.match(r"^(?:thực hiện|về|Thực hiện|Căn cứ|-|I[.\-\s]|Nơi nhận|T\s*/\s*M)", stripped):
            break
        if stripped and not re.search(r"ĐẢNG CỘNG SẢN|Số\b|ngày", stripped):
            for s, e, canon in _mentions_within(text, full, ends, pos, pos + len(line)):
                col.add(canon, "issuer", text[s:e], (s, e))
        pos += len(line) + 1


def _recipients(text: str, col: _Collector) -> None:
    for m in _RECIPIENTS_SCAN.finditer(text):
        pos = m.end()
        seen = 0
        for line in text[pos:].split("\n", 40)[:40]:  # only 40 lines are read
            start = pos
            pos += len(line) + 1
            b = _BULLET.match(line)
            if not b:
                if line.strip():
                    if seen:
                        break
                continue
            seen += 1
            value = _ROLE_PREFIX.sub("", b.group(1))
            value = _PAREN.sub("", value).strip(" ,.;")
            col.add_list(value, "recipient", (start, pos - 1))


def _assignees(text: str, col: _Collector, full: list[tuple[int, int, str]], ends: list[int]) -> None:
    m = _TCTH_SCAN.search(text)
    if not m:
        return
    end_m = _RECIPIENTS_SCAN.search(text, m.end())
    end = end_m.start() if end_m else len(text)
    for s, e, canon in _mentions_within(text, full, ends, m.end(), end):
        before = text[max(m.end(), s - 25):s]
        if _NOT_ASSIGNEE_BEFORE.search(before):
            continue
        col.add(canon, "assignee", text[s:e], (s, e))
