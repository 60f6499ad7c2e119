"""Dense vectors of chunks in an embedded Chroma (cosine space), behind LlamaIndex's
``ChromaVectorStore``.

Embeddings are always computed by our :class:`~.embeddings.Embedder` and passed in;
the collection has no embedding function, so Chroma never fetches a model.

>>> store = VectorStore(settings.chroma_dir)
>>> store.delete_document("foi-2015"); store.upsert(nodes, vectors)
>>> store.query(vector, k=50, doc_ids=["foi-2015"])   # [(chunk_id, cosine), ...]
>>> VectorStoreIndex.from_vector_store(store.store, embed_model=embedder.as_llama_index())
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from llama_index.core.schema import TextNode
from llama_index.core.vector_stores.utils import node_to_metadata_dict
from llama_index.vector_stores.chroma import ChromaVectorStore

from ..errors import IndexNotReady

COLLECTION = "chunks"


@contextmanager
def _chroma_errors(action: str) -> Iterator[None]:
    """Turn Chroma's errors into ours, keeping the cause."""
    from chromadb.errors import ChromaError

    try:
        yield
    except (ChromaError, ValueError, RuntimeError, OSError) as exc:
        raise IndexNotReady(f"vector store: cannot {action}: {exc}") from exc


class VectorStore:
    """One Chroma collection of chunk vectors; opened lazily, thread-safe."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._store: ChromaVectorStore | None = None
        self._lock = threading.Lock()

    def open(self) -> None:
        """Open (or create) the persistent collection."""
        if self._store is not None:
            return
        with self._lock:
            if self._store is not None:
                return
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            self.path.mkdir(parents=True, exist_ok=True)
            with _chroma_errors(f"open {self.path}"):
                client = chromadb.PersistentClient(
                    path=str(self.path), settings=ChromaSettings(anonymized_telemetry=False)
                )
                collection = client.get_or_create_collection(
                    COLLECTION, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
                )
            self._store = ChromaVectorStore(chroma_collection=collection)

    @property
    def store(self) -> ChromaVectorStore:
        """The LlamaIndex vector store over the collection."""
        self.open()
        assert self._store is not None
        return self._store

    def count(self) -> int:
        with _chroma_errors("count vectors"):
            return int(self.store.client.count())

    def chunk_ids(self, doc_id: str) -> list[str]:
        """Ids of the vectors stored for ``doc_id``."""
        with _chroma_errors(f"list vectors of {doc_id!r}"):
            return list(self.store.client.get(where={"document_id": doc_id}, include=[])["ids"])

    def delete_document(self, doc_id: str) -> None:
        """Delete every vector of ``doc_id`` (a no-op when there is none)."""
        with _chroma_errors(f"delete vectors of {doc_id!r}"):
            self.store.delete(ref_doc_id=doc_id)

    def upsert(self, nodes: Sequence[TextNode], vectors: np.ndarray) -> None:
        """Insert or overwrite ``nodes`` (ids = chunk ids) with their ``vectors``."""
        if not nodes:
            return
        if len(nodes) != len(vectors):
            raise ValueError(f"{len(nodes)} nodes but {len(vectors)} vectors")
        metadatas = []
        for node in nodes:
            metadata = node_to_metadata_dict(node, remove_text=True, flat_metadata=True)
            metadatas.append({k: ("" if v is None else v) for k, v in metadata.items()})
        with _chroma_errors("store vectors"):
            self.store.client.upsert(
                ids=[n.node_id for n in nodes],
                embeddings=vectors.astype(np.float32),
                metadatas=metadatas,
                documents=[n.get_content() for n in nodes],
            )

    def query(self, vector: np.ndarray, *, k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """The ``k`` nearest chunks as ``(chunk_id, cosine similarity)``, best first,
        optionally only among the chunks of ``doc_ids``.

        Asks the collection for ids and distances only: the passages themselves come
        from the document store, and decoding LlamaIndex's node JSON for 50 results
        would cost more than the nearest-neighbour search.
        """
        if doc_ids is not None and not doc_ids:
            return []
        where = {"document_id": {"$in": list(doc_ids)}} if doc_ids is not None else None
        with _chroma_errors("query vectors"):
            result = self.store.client.query(
                query_embeddings=[vector.astype(np.float32)], n_results=k, where=where, include=["distances"]
            )
        distances = result["distances"] or [[]]
        return [(chunk_id, 1.0 - float(d)) for chunk_id, d in zip(result["ids"][0], distances[0], strict=True)]
