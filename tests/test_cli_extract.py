"""``kg extract`` end to end: folders, formats, bad files and the exit status."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

CORPUS = Path(__file__).parent.parent / "examples" / "corpus"
KG = [sys.executable, "-m", "kg"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=120)


def test_folder_with_one_bad_file(tmp_path):
    shutil.copy(CORPUS / "004_f7d9d9ebc06e3128.txt", tmp_path / "a.txt")
    shutil.copy(CORPUS / "000_8d0538208f7f5767.txt", tmp_path / "b.txt")
    (tmp_path / "c.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)   # binary with a text suffix
    (tmp_path / "d.docx").write_bytes(b"PK\x03\x04 truncated")          # a truncated docx
    proc = run("extract", str(tmp_path), "--format", "jsonl")
    assert proc.returncode == 1
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    by_name = {Path(r["source"]).name: r for r in records}
    assert set(by_name) == {"a.txt", "b.txt", "c.txt", "d.docx"}
    assert by_name["a.txt"]["document"]["symbol"] == "26-CTr/TU" and not by_name["a.txt"]["errors"]
    assert by_name["b.txt"]["document"]["symbol"] == "01-CTr/TU"
    for bad in ("c.txt", "d.docx"):
        (err,) = by_name[bad]["errors"]
        assert bad in err["message"]
    assert by_name["c.txt"]["errors"][0]["kind"] == "binary"
    assert by_name["d.docx"]["errors"][0]["kind"] == "corrupt"
    assert "c.txt" in proc.stderr and "could not be read" in proc.stderr


def test_good_files_exit_zero_and_formats(tmp_path):
    shutil.copy(CORPUS / "001_e02ef3f550a5da59.txt", tmp_path / "55.txt")
    proc = run("extract", str(tmp_path / "55.txt"), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    (rec,) = json.loads(proc.stdout)
    assert rec["document"]["symbol"] == "55-CTr/TU"
    table = run("extract", str(tmp_path / "55.txt"), "--format", "table")
    assert table.returncode == 0 and "43-NQ/TW" in table.stdout and "implements" in table.stdout


def test_jobs_keep_input_order_and_results(tmp_path):
    one = run("extract", str(CORPUS), "--format", "jsonl")
    two = run("extract", str(CORPUS), "--format", "jsonl", "--jobs", "2")
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout
    assert len(one.stdout.splitlines()) == len(list(CORPUS.glob("*.txt")))


def test_unsupported_file_given_explicitly(tmp_path):
    p = tmp_path / "scan.jpg"
    p.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    proc = run("extract", str(p))
    assert proc.returncode == 1
    (rec,) = [json.loads(line) for line in proc.stdout.splitlines()]
    assert rec["errors"][0]["kind"] == "unsupported_type" and "scan.jpg" in rec["errors"][0]["message"]
