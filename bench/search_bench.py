"""Warm search latency: p50 and p95 of ``Index.search`` over a fixed set of queries.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/search_bench.py [--home .assistant] [--rounds 5] [--ingest corpus]

Uses the index under ``--home`` (ingesting ``--ingest`` first when given). Each query
runs once to warm up, then ``--rounds`` times; the first timed round pays for the
query embedding, later rounds hit its cache, so both "cold query" and "repeated query"
figures are printed. Target: warm p50 <= 50 ms. Not a test: timings depend on the host.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

QUERIES = (
    "LAC budget",
    "CLA 31 March 2020",
    "How many children were in care in Leicestershire on 31 March 2020?",
    "Who heads the virtual school?",
    "residential placements spot purchase",
    "Ofsted ILACS judgement",
    "High Needs Block deficit",
    "MTFS savings 2020/21",
    "UASC numbers",
    "SDQ completion rate",
    "care leavers council tax",
    "EHCP virtual school cohort",
    "immunisation rates children in care",
    "personal education plan quality",
    "social care placements growth",
    "NEET young people post-16",
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path(".assistant"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--ingest", type=Path, default=None, help="ingest this folder first")
    args = parser.parse_args()

    from assistant.config import ANONYMOUS, Settings
    from assistant.service import Assistant
    from assistant.types import SearchFilters

    settings = Settings(home=args.home)
    assistant = Assistant(settings)
    if args.ingest:
        assistant.ingest([args.ingest])
    index = assistant.index
    if index.docstore.count_documents() == 0:
        raise SystemExit(f"nothing indexed under {args.home}; pass --ingest corpus")
    started = time.perf_counter()
    index.warm_up()
    warm_up_s = time.perf_counter() - started

    def timed(query: str) -> float:
        t0 = time.perf_counter()
        index.search(query, filters=SearchFilters(), k=args.k, principal=ANONYMOUS)
        return (time.perf_counter() - t0) * 1000

    first = [timed(q) for q in QUERIES]  # new query text: embeds the query
    repeated = [timed(q) for _ in range(args.rounds) for q in QUERIES]  # embedding cached
    report = {
        "documents": index.docstore.count_documents(),
        "chunks": len(index.keyword),
        "warm_up_s": round(warm_up_s, 2),
        "new_query_ms": {"p50": round(statistics.median(first), 1), "p95": round(percentile(first, 0.95), 1)},
        "repeated_query_ms": {
            "p50": round(statistics.median(repeated), 1),
            "p95": round(percentile(repeated, 0.95), 1),
        },
        "settings": {k: v for k, v in settings.public_dump().items() if k in
                     ("fusion", "keyword_weight", "dense_weight", "embed_backend", "top_k")},
    }  # fmt: skip
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
