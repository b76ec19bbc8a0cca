"""Replicate the example corpus into a large synthetic one whose identities stay distinct.

Copy ``k`` of a source document is moved to province ``k mod 63`` (its name replaced in the
text, upper and title case). Its *generation* ``g = k div 63`` renames it further, the same way
in the five copies of one generation and province, which cite each other as the sources do:

- every Party symbol's number is shifted by ``1000 × g``, provincial (``…/TU``, ``HU``, ``ĐU``,
  ``ĐUK``) and central (``…/TW``, also written ``…-TW``): each generation is a world of its own,
  in which every province implements the central documents of that generation once, as every
  real province implements each Politburo resolution once or twice;
- the dates of those documents (``ngày 24/11/2023``, ``24-11-2023``, ``ngày 24 tháng 11 năm
  2023`` written after the symbol, and the document's own date in its header) move ``g mod 7``
  days later within their month (never past the 28th, so month and year, and with them the
  term and the province's pre- or post-merger name, stay those of the source).

State documents (``30/2020/NĐ-CP``, a province's ``387/QĐ-UBND``) keep their numbers and dates
in every generation: shared, as laws and decrees are.
``shared_central=True`` keeps central numbers and dates as written: every copy then implements
the same central documents (2,000 implementers of ``21-NQ/TW`` at 10,000 files), a stress case
for queries listing a central document's implementers, 30 times denser than a real country.

    python benchmarks/generate_corpus.py --n 10000 --out /tmp/corpus10k [--shared-central]

    >>> variant("Nghị quyết số 43-NQ/TW ngày 24/11/2023, Tuyên Quang", 3 * 2 + 1, ["A", "B", "C"])
    'Nghị quyết số 2043-NQ/TW ngày 26/11/2023, B'
    >>> variant("Số 55-CTr/TU, Tuyên Quang, ngày 09 tháng 01 năm 2024", 3 * 2 + 1, ["A", "B", "C"], shared_central=True)
    'Số 2055-CTr/TU, B, ngày 09 tháng 01 năm 2024'
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.tables import table  # noqa: E402

SOURCE_PROVINCES = ("Tuyên Quang", "Hải Dương")
# a Party symbol (provincial …/TU, HU, ĐU, ĐUK; central …/TW and the central bodies' …/BCĐTW,
# …/BTCTW; also written …-TW), and the date written right after it, if any
PARTY_SYMBOL = re.compile(
    r"(?<![\w/])(?P<number>\d{1,5})"
    r"(?P<tail>\s*[-–]\s*[A-Za-zĐđ]{1,5}\s*(?:/\s*(?:TU|HU|ĐU|ĐUK)\b|(?P<central>[-–/]\s*[A-ZĐ]{0,6}TW\b)))"
    r"(?:(?P<before>\s*,?\s*ngày\s+)(?P<day>\d{1,2})(?P<rest>\s*[/-]\s*\d{1,2}\s*[/-]\s*\d{4}|\s+tháng\s+\d{1,2}\s+năm\s+\d{4}))?")


def provinces() -> list[str]:
    return sorted({row["name"] for row in table("provinces")})


def _later(day: str, days: int) -> str:
    d = int(day)
    return day if d > 28 else f"{min(d + days, 28):0{len(day)}d}"


def variant(text: str, k: int, names: list[str], shared_central: bool = False) -> str:
    target = names[k % len(names)]
    g = k // len(names)
    for src in SOURCE_PROVINCES:
        text = text.replace(src, target).replace(src.upper(), target.upper())
    days = 0 if shared_central else g % 7

    def rename(m: re.Match) -> str:
        if m.group("central") and shared_central:
            return m.group(0)
        number = f"{int(m.group('number')) + 1000 * g:0{len(m.group('number'))}d}"
        date = "" if m.group("day") is None else m.group("before") + _later(m.group("day"), days) + m.group("rest")
        return number + m.group("tail") + date

    if g:
        text = PARTY_SYMBOL.sub(rename, text)
    if days:       # the document's own date, in its header: "<province>, ngày 31 tháng 01 năm 2024"
        text = re.sub(rf"({re.escape(target)},\s*ngày\s+)(\d{{1,2}})(\s+tháng\s+\d{{1,2}}\s+năm\s+\d{{4}})",
                      lambda m: m.group(1) + _later(m.group(2), days) + m.group(3), text)
    return text


def generate_one(i: int, source: Path = ROOT / "examples" / "corpus", shared_central: bool = False) -> str:
    """The text of document ``i`` of a generated corpus (its copy of a source, renamed)."""
    docs = sorted(source.glob("*.txt"))
    return variant(docs[i % len(docs)].read_text(encoding="utf-8"), i // len(docs), provinces(), shared_central)


def generate(n: int, out: Path, source: Path = ROOT / "examples" / "corpus",
             shared_central: bool = False) -> list[Path]:
    docs = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(source.glob("*.txt"))]
    names = provinces()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(n):
        stem, text = docs[i % len(docs)]
        path = out / f"{i:05d}_{stem}.txt"
        path.write_text(variant(text, i // len(docs), names, shared_central), encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--shared-central", action="store_true",
                    help="every copy cites the same central documents (a stress case), see above")
    args = ap.parse_args()
    files = generate(args.n, args.out, shared_central=args.shared_central)
    size = sum(p.stat().st_size for p in files)
    print(f"{len(files)} documents, {size / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
