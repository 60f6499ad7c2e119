"""Prompting an LLM over numbered sources, and reading its reply back.

One job: turn vetted evidence into a prompt (``[1] title p.N: text``), stream the
model's reply, and map its ``[n]`` markers back to citations. Sentences the model
left uncited get the marker of the source they overlap most (or none, and the
grounding check then judges them against all sources).

Only evidence that already passed the extractive entity filters (right council,
right period) is offered, so a model cannot pick the other council's figure; what
it invents is removed afterwards by :mod:`assistant.answer.grounding`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..types import Citation
from .grounding import split_sentences
from .lexicon import terms
from .providers.base import LlmProvider, Message

SYSTEM_PROMPT = (
    "You answer questions about UK council papers using only the numbered sources. "
    "Answer in one to three short sentences. Copy every figure exactly as the source writes it. "
    "After each sentence put the number of the source it comes from in square brackets, like [1]. "
    "If the sources do not answer the question, reply: The papers do not say."
)
MAX_SOURCE_CHARS = 900
MAX_PROMPT_CHARS = 4200  # SmolLM2 and friends: n_ctx 2048 leaves ~1,700 tokens of prompt
_MARKER = re.compile(r"\[(\d{1,2})\]")


@dataclass(frozen=True)
class Source:
    """A numbered source offered to the model: a passage citation or a tool figure."""

    citation: Citation
    text: str  # what the model reads (the quote, or the tool's sentence)


def build_messages(question: str, sources: Sequence[Source]) -> list[Message]:
    """The chat messages for ``question`` over numbered ``sources``."""
    lines: list[str] = []
    used = 0
    for source in sources:
        c = source.citation
        where = f" p.{c.page}" if c.page else ""
        body = re.sub(r"\s+", " ", source.text).strip()[:MAX_SOURCE_CHARS]
        line = f"[{c.n}] {c.title}{where}: {body}"
        if used + len(line) > MAX_PROMPT_CHARS and lines:
            break
        lines.append(line)
        used += len(line)
    user = "Sources:\n" + "\n".join(lines) + f"\n\nQuestion: {question}\nAnswer:"
    return [Message(role="system", content=SYSTEM_PROMPT), Message(role="user", content=user)]


def generate(provider: LlmProvider, messages: Sequence[Message], *, max_tokens: int) -> Iterator[str]:
    """Stream the provider's reply (``ProviderError`` propagates to the caller)."""
    yield from provider.stream(messages, max_tokens=max_tokens)


def attach_markers(reply: str, sources: Sequence[Source]) -> str:
    """The reply with unknown markers dropped and uncited sentences given their source.

    An uncited sentence gets the marker of the source sharing most of its terms (at
    least half); otherwise it stays uncited for the grounding check to judge.
    """
    known = {s.citation.n for s in sources}
    reply = _MARKER.sub(lambda m: m.group(0) if int(m.group(1)) in known else "", reply)
    source_terms = {s.citation.n: terms(s.text) for s in sources}
    out: list[str] = []
    for sentence in split_sentences(reply):
        if not _MARKER.search(sentence) and source_terms:
            own = terms(sentence)
            if own:
                n, shared = max(((n, len(own & t)) for n, t in source_terms.items()), key=lambda x: x[1])
                if shared / len(own) >= 0.5:
                    sentence = f"{sentence.rstrip()} [{n}]"
        out.append(sentence)
    return " ".join(out).strip()


def supported_by_terms(sentence: str, sources: Sequence[Source]) -> bool:
    """Whether a sentence's words mostly come from the sources it cites (or any)."""
    marks = {int(m) for m in _MARKER.findall(sentence)}
    pool = [s for s in sources if s.citation.n in marks] or list(sources)
    own = terms(_MARKER.sub(" ", sentence))
    if not own:
        return True
    offered = frozenset().union(*(terms(s.text) | terms(s.citation.title) for s in pool))
    return len(own & offered) / len(own) >= 0.5
