"""Peer retrievers the report compares ours with, built in-process on the same pages.

Every peer reads the page texts our ingest stored (so parsing is identical and only
retrieval differs) and returns :class:`Passage` objects carrying the file name and
page, judged exactly like our hits:

- ``bm25``: plain BM25 (bm25s, English stop words, no stemming) over word windows of
  each page; no synonyms, no context prefixes.
- ``dense``: the same word windows embedded with our embedder, ranked by cosine.
- ``llamaindex``: the LlamaIndex default pipeline: one ``Document`` per page with the
  metadata ``SimpleDirectoryReader`` would set (``file_name``, ``page_label``),
  ``SentenceSplitter(chunk_size=1024)``, our embedding model through its LlamaIndex
  adapter, an in-memory ``VectorStoreIndex`` and its retriever.

>>> peer = PlainBM25()
>>> peer.build([PageText("a.pdf", 1, "children in care on 31 March 2020 was 657")])
>>> peer.search("children in care", k=3)[0].page
1
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from assistant.retrieval.embeddings import Embedder

PEER_NAMES: tuple[str, ...] = ("bm25", "dense", "llamaindex")

# Plain windows: long enough to hold a table row with its heading, short enough for
# MiniLM's 256 word-piece limit (about 150 English words).
WINDOW_WORDS = 120
WINDOW_STRIDE = 90


@dataclass(frozen=True)
class PageText:
    source: str  # file name
    page: int | None
    text: str


@dataclass(frozen=True)
class Passage:
    """One ranked passage of any system, reduced to what the metrics need."""

    source: str
    page: int | None
    text: str
    score: float


class PeerRetriever(Protocol):
    name: str

    def build(self, pages: Sequence[PageText]) -> None: ...

    def search(self, query: str, k: int) -> list[Passage]: ...


def word_windows(pages: Sequence[PageText], size: int = WINDOW_WORDS, stride: int = WINDOW_STRIDE) -> list[PageText]:
    """Overlapping windows of ``size`` words that never cross a page boundary."""
    out: list[PageText] = []
    for page in pages:
        words = page.text.split()
        if not words:
            continue
        starts = range(0, max(1, len(words) - size + stride), stride)
        for start in starts:
            out.append(PageText(page.source, page.page, " ".join(words[start : start + size])))
    return out


class PlainBM25:
    """bm25s over plain word windows (Lucene BM25, k1=1.5, b=0.75)."""

    name = "bm25"

    def __init__(self) -> None:
        self._passages: list[PageText] = []
        self._retriever: Any = None

    def build(self, pages: Sequence[PageText]) -> None:
        import bm25s

        self._passages = word_windows(pages)
        tokens = bm25s.tokenize([p.text for p in self._passages], stopwords="en", show_progress=False)
        self._retriever = bm25s.BM25()
        self._retriever.index(tokens, show_progress=False)

    def search(self, query: str, k: int) -> list[Passage]:
        import bm25s

        if not self._passages:
            return []
        tokens = bm25s.tokenize([query], stopwords="en", return_ids=False, show_progress=False)
        k = min(k, len(self._passages))
        docs, scores = self._retriever.retrieve(tokens, k=k, show_progress=False)
        out = []
        for idx, score in zip(docs[0], scores[0], strict=True):
            if score <= 0:  # no query term in the passage: not a match
                continue
            p = self._passages[int(idx)]
            out.append(Passage(p.source, p.page, p.text, float(score)))
        return out

    @property
    def size(self) -> int:
        return len(self._passages)


class DenseOnly:
    """Our embedder over plain word windows; exact cosine (vectors are normalised)."""

    name = "dense"

    def __init__(self, embedder: "Embedder") -> None:
        self._embedder = embedder
        self._passages: list[PageText] = []
        self._matrix: np.ndarray = np.zeros((0, 1), dtype=np.float32)

    def build(self, pages: Sequence[PageText]) -> None:
        self._passages = word_windows(pages)
        self._matrix = self._embedder.embed_documents([p.text for p in self._passages])

    def search(self, query: str, k: int) -> list[Passage]:
        if not self._passages:
            return []
        scores = self._matrix @ self._embedder.embed_query(query)
        top = np.argsort(-scores)[:k]
        return [
            Passage(self._passages[i].source, self._passages[i].page, self._passages[i].text, float(scores[i]))
            for i in top
        ]

    @property
    def size(self) -> int:
        return len(self._passages)


class LlamaIndexDefault:
    """LlamaIndex's default RAG retrieval: SentenceSplitter(1024) + VectorStoreIndex + top-k."""

    name = "llamaindex"
    chunk_size = 1024

    def __init__(self, embedder: "Embedder") -> None:
        self._embedder = embedder
        self._index: Any = None
        self._nodes = 0

    def build(self, pages: Sequence[PageText]) -> None:
        from llama_index.core import Document, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter

        docs = [
            Document(text=p.text, metadata={"file_name": p.source, "page_label": str(p.page or 1)})
            for p in pages
            if p.text.strip()
        ]
        splitter = SentenceSplitter(chunk_size=self.chunk_size)
        nodes = splitter.get_nodes_from_documents(docs)
        self._nodes = len(nodes)
        self._index = VectorStoreIndex(nodes, embed_model=self._embedder.as_llama_index())

    def search(self, query: str, k: int) -> list[Passage]:
        if self._index is None:
            return []
        retriever = self._index.as_retriever(similarity_top_k=k)
        out = []
        for result in retriever.retrieve(query):
            meta = result.node.metadata
            label = str(meta.get("page_label", ""))
            out.append(
                Passage(
                    source=str(meta.get("file_name", "")),
                    page=int(label) if label.isdigit() else None,
                    text=result.node.get_content(),
                    score=float(result.score or 0.0),
                )
            )
        return out

    @property
    def size(self) -> int:
        return self._nodes


def make_peer(name: str, embedder: Callable[[], "Embedder"]) -> PeerRetriever:
    """The peer called ``name``; ``embedder`` is called only by peers that embed."""
    if name == "bm25":
        return PlainBM25()
    if name == "dense":
        return DenseOnly(embedder())
    if name == "llamaindex":
        return LlamaIndexDefault(embedder())
    raise ValueError(f"unknown peer {name!r}; use one of: {', '.join(PEER_NAMES)}")
