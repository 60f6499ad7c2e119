"""A tool-calling LLM whose calls are given, shared by the function-calling and web tests.

SmolLM2 cannot be made to write a call for the wrong period on purpose, so these tests
script the model's choices; every call it makes is still validated and run for real
(composer, ``FunctionCaller``, KPI store, index). Imported as ``tests.answer.scripted_model``
(the repository root is on ``sys.path``), so ``tests/web`` can use it too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from assistant.answer.providers import Completion, Message, ModelCall


class ScriptedModel:
    """Its tool round asks for ``calls`` (name, raw JSON arguments, as a model writes
    them); its answer repeats the numbered sentences of the tool results it may use
    (not those the composer marked "Not used")."""

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
            content = message["content"]
            if message["role"] == "tool" and re.search(r"\[\d+\]", content) and not content.startswith("Not used"):
                yield content + " "
