"""Constants and helpers shared by the web tests (imported by name: tests/web is on sys.path)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from fastapi.testclient import TestClient

from assistant.answer.providers import Completion, Message, ModelCall

TOKEN = "s3cret-token-for-tests"
STAFF_TOKEN = "staff-token-for-tests"
QUESTION = "How many children were in care in Leicestershire on 31 March 2020?"


def doc_id_of(client: TestClient, source: str) -> str:
    """The document id of the paper whose file name is ``source``."""
    documents = client.get("/api/documents").json()["documents"]
    return str(next(d["doc_id"] for d in documents if d["source"] == source))


# A model call that does not fit QUESTION: the right council and measure, the year before.
# The store holds a real figure for it (582 at 31 March 2019) that must never be shown.
GOOD_CALL = '{"metric": "cla_at_31_march", "area": "Leicestershire", "period": "2020-03-31"}'
MISFIT_CALL = '{"metric": "cla_at_31_march", "area": "Leicestershire", "period": "2019"}'


class ScriptedModel:
    """An LLM that can call tools, standing in for a real one whose choices vary: its
    tool round asks for ``calls`` (name, raw JSON arguments, as a model writes them) and
    its answer repeats the numbered sentences of the tool results it was given. Every
    call is still checked and run against the real KPI store by the real composer."""

    name = "scripted"

    def __init__(self, calls: list[tuple[str, str]]) -> None:
        self.calls = calls

    def warm_up(self) -> None:
        pass

    def complete_with_tools(
        self,
        messages: Sequence[Message],
        tools: Sequence[dict[str, Any]],
        *,
        tool_choice: str = "auto",
        max_tokens: int,
    ) -> Completion:
        return Completion(calls=tuple(ModelCall(f"call_{i}", n, a) for i, (n, a) in enumerate(self.calls, 1)))

    def stream(self, messages: Sequence[Message], *, max_tokens: int) -> Iterator[str]:
        for message in messages:
            if message["role"] == "tool" and re.search(r"\[\d+\]", message["content"]):
                yield message["content"] + " "
