"""Sentence embeddings with the bundled all-MiniLM-L6-v2, loaded by path, on CPU.

>>> embedder = Embedder(settings)
>>> embedder.embed_documents(["children in care", "budget"]).shape
(2, 384)
>>> embedder.embed_query("How many children were in care?")  # cached, normalised

The model runs behind a small backend interface (:class:`EmbeddingBackend`) chosen by
``settings.embed_backend``, so a faster runtime can be added without touching callers.
:class:`LlamaIndexEmbedding` lets LlamaIndex components share the same loaded model.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from ..config import Settings
from ..errors import ConfigError, IndexNotReady

_QUERY_CACHE_SIZE = 256


class EmbeddingBackend(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text."""

    dimension: int

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray: ...


class TorchBackend:
    """sentence-transformers on torch, CPU, one intra-op thread.

    One thread, because on small shared CPU hosts (web server, ingest workers, other
    processes) OpenMP threads spin-waiting on each other cost far more than they
    gain: on 2 busy cores a query took 1.2 s with 2 threads and 0.07 s with 1.
    """

    def __init__(self, model_path: str) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(1)

        try:
            self._model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ConfigError("ASSISTANT_EMBED_MODEL", f"cannot load {model_path!r}: {exc}") from exc
        self.dimension = int(self._model.get_embedding_dimension() or 0)

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        vectors = self._model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


# Backend name -> factory(model_path). "auto" picks the best available entry.
BACKENDS: dict[str, Callable[[str], EmbeddingBackend]] = {"torch": TorchBackend}
_AUTO_ORDER = ("torch",)


def resolve_backend(name: str) -> str:
    """The registered backend ``name`` stands for; ConfigError when there is none."""
    if name == "auto":
        return next(b for b in _AUTO_ORDER if b in BACKENDS)
    if name not in BACKENDS:
        raise ConfigError(
            "ASSISTANT_EMBED_BACKEND", f"{name!r} is not available; use one of: auto, {', '.join(BACKENDS)}"
        )
    return name


class Embedder:
    """Lazily loaded embedding model with an LRU cache for query vectors."""

    def __init__(self, settings: Settings) -> None:
        if not settings.embed_model or not Path(settings.embed_model).exists():
            raise ConfigError("ASSISTANT_EMBED_MODEL", f"no model at {settings.embed_model!r}")
        self.model_path = settings.embed_model
        self.backend_name = resolve_backend(settings.embed_backend)
        self.batch_size = settings.embed_batch_size
        self._backend: EmbeddingBackend | None = None
        self._load_lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    @property
    def backend(self) -> EmbeddingBackend:
        if self._backend is None:
            with self._load_lock:
                if self._backend is None:
                    self._backend = BACKENDS[self.backend_name](self.model_path)
        return self._backend

    @property
    def dimension(self) -> int:
        return self.backend.dimension

    def warm_up(self) -> None:
        """Load the model and run it once."""
        self.embed_query("warm up")

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dimension)`` normalised vectors."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        try:
            return self.backend.encode(texts, self.batch_size)
        except RuntimeError as exc:
            raise IndexNotReady(f"embedding model failed: {exc}") from exc

    def embed_query(self, text: str) -> np.ndarray:
        """One normalised vector; repeated queries come from the cache."""
        with self._cache_lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        vector: np.ndarray = self.embed_documents([text])[0]
        vector.setflags(write=False)
        with self._cache_lock:
            self._cache[text] = vector
            if len(self._cache) > _QUERY_CACHE_SIZE:
                self._cache.popitem(last=False)
        return vector

    def as_llama_index(self) -> LlamaIndexEmbedding:
        return LlamaIndexEmbedding(self)


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
