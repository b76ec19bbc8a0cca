"""Planned documents: numbered items with parts, DỰ KIẾN lists, task tables, drafting clauses."""
from __future__ import annotations

import pytest

from _corpus import CORPUS, corpus, join_wrapped
from loaders.extract import extract_path, extract_text
from loaders.planned import deadline_date, extract_planned

# 000, item 2 of "B. NỘI DUNG", as the PDF text gives it (wrapped lines, blank lines between).
ITEM_000 = """B. NỘI DUNG 

2. Đề án phát triển du lịch tỉnh Tuyên Quang đến năm 2025, định hướng 

đến năm 2030 

Mục tiêu: Khai thác hiệu quả tiềm năng về du lịch để tập trung phát triển theo 

hướng bền vững. 

Nội dung: Khai thác và phát huy có hiệu quả tiềm năng, lợi thế của tỉnh về du 

lịch. 

Tổ chức thực hiện:  

- Cơ quan chủ trì tham mưu: Ban cán sự đảng Ủy ban nhân dân tỉnh. 

- Cơ quan phối hợp: Mặt trận Tổ quốc tỉnh, các tổ chức chính trị - xã hội tỉnh 

và các cơ quan, đơn vị có liên quan. 

Thời gian hoàn thành dự thảo Đề án: Quý I/2021. 

3. Yêu cầu chung đối với các cơ quan 
"""

# 003, a chương trình with its steering committee.
ITEM_003 = """II. NỘI DUNG 
4. Chương trình đảm bảo an sinh xã hội tỉnh Hải Dương giai đoạn 2021-2025
4.1. Mục tiêu
Đảm bảo phát triển hài hòa giữa kinh tế và xã hội.
4.2. Nội dung chương trình
- Tiếp tục thực hiện tốt các chính sách về ưu đãi người có công.
4.3. Phân công thực hiện
Thành lập Ban chỉ đạo thực hiện Chương trình của tỉnh do đồng chí Phó Chủ tịch Ủy ban nhân dân tỉnh, phụ trách khối văn xã là Trưởng ban; thành viên gồm các sở, ban, ngành: Ủy ban Mặt trận Tổ quốc tỉnh, các đoàn thể chính trị - xã hội, Bộ chỉ huy Quân sự tỉnh, Lao động - Thương binh và Xã hội, Y tế, Giáo dục và Đào tạo, Tài chính, Kế hoạch và Đầu tư, Xây dựng, Bảo hiểm xã hội, Tài nguyên và Môi trường. 
III. TỔ CHỨC THỰC HIỆN
"""


def test_000_item_with_lead_cooperating_and_deadline():
    [item] = extract_planned(ITEM_000)
    assert item["ordinal"] == "2" and item["kind"] == "Đề án"
    assert item["title"] == "Đề án phát triển du lịch tỉnh Tuyên Quang đến năm 2025, định hướng đến năm 2030"
    assert item["lead"] == "Ban cán sự đảng Ủy ban nhân dân tỉnh"
    assert item["cooperating"] == ["Mặt trận Tổ quốc tỉnh", "các tổ chức chính trị - xã hội tỉnh",
                                   "các cơ quan, đơn vị có liên quan"]
    assert item["deadline"] == "Quý I/2021" and item["deadline_date"] == "2021-03-31"
    assert item["group"] == "B. NỘI DUNG"
    assert ITEM_000[item["start"]:].startswith("2. Đề án")


def test_003_programme_with_steering_committee():
    [item] = extract_planned(ITEM_003)
    assert item["kind"] == "Chương trình"
    assert item["title"] == "Chương trình đảm bảo an sinh xã hội tỉnh Hải Dương giai đoạn 2021-2025"
    sc = item["steering_committee"]
    assert sc["head"] == "Phó Chủ tịch Ủy ban nhân dân tỉnh, phụ trách khối văn xã"
    assert sc["members"][:3] == ["Ủy ban Mặt trận Tổ quốc tỉnh", "các đoàn thể chính trị - xã hội",
                                 "Bộ chỉ huy Quân sự tỉnh"]
    assert "Sở Lao động - Thương binh và Xã hội" in sc["members"]  # bare department names get "Sở"
    assert "Sở Y tế" in sc["members"] and "Sở Tài nguyên và Môi trường" in sc["members"]
    assert len(sc["members"]) == 11


def test_ordinary_numbered_paragraphs_are_not_planned():
    text = ("I. MỤC ĐÍCH, YÊU CẦU\n"
            "2. Chương trình hành động bám sát nội dung Nghị quyết Đại hội XIV của Đảng và điều kiện thực tiễn.\n"
            "3. Chương trình hành động này được phổ biến đến chi bộ.\n"
            "4. Đề án số 16-ĐA/TU tiếp tục được thực hiện.\n"
            "- Mỗi đảng viên phải xây dựng kế hoạch phấn đấu, rèn luyện.\n"
            "- Xây dựng chương trình, kế hoạch để tổ chức thực hiện.\n"
            "- Tiếp tục thực hiện Quyết định số 217-QĐ/TW của Bộ Chính trị về việc ban hành Quy chế giám sát.\n")
    assert extract_planned(text) == []


def test_drafting_clause_in_body_with_its_deadline():
    text = ("1.2. rà soát, sửa đổi, bổ sung\n- Tăng cường mối quan hệ phối hợp với cấp uỷ địa phương. Xây dựng quy chế"
            " phối hợp giữa cấp uỷ với chủ doanh nghiệp tư nhân nhằm phát huy vai trò của tổ chức đảng"
            " (thực hiện khi có hướng dẫn của Trung ương).\n")
    [item] = extract_planned(text)
    assert item["title"] == "quy chế phối hợp giữa cấp uỷ với chủ doanh nghiệp tư nhân"
    assert item["kind"] == "Quy chế" and item["source"] == "body"
    assert item["deadline"] == "thực hiện khi có hướng dẫn của Trung ương"




def test_a_clause_that_assigns_the_drafting_names_lead_cooperating_and_deadline():
    # the usual prose of a provincial Kế hoạch: "<lead> chủ trì, phối hợp với <others> tham mưu
    # xây dựng Đề án …, hoàn thành trong Quý III/2025"
    text = ("II. NHIỆM VỤ, GIẢI PHÁP\n"
            "1. Ban Tuyên giáo và Dân vận Tỉnh ủy chủ trì, phối hợp với Sở Khoa học và Công nghệ, Sở Nội vụ tham mưu "
            "xây dựng Đề án phát triển nguồn nhân lực số tỉnh Lào Cai, hoàn thành trong Quý III/2025.\n"
            "2. Giao Đảng ủy Ủy ban nhân dân tỉnh lãnh đạo xây dựng Kế hoạch chuyển đổi số năm 2025, hoàn thành "
            "trước ngày 30/6/2025.\n"
            "3. Các cơ quan tiếp tục thực hiện tốt Đề án phát triển du lịch.\n")
    got = [(p["kind"], p["title"], p["lead"], p["cooperating"], p["deadline_date"]) for p in extract_planned(text)]
    assert got == [
        ("Đề án", "Đề án phát triển nguồn nhân lực số tỉnh Lào Cai", "Ban Tuyên giáo và Dân vận Tỉnh ủy",
         ["Sở Khoa học và Công nghệ", "Sở Nội vụ"], "2025-09-30"),
        ("Kế hoạch", "Kế hoạch chuyển đổi số năm 2025", "Đảng ủy Ủy ban nhân dân tỉnh", [], "2025-06-30")]
    # a document to be made is not also a document the text cites; one it revises or carries out is
    rec = extract_text(text + "4. Ban Tổ chức Tỉnh ủy chủ trì rà soát, sửa đổi, bổ sung Quy định về công tác cán bộ.\n")
    assert [u["label"] for u in rec["unnumbered"]] == ["Đề án phát triển du lịch", "Quy định về công tác cán bộ"]
    # words before the verb that name no organisation do not make it a drafting clause
    assert extract_planned("Tiếp tục chỉ đạo xây dựng Đề án phát triển du lịch cộng đồng.\n") == []


def test_other_ways_a_clause_assigns_the_drafting():
    text = ("II. NHIỆM VỤ, GIẢI PHÁP\n"
            # the lead advises the body that will issue
            "1. Văn phòng Tỉnh ủy tham mưu Ban Thường vụ Tỉnh ủy ban hành Chỉ thị về tăng cường ứng dụng công nghệ "
            "thông tin trong các cơ quan Đảng (hoàn thành trước 30/9/2025).\n"
            # "Giao <lead>" and the verb; the deadline after "thời gian hoàn thành"
            "2. Giao Ban Tuyên giáo và Dân vận Tỉnh ủy xây dựng Kế hoạch tuyên truyền Nghị quyết số 57-NQ/TW, thời gian "
            "hoàn thành tháng 8/2025.\n"
            # submitted to a body by a date
            "3. Đảng ủy Ủy ban nhân dân tỉnh lãnh đạo xây dựng Đề án phát triển hạ tầng số tỉnh Nghệ An giai đoạn "
            "2025 - 2030, trình Ban Thường vụ Tỉnh ủy trong tháng 9/2025.\n"
            # every body told to plan: no one document
            "4. Giao các cấp ủy xây dựng kế hoạch thực hiện phù hợp với địa phương.\n")
    got = [(p["kind"], p["title"], p["lead"], p["deadline_date"]) for p in extract_planned(text)]
    assert got == [
        ("Chỉ thị", "Chỉ thị về tăng cường ứng dụng công nghệ thông tin trong các cơ quan Đảng", "Văn phòng Tỉnh ủy",
         "2025-09-30"),
        ("Kế hoạch", "Kế hoạch tuyên truyền Nghị quyết số 57-NQ/TW", "Ban Tuyên giáo và Dân vận Tỉnh ủy", "2025-08-31"),
        ("Đề án", "Đề án phát triển hạ tầng số tỉnh Nghệ An giai đoạn 2025 - 2030", "Đảng ủy Ủy ban nhân dân tỉnh",
         "2025-09-30")]

@pytest.mark.parametrize("value, expected", [
    ("Quý I/2021", "2021-03-31"), ("Quý III/2021", "2021-09-30"), ("quý IV năm 2025", "2025-12-31"),
    ("năm 2022", "2022-12-31"), ("Tháng 2/2024", "2024-02-29"), ("6 tháng đầu năm 2023", "2023-06-30"),
    ("Thực hiện khi có văn bản chỉ đạo của Trung ương (Trong năm 2023)", "2023-12-31"),
    ("trước ngày 30/6/2021", "2021-06-30"),
    # the last of several periods, the end of a range, a day written in words
    ("Quý I, II/2025", "2025-06-30"), ("Quý I và quý II/2025", "2025-06-30"), ("Tháng 10, 11/2025", "2025-11-30"),
    ("Năm 2025 - 2026", "2026-12-31"), ("Giai đoạn 2025-2030", "2030-12-31"),
    ("Trước ngày 15 tháng 10 năm 2025", "2025-10-15"),
    ("Thực hiện thường xuyên", None), ("Quý IV hằng năm", None), (None, None),
])
def test_deadline_date(value, expected):
    assert deadline_date(value) == expected


# ------------------------------------------------------------ whole documents

DEADLINES_000 = ["Quý III/2021", "Quý I/2021", "Quý I/2021", "Quý I/2021", "Quý I/2021", "Quý II/2021",
                 "Quý I/2021", "Quý I/2021", "Quý II/2021", "Quý II/2021", "Quý I/2021", "Quý I/2021"]


@pytest.mark.parametrize("shape", ["raw", "joined"])
def test_000_twelve_main_items_and_the_list_after_the_signature(shape):
    text = corpus("000")
    planned = extract_planned(join_wrapped(text) if shape == "joined" else text)
    main = [p for p in planned if p["source"] == "item"]
    assert [p["ordinal"] for p in main] == [str(i) for i in range(1, 13)]
    assert [p["deadline"] for p in main] == DEADLINES_000
    assert [p["kind"] for p in main] == ["Đề án"] * 9 + ["Chương trình", "Đề án", "Đề án"]
    assert main[10]["title"] == ("Đề án về nâng cao năng lực lãnh đạo, sức chiến đấu của tổ chức cơ sở Đảng, củng cố"
                                 " hệ thống chính trị ở cơ sở và nâng cao chất lượng đội ngũ cán bộ, đảng viên đáp ứng"
                                 " yêu cầu nhiệm vụ trong tình hình mới")
    assert main[10]["lead"] == "Ban Tổ chức Tỉnh ủy" and main[11]["lead"] == "Ban Dân vận Tỉnh ủy"
    assert all(p["lead"] == "Ban cán sự đảng Ủy ban nhân dân tỉnh" for p in main[:10])
    listed = [p for p in planned if p["source"] == "list"]
    assert listed[0]["kind"] == "Nghị quyết" and listed[0]["title"].startswith("Nghị quyết của Ban Chấp hành")
    assert all(p["group"] == "C. DỰ KIẾN MỘT SỐ NGHỊ QUYẾT, KẾT LUẬN" for p in listed)
    assert listed[-1]["title"] == "về cải cách hành chính"
    if shape == "raw":  # the raw lines still show where each listed item ends (and so does the normalized text)
        assert len(listed) == 9
        assert listed[1]["title"] == "phát triển đồng bộ kết cấu hạ tầng, ưu tiên hạ tầng giao thông và đô thị động lực"


def test_003_five_programmes_each_with_a_steering_committee():
    planned = [p for p in extract_planned(corpus("003")) if p["source"] == "item"]
    assert [p["ordinal"] for p in planned] == ["1", "2", "3", "4", "5"]
    assert all(p["kind"] == "Chương trình" and p["steering_committee"] for p in planned)
    assert planned[0]["steering_committee"]["head"] == "Chủ tịch Uỷ ban nhân dân tỉnh"
    assert planned[4]["steering_committee"]["head"] == "Phó Bí thư Thường trực Tỉnh uỷ"
    assert "Ban Tổ chức Tỉnh uỷ" in planned[4]["steering_committee"]["members"]


def test_004_rows_that_draft_a_document():
    planned = extract_planned(corpus("004"))
    by_ordinal = {p["ordinal"]: p for p in planned}
    assert by_ordinal["II.3"]["title"] == "quy chế làm việc mẫu của cấp uỷ cơ sở"
    assert by_ordinal["II.4"]["title"] == "Đề án thành lập chi bộ quân sự xã, phường, thị trấn trong toàn Đảng bộ tỉnh"
    assert by_ordinal["II.8"]["title"] == "chương trình đào tạo toàn khóa và kế hoạch đào tạo hằng năm"
    assert by_ordinal["II.14"]["deadline_date"] == "2022-12-31"
    assert by_ordinal["II.7"]["lead"] == "Ban Tổ chức Tỉnh ủy"
    # continuing documents of part I (with their symbols) are not planned
    assert not any(p["ordinal"] and p["ordinal"].startswith("I.") for p in planned)
    assert any(p["source"] == "body" and p["title"].startswith("quy chế phối hợp giữa cấp uỷ") for p in planned)


def test_002_issue_table_rows_are_planned_documents():
    planned = [p for p in extract_planned(corpus("002")) if p["source"] == "issue_table"]
    assert len(planned) == 45  # 44 rows, row II.6 lists two documents
    first = planned[0]
    assert first["kind"] == "Quy hoạch" and first["issued_as"] == "387/QĐ-UBND"
    assert first["title"] == "Quy hoạch điều chỉnh tỉnh Tuyên Quang thời kỳ 2021 - 2030, tầm nhìn đến năm 2050"
    six = [p for p in planned if p["ordinal"] == "II.6"]
    assert [p["kind"] for p in six] == ["Chương trình", "Kế hoạch"]


# An annex of planned projects with no "Thẩm quyền" column, as other provinces lay it out
# (constructed in the genre of 002's issue table): its rows name the documents.
ANNEX_LIST = """II. NHIỆM VỤ, GIẢI PHÁP
1. Phát triển kinh tế.

PHỤ LỤC
DANH MỤC CÁC ĐỀ ÁN, CHƯƠNG TRÌNH TRIỂN KHAI THỰC HIỆN
(Kèm theo Chương trình hành động số 20-CTr/TU ngày 10/3/2021 của Ban Chấp hành Đảng bộ tỉnh)
TT\tTên đề án, chương trình\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian trình
1\tĐề án phát triển công nghiệp hỗ trợ giai đoạn 2021 - 2025\tBan cán sự đảng UBND tỉnh\tBan Kinh tế Tỉnh ủy\tQuý II/2021
2\tChương trình chuyển đổi số tỉnh Bắc Ninh đến năm 2025\tBan cán sự đảng UBND tỉnh\tSở Thông tin và Truyền thông\tQuý III/2021
3\tĐề án nâng cao chất lượng đội ngũ cán bộ\tBan Tổ chức Tỉnh ủy\tCác cơ quan liên quan\tNăm 2022
"""


def test_a_table_whose_rows_name_documents_lists_planned_documents():
    items = extract_planned(ANNEX_LIST)
    assert [(p["ordinal"], p["kind"], p["lead"], p["deadline"]) for p in items] == [
        ("1", "Đề án", "Ban cán sự đảng UBND tỉnh", "Quý II/2021"),
        ("2", "Chương trình", "Ban cán sự đảng UBND tỉnh", "Quý III/2021"),
        ("3", "Đề án", "Ban Tổ chức Tỉnh ủy", "Năm 2022")]
    assert not any("Kèm theo" in p["title"] for p in items)      # the annex caption names its owner


def test_000_list_after_the_signature_in_the_normalized_text():
    # the normalizer keeps the line that stops short ("… và đô thị động lực") apart from the
    # next item, though that one starts in lower case: 9 items, as the raw lines show
    path = next(CORPUS.glob("000_*.txt"))
    listed = [p for p in extract_path(path)["planned"] if p["source"] == "list"]
    assert len(listed) == 9
    assert listed[1]["title"] == "phát triển đồng bộ kết cấu hạ tầng, ưu tiên hạ tầng giao thông và đô thị động lực"

