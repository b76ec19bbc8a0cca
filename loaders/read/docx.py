"""DOCX files, with python-docx's XML layer.

Body paragraphs and tables come out in document order (python-docx's ``paragraphs`` and
``tables`` lists lose that order). A table row is one line with cells joined by TAB; a cell
spanning several grid columns is written once, and the rows a vertically merged cell
continues into get an empty cell, as in the corpus. Italic runs become ``<i>…</i>``, bold
runs ``**…**``. Text boxes are written after the paragraph that anchors them.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from loaders.read import register_reader
from loaders.read.encoding import fix_legacy
from loaders.text import LoadError, SourceText, table_lines

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _TBL, _TR, _TC, _R = _W + "p", _W + "tbl", _W + "tr", _W + "tc", _W + "r"
_SDT, _SDT_CONTENT, _CUSTOM_XML = _W + "sdt", _W + "sdtContent", _W + "customXml"
_TXBX = _W + "txbxContent"
_VAL = _W + "val"
_SPLIT = re.compile(r"([\t\n]+)")


def _on(el) -> bool | None:
    """Value of a toggle property element such as <w:i/> (absent -> None)."""
    if el is None:
        return None
    return el.get(_VAL, "true").lower() not in ("0", "false", "off", "none")


class _Styles:
    """Italic/bold of paragraph and character styles, following ``basedOn``."""

    def __init__(self, document) -> None:
        self.flags: dict[str, tuple[bool | None, bool | None]] = {}
        self.default_para = None
        try:
            styles = list(document.styles)
        except Exception:
            styles = []
        by_id = {}
        for st in styles:
            by_id[st.style_id] = st
            if getattr(st, "type", None) == 1 and st.element.get(_W + "default") in ("1", "true"):
                self.default_para = st.style_id
        for sid in by_id:
            self.flags[sid] = self._resolve(by_id, sid, set())

    def _resolve(self, by_id, sid, seen) -> tuple[bool | None, bool | None]:
        st = by_id.get(sid)
        if st is None or sid in seen:
            return None, None
        seen.add(sid)
        rpr = st.element.find(_W + "rPr")
        i = _on(rpr.find(_W + "i")) if rpr is not None else None
        b = _on(rpr.find(_W + "b")) if rpr is not None else None
        based = st.element.find(_W + "basedOn")
        if (i is None or b is None) and based is not None:
            pi, pb = self._resolve(by_id, based.get(_VAL), seen)
            i = pi if i is None else i
            b = pb if b is None else b
        return i, b

    def get(self, sid: str | None) -> tuple[bool | None, bool | None]:
        return self.flags.get(sid, (None, None)) if sid else (None, None)


def _ancestor_stops(el, stop, tags) -> bool:
    """True if ``el`` sits inside one of ``tags`` before reaching ``stop``."""
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _wrap(segments: list[tuple[str, bool, bool]]) -> str:
    """Join run texts, wrapping italic runs in <i>…</i> and bold runs in **…**, markers
    glued to the words (never around spaces, TABs or line breaks)."""
    merged: list[list] = []
    for text, i, b in segments:
        if merged and merged[-1][1] == i and merged[-1][2] == b:
            merged[-1][0] += text
        else:
            merged.append([text, i, b])
    out = []
    for text, i, b in merged:
        if not (i or b):
            out.append(text)
            continue
        for piece in _SPLIT.split(text):
            core = piece.strip(" ")
            if not core or _SPLIT.fullmatch(piece):
                out.append(piece)
                continue
            lead = piece[: len(piece) - len(piece.lstrip(" "))]
            trail = piece[len(piece.rstrip(" ")):]
            if i:
                core = f"<i>{core}</i>"
            if b:
                core = f"**{core}**"
            out.append(lead + core + trail)
    return "".join(out)


class _Walker:
    def __init__(self, styles: _Styles) -> None:
        self.styles = styles

    def blocks(self, container) -> list[str]:
        lines: list[str] = []
        for child in container:
            tag = child.tag
            if tag == _P:
                lines.extend(self.paragraph(child))
            elif tag == _TBL:
                lines.extend(self.table(child))
            elif tag in (_SDT, _CUSTOM_XML):
                content = child.find(_SDT_CONTENT) if tag == _SDT else child
                if content is not None:
                    lines.extend(self.blocks(content))
        return lines

    def paragraph(self, p) -> list[str]:
        ppr = p.find(_W + "pPr")
        pstyle = None
        if ppr is not None:
            ps = ppr.find(_W + "pStyle")
            pstyle = ps.get(_VAL) if ps is not None else None
        p_i, p_b = self.styles.get(pstyle or self.styles.default_para)
        segments = []
        for r in p.iter(_R):
            if _ancestor_stops(r, p, (_TXBX, _MC_FALLBACK)):
                continue
            text = r.text if hasattr(r, "text") else "".join(t.text or "" for t in r.iter(_W + "t"))
            if not text:
                continue
            rpr = r.find(_W + "rPr")
            i = b = None
            if rpr is not None:
                i, b = _on(rpr.find(_W + "i")), _on(rpr.find(_W + "b"))
                rs = rpr.find(_W + "rStyle")
                if rs is not None:
                    c_i, c_b = self.styles.get(rs.get(_VAL))
                    i = c_i if i is None else i
                    b = c_b if b is None else b
            i = p_i if i is None else i
            b = p_b if b is None else b
            segments.append((text, bool(i), bool(b)))
        lines = [_wrap(segments)]
        for box in p.iter(_TXBX):
            if not _ancestor_stops(box, p, (_TXBX, _MC_FALLBACK)):
                lines.extend(self.blocks(box))
        return lines

    def table(self, tbl) -> list[str]:
        grid: list[list[list[str]]] = []     # rows of cells, each cell its lines
        for tr in tbl.iter(_TR):
            if _ancestor_stops(tr, tbl, (_TBL,)):
                continue    # rows of a nested table belong to its cell
            cells: list[list[str]] = []
            trpr = tr.find(_W + "trPr")
            if trpr is not None:
                gb = trpr.find(_W + "gridBefore")
                if gb is not None and (gb.get(_VAL) or "0").isdigit():
                    cells.extend([[]] * int(gb.get(_VAL)))
            for tc in tr.iter(_TC):
                if _ancestor_stops(tc, tr, (_TBL,)):
                    continue
                tcpr = tc.find(_W + "tcPr")
                vmerge = tcpr.find(_W + "vMerge") if tcpr is not None else None
                span = tcpr.find(_W + "gridSpan") if tcpr is not None else None
                extra = int(span.get(_VAL)) - 1 if span is not None and (span.get(_VAL) or "").isdigit() else 0
                if vmerge is not None and vmerge.get(_VAL, "continue") == "continue":
                    cells.append([])    # continuation of a vertically merged cell
                else:
                    cells.append([ln for ln in self.blocks(tc) if ln.strip()])
                cells.extend([[]] * max(0, extra))   # a merged cell leaves the columns it covers empty
            grid.append(cells)
        return table_lines(grid)


@register_reader(".docx", ".docm", ".dotx")
def read_docx(path: str) -> SourceText:
    """Read a DOCX body (paragraphs and tables in document order) into TAB-row text."""
    name = Path(path).name
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise LoadError(path, "unsupported_type",
                        f"{name} is an old binary Word (.doc) file, not DOCX; save it as .docx")
    if not head.startswith(b"PK"):
        raise LoadError(path, "corrupt", f"{name} is not a DOCX file (it is not a ZIP package)")
    import docx  # python-docx; imported here so that text-only runs stay light

    try:
        document = docx.Document(path)
        walker = _Walker(_Styles(document))
        lines = walker.blocks(document.element.body)
    except zipfile.BadZipFile as e:
        raise LoadError(path, "corrupt",
                        f"{name} is damaged or truncated (not a complete ZIP package: {e})") from None
    except KeyError as e:
        raise LoadError(path, "corrupt", f"{name} is missing a part a Word file needs ({e})") from None
    except Exception as e:
        raise LoadError(path, "corrupt",
                        f"{name} cannot be read as a Word document ({type(e).__name__}: {e})") from None
    text = "\n".join(lines)
    if not text.strip():
        raise LoadError(path, "empty", f"{name} has no text in its body")
    text, family, notes = fix_legacy(text + "\n", path)
    return SourceText(source=path, format="docx", raw=text, encoding=family, notes=notes)
