"""PDF files, with pdfminer.six. Only the text layer is read: scanned pages need OCR first.

The text keeps pdfminer's damage (``Ƣ`` for ``Ư``, detached combining marks, lines wrapped
at the page width, form feeds between pages); normalization repairs it.
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
    from pdfminer.high_level import extract_text  # heavy import, only when needed
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        text = extract_text(path)
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
    text, family, legacy_notes = fix_legacy(text, path)
    return SourceText(source=path, format="pdf", raw=text, encoding=family, notes=notes + legacy_notes)
