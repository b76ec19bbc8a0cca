"""Decode the bytes of a text file, and undo legacy Vietnamese font encodings.

Text files arrive as UTF-8 (with or without BOM), UTF-16/32, Windows-1258 or, in older
material, as text typed in a TCVN3 (.VnTime) or VNI font: those bytes decode "fine" as
Windows-1252 but read "Uû ban nh©n d©n" or "Vieät Nam". The same mojibake turns up inside
Unicode DOCX/HTML/PDF text when someone pasted from such a document, so ``fix_legacy`` is
public and the other readers call it too.

The conversion tables live in ``loaders/data/legacy_tcvn3.tsv`` and ``legacy_vni.tsv`` so
they can be corrected without touching code.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from loaders.text import LoadError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

__all__ = ["decode_bytes", "fix_legacy", "convert_legacy", "vietnamese_ratio",
           "is_vietnamese_syllable", "read_data_table", "DATA_DIR"]


# --------------------------------------------------------------------------- data files

def _unescape(field: str) -> str:
    return re.sub(r"\\u([0-9A-Fa-f]{4})", lambda m: chr(int(m.group(1), 16)), field)


@lru_cache(maxsize=None)
def read_data_table(name: str, columns: int = 2) -> tuple[tuple[str, ...], ...]:
    """Rows of a TAB-separated file in ``loaders/data`` (comments and blank lines skipped,
    ``\\uXXXX`` escapes decoded), each cut to its first ``columns`` fields.

    >>> ("©", "â") in read_data_table("legacy_tcvn3.tsv")
    True
    """
    rows = []
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = [_unescape(f) for f in line.split("\t")][:columns]
            if len(fields) < columns or not fields[0]:
                raise ValueError(f"{name}: malformed line {line!r} (want {columns} TAB-separated fields)")
            rows.append(tuple(fields))
    return tuple(rows)


# --------------------------------------------------------------------------- Vietnamese-ness

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_INITIAL = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnpqrstvx])?"
# Toneless vowel nuclei (with glides), longest first so the regex prefers them.
_NUCLEI = sorted("""a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi
    oo ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê oai oao oay oeo uây uôi uya uyê uyu ươi ươu iêu
    yêu""".split(), key=len, reverse=True)
_SYLLABLE = re.compile(_INITIAL + "(?:" + "|".join(_NUCLEI) + ")" + r"(?:ch|ng|nh|[cmnpt])?")


@lru_cache(maxsize=65536)
def is_vietnamese_syllable(token: str) -> bool:
    """True if ``token`` is spelled like one Vietnamese syllable (any case, at most one tone).

    >>> is_vietnamese_syllable("Nghị"), is_vietnamese_syllable("nh©n"), is_vietnamese_syllable("Straße")
    (True, False, False)
    """
    if not (token.islower() or token.isupper() or (token[0].isupper() and token[1:].islower())):
        return False
    decomposed = unicodedata.normalize("NFD", token.lower())
    if sum(ch in _TONE_MARKS for ch in decomposed) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(base) is not None


# Words: runs of anything but spaces, digits, ASCII punctuation and common typographic
# punctuation. Legacy fonts put letters on symbol code points (©, ¬, ­), so \w is too narrow.
_TOKEN = re.compile(r"[^\s\d!-/:-@\[-`{-~“”‘’…–—•]+")


def vietnamese_ratio(text: str) -> tuple[int, float]:
    """(number of words with a non-ASCII character, share of them that are Vietnamese syllables).

    >>> vietnamese_ratio("Ban Chấp hành Đảng bộ tỉnh")
    (5, 1.0)
    """
    words = [w for w in _TOKEN.findall(text) if not w.isascii()]
    if not words:
        return 0, 0.0
    return len(words), sum(map(is_vietnamese_syllable, words)) / len(words)


# --------------------------------------------------------------------------- legacy fonts

@lru_cache(maxsize=None)
def _converter(family: str):
    table = dict(read_data_table(f"legacy_{family}.tsv"))
    if all(len(k) == 1 for k in table):
        trans = str.maketrans(table)
        return lambda s: s.translate(trans)
    keys = sorted(table, key=len, reverse=True)   # longest match first ("ôù" before "ô")
    pattern = re.compile("|".join(map(re.escape, keys)))
    return lambda s: pattern.sub(lambda m: table[m.group()], s)


# A capital word typed in a .VnTimeH font keeps lowercase codes for its toned letters.
_CAPS_WORD = re.compile(r"[^\W\d_]{2,}")


def _recapitalize(text: str) -> str:
    def fix(m: re.Match) -> str:
        w = m.group()
        if sum(c.isupper() for c in w) >= 2 and not any(c.islower() and c.isascii() for c in w):
            return w.upper()
        return w
    return _CAPS_WORD.sub(fix, text)


def convert_legacy(text: str, family: str) -> str:
    """Convert TCVN3 (``family="tcvn3"``) or VNI (``"vni"``) font text to Unicode (NFC).

    >>> convert_legacy("Uû ban nh©n d©n", "tcvn3"), convert_legacy("Vieät Nam, Ñaûng", "vni")
    ('Uỷ ban nhân dân', 'Việt Nam, Đảng')
    """
    out = _converter(family)(text)
    if family == "tcvn3":
        out = _recapitalize(out)
    return unicodedata.normalize("NFC", out)


_SYM = "¡¢£¤¥¦§¨©ª«¬\u00ad®µ¶·¸¹»¼½¾×÷"
_UP = "ÆÇÈÉÊËÌÎÏÐÑÒÓÔÕÖØÜÝÞ"
# Signatures: a TCVN3 symbol or capital glued to a lowercase ASCII letter ("nh©n", "vÒ");
# a VNI diacritic character after a vowel that Unicode Vietnamese never writes ("eä", "aø").
_SIGNATURE = {
    "tcvn3": re.compile(f"[a-z][{_SYM}{_UP}]|[{_SYM}][a-z]"),
    "vni": re.compile(r"[aeiouyAEIOUYôöÔÖ][øûïåäëüØÛÏÅÄËÜ]|[aeoAEO][âÂ]|[aA][êÊ]|[ñÑ][aeiouyAEIOUY]"),
}
_FAMILY_NAMES = {"tcvn3": "TCVN3 (ABC, .VnTime fonts)", "vni": "VNI (VNI-Times fonts)"}
# A line a legacy font could have typed: 8-bit characters only, and typographic punctuation.
_LATIN1_ONLY = re.compile("[\x00-\xff\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2022]*")


@lru_cache(maxsize=None)
def _legacy_chars(family: str) -> re.Pattern[str]:
    """A character the family's table converts (its non-ASCII keys)."""
    chars = sorted({c for k, _ in read_data_table(f"legacy_{family}.tsv") for c in k if ord(c) > 0x7f})
    return re.compile("[" + re.escape("".join(chars)) + "]")


# Characters that Unicode Vietnamese never uses but one of the legacy fonts needs; a single
# character-class scan is cheap, so most files are cleared by it.
_LEGACY_CHARS = re.compile(f"[{_SYM}øûïåäëüØÛÏÅÄËÜæÆñÑîÎöÖ]")


def fix_legacy(text: str, source: str) -> tuple[str, str | None, list[str]]:
    """Detect TCVN3/VNI font text and convert it; return (text, family or None, notes).

    Lines are converted one by one, and only when that makes more of their words Vietnamese,
    so a Unicode document with a pasted legacy paragraph comes out whole. Raises
    ``LoadError(kind="legacy_encoding")`` when the text clearly is legacy-encoded but neither
    table turns it into Vietnamese.

    >>> fix_legacy("Uû ban nh©n d©n tØnh", "x.txt")[:2]
    ('Uỷ ban nhân dân tỉnh', 'tcvn3')
    >>> fix_legacy("Ủy ban nhân dân tỉnh", "x.txt")[:2]
    ('Ủy ban nhân dân tỉnh', None)
    """
    first = _LEGACY_CHARS.search(text)
    if first is None or _LEGACY_CHARS.search(text, first.end()) is None:
        return text, None, []
    hits = {f: len(p.findall(text)) for f, p in _SIGNATURE.items()}
    if max(hits.values()) < 2:
        return text, None, []
    n_words, before = vietnamese_ratio(text)
    best, best_ratio = None, before
    for family, n_hits in sorted(hits.items(), key=lambda kv: -kv[1]):
        if n_hits < 2:
            continue
        converted = convert_legacy(text, family)
        _, ratio = vietnamese_ratio(converted)
        if ratio > best_ratio:
            best, best_ratio = family, ratio
    family = max(hits, key=hits.get)
    # Share of the non-ASCII words that carry the family's signature: near 1 for legacy text,
    # low for French or Spanish, whose ñ/ï only occasionally look like VNI.
    legacy_share = (sum(1 for w in _TOKEN.findall(text) if not w.isascii() and _SIGNATURE[family].search(w))
                    / max(n_words, 1))
    if best is not None and best_ratio >= 0.6 and best_ratio - before >= 0.2:
        out_lines, changed = [], 0
        # In a document typed in the legacy font, a line without the signature is legacy too when
        # it holds only the font's 8-bit characters: "Sè 12-CTr/TU" reads as Vietnamese both
        # ways ("Sè", "Số"); a Unicode line has letters above U+00FF ("ư", "ộ") and stays.
        whole = legacy_share >= 0.5
        for line in text.split("\n"):
            signed = _SIGNATURE[best].search(line) is not None
            if signed or (whole and _LATIN1_ONLY.fullmatch(line) and _legacy_chars(best).search(line)):
                new = convert_legacy(line, best)
                n_old, r_old = vietnamese_ratio(line)
                n_new, r_new = vietnamese_ratio(new)
                if r_new * n_new > r_old * n_old or (not signed and new != line and r_new * n_new == r_old * n_old):
                    line, changed = new, changed + 1
            out_lines.append(line)
        note = (f"converted {changed} line(s) from {_FAMILY_NAMES[best]} font encoding "
                f"(Vietnamese words {before:.0%} -> {best_ratio:.0%})")
        return "\n".join(out_lines), best, [note]
    if legacy_share >= 0.5 and before < 0.5 and n_words >= 3:
        name = Path(source).name
        raise LoadError(source, "legacy_encoding",
                        f"{name} looks like text typed in a legacy Vietnamese font "
                        f"({_FAMILY_NAMES[family]}), but converting it does not give Vietnamese "
                        f"words (only {best_ratio:.0%} recognised); convert the file to Unicode "
                        f"(e.g. with Unikey's converter) and load it again")
    return text, None, []


# --------------------------------------------------------------------------- bytes -> str

_MAGIC = [
    (b"PK\x03\x04", "a ZIP archive (perhaps a DOCX/XLSX saved under the wrong name)"),
    (b"%PDF", "a PDF file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old binary Office file (.doc/.xls)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
]
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
# Every byte that _CONTROL does not match: deleting them leaves one byte per _CONTROL match
# (bytes.translate counts them in C, far faster than a regex scan).
_NOT_CONTROL = bytes(b for b in range(256) if not _CONTROL.match(bytes([b])))
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\ufffe\uffff]")


def _utf16_by_nuls(head: bytes) -> str | None:
    """UTF-16 without BOM: ASCII-range characters leave NULs in every other byte."""
    even, odd = head[0::2], head[1::2]
    if len(head) < 4:
        return None
    e, o = even.count(0) / len(even), odd.count(0) / max(len(odd), 1)
    if o > 0.3 and e < 0.05:
        return "utf-16-le"
    if e > 0.3 and o < 0.05:
        return "utf-16-be"
    return None


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def decode_bytes(data: bytes, source: str) -> tuple[str, str, list[str]]:
    """Decode a text file's bytes: (text, encoding name, notes). Raises ``LoadError``
    (``empty``, ``binary``, ``undecodable``, ``legacy_encoding``).

    >>> decode_bytes("Đảng bộ tỉnh".encode("utf-16"), "a.txt")[:2]
    ('Đảng bộ tỉnh', 'utf-16')
    >>> decode_bytes(b"Vi\\xea\\xf2t Nam \\xf0\\xf4\\xf2c l\\xe2\\xf2p", "a.txt")[:2]  # Windows-1258
    ('Việt Nam độc lập', 'cp1258')
    """
    name = Path(source).name
    if not data:
        raise LoadError(source, "empty", f"{name} is empty (0 bytes)")
    notes: list[str] = []
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as e:
                raise LoadError(source, "undecodable",
                                f"{name} starts with a {enc.upper()} byte-order mark but is not valid "
                                f"{enc.upper()} (byte {e.start})") from None
            return _finish(text, enc, notes, source)
    head = data[:65536]
    if b"\x00" in head:
        enc = _utf16_by_nuls(head)
        if enc is None:
            raise LoadError(source, "binary", _binary_message(name, head))
        try:
            text = data.decode(enc)
            # NULs in a regular pattern can also be binary records: real text has no controls.
            if len(_CONTROL_CHARS.findall(text[:32768])) > max(2, len(text[:32768]) // 100):
                raise LoadError(source, "binary", _binary_message(name, head))
            return _finish(text, enc, notes, source)
        except UnicodeDecodeError as e:
            raise LoadError(source, "undecodable",
                            f"{name} looks like UTF-16 text without a byte-order mark but does not "
                            f"decode as {enc.upper()} (byte {e.start})") from None
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise LoadError(source, "binary", f"{name} is not a text file: it is {what}")
    if len(head.translate(None, _NOT_CONTROL)) > max(2, len(head) // 100):  # len(_CONTROL.findall(head))
        raise LoadError(source, "binary", _binary_message(name, head))
    try:
        return _finish(data.decode("utf-8"), "utf-8", notes, source)
    except UnicodeDecodeError:
        pass
    # Mostly UTF-8 with a few stray bytes: keep UTF-8 rather than garble every accent.
    loose = data.decode("utf-8", errors="surrogateescape")
    bad = sum(1 for c in loose if "\udc80" <= c <= "\udcff")
    good = sum(1 for c in loose if ord(c) > 0x7F) - bad
    if good >= 20 * bad:
        notes.append(f"{bad} byte(s) that are not UTF-8 replaced by U+FFFD")
        return _finish(data.decode("utf-8", errors="replace"), "utf-8", notes, source)
    return _decode_8bit(data, source, notes)


def _binary_message(name: str, head: bytes) -> str:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return f"{name} is not a text file: it is {what}"
    return f"{name} is not a text file: it contains NUL or control bytes (binary data)"


def _decode_8bit(data: bytes, source: str, notes: list[str]) -> tuple[str, str, list[str]]:
    """Not UTF-8: Windows-1258 Vietnamese, or a legacy font read through Windows-1252."""
    name = Path(source).name
    candidates: list[tuple[float, str, str]] = []
    try:
        t1258 = unicodedata.normalize("NFC", data.decode("cp1258"))  # 1258 writes tones as combining marks
        n, r = vietnamese_ratio(t1258)
        if n:
            candidates.append((r, "cp1258", t1258))
    except UnicodeDecodeError:
        t1258 = None
    try:
        t1252 = data.decode("cp1252")
    except UnicodeDecodeError:
        t1252 = None
    if t1252 is not None:
        try:
            fixed, family, legacy_notes = fix_legacy(t1252, source)
        except LoadError:
            if not candidates or candidates[0][0] < 0.6:
                raise
            family = None
        if family:
            candidates.append((vietnamese_ratio(fixed)[1], family, fixed))
    if candidates:
        ratio, enc, text = max(candidates)
        if ratio >= 0.6:
            if enc in ("tcvn3", "vni"):
                notes += ["not UTF-8; decoded as Windows-1252"] + legacy_notes
            else:
                notes.append("not UTF-8; decoded as Windows-1258 (Vietnamese)")
            return _finish(text, enc, notes, source, legacy_done=True)
    if t1252 is not None:
        notes.append("not UTF-8; decoded as Windows-1252 (no Vietnamese detected)")
        return _finish(t1252, "cp1252", notes, source, legacy_done=True)
    if t1258 is not None:
        notes.append("not UTF-8; decoded as Windows-1258")
        return _finish(t1258, "cp1258", notes, source, legacy_done=True)
    raise LoadError(source, "undecodable",
                    f"{name} is not UTF-8, UTF-16, Windows-1258 or a legacy Vietnamese font "
                    f"encoding; re-save it as UTF-8")


def _finish(text: str, enc: str, notes: list[str], source: str,
            legacy_done: bool = False) -> tuple[str, str, list[str]]:
    if not text.strip():
        raise LoadError(source, "empty", f"{Path(source).name} contains only whitespace")
    if enc.startswith("utf-16") or enc.startswith("utf-32"):
        enc = enc[:6]
    if not legacy_done:
        text, family, legacy_notes = fix_legacy(text, source)
        if family:
            notes = notes + [f"decoded as {enc}"] + legacy_notes
            enc = family
    return text, enc, notes
