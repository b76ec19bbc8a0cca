"""Stage 1: the readers, the suffix registry, the folder walk and every kind of LoadError.

Fixtures are built here from corpus text: a DOCX with python-docx, a PDF with fpdf2 and
DejaVu Sans (a font that has the Vietnamese letters), an HTML page.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest
from docx import Document
from fpdf import FPDF, FontFace

from loaders.load import iter_input_files, load_text
from loaders.read import READERS, read_source, register_reader
from loaders.text import LoadError, SourceText

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"
DEJAVU = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"

INTRO = ("Thực hiện Nghị quyết số 43-NQ/TW ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng "
         "khóa XIII về tiếp tục phát huy truyền thống, sức mạnh đại đoàn kết toàn dân tộc")
TASK = ("Tổ chức quán triệt đến cán bộ, đảng viên, đoàn viên, hội viên và Nhân dân "
        "Nghị quyết số 43-NQ/TW")


def make_docx(path: Path) -> Path:
    doc = Document()
    doc.add_paragraph("CHƯƠNG TRÌNH HÀNH ĐỘNG")
    p = doc.add_paragraph(INTRO + " (sau đây viết tắt là ")
    p.add_run("Nghị quyết số 43-NQ/TW").italic = True
    p.add_run("), Ban Chấp hành Đảng bộ tỉnh ")
    p.add_run("ban hành").bold = True
    p.add_run(" Chương trình hành động như sau:")
    table = doc.add_table(rows=4, cols=4)
    for i, head in enumerate(["TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành"]):
        table.cell(0, i).text = head
    table.cell(1, 0).text = "1"
    table.cell(1, 1).text = TASK
    table.cell(1, 2).text = "Các cấp ủy, tổ chức đảng"
    table.cell(1, 3).text = "Quý I/2024"
    table.cell(2, 0).text = "2"
    merged = table.cell(2, 1).merge(table.cell(2, 2))          # one cell over two columns
    merged.text = "Giám sát việc giải quyết các kiến nghị chính đáng của Nhân dân"
    table.cell(2, 3).text = "Định kỳ"
    table.cell(3, 0).text = "3"
    table.cell(3, 1).paragraphs[0].add_run("Chương trình phát triển thanh niên").italic = True
    down = table.cell(2, 3).merge(table.cell(3, 3))           # one cell over two rows
    down.text = "Định kỳ"
    table.cell(3, 2).text = "Ban Dân vận Tỉnh ủy"
    doc.add_paragraph("Nơi nhận: Các cơ quan, đơn vị liên quan.")
    doc.save(path)
    return path


def _pdf_opening(size: int, line: int) -> FPDF:
    """A page in a Vietnamese font with the heading and the opening paragraph of c001."""
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("dejavu", "", str(DEJAVU))
    pdf.set_font("dejavu", size=size)
    pdf.multi_cell(0, line, "CHƯƠNG TRÌNH HÀNH ĐỘNG", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, line, INTRO + ", Ban Chấp hành Đảng bộ tỉnh ban hành Chương trình hành động như sau:",
                   new_x="LMARGIN", new_y="NEXT")
    return pdf


def make_pdf(path: Path) -> Path:
    pdf = _pdf_opening(12, 8)
    pdf.multi_cell(0, 8, "1. Mục đích", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Tiêu đề trang</title>
<style>p { color: red }</style><script>var x = "không lấy";</script></head>
<body>
<h1>CHƯƠNG TRÌNH HÀNH ĐỘNG</h1>
<p>Thực hiện <i>Nghị quyết số 43-NQ/TW</i> &amp; Kế hoạch số 07-KH/TW,
   Ban Chấp hành Đảng bộ tỉnh <strong>ban hành</strong>&nbsp;Chương trình:</p>
<ul><li>Nâng cao nhận thức</li><li>Xác định nhiệm vụ</li></ul>
<table>
  <tr><th>TT</th><th>Nội dung nhiệm vụ</th><th>Cơ quan chủ trì</th></tr>
  <tr><td>1</td><td>Tổ chức quán triệt<br>Nghị quyết số 43-NQ/TW</td><td><em>Ban Dân vận Tỉnh ủy</em></td></tr>
</table>
</body></html>
"""


# --------------------------------------------------------------------------- DOCX

def test_docx_paragraphs_and_tables_in_document_order(tmp_path):
    src = read_source(make_docx(tmp_path / "ctr.docx"))
    lines = src.raw.splitlines()
    assert src.format == "docx"
    assert lines[0] == "CHƯƠNG TRÌNH HÀNH ĐỘNG"
    assert lines[1].startswith("Thực hiện Nghị quyết số 43-NQ/TW")
    assert lines[2] == "TT\tNội dung nhiệm vụ\tCơ quan chủ trì\tThời gian hoàn thành"
    assert lines[3] == f"1\t{TASK}\tCác cấp ủy, tổ chức đảng\tQuý I/2024"
    # the merged cell is written once and leaves the column it covers empty, as a PDF's row does:
    # the deadline stays in the deadline column
    assert lines[4] == "2\tGiám sát việc giải quyết các kiến nghị chính đáng của Nhân dân\t\tĐịnh kỳ"
    # a vertically merged cell is not repeated in the row it continues into
    assert lines[5] == "3\t<i>Chương trình phát triển thanh niên</i>\tBan Dân vận Tỉnh ủy\t"
    assert lines[6] == "Nơi nhận: Các cơ quan, đơn vị liên quan."
    assert len(lines) == 7


def test_docx_emphasis_markers_and_their_spans(tmp_path):
    src = read_source(make_docx(tmp_path / "ctr.docx"))
    assert "(sau đây viết tắt là <i>Nghị quyết số 43-NQ/TW</i>)" in src.raw
    assert "Đảng bộ tỉnh **ban hành** Chương trình" in src.raw
    text = load_text(tmp_path / "ctr.docx")
    spans = {(text.text[a:b], kind) for a, b, kind in text.emphasis}
    assert ("Nghị quyết số 43-NQ/TW", "i") in spans
    assert ("ban hành", "b") in spans
    assert ("Chương trình phát triển thanh niên", "i") in spans
    assert "<i>" not in text.text and "**" not in text.text


def test_truncated_docx_is_corrupt(tmp_path):
    good = make_docx(tmp_path / "good.docx").read_bytes()
    bad = tmp_path / "cut.docx"
    bad.write_bytes(good[: len(good) // 2])
    with pytest.raises(LoadError) as e:
        read_source(bad)
    assert e.value.kind == "corrupt"
    assert "cut.docx" in str(e.value) and "truncated" in e.value.message


def test_text_file_named_docx_is_corrupt(tmp_path):
    f = tmp_path / "fake.docx"
    f.write_text("Số 01-CTr/TU", encoding="utf-8")
    with pytest.raises(LoadError) as e:
        read_source(f)
    assert e.value.kind == "corrupt" and "not a DOCX" in e.value.message


# --------------------------------------------------------------------------- PDF

def test_pdf_text_layer_is_read_and_normalized(tmp_path):
    path = make_pdf(tmp_path / "ctr.pdf")
    src = read_source(path)
    assert src.format == "pdf"
    assert "CHƯƠNG TRÌNH HÀNH ĐỘNG" in src.raw
    text = load_text(path)
    # the long paragraph was wrapped by the page width; normalization joins it
    assert INTRO + ", Ban Chấp hành Đảng bộ tỉnh ban hành Chương trình hành động như sau:" in text.text
    assert text.text.splitlines()[-1] == "1. Mục đích"
    a = text.text.index("Ban Chấp hành Trung ương")
    b = a + len("Ban Chấp hành Trung ương Đảng khóa XIII")
    quote = src.raw[text.to_source(a):text.to_source(b)]
    assert " ".join(quote.split()) == "Ban Chấp hành Trung ương Đảng khóa XIII"


# c001's task table, rows 3 to 8, as a ruled PDF table over two pages; the lead cell of 3 to 6
# is merged in the source and left empty in these rows, as the PDF's text gives it
C001_ROWS = [
    ["TT", "Nội dung nhiệm vụ", "Tổ chức, cơ quan chủ trì tham mưu", "Tổ chức, cơ quan phối hợp (hoặc tham gia)",
     "Thời gian hoàn thành"],
    ["3", "Lãnh đạo đổi mới và nâng cao chất lượng các phiên giải trình, chất vấn của Hội đồng nhân dân, Thường trực "
          "Hội đồng nhân dân. Mở rộng phạm vi tiếp xúc cử tri, tập trung vào những vấn đề cử tri quan tâm, tổ chức tiếp "
          "xúc cử tri theo chuyên đề.", "Đảng đoàn Hội đồng nhân dân tỉnh",
     "Đảng đoàn Ủy ban MTTQ tỉnh; các cơ quan, đơn vị liên quan", "Thường xuyên"],
    ["4", "Giám sát việc giải quyết các kiến nghị chính đáng của Nhân dân trước, trong và sau các kỳ tiếp xúc cử tri; "
          "theo dõi quá trình giải quyết kiến nghị.", "", "Đảng đoàn Ủy ban MTTQ tỉnh; các cơ quan, đơn vị liên quan",
     "Định kỳ"],
    ["5", "Tiếp tục thực hiện tốt Kết luận số 114-KL/TW ngày 14/7/2015 của Ban Bí thư về nâng cao hiệu lực hiệu quả "
          "công tác dân vận của cơ quan Nhà nước các cấp.", "Ban cán sự đảng UBND tỉnh",
     "Ban Dân vận Tỉnh ủy; các cơ quan liên quan", "Thường xuyên"],
] + [[str(n), f"Nhiệm vụ số {n}: tổ chức lấy ý kiến của Mặt trận Tổ quốc và các tổ chức chính trị - xã hội, Nhân dân "
      "tham gia xây dựng các chính sách, quy hoạch, những chương trình, dự án lớn của tỉnh. " * 2,
      "Ban cán sự đảng UBND tỉnh", "Các cơ quan, đơn vị liên quan", "Thường xuyên"] for n in range(6, 12)]


def make_pdf_table(path: Path) -> Path:
    pdf = _pdf_opening(11, 7)
    pdf.multi_cell(0, 7, "IV. PHÂN CÔNG NHIỆM VỤ", new_x="LMARGIN", new_y="NEXT")
    with pdf.table(col_widths=(8, 70, 35, 40, 25), repeat_headings=1, headings_style=FontFace()) as table:
        for values in C001_ROWS:
            row = table.row()
            for v in values:
                row.cell(v)
    pdf.multi_cell(0, 7, "V. TỔ CHỨC THỰC HIỆN", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_a_ruled_pdf_table_is_read_as_rows(tmp_path):
    from loaders.extract import extract_path

    path = make_pdf_table(tmp_path / "ctr.pdf")
    src = read_source(path)
    assert src.raw.count("\f") >= 2                    # the table runs onto a second page
    assert "Thời gian hoàn thành\n3\tLãnh đạo đổi mới" in src.raw.replace("\t\n", "\n")
    rec = extract_path(str(path))
    assert [(t["tt"], t["lead"], t["lead_inherited"], t["deadline"]) for t in rec["tasks"]] == [
        ("3", "Đảng đoàn Hội đồng nhân dân tỉnh", None, "Thường xuyên"),
        ("4", None, "Đảng đoàn Hội đồng nhân dân tỉnh", "Định kỳ"),
        ("5", "Ban cán sự đảng UBND tỉnh", None, "Thường xuyên")] + [
        (str(n), "Ban cán sự đảng UBND tỉnh", None, "Thường xuyên") for n in range(6, 12)]
    assert rec["tasks"][2]["references"] == ["114-KL/TW"]
    # the text around the table is pdfminer's, as for a page without one
    assert "IV. PHÂN CÔNG NHIỆM VỤ" in load_text(path).text and "V. TỔ CHỨC THỰC HIỆN" in load_text(path).text


def test_a_pdf_without_a_table_reads_as_pdfminer_gives_it(tmp_path):
    from pdfminer.high_level import extract_text

    path = make_pdf(tmp_path / "ctr.pdf")
    assert read_source(path).raw == extract_text(str(path))


def test_pdf_without_text_has_no_text_layer(tmp_path):
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60)          # a drawing, like a scanned page: no text objects
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(LoadError) as e:
        read_source(tmp_path / "scan.pdf")
    assert e.value.kind == "no_text_layer" and "scan.pdf" in str(e.value)


def test_broken_pdf_is_corrupt(tmp_path):
    data = make_pdf(tmp_path / "ok.pdf").read_bytes()
    (tmp_path / "half.pdf").write_bytes(data[: len(data) // 2])
    (tmp_path / "notpdf.pdf").write_text("Thực hiện Nghị quyết", encoding="utf-8")
    for name in ("half.pdf", "notpdf.pdf"):
        with pytest.raises(LoadError) as e:
            read_source(tmp_path / name)
        assert e.value.kind == "corrupt", name
        assert name in str(e.value)


def test_docx_header_and_signature_tables_read_as_lines(tmp_path):
    # The usual DOCX layout: the header and the signature are two-column tables, each cell of
    # several paragraphs. Read as one row, "TỈNH ỦY LẠNG SƠN * Số 45-KH/TU" hid the document's
    # own symbol, and it became a reference to itself.
    doc = Document()
    left, right = doc.add_table(rows=1, cols=2).rows[0].cells
    left.text = "TỈNH ỦY LẠNG SƠN"
    for line in ("*", "Số 45-KH/TU"):
        left.add_paragraph(line)
    right.text = "ĐẢNG CỘNG SẢN VIỆT NAM"
    right.add_paragraph("Lạng Sơn, ngày 14 tháng 3 năm 2025")
    doc.add_paragraph("KẾ HOẠCH")
    doc.add_paragraph("thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị")
    rows = doc.add_table(rows=2, cols=4).rows
    for cell, value in zip(rows[0].cells, ("TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời gian")):
        cell.text = value
    rows[1].cells[0].text, rows[1].cells[3].text = "1", "Quý IV/2025"
    rows[1].cells[1].merge(rows[1].cells[2]).text = "Xây dựng Đề án chuyển đổi số"    # gridSpan 2
    left, right = doc.add_table(rows=1, cols=2).rows[0].cells
    left.text = "Nơi nhận:"
    for line in ("- Ban Bí thư,", "- Lưu Văn phòng Tỉnh ủy."):
        left.add_paragraph(line)
    right.text = "T/M BAN THƯỜNG VỤ"
    for line in ("BÍ THƯ", "Đoàn Thị Hậu"):
        right.add_paragraph(line)
    path = tmp_path / "kh.docx"
    doc.save(path)
    lines = read_source(path).raw.splitlines()
    assert lines[:5] == ["TỈNH ỦY LẠNG SƠN", "*", "Số 45-KH/TU", "ĐẢNG CỘNG SẢN VIỆT NAM",
                         "Lạng Sơn, ngày 14 tháng 3 năm 2025"]
    assert lines[8] == "1\tXây dựng Đề án chuyển đổi số\t\tQuý IV/2025"   # the deadline stays in its column
    assert lines[-6:] == ["Nơi nhận:", "- Ban Bí thư,", "- Lưu Văn phòng Tỉnh ủy.", "T/M BAN THƯỜNG VỤ", "BÍ THƯ",
                          "Đoàn Thị Hậu"]
    from loaders.extract import extract_path
    rec = extract_path(path)
    assert (rec["document"]["symbol"], rec["document"]["signer"]) == ("45-KH/TU", "Đoàn Thị Hậu")
    assert [r["symbol"] for r in rec["references"]] == ["57-NQ/TW"]


def test_html_merged_cells_leave_their_columns_empty(tmp_path):
    f = tmp_path / "kh.html"
    f.write_text("<table><tr><th>TT</th><th>Nội dung</th><th>Cơ quan chủ trì</th><th>Cơ quan phối hợp</th>"
                 "<th>Thời gian</th></tr>"
                 "<tr><td>1</td><td>Tuyên truyền</td><td rowspan='2'>Ban Tuyên giáo Tỉnh ủy</td><td>Sở Nội vụ</td>"
                 "<td>2025</td></tr><tr><td>2</td><td>Học tập</td><td>Sở Y tế</td><td>2026</td></tr>"
                 "<tr><td>3</td><td colspan='3'>Kiểm tra</td><td>2027</td></tr></table>"
                 "<table><tr><td><p>TỈNH ỦY LẠNG SƠN</p><p>Số 45-KH/TU</p></td>"
                 "<td><p>ĐẢNG CỘNG SẢN VIỆT NAM</p><p><i>Lạng Sơn, ngày 14 tháng 3 năm 2025</i></p></td></tr></table>",
                 encoding="utf-8")
    assert read_source(f).raw.splitlines() == [
        "TT\tNội dung\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian",
        "1\tTuyên truyền\tBan Tuyên giáo Tỉnh ủy\tSở Nội vụ\t2025",
        "2\tHọc tập\t\tSở Y tế\t2026",               # under the rowspan: empty, as a PDF's merged cell
        "3\tKiểm tra\t\t\t2027",                     # the colspan covers two more columns
        "TỈNH ỦY LẠNG SƠN", "Số 45-KH/TU", "ĐẢNG CỘNG SẢN VIỆT NAM", "<i>Lạng Sơn, ngày 14 tháng 3 năm 2025</i>"]


# --------------------------------------------------------------------------- HTML

def test_html_blocks_tables_and_emphasis(tmp_path):
    f = tmp_path / "ctr.html"
    f.write_text(HTML, encoding="utf-8")
    src = read_source(f)
    lines = src.raw.splitlines()
    assert src.format == "html"
    assert "không lấy" not in src.raw and "color" not in src.raw and "Tiêu đề trang" not in src.raw
    assert lines[0] == "CHƯƠNG TRÌNH HÀNH ĐỘNG"
    assert lines[1] == ("Thực hiện <i>Nghị quyết số 43-NQ/TW</i> & Kế hoạch số 07-KH/TW, "
                        "Ban Chấp hành Đảng bộ tỉnh **ban hành**\u00a0Chương trình:")
    assert lines[2:4] == ["- Nâng cao nhận thức", "- Xác định nhiệm vụ"]
    assert lines[4] == "TT\tNội dung nhiệm vụ\tCơ quan chủ trì"
    assert lines[5] == "1\tTổ chức quán triệt Nghị quyết số 43-NQ/TW\t<i>Ban Dân vận Tỉnh ủy</i>"
    text = load_text(f)
    spans = {(text.text[a:b], kind) for a, b, kind in text.emphasis}
    assert spans == {("Nghị quyết số 43-NQ/TW", "i"), ("ban hành", "b"), ("Ban Dân vận Tỉnh ủy", "i")}


def test_html_declared_legacy_charset(tmp_path):
    f = tmp_path / "old.htm"
    # cp1258: ư=0xFD ơ=0xF5, combining grave=0xCC
    f.write_bytes(b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
                  b"</head><body><p>Ch\xfd\xf5ng tri\xccnh</p></body></html>")
    src = read_source(f)
    assert src.raw == "Chương trình\n"


# --------------------------------------------------------------------------- text files

def test_corpus_text_file(tmp_path):
    src = read_source(CORPUS / "000_8d0538208f7f5767.txt")
    assert src.format == "txt" and src.encoding == "utf-8"
    assert "CHƢƠNG TRÌNH HÀNH ĐỘNG" in src.raw          # raw keeps the PDF's glyphs
    md = tmp_path / "note.md"
    md.write_text("Số **01-CTr/TU**\n", encoding="utf-8")
    assert read_source(md).format == "md"


@pytest.mark.parametrize("name,data,kind", [
    ("png.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "binary"),
    ("zip.txt", b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + bytes(range(256)), "binary"),
    ("nul.txt", b"Ban Ch\x00\x01\x02p h\x00nh \x03\x04\x05" * 20, "binary"),
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \r\n\t\r\n", "empty"),
    ("bad16.txt", b"\xff\xfe\x00\xd8", "undecodable"),        # UTF-16 BOM, then a lone surrogate
    ("notes.xyz", "Thực hiện".encode(), "unsupported_type"),
    ("README", "Thực hiện".encode(), "unsupported_type"),
])
def test_bad_files_raise_load_error(tmp_path, name, data, kind):
    f = tmp_path / name
    f.write_bytes(data)
    with pytest.raises(LoadError) as e:
        read_source(f)
    assert e.value.kind == kind
    assert name in e.value.message and str(f) == e.value.source
    assert e.value.as_record() == {"kind": kind, "message": f"{f}: {e.value.message}"}


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(LoadError) as e:
        read_source(tmp_path / "missing.docx")
    assert e.value.kind == "not_found" and "missing.docx" in e.value.message
    with pytest.raises(LoadError) as e:
        read_source(tmp_path)
    assert e.value.kind == "unsupported_type" and "folder" in e.value.message


def test_registry_accepts_new_readers(tmp_path):
    @register_reader(".ctr")
    def read_ctr(path: str) -> SourceText:
        return SourceText(source=path, format="ctr", raw=Path(path).read_text("utf-8"))
    try:
        f = tmp_path / "x.CTR"
        f.write_text("Số 01-CTr/TU", encoding="utf-8")
        assert read_source(f).format == "ctr"
    finally:
        READERS.pop(".ctr")
    assert {".txt", ".md", ".html", ".htm", ".docx", ".pdf"} <= set(READERS)


# --------------------------------------------------------------------------- folders

def test_iter_input_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for rel in ("b/2.docx", "b/1.pdf", "a.txt", "z.html", "b/notes.xyz", ".hidden.txt",
                ".git/config.txt", "b/~$lock.docx"):
        (tmp_path / rel).write_text("x", encoding="utf-8")
    got = [(str(Path(p).relative_to(tmp_path)), why) for p, why in iter_input_files([tmp_path])]
    assert got == [
        ("a.txt", None),
        ("b/1.pdf", None),
        ("b/2.docx", None),
        ("b/notes.xyz", "skipped: unsupported type .xyz"),
        ("b/~$lock.docx", "skipped: Office lock file"),
        ("z.html", None),
    ]
    # a file named explicitly is passed through, so loading it reports the problem
    explicit = str(tmp_path / "b" / "notes.xyz")
    assert list(iter_input_files([explicit, str(tmp_path / "nope.txt")])) == [
        (explicit, None), (str(tmp_path / "nope.txt"), None)]
    with pytest.raises(LoadError) as e:
        load_text(explicit)
    assert e.value.kind == "unsupported_type"


def test_load_text_on_the_corpus():
    for path, why in iter_input_files([CORPUS]):
        assert why is None
        text = load_text(path)
        assert text.source == path and len(text.offsets) == len(text.text) + 1
        assert text.text and "CHƢƠNG" not in text.text


def test_docstring_examples():
    import doctest

    import loaders.load
    import loaders.normalize
    import loaders.read
    import loaders.read.encoding
    import loaders.read.html
    import loaders.read.text
    for module in (loaders.read, loaders.read.encoding, loaders.read.html, loaders.read.text,
                   loaders.normalize, loaders.load):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__
