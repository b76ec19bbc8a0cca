"""Task tables: header words, page-break repeats, continued rows, sections, merged lead cells."""
from __future__ import annotations

import time

import pytest

from _corpus import corpus, join_wrapped
from loaders.tasks import clean_cell, extract_tasks, header_roles

# 001, a page break inside row 6: the header is printed again, then the rest of row 6.
PAGE_BREAK = (
    "TT\tNội dung nhiệm vụ\tTổ chức, cơ quan chủ trì tham mưu\tTổ chức, cơ quan phối hợp (hoặc tham gia)\tThời gian hoàn thành\n"
    "5\tTiếp tục thực hiện tốt Kết luận số 114-KL/TW ngày 14/7/2015 của Ban Bí thư về nâng cao hiệu lực hiệu quả"
    " công tác dân vận\tBan cán sự đảng UBND tỉnh\tBan Dân vận Tỉnh ủy; các cơ quan liên quan\tThường xuyên\n"
    "6\tThực hiện quy định về công tác tiếp công dân, đối thoại giữa người đứng đầu chính quyền với Nhân dân;"
    " tiếp dân, trả lời, giải quyết kịp thời những kiến\t\tCác cơ quan, đơn vị liên quan\tĐịnh kỳ\n"
    "\n"
    "TT\tNội dung nhiệm vụ\tTổ chức, cơ quan chủ trì tham mưu\tTổ chức, cơ quan phối hợp (hoặc tham gia)\tThời gian hoàn thành\n"
    "\tnghị chính đảng, hợp pháp, khiếu nại, tố cáo của công dân và những vấn đề Nhân dân quan tâm, dư luận bức xúc.\t\t\t\n"
    "7\tĐổi mới, sắp xếp, kiện toàn tổ chức các cơ quan hành chính\tBan cán sự đảng UBND tỉnh\tCác cơ quan, đơn vị liên quan\tThường xuyên\n"
)

# 002, a table of documents to issue, with the issued Quyết định in the notes cell.
ISSUE_TABLE = (
    "TT\tNhiệm vụ triển khai\tCơ quan, tổ chức chỉ đạo/ Cơ quan chủ trì tham mưu\tThời gian ban hành\t"
    "Thẩm quyền ban hành\tNguồn lực thực hiện\tGhi chú\n"
    "I\tLĩnh vực kinh tế\t\t\t\t\t\n"
    "1\tQuy hoạch điều chỉnh tỉnh Tuyên Quang thời kỳ 2021 - 2030, tầm nhìn đến năm 2050\t"
    "Đảng ủy Ủy ban nhân dân tỉnh (Sở Tài chính)\tĐã ban hành\tBan Chấp hành Đảng bộ tỉnh, Hội đồng nhân dân tỉnh"
    " cho ý kiến; Ủy ban nhân dân tỉnh ban hành\tNgân sách Nhà nước và nguồn vốn hợp pháp khác\t"
    "Quyết định số 387/QĐ-UBND ngày 26/02/2026\n"
    "2\tChương trình phát triển đô thị tỉnh Tuyên Quang, giai đoạn 2026-2030\tĐảng ủy Ủy ban nhân dân tỉnh (Sở Xây dựng)\t"
    "Tháng 12/2026\tBan Thường vụ Tỉnh ủy cho ý kiến\tNgân sách Nhà nước\t\n"
)


def test_header_words_give_column_roles():
    roles = header_roles(PAGE_BREAK.split("\n")[0].split("\t"))
    assert roles == {0: "tt", 1: "content", 2: "lead", 3: "cooperating", 4: "deadline"}
    roles = header_roles(ISSUE_TABLE.split("\n")[0].split("\t"))
    assert roles == {0: "tt", 1: "content", 2: "lead", 3: "deadline", 4: "authority", 5: "resources", 6: "notes"}
    assert header_roles(["1", "Tiếp tục thực hiện", "Ban Tổ chức Tỉnh ủy", "Thường xuyên"]) is None
    # the list of đề án of a provincial programme: the level it goes to ("Cấp trình") is no deadline
    roles = header_roles(["STT", "Tên đề án, nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Cấp trình",
                          "Thời gian trình", "Sản phẩm"])
    assert roles == {0: "tt", 1: "content", 2: "lead", 3: "cooperating", 4: "authority", 5: "deadline", 6: "product"}


def test_page_break_repeat_is_skipped_and_continued_row_joined():
    rows = extract_tasks(PAGE_BREAK)
    assert [r["tt"] for r in rows] == ["5", "6", "7"]
    six = rows[1]
    assert six["content"].endswith("giải quyết kịp thời những kiến nghị chính đảng, hợp pháp, khiếu nại, tố cáo của"
                                   " công dân và những vấn đề Nhân dân quan tâm, dư luận bức xúc.")
    assert "Nội dung nhiệm vụ" not in six["content"]
    # the row's span covers its continuation after the page break
    assert PAGE_BREAK[six["start"]:six["end"]].startswith("6\tThực hiện")
    assert PAGE_BREAK[six["start"]:six["end"]].endswith("dư luận bức xúc.\t\t\t")
    assert rows[0]["references"] == ["114-KL/TW"]


def test_merged_lead_cell_is_inherited_not_copied():
    rows = extract_tasks(PAGE_BREAK)
    assert rows[0]["lead"] == "Ban cán sự đảng UBND tỉnh" and rows[0]["lead_inherited"] is None
    assert rows[1]["lead"] is None
    assert rows[1]["lead_inherited"] == "Ban cán sự đảng UBND tỉnh"
    assert rows[1]["cooperating"] == "Các cơ quan, đơn vị liên quan"


def test_a_second_header_row_names_the_columns_under_a_merged_cell():
    # "Cơ quan thực hiện" spans "Chủ trì" and "Phối hợp": the cooperating column is empty in the
    # first header row and named only in the second
    text = ("STT\tNội dung\tCơ quan thực hiện\t\tThời gian\n"
            "\t\tChủ trì\tPhối hợp\t\n"
            "1\tXây dựng Kế hoạch chuyển đổi số\tĐảng ủy UBND tỉnh\tSở KH&CN\tQuý III/2025\n")
    (row,) = extract_tasks(text)
    assert (row["lead"], row["cooperating"], row["deadline"]) == ("Đảng ủy UBND tỉnh", "Sở KH&CN", "Quý III/2025")


def test_section_rows_written_with_a_dot():
    text = ("TT\tNội dung\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian\n"
            "I.\tCông tác tuyên truyền\t\t\t\n"
            "1.\tTuyên truyền Nghị quyết\tBan Tuyên giáo Tỉnh ủy\t\tQuý I/2025\n"
            "B.\tCông tác tổ chức\t\t\t\n"
            "1\tRà soát quy hoạch cán bộ\tBan Tổ chức Tỉnh ủy\t\tNăm 2025\n")
    assert [(r["section"], r["section_title"], r["tt"]) for r in extract_tasks(text)] == [
        ("I", "Công tác tuyên truyền", "1"), ("B", "Công tác tổ chức", "1")]


def test_issue_table_columns_and_issued_decision():
    rows = extract_tasks(ISSUE_TABLE)
    assert [(r["section"], r["section_title"], r["tt"]) for r in rows] == [
        ("I", "Lĩnh vực kinh tế", "1"), ("I", "Lĩnh vực kinh tế", "2")]
    first = rows[0]
    assert first["issued_as"] == "387/QĐ-UBND"
    assert first["notes"] == "Quyết định số 387/QĐ-UBND ngày 26/02/2026"
    assert first["authority"].startswith("Ban Chấp hành Đảng bộ tỉnh, Hội đồng nhân dân tỉnh cho ý kiến")
    assert first["resources"] == "Ngân sách Nhà nước và nguồn vốn hợp pháp khác"
    assert first["deadline"] == "Đã ban hành"
    assert "387/QĐ-UBND" in first["references"]
    assert rows[1]["issued_as"] is None and rows[1]["deadline"] == "Tháng 12/2026"


def test_markup_is_stripped_from_cells():
    assert clean_cell("Thực hiện thường xuyên (<i>Hoàn thành vào Quý IV/2025</i>)") == \
        "Thực hiện thường xuyên (Hoàn thành vào Quý IV/2025)"
    assert clean_cell("<p>- Ban Chấp hành Đảng bộ tỉnh</p> <p>- Ban Thường vụ Tỉnh ủy</p>") == \
        "- Ban Chấp hành Đảng bộ tỉnh - Ban Thường vụ Tỉnh ủy"


def test_running_text_ends_a_table_and_a_new_header_opens_another():
    text = ("TT\tNội dung\tCơ quan chủ trì\tThời gian\n1\tA\tBan Tổ chức Tỉnh ủy\tQuý I/2024\n"
            "Đoạn văn bình thường sau bảng.\n"
            "STT\tTên văn bản\tĐơn vị chủ trì\tThời hạn\n1\tĐề án X\tVăn phòng Tỉnh ủy\tQuý II/2024\n")
    rows = extract_tasks(text)
    assert [(r["table"], r["tt"], r["lead"]) for r in rows] == [
        (0, "1", "Ban Tổ chức Tỉnh ủy"), (1, "1", "Văn phòng Tỉnh ủy")]


# ------------------------------------------------------------ whole documents

GOLD_004_LEADS = {
    ("I", "1"): "Ban Tổ chức Tỉnh ủy", ("I", "6"): "Ban Dân vận Tỉnh ủy", ("I", "13"): "Ban Tuyên giáo Tỉnh ủy",
    ("I", "22"): "Ủy ban Kiểm tra Tỉnh ủy", ("I", "24"): "Đảng đoàn Mặt trận Tổ quốc Việt Nam tỉnh Tuyên Quang",
    ("I", "25"): "Trường Chính trị tỉnh", ("II", "5"): "Văn phòng Tỉnh ủy", ("II", "11"): "Ban Tuyên giáo Tỉnh ủy",
    ("II", "15"): "Văn Phòng Tỉnh ủy",
    ("II", "16"): "Đảng đoàn Hội đồng nhân dân tỉnh, Ban cán sự đảng Ủy ban nhân dân tỉnh",
}


@pytest.mark.parametrize("shape", ["raw", "joined"])
def test_004_yields_42_rows_in_two_parts(shape):
    text = corpus("004")
    rows = extract_tasks(join_wrapped(text) if shape == "joined" else text)
    assert len(rows) == 42
    assert [r["tt"] for r in rows if r["section"] == "I"] == [str(i) for i in range(1, 26)]
    assert [r["tt"] for r in rows if r["section"] == "II"] == [str(i) for i in range(1, 18)]
    by_key = {(r["section"], r["tt"]): r for r in rows}
    for key, lead in GOLD_004_LEADS.items():
        assert by_key[key]["lead"] == lead, key
    assert all(r["lead"] for r in rows) and not any(r["lead_inherited"] for r in rows)
    assert by_key[("I", "6")]["deadline"] == \
        "Thực hiện thường xuyên (Hoàn thành các mục tiêu và tổng kết Đề án vào Quý IV/2025)"
    assert by_key[("I", "1")]["references"] == ["16-ĐA/TU"]
    assert by_key[("II", "17")]["references"] == ["21-NQ/TW"]


def test_001_yields_51_rows_with_inherited_leads():
    rows = extract_tasks(corpus("001"))
    assert [r["tt"] for r in rows] == [str(i) for i in range(1, 52)]
    assert all(r["section"] is None for r in rows)
    by_tt = {r["tt"]: r for r in rows}
    assert by_tt["3"]["lead"] is None and by_tt["3"]["lead_inherited"] == "Đảng đoàn HĐND tỉnh"
    assert by_tt["18"]["lead_inherited"] == "Ban Dân vận Tỉnh ủy"
    assert by_tt["28"]["content"].endswith("trong giai đoạn mới.")  # continued after a page break, <i> removed
    assert "<i>" not in by_tt["28"]["content"]
    assert sum(1 for r in rows if r["lead"]) == 20


def test_002_documents_to_issue():
    rows = extract_tasks(corpus("002"))
    assert len(rows) == 44
    assert [s for s in dict.fromkeys(r["section"] for r in rows)] == ["I", "II", "III", "IV"]
    by_key = {(r["section"], r["tt"]): r for r in rows}
    assert ("II", "7") not in by_key  # the source skips from 6 to 8
    assert by_key[("I", "1")]["issued_as"] == "387/QĐ-UBND"
    assert by_key[("II", "12")]["lead"] == "Đảng ủy Ủy ban nhân dân tỉnh (Sở Giáo dục và Đào tạo)"
    assert by_key[("II", "12")]["resources"].startswith("Ngân sách nhà nước, ngân sách địa phương")
    assert by_key[("IV", "16")]["authority"].startswith("Ban Thường vụ Tỉnh ủy cho ý kiến")


def test_documents_without_task_tables_yield_nothing():
    assert extract_tasks(corpus("000")) == []
    assert extract_tasks(corpus("003")) == []  # its TAB rows are header layout, not a task table


def test_fast():
    texts = [corpus(p) for p in ("000", "001", "002", "003", "004")]
    extract_tasks(texts[1])
    t0 = time.perf_counter()
    for t in texts:
        extract_tasks(t)
    assert time.perf_counter() - t0 < 0.1
