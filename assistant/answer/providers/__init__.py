"""LLM providers, registered by name: ``openai`` (any OpenAI-compatible endpoint) and
``llama_cpp`` (a local GGUF model). ``none`` means the extractive composer alone."""

from .base import LlmProvider, Message, get_provider, provider_names, register_provider

__all__ = ["LlmProvider", "Message", "get_provider", "provider_names", "register_provider"]
