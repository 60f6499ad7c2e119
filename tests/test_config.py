"""Settings: environment variables, validation, tokens."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings, parse_tokens
from assistant.errors import ConfigError


def test_environment_variables_are_read(monkeypatch, tmp_path):
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "h"))
    monkeypatch.setenv("ASSISTANT_PORT", "8123")
    settings = Settings()
    assert settings.home == tmp_path / "h"
    assert settings.port == 8123
    assert settings.chroma_dir == tmp_path / "h" / "chroma"


def test_chunk_size_over_model_limit_is_refused(tmp_path):
    with pytest.raises(Exception, match="256"):
        Settings(home=tmp_path, chunk_max_tokens=400)


def test_bundled_models_resolve_to_real_files():
    settings = Settings()
    assert (Path(settings.embed_model) / "config.json").is_file()
    assert settings.llm_model_path.endswith(".gguf")


def test_tokens_map_to_users_and_groups():
    tokens = parse_tokens("abcdefgh12, s3cr3t-token=alice:staff|foi")
    assert tokens["s3cr3t-token"].user == "alice"
    assert tokens["s3cr3t-token"].can_read("foi")
    assert not tokens["abcdefgh12"].can_read("foi")
    assert tokens["abcdefgh12"].can_read("public")


def test_short_token_is_refused_naming_the_setting():
    with pytest.raises(ConfigError, match="ASSISTANT_API_TOKENS"):
        parse_tokens("short")


def test_public_dump_hides_secrets(tmp_path):
    dumped = Settings(home=tmp_path, api_tokens="abcdefgh12", llm_api_key="sk-x").public_dump()
    assert dumped["api_tokens"] == "***" and dumped["llm_api_key"] == "***"
