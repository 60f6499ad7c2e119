"""The hybrid search as a LlamaIndex retriever, for LlamaIndex query engines and peers.

>>> retriever = index.retriever(principal=ANONYMOUS, similarity_top_k=5)
>>> retriever.retrieve("children in care on 31 March 2020")   # [NodeWithScore, ...]

Same ranking as :class:`.hybrid.HybridSearch` (which it wraps); each result is the
chunk as a ``TextNode`` (:func:`.nodes.chunk_to_node`). Importing this module imports
LlamaIndex, so nothing on the ``search``/``ask`` path does.
"""

from __future__ import annotations

from typing import Any

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle

from ..config import LOCAL_OPERATOR, Principal
from ..types import Hit, SearchFilters
from .fusion import Fusion
from .hybrid import HybridSearch, Sources
from .nodes import chunk_to_node


class HybridRetriever(BaseRetriever):
    """A LlamaIndex retriever over our stores, and a typed ``search`` returning Hits."""

    def __init__(
        self,
        sources: Sources,
        fusion: Fusion,
        *,
        principal: Principal = LOCAL_OPERATOR,
        filters: SearchFilters | None = None,
        similarity_top_k: int = 5,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.searcher = HybridSearch(sources, fusion)
        self.sources = sources
        self.fusion = fusion
        self.principal = principal
        self.filters = filters or SearchFilters()
        self.similarity_top_k = similarity_top_k

    # --- LlamaIndex retriever protocol ----------------------------------------------
    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return self.rank(
            query_bundle.query_str, filters=self.filters, k=self.similarity_top_k, principal=self.principal
        )

    # --- typed API --------------------------------------------------------------------
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
        return self.searcher.search(query, filters=filters, k=k, principal=principal, offset=offset, sort=sort)

    def rank(
        self,
        query: str,
        *,
        filters: SearchFilters,
        k: int,
        principal: Principal,
        offset: int = 0,
        sort: str = "relevance",
    ) -> list[NodeWithScore]:
        ranked = self.searcher.rank(query, filters=filters, k=k, principal=principal, offset=offset, sort=sort)
        return [
            NodeWithScore(node=chunk_to_node(chunk, meta, source), score=score) for chunk, meta, source, score in ranked
        ]
