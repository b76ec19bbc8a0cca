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
