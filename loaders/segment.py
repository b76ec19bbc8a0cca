"""Stage 3: the zones of a party document and the clauses inside them.

A Tỉnh ủy action program reads: header (issuer, ``Số …``, place and date), title
(``CHƯƠNG TRÌNH HÀNH ĐỘNG … thực hiện …``), an opening paragraph that states its parent
document, numbered body sections (``I- MỤC ĐÍCH, YÊU CẦU``), ``Nơi nhận:`` and the signature,
then annexes (``(Kèm theo Chương trình số … )``) that often hold the task tables. What a cue
verb means depends on the zone (``thực hiện`` in the opening names the parent; in the body it
is an ordinary instruction), so later stages ask this module where an offset stands::

    >>> z = zones("CHƯƠNG TRÌNH\\nthực hiện X\\n\\nThực hiện Y, ban hành:\\n\\nI- MỤC ĐÍCH\\n…")
    >>> z.opening_end > 0 and z.in_opening(5)
    True
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from loaders.linescan import LineScan

# The body starts at the first numbered part (I-, A.) or, in decisions and regulations, at
# "QUYẾT ĐỊNH:" / "Điều 1." after the "Căn cứ …;" preamble.
SECTION_HEADING = re.compile(
    r"^[ \t*]*(?:[IVX]{1,5}\s*[.\-–:]|[A-E]\s*[.\-–]|Điều\s+1\s*[.:]|(?:QUYẾT ĐỊNH|QUYẾT NGHỊ|KẾT LUẬN)\s*:)"
    r"\s*\**\s*[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ]", re.M)
ANNEX_CAPTION = re.compile(
    r"^[ \t(*]*(?:Kèm theo|Ban hành kèm theo)\s+(?P<noun>[^\n]{0,40}?)\s*(?:số\s*)?(?=\d)", re.I | re.M)
TABLE_SECTION_ROW = re.compile(r"^(?P<num>[IVX]{1,5}|[A-E])\.?\t(?P<title>[^\t\n]+)", re.M)
# Line-start patterns scanned over whole documents: see loaders.linescan.
_SECTION_HEADING, _ANNEX_CAPTION, _TABLE_SECTION_ROW = (
    LineScan(SECTION_HEADING), LineScan(ANNEX_CAPTION), LineScan(TABLE_SECTION_ROW))
# Clause boundaries are paragraph and cell breaks, and sentence ends (". " before a capital).
SENTENCE_END = re.compile(r"\.(?=\s+[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ\-–+*])|:\s*$", re.M)


@dataclass
class Zones:
    text: str
    opening_end: int
    annex_start: int
    table_sections: list[tuple[int, str, str]] = field(default_factory=list)  # (offset, numeral, title)

    def in_opening(self, pos: int) -> bool:
        return pos < self.opening_end

    def in_annex(self, pos: int) -> bool:
        return pos >= self.annex_start

    def table_section_at(self, pos: int) -> tuple[str, str] | None:
        """The table part (``I``, ``NHỮNG NHIỆM VỤ TIẾP TỤC …``) a table row at ``pos`` is under."""
        line_start = self.text.rfind("\n", 0, pos) + 1
        line_end = self.text.find("\n", pos)
        if "\t" not in self.text[line_start:line_end if line_end >= 0 else len(self.text)]:
            return None
        i = bisect.bisect_right([s[0] for s in self.table_sections], pos) - 1
        if i < 0:
            return None
        # The part applies only while the table continues (no prose paragraph in between).
        between = self.text[self.table_sections[i][0]:line_start]
        if any(line.strip() and "\t" not in line and not line.startswith("TT") for line in between.split("\n")[1:]):
            return None
        return self.table_sections[i][1], self.table_sections[i][2]

    def clause_start(self, pos: int) -> int:
        """Start of the clause (paragraph, cell or sentence) that ``pos`` stands in."""
        text = self.text
        # The nearest break in the last 800 characters is the nearest one; only when there is
        # none is the text before them searched (a TAB can be thousands of lines back).
        near = max(0, pos - 800)
        lo = max(text.rfind("\n", near, pos), text.rfind("\t", near, pos))
        if lo < 0:
            lo = max(text.rfind("\n", 0, pos), text.rfind("\t", 0, pos))
        window = max(lo + 1, pos - 800)
        last = None
        for last in SENTENCE_END.finditer(self.text, window, pos):
            pass
        return max(lo + 1, last.end() if last else 0)


def zones(text: str) -> Zones:
    n = len(text)
    m = _SECTION_HEADING.search(text)
    if m:
        opening_end = m.start()
    else:  # no numbered sections: the opening is the first paragraph that announces the text
        colon = re.search(r"\bsau(?: đây)?\s*:\s*$", text, re.M)     # "… như sau:", "… một số nội dung sau:"
        opening_end = colon.end() if colon else (text.find("\n", 1) if "\n" in text[1:] else n)
    ann = [a.start() for a in _ANNEX_CAPTION.finditer(text) if a.start() > opening_end]
    annex_start = ann[0] if ann else n
    sections = [(r.start(), r["num"], r["title"].strip()) for r in _TABLE_SECTION_ROW.finditer(text)]
    return Zones(text, opening_end, annex_start, sections)
