"""Speed of the assistant on this machine, printed as a table.

    python -m bench.run [--corpus corpus] [--embed-n 256] [--backends torch,onnx-int8]
                        [--cli-runs 3] [--out .assistant/reports]

Measures, in a fresh temporary home:

- PDF/DOCX parsing (pages/s) with the project's readers;
- ingest of the corpus end to end (pages/s and chunks/s, model load included), and a
  second, idempotent ingest of the unchanged corpus;
- embedding throughput (chunks/s) for each embedding backend that is available;
- warm search and warm ask latency (p50/p95) in-process, each query asked once
  (repeats would hit the query-embedding cache);
- CLI cold start: wall time of ``assistant ask "..."`` as a new process (target ≤ 3 s).

Writes ``bench.json`` and ``bench.md`` under ``--out`` (default: the reports folder of
``ASSISTANT_HOME``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
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
    return {"files": len(files), "pages": pages, "seconds": seconds, "pages_per_s": pages / seconds, "per_file": per_file}


def bench_ingest(settings: Any, corpus: Path) -> tuple[Any, dict[str, Any]]:
    from assistant.service import Assistant

    service = Assistant(settings)
    started = time.perf_counter()
    results = service.ingest([corpus])
    seconds = time.perf_counter() - started
    failed = [f"{r.source}: {r.reason}" for r in results if r.status == "failed"]
    pages = sum(r.pages for r in results)
    chunks = sum(r.chunks for r in results)
    started = time.perf_counter()
    again = service.ingest([corpus])
    unchanged_s = time.perf_counter() - started
    return service, {
        "files": len(results),
        "failed": failed,
        "pages": pages,
        "chunks": chunks,
        "seconds": seconds,
        "pages_per_s": pages / seconds if seconds else None,
        "chunks_per_s": chunks / seconds if seconds else None,
        "reingest_unchanged_s": unchanged_s,
        "reingest_statuses": sorted({r.status for r in again}),
    }


def bench_embeddings(settings: Any, texts: list[str], backends: list[str]) -> dict[str, dict[str, Any]]:
    """chunks/s per backend on ``texts``; model load timed separately; unavailable ones say why."""
    from assistant.retrieval.embeddings import Embedder

    out: dict[str, dict[str, Any]] = {}
    for backend in backends:
        try:
            embedder = Embedder(settings.model_copy(update={"embed_backend": backend}))
            t0 = time.perf_counter()
            embedder.embed_documents(texts[:8])  # load and first run
            load_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            embedder.embed_documents(texts)
            seconds = time.perf_counter() - t0
        except Exception as exc:  # noqa: BLE001 - e.g. backend not available in this build
            out[backend] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
            continue
        out[backend] = {
            "resolved": getattr(embedder, "backend_name", backend),
            "chunks": len(texts),
            "load_s": load_s,
            "seconds": seconds,
            "chunks_per_s": len(texts) / seconds,
        }
    return out


def bench_warm(service: Any, queries: list[str], questions: list[str]) -> dict[str, Any]:
    service.warm_up()
    service.search("warm up the keyword index", k=5)
    try:
        service.ask("warm up the answer path")
    except Exception:  # noqa: BLE001 - measured below, errors reported there
        pass
    search_ms, search_errors = latencies_ms([lambda q=q: service.search(q, k=10) for q in queries])
    ask_ms, ask_errors = latencies_ms([lambda q=q: service.ask(q) for q in questions])
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
        proc = subprocess.run(base + args, env=env, capture_output=True, text=True, timeout=300)
        return time.perf_counter() - t0, proc

    help_s, _ = wall(["--help"])
    times: list[float] = []
    error = None
    for _ in range(runs):
        seconds, proc = wall(["ask", CLI_QUESTION])
        if proc.returncode != 0:
            error = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
            error = error[0][:300]
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


def render(results: dict[str, Any]) -> str:
    parse, ingest, warm, cli = results["parse"], results["ingest"], results["warm"], results["cli"]
    rows: list[list[Any]] = [
        ["PDF/DOCX parsing", f"{fmt(parse.get('pages_per_s'))} pages/s", f"{parse.get('pages')} pages, {fmt(parse.get('seconds'), 2)} s"],
        [
            "ingest end to end (fresh home)",
            f"{fmt(ingest.get('pages_per_s'))} pages/s",
            f"{ingest.get('pages')} pages, {ingest.get('chunks')} chunks in {fmt(ingest.get('seconds'))} s "
            f"({fmt(ingest.get('chunks_per_s'))} chunks/s, model load included)",
        ],
        ["re-ingest, unchanged", f"{fmt(ingest.get('reingest_unchanged_s'), 2)} s", ", ".join(ingest.get("reingest_statuses", []))],
    ]
    for backend, emb in results["embeddings"].items():
        if "error" in emb:
            rows.append([f"embeddings ({backend})", "n/a", emb["error"]])
        else:
            rows.append(
                [
                    f"embeddings ({backend} -> {emb['resolved']})",
                    f"{fmt(emb['chunks_per_s'])} chunks/s",
                    f"{emb['chunks']} chunks, load {fmt(emb['load_s'], 2)} s",
                ]
            )
    rows += [
        ["search, warm", f"p50 {fmt(warm.get('search_p50_ms'))} ms", f"p95 {fmt(warm.get('search_p95_ms'))} ms, n={warm.get('search_n')}"],
        ["ask, warm", f"p50 {fmt(warm.get('ask_p50_ms'))} ms", f"p95 {fmt(warm.get('ask_p95_ms'))} ms, n={warm.get('ask_n')}"],
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
    head = (
        f"# Benchmark ({results['generated_at']}, {results['cpus']} CPUs, Python {results['python']})\n\n"
    )
    settings = "\n".join(f"- {k}: {v}" for k, v in results["settings"].items())
    return head + table(["measure", "result", "detail"], rows) + "\n\n## Settings\n\n" + settings + "\n"


def main(argv: list[str] | None = None) -> int:
    offline()
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--embed-n", type=int, default=256, help="chunks embedded per backend")
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
    try:
        print("parsing ...", file=sys.stderr, flush=True)
        parse = bench_parse(args.corpus)
        print("ingesting into a fresh home ...", file=sys.stderr, flush=True)
        service, ingest = bench_ingest(settings, args.corpus)
        from assistant.retrieval.nodes import search_text

        chunks = list(service.index.docstore.iter_chunks())
        texts = [search_text(c) for c in chunks][: args.embed_n]
        print(f"embedding {len(texts)} chunks per backend ...", file=sys.stderr, flush=True)
        backends = [b.strip() for b in args.backends.split(",") if b.strip()]
        embeddings = bench_embeddings(settings, texts, backends)
        queries, questions = load_queries(args.queries)
        print(f"warm latency: {len(queries)} searches, {len(questions)} questions ...", file=sys.stderr, flush=True)
        warm = bench_warm(service, queries, questions)
        rss = peak_rss_mb()
        print(f"CLI cold start x{args.cli_runs} ...", file=sys.stderr, flush=True)
        cli = bench_cli(home, args.cli_runs)
        results = {
            "generated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "settings": settings.public_dump(),
            "parse": parse,
            "ingest": ingest,
            "embeddings": embeddings,
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
