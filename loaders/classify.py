"""Stage 6: what each citation means, from the cue verbs around it.

Three questions per mention, answered from ``data/relation_cues.tsv``:

* Is it the object of another cited document (``Kế hoạch số 147-KH/TU … thực hiện Kết luận số
  21-KL/TW``)? Then it is a *chain* edge between the two, and only a reference for the citing
  document.
* Is it coordinated with the mention before it (``…; Quyết định số 218-QĐ/TW``, ``… và Hướng
  dẫn số 02-HD/BTCTW``)? Then it shares that mention's relation.
* Otherwise, which cue governs it (``Tiếp tục thực hiện có hiệu quả Đề án số …`` → continues)?

    >>> cue_before("Tiếp tục thực hiện có hiệu quả ", opening=False)
    'continues'
    >>> cue_before("Thực hiện ", opening=True), cue_before("Thực hiện tốt ", opening=False)
    ('implements', 'references')
    >>> chain_cue(" ngày 14/01/2022 của Ban Chấp hành Đảng bộ tỉnh thực hiện ")
    'implements'
"""
from __future__ import annotations

import re
from functools import cache

from loaders.tables import phrases_pattern, table

RANK = {"implements": 5, "continues": 4, "based_on": 3, "amends": 3, "issued_by_decision": 2, "references": 1}


def stronger(a: str | None, b: str | None) -> str:
    a, b = a or "references", b or "references"
    return a if RANK[a] >= RANK[b] else b


@cache
def _cues(where: str) -> dict[str, str]:
    return {r["cue"].lower(): r["relation"] for r in table("relation_cues") if r["where"] == where}


@cache
def _fillers() -> str:
    return rf"(?:\s+(?:{phrases_pattern(_cues('filler'))}))*"


def _initials(*words) -> str:
    """A lookahead for the first letters of ``words`` (ignoring case, as the patterns do): one
    class test turns away an offset where none of them can start."""
    return "(?=[" + re.escape("".join(sorted({w[0] for w in words}))) + "])"


@cache
def _cue_rx(where: str) -> re.Pattern[str]:
    # The cue, any fillers, then end of the slice (the cited noun follows it).
    cues = _cues(where)
    return re.compile(rf"{_initials(*cues)}(?<!\w)(?P<cue>{phrases_pattern(cues)}){_fillers()}\s*[:,]?\s*$", re.I)


@cache
def _chain_rx() -> re.Pattern[str]:
    cues = _cues("chain")
    return re.compile(rf"{_initials('về', 'việc', *cues)}(?<!\w)(?:về\s+)?(?:việc\s+)?(?P<cue>{phrases_pattern(cues)}){_fillers()}\s*$", re.I)


# "…, số 19-NQ/TW": a bare "số" repeated before the next symbol of a list
COORDINATION = re.compile(r"(?:[;,]|(?:^|\s)(?:và|cùng|với))\s*(?:các\s+|số\s*:?\s*)?$", re.I)


def _lookup(where: str, cue: str) -> str:
    return _cues(where)[" ".join(cue.lower().split())]


def cue_before(prefix: str, opening: bool) -> str | None:
    """The relation that the words just before a cited document give it, or None if none does."""
    # Every cue is anchored at the end of the prefix, so the longest one starts first and wins:
    # "tiếp tục thực hiện" over its tail "thực hiện", "gắn với thực hiện" over "thực hiện".
    best = None
    for where in ("barrier",) + (("opening", "any") if opening else ("any",)):
        m = _cue_rx(where).search(prefix)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), "references" if where == "barrier" else _lookup(where, m["cue"]))
    if best:
        return best[1]
    if not opening:
        m = _cue_rx("opening").search(prefix)
        if m:  # "thực hiện" in the body: an instruction, not the document's parent
            return "references"
    return None


def chain_cue(gap: str) -> str | None:
    """The relation of a chain edge when ``gap`` (between two cited documents) ends with a cue."""
    m = _chain_rx().search(gap)
    if not m:
        return None
    # a barrier that takes in the chain cue ("gắn với thực hiện", "tổng kết 10 năm thực hiện")
    # subordinates or reviews the second document, it does not chain
    b = _cue_rx("barrier").search(gap)
    if b and b.start() <= m.start("cue"):
        return None
    before = gap[:m.start()].rstrip().lower()
    if before.endswith("gắn với") or before.endswith("gắn với việc"):
        return None
    return _lookup("chain", m["cue"])


@cache
def _issues_rx() -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:về\s+)?(?:việc\s+)?(?P<cue>{phrases_pattern(_cues('issues'))})\s*$", re.I)


def issues_cue(gap: str) -> str | None:
    """The relation a regulation has to the decision before it when ``gap`` says the decision
    issues it ("… ban hành Quy định số …"), or None.

    >>> issues_cue(" ngày 24/10/2016 của Ban Thường vụ Tỉnh ủy về việc ban hành "), issues_cue(" và ")
    ('issued_by_decision', None)
    """
    m = _issues_rx().search(gap)
    return _lookup("issues", m["cue"]) if m else None


def coordinated(gap: str) -> bool:
    return bool(COORDINATION.search(gap))
