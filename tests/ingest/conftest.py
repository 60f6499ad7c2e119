"""Fixtures for ingest tests: the corpus read and chunked once, without an index."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.ingest.chunking import Chunker
from assistant.ingest.metadata import doc_id_for
from assistant.ingest.pipeline import _Job, prepare
from assistant.types import Chunk, Document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
FILES = Path(__file__).resolve().parents[1] / "files"
PAPERS = sorted(p for p in CORPUS.iterdir() if p.suffix in {".pdf", ".docx"})


@pytest.fixture(scope="session")
def ingest_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(home=tmp_path_factory.mktemp("ingest-home"), ingest_workers=2)


@pytest.fixture(scope="session")
def chunker(ingest_settings: Settings) -> Chunker:
    return Chunker(ingest_settings)


@pytest.fixture(scope="session")
def prepared(ingest_settings: Settings) -> dict[str, tuple[Document, tuple[Chunk, ...]]]:
    """file name -> (Document, chunks) for every paper in corpus/."""
    out: dict[str, tuple[Document, tuple[Chunk, ...]]] = {}
    for order, path in enumerate(PAPERS):
        result = prepare(_Job(order, path, doc_id_for(path), "sha"), ingest_settings)
        assert result.document is not None, result.reason
        out[path.name] = (result.document, result.chunks)
    return out
