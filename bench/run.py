"""Speed of the assistant on this machine, printed as a table.

    python -m bench.run [--corpus corpus] [--embed-n 256] [--embed-runs 3] [--backends torch,onnx-int8]
                        [--cli-runs 3] [--quality] [--out .assistant/reports]

Measures, in fresh temporary homes:

- PDF/DOCX parsing (pages/s) with the project's readers, one file after another;
- ingest of the corpus end to end (pages/s and chunks/s, model load included) twice:
  with an empty model cache (the one-off ONNX export included) and with a warm one (a
  fresh index, the export already made), then an idempotent re-ingest; CPU seconds of
  this process and of the ingest workers are printed too, since on a shared host wall
  time depends on the neighbours (the load average is printed with the figures);
- embedding throughput (chunks/s, best and median of ``--embed-runs``) for each
  embedding backend that is available, in this process, and for the ONNX backend in as
  many one-thread worker processes as ingest uses (how ingest embeds);
- with ``--quality``: retrieval quality on the dev set per backend (``bench.quality``),
  so a faster backend shows what it costs;
- warm search and warm ask latency (p50/p95) in-process, each query asked once
  (repeats would hit the query-embedding cache);
- CLI cold start: wall time of ``assistant ask "..."`` as a new process (target ≤ 3 s).

Writes ``bench.json`` and ``bench.md`` under ``--out`` (default: the reports folder of
``ASSISTANT_HOME``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

from . import CORPUS, OFFLINE_ENV, fmt, latencies_ms, load_queries, offline, peak_rss_mb, percentile, table, write_json

CLI_QUESTION = "How many children were in care in Leicestershire on 31 March 2020?"
CLI_TARGET_S = 3.0


def bench_parse(corpus: Path) -> dict[str, Any]:
    """Pages per second of the registered readers over the PDF and DOCX files."""
    from assistant.ingest.readers import read_file

    files = sorted(p for p in corpus.iterdir() if p.suffix.lower() in {".pdf", ".docx"})
    pages = 0
    started = time.perf_counter()
    per_file = {}
    for path in files:
        t0 = time.perf_counter()
        raw = read_file(path)
        per_file[path.name] = {"pages": len(raw.pages), "s": round(time.perf_counter() - t0, 3)}
        pages += len(raw.pages)
    seconds = time.perf_counter() - started
    return {
        "files": len(files),
        "pages": pages,
        "seconds": seconds,
        "pages_per_s": pages / seconds,
        "per_file": per_file,
    }


def cpu_seconds() -> tuple[float, float]:
    """(this process, its finished children) user + system CPU seconds so far."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def ingest_once(settings: Any, corpus: Path) -> tuple[Any, dict[str, Any]]:
    """Ingest ``corpus`` into ``settings.home`` with a new Assistant: wall and CPU figures."""
    from assistant.service import Assistant

    service = Assistant(settings)
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    results = service.ingest([corpus])
    seconds = time.perf_counter() - started
    cpu_after = cpu_seconds()
    pages = sum(r.pages for r in results)
    chunks = sum(r.chunks for r in results)
    return service, {
        "files": len(results),
        "failed": [f"{r.source}: {r.reason}" for r in results if r.status == "failed"],
        "pages": pages,
        "chunks": chunks,
        "seconds": seconds,
        "pages_per_s": pages / seconds if seconds else None,
        "chunks_per_s": chunks / seconds if seconds else None,
        "cpu_main_s": cpu_after[0] - cpu_before[0],
        "cpu_workers_s": cpu_after[1] - cpu_before[1],
        "backend": service.index.embedder.backend_name,
    }


def bench_ingest(settings: Any, corpus: Path) -> tuple[Any, dict[str, Any]]:
    """Cold (empty model cache: export included) and warm (fresh index, cache kept) ingests."""
    _, cold = ingest_once(settings, corpus)
    warm_home = Path(tempfile.mkdtemp(prefix="assistant-bench-warm-"))
    warm_settings = settings.model_copy(update={"home": warm_home})
    warm_settings.ensure_home()
    if (settings.cache_dir / "onnx").is_dir():
        shutil.copytree(settings.cache_dir / "onnx", warm_settings.cache_dir / "onnx")
    service, warm = ingest_once(warm_settings, corpus)
    started = time.perf_counter()
    again = service.ingest([corpus])
    return service, {
        "cold": cold,
        "warm": warm,
        "warm_home": str(warm_home),
        "reingest_unchanged_s": time.perf_counter() - started,
        "reingest_statuses": sorted({r.status for r in again}),
    }


def bench_embeddings(settings: Any, texts: list[str], backends: list[str], runs: int) -> dict[str, dict[str, Any]]:
    """chunks/s per backend on ``texts`` (best and median of ``runs``); model load timed
    separately; unavailable ones say why."""
    from assistant.retrieval.embeddings import Embedder

    out: dict[str, dict[str, Any]] = {}
    for backend in backends:
        try:
            embedder = Embedder(settings.model_copy(update={"embed_backend": backend}))
            t0 = time.perf_counter()
            embedder.embed_documents(texts[:8])  # load and first run
            load_s = time.perf_counter() - t0
            times = []
            for _ in range(max(1, runs)):
                t0 = time.perf_counter()
                embedder.embed_documents(texts)
                times.append(time.perf_counter() - t0)
        except Exception as exc:  # noqa: BLE001 - e.g. backend not available in this build
            out[backend] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
            continue
        out[backend] = {
            "resolved": getattr(embedder, "backend_name", backend),
            "chunks": len(texts),
            "load_s": load_s,
            "runs": len(times),
            "chunks_per_s": len(texts) / min(times),
            "median_chunks_per_s": len(texts) / statistics.median(times),
        }
    return out


def bench_worker_embeddings(settings: Any, texts: list[str], runs: int) -> dict[str, Any]:
    """chunks/s of the default backend spread over ``settings.ingest_workers`` one-thread
    processes in slices, as ingest embeds; the first round (model loads) is not counted."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from assistant.ingest.pipeline import EMBED_SLICE
    from assistant.retrieval.embeddings import Embedder

    workers = settings.ingest_workers
    spec = Embedder(settings).for_workers(threads=max(1, (os.cpu_count() or 1) // workers))
    if spec is None or workers < 2:
        return {"error": f"not used with this backend or {workers} ingest worker(s)"}
    slices = [texts[i : i + EMBED_SLICE] for i in range(0, len(texts), EMBED_SLICE)]
    times = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for _ in range(max(1, runs) + 1):
            t0 = time.perf_counter()
            list(pool.map(spec.encode, slices))
            times.append(time.perf_counter() - t0)
    times = times[1:]
    return {
        "backend": spec.backend,
        "workers": workers,
        "threads": spec.threads,
        "chunks": len(texts),
        "runs": len(times),
        "chunks_per_s": len(texts) / min(times),
        "median_chunks_per_s": len(texts) / statistics.median(times),
    }


def bench_warm(service: Any, queries: list[str], questions: list[str]) -> dict[str, Any]:
    service.warm_up()
    service.search("warm up the keyword index", k=5)
    with contextlib.suppress(Exception):  # measured below, errors reported there
        service.ask("warm up the answer path")
    search_ms, search_errors = latencies_ms([partial(service.search, q, k=10) for q in queries])
    ask_ms, ask_errors = latencies_ms([partial(service.ask, q) for q in questions])
    return {
        "search_n": len(search_ms),
        "search_p50_ms": percentile(search_ms, 50),
        "search_p95_ms": percentile(search_ms, 95),
        "search_errors": search_errors[:5],
        "ask_n": len(ask_ms),
        "ask_p50_ms": percentile(ask_ms, 50),
        "ask_p95_ms": percentile(ask_ms, 95),
        "ask_errors": ask_errors[:5],
    }


def cli_command() -> list[str]:
    script = Path(sys.executable).parent / "assistant"
    return [str(script)] if script.exists() else [sys.executable, "-m", "assistant.cli"]


def bench_cli(home: Path, runs: int) -> dict[str, Any]:
    """Wall time of ``assistant ask`` (new process each time) and of ``assistant --help``."""
    env = {**os.environ, **OFFLINE_ENV, "ASSISTANT_HOME": str(home)}
    base = cli_command()

    def wall(args: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
        t0 = time.perf_counter()
        proc = subprocess.run(base + args, check=False, env=env, capture_output=True, text=True, timeout=300)
        return time.perf_counter() - t0, proc

    help_s, _ = wall(["--help"])
    times: list[float] = []
    error: str | None = None
    for _ in range(runs):
        seconds, proc = wall(["ask", CLI_QUESTION])
        if proc.returncode != 0:
            lines = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
            error = lines[0][:300]
            break
        times.append(seconds)
    return {
        "command": " ".join(Path(base[0]).name if i == 0 else a for i, a in enumerate(base)) + " ask ...",
        "help_s": help_s,
        "ask_runs": len(times),
        "ask_median_s": statistics.median(times) if times else None,
        "ask_min_s": min(times) if times else None,
        "error": error,
    }


INGEST_TARGET = 10.0  # pages/s end to end (issue 6)
EMBED_TARGET = 40.0  # chunks/s


def _ingest_row(label: str, run: dict[str, Any]) -> list[Any]:
    return [
        label,
        f"{fmt(run.get('pages_per_s'))} pages/s",
        f"{run.get('pages')} pages, {run.get('chunks')} chunks in {fmt(run.get('seconds'))} s "
        f"({fmt(run.get('chunks_per_s'))} chunks/s; CPU {fmt(run.get('cpu_main_s'))} s here + "
        f"{fmt(run.get('cpu_workers_s'))} s in workers; {run.get('backend')}; target >= {INGEST_TARGET:.0f} pages/s)"
        + (f"; failed: {run['failed']}" if run.get("failed") else ""),
    ]


def _embedding_row(label: str, emb: dict[str, Any], detail: str) -> list[Any]:
    if "error" in emb:
        return [label, "n/a", emb["error"]]
    return [
        label,
        f"{fmt(emb['chunks_per_s'])} chunks/s",
        (
            f"best of {emb['runs']} (median {fmt(emb['median_chunks_per_s'])}); {emb['chunks']} chunks{detail}; "
            f"target >= {EMBED_TARGET:.0f}"
        ),
    ]


def render(results: dict[str, Any]) -> str:
    parse, ingest, warm, cli = results["parse"], results["ingest"], results["warm"], results["cli"]
    rows: list[list[Any]] = [
        [
            "PDF/DOCX parsing, serial",
            f"{fmt(parse.get('pages_per_s'))} pages/s",
            f"{parse.get('pages')} pages, {fmt(parse.get('seconds'), 2)} s",
        ],
        _ingest_row("ingest, fresh home, empty model cache (export included)", ingest["cold"]),
        _ingest_row("ingest, fresh home, warm model cache", ingest["warm"]),
        [
            "re-ingest, unchanged",
            f"{fmt(ingest.get('reingest_unchanged_s'), 2)} s",
            ", ".join(ingest.get("reingest_statuses", [])),
        ],
    ]
    for backend, emb in results["embeddings"].items():
        label = f"embeddings ({backend} -> {emb.get('resolved', backend)}), this process"
        rows.append(_embedding_row(label, emb, f", load {fmt(emb.get('load_s'), 2)} s"))
    workers = results.get("worker_embeddings") or {}
    if workers:
        label = f"embeddings ({workers.get('backend', 'onnx')}) in ingest workers"
        detail = f", {workers.get('workers')} processes x {workers.get('threads')} thread"
        rows.append(_embedding_row(label, workers, detail))
    rows += [
        [
            "search, warm",
            f"p50 {fmt(warm.get('search_p50_ms'))} ms",
            f"p95 {fmt(warm.get('search_p95_ms'))} ms, n={warm.get('search_n')}",
        ],
        [
            "ask, warm",
            f"p50 {fmt(warm.get('ask_p50_ms'))} ms",
            f"p95 {fmt(warm.get('ask_p95_ms'))} ms, n={warm.get('ask_n')}",
        ],
        [
            "CLI cold start: assistant ask",
            f"{fmt(cli.get('ask_median_s'), 2)} s median",
            f"min {fmt(cli.get('ask_min_s'), 2)} s over {cli.get('ask_runs')} runs; target <= {CLI_TARGET_S:.0f} s"
            + (f"; error: {cli['error']}" if cli.get("error") else ""),
        ],
        ["CLI: assistant --help", f"{fmt(cli.get('help_s'), 2)} s", ""],
        ["peak RSS of the bench process", f"{fmt(results['peak_rss_mb'])} MB", "ru_maxrss"],
    ]
    for key in ("search_errors", "ask_errors"):
        for err in warm.get(key) or []:
            rows.append([key.replace("_", " "), "error", err])
    load = results.get("load_average") or {}
    head = (
        f"# Benchmark ({results['generated_at']}, {results['cpus']} CPUs, Python {results['python']}; "
        f"load average {load.get('start', '?')} at the start, {load.get('end', '?')} at the end)\n\n"
    )
    quality = f"\n\n{results['quality_md']}" if results.get("quality_md") else ""
    settings = "\n".join(f"- {k}: {v}" for k, v in results["settings"].items())
    return head + table(["measure", "result", "detail"], rows) + quality + "\n\n## Settings\n\n" + settings + "\n"


def _load_average() -> str:
    try:
        return " ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    offline()
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--embed-n", type=int, default=256, help="chunks embedded per backend")
    parser.add_argument("--embed-runs", type=int, default=3, help="timed embedding runs per backend (best is shown)")
    parser.add_argument("--quality", action="store_true", help="also retrieval quality per backend (bench.quality)")
    parser.add_argument("--backends", default="torch,onnx-int8", help="embedding backends to time")
    parser.add_argument("--cli-runs", type=int, default=3)
    parser.add_argument("--queries", type=int, default=None, help="at most this many search queries / questions")
    parser.add_argument("--out", type=Path, default=None, help="folder for bench.json and bench.md")
    parser.add_argument("--keep-home", action="store_true", help="keep the temporary home for inspection")
    args = parser.parse_args(argv)

    from assistant.config import Settings

    home = Path(tempfile.mkdtemp(prefix="assistant-bench-"))
    settings = Settings(home=home, corpus_dir=args.corpus)
    out_dir = args.out or Settings().reports_dir
    ingest: dict[str, Any] = {}
    load_start = _load_average()
    try:
        print("parsing ...", file=sys.stderr, flush=True)
        parse = bench_parse(args.corpus)
        print("ingesting into fresh homes: empty model cache, then warm ...", file=sys.stderr, flush=True)
        service, ingest = bench_ingest(settings, args.corpus)
        from assistant.retrieval.nodes import search_text

        chunks = list(service.index.docstore.iter_chunks())
        texts = [search_text(c) for c in chunks][: args.embed_n]
        print(f"embedding {len(texts)} chunks per backend ...", file=sys.stderr, flush=True)
        backends = [b.strip() for b in args.backends.split(",") if b.strip()]
        embeddings = bench_embeddings(settings, texts, backends, args.embed_runs)
        print("embedding in ingest worker processes ...", file=sys.stderr, flush=True)
        try:
            worker_embeddings = bench_worker_embeddings(settings, texts, args.embed_runs)
        except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
            worker_embeddings = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        queries, questions = load_queries(args.queries)
        print(f"warm latency: {len(queries)} searches, {len(questions)} questions ...", file=sys.stderr, flush=True)
        warm = bench_warm(service, queries, questions)
        rss = peak_rss_mb()
        print(f"CLI cold start x{args.cli_runs} ...", file=sys.stderr, flush=True)
        cli = bench_cli(home, args.cli_runs)
        quality_md = None
        if args.quality:
            from .quality import compare
            from .quality import render as render_quality

            quality = compare(backends, args.corpus, "dev")
            quality_md = render_quality(quality, "dev")
        results = {
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "settings": settings.public_dump(),
            "parse": parse,
            "ingest": ingest,
            "embeddings": embeddings,
            "worker_embeddings": worker_embeddings,
            "quality_md": quality_md,
            "load_average": {"start": load_start, "end": _load_average()},
            "warm": warm,
            "cli": cli,
            "peak_rss_mb": rss,
        }
        text = render(results)
        print(text)
        write_json(out_dir / "bench.json", results)
        (out_dir / "bench.md").write_text(text, encoding="utf8")
        print(f"wrote {out_dir / 'bench.json'} and bench.md", file=sys.stderr)
    finally:
        if not args.keep_home:
            shutil.rmtree(home, ignore_errors=True)
            if ingest.get("warm_home"):
                shutil.rmtree(ingest["warm_home"], ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
