"""The index: document store + Chroma vectors + BM25, kept consistent.

>>> index = Index(settings)              # cheap; nothing loaded
>>> index.add(document, chunks)          # replaces any earlier version of the document
>>> index.finalize()                     # after a batch: rebuild and persist BM25
>>> index.search("LAC budget", filters=SearchFilters(), k=5, principal=ANONYMOUS)

Writing a document is crash-safe without a distributed transaction. The document
store (SQLite) is the source of truth and a document is searchable only once its row
says ``indexed``:

1. embed the chunks (slow, touches nothing);
2. one SQLite transaction: document row with status ``pending``, pages, chunks;
3. Chroma: delete every vector of the document, upsert the new ones;
4. status ``indexed``.

A crash after 2 leaves a ``pending`` row: ``content_hash()`` returns None, so the
next ingest redoes the document, and step 3 removes whatever a half-done attempt
left. Searches only return chunks of indexed documents that the document store
holds, so stale vectors or keyword rows never surface. The keyword index records the
document-store generation it was built from and is reloaded or rebuilt when that
moves on, including after another process ingested.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..config import Principal, Settings
from ..types import Chunk, Document, Hit, SearchFilters
from .document_store import DocumentStore
from .embeddings import Embedder, check_index_embeddings
from .fusion import Fusion, FusionMode
from .hybrid import Catalog, HybridSearch, Sources
from .keyword_index import KeywordIndex
from .nodes import chunk_to_node, search_text
from .vector_store import VectorStore

if TYPE_CHECKING:
    from .retriever import HybridRetriever


class Index:
    """Everything searchable, behind one object; safe to share between threads."""

    def __init__(self, settings: Settings, *, embedder: Embedder | None = None) -> None:
        """Nothing is opened or loaded here; pass ``embedder`` to share a loaded model."""
        self.settings = settings
        self.fusion = Fusion(
            FusionMode.from_str(settings.fusion),
            keyword_weight=settings.keyword_weight,
            dense_weight=settings.dense_weight,
        )
        self._docstore: DocumentStore | None = None
        self._embedder = embedder
        self.vectors = VectorStore(settings.chroma_dir)
        self.keyword = KeywordIndex(settings.keyword_dir)
        self._lock = threading.RLock()
        self._catalog: Catalog = {}
        self._catalog_generation = -1
        self._searcher: HybridSearch | None = None
        self._embeddings_checked = False

    @property
    def docstore(self) -> DocumentStore:
        if self._docstore is None:
            with self._lock:
                if self._docstore is None:
                    self._docstore = DocumentStore(self.settings.docstore_path)
        return self._docstore

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            with self._lock:
                if self._embedder is None:
                    self._embedder = Embedder(self.settings)
        return self._embedder

    def checked_embedder(self, *, writing: bool = False) -> Embedder:
        """The embedder, once it is known to match the one this index's vectors came from
        (ConfigError naming ASSISTANT_EMBED_BACKEND otherwise); see check_index_embeddings."""
        embedder = self.embedder
        if not self._embeddings_checked:
            with self._lock:
                if not self._embeddings_checked:
                    has_documents = self.docstore.count_documents() > 0
                    self._embeddings_checked = check_index_embeddings(
                        self.settings.home, embedder, has_documents=has_documents, writing=writing
                    )
        return embedder

    def warm_up(self) -> None:
        """Load the model, open Chroma and load (or rebuild) the keyword index."""
        self.embedder.warm_up()
        self.vectors.open()
        self.catalog()

    # --- writes -------------------------------------------------------------------------
    def add(self, document: Document, chunks: Sequence[Chunk]) -> None:
        """Index ``document`` with ``chunks``, replacing any earlier version (idempotent)."""
        ids = [c.chunk_id for c in chunks]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{document.source}: duplicate chunk ids")
        strays = {c.doc_id for c in chunks} - {document.doc_id}
        if strays:
            raise ValueError(f"{document.source}: chunks of other documents {sorted(strays)}")
        vectors = self.checked_embedder(writing=True).embed_documents([search_text(c) for c in chunks])
        nodes = [chunk_to_node(c, document.meta, document.source) for c in chunks]
        with self._lock:
            self.docstore.put_pending(document, chunks)
            self.vectors.delete_document(document.doc_id)
            self.vectors.upsert(nodes, vectors)
            self.docstore.mark_indexed(document.doc_id)

    def remove(self, doc_id: str) -> bool:
        """Remove a document everywhere; False when it was not indexed."""
        with self._lock:
            removed = self.docstore.delete(doc_id)
            self.vectors.delete_document(doc_id)
            return removed

    def finalize(self) -> None:
        """Rebuild the keyword index from the indexed chunks and persist it."""
        with self._lock:
            self._rebuild_keyword(self.docstore.generation())
            self.keyword.save()

    def _rebuild_keyword(self, generation: int) -> None:
        self.keyword.build(self.docstore.iter_chunks(), generation=generation)

    # --- reads ----------------------------------------------------------------------------
    def catalog(self) -> Catalog:
        """The searchable documents; brings the keyword index up to date first."""
        generation = self.docstore.generation()
        if generation == self._catalog_generation and self.keyword.generation == generation:
            return self._catalog
        with self._lock:
            generation = self.docstore.generation()
            stale = self.keyword.generation != generation
            if stale and not (self.keyword.load() and self.keyword.generation == generation):
                self._rebuild_keyword(generation)
            if self._catalog_generation != generation:
                self._catalog = self.docstore.indexed_documents()
                self._catalog_generation = generation
            return self._catalog

    def retriever(
        self, *, principal: Principal, filters: SearchFilters | None = None, similarity_top_k: int = 5
    ) -> HybridRetriever:
        """A LlamaIndex retriever over this index, for ``principal`` (imports LlamaIndex)."""
        from .retriever import HybridRetriever

        return HybridRetriever(
            self._sources(), self.fusion, principal=principal, filters=filters, similarity_top_k=similarity_top_k
        )

    def _sources(self) -> Sources:
        return Sources(self.docstore, self.keyword, self.vectors, self.checked_embedder(), self.catalog)

    def search(
        self,
        query: str,
        *,
        filters: SearchFilters,
        k: int,
        principal: Principal,
        offset: int = 0,
        sort: str = "relevance",
    ) -> list[Hit]:
        """The ``k`` best passages (after ``offset``) that ``principal`` may read."""
        if self._searcher is None:
            self._searcher = HybridSearch(self._sources(), self.fusion)
        return self._searcher.search(query, filters=filters, k=k, principal=principal, offset=offset, sort=sort)
