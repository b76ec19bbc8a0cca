"""Planned documents: the đề án, chương trình, nghị quyết… that a document says will be made.

Four places announce them, all recognised by the words of ``data/planned_nouns.tsv`` and
``data/planned_cues.tsv``:

1. numbered items that open with a genre noun and are followed by their parts (Mục tiêu,
   Nội dung, Tổ chức thực hiện with ``Cơ quan chủ trì tham mưu:`` / ``Cơ quan phối hợp:``,
   ``Thời gian hoàn thành dự thảo Đề án: Quý I/2021``, or a steering committee,
   ``Thành lập Ban chỉ đạo … do đồng chí … làm Trưởng ban; thành viên gồm …``);
2. lists under a heading such as ``C. DỰ KIẾN MỘT SỐ NGHỊ QUYẾT, KẾT LUẬN``;
3. task tables: every row of a table of documents to issue (one with a "Thẩm quyền ban hành"
   column), and rows of other tables whose content asks to draft one
   (``Tham mưu xây dựng và ban hành Đề án …``);
4. clauses of the body that open with a drafting verb before a genre noun
   (``- Xây dựng quy chế phối hợp … nhằm …``).

An ordinary numbered paragraph is not reported: the noun must open the item and the item must
have the parts of (1), or the drafting verb of (3)/(4) must stand right before the noun::

    >>> text = ("B. NỘI DUNG\\n1. Đề án phát triển du lịch tỉnh đến năm 2025\\nMục tiêu: Khai thác.\\n"
    ...         "- Cơ quan chủ trì tham mưu: Ban cán sự đảng Ủy ban nhân dân tỉnh.\\n"
    ...         "Thời gian hoàn thành dự thảo Đề án: Quý I/2021.\\n2. Yêu cầu chung\\n")
    >>> [(p["kind"], p["title"], p["lead"], p["deadline"], p["deadline_date"]) for p in extract_planned(text)]
    [('Đề án', 'Đề án phát triển du lịch tỉnh đến năm 2025', 'Ban cán sự đảng Ủy ban nhân dân tỉnh', 'Quý I/2021', '2021-03-31')]
"""
from __future__ import annotations

import calendar
import re
from functools import cache, lru_cache

from rapidfuzz import fuzz as _fuzz

from loaders.agencies import split_agencies
from loaders.find import find_symbols
from loaders.fold import GAP, bounded_words_pattern, fold, fold_aligned, words_pattern
from loaders.segment import ANNEX_CAPTION
from loaders.tables import phrases_pattern, table
from loaders.tasks import clean_cell, extract_tasks

_ROMAN_Q = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


# ---------------------------------------------------------------- data


@cache
def _nouns() -> tuple[tuple[str, str], ...]:
    rows = [(fold(r["noun"]), r["kind"]) for r in table("planned_nouns")]
    return tuple(sorted(rows, key=lambda r: len(r[0]), reverse=True))


@cache
def _cues(kind: str) -> tuple[str, ...]:
    return tuple(sorted({fold(r["cue"]) for r in table("planned_cues") if r["kind"] == kind}, key=len, reverse=True))


@cache
def _raw_cues(kind: str) -> tuple[str, ...]:
    """Cue words as written (lower case, accents kept): for stops where folding would confuse để/đề."""
    return tuple(sorted({r["cue"].lower() for r in table("planned_cues") if r["kind"] == kind}, key=len, reverse=True))


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in words)


@cache
def _nouns_alt() -> str:
    return "|".join(words_pattern(n) for n, _ in _nouns())


@cache
def _make_re() -> re.Pattern[str]:
    # drafting verb(s) right before a genre noun, e.g. "tham muu xay dung va ban hanh de an" (aligned fold)
    verbs = "|".join(words_pattern(v) for v in _cues("make"))
    # the leading (?<![a-z0-9]) is moved after each verb's first word: see bounded_words_pattern
    first = "|".join(bounded_words_pattern(v) for v in _cues("make"))
    glue = rf"{GAP}(?:cho{GAP})?(?:va{GAP})?"
    return re.compile(rf"(?:{first})(?:{glue}(?:{verbs}))*{GAP}({_nouns_alt()})(?![a-z0-9])")


@cache
def _make_starts() -> tuple[re.Pattern[str], ...]:
    """One literal-prefixed pattern per first word of the drafting verbs, that word followed
    (in a lookahead, so only the word is consumed) by the rest of one of its verbs: every match
    of :func:`_make_re` starts at a hit of one of them, and a common first word ("cu", "ra")
    no longer stops the scan where no verb follows."""
    rests: dict[str, list[str]] = {}
    for v in _cues("make"):
        head, *rest = v.split()
        rests.setdefault(head, []).append(" ".join(rest))
    out = []
    for head, tails in rests.items():
        ahead = "" if "" in tails else "(?=" + "|".join(GAP + words_pattern(t) for t in tails) + ")"
        out.append(re.compile(bounded_words_pattern(head) + ahead))
    return tuple(out)


def _make_matches(aligned: str):
    """``_make_re().finditer(aligned)``, trying the full pattern only where a verb's first word
    stands (found by literal scans, much faster than the pattern's own scan of every letter)."""
    full = _make_re()
    if len(aligned) < 2048:
        yield from full.finditer(aligned)
        return
    starts = sorted({m.start() for rx in _make_starts() for m in rx.finditer(aligned)})
    pos = 0
    for s in starts:
        if s < pos:
            continue  # inside the previous match, as finditer would skip it
        m = full.match(aligned, s)
        if m:
            yield m
            pos = m.end()


@cache
def _word_re(folded: str) -> re.Pattern[str]:
    """A folded phrase as a whole word over aligned text (compiled once; literal start)."""
    return re.compile(rf"{bounded_words_pattern(folded)}(?![a-z0-9])")


@cache
def _raw_word_re(word: str) -> re.Pattern[str]:
    r"""``(?<!\w)word(?!\w)`` with the lookbehind after the first word (a literal start)."""
    head, sep, rest = word.partition(" ")
    return re.compile(rf"{re.escape(head)}(?<!\w{re.escape(head)}){re.escape(sep + rest)}(?!\w)")


@cache
def _after_noun_re() -> re.Pattern[str]:
    return re.compile(rf"{GAP}(?:va{GAP})?(?:{_nouns_alt()})(?![a-z0-9])")


_ABOUT_BEFORE = re.compile(rf"(?<![a-z0-9])(?:ve|ve{GAP}viec|viec)[ \x00]*$")


def _compact(s: str) -> str:
    return " ".join(s.replace("\x00", " ").split())


def noun_kind(folded_noun: str) -> str | None:
    return next((k for n, k in _nouns() if n == folded_noun), None)


# ---------------------------------------------------------------- deadlines


@cache
def _period_res() -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for r in table("deadline_periods"):
        w, kind = re.escape(fold(r["word"])), r["kind"]
        if kind in ("quarter", "month"):     # "quý I, II/2025": the last one counts
            n = r"(?:iv|i{1,3}|\d{1,2})"
            pat = rf"(?<![a-z0-9]){w} ({n}(?: (?:va )?{n})*) (?:nam )?((?:19|20)\d\d)(?!\d)"
        else:                                  # "năm 2025 - 2026", "giai đoạn 2025-2030": the end
            pat = rf"(?<![a-z0-9]){w} ((?:19|20)\d\d)(?: ((?:19|20)\d\d))?(?!\d)"
        out.append((re.compile(pat), kind))
    return tuple(out)


@lru_cache(maxsize=2048)  # deadlines repeat down a table ("Thường xuyên", "Quý IV/2021")
def deadline_date(deadline: str | None) -> str | None:
    """Last day (YYYY-MM-DD) of the latest period a deadline names, or None.

    >>> deadline_date("Quý I/2021"), deadline_date("năm 2022"), deadline_date("Tháng 6/2026 (Sau khi có Nghị định)")
    ('2021-03-31', '2022-12-31', '2026-06-30')
    >>> deadline_date("Thực hiện thường xuyên"), deadline_date("Quý IV hằng năm")
    (None, None)
    >>> deadline_date("Quý I, II/2025"), deadline_date("Năm 2025 - 2026"), deadline_date("Trước ngày 15 tháng 10 năm 2025")
    ('2025-06-30', '2026-12-31', '2025-10-15')
    >>> deadline_date("Tháng 10, 11/2025"), deadline_date("Giai đoạn 2025-2030")
    ('2025-11-30', '2030-12-31')
    """
    if not deadline:
        return None
    key = fold(deadline)
    dates: list[tuple[int, int, int]] = []
    key = re.sub(r"(?<![a-z])ngay (\d{1,2}) thang (\d{1,2}) nam ((?:19|20)\d\d)(?!\d)", r"\1 \2 \3", key)  # in words
    # a day/month/year, not "tháng 10, 11/2025" (two months)
    for d, mth, y in re.findall(r"(?<!\d)(?<!thang )(?<!quy )(\d{1,2}) (\d{1,2}) ((?:19|20)\d\d)(?!\d)", key):
        if 1 <= int(mth) <= 12 and 1 <= int(d) <= 31:
            dates.append((int(y), int(mth), int(d)))
        key = key.replace(f"{d} {mth} {y}", " ")
    for pattern, kind in _period_res():
        for m in pattern.finditer(key):
            year = int(m.group(m.lastindex))
            if kind == "quarter":
                q = m.group(1).split()[-1]
                q = _ROMAN_Q.get(q) or (int(q) if q.isdigit() else 0)
                if not 1 <= q <= 4:
                    continue
                month = 3 * q
            elif kind == "month":
                last = m.group(1).split()[-1]
                month = int(last) if last.isdigit() else 0
                if not 1 <= month <= 12:
                    continue
            elif kind == "half1":
                month = 6
            else:
                month = 12
            dates.append((year, month, calendar.monthrange(year, month)[1]))
        key = pattern.sub(" ", key)  # a longer period word ("6 tháng đầu năm") hides "năm" after it
    if not dates:
        return None
    y, m, d = max(dates)
    return f"{y:04d}-{m:02d}-{d:02d}"


# ---------------------------------------------------------------- helpers


def _lines(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


_ITEM = re.compile(r"^[\s*]*(\d{1,2})\s*[.)\-]\s+(?!\d)")
_SUBITEM = re.compile(r"^[\s*]*\d{1,2}\s*\.\s*\d{1,2}\s*\.?\s")
_HEADING = re.compile(r"^[\s*]*(?:[IVX]{1,4}|[A-ZĐ])\s*[.\-–]\s+\S")
_FIELD_COLON = re.compile(r"[:：]")
_RECIPIENTS_LINE = re.compile(r"^\s*Nơi nhận")
# where a labelled value ends: a sentence end, a bullet, the next part's label
_VALUE_STOPS = (re.compile(r"\.\s*(?:\n|$)"), re.compile(r"\n\s*[-+•]"),
                re.compile(r"\n\s*(?:Thời gian|Mục tiêu|Nội dung|Tổ chức thực hiện)"))
_FIELD_LINE_LEAD = re.compile(r"^[\s*\-+•]*(?:\d{1,2}\s*\.\s*\d{1,2}\s*\.?\s*)?")  # bullet, "1.2."


def _is_upper_heading(line: str) -> bool:
    line = line.strip(" *\t")
    return 6 <= len(line) <= 160 and line.upper() == line and sum(c.isalpha() for c in line[:24]) >= 4


def _starts_with_any(folded: str, words: tuple[str, ...]) -> str | None:
    for w in words:
        if folded == w or folded.startswith(w + " "):
            return w
    return None


@lru_cache(maxsize=4096)
def _noun_at_start(s: str) -> tuple[str, str] | None:
    """(kind, folded noun) when ``s`` opens with a genre noun."""
    key = fold(s[:60])
    for n, kind in _nouns():
        if key == n or key.startswith(n + " "):
            return kind, n
    return None


@cache
def _not_new_words() -> frozenset[str]:
    """The one-word "not new" cues, folded ("này" …), but not "số"."""
    return frozenset(fold(w) for w in _raw_cues("not_new") if " " not in w and fold(w) != "so")


def _existing_after_noun(s: str, noun_end: int) -> bool:
    """True when the noun is followed by "này" or by a symbol: a document that exists already."""
    tail = s[noun_end:noun_end + 40]
    words = fold(tail).split()
    if words[:1] and words[0] in _not_new_words():
        return True
    hits = find_symbols(tail)
    return bool(hits and hits[0].start < 12)


def _cut_title(s: str) -> str:
    """Title out of running text: up to a purpose clause, a parenthesis or the end of the clause."""
    low = s.lower()
    cut = len(s)
    for w in _raw_cues("title_stop"):
        for m in _raw_word_re(w).finditer(low):
            if m.start() > 8:
                cut = min(cut, m.start())
                break
    for ch in "(;:":
        i = s.find(ch)
        if i > 8:
            cut = min(cut, i)
    m = re.search(r"\.(?:\s|$)", s)
    if m and m.start() > 8:
        cut = min(cut, m.start())
    return s[:cut].strip(" ,.-–")


def _clean_title(s: str) -> str:
    s = clean_cell(s)
    s = re.sub(r"\s*\((?:theo|thực hiện|hoàn thành)[^()]*\)\s*\.?$", "", s, flags=re.I)
    return s.strip(" .,;:-–*")


# ---------------------------------------------------------------- 1. numbered items with parts


def _numbered_items(text: str, lines: list[tuple[int, str]]) -> list[dict]:
    out = []
    field_words = _cues("field")
    group = None
    n = len(lines)
    i = 0
    while i < n:
        start, line = lines[i]
        if _HEADING.match(line) and not _ITEM.match(line):
            group = line.strip(" *\t")
        m = _ITEM.match(line)
        if not m or _SUBITEM.match(line):
            i += 1
            continue
        body = line[m.end():]
        hit = _noun_at_start(body)
        if not hit:
            i += 1
            continue
        kind, noun = hit
        noun_end = _noun_end(body, noun)
        if _existing_after_noun(body, noun_end):
            i += 1
            continue
        # the title: this line and its wrapped continuations, up to a part label or the next item
        title_parts = [body]
        j = i + 1
        while j < n and len(title_parts) < 5:
            nxt = lines[j][1].strip()
            if not nxt:
                j += 1
                continue
            if (_ITEM.match(nxt) or _SUBITEM.match(nxt) or _HEADING.match(nxt) or nxt.startswith(("-", "+", "*"))
                    or _starts_with_any(fold(nxt), field_words) or "\t" in lines[j][1]
                    or title_parts[-1].rstrip().endswith((".", ":", ";"))):
                break
            title_parts.append(nxt)
            j += 1
        title = " ".join(" ".join(title_parts).split())
        title = _title_before_field(title, field_words)
        # the item's block: up to the next numbered item, heading or table
        k = j
        while k < n:
            ln = lines[k][1]
            if ("\t" in ln or (_ITEM.match(ln) and not _SUBITEM.match(ln)) or _HEADING.match(ln)
                    or _is_upper_heading(ln) or _RECIPIENTS_LINE.match(ln)):
                break
            k += 1
        end = lines[k - 1][0] + len(lines[k - 1][1]) if k > i else start + len(line)
        block = text[start:end]
        parts = _parts(block, fold_aligned(text)[start:end])  # the text is folded once, and kept
        if not parts["has_parts"] or not parts["fields"] and not (parts["lead"] or parts["steering"]) or len(title) > 400:
            i += 1
            continue
        out.append({
            "ordinal": m.group(1),
            "kind": kind,
            "title": _clean_title(title),
            "lead": parts["lead"],
            "cooperating": parts["cooperating"],
            "deadline": parts["deadline"],
            "deadline_date": deadline_date(parts["deadline"]),
            "group": group,
            "steering_committee": parts["steering"],
            "source": "item",
            "start": start + (len(line) - len(line.lstrip(" *"))),
            "end": end,
        })
        i = max(j, i + 1)
    return out


def _noun_end(s: str, folded_noun: str) -> int:
    """Offset in ``s`` just after its opening genre noun."""
    m = re.match(rf"[ \x00]*{words_pattern(folded_noun)}", fold_aligned(s))
    return m.end() if m else 0


def _title_before_field(title: str, field_words: tuple[str, ...]) -> str:
    """Joined text may run on into "Mục tiêu: …": cut at a part label followed by a colon."""
    aligned = fold_aligned(title)
    for w in field_words:
        for m in _word_re(w).finditer(aligned):
            if m.start() > 0 and _FIELD_COLON.search(title[m.end():m.end() + 3]):
                return title[:m.start()].rstrip()
    return title


def _label_value(block: str, labels: tuple[str, ...], aligned: str | None = None) -> tuple[str | None, int | None]:
    """The value after "<label> …:" in ``block`` (to the end of its sentence; wrapped lines joined).
    ``aligned``: ``fold_aligned(block)`` when the caller has it (folding goes character by
    character, so a slice of the folded text is the folded slice)."""
    if aligned is None:
        aligned = fold_aligned(block)
    for w in labels:
        m = _word_re(w).search(aligned)
        if not m:
            continue
        s = m.end()
        colon = block.find(":", s, s + 60)
        if colon < 0:
            continue
        rest = block[colon + 1:]
        stop = len(rest)
        for pat in _VALUE_STOPS:
            mm = pat.search(rest)
            if mm:
                stop = min(stop, mm.start())
        value = " ".join(rest[:stop].split()).strip(" .;")
        return (value or None), colon + 1
    return None, None


_STEERING = re.compile(
    r"Ban\s+chỉ\s+đạo(?P<name>[^;.]{0,120}?)\s+do\s+(?:đồng\s+chí|đ/c)\s+(?P<head>[^;]+?)\s*,?\s+(?:làm|là)\s+Trưởng\s+ban",
    re.I)
_MEMBERS = re.compile(r"thành\s+viên\s+(?:gồm|là)\s*(?P<kind>(?:các|một số)\s+[^:]{0,40}?)?\s*:\s*(?P<list>[^.\n]+)", re.I)


def _parts(block: str, aligned: str | None = None) -> dict:
    """``aligned``: ``fold_aligned(block)``, when the caller has it."""
    if aligned is None:
        aligned = fold_aligned(block)
    lead, _ = _label_value(block, _cues("lead"), aligned)
    coop, _ = _label_value(block, _cues("cooperating"), aligned)
    deadline, _ = _label_value(block, _cues("deadline"), aligned)
    steering = None
    sm = _STEERING.search(block)
    if sm:
        members: list[str] = []
        mm = _MEMBERS.search(block, sm.end())
        if mm:
            is_dept = "sở" in (mm.group("kind") or "").lower()
            for name in split_agencies(mm.group("list"), bare=True):
                if is_dept and not _starts_with_any(fold(name), _agency_heads()):
                    name = "Sở " + name
                members.append(name)
        steering = {
            "name": ("Ban chỉ đạo" + sm.group("name")).strip(),
            "head": " ".join(sm.group("head").split()),
            "members": members,
        }
    # part labels open their own line ("Mục tiêu: …", "1.2. Nội dung chương trình", "- Tổ chức thực hiện:")
    has_fields = 0
    for ln in block.split("\n")[1:]:
        head = fold(_FIELD_LINE_LEAD.sub("", ln))
        if _starts_with_any(head, _cues("field")):
            has_fields += 1
    return {
        "lead": lead,
        "cooperating": split_agencies(coop),
        "deadline": deadline,
        "steering": steering,
        "has_parts": bool(lead or deadline or steering or has_fields >= 2),
        "fields": has_fields,
    }


@cache
def _agency_heads() -> tuple[str, ...]:
    return tuple(sorted({fold(r["word"]) for r in table("agency_heads") if r["kind"] == "head"}, key=len, reverse=True))


# ---------------------------------------------------------------- 2. "DỰ KIẾN …" lists


def _listed_items(text: str, lines: list[tuple[int, str]]) -> list[dict]:
    out = []
    list_words = _cues("list")
    for i, (start, line) in enumerate(lines):
        head = line.strip(" *\t")
        if not head or not _is_upper_heading(head):
            continue
        fh = fold(re.sub(r"^(?:[IVX]{1,4}|[A-ZĐ])\s*[.\-–]\s*", "", head))
        if not _starts_with_any(fh, list_words):
            continue
        kinds = [k for nn, k in _nouns() if re.search(rf"(?<![a-z0-9]){re.escape(nn)}(?![a-z0-9])", fh)]
        kinds = list(dict.fromkeys(kinds))
        if not kinds:
            continue
        group_kind = "/".join(kinds)
        # collect the item lines
        block: list[tuple[int, str]] = []
        for s, ln in lines[i + 1:]:
            st = ln.strip()
            if "\t" in ln or _HEADING.match(ln) or _is_upper_heading(st) or _RECIPIENTS_LINE.match(ln):
                break
            if ANNEX_CAPTION.match(ln):
                continue        # "(Kèm theo Chương trình hành động số 20-CTr/TU …)" names the annex's owner
            if st:
                block.append((s + len(ln) - len(ln.lstrip()), ln.strip()))
        if not block:
            continue
        width = max(len(b[1]) for b in block)
        items: list[list[tuple[int, str]]] = []
        prev_full = False
        for s, ln in block:
            starts_new = (not items or _ITEM.match(ln) or fold(ln).startswith("ve ")
                          or not prev_full or _noun_at_start(ln) is not None)
            if starts_new:
                items.append([(s, ln)])
            else:
                items[-1].append((s, ln))
            prev_full = len(ln) >= 0.8 * width and not ln.rstrip().endswith(".")
        seq = 0
        for parts in items:
            joined = " ".join(p[1] for p in parts)
            for piece_start, piece in _split_on_ve(parts[0][0], joined):
                seq += 1
                m = _ITEM.match(piece)
                ordinal = m.group(1) if m else None
                title = piece[m.end():] if m else piece
                hit = _noun_at_start(title)
                out.append({
                    "ordinal": ordinal,
                    "sequence": seq,
                    "kind": hit[0] if hit else group_kind,
                    "title": _clean_title(title),
                    "lead": None,
                    "cooperating": [],
                    "deadline": None,
                    "deadline_date": None,
                    "group": head,
                    "steering_committee": None,
                    "source": "list",
                    "start": piece_start,
                    "end": parts[-1][0] + len(parts[-1][1]),
                })
    return out


def _split_on_ve(start: int, joined: str) -> list[tuple[int, str]]:
    """A list whose lines were joined: items that are bare subjects start with "về …"."""
    if _noun_at_start(re.sub(r"^\d{1,2}\s*[.)\-]\s*", "", joined)):
        return [(start, joined)]
    cuts = [0] + [m.start() + 1 for m in re.finditer(r"(?<=[^,]) về (?=\w)", joined)]
    pieces = []
    for a, b in zip(cuts, cuts[1:] + [len(joined)]):
        piece = joined[a:b].strip()
        if piece:
            pieces.append((start + a, piece))
    return pieces


# ---------------------------------------------------------------- 3./4. tables and drafting clauses


def _from_tasks(tasks: list[dict]) -> list[dict]:
    out = []
    # a table of documents to issue: it has an authority column ("Thẩm quyền ban hành"), or most
    # of its rows name a document ("Đề án phát triển …", "Chương trình chuyển đổi số …")
    issue_tables = {t["table"] for t in tasks if t.get("authority")}
    rows: dict = {}
    for t in tasks:
        rows.setdefault(t["table"], []).append(_noun_at_start(t.get("content") or "") is not None)
    issue_tables |= {k for k, named in rows.items() if len(named) >= 2 and sum(named) >= 0.75 * len(named)}
    for t in tasks:
        content = t.get("content") or ""
        lead = t.get("lead") or t.get("lead_inherited")
        base = {
            "lead": lead,
            "cooperating": split_agencies(t.get("cooperating")),
            "deadline": t.get("deadline"),
            "deadline_date": deadline_date(t.get("deadline")),
            "group": " ".join(x for x in (t.get("section"), t.get("section_title")) if x) or None,
            "steering_committee": None,
            "issued_as": t.get("issued_as"),
            "start": t["start"],
            "end": t["end"],
        }
        ordinal = f"{t['section']}.{t['tt']}" if t.get("section") else t["tt"]
        if t["table"] in issue_tables:
            # a table of documents to issue: each row (or each "- …" entry of a row) is one
            entries = _entries(content)
            for entry in entries:
                hit = _noun_at_start(entry)
                out.append({"ordinal": ordinal, "kind": hit[0] if hit else None, "title": _clean_title(entry),
                            "source": "issue_table", **base})
            continue
        for kind, title, _s, _e, _a in _drafted(content, anywhere=True):
            out.append({"ordinal": ordinal, "kind": kind, "title": title, "source": "task_row", **base})
    return out


def _entries(content: str) -> list[str]:
    """A cell listing several documents ("- Chương trình … - Kế hoạch …"): one entry each."""
    cuts = [m.start() for m in re.finditer(r"(?:^|\s)-\s+", content) if _noun_at_start(content[m.end():])]
    if not cuts or (cuts[0] != 0 and content[:cuts[0]].strip()):
        return [content]
    return [e for e in (content[a:b].strip(" -") for a, b in zip(cuts, cuts[1:] + [len(content)])) if e]


def _drafted(s: str, anywhere: bool, skip=None) -> list[tuple[str, str, int, int, tuple | None]]:
    """(kind, title, start, end, assignment) for each "drafting verb + genre noun" in ``s``.

    ``anywhere``: inside a task cell the verb may stand anywhere; in running text it must open a
    clause (line start, bullet, after ". ", "; " or ": "), or follow the clause's assignment
    ("Ban Tuyên giáo Tỉnh ủy chủ trì, phối hợp với Sở Khoa học và Công nghệ tham mưu xây dựng Đề
    án …"), whose ``(lead, cooperating)`` is the last item. ``skip(offset)``: offsets to ignore.
    """
    out = []
    aligned = fold_aligned(s)
    for m in _make_matches(aligned):
        vs = m.start()
        if skip and skip(vs):
            continue
        line_start = s.rfind("\n", 0, vs) + 1
        line_end = s.find("\n", vs)
        line_end = len(s) if line_end < 0 else line_end
        assignment = None
        if not anywhere:
            before = s[line_start:vs].rstrip(" *")
            if before and not before.endswith((".", ";", ":", "-", "–", "+", "•")):
                assignment = _assignment(before)
                if assignment is None:
                    continue
        ns, ne = m.start(1), m.end(1)
        if _after_noun_re().match(aligned[ne:ne + 40]):
            continue  # "xây dựng chương trình, kế hoạch …": a generic list of genres, not one document
        if _existing_after_noun(s, ne) or not aligned[ne:line_end].strip(" \x00"):
            continue
        if _ABOUT_BEFORE.search(aligned[max(line_start, vs - 16):vs]):
            continue  # "Quyết định … về việc ban hành Quy chế …": the subject of a cited document
        noun = _compact(m.group(1))
        title = _cut_title(s[ns:line_end])
        if len(fold(title).split()) - len(noun.split()) < 2:
            continue  # the bare genre ("xây dựng chương trình hành động nhằm …"): no document named
        title = _clean_title(title)
        out.append((noun_kind(noun) or "", title, ns, ns + len(title), assignment))
    return out


def drafted_at(text: str, pos: int) -> bool:
    """True when a drafting verb stands right before the genre noun at ``pos`` ("xây dựng Đề án
    …", "tham mưu ban hành Quy định …"): a document to be made, not one that is cited.

    >>> t = "Sở Du lịch tham mưu xây dựng Đề án phát triển du lịch; thực hiện Đề án chuyển đổi số."
    >>> drafted_at(t, t.index("Đề án phát")), drafted_at(t, t.index("Đề án chuyển"))
    (True, False)
    >>> t = "Tham mưu rà soát sửa đổi, bổ sung Quy định về việc kiểm điểm"
    >>> drafted_at(t, t.index("Quy định"))
    False
    """
    lo = max(0, pos - 80)
    aligned = fold_aligned(text[lo:pos + 30])
    for m in _make_re().finditer(aligned):
        if m.start(1) == pos - lo:
            # "rà soát, sửa đổi, bổ sung Quy định …" revises a document that exists: still cited
            return not any(_word_re(w).search(aligned, m.start(), m.start(1)) for w in _cues("revises"))
    return False


@cache
def _assignment_re() -> re.Pattern[str]:
    """The end of a clause that assigns the drafting: "[Giao] <lead> chủ trì[, phối hợp với
    <cooperating>] [tham mưu]" (the words are ``planned_cues.tsv``'s assign_* rows)."""
    def words(kind: str) -> str:
        return phrases_pattern(_raw_cues(kind))
    # or "<lead> tham mưu [cho] <the body that will issue>" (advise), or "Giao <lead>" (assign_alone)
    return re.compile(
        rf"^(?:(?:{words('assign_prefix')})\s+)?(?P<lead>[^.;:()]{{4,160}}?),?\s+(?:{words('assign_lead')})"
        rf"(?:\s*,?\s*(?:{words('assign_with')})\s+(?P<coop>[^.;:()]{{4,300}}?))?\s*,?"
        rf"(?:\s+(?:{words('assign_verb')}))*$"
        rf"|^(?:(?:{words('assign_prefix')})\s+)?(?P<lead2>[^.;:(),]{{4,160}}?)\s+(?:{words('advise')})"
        rf"(?:\s+cho)?(?:\s+[^.;:(),]{{4,80}})?$"
        rf"|^(?:{words('assign_alone')})\s+(?P<lead3>[^.;:(),]{{4,160}})$", re.I)


def _assignment(before: str) -> tuple[str, list[str]] | None:
    """``(lead, cooperating)`` when ``before`` (the clause up to a drafting verb, from its line
    start) assigns the drafting to an agency; None for any other words before the verb.

    >>> _assignment("2. Giao Ban Tuyên giáo Tỉnh ủy chủ trì, phối hợp với Sở Nội vụ, Sở Tư pháp tham mưu")
    ('Ban Tuyên giáo Tỉnh ủy', ['Sở Nội vụ', 'Sở Tư pháp'])
    >>> _assignment("Tiếp tục thực hiện tốt") is None
    True
    >>> _assignment("3. Văn phòng Tỉnh ủy tham mưu Ban Thường vụ Tỉnh ủy"), _assignment("Giao Ban Dân vận Tỉnh ủy")
    (('Văn phòng Tỉnh ủy', []), ('Ban Dân vận Tỉnh ủy', []))
    """
    clause = re.split(r"(?:[.;:]\s|^\s*(?:[-–+•*]|\d+(?:\.\d+)*\.|[a-zđ]\)))\s*", before)[-1].strip()
    m = _assignment_re().match(clause)
    lead = m and (m["lead"] or m["lead2"] or m["lead3"])
    if not lead or find_symbols(lead):
        return None
    lead = lead.strip(" ,")
    if not m["lead"] and fold(lead).startswith(("cac ", "nhung ")):
        return None   # "Giao các cấp ủy xây dựng kế hoạch …": every body is told to plan, no one document
    if _starts_with_any(fold(lead), _agency_heads()) is None:
        return None   # "Tiếp tục chỉ đạo …": the words before the verb name no organisation
    return lead, split_agencies(m["coop"].strip(" ,")) if m["coop"] else []


def _from_body(text: str, lines: list[tuple[int, str]], taken: list[tuple[int, int]]) -> list[dict]:
    import bisect

    starts = [a for a, _ in lines]
    table_lines = {a for a, ln in lines if "\t" in ln}

    def skip(offset: int) -> bool:
        line_start = starts[bisect.bisect_right(starts, offset) - 1]
        return line_start in table_lines or any(a <= offset < b for a, b in taken)

    out = []
    for kind, title, s, e, assignment in _drafted(text, anywhere=False, skip=skip):
        line_end = text.find("\n", e)
        after = text[e:len(text) if line_end < 0 else line_end]
        # the timing in brackets at the end of the clause: "… nhằm … (*thực hiện khi có hướng dẫn …*)."
        pm = re.match(r"[^.()]*?\(\s*\**([^()]{3,120}?)\**\s*\)", after)
        deadline = pm.group(1).strip(" *") if pm and _TIMING.search(fold(pm.group(1))) else None
        if deadline is None:   # or after it: "…, hoàn thành trong Quý III/2025."
            dm = _DEADLINE_AFTER.match(after)
            deadline = dm.group(1).strip() if dm else None
        lead, cooperating = assignment or (None, [])
        out.append({
            "ordinal": None, "kind": kind, "title": title, "lead": lead, "cooperating": cooperating,
            "deadline": deadline, "deadline_date": deadline_date(deadline), "group": _group_at(lines, s),
            "steering_committee": None, "source": "body", "start": s, "end": e,
        })
    return out


# "…, hoàn thành trong Quý III/2025", "…, trình Ban Thường vụ Tỉnh ủy trong tháng 9/2025"
_DEADLINE_AFTER = re.compile(r"[^.;()]*?,?\s*(?:hoàn thành|xong|trình(?:\s+[^.;(),]{1,60}?(?=\s+(?:trong|trước|vào)\s))?)"
                             r"\s+((?:trong|trước|vào|chậm nhất)?\s*(?:ngày\s+)?"
                             r"(?:\d{1,2}/\d{1,2}/\d{4}|(?:quý|tháng)\s+[IVX\d]+/\d{4}|năm\s+\d{4}))", re.I)
_TIMING = re.compile(r"(?<![a-z])(?:thuc hien|quy|nam|thang|hoan thanh|khi co|thuong xuyen|theo)(?![a-z])")


def _group_at(lines: list[tuple[int, str]], offset: int) -> str | None:
    """The nearest heading or short numbered line above ``offset``."""
    group = None
    for start, line in lines:
        if start > offset:
            break
        if "\t" not in line and (_HEADING.match(line) or (_ITEM.match(line) and len(line) < 160)):
            group = line.strip(" *")
    return group


def _similar(a: str, b: str) -> float:
    """Similarity of two folded titles (0..1), as 2·matches / total length."""
    if not a or not b:
        return 0.0
    return _fuzz.ratio(a, b) / 100.0


# ---------------------------------------------------------------- entry point


def extract_planned(text: str, tasks: list[dict] | None = None) -> list[dict]:
    """Planned documents announced in ``text`` (see the module docstring), in text order.

    Keys: ``ordinal``, ``kind``, ``title``, ``lead``, ``cooperating`` (list), ``deadline``,
    ``deadline_date``, ``group``, ``steering_committee`` (``{name, head, members}`` or None),
    ``issued_as`` (table rows whose notes name the issued document), ``source``
    (item | list | issue_table | task_row | body), ``start``, ``end``.
    ``tasks``: the rows :func:`loaders.tasks.extract_tasks` gave for ``text``, when already at hand.
    """
    lines = _lines(text)
    items = _numbered_items(text, lines)
    listed = _listed_items(text, lines)
    tabled = _from_tasks(extract_tasks(text) if tasks is None else tasks)
    taken = [(p["start"], p["end"]) for p in items + listed]
    body = _from_body(text, lines, taken)
    out = items + listed + tabled
    keys = [fold(o["title"]) for o in out]
    for b in body:  # a clause repeated by a table row keeps the row (it has lead and deadline)
        key = fold(b["title"])
        if not any(_similar(key, k) >= 0.8 for k in keys):
            out.append(b)
            keys.append(key)
    for p in out:
        p.setdefault("issued_as", None)
        p.setdefault("sequence", None)
    out.sort(key=lambda p: p["start"])
    return out
