"""The composer: question in, verified and cited Answer out (streamed).

One job: run one turn. Read the question in the light of the conversation (follow-ups
rewritten deterministically), search, call a KPI tool when the router maps the
question to one, compose (extractive by default, an LLM when ``llm_provider`` says
so), run the grounding check on whatever was composed, and stream events:

    {"event": "status", "data": "Searching the papers..."}
    {"event": "token",  "data": "text piece"}            # LLM tokens or extractive text
    {"event": "answer", "data": Answer}                   # always last

Token events show progress; the ``answer`` event carries the checked text, which
may be shorter than the tokens streamed (unsupported sentences removed).

With an LLM that can call tools, a figure question goes through native function
calling (:mod:`assistant.answer.function_calling`): the model is offered the KPI tools
(forced to the router's tool when the router recognised one), its calls are checked
and run, and its results come back to it as ``tool`` messages before it writes the
answer. Its calls are listed in ``tool_calls`` (``caller="model"``); only those that
fit the question are evidence (the others are listed with ``used=False``). When the
provider cannot call tools, or none of the model's calls gives a usable figure, the
router's call is used, with a note.
When the router has a call, the model gets one round of calls (the router's figure
is the fallback); otherwise a second round, to correct an error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..config import LOCAL_OPERATOR, Principal, Settings
from ..errors import ProviderError, ToolError, ToolsUnsupported
from ..types import Answer, Citation, Hit, SearchFilters, ToolCall
from .extractive import (
    FIGURE_THRESHOLD,
    TEXT_THRESHOLD,
    Draft,
    ExtractiveComposer,
    citation_for,
    measure_terms,
    refusal_text,
)
from .followup import rewrite, standalone_history
from .function_calling import Exchange, FunctionCaller, describe_calls, question_misfit, supports_tools
from .grounding import Grounded, GroundingCheck, split_sentences
from .lexicon import COUNCILS, council_id, expansions, terms
from .llm import Source, attach_markers, build_messages, generate, supported_by_terms
from .multipart import join_drafts, part_frames
from .providers.base import ChatMessage, LlmProvider, get_provider
from .question import QuestionFrame, parse_question
from .tooling import call_tool, describe, fold

SEARCH_K = 10
_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "person": ("name of the person",),
    "count": ("number of",),
    "money": ("budget", "£"),
    "judgement": ("judgement", "rated", "requires improvement", "good", "outstanding", "inadequate"),
    "frequency": ("weekly", "monthly", "termly"),
}
MAX_LLM_SOURCES = 4
MAX_RELATED = 3
_REFUSAL = re.compile(
    r"\bthe papers do not say\b|\bdo(?:es)? not (?:say|contain|mention|provide)\b|\bno information\b", re.IGNORECASE
)


class Composer:
    """Answers questions over an index and a KPI store.

    >>> composer = Composer(settings, index=index, kpis=kpis)
    >>> composer.answer("How many children were in care in Leicestershire on 31 March 2020?").found
    True
    """

    def __init__(self, settings: Settings, *, index: Any, kpis: Any = None) -> None:
        self.settings = settings
        self.index = index
        self.kpis = kpis
        self._provider: LlmProvider | None = None
        self._provider_loaded = False

    # --- parts ----------------------------------------------------------------------
    @property
    def extractive(self) -> ExtractiveComposer:
        if not hasattr(self, "_extractive"):
            self._extractive = ExtractiveComposer(self.index.docstore)
        return self._extractive

    @property
    def grounding(self) -> GroundingCheck:
        if not hasattr(self, "_grounding"):
            self._grounding = GroundingCheck(self.index.docstore)
        return self._grounding

    @property
    def provider(self) -> LlmProvider | None:
        """The configured LLM provider (None for the extractive default)."""
        if not self._provider_loaded:
            self._provider = get_provider(self.settings)
            self._provider_loaded = True
        return self._provider

    @property
    def function_caller(self) -> FunctionCaller:
        """The KPI tools as offered to an LLM (native function calling)."""
        if not hasattr(self, "_function_caller"):
            self._function_caller = FunctionCaller(self.kpis)
        return self._function_caller

    def warm_up(self) -> None:
        """Load the LLM (if any) now rather than on the first question."""
        if self.provider is not None:
            try:
                self.provider.warm_up()
            except ProviderError:
                pass  # reported, with the extractive fallback, on the first question

    # --- one turn -----------------------------------------------------------------
    def answer(
        self,
        question: str,
        *,
        history: Sequence[tuple[str, Answer]] = (),
        principal: Principal = LOCAL_OPERATOR,
    ) -> Answer:
        """The final Answer of :meth:`stream`."""
        result: Answer | None = None
        for event in self.stream(question, history=list(history), principal=principal):
            if event["event"] == "answer":
                result = event["data"]
        assert result is not None
        return result

    def stream(
        self, question: str, *, history: list[tuple[str, Answer]], principal: Principal
    ) -> Iterator[dict[str, Any]]:
        """Events of one turn; the last is ``{"event": "answer", "data": Answer}``."""
        standalone = rewrite(question, standalone_history([q for q, _ in history]))
        notes: list[str] = []
        if standalone != question:
            notes.append(f"Read as: {standalone}")
            yield {"event": "status", "data": f"Reading the question as: {standalone}"}
        frame = parse_question(standalone)

        yield {"event": "status", "data": "Searching the papers..."}
        hits = self._search(frame, principal)
        tool_call = None if frame.foreign else self._tool(standalone, notes)
        if tool_call is not None and not _tool_fits(frame, tool_call):
            tool_call = None  # a count for a percentage question: not the figure asked for
        draft = self._draft(standalone, frame, hits, principal)
        tool_text, tool_citations = ("", [])
        if tool_call is not None:
            tool_text, tool_citations = describe(tool_call, len(draft.citations) + 1, self._title)
            if not _tool_names_measure(frame, tool_text):
                # The KPI names another measure ("children in care" for an SDQ question).
                tool_call, tool_text, tool_citations = None, "", []
        tool_calls = [tool_call] if tool_call is not None else []

        provider = self.provider
        evidence = draft.found or bool(tool_citations)
        if provider is not None and (evidence or self._offers_tools(frame, tool_calls)):
            answer = yield from self._llm_turn(
                provider, frame, draft, tool_text, tool_citations, tool_calls, notes
            )
        else:
            answer = self._extractive_answer(frame, draft, tool_text, tool_citations, tool_calls, notes)
            yield from _chunks(answer.answer)
        if not answer.found:
            answer = answer.model_copy(update={"related": related_documents(hits, frame)})
        yield {"event": "answer", "data": answer}

    # --- steps ----------------------------------------------------------------------
    def _search(self, frame: QuestionFrame, principal: Principal) -> list[Hit]:
        """Hits for the question, its synonyms and date spellings, and its council's papers.

        Each search is ~10 ms, so recall is bought with a few: the papers write the
        same fact as "children in care on 31 March 2019" and "LAC number at 31/3/2019".
        """
        words = " ".join([frame.text, *expansions(frame.text), *_TYPE_WORDS.get(frame.answer_type, ())])
        queries: list[tuple[str, SearchFilters]] = [(words, SearchFilters())]
        variants = period_variants(frame)
        if variants:
            queries.append((" ".join([*expansions(frame.text), *variants]), SearchFilters()))
        for council in sorted(frame.councils):
            queries.append((words, SearchFilters(council=COUNCILS[council])))
        merged: dict[str, Hit] = {}
        for query, filters in queries:
            for hit in self.index.search(query, filters=filters, k=SEARCH_K, principal=principal):
                key = hit.chunk_id or f"{hit.doc_id}:{hit.page}:{hit.start}"
                if key not in merged or merged[key].score < hit.score:
                    merged[key] = hit
        return sorted(merged.values(), key=lambda h: -h.score)[: 2 * SEARCH_K]

    def _draft(self, question: str, frame: QuestionFrame, hits: list[Hit], principal: Principal) -> Draft:
        """The extractive draft; a question asking two things is answered part by part."""
        frames = part_frames(question, frame)
        if len(frames) < 2:
            return self.extractive.compose(frame, hits)
        parts = [(f, self.extractive.compose(f, self._search(f, principal))) for f in frames]
        return join_drafts(frame, parts)

    def _title(self, doc_id: str) -> str | None:
        doc = self.index.docstore.get_document(doc_id)
        return doc.title if doc is not None else None

    def _tool(self, question: str, notes: list[str]) -> ToolCall | None:
        try:
            return call_tool(self.kpis, question)
        except ToolError as exc:
            notes.append(f"KPI figures unavailable: {exc.detail}")
            return None

    def _extractive_answer(
        self,
        frame: QuestionFrame,
        draft: Draft,
        tool_text: str,
        tool_citations: list[Citation],
        tool_calls: list[ToolCall],
        notes: list[str],
        *,
        mode: str = "extractive",
        removed: Iterable[str] = (),
    ) -> Answer:
        draft_text = draft.text if draft.found else ""
        if draft.found and draft.figure is not None and tool_calls and tool_citations:
            # The tool restates the passage's figure: fold it in rather than repeat it.
            folded = fold(
                tool_calls[0], len(draft.citations) + 1, self._title, _as_float(draft.figure), draft.date
            )
            draft_text = draft.with_lead_markers(folded.lead_markers)
            tool_text, tool_citations = folded.text, folded.citations
        text = " ".join(filter(None, [draft_text, tool_text])) or draft.text
        citations = [*(draft.citations if draft.found else []), *tool_citations]
        grounded = self.grounding.check(text, citations, tool_calls=tool_calls, allowed=[frame.text])
        had_evidence = draft.found or bool(tool_citations)
        found = had_evidence and bool(grounded.citations)
        if had_evidence and not found:
            # Everything failed the check: refuse rather than show an unverified figure.
            grounded = Grounded(
                refusal_text(frame, draft.rejections), [], grounded.removed, grounded.dropped_citations
            )
        return _answer(grounded, found, tool_calls, mode, [*removed, *grounded.removed], notes)

    def _llm_turn(
        self,
        provider: LlmProvider,
        frame: QuestionFrame,
        draft: Draft,
        tool_text: str,
        tool_citations: list[Citation],
        tool_calls: list[ToolCall],
        notes: list[str],
    ) -> Iterator[dict[str, Any]]:
        passages = self._sources(frame, draft, [], "")
        exchange: Exchange | None = None
        if self._offers_tools(frame, tool_calls):
            yield {"event": "status", "data": "Looking up KPI figures..."}
            try:
                exchange = self._function_calls(provider, frame, tool_calls, len(passages) + 1, notes)
            except ProviderError as exc:
                notes.append(f"The language model failed ({exc.detail}); showing the extractive answer.")
                return self._extractive_answer(
                    frame, draft, tool_text, tool_citations, tool_calls, notes, mode="llm-fallback"
                )
        # listed whatever became of them; those not used carry used=False (renderers hide them)
        made = exchange.calls if exchange is not None else []
        tool_turns: list[ChatMessage] = []
        if exchange is not None and exchange.used:
            tool_calls, tool_turns = exchange.used, exchange.messages
            tool_text, tool_citations = describe_calls(exchange.used, len(draft.citations) + 1, self._title)
        elif made and tool_calls:
            notes.append("None of the model's KPI calls gave a usable figure; the figure is the question router's.")
        listed = [*made, *(c for c in tool_calls if c not in made)]
        if not draft.found and not tool_citations:  # the model's calls found nothing either
            return _listing(self._extractive_answer(frame, draft, "", [], [], notes), listed)
        sources = self._sources(frame, draft, tool_citations, tool_text)
        # The model's own calls come back to it as tool messages; router figures are numbered sources.
        messages = [*build_messages(frame.text, passages if tool_turns else sources), *tool_turns]
        yield {"event": "status", "data": "Writing the answer..."}
        pieces: list[str] = []
        try:
            for piece in generate(provider, messages, max_tokens=self.settings.llm_max_tokens):
                pieces.append(piece)
                yield {"event": "token", "data": piece}
        except ProviderError as exc:
            notes.append(f"The language model failed ({exc.detail}); showing the extractive answer.")
            fallback = self._extractive_answer(
                frame, draft, tool_text, tool_citations, tool_calls, notes, mode="llm-fallback"
            )
            return _listing(fallback, listed)

        reply = attach_markers("".join(pieces).strip(), sources)
        kept: list[str] = []
        off_source: list[str] = []
        for sentence in split_sentences(reply):
            (kept if supported_by_terms(sentence, sources) else off_source).append(sentence)
        citations = [s.citation for s in sources]
        grounded = self.grounding.check(" ".join(kept), citations, tool_calls=tool_calls)
        removed = [*off_source, *grounded.removed]
        usable = bool(grounded.citations) and not _REFUSAL.search(grounded.text)
        if frame.wants_figure:
            usable = usable and any(
                f.kind in ("number", "money", "percent") and not f.is_year
                for f in _claimed_figures(grounded.text)
            )
        if not usable:
            notes.append(
                "The language model's answer could not be verified against the papers; showing the extractive answer."
            )
            return _listing(
                self._extractive_answer(
                    frame,
                    draft,
                    tool_text,
                    tool_citations,
                    tool_calls,
                    notes,
                    mode="llm-fallback",
                    removed=removed,
                ),
                listed,
            )
        grounded.removed = removed
        return _answer(grounded, True, listed, f"llm:{provider.name}", removed, notes)

    def _offers_tools(self, frame: QuestionFrame, router_calls: list[ToolCall]) -> bool:
        """Whether the LLM is offered the KPI tools: a figure question about a local council."""
        return self.kpis is not None and not frame.foreign and (bool(router_calls) or frame.wants_figure)

    def _function_calls(
        self,
        provider: LlmProvider,
        frame: QuestionFrame,
        router_calls: list[ToolCall],
        first_n: int,
        notes: list[str],
    ) -> Exchange | None:
        """The model's KPI calls (None when it cannot call tools: the router's call stands)."""
        if not supports_tools(provider):
            notes.append(f"The {provider.name} provider cannot call tools; KPI figures are the question router's.")
            return None
        choice = router_calls[0].name if router_calls else "auto"
        try:
            exchange = self.function_caller.run(
                provider,
                frame.text,
                tool_choice=choice,
                first_n=first_n,
                titles=self._title,
                fits=lambda call: self._misfit(frame, call),
                max_rounds=1 if router_calls else None,  # the router's call is the fallback
            )
        except ToolsUnsupported as exc:
            notes.append(f"The language model cannot call tools ({exc.detail}); KPI figures are the question router's.")
            return None
        notes.extend(exchange.notes)
        return exchange

    def _misfit(self, frame: QuestionFrame, call: ToolCall) -> str | None:
        """Why the model's call does not answer the question (the router's call's checks too)."""
        if not _tool_fits(frame, call):
            return "its figure is not the kind of figure the question asks for"
        if not _tool_names_measure(frame, describe(call, 1, self._title)[0]):
            return "it is not the measure the question asks about"
        return question_misfit(frame, call)

    def _sources(
        self, frame: QuestionFrame, draft: Draft, tool_citations: list[Citation], tool_text: str
    ) -> list[Source]:
        threshold = FIGURE_THRESHOLD if frame.wants_figure else TEXT_THRESHOLD
        sources: list[Source] = []
        for candidate in draft.candidates:
            if len(sources) >= MAX_LLM_SOURCES:
                break
            if candidate.score < threshold or any(s.citation.quote == candidate.quote for s in sources):
                continue
            sources.append(Source(citation_for(len(sources) + 1, candidate), candidate.quote))
        tool_sentences = {int(m): s for s in split_sentences(tool_text) for m in re.findall(r"\[(\d+)\]", s)}
        for citation in tool_citations:
            n = len(sources) + 1
            text = re.sub(r"\s*\[\d+\]", "", tool_sentences.get(citation.n, citation.quote))
            sources.append(Source(citation.model_copy(update={"n": n}), f"{text} {citation.quote}"))
        return sources


def period_variants(frame: QuestionFrame) -> list[str]:
    """Other spellings of the question's dates and financial years ("31/3/2019", "2014/15")."""
    out: list[str] = []
    for iso in sorted(frame.dates):
        day = dt.date.fromisoformat(iso)
        out += [
            f"{day.day}/{day.month}/{day.year}",
            f"{day.day} {day:%B %Y}",
            f"{_ordinal(day.day)} {day:%B}",
        ]
    for fy in sorted(frame.fys):
        y = int(fy)
        out += [f"{y}-{(y + 1) % 100:02d}", f"{y}/{(y + 1) % 100:02d}", f"{y}/{y + 1}"]
    return out


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_UNITS_FOR = {
    "count": {"count", "fte", None},
    "money": {"gbp"},
    "percent": {"percent"},
    "rate": {"rate_per_10k", "percent"},
}


def _tool_fits(frame: QuestionFrame, call: ToolCall) -> bool:
    """Whether a tool's figure is the kind of figure the question asks for."""
    wanted = _UNITS_FOR.get(frame.answer_type)
    if wanted is None:
        return frame.answer_type == "text"  # "What is the rate ...?" style questions
    result = call.result if isinstance(call.result, dict) else {}
    unit = result.get("unit")
    return unit in wanted or not result


def _tool_names_measure(frame: QuestionFrame, tool_text: str) -> bool:
    """Whether a KPI result's description names the measure the question asks about."""
    measure = measure_terms(frame)
    if not measure:
        return True
    return len(measure & terms(tool_text)) / len(measure) >= 0.6


def _as_float(figure: Any) -> float:
    try:
        return float(figure.value)
    except (TypeError, ValueError):
        return float("nan")


def _claimed_figures(text: str) -> list[Any]:
    from .grounding import answer_figures

    return answer_figures(text)


def _answer(
    grounded: Grounded,
    found: bool,
    tool_calls: list[ToolCall],
    mode: str,
    removed: Sequence[str],
    notes: list[str],
) -> Answer:
    return Answer(
        answer=grounded.text,
        found=found,
        citations=grounded.citations,
        tool_calls=tool_calls,
        verified=not removed and not grounded.dropped_citations,
        mode=mode,
        removed=list(removed),
        notes=list(notes),
    )


def _listing(answer: Answer, calls: list[ToolCall]) -> Answer:
    """``answer`` listing every KPI call made this turn (the model's included)."""
    return answer.model_copy(update={"tool_calls": calls}) if calls else answer


def _chunks(text: str, words: int = 8) -> Iterator[dict[str, Any]]:
    """The extractive answer as a few token events (the UI shows text as it arrives)."""
    parts = re.findall(r"\S+\s*", text)
    for i in range(0, len(parts), words):
        yield {"event": "token", "data": "".join(parts[i : i + words])}


def related_documents(hits: Sequence[Hit], frame: QuestionFrame) -> list[Hit]:
    """The closest documents (one hit each), the asked council's first."""
    best: dict[str, Hit] = {}
    for hit in hits:
        if hit.doc_id not in best:
            best[hit.doc_id] = hit
    ordered = sorted(
        best.values(),
        key=lambda h: (0 if (council_id(h.council) in frame.councils) else 1, -h.score),
    )
    return ordered[:MAX_RELATED]
