"""CLI cold start: ``assistant ask`` and ``assistant search`` as fresh processes.

    python -m bench.cold_start [--home .assistant] [--runs 5] [--top 12]

Runs each command ``--runs`` times in a new process on an existing index (run
``assistant ingest corpus`` first) and prints the median wall time from launch to exit,
with the user and system CPU time of the same runs: on a shared machine wall time
moves with the load, CPU time much less. One more run of each under ``python -X
importtime`` gives the import cost per top-level package (self time, so the figures
add up) and whether a heavy library that the command should not need was imported.
The target (issue 6) is ``assistant ask`` within 3 s of launch on a 2-core CPU.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from . import OFFLINE_ENV, fmt, table

QUESTION = "How many children were in care in Leicestershire on 31 March 2020?"
QUERY = "LAC budget 2014-15"
TARGET_S = 3.0
# Libraries the search and ask paths do not need; any of them imported is reported.
UNWANTED = ("torch", "sentence_transformers", "transformers", "llama_index", "sqlalchemy", "fastapi", "matplotlib")
# Runs exactly what the installed ``assistant`` script runs, with this interpreter.
ENTRY = "import sys; from assistant.cli import main; sys.exit(main())"
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|( *)(\S+)\s*$")


def commands() -> dict[str, list[str]]:
    return {"ask": ["ask", QUESTION], "search": ["search", QUERY, "-k", "5"]}


def run_once(args: list[str], env: dict[str, str], *, python_flags: tuple[str, ...] = ()) -> dict[str, Any]:
    """Wall, user and system seconds of one fresh process (children's rusage delta)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *python_flags, "-c", ENTRY, *args], env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall_s": wall,
        "user_s": after.ru_utime - before.ru_utime,
        "sys_s": after.ru_stime - before.ru_stime,
        "returncode": done.returncode,
        "stdout": done.stdout,
        "stderr": done.stderr,
    }


def import_costs(stderr: str) -> tuple[dict[str, float], set[str]]:
    """Self import time (s) per top-level package, and every module name imported."""
    per_package: dict[str, float] = defaultdict(float)
    modules: set[str] = set()
    for line in stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match:
            name = match[4]
            modules.add(name)
            per_package[name.split(".")[0]] += int(match[1]) / 1e6
    return dict(per_package), modules


def bench_command(name: str, args: list[str], env: dict[str, str], runs: int, top: int) -> dict[str, Any]:
    results = [run_once(args, env) for _ in range(runs)]
    failed = [r for r in results if r["returncode"] != 0]
    profiled = run_once(args, env, python_flags=("-X", "importtime"))
    costs, modules = import_costs(profiled["stderr"])
    return {
        "command": f"assistant {' '.join(args[:1])} {args[1]!r}",
        "runs": runs,
        "wall_median_s": statistics.median(r["wall_s"] for r in results),
        "wall_min_s": min(r["wall_s"] for r in results),
        "user_median_s": statistics.median(r["user_s"] for r in results),
        "sys_median_s": statistics.median(r["sys_s"] for r in results),
        "failed": [r["stderr"].strip().splitlines()[-1:] for r in failed],
        "imports_total_s": sum(costs.values()),
        "modules": len(modules),
        "top_imports": sorted(costs.items(), key=lambda item: -item[1])[:top],
        "unwanted": sorted({m.split(".")[0] for m in modules} & set(UNWANTED)),
    }


def report(figures: dict[str, dict[str, Any]], settings: Any) -> str:
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [f"CLI cold start on an existing index ({settings.home}), {os.cpu_count()} CPUs, load average {load}", ""]
    rows = []
    for fig in figures.values():
        rows.append(
            [
                fig["command"],
                f"{fmt(fig['wall_median_s'], 2)} s",
                f"{fmt(fig['wall_min_s'], 2)} s",
                f"{fmt(fig['user_median_s'], 2)} s + {fmt(fig['sys_median_s'], 2)} s",
                f"{fmt(fig['imports_total_s'], 2)} s ({fig['modules']} modules)",
                ", ".join(fig["unwanted"]) or "none",
            ]
        )
    header = ["Command", "Wall median", "Wall min", "CPU user + sys (median)", "Imports", "Unneeded libraries"]
    lines.append(table(header, rows))
    ask = figures.get("ask")
    if ask:
        verdict = "meets" if ask["wall_median_s"] <= TARGET_S else "misses"
        lines += ["", f"assistant ask {verdict} the {TARGET_S:.0f} s target (median of {ask['runs']} runs)."]
    for name, fig in figures.items():
        lines += ["", f"Top import costs, assistant {name} (self time per package, under -X importtime):", ""]
        lines.append(table(["Package", "Import s"], [[pkg, f"{s:.3f}"] for pkg, s in fig["top_imports"]]))
        for failure in fig["failed"]:
            lines.append(f"a run failed: {failure}")
    lines += ["", "Settings:", *(f"- {k}: {v}" for k, v in settings.public_dump().items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cold_start", description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="ASSISTANT_HOME holding an index (default: as set)")
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per command (default 5)")
    parser.add_argument("--top", type=int, default=12, help="packages listed by import cost (default 12)")
    parser.add_argument("--only", choices=sorted(commands()), default=None, help="one command only")
    args = parser.parse_args(argv)

    from assistant.config import Settings

    settings = Settings(home=args.home) if args.home is not None else Settings()
    env = {**os.environ, **OFFLINE_ENV, "ASSISTANT_HOME": str(settings.home)}
    if not settings.docstore_path.is_file():
        print(f"no index in {settings.home}: run `assistant ingest corpus` there first", file=sys.stderr)
        return 1
    figures = {}
    for name, cmd in commands().items():
        if args.only and name != args.only:
            continue
        print(f"assistant {name} x{args.runs} ...", file=sys.stderr, flush=True)
        figures[name] = bench_command(name, cmd, env, max(1, args.runs), args.top)
    print(report(figures, settings))
    return 1 if any(fig["failed"] for fig in figures.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
