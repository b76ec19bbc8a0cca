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

import unicodedata
from functools import lru_cache

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


def fold_map(text: str) -> tuple[str, list[int]]:
    """Folded ``text`` (single spaces, no leading/trailing space) and each character's source offset."""
    out: list[str] = []
    where: list[int] = []
    for i, c in enumerate(text):
        f = _fold_char(c)
        if not f:
            continue
        if f == " ":
            if not out or out[-1] == " ":
                continue
        out.append(f)
        where.append(i)
    if out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


def fold(text: str | None) -> str:
    """Lower-case, accent-free, single-spaced key of ``text`` (punctuation becomes a space)."""
    if not text:
        return ""
    return fold_map(unicodedata.normalize("NFC", text))[0]
