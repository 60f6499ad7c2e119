"""The ingest pipeline: batch rules against a small in-test index, then the real Index."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from assistant.config import LOCAL_OPERATOR, Settings
from assistant.ingest.pipeline import IngestPipeline
from assistant.retrieval.embeddings import Embedder, Precomputed
from assistant.retrieval.nodes import search_text
from assistant.types import Chunk, Document, SearchFilters

from .conftest import CORPUS, FILES

FOI_DOCX = CORPUS / "foi-2015-leicester-city-looked-after-children.docx"
FOI_PDF = CORPUS / "foi-leicester-city-lac-residential-placements.pdf"


class _Store:
    def __init__(self) -> None:
        self.documents: dict[str, Document] = {}

    def content_hash(self, doc_id: str) -> str | None:
        document = self.documents.get(doc_id)
        return document.content_hash if document else None

    def get_document(self, doc_id: str) -> Document | None:
        return self.documents.get(doc_id)


class _Index:
    """Only the batch logic is under test here; the real Index is used further down."""

    def __init__(self, refuse: str | None = None) -> None:
        self.docstore = _Store()
        self.chunks: dict[str, list[Chunk]] = {}
        self.adds: list[str] = []
        self.finalized = 0
        self.refuse = refuse

    def add(self, document: Document, chunks: Sequence[Chunk]) -> None:
        if document.doc_id == self.refuse:
            raise RuntimeError("disk full")
        self.adds.append(document.doc_id)
        self.docstore.documents[document.doc_id] = document
        self.chunks[document.doc_id] = list(chunks)

    def remove(self, doc_id: str) -> bool:
        self.chunks.pop(doc_id, None)
        return self.docstore.documents.pop(doc_id, None) is not None

    def finalize(self) -> None:
        self.finalized += 1


class _Kpis:
    def __init__(self, fail: bool = False) -> None:
        self.seen: list[str] = []
        self.fail = fail

    def replace_published(self, document: Document) -> None:
        self.seen.append(document.doc_id)
        if self.fail:
            raise ValueError("no KPI table in this paper")


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", ingest_workers=1)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """Two real papers, a text note, every broken file, and things a walk must pass over."""
    root = tmp_path / "papers"
    (root / "kpis").mkdir(parents=True)
    shutil.copy(FOI_DOCX, root)
    shutil.copy(FOI_PDF, root)
    shutil.copytree(FILES / "broken", root / "broken")
    (root / "note.txt").write_text("Care leavers are exempt from council tax until 25.\n", encoding="utf-8")
    (root / "README.md").write_text("# About these papers\n", encoding="utf-8")
    (root / ".hidden.txt").write_text("secret\n", encoding="utf-8")
    (root / "kpis" / "children_in_care.csv").write_text("metric,value\ncic,657\n", encoding="utf-8")
    (root / "kpis" / "readme.txt").write_text("KPI notes\n", encoding="utf-8")
    return root


def _by_source(results: list) -> dict[str, object]:
    return {r.source: r for r in results}


def test_bad_files_fail_with_reasons_while_the_rest_index(tmp_path: Path, folder: Path) -> None:
    index = _Index()
    settings = Settings(home=tmp_path / "home", ingest_workers=2)  # worker processes, as in production
    results = _by_source(IngestPipeline(settings, index).ingest([folder]))
    assert set(results) == {
        FOI_DOCX.name,
        FOI_PDF.name,
        "note.txt",
        "binary.txt",
        "empty.pdf",
        "encrypted.pdf",
        "image-only.pdf",
        "truncated.pdf",
    }  # README.md, hidden files, kpis/ and the unsupported notes.xyz are not listed
    assert {name: r.reason for name, r in results.items() if r.status == "failed"} == {
        "binary.txt": "not a text file (binary content)",
        "empty.pdf": "empty file (0 bytes)",
        "encrypted.pdf": "PDF is encrypted",
        "image-only.pdf": "no extractable text (image-only PDF?)",
        "truncated.pdf": "corrupt or truncated PDF",
    }
    good = results[FOI_PDF.name]
    assert (good.status, good.doc_id, good.pages) == ("indexed", "foi-leicester-city-lac-residential-placements", 2)
    assert good.chunks == len(index.chunks[good.doc_id]) > 0
    assert good.title == "FOI response: Looked After Children placements" and good.doc_type == "foi_response"
    assert index.finalized == 1


def test_reingest_is_unchanged_and_an_edited_file_is_updated(settings: Settings, folder: Path) -> None:
    index = _Index()
    pipeline = IngestPipeline(settings, index)
    pipeline.ingest([folder / "note.txt", folder / FOI_PDF.name])
    again = pipeline.ingest([folder / "note.txt", folder / FOI_PDF.name])
    assert [r.status for r in again] == ["unchanged", "unchanged"]
    assert sorted(index.adds) == ["foi-leicester-city-lac-residential-placements", "note"]  # each added once
    assert index.finalized == 1  # nothing new, nothing to rebuild

    (folder / "note.txt").write_text("Care leavers are exempt from council tax until 25.\nUpdated.\n", "utf-8")
    [result] = pipeline.ingest([folder / "note.txt"])
    assert (result.status, result.doc_id) == ("updated", "note")
    assert "Updated." in index.chunks["note"][0].text


def test_explicit_paths_that_cannot_be_ingested_fail(settings: Settings, folder: Path) -> None:
    results = IngestPipeline(settings, _Index()).ingest(
        [folder / "broken" / "notes.xyz", folder / "missing.pdf", folder / "README.md"]
    )
    assert [(r.status, r.reason) for r in results[:2]] == [
        ("failed", "unsupported file type (.xyz); supported: .docx, .htm, .html, .markdown, .md, .pdf, .text, .txt"),
        ("failed", "no such file or folder"),
    ]
    assert results[2].status == "indexed"  # named explicitly, a README is a document like any other


def test_two_files_with_one_doc_id_do_not_overwrite_each_other(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "briefing.txt").write_text("First briefing.\n", encoding="utf-8")
    (tmp_path / "a" / "briefing.md").write_text("Second briefing.\n", encoding="utf-8")
    results = IngestPipeline(settings, _Index()).ingest([tmp_path / "a"])
    assert [r.status for r in results] == ["indexed", "failed"]
    assert results[1].reason == "same document id 'briefing' as briefing.md; rename one"


def test_manifest_and_access_label_documents(settings: Settings, folder: Path) -> None:
    (folder / "manifest.json").write_text(
        json.dumps({"note.txt": {"title": "Council tax note", "access": "finance"}}), encoding="utf-8"
    )
    index = _Index()
    pipeline = IngestPipeline(settings, index)
    pipeline.ingest([folder / "note.txt", folder / FOI_PDF.name], access="staff")
    note = index.docstore.documents["note"].meta
    assert (note.title, note.access) == ("Council tax note", "finance")  # the manifest entry wins
    assert index.docstore.documents["foi-leicester-city-lac-residential-placements"].meta.access == "staff"

    (folder / "manifest.json").write_text(json.dumps({"note.txt": {"access": "public"}}), encoding="utf-8")
    [result] = IngestPipeline(settings, index).ingest([folder / "note.txt"])
    assert result.status == "updated"  # same bytes, new label: must not be "unchanged"
    assert index.docstore.documents["note"].meta.access == "public"


def test_kpi_failures_never_fail_the_paper(settings: Settings, folder: Path) -> None:
    kpis = _Kpis(fail=True)
    [result] = IngestPipeline(settings, _Index(), kpis=kpis).ingest([folder / "note.txt"])
    assert result.status == "indexed" and kpis.seen == ["note"]


def test_an_index_failure_fails_only_that_file(settings: Settings, folder: Path) -> None:
    index = _Index(refuse="note")
    results = IngestPipeline(settings, index).ingest([folder / "note.txt", folder / FOI_PDF.name])
    assert [r.status for r in results] == ["failed", "indexed"]
    assert results[0].reason == "could not be indexed (disk full)"


def test_purge_removes_documents(settings: Settings, folder: Path) -> None:
    index = _Index()
    pipeline = IngestPipeline(settings, index)
    pipeline.ingest([folder / "note.txt"])
    assert pipeline.purge(["note", "never-indexed"]) == ["note"]
    assert index.docstore.content_hash("note") is None


# --- the real Index ---------------------------------------------------------------


@pytest.fixture(scope="module")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    """The real model (ONNX export made once, in a cache of its own), shared by real indexes."""
    return Embedder(Settings(home=tmp_path_factory.mktemp("embedder-home")))


def test_real_index_ingest_search_and_reingest(scratch_settings: Settings, folder: Path, embedder: Embedder) -> None:
    from assistant.retrieval.index import Index

    scratch_settings.ensure_home()
    index = Index(scratch_settings, embedder=embedder)
    pipeline = IngestPipeline(scratch_settings, index)
    paths = [folder / FOI_DOCX.name, folder / FOI_PDF.name, folder / "broken" / "encrypted.pdf"]
    assert [r.status for r in pipeline.ingest(paths)] == ["indexed", "indexed", "failed"]
    hits = index.search(
        "budget for looked after children 2013-14", filters=SearchFilters(), k=3, principal=LOCAL_OPERATOR
    )
    assert any("2013-14 - £26,462,900" in hit.text for hit in hits)
    assert [r.status for r in pipeline.ingest(paths[:2])] == ["unchanged", "unchanged"]


# --- large PDFs read in page ranges by several workers ---------------------------------


def test_page_ranges_cover_every_page_once_in_order() -> None:
    from assistant.ingest.pipeline import plan_ranges

    for pages in (1, 5, 12, 61, 73):
        for size in (1, 6, 19, 25, 100):
            ranges = plan_ranges(pages, size)
            assert [n for start, stop in ranges for n in range(start, stop)] == list(range(pages))
            assert max(stop - start for start, stop in ranges) <= max(size, 1) + 1
    assert plan_ranges(73, 25) == [(0, 24), (24, 49), (49, 73)]


def test_pdf_read_in_ranges_is_the_whole_file() -> None:
    from assistant.ingest.readers import reader_for

    path = CORPUS / "cfosc-2018-11-05-virtual-school-report.pdf"
    reader = reader_for(path)
    whole = reader.read(path)
    assert reader.page_count(path) == len(whole.pages) == 11
    parts = [reader.read_range(path, start, stop) for start, stop in [(0, 4), (4, 5), (5, 11)]]
    assert [p.metadata for p in parts][1:] == [{}, {}]
    assert reader.combine(path, parts) == whole


def test_split_pdfs_parse_in_workers_exactly_as_serially(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prepared: dict
) -> None:
    """Small thresholds so that two small real papers are split into many ranges."""
    import assistant.ingest.pipeline as pipeline_module

    monkeypatch.setattr(pipeline_module, "SPLIT_MIN_PAGES", 2)
    monkeypatch.setattr(pipeline_module, "RANGE_MIN_PAGES", 1)
    monkeypatch.setattr(pipeline_module, "RANGES_PER_WORKER", 8)
    root = tmp_path / "papers"
    root.mkdir()
    report = CORPUS / "cfosc-2018-11-05-virtual-school-report.pdf"
    for path in (report, FOI_PDF, FILES / "broken" / "image-only.pdf"):
        shutil.copy(path, root)
    index = _Index()
    settings = Settings(home=tmp_path / "home", ingest_workers=2)
    pipeline = IngestPipeline(settings, index)
    jobs = [pipeline._plan(n, root / p.name, root, None) for n, p in enumerate((report, FOI_PDF))]
    counts = pipeline._page_counts(jobs)
    size = pipeline._range_pages(jobs, counts, 2)
    assert [len(pipeline_module.plan_ranges(counts[j.order], size)) for j in jobs] == [11, 2]  # a page per task

    results = _by_source(pipeline.ingest([root]))
    assert results["image-only.pdf"].reason == "no extractable text (image-only PDF?)"
    for source in (report.name, FOI_PDF.name):
        assert results[source].status == "indexed", results[source].reason
        serial_doc, serial_chunks = prepared[source]
        doc = index.docstore.documents[results[source].doc_id]
        assert [(p.number, p.text) for p in doc.pages] == [(p.number, p.text) for p in serial_doc.pages]
        assert doc.meta == serial_doc.meta
        assert [c.text for c in index.chunks[doc.doc_id]] == [c.text for c in serial_chunks]
        assert [c.page for c in index.chunks[doc.doc_id]] == [c.page for c in serial_chunks]


def test_one_large_pdf_alone_still_uses_every_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.ingest.pipeline as pipeline_module

    seen: list[int] = []
    real = pipeline_module.plan_ranges

    def spy(pages: int, size: int) -> list[tuple[int, int]]:
        ranges = real(pages, size)
        seen.append(len(ranges))
        return ranges

    monkeypatch.setattr(pipeline_module, "plan_ranges", spy)
    monkeypatch.setattr(pipeline_module, "SPLIT_MIN_PAGES", 10)
    index = _Index()
    paper = CORPUS / "cfosc-2018-11-05-virtual-school-report.pdf"
    results = IngestPipeline(Settings(home=tmp_path / "home", ingest_workers=2), index).ingest([paper])
    assert [r.status for r in results] == ["indexed"] and results[0].pages == 11
    assert seen == [2]  # 11 pages, ranges of at least RANGE_MIN_PAGES (6): two workers


# --- embedding in the workers --------------------------------------------------------------


class _Lengths:
    """A stand-in embedding run in the worker processes: text -> (length, first char, 1)."""

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray([[len(t), ord(t[0]) if t else 0, 1.0] for t in texts], dtype=np.float32)


class _Broken:
    def encode(self, texts: list[str]) -> np.ndarray:
        raise RuntimeError("worker out of memory")


class _Embedder:
    """What the pipeline needs from an Embedder to embed in its workers."""

    def __init__(self, embedding: object) -> None:
        self.embedding = embedding
        self.given: dict[tuple[str, ...], Precomputed] = {}

    def for_workers(self, threads: int = 1) -> object:
        return self.embedding

    @contextmanager
    def precomputed(self, texts: Sequence[str], vectors: np.ndarray) -> Iterator[Precomputed]:
        self.given[tuple(texts)] = given = Precomputed(vectors)
        yield given


class _EmbeddingIndex(_Index):
    """Records, per document, the vectors handed over from the workers (None: embedded here)."""

    def __init__(self, embedding: object) -> None:
        super().__init__()
        self.embedder = _Embedder(embedding)
        self.vectors: dict[str, np.ndarray | None] = {}

    def add(self, document: Document, chunks: Sequence[Chunk]) -> None:
        super().add(document, chunks)
        texts = tuple(search_text(c) for c in chunks)  # what the real Index embeds
        given = self.embedder.given.pop(texts, None)
        if given is not None:
            given.used += 1
        self.vectors[document.doc_id] = None if given is None else given.vectors


def test_workers_embed_each_chunk_and_the_index_gets_the_vectors_in_order(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.ingest.pipeline as pipeline_module

    monkeypatch.setattr(pipeline_module, "EMBED_SLICE", 2)  # several slices per paper, back in any order
    index = _EmbeddingIndex(_Lengths())
    results = _by_source(IngestPipeline(Settings(home=tmp_path / "home", ingest_workers=2), index).ingest([folder]))
    assert results["truncated.pdf"].reason == "corrupt or truncated PDF"  # broken files still reported
    indexed = {r.doc_id for r in results.values() if r.status == "indexed"}
    assert indexed == {"foi-2015-leicester-city-looked-after-children", FOI_PDF.stem, "note"}
    for doc_id in indexed:
        texts = [search_text(c) for c in index.chunks[doc_id]]
        vectors = index.vectors[doc_id]
        assert vectors is not None, doc_id
        assert np.array_equal(vectors, _Lengths().encode(texts))
    assert len(index.chunks[FOI_PDF.stem]) > 2  # the slicing was exercised


def test_when_a_worker_cannot_embed_the_index_embeds(
    tmp_path: Path, folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    index = _EmbeddingIndex(_Broken())
    results = IngestPipeline(Settings(home=tmp_path / "home", ingest_workers=2), index).ingest(
        [folder / FOI_DOCX.name, folder / FOI_PDF.name, folder / "note.txt"]
    )
    assert [r.status for r in results] == ["indexed", "indexed", "indexed"]
    assert set(index.vectors.values()) == {None}  # the index embedded every paper itself
    warnings = [r.getMessage() for r in caplog.records if "embedding in the ingest workers failed" in r.getMessage()]
    assert len(warnings) == 1 and "worker out of memory" in warnings[0]


def test_real_index_embedded_in_workers_is_crash_safe_and_idempotent(
    tmp_path: Path,
    folder: Path,
    embedder: Embedder,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from assistant.retrieval.index import Index
    from assistant.retrieval.vector_store import VectorStore

    settings = Settings(home=tmp_path / "home", ingest_workers=2)
    settings.ensure_home()
    index = Index(settings, embedder=embedder)
    pipeline = IngestPipeline(settings, index)
    assert embedder.backend_name == "onnx-int8"  # what `auto` picks: an ONNX backend, so workers embed
    here: list[int] = []  # sizes of the batches embedded in this process
    backend = type(embedder.backend)
    encode = backend.encode
    monkeypatch.setattr(
        backend, "encode", lambda self, texts, size: here.append(len(texts)) or encode(self, texts, size)
    )
    upsert = VectorStore.upsert

    def killed_for_the_pdf(self: VectorStore, nodes: Sequence, vectors: np.ndarray) -> None:
        if nodes and nodes[0].metadata["doc_id"] == FOI_PDF.stem:
            raise RuntimeError("killed between SQLite and Chroma")
        upsert(self, nodes, vectors)

    paths = [folder / FOI_DOCX.name, folder / FOI_PDF.name, folder / "broken" / "encrypted.pdf"]
    with monkeypatch.context() as patched:
        patched.setattr(VectorStore, "upsert", killed_for_the_pdf)
        first = pipeline.ingest(paths)
    assert [r.status for r in first] == ["indexed", "failed", "failed"]
    assert first[1].reason == "could not be indexed (killed between SQLite and Chroma)"
    assert index.docstore.pending_doc_ids() == [FOI_PDF.stem]
    assert here == []  # every paper was embedded in the workers

    again = pipeline.ingest(paths)
    assert [r.status for r in again] == ["unchanged", "indexed", "failed"]
    assert index.docstore.pending_doc_ids() == [] and here == []
    assert not [r for r in caplog.records if "went unused" in r.getMessage()]  # the index took the workers' vectors
    chunks = index.docstore.chunks_for(FOI_PDF.stem)
    stored = index.vectors.collection.get(ids=[c.chunk_id for c in chunks], include=["embeddings"])
    assert sorted(stored["ids"]) == sorted(c.chunk_id for c in chunks)
    assert index.vectors.count() == sum(
        len(index.docstore.chunks_for(d)) for d in (FOI_PDF.stem, "foi-2015-leicester-city-looked-after-children")
    )
    by_id = dict(zip(stored["ids"], np.asarray(stored["embeddings"]), strict=True))
    from_workers = np.stack([by_id[c.chunk_id] for c in chunks])
    in_process = embedder.embed_documents([search_text(c) for c in chunks])
    assert np.min(np.sum(from_workers * in_process, axis=1)) >= 0.98  # int8 scales vary with the batch
    hits = index.search(
        "budget for looked after children 2013-14", filters=SearchFilters(), k=3, principal=LOCAL_OPERATOR
    )
    assert any("2013-14 - £26,462,900" in hit.text for hit in hits)
    assert [r.status for r in pipeline.ingest(paths[:2])] == ["unchanged", "unchanged"]
