"""Any OpenAI-compatible chat endpoint: OpenAI, Azure OpenAI (v1 API), Ollama, vLLM,
LM Studio, llama-cpp-python's own server.

Settings: ``llm_base_url`` (e.g. ``http://127.0.0.1:11434/v1``), ``llm_api_key``
(any non-empty string for local servers), ``llm_model``, ``llm_timeout_s``.

Tool calls are sent as the OpenAI API has them (``tools``, ``tool_choice``, assistant
``tool_calls``, ``tool`` messages). An endpoint that cannot do tools shows it in one of
two ways, both reported as ``ToolsUnsupported``: it rejects the request (HTTP 400/422
naming tools or functions, or 501), or it ignores a forced ``tool_choice`` and replies
with text. Any other failure is a ``ProviderError`` (llama-cpp-python's server answers
500 to a request it cannot validate). Temperature 0 and a fixed seed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ...config import Settings
from ...errors import ConfigError, ProviderError, ToolsUnsupported
from .base import Completion, Message, ModelCall, openai_tool_choice

SEED = 0
_TOOLS_WORDS = ("tool", "function")


class OpenAICompatProvider:
    """Streams chat completions from an OpenAI-compatible endpoint."""

    name = "openai"

    def __init__(self, settings: Settings) -> None:
        if not settings.llm_base_url:
            raise ConfigError("ASSISTANT_LLM_BASE_URL", "the openai provider needs the endpoint's base URL")
        if not settings.llm_model:
            raise ConfigError("ASSISTANT_LLM_MODEL", "the openai provider needs a model name")
        self.base_url = settings.llm_base_url
        self.api_key = settings.llm_api_key or "not-needed"
        self.model = settings.llm_model
        self.timeout = settings.llm_timeout_s
        self._client: Any = None

    def _get_client(self) -> Any:
        if self._client is None:
            from openai import OpenAI

            self._client = OpenAI(
                base_url=self.base_url, api_key=self.api_key, timeout=self.timeout, max_retries=1
            )
        return self._client

    def warm_up(self) -> None:
        self._get_client()

    def stream(self, messages: Sequence[Message], *, max_tokens: int) -> Iterator[str]:
        import openai

        try:
            response = self._get_client().chat.completions.create(
                model=self.model,
                messages=list(messages),
                max_tokens=max_tokens,
                temperature=0,
                stream=True,
            )
            for chunk in response:
                if not chunk.choices:
                    continue
                piece = chunk.choices[0].delta.content
                if piece:
                    yield piece
        except openai.OpenAIError as exc:
            raise ProviderError(f"LLM endpoint {self.base_url} failed: {exc}") from exc

    def complete_with_tools(
        self,
        messages: Sequence[Message],
        tools: Sequence[dict[str, Any]],
        *,
        tool_choice: str = "auto",
        max_tokens: int,
    ) -> Completion:
        import openai

        try:
            response = self._get_client().chat.completions.create(
                model=self.model,
                messages=list(messages),
                tools=list(tools),
                tool_choice=openai_tool_choice(tool_choice),
                max_tokens=max_tokens,
                temperature=0,
                seed=SEED,
                stream=False,
            )
        except openai.APIStatusError as exc:
            text = str(exc).lower()
            if exc.status_code == 501 or (
                exc.status_code in (400, 422) and any(word in text for word in _TOOLS_WORDS)
            ):
                raise ToolsUnsupported(f"LLM endpoint {self.base_url} does not accept tools: {exc}") from exc
            raise ProviderError(f"LLM endpoint {self.base_url} failed: {exc}") from exc
        except openai.OpenAIError as exc:
            raise ProviderError(f"LLM endpoint {self.base_url} failed: {exc}") from exc
        if not response.choices:
            raise ProviderError(f"LLM endpoint {self.base_url} returned no choices")
        message = response.choices[0].message
        calls = tuple(
            ModelCall(id=call.id or f"call_{i}", name=call.function.name, arguments=call.function.arguments or "")
            for i, call in enumerate(message.tool_calls or [])
            if getattr(call, "function", None) is not None
        )
        if not calls and tool_choice not in ("auto", "none"):
            raise ToolsUnsupported(
                f"LLM endpoint {self.base_url} ignored tool_choice {tool_choice!r} and replied with text"
            )
        return Completion(text=message.content or "", calls=calls)
