"""Small extractions in the issue-3 contract, taken from real passages of the corpus.

They let the graph side be tested without the live extractor. Mention offsets are the
offsets of the quoted passage in the corpus file (``examples/corpus``), found at import.
"""
from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"
F000 = "examples/corpus/000_8d0538208f7f5767.txt"   # 01-CTr/TU, Tuyên Quang, 18/11/2020
F001 = "examples/corpus/001_e02ef3f550a5da59.txt"   # 55-CTr/TU, Tuyên Quang, 31/01/2024
F002 = "examples/corpus/002_6cd969a1552a8170.txt"   # 52-CTr/TU, merged Tuyên Quang, 17/4/2026
F003 = "examples/corpus/003_a5602b0c40149679.txt"   # Hải Dương draft, 10/2020
F004 = "examples/corpus/004_f7d9d9ebc06e3128.txt"   # 26-CTr/TU, Tuyên Quang, 20/10/2022


def _text(source: str) -> str:
    return (CORPUS / Path(source).name).read_text(encoding="utf-8")


def mention(source: str, quote: str, nth: int = 0) -> dict:
    """``{"start", "end", "text"}`` of the ``nth`` occurrence of ``quote`` in the file."""
    text = _text(source)
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    return {"start": start, "end": start + len(quote), "text": quote}


def ref(source: str, symbol: str, quote: str, relation: str = "references", **fields) -> dict:
    sym = symbol.split("@")[0]
    number, rest = sym.split("-", 1)
    typ, issuer = rest.split("/")
    out = {"symbol": symbol, "number": number, "type": typ, "issuer_code": issuer, "date": None,
           "year": None, "issuing_body": None, "term": None, "subject": None, "relation": relation,
           "mentions": [mention(source, quote)], "as_written": []}
    out.update(fields)
    return out


def edge(source: str, src: str, relation: str, tgt: str, quote: str) -> dict:
    m = mention(source, quote)
    return {"source": src, "relation": relation, "target": tgt, "start": m["start"], "end": m["end"], "text": quote}


def doc(symbol, date, province="Tuyên Quang", title=None, body="Ban Chấp hành Đảng bộ tỉnh", **kw) -> dict:
    out = {"symbol": symbol, "number": symbol.split("-")[0] if symbol else None,
           "type": symbol.split("-")[1].split("/")[0] if symbol else None,
           "issuer_code": "TU", "date": date, "issuing_body": body, "province": province,
           "term": None, "signer": None, "signer_title": None, "title": title, "is_draft": False}
    out.update(kw)
    return out


def ext(source, document, references=(), chain_edges=(), tasks=(), planned=(), agencies=(), unnumbered=()) -> dict:
    return {"source": source, "document": document, "references": list(references),
            "chain_edges": list(chain_edges), "unnumbered": list(unnumbered), "tasks": list(tasks),
            "planned": list(planned), "agencies": list(agencies), "warnings": [], "errors": []}


MTTQ = "tiếp tục đổi mới nội dung, phương thức hoạt động của Mặt trận Tổ quốc và các tổ chức chính trị - xã hội"
CSD = ("nâng cao năng lực lãnh đạo, sức chiến đấu của tổ chức cơ sở đảng, củng cố hệ thống chính trị ở cơ sở "
       "và nâng cao chất lượng đội ngũ cán bộ, đảng viên đáp ứng yêu cầu nhiệm vụ trong tình hình mới")


def e000() -> dict:
    return ext(
        F000, doc("01-CTr/TU", "2020-11-18", title="thực hiện Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XVII",
                  signer="Chẩu Văn Lâm", signer_title="Bí thư"),
        references=[ref(F000, "26-NQ/TW", "26-NQ/TW", date="2018-05-19", issuing_body="Ban Chấp hành Trung ương Đảng",
                        term="XII")],
        planned=[
            {"ordinal": "2", "kind": "Đề án", "title": "Đề án phát triển du lịch tỉnh Tuyên Quang đến năm 2025, định hướng đến năm 2030",
             "lead": "Ban cán sự đảng Ủy ban nhân dân tỉnh", "cooperating": ["Các cơ quan, đơn vị liên quan"], "deadline": "Quý I/2021"},
            {"ordinal": "11", "kind": "Đề án", "title": "Đề án về " + CSD.replace("cơ sở đảng", "cơ sở Đảng"),
             "lead": "Ban Tổ chức Tỉnh ủy", "cooperating": ["Các cơ quan chuyên trách tham mưu, giúp việc Tỉnh ủy"],
             "deadline": "Quý I/2021"},
            {"ordinal": "12", "kind": "Đề án", "title": "Đề án về " + MTTQ, "lead": "Ban Dân vận Tỉnh ủy",
             "cooperating": ["Mặt trận Tổ quốc tỉnh"], "deadline": "Quý I/2021"},
            {"ordinal": None, "kind": "Nghị quyết/Kết luận (dự kiến)",
             "title": "về tiếp tục đổi mới nội dung, phương thức hoạt động của Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội",
             "lead": None, "cooperating": [], "deadline": None},
        ],
        agencies=[{"name": "Ban cán sự đảng Ủy ban nhân dân tỉnh", "as_written": [], "roles": ["lead"]}],
    )


def e001() -> dict:
    return ext(
        F001, doc("55-CTr/TU", "2024-01-31", title="thực hiện Nghị quyết số 43-NQ/TW ngày 24/11/2023"),
        references=[
            ref(F001, "43-NQ/TW", "Nghị quyết số 43-NQ/TW ngày 24/11/2023", "implements", date="2023-11-24",
                issuing_body="Ban Chấp hành Trung ương Đảng", term="XIII",
                subject="tiếp tục phát huy truyền thống, sức mạnh đại đoàn kết toàn dân tộc, xây dựng đất nước ta ngày càng phồn vinh, hạnh phúc"),
            ref(F001, "02-ĐA/TU", "Đề án số 02-ĐA/TU ngày 23/5/2021", "continues", date="2021-05-23",
                issuing_body="Ban Thường vụ Tỉnh ủy", subject=MTTQ),
            ref(F001, "03-ĐA/TU", "Đề án số 03-ĐA/TU ngày 12/6/2021", "continues", date="2021-06-12",
                issuing_body="Ban Chấp hành Đảng bộ tỉnh", subject=CSD),
            ref(F001, "37-CTr/TU", "Chương trình hành động số 37-CTr/TU ngày 03/3/2023", "continues", date="2023-03-03",
                issuing_body="Ban Chấp hành Đảng bộ tỉnh"),
            ref(F001, "28-NQ/TW", "Nghị quyết số 28-NQ/TW ngày 17/11/2022", date="2022-11-17",
                issuing_body="Ban Chấp hành Trung ương Đảng", term="XIII"),
            ref(F001, "11-CTr/TU", "11-CTr/TU ngày 28/10/2021", "continues", date="2021-10-28",
                issuing_body="Ban Thường vụ Tỉnh ủy"),
            ref(F001, "02-NQ/TW", "Nghị quyết số 02-NQ/TW ngày 12/6/2021", date="2021-06-12", issuing_body="Bộ Chính trị",
                subject="đổi mới tổ chức và hoạt động của Công đoàn Việt Nam trong tình hình mới"),
        ],
        chain_edges=[
            edge(F001, "37-CTr/TU", "implements", "28-NQ/TW",
                 "Chương trình hành động số 37-CTr/TU ngày 03/3/2023 của Ban Chấp hành Đảng bộ tỉnh thực hiện Nghị quyết số 28-NQ/TW"),
            edge(F001, "11-CTr/TU", "implements", "02-NQ/TW",
                 "11-CTr/TU ngày 28/10/2021 của Ban Thường vụ Tỉnh ủy thực hiện Nghị quyết số 02-NQ/TW"),
        ],
        tasks=[{"section": "annex", "tt": "35", "content": "Tiếp tục thực hiện có hiệu quả Đề án số 02-ĐA/TU ngày 23/5/2021 của Ban Thường vụ Tỉnh ủy về " + MTTQ,
                "lead": "Ban Dân vận Tỉnh ủy", "lead_inherited": False, "cooperating": ["Các cơ quan, đơn vị liên quan"],
                "deadline": "Thường xuyên", "authority": None, "resources": None, "issued_as": None,
                "references": ["02-ĐA/TU"]}],
    )


def e002() -> dict:
    return ext(
        F002, doc("52-CTr/TU", "2026-04-17", title="thực hiện Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV của Đảng",
                  body="Ban Chấp hành Đảng bộ tỉnh"),
        references=[
            ref(F002, "01-CT/TW", "Chỉ thị số 01-CT/TW, ngày 23/01/2026", "implements", date="2026-01-23", issuing_body="Bộ Chính trị"),
            ref(F002, "11-CTr/TU", "Chương trình hành động số 11-CTr/TU, ngày 18/11/2025", date="2025-11-18",
                issuing_body="Ban Chấp hành Đảng bộ tỉnh"),
            ref(F002, "71-NQ/TW", "Nghị quyết số 71-NQ/TW, ngày 22/8/2025", date="2025-08-22", issuing_body="Bộ Chính trị"),
            ref(F002, "12-CTr/TU", "Chương trình hành động số 12-CTr/TU, ngày 18/11/2025", date="2025-11-18",
                issuing_body="Ban Chấp hành Đảng bộ tỉnh"),
            ref(F002, "12-CT/TU", "12-CT/TU ngày 18/11/2025", date="2025-11-18", issuing_body="BCH ĐB tỉnh"),
            ref(F002, "72-NQ/TW", "72-NQ/TW, ngày 09/9/2025", date="2025-09-09", issuing_body="Bộ Chính trị"),
        ],
        chain_edges=[
            edge(F002, "11-CTr/TU", "implements", "71-NQ/TW",
                 "Chương trình hành động số 11-CTr/TU, ngày 18/11/2025 của Ban Chấp hành Đảng bộ tỉnh về thực hiện Nghị quyết số 71-NQ/TW"),
            edge(F002, "12-CTr/TU", "implements", "72-NQ/TW",
                 "Chương trình hành động số 12-CTr/TU, ngày 18/11/2025 của Ban Chấp hành Đảng bộ tỉnh thực hiện Nghị quyết số 72-NQ/TW"),
        ],
    )


def e003() -> dict:
    return ext(
        F003, doc(None, None, province="Hải Dương", title="thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XVII, nhiệm kỳ 2020 - 2025",
                  type="CTr", is_draft=True),
        references=[ref(F003, "35-CT/TW", "Chỉ thị số 35-CT/TW, ngày 30/5/2019", "implements", date="2019-05-30",
                        issuing_body="Bộ Chính trị")],
    )


def e004() -> dict:
    return ext(
        F004, doc("26-CTr/TU", "2022-10-20", title="thực hiện Nghị quyết số 21-NQ/TW ngày 16/6/2022",
                  signer="Lê Thị Kim Dung", signer_title="Phó Bí thư Thường trực"),
        references=[
            ref(F004, "21-NQ/TW", "Nghị quyết số 21-NQ/TW ngày 16/6/2022", "implements", date="2022-06-16",
                issuing_body="Ban Chấp hành Trung ương Đảng", term="XIII",
                subject="tăng cường củng cố, xây dựng tổ chức cơ sở đảng và nâng cao chất lượng đội ngũ đảng viên trong giai đoạn mới"),
            ref(F004, "07-KH/TW", "Kế hoạch số 07-KH/TW ngày 17/8/2022", "implements", date="2022-08-17", issuing_body="Bộ Chính trị"),
            ref(F004, "03-ĐA/TU", "Đề án số 03-ĐA/TU ngày 12/6/2021", "continues", date="2021-06-12",
                issuing_body="Ban Chấp hành Đảng bộ tỉnh", subject=CSD),
            ref(F004, "02-ĐA/TU", "Đề án số 02-ĐA/TU ngày 23/5/2021", "continues", date="2021-05-23",
                issuing_body="Ban Thường vụ Tỉnh ủy", subject=MTTQ),
            ref(F004, "319-KH/TU", "Kế hoạch số 319-KH/TU ngày 05/9/2019", "continues", date="2019-09-05",
                issuing_body="Ban Thường vụ Tỉnh ủy"),
            ref(F004, "35-NQ/TU", "Nghị quyết số 35-NQ/TU ngày 22/10/2018", date="2018-10-22",
                issuing_body="Bộ Chính trị", term="XII"),
        ],
        chain_edges=[
            edge(F004, "07-KH/TW", "implements", "21-NQ/TW",
                 "Kế hoạch số 07-KH/TW ngày 17/8/2022 của Bộ Chính trị thực hiện Nghị quyết số 21-NQ/TW"),
            edge(F004, "319-KH/TU", "implements", "35-NQ/TU",
                 "Kế hoạch số 319-KH/TU ngày 05/9/2019 của Ban Thường vụ Tỉnh uỷ về thực hiện Nghị quyết số 35-NQ/TU"),
        ],
        agencies=[{"name": "Ban cán sự Đảng Ủy ban nhân dân tỉnh", "as_written": [], "roles": ["lead"]},
                  {"name": "Ban cán sự đảng UBND tỉnh", "as_written": [], "roles": ["cooperating"]}],
    )


def all_samples() -> list[dict]:
    return [e000(), e001(), e002(), e003(), e004()]


def sample_extractor(path: str) -> dict:
    """An ``extractor`` for :func:`kg.build.build`: the sample of the corpus file with that name."""
    name = Path(path).name
    for e in all_samples():
        if Path(e["source"]).name == name:
            return {**e, "source": path}
    return ext(path, doc(None, None, province=None), [])
