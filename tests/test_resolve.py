"""Resolution across a corpus, on contract-shaped extractions taken from real corpus passages
(tests/contract_samples.py). Cases the five files do not contain (a Hải Dương ``TU`` citation
of a number Tuyên Quang also used, a date conflict, an undated mention) are built from the same
passages and say so."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from contract_samples import F001, F002, F003, F004, MTTQ, all_samples, doc, e003, ext, mention, ref
from kg.resolve import deadline_date, norm_term, resolve, split_symbol


@pytest.fixture(scope="module")
def corpus():
    return resolve(all_samples())


def one(c, symbol, year=None):
    hits = c.find(symbol, year=year)
    assert len(hits) == 1, [d.path for d in hits]
    return hits[0]


def test_identity_is_scope_type_number_and_year(corpus):
    assert one(corpus, "43-NQ/TW").path == "doc/central/NQ/43/2023"
    assert one(corpus, "55-CTr/TU").path == "doc/province/tuyen-quang/CTr/55/2024"
    assert one(corpus, "02-ĐA/TU").path == "doc/province/tuyen-quang/ĐA/2/2021"


def test_a_loaded_document_and_its_mentions_are_one_node(corpus):
    d = one(corpus, "02-ĐA/TU")          # cited by 55-CTr/TU and by 26-CTr/TU
    assert sorted(d.cited_in) == sorted([F001, F004])
    loaded = one(corpus, "26-CTr/TU")
    assert loaded.loaded and loaded.sources == [F004]


def test_same_symbol_in_two_years_is_two_documents(corpus):
    docs = corpus.find("11-CTr/TU")
    assert [d.date for d in docs] == [dt.date(2021, 10, 28), dt.date(2025, 11, 18)]
    assert corpus.find("11-CTr/TU@2021")[0].issuing_body == "Ban Thường vụ Tỉnh ủy"


def test_type_code_typo_resolves_to_the_programme_with_a_record(corpus):
    assert corpus.find("12-CT/TU") == []
    d = one(corpus, "12-CTr/TU")
    assert "12-CT/TU" in d.as_written
    recs = [q for q in corpus.quality if q.kind == "type_code_typo"]
    assert [(q.as_written, q.resolved_to) for q in recs] == [("12-CT/TU", "12-CTr/TU")]
    assert recs[0].evidence[0].source == F002 and "12-CT/TU" in recs[0].evidence[0].quote


def test_provincial_code_said_to_be_of_the_politburo_is_the_central_resolution(corpus):
    d = one(corpus, "35-NQ/TW")
    assert d.scope == "central" and "35-NQ/TU" in d.as_written
    assert corpus.find("35-NQ/TU") == []
    (q,) = [q for q in corpus.quality if q.kind == "issuer_code_typo"]
    assert q.resolved_to == "35-NQ/TW" and q.evidence[0].source == F004
    # the chain edge written with the typo lands on the same node
    kh = one(corpus, "319-KH/TU")
    assert any(r.source == kh.key and r.target == d.key and r.relation == "implements" for r in corpus.relations)


def test_the_same_tu_symbol_in_two_provinces_never_merges():
    # constructed: Hải Dương's draft citing a 02-ĐA/TU of the same day as Tuyên Quang's
    hd = e003()
    hd["references"].append(ref(F003, "35-CT/TW", "Chỉ thị số 35-CT/TW, ngày 30/5/2019"))
    hd["references"][-1].update(symbol="02-ĐA/TU", number="02", type="ĐA", issuer_code="TU",
                                date="2021-05-23", subject=MTTQ)
    c = resolve(all_samples()[:2] + [hd])
    docs = c.find("02-ĐA/TU")
    assert sorted(d.scope for d in docs) == ["province:hai-duong", "province:tuyen-quang"]
    assert len({d.path for d in docs}) == 2


def test_undated_mention_resolves_to_the_single_fitting_candidate():
    extra = ext(F004, doc("99-CTr/TU", "2024-06-01"),
                references=[ref(F004, "02-ĐA/TU", "Đề án số 02-ĐA/TU", subject=MTTQ)])
    c = resolve(all_samples() + [dict(extra, source="x.txt")])
    d = one(c, "02-ĐA/TU")
    assert "x.txt" in d.cited_in and not [q for q in c.quality if q.kind == "ambiguous_mention"]


def test_undated_mention_with_two_candidates_stays_ambiguous_and_is_reported():
    extra = ext("y.txt", doc("98-CTr/TU", "2026-05-01"),
                references=[{**ref(F002, "11-CTr/TU", "11-CTr/TU"), "date": None, "issuing_body": None}])
    c = resolve(all_samples() + [extra])
    assert len(c.find("11-CTr/TU")) == 2                        # the two real documents remain
    amb = [d for d in c.documents.values() if d.ambiguous]
    assert len(amb) == 1 and len(amb[0].candidates) == 2
    (q,) = [q for q in c.quality if q.kind == "ambiguous_mention"]
    assert "not resolved" in q.message
    src = next(d for d in c.documents.values() if d.symbol == "98-CTr/TU")
    assert [c.documents[r.target].ambiguous for r in c.relations if r.source == src.key] == [True]


def test_one_document_cited_with_two_dates_is_one_node_with_a_conflict():
    # constructed: 72-NQ/TW written with a second date in another file, same subject
    samples = all_samples()
    other = ext("z.txt", doc("97-CTr/TU", "2026-05-01"), references=[
        {**ref(F002, "72-NQ/TW", "72-NQ/TW, ngày 09/9/2025"), "date": "2025-09-19",
         "subject": "một số giải pháp đột phá, tăng cường bảo vệ, chăm sóc và nâng cao sức khỏe nhân dân"}])
    for r in samples[2]["references"]:
        if r["symbol"] == "72-NQ/TW":
            r["subject"] = "một số giải pháp đột phá, tăng cường bảo vệ, chăm sóc và nâng cao sức khỏe nhân dân"
    c = resolve(samples + [other])
    d = one(c, "72-NQ/TW")
    assert d.dates_seen == {dt.date(2025, 9, 9), dt.date(2025, 9, 19)}
    assert [q.kind for q in c.quality if d.key in q.documents] == ["date_conflict"]


def test_terms_only_keep_same_numbers_apart():
    e = ext("t.txt", doc("96-CTr/TU", "2024-01-01"), references=[
        {**ref(F001, "43-NQ/TW", "43-NQ/TW"), "symbol": "25-NQ/TW@khóa X", "number": "25", "term": "X", "date": None},
        {**ref(F001, "43-NQ/TW", "43-NQ/TW"), "symbol": "25-NQ/TW@khóa IX", "number": "25", "term": "khóa IX", "date": None}])
    c = resolve([e])
    assert sorted(d.path for d in c.documents.values() if d.symbol == "25-NQ/TW") == [
        "doc/central/NQ/25/khoa-ix", "doc/central/NQ/25/khoa-x"]


def test_agency_aliases_are_one_node_per_province_with_successor(corpus):
    names = [a for a in corpus.agencies.values() if "can su" in a.key[1]]
    assert len(names) == 1
    a = names[0]
    assert a.key[0] == "tuyen-quang"
    assert {"Ban cán sự đảng UBND tỉnh"} <= a.aliases | {a.name}
    assert a.successor is not None and corpus.agencies[a.successor].name == "Đảng ủy Ủy ban nhân dân tỉnh"


def test_planned_projects_matched_to_the_projects_that_fulfilled_them(corpus):
    by_ordinal = {p.ordinal: p for p in corpus.planned}
    f12 = by_ordinal["12"].fulfilled_by
    f11 = by_ordinal["11"].fulfilled_by
    assert [corpus.documents[f.document].symbol for f in f12] == ["02-ĐA/TU"]
    assert [corpus.documents[f.document].symbol for f in f11] == ["03-ĐA/TU"]
    assert f12[0].delay_days == 53 and f11[0].delay_days == 73        # after Quý I/2021 (31/3/2021)
    assert f12[0].score >= 0.75 and f12[0].evidence.quote
    assert by_ordinal["2"].fulfilled_by == [] and by_ordinal[None].fulfilled_by == []
    open_items = [q for q in corpus.quality if q.kind == "unmatched_planned"]
    assert len(open_items) == 2


def test_helpers():
    assert deadline_date("Quý I/2021") == dt.date(2021, 3, 31)
    assert deadline_date("Thực hiện khi có văn bản chỉ đạo của Trung ương (Trong năm 2023)") == dt.date(2023, 12, 31)
    assert norm_term("khóa XIII") == "XIII" and norm_term(14) == "XIV" and norm_term(None) is None
    assert split_symbol("30/2020/NĐ-CP")["year"] == 2020
    assert split_symbol("25-NQ/TW@khóa X")["symbol"] == "25-NQ/TW"


def test_resolution_does_not_depend_on_input_order():
    a = resolve(all_samples())
    b = resolve(list(reversed(copy.deepcopy(all_samples()))))
    assert sorted(d.path for d in a.documents.values()) == sorted(d.path for d in b.documents.values())


def test_extractor_warnings_become_records_with_file_and_span_unless_already_recorded():
    # constructed: one warning the resolver already covers (the 12-CT/TU typo, same span) and
    # one it cannot know (an impossible date), in file F002's extraction
    samples = all_samples()
    f2 = next(e for e in samples if e["source"] == F002)
    typo = next(q for q in resolve(copy.deepcopy(samples)).quality if q.kind == "type_code_typo")
    ev = typo.evidence[0]
    f2["warnings"] = [
        {"kind": "type_code_contradicts_noun", "message": "the code CT does not name a Chương trình hành động",
         "start": ev.start, "end": ev.end},
        {"kind": "impossible_date", "message": "72-NQ/TW: date '31/02/2025' does not exist; left empty",
         "start": 5, "end": 15}]
    c = resolve(samples)
    assert [q.kind for q in c.quality].count("type_code_contradicts_noun") == 0    # the typo record says it
    w = [q for q in c.quality if q.kind == "impossible_date"]
    assert len(w) == 1 and w[0].evidence[0].source == F002 and (w[0].evidence[0].start, w[0].evidence[0].end) == (5, 15)
    assert "[5:15]" in w[0].message and w[0].severity == "high"


def test_a_planned_item_noted_as_issued_is_linked_before_fuzzy_matching():
    # constructed: 01-CTr/TU's đề án 12 with a notes cell naming 02-ĐA/TU (what the corpus's
    # 52-CTr/TU annex does for 387/QĐ-UBND), and a title no fuzzy match would accept
    samples = copy.deepcopy(all_samples())
    f1 = next(e for e in samples if e["source"] == F001)
    plan = next(e for e in samples if e["planned"])
    p = next(x for x in plan["planned"] if x.get("ordinal") == "12")
    p.update({"title": "Đề án số 12 (tên gọi khác)", "issued_as": "02-ĐA/TU", "start": 10, "end": 20})
    plan["tasks"].append({"content": "Đề án", "notes": "Đề án số 02-ĐA/TU ngày 23/5/2021", "start": 10, "end": 20})
    plan["references"].append({**next(r for r in f1["references"] if r["symbol"] == "02-ĐA/TU"), "mentions": []})
    c = resolve(samples)
    item = next(x for x in c.planned if x.ordinal == "12")
    assert [c.documents[f.document].symbol for f in item.fulfilled_by] == ["02-ĐA/TU"]
    f = item.fulfilled_by[0]
    assert f.score == 1.0 and f.evidence.quote == "Đề án số 02-ĐA/TU ngày 23/5/2021" and f.evidence.start == 10


def test_a_document_of_a_merged_province_cited_across_is_that_provinces_document():
    from graph_fixtures import MERGED_PROVINCES
    from loaders.extract import extract_text
    from kg.resolve import split_partitions

    exts = [extract_text(text, source=name) for name, text in MERGED_PROVINCES.items()]
    assert list(split_partitions(exts)) == ["hai-duong+hai-phong"]       # resolved together
    c = resolve(exts)
    docs = {d.scope: d for d in c.find("05-ĐA/TU")}
    assert sorted(docs) == ["province:hai-duong", "province:hai-phong"]
    assert all(d.loaded for d in docs.values())
    assert docs["province:hai-duong"].cited_in == ["hp-12-ctr.txt"] == docs["province:hai-phong"].cited_in
    ctr = one(c, "12-CTr/TU")
    edges = {(r.relation, c.documents[r.target].scope) for r in c.relations
             if r.source == ctr.key and c.documents[r.target].symbol == "05-ĐA/TU"}
    assert ("continues", "province:hai-duong") in edges
    assert not [q for q in c.quality if q.kind == "date_conflict"]
    # without the Hải Dương file its project is still Hải Dương's, cited and not loaded
    c = resolve(exts[1:])
    hd = next(d for d in c.find("05-ĐA/TU") if d.scope == "province:hai-duong")
    assert not hd.loaded and hd.province == "Hải Dương"


def test_two_districts_series_never_merge_and_a_reference_finds_its_district():
    from graph_fixtures import DISTRICTS
    from loaders.extract import extract_text

    c = resolve([extract_text(text, source=name) for name, text in DISTRICTS.items()])
    nq = {d.scope: d for d in c.find("03-NQ/HU")}
    assert sorted(nq) == ["district:tuyen-quang:son-duong", "district:tuyen-quang:yen-son"]
    assert all(d.loaded for d in nq.values())
    # "của Huyện ủy Yên Sơn" finds Yên Sơn's; "của Ban Chấp hành Đảng bộ huyện", written in a file
    # of Sơn Dương's Huyện ủy, its own district's
    assert nq["district:tuyen-quang:yen-son"].cited_in == ["sd-05-kh.txt"] == nq["district:tuyen-quang:son-duong"].cited_in
    agencies = {c.agencies[d.issued_by].name for d in nq.values()}
    assert agencies == {"Ban Thường vụ Huyện ủy Yên Sơn", "Ban Chấp hành Đảng bộ huyện Sơn Dương"}
    (kh,) = [d for d in c.documents.values() if d.symbol == "12-KH/ĐU"]
    assert kh.scope == "commune:tuyen-quang:minh-thanh" and not kh.loaded


def test_a_plenum_or_congress_resolution_is_one_node_however_it_is_written():
    from loaders.extract import extract_text

    head = "TỈNH ỦY TUYÊN QUANG\n*\nSố {n}-KH/TU\nĐẢNG CỘNG SẢN VIỆT NAM\nTuyên Quang, ngày 10 tháng 3 năm 2023\n\nKẾ HOẠCH\nvề xây dựng Đảng\n-----\n"
    texts = {  # c001 and c004 write them the first way; the plenum's full name is the other
        "a.txt": head.format(n=1) + "Tiếp tục thực hiện Nghị quyết Trung ương 4 khóa XII về xây dựng, chỉnh đốn Đảng "
                 "và Nghị quyết Đại hội XIII của Đảng.\n\nI. MỤC ĐÍCH\nTốt.\n",
        "b.txt": head.format(n=2) + "Tiếp tục thực hiện Nghị quyết Hội nghị lần thứ tư Ban Chấp hành Trung ương Đảng "
                 "khóa XII; Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng.\n\nI. MỤC ĐÍCH\nTốt.\n",
    }
    c = resolve([extract_text(t, source=name) for name, t in texts.items()])
    unnumbered = [d for d in c.documents.values() if d.family == "unnumbered"]
    plenum = [d for d in unnumbered if "Trung ương" in d.label]
    congress = [d for d in unnumbered if "Đại hội" in d.label]
    assert len(plenum) == 1 and plenum[0].cited_in == ["a.txt", "b.txt"] and plenum[0].scope == "central"
    assert len(congress) == 1 and congress[0].cited_in == ["a.txt", "b.txt"] and congress[0].scope == "central"


def test_a_provincial_steering_committees_document_is_the_provinces():
    from loaders.extract import extract_text

    head = "TỈNH ỦY {P}\n*\nSố 07-KH/TU\nĐẢNG CỘNG SẢN VIỆT NAM\n{p}, ngày 10 tháng 3 năm 2024\n\nKẾ HOẠCH\nvề tuyên truyền\n-----\n"
    body = "Thực hiện Kế hoạch số 05-KH/BCĐ ngày 01/3/2024 của Ban Chỉ đạo 35 Tỉnh ủy về bảo vệ nền tảng tư tưởng.\n\nI. MỤC ĐÍCH\nTốt.\n"
    c = resolve([extract_text(head.format(P=P, p=p) + body, source=f"{p}.txt")
                 for P, p in (("TUYÊN QUANG", "Tuyên Quang"), ("NGHỆ AN", "Nghệ An"))])
    # BCĐ is also a code of central steering committees; these two are two provinces' documents
    assert sorted(d.scope for d in c.find("05-KH/BCĐ")) == ["province:nghe-an", "province:tuyen-quang"]


def test_a_district_document_cited_without_its_district_is_the_only_one_that_fits():
    from graph_fixtures import DISTRICTS
    from loaders.extract import extract_text

    provincial = ("TỈNH ỦY TUYÊN QUANG\n*\nSố 20-KH/TU\nĐẢNG CỘNG SẢN VIỆT NAM\nTuyên Quang, ngày 10 tháng 5 năm 2022\n\n"
                  "KẾ HOẠCH\nvề kiểm tra\n-----\nI. MỤC ĐÍCH\nKiểm tra việc thực hiện Kế hoạch số 05-KH/HU ngày "
                  "12/3/2022 và Nghị quyết số 03-NQ/HU năm 2021.\n")
    exts = [extract_text(t, source=n) for n, t in DISTRICTS.items()] + [extract_text(provincial, source="tq.txt")]
    c = resolve(exts)
    (kh,) = c.find("05-KH/HU")                      # only Sơn Dương's has that number: it is that one
    assert kh.scope == "district:tuyen-quang:son-duong" and kh.loaded and "tq.txt" in kh.cited_in
    assert any(q.kind == "unit_resolved" and "05-KH/HU" in q.message for q in c.quality)
    # two districts have a 03-NQ/HU of 2021: the unnamed one stays apart, not guessed
    nq = {d.scope: d for d in c.find("03-NQ/HU")}
    assert "district:tuyen-quang:unknown" in nq and "tq.txt" in nq["district:tuyen-quang:unknown"].cited_in
    assert all("tq.txt" not in d.cited_in for s, d in nq.items() if s != "district:tuyen-quang:unknown")
    (q,) = [q for q in c.quality if q.kind == "unit_unknown"]
    assert "son-duong, yen-son" in q.message and q.evidence[0].source == "tq.txt"


def test_a_cell_that_names_several_agencies_gives_each_its_own_node():
    # c001's task rows: "Đảng ủy Quân sự tỉnh, Đảng ủy Công an tỉnh" lead together; a cooperating
    # cell "Ban Dân vận Tỉnh ủy; các cơ quan liên quan" names one agency and a collective
    e = copy.deepcopy(all_samples())
    row = {"section": "I", "tt": "9", "content": "Tổ chức quán triệt Nghị quyết số 43-NQ/TW",
           "lead": "Đảng ủy Quân sự tỉnh, Đảng ủy Công an tỉnh",
           "cooperating": "Ban Dân vận Tỉnh ủy; các cơ quan liên quan", "deadline": "Quý I/2024", "references": []}
    next(x for x in e if x["source"] == F001)["tasks"].append(row)
    c = resolve(e)
    (task,) = [t for t in c.tasks if t.tt == "9" and t.section == "I"]
    assert [c.agencies[k].name for k in task.leads] == ["Đảng ủy Quân sự tỉnh", "Đảng ủy Công an tỉnh"]
    assert [c.agencies[k].name for k in task.cooperating] == ["Ban Dân vận Tỉnh ủy"]
    assert not [a.name for a in c.agencies.values() if ";" in a.name or "Quân sự tỉnh, " in a.name]


def test_a_provincial_party_unit_numbers_its_own_series():
    from kg.resolve import _scope
    # two units' 05-KH/ĐU of one province are two documents, neither a commune's
    a = _scope("party", "ĐU", "Ban Thường vụ Đảng ủy Ủy ban nhân dân tỉnh", "Lào Cai")
    b = _scope("party", "ĐU", "Đảng ủy các cơ quan Đảng tỉnh", "Lào Cai")
    assert (a, b) == ("unit:lao-cai:dang-uy-uy-ban-nhan-dan-tinh", "unit:lao-cai:dang-uy-cac-co-quan-dang-tinh")
    assert _scope("party", "ĐU", "Đảng ủy xã", "Lào Cai", "Bảo Thắng") == "commune:lao-cai:bao-thang"


def test_an_agency_written_with_a_doubled_word_or_its_province_is_the_same_node():
    # c001 writes "Ban cán sự đảng UBND tỉnh tỉnh" once, and "Đảng đoàn Mặt trận Tổ quốc Việt Nam
    # tỉnh Tuyên Quang" beside the usual "Đảng đoàn Mặt trận Tổ quốc tỉnh"; "Chính quyền các cấp"
    # after a list is split names no one body
    e = copy.deepcopy(all_samples())
    rows = [{"section": "I", "tt": str(90 + i), "content": "Tổ chức quán triệt", "lead": lead, "cooperating": None,
             "deadline": None, "references": []}
            for i, lead in enumerate(["Ban cán sự đảng UBND tỉnh tỉnh", "Đảng đoàn Mặt trận Tổ quốc Việt Nam tỉnh Tuyên Quang",
                                      "Ban cán sự đảng Ủy ban nhân dân tỉnh; Chính quyền các cấp"])]
    next(x for x in e if x["source"] == F001)["tasks"].extend(rows)
    c = resolve(e)
    leads = {t.tt: [c.agencies[k].name for k in t.leads] for t in c.tasks if t.tt in ("90", "91", "92")}
    assert leads == {"90": ["Ban cán sự đảng Ủy ban nhân dân tỉnh"], "91": ["Đảng đoàn Mặt trận Tổ quốc tỉnh"],
                     "92": ["Ban cán sự đảng Ủy ban nhân dân tỉnh"]}


def test_a_plenum_or_congress_in_digits_is_the_one_in_roman_numerals():
    from kg.resolve import fold, unnumbered_identity
    assert unnumbered_identity(fold("Nghị quyết Trung ương 8 khóa 13")) == unnumbered_identity(
        fold("Nghị quyết Hội nghị lần thứ tám Ban Chấp hành Trung ương Đảng khóa XIII"))
    assert unnumbered_identity(fold("Nghị quyết Đại hội 14 của Đảng")) == unnumbered_identity(
        fold("Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV của Đảng"))
