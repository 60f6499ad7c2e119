"""BM25 (bm25s) over each chunk's context prefix and text.

The tokenizer suits council papers: it lowercases, drops English stopwords, applies a
Porter stemmer (PyStemmer), keeps numbers whole ("26,462,900" -> "26462900", "£1.2m" -> "1.2m"),
keeps financial years as one token as well as their first year ("2019/20" ->
"2019-20", "2019"), and adds a concept tag for each domain synonym
(:mod:`.synonyms`), so abbreviations and their spelled-out forms meet.

>>> index = KeywordIndex(settings.keyword_dir)
>>> index.build(chunks, generation=7); index.save()
>>> index.search("LAC budget 2015-16", k=50)      # [(chunk_id, bm25 score), ...]
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN
import Stemmer  # PyStemmer: Snowball's C Porter stemmer; nltk's costs 2 s of imports

from ..errors import IndexNotReady
from ..types import Chunk
from .nodes import search_text
from .synonyms import concept_tags

_MANIFEST = "chunks.json"
# bm25s's list plus the words of questions, which carry no topic.
_STOPWORDS = frozenset(STOPWORDS_EN) | {
    "s", "how", "many", "much", "what", "which", "who", "whom", "whose", "when", "where", "why",
    "was", "were", "been", "being", "do", "does", "did", "had", "has", "have", "can", "could",
    "would", "should", "may", "might", "i", "me", "my", "we", "our", "you", "your", "us", "please",
    "tell", "show", "give", "find", "about", "any", "all", "from", "than", "its", "also",
}  # fmt: skip
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2019": "'"})
_TOKEN = re.compile(
    r"(?P<year>(?:19|20)\d\d)\s*[-/]\s*(?P<to>(?:19|20)?\d\d)(?!\d)"  # 2019-20, 2019/2020
    r"|(?P<number>\d+(?:,\d{3})*(?:\.\d+)?)(?P<suffix>(?:m|k|bn|st|nd|rd|th)(?![a-z]))?"
    r"|(?P<word>[a-z][a-z0-9]*(?:'[a-z]+)?)"
)
_STEMMER = Stemmer.Stemmer("porter")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def tokenize(text: str) -> list[str]:
    """Keyword tokens of ``text``, concept tags included."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(text.lower().translate(_DASHES)):
        if match["year"]:
            to = match["to"][-2:]
            tokens += [f"{match['year']}-{to}", match["year"]]
        elif match["number"]:
            number = match["number"].replace(",", "")
            suffix = match["suffix"] or ""
            tokens.append(number + suffix if suffix in ("m", "k", "bn") else number)
        else:
            word = match["word"].removesuffix("'s")
            if word not in _STOPWORDS:
                tokens.append(_stem(word))
    tokens += concept_tags(text)
    return tokens


def query_tokens(query: str) -> list[str]:
    """Distinct tokens of a query, first occurrence first."""
    return list(dict.fromkeys(tokenize(query)))


@dataclass(frozen=True)
class _Snapshot:
    """One built index and the chunks its rows stand for; swapped in whole."""

    bm25: bm25s.BM25 | None
    chunk_ids: list[str]
    doc_ids: list[str]
    generation: int
    doc_numbers: dict[str, int] = field(init=False)
    doc_of: np.ndarray = field(init=False)  # row -> doc number

    def __post_init__(self) -> None:
        numbers = {d: n for n, d in enumerate(dict.fromkeys(self.doc_ids))}
        object.__setattr__(self, "doc_numbers", numbers)
        rows = np.fromiter((numbers[d] for d in self.doc_ids), dtype=np.int32, count=len(self.doc_ids))
        object.__setattr__(self, "doc_of", rows)


class KeywordIndex:
    """A bm25s index of chunks, persisted in ``path`` with the chunk ids it covers.

    Searches read one immutable snapshot, so a rebuild in another thread is safe.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._snapshot = _Snapshot(None, [], [], generation=-1)

    def __len__(self) -> int:
        return len(self._snapshot.chunk_ids)

    def chunk_ids(self, doc_id: str) -> list[str]:
        """The indexed chunk ids of ``doc_id``."""
        snap = self._snapshot
        return [c for c, d in zip(snap.chunk_ids, snap.doc_ids, strict=True) if d == doc_id]

    @property
    def generation(self) -> int:
        """The document-store generation the index was built from (-1: none)."""
        return self._snapshot.generation

    def build(self, chunks: Iterable[Chunk], *, generation: int) -> None:
        """Index ``chunks`` in memory, replacing what was there."""
        chunk_ids: list[str] = []
        doc_ids: list[str] = []
        corpus: list[list[str]] = []
        for chunk in chunks:
            chunk_ids.append(chunk.chunk_id)
            doc_ids.append(chunk.doc_id)
            corpus.append(tokenize(search_text(chunk)))
        bm25 = None
        if corpus:
            bm25 = bm25s.BM25(k1=0.9, b=0.75)
            bm25.index(corpus, show_progress=False)
        self._snapshot = _Snapshot(bm25, chunk_ids, doc_ids, generation)

    def save(self) -> None:
        """Persist atomically: write a sibling folder, then swap it in."""
        snap = self._snapshot
        self.path.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".bm25-", dir=self.path.parent))
        try:
            if snap.bm25 is not None:
                snap.bm25.save(str(staging), show_progress=False)
            manifest = {"generation": snap.generation, "chunk_ids": snap.chunk_ids, "doc_ids": snap.doc_ids}
            (staging / _MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
            old = self.path.with_name(self.path.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            if self.path.exists():
                self.path.rename(old)
            staging.rename(self.path)
            shutil.rmtree(old, ignore_errors=True)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise IndexNotReady(f"{self.path}: cannot save the keyword index: {exc}") from exc

    def load(self) -> bool:
        """Load the persisted index; False when there is none."""
        manifest_path = self.path / _MANIFEST
        if not manifest_path.exists():
            return False
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            bm25 = None
            if manifest["chunk_ids"]:
                bm25 = bm25s.BM25.load(str(self.path), show_progress=False, verbosity=0)
            snapshot = _Snapshot(bm25, manifest["chunk_ids"], manifest["doc_ids"], int(manifest["generation"]))
        except (OSError, ValueError, KeyError) as exc:
            raise IndexNotReady(f"{self.path}: cannot load the keyword index: {exc}") from exc
        self._snapshot = snapshot
        return True

    def search(self, query: str, *, k: int, doc_ids: Collection[str] | None = None) -> list[tuple[str, float]]:
        """Up to ``k`` chunks with a positive score, best first, as ``(chunk_id, score)``;
        only chunks of ``doc_ids`` when given."""
        snap = self._snapshot
        if snap.bm25 is None:
            return []
        token_ids = snap.bm25.get_tokens_ids(query_tokens(query))
        if not token_ids:
            return []
        mask = None
        if doc_ids is not None:
            allowed = [snap.doc_numbers[d] for d in doc_ids if d in snap.doc_numbers]
            mask = np.isin(snap.doc_of, allowed).astype(np.float32)
        scores = snap.bm25.get_scores_from_ids(token_ids, weight_mask=mask)
        k = min(k, int(np.count_nonzero(scores > 0)))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(snap.chunk_ids[i], float(scores[i])) for i in top]
