import datetime as dt
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.retrieval.document_store import DocumentStore
from assistant.types import Chunk, Document, DocumentMeta, Page


def document(doc_id: str = "foi", text: str = "Budget for LAC 2015-16 £26,021,400", **meta: object) -> Document:
    return Document(
        doc_id=doc_id,
        source=f"{doc_id}.pdf",
        path=f"/papers/{doc_id}.pdf",
        content_hash=f"hash-{text}",
        meta=DocumentMeta(title=f"Paper {doc_id}", doc_type="foi_response", date=dt.date(2015, 6, 1), **meta),
        pages=(Page(number=1, text=text), Page(number=2, text="Page two")),
    )


def chunks_of(doc: Document) -> list[Chunk]:
    return [
        Chunk(chunk_id=f"{doc.doc_id}:p{p.number}:0", doc_id=doc.doc_id, page=p.number, start=0,
              end=len(p.text), text=p.text, section="Budget", paragraph="4", kind="table", context="FOI")
        for p in doc.pages
    ]  # fmt: skip


@pytest.fixture()
def store(tmp_path: Path) -> DocumentStore:
    return DocumentStore(tmp_path / "docs.sqlite3")


def test_a_document_is_searchable_only_once_indexed(store: DocumentStore) -> None:
    doc = document()
    store.put_pending(doc, chunks_of(doc))
    assert store.content_hash("foi") is None
    assert store.pending_doc_ids() == ["foi"]
    assert store.count_documents() == 0 and list(store.iter_chunks()) == []
    store.mark_indexed("foi")
    assert store.content_hash("foi") == doc.content_hash
    assert store.pending_doc_ids() == [] and store.count_documents() == 1
    assert [c.chunk_id for c in store.iter_chunks()] == ["foi:p1:0", "foi:p2:0"]


def test_round_trips_documents_pages_and_chunks(store: DocumentStore) -> None:
    doc = document(council="Leicester City Council", access="hr")
    store.put_pending(doc, chunks_of(doc))
    store.mark_indexed("foi")
    assert store.get_document("foi") == doc
    assert store.get_page("foi", 2) == Page(number=2, text="Page two")
    assert store.get_page("foi", 3) is None and store.get_document("nope") is None
    assert store.chunks_for("foi") == chunks_of(doc)
    assert store.get_chunk("foi:p1:0") == chunks_of(doc)[0]
    assert list(store.get_chunks(["foi:p2:0", "missing"])) == ["foi:p2:0"]
    [row] = store.list_documents()
    assert row["pages"] == 2 and row["chunks"] == 2 and row["status"] == "indexed"
    assert row["access"] == "hr" and row["date"] == "2015-06-01" and row["source"] == "foi.pdf"
    assert {"doc_id", "title", "doc_type", "council", "committee", "period", "ingested_at"} <= set(row)


def test_replacing_a_document_leaves_no_old_pages_or_chunks(store: DocumentStore) -> None:
    old = document()
    store.put_pending(old, chunks_of(old))
    new = document(text="Revised budget").model_copy(update={"pages": (Page(number=1, text="Revised budget"),)})
    store.put_pending(new, chunks_of(new))
    assert [c.text for c in store.chunks_for("foi")] == ["Revised budget"]
    assert store.get_page("foi", 2) is None
    assert store.content_hash("foi") is None  # pending again until re-indexed


def test_delete_and_generation(store: DocumentStore) -> None:
    start = store.generation()
    doc = document()
    store.put_pending(doc, chunks_of(doc))
    assert store.generation() > start
    assert store.delete("foi") and not store.delete("foi")
    assert store.get_chunk("foi:p1:0") is None and store.get_page("foi", 1) is None


def test_a_failed_write_changes_nothing(store: DocumentStore) -> None:
    doc = document()
    store.put_pending(doc, chunks_of(doc))
    store.mark_indexed("foi")
    broken = chunks_of(doc) * 2  # duplicate chunk ids violate the primary key
    with pytest.raises(sqlite3.IntegrityError):
        store.put_pending(document(text="other"), broken)
    assert store.content_hash("foi") == doc.content_hash and len(store.chunks_for("foi")) == 2


def test_is_safe_to_share_between_threads(store: DocumentStore) -> None:
    def work(n: int) -> bool:
        doc = document(f"d{n}")
        store.put_pending(doc, chunks_of(doc))
        store.mark_indexed(doc.doc_id)
        return store.get_document(doc.doc_id) == doc

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(work, range(16)))  # .map re-raises any worker's error
    assert store.count_documents() == 16
