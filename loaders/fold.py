"""Accent-, case- and spacing-insensitive keys for matching Vietnamese names and cue words.

``Tỉnh uỷ`` / ``Tỉnh ủy`` / ``TỈNH  ỦY`` all fold to ``tinh uy``; :func:`fold_map` also keeps,
for each folded character, its offset in the original string so that a match found in the
folded text can be reported with offsets into the original::

    >>> fold("Ban cán sự Đảng  Uỷ ban nhân dân tỉnh")
    'ban can su dang uy ban nhan dan tinh'
    >>> folded, where = fold_map("Tỉnh uỷ")
    >>> folded, where[-1]
    ('tinh uy', 6)
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# The capital letters of Vietnamese, for a character class ("[" + UPPER + "]"): a name or a place
# may open with an accented one ("Phạm Đức Ấn", "Ân Thi, ngày …"), which [A-ZĐ] misses.
UPPER = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"

# Legacy glyphs met in PDF text layers (domain guide §10.9).
_LEGACY = str.maketrans({"\u01a2": "\u01af", "\u01a3": "\u01b0", "\u00d0": "\u0110", "\u00f0": "\u0111"})


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    if c in "đĐ":
        return "d"
    if c.isalnum():
        base = "".join(x for x in unicodedata.normalize("NFD", c.translate(_LEGACY)) if not unicodedata.combining(x))
        return base.lower()[:1] or ""
    if unicodedata.combining(c):
        return ""  # a detached tone mark: drop it, it carries no letter
    return " "


class _FoldTable(dict):
    """str.translate table computed lazily: every character -> one folded character."""

    def __missing__(self, code: int) -> str:
        f = _fold_char(chr(code))
        value = f if f else "\x00"
        self[code] = value
        return value


_TABLE = _FoldTable()
_TOKEN = re.compile(r"[^ ]+")


def fold_map(text: str) -> tuple[str, list[int]]:
    """Folded ``text`` (single spaces, no leading/trailing space) and each character's source offset."""
    t = text.translate(_TABLE)  # same length as text: "\x00" marks a dropped (combining) character
    out: list[str] = []
    where: list[int] = []
    for m in _TOKEN.finditer(t):
        tok = m.group(0)
        if "\x00" in tok:
            idx = [m.start() + i for i, c in enumerate(tok) if c != "\x00"]
            tok = tok.replace("\x00", "")
            if not tok:
                continue
        else:
            idx = range(m.start(), m.end())
        if out:
            out.append(" ")
            where.append(idx[0] - 1)
        out.append(tok)
        where.extend(idx)
    return "".join(out), where


@lru_cache(maxsize=8192)
def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).translate(_TABLE).replace("\x00", "").split())


def fold(text: str | None) -> str:
    """Lower-case, accent-free, single-spaced key of ``text`` (punctuation becomes a space)."""
    return _fold(text) if text else ""


def fold_aligned(text: str) -> str:
    """``text`` folded character by character: same length, so offsets carry over unchanged.

    Punctuation becomes a space and a detached combining mark ``\\x00``; patterns over it use
    :data:`GAP` between words.

    >>> fold_aligned("Tỉnh  Uỷ,")
    'tinh  uy '
    """
    # Two caches: a whole document is folded once and kept while its many small pieces
    # (cells, titles, blocks) come and go; one shared LRU let the pieces evict the document.
    if len(text) > 2048:
        return _fold_aligned_big(text)
    return _fold_aligned_small(text)


@lru_cache(maxsize=4)
def _fold_aligned_big(text: str) -> str:
    # str.translate costs ~30 ns a character (a dict lookup and an int object each); a lookup
    # table over the code points does the same mapping in a few ns. numpy comes with spaCy.
    try:
        import numpy as np
        cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except (ImportError, UnicodeEncodeError):  # no numpy, or lone surrogates
        return text.translate(_TABLE)
    lut = _lut()
    out = lut[np.minimum(cps, len(lut) - 1)]
    high = np.flatnonzero(cps >= len(lut))
    if high.size:  # rare characters past the table: the same mapping, one at a time
        out[high] = [ord(chr(c).translate(_TABLE)) for c in cps[high].tolist()]
    return out.tobytes().decode("utf-32-le")


_LUT_SIZE = 0x2070  # Latin, combining marks, Vietnamese (U+1EA0–U+1EF9), general punctuation


@lru_cache(maxsize=1)
def _lut():
    import numpy as np

    folded = "".join(map(chr, range(_LUT_SIZE))).translate(_TABLE)  # one character each
    return np.array([ord(c) for c in folded], dtype=np.uint32)


@lru_cache(maxsize=2048)
def _fold_aligned_small(text: str) -> str:
    return text.translate(_TABLE)


GAP = "[ \x00]+"


def words_pattern(phrase: str) -> str:
    """Regex for a folded phrase over :func:`fold_aligned` text (any run of spaces between words)."""
    return GAP.join(re.escape(w) for w in phrase.split())


def bounded_words_pattern(phrase: str) -> str:
    """``(?<![a-z0-9])`` + :func:`words_pattern` (``phrase``), written so the regex starts with a
    literal: the lookbehind moves after the first word (``(?<![a-z0-9]word)`` there tests the
    same character), which lets the engine scan for that word in C instead of trying a match
    at every offset."""
    first, *rest = phrase.split()
    head = re.escape(first)
    return head + f"(?<![a-z0-9]{head})" + "".join(GAP + re.escape(w) for w in rest)
