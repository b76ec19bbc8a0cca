"""Decoding text files: Unicode forms, Windows-1258, and TCVN3/VNI legacy-font text.

The legacy byte strings below are written by hand from the published code pages (one
comment per byte that is not ASCII), not produced by running the converter backwards.
"""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from loaders.read import read_source
from loaders.read.encoding import (convert_legacy, decode_bytes, fix_legacy,
                                   is_vietnamese_syllable, read_data_table)
from loaders.text import LoadError

CORPUS = sorted((Path(__file__).resolve().parent.parent / "examples" / "corpus").glob("*.txt"))

# TCVN3 (.VnTime): "Uû ban nh©n d©n" is the classic mojibake of "Uỷ ban nhân dân".
#   û=0xFB ỷ, ©=0xA9 â, §=0xA7 Đ, ¶=0xB6 ả, é=0xE9 ộ, Ö=0xD6 ệ, Þ=0xDE ị, Õ=0xD5 ế,
#   ­=0xAD ư, ¬=0xAC ơ, ×=0xD7 ì, µ=0xB5 à, ®=0xAE đ, Ø=0xD8 ỉ
TCVN3_BYTES = (b"U\xfb ban nh\xa9n d\xa9n t\xd8nh Tuy\xaan Quang\r\n"
               b"\xa7\xb6ng C\xe9ng s\xb6n Vi\xd6t Nam\r\n"
               b"Ch\xad\xacng tr\xd7nh h\xb5nh \xae\xe9ng th\xf9c hi\xd6n Ngh\xde quy\xd5t\r\n")
TCVN3_TEXT = ("Uỷ ban nhân dân tỉnh Tuyên Quang\r\nĐảng Cộng sản Việt Nam\r\n"
              "Chương trình hành động thực hiện Nghị quyết\r\n")

# VNI (VNI-Times): base letter + diacritic byte.
#   ä=0xE4 (circumflex+dot), û=0xFB hook, Ñ=0xD1 Đ, ñ=0xF1 đ, ö=0xF6 ư, ô=0xF4 ơ,
#   ì=0xEC ì, ø=0xF8 grave, ò=0xF2 ị, á=0xE1 (circumflex+acute), ï=0xEF dot
VNI_BYTES = (b"\xd1a\xfbng Co\xe4ng sa\xfbn Vie\xe4t Nam\n"
             b"Ch\xf6\xf4ng tr\xecnh ha\xf8nh \xf1o\xe4ng th\xf6\xefc hie\xe4n Ngh\xf2 quye\xe1t\n")
VNI_TEXT = "Đảng Cộng sản Việt Nam\nChương trình hành động thực hiện Nghị quyết\n"


def test_tables_are_data_files_with_the_documented_format():
    tcvn3 = dict(read_data_table("legacy_tcvn3.tsv"))
    vni = dict(read_data_table("legacy_vni.tsv"))
    assert tcvn3["©"] == "â" and tcvn3["\u00ad"] == "ư" and tcvn3["§"] == "Đ"
    assert len(set(tcvn3.values())) == len(tcvn3) == 74       # every legacy code maps to one letter
    assert vni["eä"] == "ệ" and vni["Ñ"] == "Đ" and vni["ôù"] == "ớ" and vni["ö"] == "ư"
    header = (Path(__file__).resolve().parent.parent / "loaders/data/legacy_vni.tsv").read_text("utf-8")
    assert header.startswith("#") and "Format:" in header


def test_tcvn3_bytes_are_converted(tmp_path):
    f = tmp_path / "tcvn3.txt"
    f.write_bytes(TCVN3_BYTES)
    src = read_source(f)
    assert src.raw == TCVN3_TEXT
    assert src.encoding == "tcvn3"
    assert any("TCVN3" in n for n in src.notes)


def test_vni_bytes_are_converted(tmp_path):
    f = tmp_path / "vni.txt"
    f.write_bytes(VNI_BYTES)
    src = read_source(f)
    assert src.raw == VNI_TEXT
    assert src.encoding == "vni"


def test_legacy_text_inside_a_utf8_file_is_converted_line_by_line():
    # A Unicode document with one pasted TCVN3 line: only that line changes.
    text = "Ban Chấp hành Đảng bộ tỉnh\n" + TCVN3_BYTES.decode("cp1252").split("\r\n")[1] + "\nnhiệm kỳ 2020 - 2025\n"
    fixed, family, notes = fix_legacy(text, "mixed.txt")
    assert family == "tcvn3"
    assert fixed == "Ban Chấp hành Đảng bộ tỉnh\nĐảng Cộng sản Việt Nam\nnhiệm kỳ 2020 - 2025\n"


def test_tcvn3_capital_words_are_recapitalized():
    # .VnTimeH headings store toned capitals as the lowercase codes: "TR×NH" is "TRÌNH".
    assert convert_legacy("CH\xa6\xa5NG TR\xd7NH H\xb5NH \xa7\xe9NG", "tcvn3") == "CHƯƠNG TRÌNH HÀNH ĐỘNG"


def test_legacy_looking_text_that_does_not_convert_is_an_error(tmp_path):
    f = tmp_path / "garbled.txt"
    f.write_bytes(b"xq\xa9zk pr\xb8wt zz\xb5qq kk\xa9rr \xa9\xa9x qw\xb8\xb8 kz\xb9\xb9 \n")
    with pytest.raises(LoadError) as e:
        read_source(f)
    assert e.value.kind == "legacy_encoding"
    assert "garbled.txt" in str(e.value) and "legacy Vietnamese font" in e.value.message


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name[:3])
def test_detection_does_not_fire_on_unicode_vietnamese(path):
    src = read_source(path)
    assert src.encoding == "utf-8" and src.notes == []
    assert src.raw == path.read_text("utf-8")


def test_detection_does_not_fire_on_english_or_french():
    text = ("Copyright © 2024 Example Corp. The café's naïve résumé; Müller über Größe. "
            "Où est la gare? Señor Núñez, España.\n")
    assert fix_legacy(text, "en.txt") == (text, None, [])


def test_utf8_bom_is_removed(tmp_path):
    f = tmp_path / "bom.txt"
    f.write_bytes(codecs.BOM_UTF8 + "Số 01-CTr/TU\n".encode("utf-8"))
    src = read_source(f)
    assert src.raw == "Số 01-CTr/TU\n" and src.encoding == "utf-8-sig"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_and_without_bom(tmp_path, codec):
    text = "Tuyên Quang, ngày 18 tháng 11 năm 2020\nĐẢNG CỘNG SẢN VIỆT NAM\n"
    f = tmp_path / f"{codec}.txt"
    f.write_bytes(text.encode(codec))
    src = read_source(f)
    assert src.raw == text and src.encoding == "utf-16"


def test_windows_1258_is_decoded_and_composed(tmp_path):
    # cp1258: ư=0xFD, ơ=0xF5, combining grave=0xCC, đ=0xF0, ô=0xF4, combining dot below=0xF2
    f = tmp_path / "cp1258.txt"
    f.write_bytes(b"Ch\xfd\xf5ng tri\xccnh ha\xccnh \xf0\xf4\xf2ng\r\n")
    src = read_source(f)
    assert src.raw == "Chương trình hành động\r\n"      # composed: "ì", not "i" + U+0300
    assert src.encoding == "cp1258"


def test_decode_bytes_names_the_problem():
    with pytest.raises(LoadError) as e:
        decode_bytes(b"", "empty.txt")
    assert e.value.kind == "empty" and "empty.txt" in e.value.message
    with pytest.raises(LoadError) as e:
        decode_bytes(b" \n\t\n", "blank.txt")
    assert e.value.kind == "empty"
    with pytest.raises(LoadError) as e:
        decode_bytes(b"\x00\x01\x02\x03\xff\xfe\x00\x10" * 100, "blob.txt")
    assert e.value.kind == "binary" and "not a text file" in e.value.message


def test_mostly_utf8_with_a_stray_byte_stays_utf8():
    data = ("Ban Chấp hành Đảng bộ tỉnh ban hành Chương trình hành động như sau " * 5).encode() + b"\x96\n"
    text, enc, notes = decode_bytes(data, "stray.txt")
    assert enc == "utf-8" and text.startswith("Ban Chấp hành") and "\ufffd" in text and notes


def test_syllable_check():
    assert all(map(is_vietnamese_syllable, "Chương trình hành động thực hiện Nghị quyết khuỷu".split()))
    assert not any(map(is_vietnamese_syllable, ["nh©n", "ChÝnh", "Straße", "Vieät"]))


def test_a_tcvn3_line_that_reads_as_vietnamese_both_ways_is_converted_with_its_document():
    # "Sè" (TCVN3 for "Số") is itself a Vietnamese syllable, so the line alone gives no sign of
    # the font; in a document typed in TCVN3 it is converted with the rest.
    legacy = TCVN3_BYTES.decode("cp1252").replace("\r\n", "\n")
    text = "S\xe8 12-CTr/TU\n" + legacy + "Tuy\xaan Quang, ng\xb5y 18 th\xb8ng 11 n\xa8m 2020\n"
    fixed, family, _ = fix_legacy(text, "tcvn3.txt")
    assert family == "tcvn3"
    assert fixed.splitlines()[0] == "Số 12-CTr/TU"
    assert fixed.splitlines()[1:4] == TCVN3_TEXT.replace("\r\n", "\n").splitlines()
    # a Unicode document with one pasted legacy line keeps its own lines, Latin-1 ones included
    mixed = "Số 12-CTr/TU\nBan Chấp hành Đảng bộ tỉnh\n" + legacy.splitlines()[1] + "\nchè xanh\n"
    assert fix_legacy(mixed, "mixed.txt")[0] == "Số 12-CTr/TU\nBan Chấp hành Đảng bộ tỉnh\nĐảng Cộng sản Việt Nam\nchè xanh\n"
