"""Any OpenAI-compatible chat endpoint: OpenAI, Azure OpenAI (v1 API), Ollama, vLLM,
LM Studio, llama-cpp-python's own server.

Settings: ``llm_base_url`` (e.g. ``http://127.0.0.1:11434/v1``), ``llm_api_key``
(any non-empty string for local servers), ``llm_model``, ``llm_timeout_s``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ...config import Settings
from ...errors import ConfigError, ProviderError
from .base import Message


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
