"""The :class:`~.embeddings.Embedder` as a LlamaIndex ``BaseEmbedding`` (same loaded model).

>>> embed_model = embedder.as_llama_index()
>>> VectorStoreIndex(nodes, embed_model=embed_model)

Kept apart from :mod:`.embeddings` so that embedding a query never imports LlamaIndex
(about 2 s of a cold start).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

if TYPE_CHECKING:
    from .embeddings import Embedder


class LlamaIndexEmbedding(BaseEmbedding):
    """The :class:`Embedder` as a LlamaIndex ``BaseEmbedding`` (same loaded model)."""

    _embedder: Embedder = PrivateAttr()

    def __init__(self, embedder: Embedder, **kwargs: Any) -> None:
        super().__init__(model_name=embedder.model_path, embed_batch_size=embedder.batch_size, **kwargs)
        self._embedder = embedder

    @classmethod
    def class_name(cls) -> str:
        return "AssistantEmbedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        vector: list[float] = self._embedder.embed_query(query).tolist()
        return vector

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = self._embedder.embed_documents(texts).tolist()
        return vectors
