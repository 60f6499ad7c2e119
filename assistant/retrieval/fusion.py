"""Fusing the keyword and dense rankings into one.

>>> fusion = Fusion(FusionMode.from_str("weighted"), keyword_weight=0.6, dense_weight=0.4)
>>> fusion.fuse(keyword=[("a", 12.1), ("b", 7.0)], dense=[("b", 0.61), ("c", 0.55)])
[('b', ...), ('a', ...), ('c', ...)]

``weighted`` (the default) min-max normalises each side's scores to [0, 1] over its
candidates and adds them with the configured weights; a candidate missing from one
side scores 0 there. On these papers BM25 is the stronger signal, so the defaults
lead with it. ``rrf`` is reciprocal rank fusion; ``bm25`` and ``dense`` use one side.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from ..errors import ConfigError

Ranking = Sequence[tuple[str, float]]  # (id, score), best first

RRF_K = 60


class FusionMode(Enum):
    WEIGHTED = "weighted"
    RRF = "rrf"
    BM25 = "bm25"
    DENSE = "dense"

    @classmethod
    def from_str(cls, value: str) -> FusionMode:
        try:
            return cls(value.strip().lower())
        except ValueError:
            valid = ", ".join(m.value for m in cls)
            raise ConfigError("ASSISTANT_FUSION", f"unknown fusion mode {value!r}; valid modes: {valid}") from None

    @property
    def uses_keyword(self) -> bool:
        return self is not FusionMode.DENSE

    @property
    def uses_dense(self) -> bool:
        return self is not FusionMode.BM25


def _min_max(ranking: Ranking) -> dict[str, float]:
    if not ranking:
        return {}
    scores = [s for _, s in ranking]
    low, high = min(scores), max(scores)
    if high - low < 1e-9:
        return {key: 1.0 for key, _ in ranking}
    return {key: (s - low) / (high - low) for key, s in ranking}


class Fusion:
    """Combines a keyword and a dense ranking according to ``mode``."""

    def __init__(self, mode: FusionMode, *, keyword_weight: float, dense_weight: float) -> None:
        if keyword_weight < 0 or dense_weight < 0 or keyword_weight + dense_weight <= 0:
            raise ConfigError("ASSISTANT_KEYWORD_WEIGHT", "weights must be >= 0 and not both 0")
        self.mode = mode
        self.keyword_weight = keyword_weight
        self.dense_weight = dense_weight

    def fuse(self, *, keyword: Ranking, dense: Ranking) -> list[tuple[str, float]]:
        """One ranking of the union of candidates, best first (ties keep keyword order)."""
        fused: dict[str, float]
        if self.mode is FusionMode.BM25:
            fused = dict(keyword)
        elif self.mode is FusionMode.DENSE:
            fused = dict(dense)
        elif self.mode is FusionMode.RRF:
            fused = {}
            for ranking, weight in ((keyword, self.keyword_weight), (dense, self.dense_weight)):
                for rank, (key, _) in enumerate(ranking, start=1):
                    fused[key] = fused.get(key, 0.0) + weight / (RRF_K + rank)
        else:
            fused = {}
            for ranking, weight in ((keyword, self.keyword_weight), (dense, self.dense_weight)):
                for key, score in _min_max(ranking).items():
                    fused[key] = fused.get(key, 0.0) + weight * score
        return sorted(fused.items(), key=lambda item: item[1], reverse=True)
