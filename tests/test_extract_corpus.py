"""What each corpus document must yield through the whole pipeline (read → normalize → extract).

These pins were checked against the source text by hand; they hold without ``../shared``,
so a regression fails CI even where the evaluation gold is not available.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from loaders.extract import extract_path

CORPUS = Path(__file__).parent.parent / "examples" / "corpus"


@pytest.fixture(scope="module")
def records() -> dict[str, dict]:
    return {p.stem[:3]: extract_path(p) for p in sorted(CORPUS.glob("*.txt"))}


def refs(rec: dict) -> dict[str, dict]:
    return {r["symbol"]: r for r in rec["references"]}


def edges(rec: dict) -> set[tuple[str, str, str]]:
    return {(e["source"], e["relation"], e["target"]) for e in rec["chain_edges"]}


def test_identities(records):
    expected = {
        "000": ("01-CTr/TU", "2020-11-18", "Tuyên Quang", False, "Chẩu Văn Lâm"),
        "001": ("55-CTr/TU", "2024-01-31", "Tuyên Quang", False, "Lê Thị Kim Dung"),
        "002": ("52-CTr/TU", "2026-04-17", "Tuyên Quang", False, "Hầu A Lệnh"),
        "003": (None, None, "Hải Dương", True, None),
        "004": ("26-CTr/TU", "2022-10-20", "Tuyên Quang", False, "Lê Thị Kim Dung"),
    }
    for key, (symbol, date, province, draft, signer) in expected.items():
        d = records[key]["document"]
        assert (d["symbol"], d["date"], d["province"], d["is_draft"], d["signer"]) == (symbol, date, province, draft, signer), key
        assert d["issuing_body"] == "Ban Chấp hành Đảng bộ tỉnh", key
        assert d["type"] == "CTr", key
    assert records["003"]["document"]["issuer_code"] == "TU"
    assert records["001"]["document"]["title"].startswith("thực hiện Nghị quyết số 43-NQ/TW")
    assert records["000"]["document"]["term"] == "XVII"


def test_c000_references(records):
    r = refs(records["000"])
    assert set(r) == {"16-ĐA/TU", "05-CT/TW", "26-NQ/TW"}
    assert r["16-ĐA/TU"]["date"] == "2020-01-03" and r["16-ĐA/TU"]["relation"] == "references"
    assert r["26-NQ/TW"]["term"] == "XII" and r["26-NQ/TW"]["relation"] == "references"
    assert r["05-CT/TW"]["date"] is None
    congress = [u for u in records["000"]["unnumbered"] if u["kind"] == "congress_resolution"]
    assert congress and congress[0]["relation"] == "implements"
    assert records["000"]["chain_edges"] == []


def test_c001_lineage_material(records):
    rec = records["001"]
    r = refs(rec)
    assert r["43-NQ/TW"]["relation"] == "implements"
    assert r["43-NQ/TW"]["date"] == "2023-11-24" and r["43-NQ/TW"]["term"] == "XIII"
    assert r["02-ĐA/TU"]["relation"] == "continues" and r["03-ĐA/TU"]["relation"] == "continues"
    assert r["37-CTr/TU"]["relation"] == "continues"
    assert {"25-NQ/TW@khóa IX", "25-NQ/TW@khóa X", "11-NQ/TW@2022", "11-NQ/TW@khóa X",
            "18-CT/TW@2018", "18-CT/TW@2022"} <= set(r)
    e = edges(rec)
    assert ("37-CTr/TU", "implements", "28-NQ/TW") in e
    assert ("80-KL/TW", "continues", "25-NQ/TW@khóa X") in e
    assert ("18-CT/TW@2018", "continues", "25-NQ/TW@khóa IX") in e
    assert ("147-KH/TU", "implements", "21-KL/TW") in e
    assert len(rec["tasks"]) == 51


def test_c002_state_documents_and_typo(records):
    rec = records["002"]
    r = refs(rec)
    assert r["01-CT/TW"]["relation"] == "implements" and r["01-CT/TW"]["date"] == "2026-01-23"
    assert {"71/NQ-CP", "100/NQ-CP", "601/QĐ-TTg", "387/QĐ-UBND", "95/KH-UBND"} <= set(r)
    assert "12-CT/TU" not in r and "12-CT/TU" in r["12-CTr/TU"]["as_written"]
    assert r["72-NQ/TW"]["date"] == "2025-09-09"  # written 09/9/2025 and 9/9/2025
    assert any(w["kind"] == "type_code_contradicts_noun" for w in rec["warnings"])
    e = edges(rec)
    assert {("100/NQ-CP", "implements", "49-CT/TW"), ("12-CTr/TU", "implements", "72-NQ/TW"),
            ("11-CTr/TU", "implements", "71-NQ/TW")} <= e
    assert any(t["issued_as"] == "387/QĐ-UBND" for t in rec["tasks"])


def test_c003_draft(records):
    rec = records["003"]
    r = refs(rec)
    assert set(r) == {"35-CT/TW", "26-NQ/TW"}
    assert any(w["kind"] == "term_contradicts_date" for w in rec["warnings"])  # "khóa VII" for 2018
    assert len([p for p in rec["planned"] if p["kind"] == "Chương trình"]) >= 5


def test_c004_against_the_hand_reading(records):
    rec = records["004"]
    r = refs(rec)
    assert r["21-NQ/TW"]["relation"] == "implements" and r["07-KH/TW"]["relation"] == "implements"
    assert "35-NQ/TU" in r["35-NQ/TW"]["as_written"]
    continued = {"16-ĐA/TU", "03-ĐA/TU", "01-CT/TU", "19-QĐi/TU", "20-QĐi/TU", "04-QĐ/TU", "07-QĐ/TU", "319-KH/TU",
                 "337-KH/TU", "147-KH/TU", "04-ĐA/TU", "28-CT/TW", "02-HD/BTCTW", "196-KH/TU", "56-NQ/TU", "02-ĐA/TU",
                 "217-QĐ/TW", "218-QĐ/TW", "259-QĐ/TU"}
    assert {s for s, x in r.items() if x["relation"] == "continues"} == continued
    assert {s for s, x in r.items() if x["relation"] == "references"} == {"22-QĐ/TU", "35-NQ/TW", "53-KL/TW",
                                                                         "21-KL/TW", "23-CT/TW"}
    e = edges(rec)
    assert {("07-KH/TW", "implements", "21-NQ/TW"), ("319-KH/TU", "implements", "35-NQ/TW"),
            ("337-KH/TU", "implements", "53-KL/TW"), ("147-KH/TU", "implements", "21-KL/TW"),
            ("196-KH/TU", "implements", "23-CT/TW")} <= e
    assert any(t == "259-QĐ/TU" and rel == "issued_by_decision" for _, rel, t in e)
    tasks = rec["tasks"]
    assert len(tasks) == 42
    assert sum(t["section"] == "I" for t in tasks) == 25 and sum(t["section"] == "II" for t in tasks) == 17


def test_every_mention_quotes_the_normalized_text(records):
    from loaders.load import load_text

    for key, rec in records.items():
        text = load_text(next(CORPUS.glob(f"{key}_*.txt"))).text
        for ref in rec["references"]:
            for m in ref["mentions"]:
                assert text[m["start"]:m["end"]] == m["text"]
