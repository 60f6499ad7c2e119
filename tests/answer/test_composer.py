"""Composer wiring: tool calls cited like passages, provider failure falls back."""

from __future__ import annotations

from pathlib import Path

from assistant.answer.composer import Composer
from assistant.answer.providers import get_provider, provider_names
from assistant.config import Settings


def test_kpi_question_goes_through_a_tool_and_is_cited(assistant) -> None:
    answer = assistant.ask("How many children were in care in Leicestershire on 31 March 2020?")
    assert answer.tool_calls and answer.tool_calls[0].name == "get_kpi"
    tool_citations = [c for c in answer.citations if c.kind == "tool"]
    assert tool_citations
    for c in tool_citations:
        assert f"[{c.n}]" in answer.answer
        if c.page is not None:  # a published figure: its page and verbatim quote
            assert c.quote in assistant.index.docstore.get_page(c.doc_id, c.page).text
        else:  # a live figure: the source file and the figure's line
            assert "657" in c.quote


def test_wrong_council_tool_result_gives_no_figure(assistant) -> None:
    answer = assistant.ask("How many children were in care in Leicester City on 31 March 2020?")
    assert not answer.found
    assert not [c for c in answer.citations if c.kind == "tool"]


def test_provider_failure_falls_back_to_extractive(assistant, tmp_path: Path) -> None:
    settings = Settings(
        home=tmp_path,
        llm_provider="openai",
        llm_base_url="http://127.0.0.1:9/v1",
        llm_model="m",
        llm_timeout_s=2,
    )
    composer = Composer(settings, index=assistant.index, kpis=None)
    answer = composer.answer("What was the LAC budget in 2014-15?")
    assert answer.mode == "llm-fallback"
    assert answer.found and "£25,627,200" in answer.answer
    assert any("language model failed" in n for n in answer.notes)


def test_providers_registered_by_name(tmp_path: Path) -> None:
    assert {"openai", "llama_cpp"} <= set(provider_names())
    assert get_provider(Settings(home=tmp_path)) is None  # "none": extractive
