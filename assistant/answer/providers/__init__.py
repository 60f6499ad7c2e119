"""LLM providers, registered by name: ``openai`` (any OpenAI-compatible endpoint) and
``llama_cpp`` (a local GGUF model). ``none`` means the extractive composer alone."""

from .base import (
    ChatMessage,
    Completion,
    LlmProvider,
    Message,
    ModelCall,
    ToolCallingProvider,
    get_provider,
    provider_names,
    register_provider,
)

__all__ = [
    "ChatMessage",
    "Completion",
    "LlmProvider",
    "Message",
    "ModelCall",
    "ToolCallingProvider",
    "get_provider",
    "provider_names",
    "register_provider",
]
