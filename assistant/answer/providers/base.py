"""What an LLM provider is, and the registry that names them.

A provider streams the text of one chat completion. Built-ins register here the way
a plugin would: ``register_provider("name", "module:Class")`` (imported only when
chosen, so the default offline path never imports an LLM library) or with a factory.

    >>> provider = get_provider(settings)      # settings.llm_provider == "llama_cpp"
    >>> "".join(provider.stream(messages, max_tokens=64))
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, TypedDict, runtime_checkable

from ...config import Settings
from ...errors import ConfigError


class Message(TypedDict):
    """One chat message."""

    role: str  # "system" | "user" | "assistant"
    content: str


@runtime_checkable
class LlmProvider(Protocol):
    """Streams one chat completion. Raises ``ProviderError`` (``from`` the library's error)."""

    name: str

    def warm_up(self) -> None:
        """Load the model or open the client now rather than on the first question."""
        ...

    def stream(self, messages: Sequence[Message], *, max_tokens: int) -> Iterator[str]:
        """Yield the reply's text in pieces as it is generated."""
        ...


ProviderFactory = Callable[[Settings], LlmProvider]
_REGISTRY: dict[str, ProviderFactory | str] = {}


def register_provider(name: str, factory: ProviderFactory | str) -> None:
    """Register a provider by name: a factory, or ``"module:Class"`` imported on use."""
    _REGISTRY[name] = factory


def provider_names() -> list[str]:
    return sorted(_REGISTRY)


def get_provider(settings: Settings) -> LlmProvider | None:
    """The provider ``settings.llm_provider`` names; None for ``"none"`` (extractive)."""
    name = settings.llm_provider
    if name == "none":
        return None
    factory = _REGISTRY.get(name)
    if factory is None:
        raise ConfigError(
            "ASSISTANT_LLM_PROVIDER", f"unknown provider {name!r}; known: {', '.join(provider_names())}"
        )
    if isinstance(factory, str):
        module_name, _, attr = factory.partition(":")
        factory = getattr(importlib.import_module(module_name), attr)
    return factory(settings)


register_provider("openai", "assistant.answer.providers.openai_compat:OpenAICompatProvider")
register_provider("llama_cpp", "assistant.answer.providers.llama_cpp:LlamaCppProvider")
