"""How ingest, index size, memory and latency grow with the corpus.

    python -m bench.scale --factors 10 100 [--corpus corpus] [--out .assistant/reports] [--keep]

For each factor N it writes a generated corpus N times the size of ``corpus/``: every
paper's text replicated N times, each copy with another real English council, dates
moved by whole years and figures scaled (so no two copies are duplicates), as ``.txt``
files with form feeds between pages (the text reader keeps them as pages). Each size
then runs in a child process of its own, so the memory figure (peak RSS, ru_maxrss)
belongs to that size alone: fresh home, ingest, index size on disk, warm search and
ask latency. Prints a table and writes ``scale.json``, ``scale.md`` and ``scale.png``.

Targets at 100x: search p50 ≤ 100 ms, peak RSS ≤ 4 GB. 100x embeds ~50k chunks on
CPU: expect 20-40 minutes for that size alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import CORPUS, OFFLINE_ENV, dir_size_mb, fmt, latencies_ms, load_queries, offline, peak_rss_mb, percentile, table, write_json

SEARCH_TARGET_MS = 100.0
RAM_TARGET_MB = 4096.0

# Real English councils: (full name, place name used in the text).
COUNCILS: tuple[tuple[str, str], ...] = (
    ("Derbyshire County Council", "Derbyshire"),
    ("Nottinghamshire County Council", "Nottinghamshire"),
    ("Lincolnshire County Council", "Lincolnshire"),
    ("Staffordshire County Council", "Staffordshire"),
    ("Warwickshire County Council", "Warwickshire"),
    ("Worcestershire County Council", "Worcestershire"),
    ("Gloucestershire County Council", "Gloucestershire"),
    ("Oxfordshire County Council", "Oxfordshire"),
    ("Hertfordshire County Council", "Hertfordshire"),
    ("Essex County Council", "Essex"),
    ("Kent County Council", "Kent"),
    ("Surrey County Council", "Surrey"),
    ("Hampshire County Council", "Hampshire"),
    ("Devon County Council", "Devon"),
    ("Lancashire County Council", "Lancashire"),
    ("Norfolk County Council", "Norfolk"),
    ("Suffolk County Council", "Suffolk"),
    ("Cambridgeshire County Council", "Cambridgeshire"),
    ("East Sussex County Council", "East Sussex"),
    ("West Sussex County Council", "West Sussex"),
    ("Cumberland Council", "Cumberland"),
    ("North Yorkshire Council", "North Yorkshire"),
    ("Somerset Council", "Somerset"),
    ("Cornwall Council", "Cornwall"),
    ("Wiltshire Council", "Wiltshire"),
    ("Shropshire Council", "Shropshire"),
    ("Durham County Council", "Durham"),
    ("Northumberland County Council", "Northumberland"),
    ("Buckinghamshire Council", "Buckinghamshire"),
    ("West Northamptonshire Council", "West Northamptonshire"),
    ("North Northamptonshire Council", "North Northamptonshire"),
    ("Rutland County Council", "Rutland"),
    ("Nottingham City Council", "Nottingham"),
    ("Derby City Council", "Derby"),
    ("Birmingham City Council", "Birmingham"),
    ("Coventry City Council", "Coventry"),
    ("Manchester City Council", "Manchester"),
    ("Liverpool City Council", "Liverpool"),
    ("Leeds City Council", "Leeds"),
    ("Sheffield City Council", "Sheffield"),
    ("Bristol City Council", "Bristol"),
    ("Bradford Metropolitan District Council", "Bradford"),
    ("Newcastle City Council", "Newcastle"),
    ("Sunderland City Council", "Sunderland"),
    ("Wolverhampton City Council", "Wolverhampton"),
    ("Stoke-on-Trent City Council", "Stoke-on-Trent"),
    ("Plymouth City Council", "Plymouth"),
    ("Southampton City Council", "Southampton"),
    ("Portsmouth City Council", "Portsmouth"),
    ("Peterborough City Council", "Peterborough"),
    ("York City Council", "York"),
    ("Hull City Council", "Hull"),
    ("Brighton and Hove City Council", "Brighton and Hove"),
    ("Milton Keynes City Council", "Milton Keynes"),
    ("Luton Borough Council", "Luton"),
    ("Reading Borough Council", "Reading"),
    ("Swindon Borough Council", "Swindon"),
    ("Telford and Wrekin Council", "Telford and Wrekin"),
    ("Walsall Council", "Walsall"),
    ("Dudley Metropolitan Borough Council", "Dudley"),
    ("Sandwell Metropolitan Borough Council", "Sandwell"),
    ("Solihull Metropolitan Borough Council", "Solihull"),
    ("Wigan Council", "Wigan"),
    ("Bolton Council", "Bolton"),
    ("Stockport Metropolitan Borough Council", "Stockport"),
    ("Oldham Council", "Oldham"),
    ("Rochdale Borough Council", "Rochdale"),
    ("Salford City Council", "Salford"),
    ("Trafford Council", "Trafford"),
    ("Wirral Council", "Wirral"),
    ("Sefton Council", "Sefton"),
    ("Kirklees Council", "Kirklees"),
    ("Calderdale Council", "Calderdale"),
    ("Wakefield Council", "Wakefield"),
    ("Doncaster Council", "Doncaster"),
    ("Rotherham Metropolitan Borough Council", "Rotherham"),
    ("Barnsley Metropolitan Borough Council", "Barnsley"),
    ("Gateshead Council", "Gateshead"),
    ("Middlesbrough Council", "Middlesbrough"),
    ("Blackpool Council", "Blackpool"),
    ("Blackburn with Darwen Borough Council", "Blackburn with Darwen"),
    ("Medway Council", "Medway"),
    ("Thurrock Council", "Thurrock"),
    ("Southend-on-Sea City Council", "Southend-on-Sea"),
    ("Bedford Borough Council", "Bedford"),
    ("Central Bedfordshire Council", "Central Bedfordshire"),
    ("Herefordshire Council", "Herefordshire"),
    ("Isle of Wight Council", "Isle of Wight"),
    ("Camden Council", "Camden"),
    ("Hackney Council", "Hackney"),
    ("Islington Council", "Islington"),
    ("Lambeth Council", "Lambeth"),
    ("Southwark Council", "Southwark"),
    ("Croydon Council", "Croydon"),
    ("Barnet Council", "Barnet"),
    ("Enfield Council", "Enfield"),
    ("Ealing Council", "Ealing"),
    ("Hounslow Council", "Hounslow"),
    ("Newham Council", "Newham"),
    ("Tower Hamlets Council", "Tower Hamlets"),
)

# Longest first, so "Leicestershire County Council" is replaced before "Leicestershire".
_PLACES = (
    ("Leicestershire County Council", "full"),
    ("Leicester City Council", "full"),
    ("Leicestershire", "place"),
    ("Leicester", "place"),
    ("Leics", "place"),
)
_PLACE_RE = re.compile("|".join(re.escape(p) for p, _ in _PLACES))
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_NUMBER_RE = re.compile(rf"(?<![\w.])(?<!\d-)(\d{{1,3}}(?:,\d{{3}})+|\d+)(\.\d+)?(?!\d)(?!\s*{_MONTHS})")


@dataclass(frozen=True)
class SourcePaper:
    stem: str
    pages: list[str]


def read_corpus(corpus: Path) -> list[SourcePaper]:
    """Page texts of the papers, read with the project's readers."""
    from assistant.ingest.readers import read_file, supported_extensions

    papers = []
    for path in sorted(corpus.iterdir()):
        if path.is_file() and path.suffix.lower() in supported_extensions() and path.name != "README.md":
            raw = read_file(path)
            papers.append(SourcePaper(path.stem, [p for p in raw.pages]))
    return papers


def vary(text: str, council: tuple[str, str], year_shift: int, scale: float) -> str:
    """The text as if another council had written it, some years apart, with other figures."""
    full, place = council
    text = _PLACE_RE.sub(lambda m: full if dict(_PLACES)[m.group()] == "full" else place, text)

    def number(match: re.Match[str]) -> str:
        whole, decimals = match.group(1), match.group(2) or ""
        value = int(whole.replace(",", ""))
        if 1990 <= value <= 2035 and not decimals and "," not in whole:
            return str(value + year_shift)  # a year
        if value < 10 and not decimals:
            return match.group()  # list markers, paragraph and small counts stay
        scaled = value * scale
        new_whole = f"{int(scaled):,}" if "," in whole else str(int(scaled))
        return new_whole + decimals

    return _NUMBER_RE.sub(number, text)


def generate(papers: list[SourcePaper], factor: int, target: Path, seed: int = 7) -> tuple[int, int]:
    """Write ``factor`` varied copies of every paper into ``target``; returns (files, pages)."""
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    files = pages = 0
    for copy in range(factor):
        for paper in papers:
            council = COUNCILS[files % len(COUNCILS)]
            shift = rng.randint(-4, 4)
            scale = rng.uniform(0.6, 1.6)
            slug = re.sub(r"[^a-z0-9]+", "-", council[1].lower()).strip("-")
            text = "\f".join(vary(page, council, shift, scale) for page in paper.pages)
            (target / f"{slug}-{paper.stem}-v{copy:03d}.txt").write_text(text, encoding="utf8")
            files += 1
            pages += len(paper.pages)
    return files, pages


def varied_queries(queries: list[str], n: int) -> Iterator[str]:
    """``n`` distinct queries: the originals, then with council names (no cache hits)."""
    for i in range(n):
        base = queries[i % len(queries)]
        if i < len(queries):
            yield base
        else:
            yield f"{base} {COUNCILS[i % len(COUNCILS)][1]}"


# --- one size, in a child process -------------------------------------------------------------------


def measure(corpus: Path, home: Path, n_search: int, n_ask: int) -> dict[str, Any]:
    from assistant.config import Settings
    from assistant.service import Assistant

    settings = Settings(home=home, corpus_dir=corpus)
    service = Assistant(settings)
    started = time.perf_counter()
    results = service.ingest([corpus])
    ingest_s = time.perf_counter() - started
    rss_after_ingest = peak_rss_mb()
    queries, questions = load_queries()
    service.warm_up()
    service.search("warm up", k=5)
    search_ms, search_errors = latencies_ms(
        [lambda q=q: service.search(q, k=10) for q in varied_queries(queries, n_search)]
    )
    ask_ms, ask_errors = latencies_ms([lambda q=q: service.ask(q) for q in varied_queries(questions, n_ask)])
    return {
        "files": len(results),
        "failed": sum(r.status == "failed" for r in results),
        "pages": sum(r.pages for r in results),
        "chunks": sum(r.chunks for r in results),
        "ingest_s": ingest_s,
        "index_mb": dir_size_mb(home),
        "rss_after_ingest_mb": rss_after_ingest,
        "peak_rss_mb": peak_rss_mb(),
        "search_n": len(search_ms),
        "search_p50_ms": percentile(search_ms, 50),
        "search_p95_ms": percentile(search_ms, 95),
        "ask_n": len(ask_ms),
        "ask_p50_ms": percentile(ask_ms, 50),
        "ask_p95_ms": percentile(ask_ms, 95),
        "errors": (search_errors + ask_errors)[:5],
        "settings": settings.public_dump(),
    }


def run_child(factor: int, corpus: Path, home: Path, n_search: int, n_ask: int) -> dict[str, Any]:
    """Measure one size in a new process, so its peak RSS is its own."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = Path(fh.name)
    cmd = [
        sys.executable, "-m", "bench.scale", "--child", str(corpus), "--home", str(home),
        "--json", str(out), "--n-search", str(n_search), "--n-ask", str(n_ask),
    ]  # fmt: skip
    env = {**os.environ, **OFFLINE_ENV}
    proc = subprocess.run(cmd, env=env, cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True)
    try:
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            return {"factor": factor, "error": " | ".join(tail) or f"exit {proc.returncode}"}
        return {"factor": factor, **json.loads(out.read_text(encoding="utf8"))}
    finally:
        out.unlink(missing_ok=True)


# --- report ----------------------------------------------------------------------------------------------


def render(rows: list[dict[str, Any]]) -> str:
    header = ["factor", "files", "pages", "chunks", "ingest s", "pages/s", "index MB", "peak RSS MB",
              "search p50 ms", "search p95 ms", "ask p50 ms", "ask p95 ms"]  # fmt: skip
    body = []
    for r in rows:
        if "error" in r:
            body.append([f"{r['factor']}x", "error: " + r["error"]] + [""] * (len(header) - 2))
            continue
        body.append(
            [
                f"{r['factor']}x", r["files"], r["pages"], r["chunks"], r["ingest_s"],
                r["pages"] / r["ingest_s"] if r["ingest_s"] else None, r["index_mb"], r["peak_rss_mb"],
                r["search_p50_ms"], r["search_p95_ms"], r["ask_p50_ms"], r["ask_p95_ms"],
            ]  # fmt: skip
        )
    notes = [
        f"Targets at 100x: search p50 <= {SEARCH_TARGET_MS:.0f} ms, peak RSS <= {RAM_TARGET_MB:.0f} MB.",
        "Peak RSS is ru_maxrss of the child process that ingested and searched that size.",
    ]
    for r in rows:
        for err in r.get("errors") or []:
            notes.append(f"{r['factor']}x: {err}")
    return table(header, body) + "\n\n" + "\n".join(f"- {n}" for n in notes) + "\n"


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = [r for r in rows if "error" not in r]
    if not ok:
        return
    xs = [r["factor"] for r in ok]
    panels = (
        ("ingest time (s)", ["ingest_s"], None),
        ("search latency (ms)", ["search_p50_ms", "search_p95_ms"], SEARCH_TARGET_MS),
        ("ask latency (ms)", ["ask_p50_ms", "ask_p95_ms"], None),
        ("memory and disk (MB)", ["peak_rss_mb", "index_mb"], RAM_TARGET_MB),
    )
    fig, axes = plt.subplots(1, len(panels), figsize=(16, 4))
    for ax, (title, keys, target) in zip(axes, panels, strict=True):
        for key in keys:
            ax.plot(xs, [r.get(key) or 0 for r in ok], marker="o", label=key)
        if target is not None:
            ax.axhline(target, color="grey", linestyle="--", linewidth=1, label="target")
        ax.set_xscale("log")
        ax.set_xlabel("corpus size (x corpus/)")
        ax.set_title(title)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    offline()
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.splitlines()[0])
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10], help="corpus multiples, e.g. 10 100")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=None, help="folder for scale.json/.md/.png")
    parser.add_argument("--workdir", type=Path, default=None, help="where generated corpora and homes go")
    parser.add_argument("--keep", action="store_true", help="keep generated corpora and homes")
    parser.add_argument("--n-search", type=int, default=60, help="distinct search queries timed per size")
    parser.add_argument("--n-ask", type=int, default=15, help="distinct questions timed per size")
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child is not None:  # one size, measured in this (fresh) process
        write_json(args.json, measure(args.child, args.home, args.n_search, args.n_ask))
        return 0

    from assistant.config import Settings

    out_dir = args.out or Settings().reports_dir
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="assistant-scale-", dir=args.workdir))
    papers = read_corpus(args.corpus)
    rows: list[dict[str, Any]] = []
    try:
        for factor in args.factors:
            corpus = work / f"corpus-{factor}x"
            files, pages = generate(papers, factor, corpus)
            print(f"{factor}x: {files} files, {pages} pages generated; ingesting ...", file=sys.stderr, flush=True)
            row = run_child(factor, corpus, work / f"home-{factor}x", args.n_search, args.n_ask)
            rows.append(row)
            if "error" in row:
                print(f"{factor}x: error: {row['error']}", file=sys.stderr, flush=True)
            else:
                print(
                    f"{factor}x: ingest {fmt(row['ingest_s'])} s, search p50 {fmt(row['search_p50_ms'])} ms, "
                    f"peak RSS {fmt(row['peak_rss_mb'])} MB",
                    file=sys.stderr,
                    flush=True,
                )
            if not args.keep:
                shutil.rmtree(corpus, ignore_errors=True)
                shutil.rmtree(work / f"home-{factor}x", ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    text = render(rows)
    settings = next((r["settings"] for r in rows if "settings" in r), None)
    head = f"# Scale benchmark ({dt.datetime.now(dt.timezone.utc).isoformat(timespec='seconds')}, {os.cpu_count()} CPUs)\n\n"
    markdown = head + text + ("\n## Settings\n\n```json\n" + json.dumps(settings, indent=2) + "\n```\n" if settings else "")
    print(markdown)
    write_json(out_dir / "scale.json", {"rows": [{k: v for k, v in r.items() if k != "settings"} for r in rows], "settings": settings})
    (out_dir / "scale.md").write_text(markdown, encoding="utf8")
    plot(rows, out_dir / "scale.png")
    print(f"wrote {out_dir / 'scale.md'}, scale.json, scale.png", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
