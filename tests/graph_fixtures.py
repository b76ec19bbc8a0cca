"""Graph-side session fixtures: the example corpus built once per session with the live extractor, and a
graph built from the contract samples (no extractor needed)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus"


@pytest.fixture(scope="session")
def corpus_graph(tmp_path_factory) -> Path:
    """``kg build examples/corpus`` with the real extractor. Fails (never skips) if extraction breaks."""
    from kg.build import build

    out = tmp_path_factory.mktemp("corpus-graph")
    result = build([CORPUS], out=out)
    assert result.files == 5
    assert not result.errors, result.errors
    return out


@pytest.fixture(scope="session")
def sample_graph(tmp_path_factory) -> Path:
    """The graph of the contract samples (tests/contract_samples.py) over copies of the corpus files."""
    from contract_samples import sample_extractor
    from kg.build import build

    src = tmp_path_factory.mktemp("sample-corpus")
    for f in sorted(CORPUS.glob("*.txt")):
        shutil.copy(f, src / f.name)
    out = tmp_path_factory.mktemp("sample-graph")
    build([src], out=out, extractor=sample_extractor)
    return out


# After the 2025 mergers (domain guide §6, §10.7): Hải Phòng's committee continues a project of
# the former Hải Dương committee, "(cũ)", and has a project of its own with the same symbol and
# year. Constructed in the genre of the corpus files (their header, place-date and citation lines).
MERGED_PROVINCES = {
    "hd-05-da.txt": "TỈNH ỦY HẢI DƯƠNG\n*\nSố 05-ĐA/TU\nĐẢNG CỘNG SẢN VIỆT NAM\nHải Dương, ngày 12 tháng 3 năm 2022\n\n"
                    "ĐỀ ÁN\nvề phát triển văn hóa xứ Đông\n\nI. SỰ CẦN THIẾT\nThực hiện Nghị quyết số 33-NQ/TW "
                    "ngày 09/6/2014 của Ban Chấp hành Trung ương Đảng khóa XI.\n",
    "hp-05-da.txt": "THÀNH ỦY HẢI PHÒNG\n*\nSố 05-ĐA/TU\nĐẢNG CỘNG SẢN VIỆT NAM\nHải Phòng, ngày 20 tháng 4 năm 2022\n\n"
                    "ĐỀ ÁN\nvề phát triển cảng biển\n\nI. SỰ CẦN THIẾT\nThực hiện Nghị quyết số 45-NQ/TW "
                    "ngày 24/01/2019 của Bộ Chính trị khóa XII.\n",
    "hp-12-ctr.txt": "THÀNH ỦY HẢI PHÒNG\n*\nSố 12-CTr/TU\nĐẢNG CỘNG SẢN VIỆT NAM\nHải Phòng, ngày 10 tháng 9 năm 2025\n\n"
                     "CHƯƠNG TRÌNH HÀNH ĐỘNG\nthực hiện Nghị quyết số 43-NQ/TW ngày 24/11/2023 của Ban Chấp hành "
                     "Trung ương Đảng khóa XIII\n\nI. MỤC ĐÍCH, YÊU CẦU\n1. Tiếp tục thực hiện Đề án số 05-ĐA/TU ngày "
                     "12/3/2022 của Ban Thường vụ Tỉnh ủy Hải Dương (cũ) về phát triển văn hóa xứ Đông.\n"
                     "2. Gắn với Đề án số 05-ĐA/TU ngày 20/4/2022 của Ban Thường vụ Thành ủy về phát triển cảng biển.\n",
}


def write_merged_provinces(folder: Path, names=None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in MERGED_PROVINCES.items():
        if names is None or name in names:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


# Two districts of one province number their resolutions on their own (domain guide §2.2: "the
# issuer code never says which province, district or ward"): Sơn Dương's and Yên Sơn's 03-NQ/HU
# of 2021 are two documents. Constructed in the genre of the corpus files.
DISTRICTS = {
    "sd-03-nq.txt": "ĐẢNG BỘ TỈNH TUYÊN QUANG\nHUYỆN ỦY SƠN DƯƠNG\n*\nSố 03-NQ/HU\nĐẢNG CỘNG SẢN VIỆT NAM\n"
                    "Sơn Dương, ngày 15 tháng 3 năm 2021\n\nNGHỊ QUYẾT\nvề phát triển lâm nghiệp\n\n"
                    "Thực hiện Nghị quyết số 05-NQ/TU ngày 10/01/2021 của Ban Chấp hành Đảng bộ tỉnh.\n\nI. TÌNH HÌNH\n",
    "ys-03-nq.txt": "ĐẢNG BỘ TỈNH TUYÊN QUANG\nHUYỆN ỦY YÊN SƠN\n*\nSố 03-NQ/HU\nĐẢNG CỘNG SẢN VIỆT NAM\n"
                    "Yên Sơn, ngày 02 tháng 02 năm 2021\n\nNGHỊ QUYẾT\nvề phát triển chè\n\n"
                    "Thực hiện Nghị quyết số 05-NQ/TU ngày 10/01/2021 của Ban Chấp hành Đảng bộ tỉnh.\n\nI. TÌNH HÌNH\n"
                    "Chè là cây chủ lực.\n\nT/M BAN THƯỜNG VỤ\nBÍ THƯ\nNguyễn Văn An\n",
    "sd-05-kh.txt": "ĐẢNG BỘ TỈNH TUYÊN QUANG\nHUYỆN ỦY SƠN DƯƠNG\n*\nSố 05-KH/HU\nĐẢNG CỘNG SẢN VIỆT NAM\n"
                    "Sơn Dương, ngày 12 tháng 3 năm 2022\n\nKẾ HOẠCH\nthực hiện Nghị quyết số 03-NQ/HU của Ban Chấp hành "
                    "Đảng bộ huyện\n\nI. MỤC ĐÍCH, YÊU CẦU\nThực hiện Nghị quyết số 03-NQ/HU ngày 15/3/2021 của Ban Chấp "
                    "hành Đảng bộ huyện về phát triển lâm nghiệp; học tập Nghị quyết số 03-NQ/HU ngày 02/02/2021 của "
                    "Huyện ủy Yên Sơn về chè và Kế hoạch số 12-KH/ĐU ngày 01/3/2022 của Đảng ủy xã Minh Thanh.\n",
}
