"""Replicate the example corpus into a large synthetic one whose identities stay distinct.

Copy ``k`` of a source document is moved to province ``k mod 63`` (its name replaced in the
text, upper and title case), and every provincial symbol in it (``…/TU``) gets its number
shifted by ``1000 × (k div 63)``, so that no two copies in one province share a symbol.
Central documents (``…/TW``) keep their symbols: many provinces implementing the same
Politburo resolution is exactly the shape of the real graph.

    python benchmarks/generate_corpus.py --n 10000 --out /tmp/corpus10k
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
LOCAL_SYMBOL = re.compile(r"(?<![\w/])(\d{1,5})(\s*[-–]\s*[A-Za-zĐđ]{1,5}\s*/\s*(?:TU|HU|ĐU|ĐUK)\b)")


def provinces() -> list[str]:
    return sorted({row["name"] for row in table("provinces")})


def variant(text: str, k: int, names: list[str]) -> str:
    target = names[k % len(names)]
    shift = 1000 * (k // len(names))
    for src in SOURCE_PROVINCES:
        text = text.replace(src, target).replace(src.upper(), target.upper())
    if shift:
        text = LOCAL_SYMBOL.sub(lambda m: f"{int(m.group(1)) + shift:0{len(m.group(1))}d}{m.group(2)}", text)
    return text


def generate_one(i: int, source: Path = ROOT / "examples" / "corpus") -> str:
    """The text of document ``i`` of a generated corpus (its copy of a source, renamed)."""
    docs = sorted(source.glob("*.txt"))
    return variant(docs[i % len(docs)].read_text(encoding="utf-8"), i // len(docs), provinces())


def generate(n: int, out: Path, source: Path = ROOT / "examples" / "corpus") -> list[Path]:
    docs = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(source.glob("*.txt"))]
    names = provinces()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(n):
        stem, text = docs[i % len(docs)]
        path = out / f"{i:05d}_{stem}.txt"
        path.write_text(variant(text, i // len(docs), names), encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    files = generate(args.n, args.out)
    size = sum(p.stat().st_size for p in files)
    print(f"{len(files)} documents, {size / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
