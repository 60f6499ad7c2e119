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
