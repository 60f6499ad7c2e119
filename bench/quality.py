"""Retrieval quality per embedding backend: is int8 within a point of fp32?

    python -m bench.quality [--backends torch,onnx-int8] [--split dev] [--corpus corpus]

For each backend, ingests the corpus into a fresh temporary home (the ONNX export is
made once, in a cache shared by those homes) and runs the search set of
``evals/search_set.jsonl`` exactly as ``assistant eval`` scores it, through our hybrid
search and through the dense-only peer (the embedder alone over plain word windows,
where a change of backend shows undiluted by BM25). Prints recall@5, MRR@10 and
evidence in the top 5 per backend, and each backend's difference from the first (the
reference: torch fp32), in points. Not a test; ``bench.run --quality`` calls it too.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import CORPUS, fmt, offline, table

METRICS = ("recall@5", "mrr@10", "evidence@5")
SYSTEMS = ("ours", "dense")


def measure(settings: Any, split: str) -> dict[str, Any]:
    """Ingest ``settings.corpus_dir`` into ``settings.home``; retrieval metrics per system."""
    from assistant.service import Assistant
    from evals.run import SEARCH_SET, SearchItem, _load_items, _Run, summarise_retrieval

    service = Assistant(settings)
    run = _Run(settings, service, progress=False)  # the report's own ingest and scoring
    started = time.perf_counter()
    run.ingest()
    ingest_s = time.perf_counter() - started
    run.build_peers(["dense"])
    items = [item for item in _load_items(SEARCH_SET, SearchItem.from_json, run.errors) if split == "all" or item.split == split]
    results = run.run_search(items)
    out: dict[str, Any] = {
        "backend": service.index.embedder.backend_name,
        "ingest_s": ingest_s,
        "queries": len(items),
        "errors": [f"{e.stage} {e.id or ''}: {e.error}" for e in run.errors][:5],
    }
    for system in SYSTEMS:
        out[system] = summarise_retrieval([r for r in results if r.system == system], [])
    return out


def compare(backends: list[str], corpus: Path, split: str) -> dict[str, dict[str, Any]]:
    """``measure`` for each backend, in fresh homes sharing one model cache."""
    from assistant.config import Settings

    root = Path(tempfile.mkdtemp(prefix="assistant-quality-"))
    cache = root / "cache"
    cache.mkdir()
    out: dict[str, dict[str, Any]] = {}
    try:
        for backend in backends:
            home = root / backend
            home.mkdir()
            (home / "cache").symlink_to(cache, target_is_directory=True)
            settings = Settings.model_validate({"home": home, "corpus_dir": corpus, "embed_backend": backend})
            print(f"quality: {backend} ...", file=sys.stderr, flush=True)
            try:
                out[backend] = measure(settings, split)
            except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
                out[backend] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return out


def render(results: dict[str, dict[str, Any]], split: str) -> str:
    """One row per backend and system; deltas in points against the first backend."""
    reference = next(iter(results.values()), {})
    rows: list[list[str]] = []
    for backend, result in results.items():
        if "error" in result:
            rows.append([backend, "", "error", result["error"], "", ""])
            continue
        for system in SYSTEMS:
            cells = []
            for metric in METRICS:
                value = result[system][metric]
                base = reference.get(system, {}).get(metric) if "error" not in reference else None
                delta = "" if base is None or result is reference else f" ({100 * (value - base):+.1f})"
                cells.append(f"{fmt(100 * value)}{delta}")
            rows.append([f"{backend} -> {result['backend']}", system, *cells, f"{fmt(result['ingest_s'])} s"])
    n = next((r["queries"] for r in results.values() if "queries" in r), 0)
    head = f"## Retrieval quality by embedding backend ({split} split, {n} queries; points, delta vs the first)\n\n"
    return head + table(["backend", "system", *METRICS, "ingest"], rows)


def main(argv: list[str] | None = None) -> int:
    offline()
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="torch,onnx-int8", help="the first is the reference")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    print(render(compare(backends, args.corpus, args.split), args.split))
    return 0


if __name__ == "__main__":
    sys.exit(main())
