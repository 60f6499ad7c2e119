"""The evaluation report: retrieval and answer quality, side by side with peers.

    assistant eval [--split dev|holdout|all] [--no-peers] [--json]
    python -m evals.run [--split ...] [--peers bm25,dense,llamaindex | --no-peers]

``run_report`` makes sure ``settings.corpus_dir`` is indexed (ingest is idempotent),
then runs every item of ``search_set.jsonl`` and ``qa_set.jsonl`` through the
``Assistant`` and the peer retrievers of :mod:`evals.peers`, and writes
``report.md``, ``report.json`` and ``report.png`` under ``settings.reports_dir``.

What is measured (definitions in :mod:`evals.metrics`):

- retrieval: recall@5, recall@10 and MRR@10 at page level (a passage counts when its
  file name and page are an expected pair), and "evidence in top 5" (a top-5
  passage holds the evidence snippet, or is on an expected page); warm latency;
- answers (ours only; peers do not answer): accuracy by kind, refusal accuracy,
  wrong-answer rate (answered, but wrong: worse than no answer), quotes verbatim on
  the cited page, figures traced to a quote or tool result, citations on an
  expected page, two-turn conversations, warm latency;
- "top passage as answer": every system's first passage judged as if it were the
  answer, the only answer-like figure a retriever-only peer has.

The dev split is tuned on; the holdout never is, so it is reported separately and
its failing items are not listed in the Markdown (they are in the JSON). An item
that raises is recorded with its error and scored as a miss; the run goes on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import metrics
from .peers import PEER_NAMES, PageText, Passage, PeerRetriever, make_peer
from .splits import SPLITS

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.service import Assistant
    from assistant.types import Answer

EVALS_DIR = Path(__file__).resolve().parent
SEARCH_SET = EVALS_DIR / "search_set.jsonl"
QA_SET = EVALS_DIR / "qa_set.jsonl"

KINDS: tuple[str, ...] = ("figure", "table", "multi", "foi", "councillor", "unanswerable", "trap")
OURS = "ours"
SEARCH_K = 10  # passages fetched per query; recall@5 and @10 and MRR@10 read the same list
TOP_N = 5  # "evidence in top 5"

Target = tuple[str, int]


# --- items -------------------------------------------------------------------------------


def _targets(raw: dict[str, Any]) -> frozenset[Target]:
    pairs: set[Target] = set()
    for entry in [raw, *raw.get("also", [])]:
        source = entry.get("source")
        if source:
            pairs.update((str(source), int(p)) for p in entry.get("pages") or [])
    return frozenset(pairs)


def _evidence(raw: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(e["evidence"]) for e in [raw, *raw.get("also", [])] if e.get("evidence"))


@dataclass(frozen=True)
class SearchItem:
    id: str
    query: str
    split: str
    targets: frozenset[Target]
    evidence: tuple[str, ...]
    style: str = "other"  # keyword | natural | figure | table | acronym | synonym

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> "SearchItem":
        if not raw.get("query") or not raw.get("source"):
            raise ValueError("needs query and source")
        return cls(
            str(raw["id"]), str(raw["query"]), str(raw["split"]), _targets(raw), _evidence(raw),
            str(raw.get("style") or "other"),
        )  # fmt: skip


@dataclass(frozen=True)
class QaItem:
    id: str
    question: str
    kind: str
    split: str
    found: bool
    answer_any: tuple[str, ...] = ()
    answer_all: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()
    targets: frozenset[Target] = frozenset()
    conversation: str | None = None
    turn: int | None = None

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> "QaItem":
        if not raw.get("question") or "found" not in raw:
            raise ValueError("needs question and found")
        return cls(
            id=str(raw["id"]),
            question=str(raw["question"]),
            kind=str(raw.get("kind") or "other"),
            split=str(raw["split"]),
            found=bool(raw["found"]),
            answer_any=tuple(raw.get("answer_any") or ()),
            answer_all=tuple(raw.get("answer_all") or ()),
            must_not=tuple(raw.get("must_not") or ()),
            targets=_targets(raw),
            conversation=raw.get("conversation"),
            turn=int(raw["turn"]) if raw.get("turn") is not None else None,
        )


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    """The objects of a JSON-lines file; a line that is not JSON names its file and line."""
    out: list[dict[str, Any]] = []
    with open(path, encoding="utf8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path.name}:{n}: not JSON: {exc}") from exc
    return out


# --- per-item results -----------------------------------------------------------------------


@dataclass
class ErrorRecord:
    stage: str  # ingest | warm_up | load | peer_build | search | ask | top_passage
    id: str | None
    system: str | None
    error: str


@dataclass
class RetrievalResult:
    id: str
    split: str
    system: str
    rank: int | None  # 1-based rank of the first passage on an expected page, within SEARCH_K
    evidence_top5: bool
    latency_ms: float | None
    style: str = "other"
    top: list[str] = field(default_factory=list)  # "source p.N" of the first TOP_N passages
    error: str | None = None


@dataclass
class TopPassageResult:
    id: str
    split: str
    kind: str
    system: str
    correct: bool
    error: str | None = None


@dataclass
class QaResult:
    id: str
    split: str
    kind: str
    expected_found: bool
    found: bool | None = None
    correct: bool = False
    missing: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    answer: str = ""
    mode: str = ""
    citations: int = 0
    cites_expected_page: bool | None = None
    quotes_checked: int = 0
    quotes_verbatim: int = 0
    tool_quotes_checked: int = 0
    tool_quotes_traced: int = 0
    figures: int = 0  # figures in the answer text
    untraced: list[str] = field(default_factory=list)  # of those, in no quote or tool result
    latency_ms: float | None = None
    conversation: str | None = None
    turn: int | None = None
    error: str | None = None


def _err(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


# --- the run ------------------------------------------------------------------------------------


class _Run:
    """State of one report run: the service, peers, results and errors."""

    def __init__(self, settings: "Settings", service: "Assistant", progress: bool) -> None:
        self.settings = settings
        self.service = service
        self.progress = progress
        self.errors: list[ErrorRecord] = []
        self.peers: dict[str, PeerRetriever] = {}
        self.peer_info: dict[str, dict[str, Any]] = {}
        self._page_cache: dict[tuple[str, int], str | None] = {}

    def log(self, message: str) -> None:
        if self.progress:
            print(f"[eval] {message}", file=sys.stderr, flush=True)

    # corpus --------------------------------------------------------------------------------
    def ingest(self) -> dict[str, Any]:
        info: dict[str, Any] = {"corpus_dir": str(self.settings.corpus_dir)}
        started = time.perf_counter()
        try:
            results = self.service.ingest([self.settings.corpus_dir])
        except Exception as exc:  # noqa: BLE001 - the report records and goes on
            self.errors.append(ErrorRecord("ingest", None, None, _err(exc)))
            results = []
        info["ingest_s"] = round(time.perf_counter() - started, 2)
        counts: dict[str, int] = {}
        for r in results:
            counts[r.status] = counts.get(r.status, 0) + 1
            if r.status == "failed":
                self.errors.append(ErrorRecord("ingest", r.source, None, r.reason or "failed"))
        info["files"] = counts
        try:
            docs = self.service.index.docstore.list_documents()
            info["documents"] = len(docs)
            info["pages"] = sum(int(d.get("pages") or 0) for d in docs)
            info["chunks"] = sum(int(d.get("chunks") or 0) for d in docs)
        except Exception as exc:  # noqa: BLE001
            self.errors.append(ErrorRecord("ingest", None, None, f"listing documents: {_err(exc)}"))
        return info

    def corpus_pages(self) -> list[PageText]:
        """Every page of every indexed document, as stored by our ingest."""
        store = self.service.index.docstore
        pages: list[PageText] = []
        for doc_id in sorted(store.indexed_documents()):
            doc = store.get_document(doc_id)
            if doc is not None:
                pages.extend(PageText(doc.source, p.number, p.text) for p in doc.pages)
        return pages

    def page_text(self, doc_id: str, page: int) -> str | None:
        key = (doc_id, page)
        if key not in self._page_cache:
            found = self.service.index.docstore.get_page(doc_id, page)
            self._page_cache[key] = found.text if found is not None else None
        return self._page_cache[key]

    # systems -------------------------------------------------------------------------------------
    def build_peers(self, names: Sequence[str]) -> None:
        if not names:
            return
        try:
            pages = self.corpus_pages()
        except Exception as exc:  # noqa: BLE001
            self.errors.append(ErrorRecord("peer_build", None, None, f"reading pages: {_err(exc)}"))
            return

        def embedder() -> Any:
            # Same model and settings as the index, but an instance of its own per peer:
            # the query-vector cache must not let one system time another's queries.
            from assistant.retrieval.embeddings import Embedder

            return Embedder(self.settings)

        for name in names:
            self.log(f"building peer {name} over {len(pages)} pages")
            started = time.perf_counter()
            try:
                peer = make_peer(name, embedder)
                peer.build(pages)
            except Exception as exc:  # noqa: BLE001
                self.errors.append(ErrorRecord("peer_build", None, name, _err(exc)))
                self.peer_info[name] = {"built": False, "error": _err(exc)}
                continue
            self.peers[name] = peer
            self.peer_info[name] = {
                "built": True,
                "build_s": round(time.perf_counter() - started, 2),
                "passages": int(getattr(peer, "size", 0)),
            }

    def systems(self) -> dict[str, Callable[[str, int], list[Passage]]]:
        out: dict[str, Callable[[str, int], list[Passage]]] = {OURS: self.search_ours}
        out.update((name, peer.search) for name, peer in self.peers.items())
        return out

    def search_ours(self, query: str, k: int) -> list[Passage]:
        hits = self.service.search(query, k=k)
        return [Passage(h.source, h.page, h.text, float(h.score)) for h in hits]

    def warm_up(self) -> None:
        """Load models and stores, then one search and one answer, so latencies are warm."""
        for stage, call in (
            ("warm_up", self.service.warm_up),
            ("warm_up", lambda: self.service.search("children in care", k=SEARCH_K)),
            ("warm_up", lambda: self.service.ask("How many children were in care?")),
        ):
            try:
                call()
            except Exception as exc:  # noqa: BLE001
                self.errors.append(ErrorRecord(stage, None, OURS, _err(exc)))
        for peer in self.peers.values():
            try:
                peer.search("children in care", SEARCH_K)
            except Exception:  # noqa: BLE001 - a failing peer shows up per item
                pass

    # retrieval ---------------------------------------------------------------------------------
    def run_search(self, items: Sequence[SearchItem]) -> list[RetrievalResult]:
        results: list[RetrievalResult] = []
        for system, search in self.systems().items():
            self.log(f"search set: {system} on {len(items)} queries")
            for item in items:
                results.append(self._search_one(system, search, item))
        return results

    def _search_one(
        self, system: str, search: Callable[[str, int], list[Passage]], item: SearchItem
    ) -> RetrievalResult:
        started = time.perf_counter()
        try:
            passages = search(item.query, SEARCH_K)
        except Exception as exc:  # noqa: BLE001
            self.errors.append(ErrorRecord("search", item.id, system, _err(exc)))
            return RetrievalResult(item.id, item.split, system, None, False, None, item.style, error=_err(exc))
        latency = (time.perf_counter() - started) * 1000
        relevant = [(p.source, p.page) in item.targets for p in passages]
        rank = next((i for i, r in enumerate(relevant[:SEARCH_K], 1) if r), None)
        top = passages[:TOP_N]
        evidence = any(relevant[:TOP_N]) or any(metrics.evidence_in(p.text, e) for p in top for e in item.evidence)
        return RetrievalResult(
            item.id, item.split, system, rank, evidence, round(latency, 2), item.style,
            [f"{p.source} p.{p.page}" for p in top],
        )  # fmt: skip

    def run_top_passage(self, items: Sequence[QaItem]) -> list[TopPassageResult]:
        results: list[TopPassageResult] = []
        for system, search in self.systems().items():
            for item in items:
                try:
                    passages = search(item.question, 1)
                except Exception as exc:  # noqa: BLE001
                    self.errors.append(ErrorRecord("top_passage", item.id, system, _err(exc)))
                    results.append(TopPassageResult(item.id, item.split, item.kind, system, False, _err(exc)))
                    continue
                verdict = metrics.judge_answer(
                    passages[0].text if passages else "",
                    bool(passages),
                    expected_found=item.found,
                    answer_any=item.answer_any,
                    answer_all=item.answer_all,
                    must_not=item.must_not,
                )
                results.append(TopPassageResult(item.id, item.split, item.kind, system, verdict.correct))
        return results

    # answers ---------------------------------------------------------------------------------------
    def run_qa(self, items: Sequence[QaItem], context: Sequence[QaItem]) -> list[QaResult]:
        """Ask every item; turn 2 of a conversation continues turn 1's conversation.

        ``context`` is the whole QA set: a turn 1 outside ``items`` is still asked
        (unscored) so that its turn 2 has the history it was written for.
        """
        conversation_ids: dict[str, str] = {}
        first_turns = {i.conversation: i for i in context if i.conversation and (i.turn or 1) == 1}
        ordered = sorted(items, key=lambda i: (i.conversation is not None, i.conversation or "", i.turn or 0))
        self.log(f"qa set: asking {len(ordered)} questions")
        results: list[QaResult] = []
        for item in ordered:
            conv_id: str | None = None
            if item.conversation and (item.turn or 1) > 1:
                conv_id = conversation_ids.get(item.conversation)
                first = first_turns.get(item.conversation)
                if conv_id is None and first is not None:
                    try:
                        conv_id = self.service.ask(first.question).conversation_id
                    except Exception as exc:  # noqa: BLE001
                        self.errors.append(ErrorRecord("ask", first.id, OURS, f"context turn: {_err(exc)}"))
            result, answer = self._ask_one(item, conv_id)
            if answer is not None and item.conversation and (item.turn or 1) == 1:
                conversation_ids[item.conversation] = answer.conversation_id
            results.append(result)
        return results

    def _ask_one(self, item: QaItem, conversation_id: str | None) -> tuple[QaResult, "Answer | None"]:
        result = QaResult(
            id=item.id,
            split=item.split,
            kind=item.kind,
            expected_found=item.found,
            conversation=item.conversation,
            turn=item.turn,
        )
        started = time.perf_counter()
        try:
            answer = self.service.ask(item.question, conversation_id=conversation_id)
        except Exception as exc:  # noqa: BLE001
            self.errors.append(ErrorRecord("ask", item.id, OURS, _err(exc)))
            result.error = _err(exc)
            return result, None
        result.latency_ms = round((time.perf_counter() - started) * 1000, 2)
        try:
            self._score_answer(item, answer, result)
        except Exception as exc:  # noqa: BLE001 - e.g. a citation naming a missing document
            self.errors.append(ErrorRecord("ask", item.id, OURS, f"scoring: {_err(exc)}"))
            result.error = f"scoring: {_err(exc)}"
        return result, answer

    def _score_answer(self, item: QaItem, answer: "Answer", result: QaResult) -> None:
        verdict = metrics.judge_answer(
            answer.answer,
            answer.found,
            expected_found=item.found,
            answer_any=item.answer_any,
            answer_all=item.answer_all,
            must_not=item.must_not,
        )
        result.found = answer.found
        result.correct = verdict.correct
        result.missing = list(verdict.missing)
        result.forbidden = list(verdict.forbidden)
        result.answer = answer.answer[:600]
        result.mode = answer.mode
        result.citations = len(answer.citations)
        used = [call for call in answer.tool_calls if call.used]  # a call run but not used is no source
        tool_texts = [_tool_text(call.result) for call in used]
        tool_strings = [metrics.normalise(s) for call in used for s in _strings(call.result)]
        for citation in answer.citations:
            if citation.page is None:  # a live or tool figure: its quote must come from a tool result
                result.tool_quotes_checked += 1
                quote = metrics.normalise(citation.quote)
                result.tool_quotes_traced += any(quote in s for s in tool_strings)
            else:  # a page citation, whoever made it (a published KPI figure too): verbatim on that page
                result.quotes_checked += 1
                text = self.page_text(citation.doc_id, citation.page)
                result.quotes_verbatim += text is not None and citation.quote in text
        if item.found and answer.found and item.targets:
            result.cites_expected_page = any((c.source, c.page) in item.targets for c in answer.citations)
        if answer.found:
            result.figures = len(metrics.numbers_in(answer.answer))
            # A figure restated from the question ("... in 2019-20") is not a new claim.
            sources = [c.quote for c in answer.citations] + tool_texts + [item.question]
            result.untraced = sorted(format(n, "f") for n in metrics.untraced_figures(answer.answer, sources))


def _load_avg() -> float | None:
    """1-minute load average: latencies on a busy machine are not the machine's speed."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:  # pragma: no cover - not on this platform
        return None


def _strings(value: Any) -> Iterable[str]:
    """Every string and number inside a tool result (dicts, lists, models), not JSON-escaped."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)
    elif value is not None:
        yield str(value)


def _tool_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)


# --- summaries ----------------------------------------------------------------------------------------


def _share(hits: Iterable[bool]) -> float | None:
    return metrics.mean(1.0 if h else 0.0 for h in hits)


def _ms(values: Iterable[float | None], q: float) -> float | None:
    found = [v for v in values if v is not None]
    p = metrics.percentile(found, q)
    return round(p, 1) if p is not None else None


def summarise_retrieval(results: Sequence[RetrievalResult], top: Sequence[TopPassageResult]) -> dict[str, Any]:
    ranks = [r.rank for r in results]
    return {
        "n": len(results),
        "recall@5": _share(r is not None and r <= 5 for r in ranks),
        "recall@10": _share(r is not None and r <= 10 for r in ranks),
        "mrr@10": metrics.mean(1.0 / r if r is not None and r <= 10 else 0.0 for r in ranks),
        "evidence@5": _share(r.evidence_top5 for r in results),
        "top_passage_accuracy": _share(t.correct for t in top),
        "top_passage_n": len(top),
        "search_p50_ms": _ms((r.latency_ms for r in results), 50),
        "search_p95_ms": _ms((r.latency_ms for r in results), 95),
        "errors": sum(r.error is not None for r in results) + sum(t.error is not None for t in top),
        "recall@5_by_style": {
            style: {"n": len(rs), "recall@5": _share(r.rank is not None and r.rank <= 5 for r in rs)}
            for style in sorted({r.style for r in results})
            for rs in [[r for r in results if r.style == style]]
        },
    }


def summarise_answers(results: Sequence[QaResult]) -> dict[str, Any]:
    by_kind = {
        kind: {"n": len(rs), "accuracy": _share(r.correct for r in rs)}
        for kind in sorted({r.kind for r in results}, key=lambda k: (KINDS.index(k) if k in KINDS else 99, k))
        for rs in [[r for r in results if r.kind == kind]]
    }
    refusals = [r for r in results if not r.expected_found]
    answered = [r for r in results if r.found]
    with_figures = [r for r in answered if r.figures]
    cites = [r.cites_expected_page for r in results if r.cites_expected_page is not None]
    turns = [r for r in results if r.conversation and (r.turn or 1) > 1]
    quotes = sum(r.quotes_checked for r in results)
    tool_quotes = sum(r.tool_quotes_checked for r in results)
    return {
        "n": len(results),
        "accuracy": _share(r.correct for r in results),
        "by_kind": by_kind,
        "refusal_accuracy": _share(r.found is False for r in refusals),
        "refusal_n": len(refusals),
        # Answered (found=true) but wrong, over all items: the costly failure.
        "wrong_answer_rate": _share(bool(r.found) and not r.correct for r in results),
        "quotes_verbatim": (sum(r.quotes_verbatim for r in results) / quotes) if quotes else None,
        "quotes_n": quotes,
        "tool_quotes_traced": (sum(r.tool_quotes_traced for r in results) / tool_quotes) if tool_quotes else None,
        "tool_quotes_n": tool_quotes,
        "figures_traced": _share(not r.untraced for r in with_figures),
        "figures_n": len(with_figures),
        "cites_expected_page": _share(cites),
        "cites_n": len(cites),
        "conversation_accuracy": _share(r.correct for r in turns),
        "conversation_n": len(turns),
        "ask_p50_ms": _ms((r.latency_ms for r in results), 50),
        "ask_p95_ms": _ms((r.latency_ms for r in results), 95),
        "errors": sum(r.error is not None for r in results),
    }


# --- rendering -------------------------------------------------------------------------------------------


def _f(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


_RETRIEVAL_ROWS: tuple[tuple[str, str, int], ...] = (
    ("recall@5", "recall@5", 2),
    ("recall@10", "recall@10", 2),
    ("MRR@10", "mrr@10", 2),
    ("evidence in top 5", "evidence@5", 2),
    ("top passage as answer (accuracy)", "top_passage_accuracy", 2),
    ("search p50 ms (warm)", "search_p50_ms", 1),
    ("search p95 ms (warm)", "search_p95_ms", 1),
    ("errors", "errors", 0),
)

_ANSWER_ROWS: tuple[tuple[str, str], ...] = (
    ("accuracy, all kinds", "accuracy"),
    ("refusal accuracy (found=false items)", "refusal_accuracy"),
    ("wrong-answer rate (answered, wrong)", "wrong_answer_rate"),
    ("quotes verbatim on cited page", "quotes_verbatim"),
    ("tool quotes traced to tool result", "tool_quotes_traced"),
    ("answers with all figures traced", "figures_traced"),
    ("citations on an expected page", "cites_expected_page"),
    ("conversation turn 2 accuracy", "conversation_accuracy"),
    ("ask p50 ms (warm)", "ask_p50_ms"),
    ("ask p95 ms (warm)", "ask_p95_ms"),
    ("errors", "errors"),
)

_ANSWER_COUNTS = {
    "refusal_accuracy": "refusal_n",
    "quotes_verbatim": "quotes_n",
    "tool_quotes_traced": "tool_quotes_n",
    "figures_traced": "figures_n",
    "cites_expected_page": "cites_n",
    "conversation_accuracy": "conversation_n",
    "accuracy": "n",
}


def render_markdown(summary: dict[str, Any]) -> str:
    out: list[str] = ["# Evaluation report", ""]
    corpus = summary["corpus"]
    out.append(
        f"Generated {summary['generated_at']} in {summary['elapsed_s']} s. Corpus `{corpus.get('corpus_dir')}`: "
        f"{corpus.get('documents', '?')} documents, {corpus.get('pages', '?')} pages, "
        f"{corpus.get('chunks', '?')} chunks (ingest {corpus.get('ingest_s')} s: {corpus.get('files')})."
    )
    machine = summary.get("machine") or {}
    out.append(
        f"Machine: {machine.get('cpus')} CPUs, 1-minute load average {machine.get('load_avg_1m_start')} at start, "
        f"{machine.get('load_avg_1m_end')} at end (latencies on a loaded machine are inflated)."
    )
    out.append(
        f"Sets: {summary['sets']['search']} search items, {summary['sets']['qa']} QA items "
        f"(split `{summary['split']}`). The dev split is tuned on; the holdout never is."
    )
    out.append("")
    systems: list[str] = summary["systems"]
    for split, block in summary["results"].items():
        retrieval = block["retrieval"]
        n = retrieval.get(OURS, {}).get("n", 0)
        out += [f"## Retrieval — {split} ({n} queries)", ""]
        rows = [[label] + [_f(retrieval.get(s, {}).get(key), d) for s in systems] for label, key, d in _RETRIEVAL_ROWS]
        styles = sorted({st for s in systems for st in retrieval.get(s, {}).get("recall@5_by_style", {})})
        for style in styles:
            cells = [_f(retrieval.get(s, {}).get("recall@5_by_style", {}).get(style, {}).get("recall@5")) for s in systems]
            count = retrieval.get(OURS, {}).get("recall@5_by_style", {}).get(style, {}).get("n", 0)
            rows.append([f"recall@5, {style} queries (n={count})", *cells])
        out += _table(["metric", *systems], rows) + [""]
    out += ["## Answers (ours)", ""]
    splits = list(summary["results"])
    answers = {s: summary["results"][s]["answers"] for s in splits}
    rows = []
    for label, key in _ANSWER_ROWS:
        cells = []
        for s in splits:
            value = answers[s].get(key)
            count_key = _ANSWER_COUNTS.get(key)
            digits = 1 if key.endswith("_ms") else 2
            cells.append(_f(value, digits) + (f" (n={answers[s].get(count_key)})" if count_key else ""))
        rows.append([label, *cells])
    kinds = sorted({k for s in splits for k in answers[s]["by_kind"]}, key=lambda k: (KINDS.index(k) if k in KINDS else 99, k))
    for kind in kinds:
        cells = []
        for s in splits:
            entry = answers[s]["by_kind"].get(kind)
            cells.append(f"{_f(entry['accuracy'])} (n={entry['n']})" if entry else "–")
        rows.append([f"accuracy: {kind}", *cells])
    out += _table(["metric", *splits], rows) + [""]
    peers = summary.get("peers") or {}
    if peers:
        out += ["## Peers", ""]
        out.append(
            "`bm25`: bm25s over plain 120-word page windows (no synonyms, no context); `dense`: our embedder "
            "on the same windows, cosine; `llamaindex`: LlamaIndex default (SentenceSplitter chunk_size=1024, "
            "our model via its adapter, in-memory VectorStoreIndex). Peers read the pages our ingest stored."
        )
        out.append("")
        for name, info in peers.items():
            detail = (
                f"{info.get('passages')} passages, built in {info.get('build_s')} s"
                if info.get("built")
                else f"not built: {info.get('error')}"
            )
            out.append(f"- `{name}`: {detail}")
        out.append("")
    failures = summary.get("dev_failures") or []
    if failures:
        out += ["## Dev items ours got wrong", ""]
        out += [f"- {line}" for line in failures] + [""]
    errors = summary.get("errors") or []
    if errors:
        out += [f"## Errors ({len(errors)})", ""]
        for e in errors[:30]:
            where = " ".join(x for x in (e["stage"], e.get("system") or "", e.get("id") or "") if x)
            out.append(f"- {where}: {e['error']}")
        if len(errors) > 30:
            out.append(f"- … {len(errors) - 30} more in report.json")
        out.append("")
    out += ["## Settings", "", "```json", json.dumps(summary["settings"], indent=2, default=str), "```", ""]
    return "\n".join(out)


def _dev_failures(search: Sequence[RetrievalResult], qa: Sequence[QaResult]) -> list[str]:
    lines = []
    for r in search:
        if r.split == "dev" and r.system == OURS and (r.rank is None or r.rank > 5):
            lines.append(f"search `{r.id}`: expected page not in top 5 (got {', '.join(r.top) or 'nothing'})")
    for q in qa:
        if q.split == "dev" and not q.correct:
            why = q.error or (
                f"found={q.found}, expected {q.expected_found}"
                if q.found != q.expected_found
                else "; ".join(
                    x for x in (q.missing and f"missing {q.missing}", q.forbidden and f"forbidden {q.forbidden}") if x
                )
            )
            lines.append(f"qa `{q.id}` ({q.kind}): {why}")
    return lines


def write_chart(summary: dict[str, Any], path: Path) -> None:
    """Retrieval metrics per system, and our answer accuracy by kind per split."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    splits = list(summary["results"])
    main_split = "holdout" if "holdout" in splits else splits[-1]
    retrieval = summary["results"][main_split]["retrieval"]
    systems = [s for s in summary["systems"] if s in retrieval]
    keys = [("recall@5", "recall@5"), ("recall@10", "recall@10"), ("MRR@10", "mrr@10"), ("evidence@5", "evidence@5")]
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8))
    width = 0.8 / max(1, len(systems))
    for i, system in enumerate(systems):
        values = [retrieval[system].get(k) or 0.0 for _, k in keys]
        xs = [j + i * width for j in range(len(keys))]
        left.bar(xs, values, width=width, label=system)
    left.set_xticks([j + width * (len(systems) - 1) / 2 for j in range(len(keys))], [label for label, _ in keys])
    left.set_ylim(0, 1.05)
    left.set_title(f"Retrieval, {main_split} split")
    left.legend(fontsize=8, loc="lower left")
    kinds = [k for k in KINDS if any(k in summary["results"][s]["answers"]["by_kind"] for s in splits)]
    width = 0.8 / max(1, len(splits))
    for i, split in enumerate(splits):
        by_kind = summary["results"][split]["answers"]["by_kind"]
        values = [(by_kind.get(k) or {}).get("accuracy") or 0.0 for k in kinds]
        left_edges = [j + i * width for j in range(len(kinds))]
        right.bar(left_edges, values, width=width, label=split)
    right.set_xticks([j + width * (len(splits) - 1) / 2 for j in range(len(kinds))], kinds, rotation=20)
    right.set_ylim(0, 1.15)
    right.set_title("Answer accuracy by kind (ours)")
    right.legend(fontsize=8, loc="upper right", ncol=3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# --- entry point ------------------------------------------------------------------------------------------


def _load_items(
    path: Path, factory: Callable[[dict[str, Any]], Any], errors: list[ErrorRecord]
) -> list[Any]:
    if not path.exists():
        errors.append(ErrorRecord("load", path.name, None, "file not found"))
        return []
    items = []
    for n, raw in enumerate(load_jsonl(path), 1):
        try:
            items.append(factory(raw))
        except (KeyError, TypeError, ValueError) as exc:
            errors.append(ErrorRecord("load", str(raw.get("id", f"{path.name}:{n}")), None, _err(exc)))
    return items


def run_report(
    settings: "Settings",
    *,
    split: str = "all",
    peers: bool | Sequence[str] = True,
    service: "Assistant | None" = None,
    search_set: Path | None = None,
    qa_set: Path | None = None,
    out_dir: Path | None = None,
    progress: bool | None = None,
) -> dict[str, Any]:
    """Run the evaluation and write report.md, report.json and report.png.

    ``peers``: True for every peer, False for none, or names from ``PEER_NAMES``.
    ``search_set``/``qa_set`` default to the sets beside this module; ``out_dir`` to
    ``settings.reports_dir``. Returns ``{"summary": dict, "markdown": str, "paths": {...}}``.
    """
    if split not in (*SPLITS, "all"):
        raise ValueError(f"split must be one of dev, holdout, all; got {split!r}")
    if isinstance(peers, str):
        peers = [peers]
    peer_names = list(PEER_NAMES if peers is True else () if peers is False else peers)
    unknown = [p for p in peer_names if p not in PEER_NAMES]
    if unknown:
        raise ValueError(f"unknown peers {unknown}; use any of {', '.join(PEER_NAMES)}")
    if service is None:
        from assistant.service import Assistant

        service = Assistant(settings)
    started = time.perf_counter()
    load_start = _load_avg()
    run = _Run(settings, service, sys.stderr.isatty() if progress is None else progress)

    search_items: list[SearchItem] = _load_items(search_set or SEARCH_SET, SearchItem.from_json, run.errors)
    qa_context: list[QaItem] = _load_items(qa_set or QA_SET, QaItem.from_json, run.errors)
    wanted = SPLITS if split == "all" else (split,)
    search_items = [i for i in search_items if i.split in wanted]
    qa_items = [i for i in qa_context if i.split in wanted]

    run.log(f"ingesting {settings.corpus_dir}")
    corpus = run.ingest()
    run.build_peers(peer_names)
    run.warm_up()
    search_results = run.run_search(search_items)
    top_results = run.run_top_passage(qa_items)
    qa_results = run.run_qa(qa_items, qa_context)

    systems = [OURS, *run.peers]
    results: dict[str, Any] = {}
    present = [s for s in wanted if any(i.split == s for i in [*search_items, *qa_items])]  # splits with items
    for name in [*present, "all"] if split == "all" else [split]:
        keep = set(SPLITS) if name == "all" else {name}
        results[name] = {
            "retrieval": {
                system: summarise_retrieval(
                    [r for r in search_results if r.system == system and r.split in keep],
                    [t for t in top_results if t.system == system and t.split in keep],
                )
                for system in systems
            },
            "answers": summarise_answers([r for r in qa_results if r.split in keep]),
        }

    summary: dict[str, Any] = {
        "generated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "elapsed_s": round(time.perf_counter() - started, 1),
        "split": split,
        "machine": {"cpus": os.cpu_count(), "load_avg_1m_start": load_start, "load_avg_1m_end": _load_avg()},
        "settings": settings.public_dump(),
        "corpus": corpus,
        "sets": {"search": len(search_items), "qa": len(qa_items)},
        "systems": systems,
        "peers": run.peer_info,
        "results": results,
        "dev_failures": _dev_failures(search_results, qa_results),
        "errors": [asdict(e) for e in run.errors],
        "items": {
            "search": [asdict(r) for r in search_results],
            "top_passage": [asdict(t) for t in top_results],
            "qa": [asdict(q) for q in qa_results],
        },
    }
    markdown = render_markdown(summary)
    target = Path(out_dir) if out_dir is not None else settings.reports_dir
    target.mkdir(parents=True, exist_ok=True)
    paths = {"markdown": target / "report.md", "json": target / "report.json", "chart": target / "report.png"}
    paths["markdown"].write_text(markdown, encoding="utf8")
    paths["json"].write_text(json.dumps(summary, indent=2, default=str, ensure_ascii=False), encoding="utf8")
    try:
        write_chart(summary, paths["chart"])
    except Exception as exc:  # noqa: BLE001 - the figures matter more than the picture
        run.errors.append(ErrorRecord("chart", None, None, _err(exc)))
        summary["errors"] = [asdict(e) for e in run.errors]
    run.log(f"wrote {paths['markdown']}, {paths['json'].name}, {paths['chart'].name}")
    return {"summary": summary, "markdown": markdown, "paths": {k: str(v) for k, v in paths.items()}}


def main(argv: Sequence[str] | None = None) -> int:
    for name, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("TOKENIZERS_PARALLELISM", "false")):
        os.environ.setdefault(name, value)
    parser = argparse.ArgumentParser(prog="python -m evals.run", description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    parser.add_argument("--peers", default=",".join(PEER_NAMES), help="comma-separated peers to compare with")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON instead of Markdown")
    args = parser.parse_args(argv)
    from assistant.config import Settings

    settings = Settings()
    peer_names: list[str] = [] if args.no_peers else [p.strip() for p in args.peers.split(",") if p.strip()]
    report = run_report(settings, split=args.split, peers=peer_names, progress=True)
    print(json.dumps(report["summary"], indent=2, default=str) if args.json else report["markdown"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
