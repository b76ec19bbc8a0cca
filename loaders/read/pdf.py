"""PDF files, with pdfminer.six; ruled tables with pdfplumber. Only the text layer is read:
scanned pages need OCR first.

The text is pdfminer's (its text boxes in its order, a blank line after each, a form feed
after each page), with pdfminer's damage (``Ƣ`` for ``Ư``, detached combining marks, lines
wrapped at the page width); normalization repairs it. A page's ruled table (the task table
of a programme, drawn with lines) would come out column by column, its cells cut apart: its
rows are written instead as TAB-separated cells, a merged cell leaving the columns it covers
empty, as the DOCX and HTML readers write them, where the table's first line stood.
"""
from __future__ import annotations

import re
from pathlib import Path

from loaders.read import register_reader
from loaders.read.encoding import fix_legacy
from loaders.text import LoadError, SourceText

_CID = re.compile(r"\(cid:\d+\)")


@register_reader(".pdf")
def read_pdf(path: str) -> SourceText:
    """Read a PDF's text layer; raise ``no_text_layer`` for image-only PDFs."""
    name = Path(path).name
    with open(path, "rb") as fh:
        data_head = fh.read(1024)
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 2048))
        tail = fh.read()
    if b"%PDF" not in data_head:
        raise LoadError(path, "corrupt", f"{name} is not a PDF file (no %PDF header)")
    from pdfminer.pdfdocument import PDFPasswordIncorrect  # heavy imports, only when needed

    try:
        text, tables = _text_and_tables(path)
    except PDFPasswordIncorrect:
        raise LoadError(path, "corrupt", f"{name} is password-protected; remove the password first") from None
    except Exception as e:
        raise LoadError(path, "corrupt",
                        f"{name} is a damaged PDF and cannot be parsed ({type(e).__name__}: {e})") from None
    truncated = b"%%EOF" not in tail
    if not text.replace("\x0c", "").strip():
        if truncated:
            raise LoadError(path, "corrupt", f"{name} is truncated (no end-of-file marker) and no text could be read")
        raise LoadError(path, "no_text_layer",
                        f"{name} has no text layer (probably a scanned image); run OCR on it first")
    cids = len(_CID.findall(text))
    if cids and cids * 8 > len(text) * 0.5:
        raise LoadError(path, "undecodable",
                        f"{name} uses fonts without a Unicode map: its text layer reads as (cid:NN) codes")
    notes = ["file seems truncated (no %%EOF marker); text may be incomplete"] if truncated else []
    if tables:
        notes.append(f"ruled tables read as rows: {tables}")
    text, family, legacy_notes = fix_legacy(text, path)
    return SourceText(source=path, format="pdf", raw=text, encoding=family, notes=notes + legacy_notes)


def _text_and_tables(path: str) -> tuple[str, int]:
    """The document's text, pdfminer's layout with each ruled table as rows, and how many tables."""
    import pdfplumber

    out: list[str] = []
    found = 0
    with pdfplumber.open(path, laparams={}) as pdf:     # {}: pdfminer's default layout analysis
        for page in pdf.pages:
            tables = [t for t in page.find_tables() if _is_grid(t)]
            found += len(tables)
            _render_page(page.layout, [(t.bbox, _rows(t)) for t in tables], page.height, out)
            out.append("\f")
            page.close()
    return "".join(out), found


def _is_grid(table) -> bool:
    """A table of at least two rows and two columns (an underline or a framed title is none)."""
    rows = table.rows
    return len(rows) >= 2 and max(len(r.cells) for r in rows) >= 2


def _rows(table) -> str:
    """A table's rows as TAB-separated cells, each cell's wrapped lines joined with spaces."""
    lines = []
    for row in table.extract():
        lines.append("\t".join(" ".join((cell or "").split()) for cell in row))
    return "\n\n" + "\n".join(lines) + "\n\n"


def _render_page(layout, tables: list[tuple[tuple, str]], height: float, out: list[str]) -> None:
    """What pdfminer's TextConverter writes for a page (every text item in layout order, a line
    break after each text box), less the text lines inside a table, whose rows are written where
    its first line was met."""
    from pdfminer.layout import LTContainer, LTText, LTTextBox, LTTextLine

    written: set[int] = set()

    def table_of(item) -> int | None:
        # pdfplumber's bbox is (x0, top, x1, bottom) from the top of the page; pdfminer's y from its foot
        cx, cy = (item.x0 + item.x1) / 2, height - (item.y0 + item.y1) / 2
        for i, ((x0, top, x1, bottom), _) in enumerate(tables):
            if x0 <= cx <= x1 and top <= cy <= bottom:
                return i
        return None

    def render(item) -> bool:
        """Write ``item``; False if it was all inside tables (a text box then adds no line break)."""
        if tables and isinstance(item, LTTextLine):
            i = table_of(item)
            if i is not None:
                if i not in written:
                    written.add(i)
                    out.append(tables[i][1])
                return False
        kept = True
        if isinstance(item, LTContainer):
            kept = any([render(child) for child in item]) or not len(item)
        elif isinstance(item, LTText):
            out.append(item.get_text())
        if isinstance(item, LTTextBox) and kept:
            out.append("\n")
        return kept

    render(layout)
    for i, (_, rows) in enumerate(tables):      # a table whose text pdfminer put in no text line
        if i not in written:
            out.append(rows)
