"""The faster forms of end-anchored and case-insensitive searches find what the plain
patterns find: tried on every offset of the corpus texts and on made-up snippets."""
from __future__ import annotations

import random
import re
import sys

from loaders import extract, identity, normalize, parse
from loaders.load import load_text
from tests._corpus import CORPUS

TEXTS = [load_text(p).text for p in sorted(CORPUS.glob("*.txt"))]


def _windows(width: int, step: int = 7):
    for t in TEXTS:
        for end in range(0, len(t), step):
            yield t, max(0, end - width), end


def test_noun_before_bound_finds_what_the_full_window_search_finds() -> None:
    rx = parse._noun_before_rx()
    snippets = ["Nghị quyết     \n\n   số   :   \t ", "Kế hoạch liên tịch\n số: ", "CHƯƠNG TRÌNH HÀNH ĐỘNG SO"]
    cases = [(s * 3, 0, len(s * 3)) for s in snippets] + list(_windows(60, 11))
    for text, lo, end in cases:
        for window in (20, 60, 200):
            lo = max(0, end - window)
            want = rx.search(text, lo, end)
            got = parse.noun_before(text, end, window)
            assert (want.start() if want else None) == (got.start if got else None), text[lo:end]


def test_subject_end_scan_starts_where_subject_end_does() -> None:
    snippets = ["về a. B", "về x.", "về x. ", "về (sau đây", "về, Chương trình mục tiêu", "abc - Đ",
                "về x và Nghị quyết số 3", "về x, Nghị định số 5", "về y, gồm các", "a\u2028b", "x.\n", "a;b", "a\tb"]
    cases = [(s, 0, len(s)) for s in snippets] + list(_windows(400, 5)) + list(_windows(9, 5))
    for text, lo, end in cases:
        want = parse.subject_end_rx().search(text, lo, end)
        got = parse._subject_end_scan().search(text, lo, end)
        assert (want.start() if want else None) == (got.start() if got else None), text[lo:end]


def test_alias_before_reversed() -> None:
    rng = random.Random(4)
    pieces = ["viết tắt", "Viết Tắt", "gọi tắt", "GỌI TẮT", " ", "\n", "là", "LÀ", "x", " là ", "\t", "tắt"]
    cases = ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 8))) for _ in range(20000)]
    cases += [t[lo:end] for t, lo, end in _windows(30, 5)]
    for w in cases:
        assert bool(extract.ALIAS_BEFORE.search(w)) == bool(extract.ALIAS_BEFORE_REVERSED.match(w[::-1])), w


def test_last_word_reversed() -> None:
    rng = random.Random(3)
    alphabet = list("ab ơĐ(“\"\n\t.1_²Ⅻ-ủ\u0301") + ["ệ", "x"]
    cases = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12))) for _ in range(50000)]
    cases += [t[lo:end] for t, lo, end in _windows(40, 5)]
    for p in cases:
        want = normalize._LAST_WORD.search(p)
        got = normalize._LAST_WORD_REVERSED.match(p[::-1])
        assert (want.group(1) if want else None) == (got.group(1)[::-1] if got else None), p


def test_signed_by_scan_class_holds_every_k() -> None:
    # the case-sensitive class that opens _SIGNED_BY_SCAN: every character "K" matches ignoring case
    k = re.compile("K", re.I)
    assert {chr(c) for c in range(sys.maxunicode + 1) if k.fullmatch(chr(c))} == {"K", "k", "\u212a"}


def test_signed_by_scan_finds_what_signed_by_finds() -> None:
    rng = random.Random(5)
    lines = ["Ký bởi: Tỉnh ủy Tuyên Quang\n", "KÝ BỞI:  THÀNH ỦY HÀ NỘI  \n", "\u212aý bởi:Tỉnh ủy Bắc Giang",
             "ký bởi: tỉnh ủy x", "Ký bởi: Tỉnh ủy Đà Nẵng - Hội"]
    cases = list(TEXTS)
    for t in TEXTS:
        for _ in range(10):
            i = rng.randrange(len(t))
            cases.append(t[:i] + rng.choice(lines) + t[i:])
    for t in cases:
        want, got = identity.SIGNED_BY.search(t), identity._SIGNED_BY_SCAN.search(t)
        assert (want["p"] if want else None) == (got["p"] if got else None)


def test_alias_at_matches_the_lookbehind_pattern() -> None:
    from loaders import agencies
    from loaders.fold import fold_aligned

    plain = re.compile(r"(?<![a-z0-9])" + agencies._alias_trie() + r"(?![a-z0-9])")
    texts = [fold_aligned(t) for t in TEXTS]
    texts += [fold_aligned(a) for a in ("Ban Thường vụ Tỉnh ủy chỉ đạo", "UBND tỉnh", "xUBND tỉnh", "Tỉnh ủy")]
    for a in texts:
        starts = {m.start(1) for m in agencies._alias_scan().finditer(a)} | set(range(0, len(a), 13)) | {0}
        for s in starts:
            for e in {len(a), min(len(a), s + 5), min(len(a), s + 30)}:
                m = plain.match(a, s, e)
                assert ((m.start(), m.end(), m.group(0)) if m else None) == agencies._alias_at(a, s, e)


def test_a_slice_of_the_folded_text_is_the_folded_slice() -> None:
    from loaders.fold import fold_aligned

    rng = random.Random(8)
    for t in TEXTS:
        whole = fold_aligned(t)
        for _ in range(200):
            a = rng.randrange(len(t))
            b = min(len(t), a + rng.choice([10, 500, 2047, 2049, 6000]))
            assert whole[a:b] == fold_aligned(t[a:b])


def test_symbol_pattern_lookaheads_change_nothing() -> None:
    from loaders import find
    from loaders.tables import type_codes

    fast = find._pattern()
    plain = re.compile(re.sub(r"\(\?=\(\?i:\[[^\]]*\]\)(?:\|\[A-ZĐ\])?\)", "", fast.pattern))
    assert plain.pattern != fast.pattern and "(?=(?i:" not in plain.pattern
    extra = ["Nghị quyết số 43 – NQ/TW và 71/NQ-CP", "số 12 nq/tw, 858CV/ĐUK, 72-NQ-TW, 30/2020/NĐ-CP",
             "45/2019/QH14; 01-ĐA/TU; 3 KH/TU; 5/Kh-UBND; 7/kH-ubnd; 9 - \u212aH/TU"]
    for t in TEXTS + extra:
        assert [(m.span(), m.groupdict()) for m in fast.finditer(t)] == \
            [(m.span(), m.groupdict()) for m in plain.finditer(t)]
    # the class holds every character that a code's first letter matches ignoring case
    firsts = {c[0] for c in type_codes()}
    cls = re.compile("(?i:[" + re.escape("".join(firsts)) + "])")
    for c in firsts:
        lit = re.compile("(?i:" + re.escape(c) + ")")
        for x in map(chr, [*range(0x3000), 0x212A, 0x212B, 0x1E9E, 0xFB00, 0xFF21, 0xFF41]):
            if lit.fullmatch(x):
                assert cls.fullmatch(x), (c, x)


def test_initial_lookaheads_change_nothing() -> None:
    from loaders import classify

    fast = [parse._noun_before_rx(), classify._chain_rx()] + [
        classify._cue_rx(w) for w in ("barrier", "opening", "any")]
    for rx in fast:
        assert rx.pattern.startswith("(?=[")
        plain = re.compile(re.sub(r"^\(\?=\[[^\]]*\]\)", "", rx.pattern), rx.flags)
        for text, lo, end in _windows(150, 13):
            want, got = plain.search(text, lo, end), rx.search(text, lo, end)
            assert (want.span() if want else None) == (got.span() if got else None), (rx.pattern[:40], text[lo:end])
            if want:
                assert want.groupdict() == got.groupdict()


def test_markup_tokens_are_the_finditer_tokens() -> None:
    rng = random.Random(5)
    pieces = ["*", "**", "***", "<", "<i>", "</I>", "<b >", "<br/>", "<BR >", "<span class=x>", "</span>",
              "<u", "< i>", "<<i>", "x", " ", "\n", "ơ", "<sup>", "<strong>", "</em>", "<font\n>"]
    cases = ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 12))) for _ in range(30000)]
    cases += TEXTS + [t[lo:end] for t, lo, end in _windows(50, 13)]
    for text in cases:
        want = [(m.span(), m.groups()) for m in normalize._MARKUP.finditer(text)]
        got = [(m.span(), m.groups()) for m in normalize._markup_tokens(text)]
        assert got == want, text
