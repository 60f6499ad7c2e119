"""Fixtures for retrieval tests.

Read-only tests query the session's real index of corpus/ (``assistant`` in
tests/conftest.py). Tests that write get a fresh index of their own, sharing the
loaded model, and add small real papers read and chunked by the ingest code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.config import Settings
from assistant.retrieval.embeddings import Embedder
from assistant.retrieval.index import Index
from assistant.types import Chunk, Document, Page

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
FOI_2015 = CORPUS / "foi-2015-leicester-city-looked-after-children.docx"
FOI_PLACEMENTS = CORPUS / "foi-leicester-city-lac-residential-placements.pdf"

Built = tuple[Document, list[Chunk]]


def build(path: Path, settings: Settings, *, doc_id: str | None = None, **meta: Any) -> Built:
    """A real paper as (Document, Chunks), with metadata fields overridden by ``meta``."""
    from assistant.ingest.chunking import Chunker
    from assistant.ingest.metadata import doc_id_for, extract_metadata
    from assistant.ingest.readers import read_file

    raw = read_file(path)
    document = Document(
        doc_id=doc_id or doc_id_for(path),
        source=path.name,
        path=str(path),
        content_hash=hashlib.sha256(path.read_bytes()).hexdigest(),
        meta=extract_metadata(raw, path).model_copy(update=meta),
        pages=tuple(Page(number=n, text=text) for n, text in enumerate(raw.pages, start=1)),
        paginated=raw.paginated,
    )
    return document, Chunker(settings).chunk(document)


@pytest.fixture(scope="session")
def index(assistant) -> Index:
    """The session's index of the whole corpus (do not write to it)."""
    assistant.index.warm_up()
    return assistant.index


@pytest.fixture(scope="session")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    """The model, loaded once for the tests that build their own index (the ONNX export,
    if the backend needs one, goes to a temporary cache, not the working folder)."""
    return Embedder(Settings(home=tmp_path_factory.mktemp("embedder-home")))


@pytest.fixture()
def fresh_settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home")


@pytest.fixture()
def fresh_index(fresh_settings: Settings, embedder: Embedder) -> Index:
    """An empty index of its own, sharing the loaded model."""
    return Index(fresh_settings, embedder=embedder)


@pytest.fixture()
def make_doc(fresh_settings: Settings) -> Callable[..., Built]:
    def make(path: Path = FOI_2015, **kwargs: Any) -> Built:
        return build(path, fresh_settings, **kwargs)

    return make
