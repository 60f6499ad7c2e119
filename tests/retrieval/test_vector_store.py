from pathlib import Path

import numpy as np
import pytest

from assistant.errors import IndexNotReady
from assistant.retrieval.embeddings import Embedder
from assistant.retrieval.nodes import chunk_to_node, node_to_hit
from assistant.retrieval.vector_store import VectorStore
from assistant.types import Chunk, DocumentMeta

META = DocumentMeta(title="FOI", doc_type="foi_response")


def nodes(doc_id: str, texts: list[str]):
    return [
        chunk_to_node(
            Chunk(chunk_id=f"{doc_id}:p1:{n}", doc_id=doc_id, page=1, start=n, end=n + len(t), text=t), META, "f.pdf"
        )
        for n, t in enumerate(texts)
    ]


def test_upsert_query_delete(tmp_path: Path, embedder: Embedder) -> None:
    store = VectorStore(tmp_path / "chroma")
    texts = ["children in care budget", "software used for records"]
    vectors = embedder.embed_documents(texts)
    store.upsert(nodes("a", texts), vectors)
    store.upsert(nodes("b", texts[:1]), vectors[:1])
    store.upsert(nodes("a", texts), vectors)  # upsert: no duplicates
    assert store.count() == 3 and sorted(store.chunk_ids("a")) == ["a:p1:0", "a:p1:1"]

    query = embedder.embed_query("budget for looked after children")
    results = store.query(query, k=10)
    assert {r[0] for r in results} == {"a:p1:0", "a:p1:1", "b:p1:0"}
    assert results[0][1] == pytest.approx(float(query @ vectors[0]), abs=1e-4)  # cosine similarity
    assert [r[0] for r in store.query(query, k=10, doc_ids=["b"])] == ["b:p1:0"]
    assert store.query(query, k=10, doc_ids=[]) == []

    store.delete_document("a")
    assert store.count() == 1 and store.chunk_ids("a") == []
    store.delete_document("never-added")


def test_persists_without_an_embedding_function(tmp_path: Path, embedder: Embedder) -> None:
    store = VectorStore(tmp_path / "chroma")
    store.upsert(nodes("a", ["x"]), embedder.embed_documents(["x"]))
    reopened = VectorStore(tmp_path / "chroma")
    assert reopened.count() == 1
    assert reopened.store.client.configuration_json["hnsw"]["space"] == "cosine"
    assert reopened.store.client._embedding_function is None  # never Chroma's downloading default


def test_llama_index_can_read_nodes_back(tmp_path: Path, embedder: Embedder) -> None:
    from llama_index.core.vector_stores.types import VectorStoreQuery

    store = VectorStore(tmp_path / "chroma")
    [node] = nodes("a", ["children in care"])
    store.upsert([node], embedder.embed_documents(["children in care"]))
    result = store.store.query(
        VectorStoreQuery(query_embedding=embedder.embed_query("care").tolist(), similarity_top_k=1)
    )
    hit = node_to_hit(result.nodes[0], 1.0)
    assert hit.chunk_id == "a:p1:0" and hit.text == "children in care" and hit.title == "FOI" and hit.page == 1


def test_chroma_errors_become_ours(tmp_path: Path, embedder: Embedder) -> None:
    store = VectorStore(tmp_path / "chroma")
    store.upsert(nodes("a", ["x"]), embedder.embed_documents(["x"]))
    with pytest.raises(IndexNotReady, match="vector store") as raised:
        store.query(np.zeros(7, dtype=np.float32), k=3)  # wrong dimension
    assert raised.value.__cause__ is not None


def test_the_engine_reader_answers_as_the_client_does(tmp_path: Path, embedder: Embedder) -> None:
    from assistant.retrieval.vector_store import _EngineReader

    store = VectorStore(tmp_path / "chroma")
    texts = ["children in care budget", "software used for records", "virtual school head"]
    store.upsert(nodes("a", texts), embedder.embed_documents(texts))
    store.upsert(nodes("b", texts[:2]), embedder.embed_documents(texts[:2]))
    reader = _EngineReader(tmp_path / "chroma")  # what a process that only reads uses
    query = embedder.embed_query("budget for looked after children")
    for where in (None, {"document_id": {"$in": ["b"]}}):
        ids, distances = reader.query(query, 10, where)
        expected = store.collection.query(query_embeddings=[query], n_results=10, where=where, include=["distances"])
        assert ids == expected["ids"][0]
        assert distances == pytest.approx(expected["distances"][0], abs=1e-6)


def test_a_reading_process_queries_the_engine_until_it_opens_the_client(tmp_path: Path, embedder: Embedder) -> None:
    from assistant.retrieval import vector_store

    VectorStore(tmp_path / "chroma").upsert(nodes("a", ["x"]), embedder.embed_documents(["x"]))
    vector_store._READERS.pop(str((tmp_path / "chroma").resolve()))  # as if in a new process
    reader = VectorStore(tmp_path / "chroma")
    assert [r[0] for r in reader.query(embedder.embed_query("x"), k=3)] == ["a:p1:0"]
    assert isinstance(vector_store._READERS[str((tmp_path / "chroma").resolve())], vector_store._EngineReader)
    reader.open()  # e.g. before a write: from now on this process queries through the client
    assert vector_store._READERS[str((tmp_path / "chroma").resolve())] is None
    assert [r[0] for r in VectorStore(tmp_path / "chroma").query(embedder.embed_query("x"), k=3)] == ["a:p1:0"]


def test_an_empty_folder_is_queried_through_the_client(tmp_path: Path, embedder: Embedder) -> None:
    assert VectorStore(tmp_path / "none-yet").query(embedder.embed_query("x"), k=3) == []
