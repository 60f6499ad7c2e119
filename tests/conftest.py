"""Shared fixtures: one real index of corpus/ per test session.

The index is real: the papers in corpus/ read by the real readers, embedded by the
bundled all-MiniLM-L6-v2, stored in a real Chroma on disk and a real bm25s index.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FILES = Path(__file__).resolve().parent / "files"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def index_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("assistant-home")


@pytest.fixture(scope="session")
def settings(index_home: Path):
    from assistant.config import Settings

    return Settings(home=index_home, corpus_dir=CORPUS)


@pytest.fixture(scope="session")
def assistant(settings):
    """An Assistant over a real index of corpus/ (ingested once per session)."""
    from assistant.service import Assistant

    service = Assistant(settings)
    results = service.ingest([CORPUS])
    failed = [r for r in results if r.status == "failed"]
    assert not failed, failed
    return service


@pytest.fixture()
def scratch_settings(tmp_path: Path):
    """Settings with an empty home of its own, for tests that change the index."""
    from assistant.config import Settings

    return Settings(home=tmp_path / "home", corpus_dir=CORPUS)


@pytest.fixture()
def scratch_corpus(tmp_path: Path) -> Path:
    """A writable copy of corpus/ (papers only)."""
    target = tmp_path / "corpus"
    target.mkdir()
    for path in CORPUS.iterdir():
        if path.is_file() and path.suffix.lower() in {".pdf", ".docx"}:
            shutil.copy(path, target / path.name)
    return target
