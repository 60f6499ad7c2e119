"""Speed benchmarks on this machine: ``python -m bench.run`` and ``python -m bench.scale``.

They print tables of figures; they are not tests. Shared helpers live here.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def offline() -> None:
    """Never reach a model hub; set before any model library is imported."""
    for name, value in OFFLINE_ENV.items():
        os.environ.setdefault(name, value)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile, ``q`` in 0..100."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def timed_ms(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def latencies_ms(calls: Iterable[Callable[[], Any]]) -> tuple[list[float], list[str]]:
    """Wall time of each call; a call that raises is left out and its error kept."""
    times: list[float] = []
    errors: list[str] = []
    for call in calls:
        try:
            times.append(timed_ms(call))
        except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
            errors.append(f"{type(exc).__name__}: {exc}"[:300])
    return times, errors


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def dir_size_mb(path: Path) -> float:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += (Path(root) / name).stat().st_size
            except OSError:
                continue
    return total / (1024 * 1024)


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A Markdown table (also readable as plain text)."""
    cells = [[str(c) for c in header]] + [[c if isinstance(c, str) else fmt(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str), encoding="utf8")


def load_queries(limit: int | None = None) -> tuple[list[str], list[str]]:
    """Search queries and questions from the evaluation sets, else a small built-in list."""
    evals = ROOT / "evals"
    queries: list[str] = []
    questions: list[str] = []
    for name, key, out in (("search_set.jsonl", "query", queries), ("qa_set.jsonl", "question", questions)):
        path = evals / name
        if path.exists():
            for line in path.read_text(encoding="utf8").splitlines():
                if line.strip():
                    try:
                        item = json.loads(line)
                    except json.JSONDecodeError:
                        continue
                    if item.get(key) and not item.get("turn", 1) > 1:
                        out.append(str(item[key]))
    queries = list(dict.fromkeys(queries)) or list(FALLBACK_QUERIES)
    questions = list(dict.fromkeys(questions)) or list(FALLBACK_QUESTIONS)
    return queries[:limit], questions[:limit]


FALLBACK_QUERIES = (
    "number of children in care on 31 March 2020",
    "Ofsted inspection of children's social care services grades",
    "residential placements spot purchase",
    "virtual school Key Stage 2 attainment",
    "budget for looked after children",
    "care leaver offer",
    "SEND inspection outcome",
    "medium term financial strategy children and family services",
    "initial health assessments within 20 working days",
    "dental checks children in care",
)
FALLBACK_QUESTIONS = (
    "How many children were in care in Leicestershire on 31 March 2020?",
    "How many children under 17 are placed in residential homes on spot purchase arrangements?",
    "What grade did Ofsted give for overall effectiveness?",
    "What was the budget for looked after children in 2015-16?",
    "Who is the Virtual School Head?",
)
