"""Retrieval quality on the corpus, over the project's search set (evals/search_set.jsonl).

A query scores when a hit comes from one of the papers and pages its row names.
Targets from the issue: evidence in the top 5 for at least 95% of queries and an
MRR@10 of at least 0.85 (stock LlamaIndex + MiniLM managed 63% in the top 5, plain
BM25 89%).
"""

import json
from pathlib import Path

from assistant.config import LOCAL_OPERATOR
from assistant.retrieval.index import Index
from assistant.types import SearchFilters

SEARCH_SET = Path(__file__).resolve().parents[2] / "evals" / "search_set.jsonl"


def _rank(index: Index, row: dict) -> int | None:
    targets = [(row["source"], set(row["pages"]))]
    targets += [(also["source"], set(also["pages"])) for also in row.get("also", [])]
    hits = index.search(row["query"], filters=SearchFilters(), k=10, principal=LOCAL_OPERATOR)
    for rank, hit in enumerate(hits, start=1):
        if any(hit.source == source and hit.page in pages for source, pages in targets):
            return rank
    return None


def test_evidence_ranks_high(index: Index) -> None:
    rows = [json.loads(line) for line in SEARCH_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    ranks = {row["query"]: _rank(index, row) for row in rows}
    in_top5 = sum(1 for r in ranks.values() if r is not None and r <= 5) / len(ranks)
    mrr = sum(1 / r for r in ranks.values() if r) / len(ranks)
    assert in_top5 >= 0.95, (in_top5, {q: r for q, r in ranks.items() if r is None or r > 5})
    assert mrr >= 0.85, (mrr, {q: r for q, r in ranks.items() if r != 1})
