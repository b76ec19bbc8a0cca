"""The extractor as a spaCy pipeline component, for researchers who have their own ``nlp``.

It runs the same plain-text pipeline (``loaders.extract.extract_text``) and sets:

* ``doc.spans["vankien_refs"]``: one span per citation of a numbered document, with
  ``span._.vankien`` holding the parsed fields (symbol, relation, date, issuing body, term…);
* ``doc.spans["vankien_dates"]``: the dates of those citations;
* ``doc.spans["vankien_agencies"]``: agency names found with a PhraseMatcher built from the
  alias table (``loaders/data/agencies.tsv``), ``span._.vankien`` = ``{"agency": canonical}``;
* ``doc._.vankien_document`` (identity), ``doc._.vankien_chains`` (chain edges) and
  ``doc._.vankien`` (the whole extraction record).

No model is downloaded: a blank Vietnamese pipeline without the pyvi word segmenter works::

    >>> nlp = blank_vietnamese()
    >>> _ = nlp.add_pipe("vankien_references")
    >>> doc = nlp("Thực hiện Nghị quyết số 43-NQ/TW ngày 24/11/2023 của Bộ Chính trị về đại đoàn kết; Tỉnh ủy ban hành như sau:")
    >>> [(s.text, s._.vankien["relation"]) for s in doc.spans["vankien_refs"]]
    [('Nghị quyết số 43-NQ/TW ngày 24/11/2023 của Bộ Chính trị về đại đoàn kết;', 'implements')]
    >>> sorted({s._.vankien["agency"] for s in doc.spans["vankien_agencies"]})
    ['Ban Chấp hành Đảng bộ tỉnh', 'Bộ Chính trị']
"""
from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from loaders.extract import extract_text
from loaders.fold import fold

for _name in ("vankien_document", "vankien_chains", "vankien"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
if not Span.has_extension("vankien"):
    Span.set_extension("vankien", default=None)

REF_FIELDS = ("symbol", "number", "type", "issuer_code", "date", "year", "issuing_body", "province", "unit", "term", "subject",
              "relation")


def _folded(doc: Doc) -> Doc:
    for token in doc:
        token.norm_ = fold(token.text).strip() or token.text
    return doc


def blank_vietnamese() -> Language:
    """``spacy.blank("vi")`` without pyvi: whitespace and punctuation tokenization only."""
    return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})


@Language.factory("vankien_references", default_config={"agencies": True})
def make_component(nlp: Language, name: str, agencies: bool) -> "VankienReferences":
    return VankienReferences(nlp, agencies)


class VankienReferences:
    def __init__(self, nlp: Language, agencies: bool = True):
        self.matcher: PhraseMatcher | None = None
        if agencies:
            from loaders.agencies import agency_aliases

            # The alias table is keyed by folded names (no accents, lower case): match on token
            # norms folded the same way, so "Tỉnh uỷ", "TỈNH ỦY" and "Tỉnh ủy" all match.
            self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
            self.canonical: dict[str, str] = {}
            for alias, canonical in agency_aliases().items():
                key = f"AGENCY_{len(self.canonical)}"
                self.canonical[key] = canonical
                self.matcher.add(key, [_folded(nlp.make_doc(alias))])

    def __call__(self, doc: Doc) -> Doc:
        rec = extract_text(doc.text, "<spacy>")
        refs, dates = [], []
        for ref in rec["references"]:
            fields = {k: ref.get(k) for k in REF_FIELDS}
            for m in ref["mentions"]:
                span = doc.char_span(m["start"], m["end"], alignment_mode="expand")
                if span is None:
                    continue
                span._.vankien = fields
                refs.append(span)
                if ref.get("date"):
                    at = doc.text.find("ngày", m["start"], m["end"])
                    if at >= 0:
                        d = doc.char_span(at, m["end"], alignment_mode="expand")
                        if d is not None:
                            dates.append(d[:min(len(d), 3)])
        doc.spans["vankien_refs"] = refs
        doc.spans["vankien_dates"] = dates
        if self.matcher is not None:
            found = []
            for match_id, start, end in self.matcher(_folded(doc)):
                span = Span(doc, start, end, label="AGENCY")
                span._.vankien = {"agency": self.canonical[doc.vocab.strings[match_id]]}
                found.append(span)
            doc.spans["vankien_agencies"] = spacy.util.filter_spans(found)
        doc._.vankien_document = rec["document"]
        doc._.vankien_chains = rec["chain_edges"]
        doc._.vankien = rec
        return doc
