"""Agencies: alias table (abbreviations, accents, spacing), roles, successors."""
from __future__ import annotations

from _corpus import corpus
from loaders.agencies import (agency_aliases, agency_successors, canonical_agency, extract_agencies,
                              split_agencies)
from loaders.planned import extract_planned
from loaders.tasks import extract_tasks

# 000, the recipient block and the signature.
NOI_NHAN = """Nơi nhận: 
- Bộ Chính trị, Ban Bí thư TW Đảng (B/c),    
- Các ban Đảng Trung ương, 
- Văn phòng Trung ương Đảng, 
- Đảng ủy Quân khu 2, 
- Các đ/c Tỉnh ủy viên, 
- Các BCS đảng, đảng đoàn, 
- Các huyện uỷ, thành ủy, ĐUTT, 
- Các sở, ban, ngành, đoàn thể tỉnh, 
- Chánh, Phó Chánh VPTU, 
- Chuyên viên VPTU, 
- Lưu Văn phòng Tỉnh ủy. 
              T/M TỈNH UỶ 
             BÍ THƯ 
"""


def test_aliases_fold_case_accents_spacing_and_abbreviations():
    target = "Ban cán sự đảng Ủy ban nhân dân tỉnh"
    for written in ("Ban cán sự đảng UBND tỉnh", "Ban cán sự Đảng Uỷ ban nhân dân tỉnh",
                    "BAN CÁN SỰ ĐẢNG ỦY BAN NHÂN DÂN TỈNH", "Ban cán sự  đảng Ủy ban\nnhân dân tỉnh", "BCS đảng UBND tỉnh"):
        assert canonical_agency(written) == target, written
    assert canonical_agency("Đảng đoàn HĐND tỉnh") == "Đảng đoàn Hội đồng nhân dân tỉnh"
    assert canonical_agency("Đảng đoàn Hội LHPN tỉnh") == "Đảng đoàn Hội Liên hiệp Phụ nữ tỉnh"
    assert canonical_agency("BTV Tỉnh đoàn") == "Ban Thường vụ Tỉnh đoàn"
    assert canonical_agency("Ban Tổ chức Tỉnh uỷ") == "Ban Tổ chức Tỉnh ủy"
    assert canonical_agency("Cục Thống kê") is None            # not in the table: kept as written
    # a province's departments, mass organisations and the front under their abbreviations
    for written, target in (("Sở KH&CN", "Sở Khoa học và Công nghệ"), ("Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội"),
                            ("Sở Lao động, Thương binh và Xã hội", "Sở Lao động - Thương binh và Xã hội"),
                            ("Sở VHTT&DL", "Sở Văn hóa, Thể thao và Du lịch"), ("Hội LHPN tỉnh", "Hội Liên hiệp Phụ nữ tỉnh"),
                            ("LĐLĐ tỉnh", "Liên đoàn Lao động tỉnh"), ("Ban TG&DV Tỉnh ủy", "Ban Tuyên giáo và Dân vận Tỉnh ủy"),
                            ("Ủy ban MTTQ Việt Nam tỉnh", "Mặt trận Tổ quốc tỉnh"), ("UBMTTQ tỉnh", "Mặt trận Tổ quốc tỉnh")):
        assert canonical_agency(written) == target, written
    aliases = agency_aliases()
    assert aliases["dang doan uy ban mttq tinh"] == "Đảng đoàn Mặt trận Tổ quốc tỉnh"


def test_dutt_is_resolved_only_from_its_list():
    assert canonical_agency("ĐUTT", context="Các huyện ủy, thành ủy, ĐUTT") == "Các đảng ủy trực thuộc Tỉnh ủy"
    assert canonical_agency("ĐUTT") is None
    assert canonical_agency("Các huyện uỷ, thành ủy, ĐUTT") == "Các huyện ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy"


def test_split_lists_of_agencies():
    assert split_agencies("Đảng đoàn Ủy ban MTTQ, các tổ chức chính trị - xã hội tỉnh, BTV Tỉnh đoàn") == [
        "Đảng đoàn Ủy ban MTTQ", "các tổ chức chính trị - xã hội tỉnh", "BTV Tỉnh đoàn"]
    assert split_agencies("Các huyện ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy; các cơ quan, đơn vị có liên quan") == [
        "Các huyện ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy", "các cơ quan, đơn vị có liên quan"]
    assert split_agencies("Đảng ủy Ủy ban nhân dân tỉnh (Sở Nông nghiệp và Môi trường; Sở Dân tộc và Tôn giáo)") == [
        "Đảng ủy Ủy ban nhân dân tỉnh (Sở Nông nghiệp và Môi trường; Sở Dân tộc và Tôn giáo)"]
    assert split_agencies("Tài chính, Xây dựng, Ủy ban nhân dân một số huyện, thị xã, thành phố", bare=True) == [
        "Tài chính", "Xây dựng", "Ủy ban nhân dân một số huyện, thị xã, thành phố"]


def test_recipient_block_and_signer():
    found = {a["name"]: a for a in extract_agencies(NOI_NHAN, [], [])}
    recipients = {n for n, a in found.items() if "recipient" in a["roles"]}
    assert recipients == {
        "Bộ Chính trị", "Ban Bí thư Trung ương Đảng", "Các ban Đảng Trung ương", "Văn phòng Trung ương Đảng",
        "Đảng ủy Quân khu 2", "Các đồng chí Tỉnh ủy viên", "Các ban cán sự đảng, đảng đoàn",
        "Các huyện ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy", "Các sở, ban, ngành, đoàn thể tỉnh", "Văn phòng Tỉnh ủy"}
    assert found["Ban Chấp hành Đảng bộ tỉnh"]["roles"] == ["signer_org"]
    vptu = found["Văn phòng Tỉnh ủy"]
    assert {"VPTU", "Lưu Văn phòng Tỉnh ủy"} <= set(vptu["as_written"]) or "VPTU" in vptu["as_written"]
    for m in vptu["mentions"]:
        assert NOI_NHAN[m["start"]:m["end"]] == m["text"]


def test_000_roles():
    text = corpus("000")
    tasks = extract_tasks(text)
    found = {a["name"]: a for a in extract_agencies(text, tasks, extract_planned(text, tasks))}
    assert {"issuer", "signer_org"} <= set(found["Ban Chấp hành Đảng bộ tỉnh"]["roles"])
    assert "lead" in found["Ban cán sự đảng Ủy ban nhân dân tỉnh"]["roles"]
    assert "lead" in found["Ban Tổ chức Tỉnh ủy"]["roles"] and "lead" in found["Ban Dân vận Tỉnh ủy"]["roles"]
    assert "cooperating" in found["Các cơ quan, đơn vị liên quan"]["roles"]
    assert "assignee" in found["Đảng đoàn Hội đồng nhân dân tỉnh"]["roles"]
    assert "recipient" in found["Đảng ủy Quân khu 2"]["roles"]
    bcs = found["Ban cán sự đảng Ủy ban nhân dân tỉnh"]
    assert "Ban cán sự Đảng Ủy ban nhân dân tỉnh" in bcs["as_written"]
    assert len(bcs["mentions"]) >= 11
    for m in bcs["mentions"]:
        assert text[m["start"]:m["end"]] == m["text"]


def test_004_leads_come_from_the_task_table():
    text = corpus("004")
    tasks = extract_tasks(text)
    found = {a["name"]: a for a in extract_agencies(text, tasks, extract_planned(text, tasks))}
    for name in ("Ban Tổ chức Tỉnh ủy", "Ban Dân vận Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy",
                 "Trường Chính trị tỉnh", "Văn phòng Tỉnh ủy", "Đảng đoàn Hội đồng nhân dân tỉnh",
                 "Ban cán sự đảng Ủy ban nhân dân tỉnh", "Ban Thường vụ Tỉnh đoàn"):
        assert "lead" in found[name]["roles"], name
    assert "cooperating" in found["Đảng ủy Quân sự tỉnh"]["roles"]


def test_003_steering_committee_members():
    text = corpus("003")
    planned = extract_planned(text)
    found = {a["name"]: a for a in extract_agencies(text, extract_tasks(text), planned)}
    for name in ("Sở Tài chính", "Sở Y tế", "Ban Tổ chức Tỉnh ủy", "Văn phòng Ủy ban nhân dân tỉnh", "Cục Thống kê"):
        assert "member" in found[name]["roles"], name
    assert found["Cục Thống kê"]["known"] is False
    # "Sở Văn hóa - Thể thao và Du lịch" as 003 writes it is the department of the table
    assert found["Sở Văn hóa, Thể thao và Du lịch"]["known"] is True
    assert found["Ban Chấp hành Đảng bộ tỉnh"]["roles"] == ["issuer"]


def test_successors_of_2025():
    pairs = {(r["predecessor"], r["successor"]) for r in agency_successors()}
    assert ("Ban Tuyên giáo Tỉnh ủy", "Ban Tuyên giáo và Dân vận Tỉnh ủy") in pairs
    assert ("Ban Dân vận Tỉnh ủy", "Ban Tuyên giáo và Dân vận Tỉnh ủy") in pairs
    assert ("Ban cán sự đảng Ủy ban nhân dân tỉnh", "Đảng ủy Ủy ban nhân dân tỉnh") in pairs
    known = set(agency_aliases().values())
    assert all(r["predecessor"] in known and r["successor"] in known for r in agency_successors())


def test_a_centrally_run_citys_organs_are_named_after_its_thanh_uy():
    # Hà Nội's task table: the organs of the Thành ủy are the Tỉnh ủy's, under the city's name
    rows = extract_tasks("TT\tNội dung nhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian\n"
                         "1\tRà soát, sắp xếp tổ chức bộ máy\tBan Tổ chức Thành ủy\tBan TG&DV Thành ủy; Văn phòng Thành ủy\t"
                         "Quý I/2025\n")
    assert [canonical_agency(n) for n in [rows[0]["lead"], *rows[0]["cooperating"].split("; ")]] == [
        "Ban Tổ chức Thành ủy", "Ban Tuyên giáo và Dân vận Thành ủy", "Văn phòng Thành ủy"]
    assert canonical_agency("Thành ủy") == "Ban Chấp hành Đảng bộ thành phố"
    # and the 2025 merger of its two boards, as the Tỉnh ủy's
    pairs = {(r["predecessor"], r["successor"]) for r in agency_successors()}
    assert ("Ban Dân vận Thành ủy", "Ban Tuyên giáo và Dân vận Thành ủy") in pairs
    known = set(agency_aliases().values())
    assert all(r["predecessor"] in known and r["successor"] in known for r in agency_successors())
