"""What an LLM provider is, and the registry that names them.

A provider streams the text of one chat completion. Built-ins register here the way
a plugin would: ``register_provider("name", "module:Class")`` (imported only when
chosen, so the default offline path never imports an LLM library) or with a factory.

    >>> provider = get_provider(settings)      # settings.llm_provider == "llama_cpp"
    >>> "".join(provider.stream(messages, max_tokens=64))

A provider that can do native function calling also offers ``complete_with_tools``
(:class:`ToolCallingProvider`): one non-streaming completion given OpenAI-style
``tools``, returning either text or the calls the model asks for (:class:`Completion`).
``tool_choice`` is ``"auto"`` (the model decides) or a tool's name (the model must
call that tool; it still writes the arguments). A provider whose endpoint cannot do
tools raises ``ToolsUnsupported``; a provider without the method (an older plugin)
is simply not offered tools. Messages follow the OpenAI chat shape: an assistant
turn may carry ``tool_calls`` and each result is a ``tool`` message naming its call.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypedDict, runtime_checkable

from ...config import Settings
from ...errors import ConfigError


class Message(TypedDict):
    """One chat message."""

    role: str  # "system" | "user" | "assistant" | "tool"
    content: str


class FunctionRequest(TypedDict):
    name: str
    arguments: str  # JSON text, as the model wrote it


class ToolCallRequest(TypedDict):
    """One call in an assistant message's ``tool_calls`` (OpenAI shape)."""

    id: str
    type: str  # "function"
    function: FunctionRequest


class ChatMessage(Message, total=False):
    """A message of a function-calling exchange: an assistant turn that calls tools
    (``tool_calls``, content ``""``) or a tool result (``tool_call_id``, ``name``)."""

    tool_calls: list[ToolCallRequest]
    tool_call_id: str
    name: str


@dataclass(frozen=True)
class ModelCall:
    """A tool call the model asked for; ``arguments`` is its raw JSON text (unchecked)."""

    id: str
    name: str
    arguments: str


@dataclass(frozen=True)
class Completion:
    """One non-streaming reply: text, or the tool calls the model made."""

    text: str = ""
    calls: tuple[ModelCall, ...] = ()


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


@runtime_checkable
class ToolCallingProvider(LlmProvider, Protocol):
    """A provider that can offer tools to the model (native function calling)."""

    def complete_with_tools(
        self,
        messages: Sequence[Message],
        tools: Sequence[dict[str, Any]],
        *,
        tool_choice: str = "auto",
        max_tokens: int,
    ) -> Completion:
        """One completion with ``tools`` offered. Raises ``ToolsUnsupported`` when the
        model or endpoint cannot call tools, ``ProviderError`` when it fails."""
        ...


def openai_tool_choice(tool_choice: str) -> str | dict[str, Any]:
    """``"auto"``/``"none"`` as they are; a tool's name as OpenAI's named choice."""
    if tool_choice in ("auto", "none"):
        return tool_choice
    return {"type": "function", "function": {"name": tool_choice}}


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
