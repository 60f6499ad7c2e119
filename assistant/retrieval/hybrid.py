"""Hybrid retrieval: BM25 and dense candidates, fused, filtered, de-duplicated.

>>> searcher = HybridSearch(sources, fusion)
>>> searcher.search("LAC budget", filters=SearchFilters(doc_type="foi_response"), k=5, principal=ANONYMOUS)  # Hit
>>> retriever = HybridRetriever(sources, fusion, principal=ANONYMOUS, similarity_top_k=5)  # see .retriever
>>> retriever.retrieve("children in care on 31 March 2020")   # LlamaIndex: NodeWithScore

Steps: the documents the caller may read and the filters allow are worked out first,
from the document store; each side returns up to ``CANDIDATES`` chunks of those
documents only; the rankings are fused; near-duplicate passages are dropped (same
text in the same document, or more than 90% shared words: the better one stays);
``sort="date"`` reorders the relevant set newest first.

This module imports neither LlamaIndex nor Chroma: ``assistant search`` and
``assistant ask`` start without them (LlamaIndex alone costs ~2 s to import). The
LlamaIndex retriever over the same search lives in :mod:`.retriever`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ..config import Principal
from ..errors import BadRequest
from ..types import Chunk, DocumentMeta, Hit, SearchFilters
from .document_store import DocumentStore
from .fusion import Fusion
from .keyword_index import KeywordIndex
from .nodes import chunk_to_hit
from .synonyms import expand_query

if TYPE_CHECKING:
    from .embeddings import Embedder
    from .retriever import HybridRetriever
    from .vector_store import VectorStore

__all__ = ["CANDIDATES", "Catalog", "HybridRetriever", "HybridSearch", "Sources", "matches"]

CANDIDATES = 50  # taken from each side before fusing
NEAR_DUPLICATE = 0.9  # share of the smaller passage's words found in the other
RELEVANT_FRACTION = 0.35  # date sort: candidates scoring at least this share of the best
SORTS = ("relevance", "date")

Sort = Literal["relevance", "date"]
Catalog = Mapping[str, tuple[DocumentMeta, str]]  # doc_id -> (meta, source file name)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Sources:
    """What the retriever reads. ``catalog`` returns the searchable documents and
    brings the keyword index up to date with the document store first."""

    docstore: DocumentStore
    keyword: KeywordIndex
    vectors: VectorStore
    embedder: Embedder
    catalog: Callable[[], Catalog]


def matches(filters: SearchFilters, meta: DocumentMeta, doc_id: str) -> bool:
    """Whether a document passes ``filters`` (an undated one fails any date bound)."""
    if filters.doc_ids is not None and doc_id not in filters.doc_ids:
        return False
    if filters.doc_type and meta.doc_type != filters.doc_type:
        return False
    if filters.council and (meta.council or "").casefold() != filters.council.casefold():
        return False
    if filters.committee and (meta.committee or "").casefold() != filters.committee.casefold():
        return False
    if filters.since or filters.until:
        if meta.date is None:
            return False
        if filters.since and meta.date < filters.since:
            return False
        if filters.until and meta.date > filters.until:
            return False
    return True


class HybridSearch:
    """Ranks the chunks of the documents a principal may read; ``search`` returns Hits."""

    def __init__(self, sources: Sources, fusion: Fusion) -> None:
        self.sources = sources
        self.fusion = fusion

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
        """The ``k`` best passages after ``offset`` that ``principal`` may read."""
        ranked = self.rank(query, filters=filters, k=k, principal=principal, offset=offset, sort=sort)
        return [chunk_to_hit(chunk, meta, source, score) for chunk, meta, source, score in ranked]

    def rank(
        self,
        query: str,
        *,
        filters: SearchFilters,
        k: int,
        principal: Principal,
        offset: int = 0,
        sort: str = "relevance",
    ) -> list[tuple[Chunk, DocumentMeta, str, float]]:
        """``(chunk, its document's meta, source file name, score)``, best first."""
        if sort not in SORTS:
            raise BadRequest("sort", f"must be one of: {', '.join(SORTS)}")
        if offset < 0:
            raise BadRequest("offset", "must not be negative")
        catalog = self.sources.catalog()
        allowed = {
            doc_id
            for doc_id, (meta, _) in catalog.items()
            if principal.can_read(meta.access) and matches(filters, meta, doc_id)
        }
        if not allowed or not query.strip():
            return []
        restrict = None if len(allowed) == len(catalog) else allowed
        depth = max(CANDIDATES, 2 * (offset + k))
        keyword: list[tuple[str, float]] = []
        dense: list[tuple[str, float]] = []
        if self.fusion.mode.uses_keyword:
            keyword = self.sources.keyword.search(query, k=depth, doc_ids=restrict)
        if self.fusion.mode.uses_dense:
            vector = self.sources.embedder.embed_query(expand_query(query))
            dense = self.sources.vectors.query(vector, k=depth, doc_ids=sorted(restrict) if restrict else None)
        fused = self.fusion.fuse(keyword=keyword, dense=dense)
        chunks = self.sources.docstore.get_chunks([chunk_id for chunk_id, _ in fused])
        # Stale keyword rows or leftover vectors of pending documents never get through.
        ranked = [(chunks[c], s) for c, s in fused if c in chunks and chunks[c].doc_id in allowed]
        if sort == "date":
            ranked = _newest_first(_relevant(ranked), catalog)
        kept = _distinct(ranked, limit=offset + k)[offset:]
        return [(chunk, *catalog[chunk.doc_id], score) for chunk, score in kept]


def __getattr__(name: str) -> Any:
    """``HybridRetriever`` (a LlamaIndex ``BaseRetriever``) is imported on first use."""
    if name == "HybridRetriever":
        from .retriever import HybridRetriever

        return HybridRetriever
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _relevant(ranked: list[tuple[Chunk, float]]) -> list[tuple[Chunk, float]]:
    if not ranked:
        return ranked
    floor = ranked[0][1] * RELEVANT_FRACTION
    return [(chunk, score) for chunk, score in ranked if score >= floor]


def _newest_first(ranked: list[tuple[Chunk, float]], catalog: Catalog) -> list[tuple[Chunk, float]]:
    """Newest document first, undated last; relevance order within a document date."""

    def key(item: tuple[Chunk, float]) -> tuple[bool, int]:
        date = catalog[item[0].doc_id][0].date
        return (date is None, -date.toordinal() if date else 0)

    return sorted(ranked, key=key)


def _distinct(ranked: list[tuple[Chunk, float]], *, limit: int) -> list[tuple[Chunk, float]]:
    """The first ``limit`` passages that are not near-duplicates of an earlier one."""
    kept: list[tuple[Chunk, float]] = []
    seen_text: set[tuple[str, str]] = set()
    words: list[set[str]] = []
    for chunk, score in ranked:
        if len(kept) >= limit:
            break
        text_key = (chunk.doc_id, " ".join(chunk.text.split()).casefold())
        if text_key in seen_text:
            continue
        these = set(_WORD.findall(chunk.text.casefold()))
        if these and any(len(these & other) > NEAR_DUPLICATE * min(len(these), len(other)) for other in words):
            continue
        seen_text.add(text_key)
        words.append(these)
        kept.append((chunk, score))
    return kept
