"""HTML files, with the standard library's parser.

Output follows the ``SourceText`` conventions: one line per block element, one line per
table row with cells joined by TAB, italics kept as ``<i>…</i>`` and bold as ``**…**`` so
that normalization can record them as emphasis.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from loaders.read import register_reader
from loaders.read.encoding import decode_bytes, fix_legacy
from loaders.text import LoadError, SourceText, table_lines

_BLOCK = frozenset("""address article aside blockquote body center dd details dialog dir div dl
    dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu
    nav ol p pre section summary ul caption""".split())
_SKIP = frozenset("script style template noscript head title svg object iframe".split())
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_ITALIC = frozenset(("i", "em", "cite", "var", "dfn"))
_BOLD = frozenset(("b", "strong"))
_WS = re.compile(r"[ \t\n\r\f\v]+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


class _Cell:
    def __init__(self, colspan: int = 1, rowspan: int = 1) -> None:
        self.parts: list[str] = []
        self.colspan, self.rowspan = colspan, rowspan


def _span(attrs, name: str) -> int:
    value = dict(attrs).get(name) or "1"
    return max(1, min(int(value), 50)) if value.strip().isdigit() else 1


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []      # finished lines
        self.cur: list[str] = []        # pieces of the current line (outside tables)
        self.skip = 0
        self.pre = 0
        self.tables: list[dict] = []    # stack: {"rows": [...], "row": [...] | None, "cell": _Cell | None}
        self.emph: list[tuple[str, int]] = []  # open markers: (marker, index of the opener piece)
        self.lists: list[list] = []     # stack of [kind, counter]

    # -- where text goes: the innermost open cell, or the current line
    def _sink(self) -> list[str]:
        for t in reversed(self.tables):
            if t["cell"] is not None:
                return t["cell"].parts
            break
        return self.cur

    def _break(self) -> None:
        if self.tables and self.tables[-1]["cell"] is not None:
            self.tables[-1]["cell"].parts.append("\n")   # a line of the cell (kept in a layout table)
            return
        line = "".join(self.cur)
        self.cur = []
        line = line if self.pre else _WS.sub(" ", line).strip()
        if line:
            self.lines.append(line)

    def _text(self, s: str) -> None:
        sink = self._sink()
        if not self.pre:
            s = _WS.sub(" ", s)
        # Keep an opening marker glued to its text: "<i> x" -> " <i>x".
        if s[:1] == " " and sink and sink[-1] in ("<i>", "**") and any(
                m == sink[-1] for m, _ in self.emph):
            opener = sink.pop()
            sink.append(" ")
            sink.append(opener)
            s = s[1:]
        if s:
            sink.append(s)

    def _open_marker(self, marker: str) -> None:
        sink = self._sink()
        sink.append(marker)
        self.emph.append((marker, id(sink)))

    def _close_marker(self, marker: str) -> None:
        closer = "</i>" if marker == "<i>" else "**"
        for i in range(len(self.emph) - 1, -1, -1):
            if self.emph[i][0] == marker:
                _, sink_id = self.emph.pop(i)
                break
        else:
            return
        sink = self._sink()
        if id(sink) != sink_id:
            return
        # Empty emphasis: drop the opener instead of writing "<i></i>".
        j = len(sink) - 1
        while j >= 0 and not sink[j].strip():
            j -= 1
        if j >= 0 and sink[j] == marker:
            del sink[j]
            return
        # Keep the closer glued to the text: "x </i>" -> "x</i> ".
        trailing = ""
        while sink and sink[-1] and not sink[-1].strip():
            trailing = sink.pop() + trailing
        if sink and sink[-1].endswith(" "):
            stripped = sink[-1].rstrip(" ")
            trailing = sink[-1][len(stripped):] + trailing
            sink[-1] = stripped
        sink.append(closer)
        if trailing:
            sink.append(trailing)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP:
            if tag not in _VOID:
                self.skip += 1
            return
        if self.skip:
            return
        if tag == "br":
            self._break()
        elif tag in _ITALIC:
            self._open_marker("<i>")
        elif tag in _BOLD:
            self._open_marker("**")
        elif tag == "table":
            self._break()
            # rows: cells as their lines; below: column -> rows still covered by a rowspan above
            self.tables.append({"rows": [], "row": None, "cell": None, "below": {}})
        elif tag == "tr" and self.tables:
            self._end_row()
            self.tables[-1]["row"] = []
        elif tag in ("td", "th") and self.tables:
            t = self.tables[-1]
            self._end_cell()
            if t["row"] is None:
                t["row"] = []
            t["cell"] = _Cell(_span(attrs, "colspan"), _span(attrs, "rowspan"))
        elif tag in ("ul", "ol"):
            self._break()
            self.lists.append([tag, 0])
        elif tag == "li":
            self._break()
            if self.lists:
                self.lists[-1][1] += 1
                kind, n = self.lists[-1]
                self._text(f"{n}. " if kind == "ol" else "- ")
        elif tag in _BLOCK:
            if tag == "pre":
                self.pre += 1
            self._break()

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag == "br" and not self.skip:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            if tag not in _VOID:
                self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag in _ITALIC:
            self._close_marker("<i>")
        elif tag in _BOLD:
            self._close_marker("**")
        elif tag in ("td", "th") and self.tables:
            self._end_cell()
        elif tag == "tr" and self.tables:
            self._end_row()
        elif tag == "table" and self.tables:
            self._end_table()
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._break()
        elif tag in _BLOCK:
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            self._break()

    def handle_data(self, data: str) -> None:
        if not self.skip and data:
            self._text(data)

    # -- tables
    def _end_cell(self) -> None:
        t = self.tables[-1]
        cell = t["cell"]
        if cell is not None:
            self._skip_covered(t)
            lines = [ln for ln in (_WS.sub(" ", x).strip() for x in "".join(cell.parts).split("\n")) if ln]
            col = len(t["row"])
            # merged cells leave the columns and rows they cover empty, as in a PDF's or DOCX's rows
            t["row"].append(lines)
            t["row"].extend([] for _ in range(cell.colspan - 1))
            if cell.rowspan > 1:
                for c in range(col, col + cell.colspan):
                    t["below"][c] = cell.rowspan - 1
            t["cell"] = None

    @staticmethod
    def _skip_covered(t: dict) -> None:
        """Empty cells for the columns a rowspan above covers, where the next cell would go."""
        while t["below"].get(len(t["row"]), 0) > 0:
            t["below"][len(t["row"])] -= 1
            t["row"].append([])

    def _end_row(self) -> None:
        t = self.tables[-1]
        self._end_cell()
        if t["row"] is not None:
            self._skip_covered(t)
            if any(t["row"]):
                t["rows"].append(t["row"])
            t["row"] = None

    def _end_table(self) -> None:
        self._end_row()
        t = self.tables.pop()
        rows = table_lines(t["rows"])
        if self.tables and self.tables[-1]["cell"] is not None:
            # A table inside a cell flattens into that cell's text.
            self.tables[-1]["cell"].parts.append(" " + " ".join(r.replace("\t", " ") for r in rows) + " ")
        else:
            self._break()
            self.lines.extend(rows)

    def result(self) -> str:
        while self.tables:
            self._end_table()
        self._break()
        return "\n".join(self.lines) + ("\n" if self.lines else "")


def _decode_html(data: bytes, source: str) -> tuple[str, str, list[str]]:
    # A BOM or valid UTF-8 wins over a declared charset: Vietnamese pages often declare
    # iso-8859-1 while serving UTF-8.
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            m = _META_CHARSET.search(data[:4096])
            if m:
                declared = m.group(1).decode("ascii").lower()
                try:
                    codecs.lookup(declared)
                    text = data.decode(declared)
                    return unicodedata.normalize("NFC", text), declared, [f"charset {declared} from <meta>"]
                except (LookupError, UnicodeDecodeError):
                    pass
    text, enc, notes = decode_bytes(data, source)
    return text, enc, notes


@register_reader(".html", ".htm", ".xhtml")
def read_html(path: str) -> SourceText:
    """Read an HTML file into TAB-row text with ``<i>``/``**`` emphasis markers.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "p.html")
    >>> _ = open(path, "w", encoding="utf-8").write(
    ...     "<p>Thực hiện <em>Nghị quyết</em> &amp; <b>Kế hoạch</b></p>"
    ...     "<table><tr><td>1</td><td>Tổ chức<br>quán triệt</td></tr></table>")
    >>> read_html(path).raw
    'Thực hiện <i>Nghị quyết</i> & **Kế hoạch**\\n1\\tTổ chức quán triệt\\n'
    """
    data = Path(path).read_bytes()
    markup, encoding, notes = _decode_html(data, path)
    parser = _Extractor()
    try:
        parser.feed(markup)
        parser.close()
    except Exception as e:  # html.parser is lenient; anything it raises means a broken file
        raise LoadError(path, "corrupt", f"{Path(path).name} is not readable HTML ({e})") from None
    text = parser.result()
    if not text.strip():
        raise LoadError(path, "empty", f"{Path(path).name} has no visible text")
    if encoding not in ("tcvn3", "vni"):
        text, family, legacy_notes = fix_legacy(text, path)
        if family:
            encoding, notes = family, notes + legacy_notes
    return SourceText(source=path, format="html", raw=text, encoding=encoding, notes=notes)
