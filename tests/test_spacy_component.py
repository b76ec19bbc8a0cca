"""The spaCy component gives the same references as the plain-text path, on the real corpus."""
from __future__ import annotations

from pathlib import Path

import pytest

from loaders.extract import extract_text
from loaders.load import load_text
from loaders.spacy_component import blank_vietnamese

CORPUS = sorted((Path(__file__).parent.parent / "examples" / "corpus").glob("*.txt"))


@pytest.fixture(scope="module")
def nlp():
    nlp = blank_vietnamese()
    nlp.add_pipe("vankien_references")
    return nlp


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_same_references_as_plain_text(nlp, path):
    text = load_text(path).text
    plain = extract_text(text, str(path))
    doc = nlp(text)
    from_spans = {(s._.vankien["symbol"], s._.vankien["relation"]) for s in doc.spans["vankien_refs"]}
    assert from_spans == {(r["symbol"], r["relation"]) for r in plain["references"]}
    assert len(doc.spans["vankien_refs"]) == sum(len(r["mentions"]) for r in plain["references"])
    # Each span covers its citation (a superset, where token boundaries fall inside punctuation).
    for span in doc.spans["vankien_refs"]:
        assert span._.vankien["symbol"].split("@")[0].split("-")[0] in span.text
    assert doc._.vankien_document == plain["document"]


def test_agencies_from_the_alias_table(nlp):
    doc = nlp("Ban cán sự đảng UBND tỉnh chủ trì, phối hợp với Ban Tổ chức Tỉnh uỷ và Mặt trận Tổ quốc tỉnh.")
    names = [s._.vankien["agency"] for s in doc.spans["vankien_agencies"]]
    assert "Ban Tổ chức Tỉnh ủy" in names
    assert any(n.startswith("Ban cán sự đảng") for n in names)
    assert any(n.startswith("Ủy ban Mặt trận Tổ quốc") or n.startswith("Mặt trận Tổ quốc") for n in names)


def test_component_in_a_users_pipeline(nlp):
    # A researcher's own pipeline keeps its other components; ours only adds spans.
    doc = nlp("Tiếp tục thực hiện có hiệu quả Đề án số 02-ĐA/TU ngày 23/5/2021 của Ban Thường vụ Tỉnh ủy.")
    (span,) = doc.spans["vankien_refs"]
    assert span._.vankien["symbol"] == "02-ĐA/TU"
    assert span._.vankien["relation"] == "continues"
    assert [d.text for d in doc.spans["vankien_dates"]][0].startswith("ngày 23/5/2021")
