"""The assistant's error tree. Every error names the file or field at fault.

    AssistantError                 status 500
     +-- ConfigError               status 500  (field)
     +-- IngestError               status 422  (path)
     |    +-- UnsupportedFile      file type the readers cannot handle
     |    +-- UnreadableFile       corrupt, encrypted, binary-as-text
     |    +-- EmptyDocument        no extractable text (image-only, zero bytes)
     +-- IndexNotReady             status 503  nothing ingested yet / store missing
     +-- NotFound                  status 404  (what)
     +-- BadRequest                status 400  (field)
     +-- ProviderError             status 502  LLM backend failed or unreachable
     |    +-- ToolsUnsupported     the model or endpoint cannot do function calling
     +-- GroundingError            status 500  an answer could not be verified
     +-- ToolError                 status 422  KPI tool failed (bad metric, source down)
     |    +-- LiveSourceUnavailable status 503 live KPI file/database unreachable
     +-- AccessDenied              status 403  (or 401 when unauthenticated)

Library errors (pypdf, Chroma, sentence-transformers, SQLAlchemy, llama.cpp) are
wrapped where they are called, ``raise X(...) from exc``. The CLI prints
``str(error)`` on one line and exits 1; the HTTP API returns one JSON shape:
``{"error": {"type": ..., "detail": ..., "field"?: ...}}``.
"""

from __future__ import annotations

from pathlib import Path


class AssistantError(Exception):
    status = 500

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def to_dict(self) -> dict:
        return {"type": type(self).__name__, "detail": self.detail}


class ConfigError(AssistantError):
    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field

    def to_dict(self) -> dict:
        return {**super().to_dict(), "field": self.field}


class IngestError(AssistantError):
    status = 422

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{Path(self.path).name}: {reason}")


class UnsupportedFile(IngestError):
    pass


class UnreadableFile(IngestError):
    pass


class EmptyDocument(IngestError):
    pass


class IndexNotReady(AssistantError):
    status = 503


class NotFound(AssistantError):
    status = 404


class BadRequest(AssistantError):
    status = 400

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field

    def to_dict(self) -> dict:
        return {**super().to_dict(), "field": self.field}


class ProviderError(AssistantError):
    status = 502


class ToolsUnsupported(ProviderError):
    """The model or endpoint cannot call tools (rejects ``tools``, or ignores a forced
    ``tool_choice``); the composer falls back to the deterministic KPI router."""


class GroundingError(AssistantError):
    pass


class ToolError(AssistantError):
    status = 422


class LiveSourceUnavailable(ToolError):
    status = 503


class AccessDenied(AssistantError):
    status = 403


class Unauthenticated(AccessDenied):
    status = 401
