"""The grounding check, run on every answer (extractive or LLM) before it is shown.

One job: keep only what the cited evidence backs.

* Every citation's quote must be a verbatim substring of its cited page
  (``docstore.get_page(doc_id, page).text``); its ``start`` offset is recorded for
  highlighting. A quote that differs only in layout whitespace is replaced by the
  page's exact slice; anything else is dropped.
* Every figure, date, £ amount, percentage and reference in a sentence must occur in
  a passage that sentence cites (or, for an uncited sentence, in any cited passage)
  or in a tool result. Sentences that fail are removed and listed in ``removed``.
* Citation markers are renumbered 1..n in order of first use; unused citations go.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..types import Citation, ToolCall
from .extractive import DocStore
from .figures import Figure, evidence_keys, extract_figures, supports

_MARKER = re.compile(r"\[(\d{1,3})\]")
_PAGE_REF = re.compile(r"\b(?:p|pp|page|pages)\.?\s*\d+(?:\s*[-–]\s*\d+)?", re.I)
_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))(?:\s*\[\d{1,3}\])*\s+(?=[A-Z\"“(£0-9])|\n+")
_ABBREV_END = re.compile(
    r"\b(?:p|pp|no|nos|para|paras|e\.g|i\.e|cf|approx|inc|mr|mrs|ms|dr|cllr|st)\.$", re.I
)


@dataclass
class Grounded:
    """The checked answer: kept text, verified citations, removed sentences."""

    text: str
    citations: list[Citation]
    removed: list[str] = field(default_factory=list)
    dropped_citations: list[int] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return not self.removed and not self.dropped_citations


def split_sentences(text: str) -> list[str]:
    """Sentences of an answer, each keeping the [n] markers that follow it."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE.finditer(text):
        cut = match.start()
        if _ABBREV_END.search(text[max(0, cut - 8) : cut]):
            continue
        # keep trailing markers with the sentence they close
        tail = re.match(r"(?:\s*\[\d{1,3}\])*", text[cut:])
        cut += tail.end() if tail else 0
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()]


def answer_figures(sentence: str) -> list[Figure]:
    """The figures a sentence claims (citation markers and page references excluded)."""
    bare = _PAGE_REF.sub(" ", _MARKER.sub(" ", sentence))
    return extract_figures(bare)


def tool_text(result: Any) -> str:
    """A tool result as text, for figure matching."""
    try:
        return json.dumps(result, default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(result)


class GroundingCheck:
    """Check an answer against its citations, the cited pages and tool results.

    >>> check = GroundingCheck(index.docstore)
    >>> grounded = check.check(answer_text, citations, tool_calls=tool_calls)
    >>> grounded.verified, grounded.removed
    """

    def __init__(self, docstore: DocStore) -> None:
        self.docstore = docstore

    def verify_citation(self, citation: Citation) -> Citation | None:
        """The citation with its quote checked against its page and ``start`` set, or None."""
        if citation.page is None:
            # A live figure: no page to check; its evidence is the tool result.
            return citation if citation.kind == "tool" else None
        page = self.docstore.get_page(citation.doc_id, citation.page)
        if page is None or not citation.quote.strip():
            return None
        text = page.text
        if (
            citation.start is not None
            and text[citation.start : citation.start + len(citation.quote)] == citation.quote
        ):
            return citation
        at = text.find(citation.quote)
        if at >= 0:
            return citation.model_copy(update={"start": at})
        # Same words, different layout whitespace: quote the page's own slice instead.
        words = citation.quote.split()
        if not words:
            return None
        pattern = r"\s+".join(re.escape(w) for w in words)
        match = re.search(pattern, text)
        if match is None:
            return None
        return citation.model_copy(update={"quote": match.group(0), "start": match.start()})

    def check(
        self,
        text: str,
        citations: Sequence[Citation],
        *,
        tool_calls: Sequence[ToolCall] = (),
        allowed: Iterable[str] = (),
    ) -> Grounded:
        """Remove what the evidence does not back; renumber the citations kept.

        ``allowed`` are extra texts whose figures may appear anywhere (the question,
        for a refusal that restates it).
        """
        by_n: dict[int, Citation] = {}
        dropped: list[int] = []
        for citation in citations:
            checked = self.verify_citation(citation)
            if checked is None:
                dropped.append(citation.n)
            else:
                by_n[citation.n] = checked
        tool_keys = (
            set().union(*(evidence_keys(tool_text(c.result)) for c in tool_calls)) if tool_calls else set()
        )
        allowed_keys = set().union(*(evidence_keys(a) for a in allowed)) if allowed else set()
        keys_of = {n: self._citation_keys(c) for n, c in by_n.items()}
        all_keys = set().union(*keys_of.values()) if keys_of else set()

        kept: list[str] = []
        removed: list[str] = []
        for sentence in split_sentences(text):
            marks = [int(m) for m in _MARKER.findall(sentence)]
            valid = [n for n in marks if n in by_n]
            if marks and not valid:
                removed.append(sentence)  # it cited only passages that failed the check
                continue
            sentence = _MARKER.sub(lambda m: m.group(0) if int(m.group(1)) in by_n else "", sentence)
            evidence = set().union(*(keys_of[n] for n in valid)) if valid else set(all_keys)
            evidence |= tool_keys | allowed_keys
            if all(supports(f, evidence) for f in answer_figures(sentence)):
                kept.append(re.sub(r"\s+(?=[.,;])", "", sentence).strip())
            else:
                removed.append(sentence)
        body, renumbered = _renumber(" ".join(kept), by_n)
        return Grounded(body, renumbered, removed, dropped)

    @staticmethod
    def _citation_keys(citation: Citation) -> set[str]:
        meta = " ".join(
            filter(
                None, [citation.title, citation.source, citation.date.isoformat() if citation.date else ""]
            )
        )
        return evidence_keys(citation.quote) | evidence_keys(meta)


_REPEATED_MARKER = re.compile(r"(\[\d+\])(?:\s*\1)+")


def _renumber(text: str, by_n: dict[int, Citation]) -> tuple[str, list[Citation]]:
    """Number the cited sources 1, 2, ... in order of first mention.

    Two markers citing the same quote on the same page (a passage and the published
    KPI figure read from it, say) become one source, so no answer lists a quote twice.
    """
    order: dict[int, int] = {}
    first_of: dict[tuple[str, int | None, str], int] = {}
    for match in _MARKER.finditer(text):
        n = int(match.group(1))
        if n not in by_n or n in order:
            continue
        key = (by_n[n].doc_id, by_n[n].page, by_n[n].quote)
        if key in first_of:
            order[n] = order[first_of[key]]
        else:
            first_of[key] = n
            order[n] = len(first_of)
    new_text = _MARKER.sub(lambda m: f"[{order[int(m.group(1))]}]" if int(m.group(1)) in order else "", text)
    new_text = _REPEATED_MARKER.sub(r"\1", new_text)
    citations = [by_n[old].model_copy(update={"n": order[old]}) for old in first_of.values()]
    return re.sub(r"[ \t]{2,}", " ", new_text).strip(), citations
