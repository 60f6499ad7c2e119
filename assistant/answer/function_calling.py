"""Native function calling: offer the KPI tools to the model and run the calls it makes.

One job: one bounded exchange of tool calls between an LLM and the KPI store, ending
with the calls made (:class:`~assistant.types.ToolCall`, ``caller="model"``) and the
messages to append to the answer prompt (an assistant turn with ``tool_calls``, then
one ``tool`` message per call). The answer itself is written afterwards by the
composer, streamed, from the same messages without tools.

    >>> caller = FunctionCaller(kpis)
    >>> exchange = caller.run(provider, question, tool_choice="get_kpi", first_n=3, titles=titles)
    >>> exchange.calls, exchange.used, exchange.messages, exchange.notes

Design:

* **Tools.** The four KPI FunctionTools of :mod:`assistant.tools.functions`, offered
  through ``metadata.to_openai_tool()`` and tightened: the description is the
  docstring alone, schema titles go, optional arguments are plain types, ``metric`` is
  an ``enum`` of the catalogue's names and ``area``/``areas`` an ``enum`` of the areas
  the store holds figures for (without the now redundant descriptions), so a
  grammar-constrained model (llama.cpp) can only write real names. Periods stay free
  text. When ``tool_choice`` names a tool, only that tool is offered (the model could
  call no other), which keeps a small model's prompt short. Questions about another
  council's area never get here (the composer refuses them), so the area ``enum``
  cannot turn one into a local figure; the fit check catches the wrong local council.
* **Validation.** Nothing the model writes reaches the store unchecked, and no text
  of the model's reaches SQL (the store runs parameterised, read-only queries). The
  arguments must be a JSON object; they are checked against the tool's pydantic
  schema (unknown, missing or mistyped arguments), the metric against the catalogue,
  each area against the areas the store holds figures for, and each period must read
  as a whole as a date, financial year, month or year. A failure never raises: it is
  the call's result (``{"error": ..., "found": False}``), the ``tool`` message the
  model reads ("Error: ..."), and a note on the answer. A figure only ever comes
  from the store.
* **Fit.** The composer passes ``fits(call)`` (its unit and measure checks, then
  :func:`question_misfit` for council and period). A call that does not fit is run and
  listed, but the model is told it was not used, it stays out of ``used`` (its figures
  are neither shown to the model nor accepted by the grounding check), it is listed
  with ``ToolCall.used=False`` (as are failed calls and calls that found no figure:
  the renderers show used calls only), and a note says why.
* **Bounds.** At most :data:`MAX_CALLS` calls over at most :data:`MAX_ROUNDS` rounds.
  The first round uses the caller's ``tool_choice`` (a tool's name forces that tool;
  the model still writes the arguments). A follow-up round (``"auto"``) happens only
  while no call has given a usable figure (an error or a misfit the model may
  correct, or ``list_metrics``); a call repeated with the same arguments is not run
  again and ends the exchange. The composer allows the follow-up round only when the
  question router has no call of its own to fall back on: a second try costs a
  small local model as long as the first, and the router's figure is already there. Text the model writes in a tool round is dropped: the
  composer streams the answer in its own request.
* **Citations.** A used call's figures are cited like passages (metric, area, as-at
  date, source) by :func:`assistant.answer.tooling.describe`, numbered from
  ``first_n``; the ``tool`` message carries those numbered sentences so the model can
  cite ``[n]``. How the messages reach a model is the provider's business (see
  :mod:`.providers.llama_cpp`); an endpoint whose chat template drops ``tool`` messages
  (llama-cpp-python's server with ``chatml-function-calling`` does) leaves the model
  without the figures, and the grounding check then falls back to the extractive answer.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ToolError
from ..types import Citation, ToolCall
from .lexicon import councils_named
from .providers.base import ChatMessage, LlmProvider, Message, ModelCall, ToolCallingProvider
from .question import QuestionFrame
from .tooling import _plain, describe, observations

MAX_CALLS = 3
MAX_ROUNDS = 2
CALL_MAX_TOKENS = 128  # one call's JSON arguments
TOOLS_PROMPT = (
    "You look up council performance figures (KPIs) by calling the functions. "
    "Use the metric, the council area and the period the question names. "
    "Write dates as 2020-03-31, financial years as 2019-20 and years as 2015."
)
_PERIOD_ARGUMENTS = ("period", "since", "until", "periods")
_AREA_ARGUMENTS = ("area", "areas")

Fit = Callable[[ToolCall], "str | None"]
Titles = Callable[[str], "str | None"]


@dataclass
class Exchange:
    """What one function-calling exchange produced."""

    calls: list[ToolCall] = field(default_factory=list)  # every call run, in order (errors included);
    # those whose figures are not used (errors, misfits, no figure) have ``used=False``
    used: list[ToolCall] = field(default_factory=list)  # the calls whose figures the answer may use
    messages: list[ChatMessage] = field(default_factory=list)  # assistant tool_calls + tool results
    notes: list[str] = field(default_factory=list)


def supports_tools(provider: LlmProvider) -> bool:
    """Whether ``provider`` offers native function calling at all."""
    return isinstance(provider, ToolCallingProvider)


def describe_calls(calls: Sequence[ToolCall], first_n: int, titles: Titles) -> tuple[str, list[Citation]]:
    """Numbered sentences and citations for the figures of ``calls``, from ``first_n``."""
    texts: list[str] = []
    citations: list[Citation] = []
    for call in calls:
        text, cited = describe(call, first_n + len(citations), titles)
        texts.append(text)
        citations += cited
    return " ".join(filter(None, texts)), citations


class FunctionCaller:
    """The KPI tools offered to a model, and the checked execution of its calls."""

    def __init__(self, kpis: Any, *, max_calls: int = MAX_CALLS, max_rounds: int = MAX_ROUNDS) -> None:
        if max_calls < 1 or max_rounds < 1:
            raise ValueError("max_calls and max_rounds must be at least 1")
        from ..tools.functions import build_function_tools

        self.kpis = kpis
        self.max_calls = max_calls
        self.max_rounds = max_rounds
        self._tools: dict[str, Any] = {str(tool.metadata.name): tool for tool in build_function_tools(kpis)}

    # --- the tools as the model sees them ------------------------------------------
    def areas(self) -> list[str]:
        """The areas the store holds figures for (published and live), sorted."""
        return sorted({o.area for o in self.kpis.query()})

    def tools(self, only: str | None = None, *, areas: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """The tools as OpenAI-style specs (all four, or ``only`` the one named)."""
        areas = self.areas() if areas is None else areas
        specs = []
        for name, tool in self._tools.items():
            if only is not None and name != only:
                continue
            spec: dict[str, Any] = tool.metadata.to_openai_tool()
            function = spec["function"]
            function["description"] = " ".join((inspect.getdoc(tool.fn) or function["description"]).split())
            function["parameters"] = _tighten(function["parameters"], self.kpis.catalogue.names, areas)
            specs.append(spec)
        return specs

    # --- one exchange ---------------------------------------------------------------
    def run(
        self,
        provider: LlmProvider,
        question: str,
        *,
        tool_choice: str = "auto",
        first_n: int = 1,
        titles: Titles = lambda doc_id: None,
        fits: Fit = lambda call: None,
        max_rounds: int | None = None,
    ) -> Exchange:
        """Offer the tools for ``question`` and run the model's calls (bounded).

        ``max_rounds`` overrides the caller's bound for this exchange (the composer
        allows one round when the question router has a call to fall back on).

        Raises ``ToolsUnsupported`` when the provider cannot call tools and
        ``ProviderError`` when it fails; everything the model gets wrong is a note.
        """
        if not isinstance(provider, ToolCallingProvider):
            raise TypeError(f"provider {provider.name!r} has no complete_with_tools")
        if tool_choice not in ("auto", "none") and tool_choice not in self._tools:
            raise ValueError(f"tool_choice {tool_choice!r}: no such tool")
        areas = self.areas()
        tools = self.tools(None if tool_choice in ("auto", "none") else tool_choice, areas=areas)
        exchange = Exchange()
        prompt: list[Message] = [Message(role="system", content=TOOLS_PROMPT), Message(role="user", content=question)]
        seen: set[str] = set()
        choice = tool_choice
        made = 0
        for _ in range(max_rounds or self.max_rounds):
            completion = provider.complete_with_tools(
                [*prompt, *exchange.messages], tools, tool_choice=choice, max_tokens=CALL_MAX_TOKENS
            )
            requested = list(completion.calls)
            if not requested:
                break
            budget = self.max_calls - made
            if len(requested) > budget:
                exchange.notes.append(
                    f"The model asked for {len(requested) + made} KPI calls; only the first {self.max_calls} were run."
                )
                requested = requested[:budget]
            made += len(requested)
            results: list[ChatMessage] = []
            repeated = False
            for request in requested:
                key = f"{request.name}:{_canonical_json(request.arguments)}"
                if key in seen:
                    repeated = True
                    results.append(_tool_message(request, "Already called with these arguments; see above."))
                    continue
                seen.add(key)
                call = self.execute(request.name, request.arguments, areas=areas)
                results.append(_tool_message(request, self._outcome(call, exchange, first_n, titles, fits)))
                unused = call.name != "list_metrics" and not any(u is call for u in exchange.used)
                exchange.calls.append(call.model_copy(update={"used": False}) if unused else call)
            exchange.messages.append(_assistant_message(requested))
            exchange.messages += results
            if exchange.used or repeated or made >= self.max_calls:
                break
            choice = "auto"
        return exchange

    def _outcome(
        self,
        call: ToolCall,
        exchange: Exchange,
        first_n: int,
        titles: Titles,
        fits: Fit,
    ) -> str:
        """Record ``call`` in ``exchange``; the text of its ``tool`` message."""
        result = call.result
        if isinstance(result, dict) and result.get("error"):
            exchange.notes.append(f"The model's {call.name} call failed: {result['error']}")
            return f"Error: {result['error']}"
        if call.name == "list_metrics":
            return _metrics_text(result)
        reason = fits(call)
        if reason is not None:
            exchange.notes.append(f"The model's {call.name} call ({_arguments_text(call)}) was not used: {reason}.")
            return f"Not used: {reason}. Call again with the metric, area and period the question names."
        n = first_n + len(describe_calls(exchange.used, first_n, titles)[1])
        text, citations = describe(call, n, titles)
        if not citations:
            notes = "; ".join(str(x) for x in (result.get("notes") or [])) if isinstance(result, dict) else ""
            exchange.notes.append(f"The model's {call.name} call ({_arguments_text(call)}) found no figure.")
            return f"No figure found for {_arguments_text(call)}." + (f" {notes}" if notes else "")
        exchange.used.append(call)
        return text

    # --- validation and execution ---------------------------------------------------
    def execute(self, name: str, raw_arguments: str, *, areas: Sequence[str] | None = None) -> ToolCall:
        """Check the model's ``raw_arguments`` for tool ``name`` and run it (read-only).

        Never raises for bad input: the error is the result, ``{"error", "found": False}``.
        """
        try:
            arguments = self.validate(name, raw_arguments, areas=areas)
        except ToolError as exc:
            return ToolCall(
                name=name, arguments=_loose(raw_arguments), result={"error": exc.detail, "found": False}, caller="model"
            )
        from ..tools.functions import run_tool

        try:
            result: Any = run_tool(self.kpis, name, arguments)
        except ToolError as exc:
            result = {"error": exc.detail, "found": False}
        return ToolCall(name=name, arguments=arguments, result=_plain(result), caller="model")

    def validate(self, name: str, raw_arguments: str, *, areas: Sequence[str] | None = None) -> dict[str, Any]:
        """The typed arguments of a call, or ``ToolError`` saying what is wrong."""
        tool = self._tools.get(name)
        if tool is None:
            raise ToolError(f"unknown tool {name!r}; tools: {', '.join(self._tools)}")
        try:
            parsed = json.loads(raw_arguments or "{}")
        except json.JSONDecodeError as exc:
            raise ToolError(f"{name}: the arguments are not valid JSON ({exc.msg})") from exc
        if not isinstance(parsed, dict):
            raise ToolError(f"{name}: the arguments must be a JSON object")
        schema = tool.metadata.fn_schema
        assert schema is not None  # FunctionTool.from_defaults builds one from the signature
        unknown = sorted(set(parsed) - set(schema.model_fields))
        if unknown:
            expected = ", ".join(schema.model_fields) or "none"
            raise ToolError(f"{name}: unknown argument(s) {', '.join(unknown)}; expected {expected}")
        try:
            typed = schema.model_validate(parsed)
        except Exception as exc:  # pydantic.ValidationError: say which argument, in one line
            raise ToolError(f"{name}: bad arguments: {_validation_summary(exc)}") from exc
        arguments = {k: v for k, v in typed.model_dump().items() if k in parsed}
        if "metric" in arguments:
            self.kpis.catalogue.get(arguments["metric"])  # ToolError naming the closest names
        self._check_areas(arguments, self.areas() if areas is None else areas)
        for key in _PERIOD_ARGUMENTS:
            values = arguments.get(key)
            for value in values if isinstance(values, list) else [values]:
                if value is not None and not is_period(value):
                    raise ToolError(
                        f"{key}: {value!r} is not a date or period (write e.g. '2020-03-31', '2019-20' or '2015')"
                    )
        return arguments

    @staticmethod
    def _check_areas(arguments: dict[str, Any], known: Sequence[str]) -> None:
        from ..tools.areas import canonical_area

        for key in _AREA_ARGUMENTS:
            for area in _as_list(arguments.get(key)):
                if canonical_area(area) not in known:
                    shown = ", ".join(known) or "none"
                    raise ToolError(f"{key}: no KPI figures for {area!r}; areas with figures: {shown}")


def question_misfit(frame: QuestionFrame, call: ToolCall) -> str | None:
    """Why a KPI call's figures are not for the council or period the question names.

    None when they are (or when the question names neither). Measure and unit are the
    composer's checks, the same it applies to the router's call.
    """
    if frame.councils:
        for area in [a for key in _AREA_ARGUMENTS for a in _as_list(call.arguments.get(key))]:
            named = councils_named(str(area), question=True)
            if named and not named & frame.councils:
                return f"it is for {area}, not the council the question names"
    if call.name == "get_kpi" and frame.has_period:
        for obs in observations(call.result):
            day = _as_date(obs.get("as_at"))
            if day is None or not _in_question_period(frame, day):
                return f"its figure is dated {obs.get('as_at')}, not the period the question names"
    return None


def _in_question_period(frame: QuestionFrame, day: dt.date) -> bool:
    if day.isoformat() in frame.dates or day.isoformat()[:7] in frame.months or str(day.year) in frame.years:
        return True
    # a financial year runs April to March; an academic year to the end of August
    return any(dt.date(int(y), 4, 1) <= day <= dt.date(int(y) + 1, 8, 31) for y in frame.fys)


def _as_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def is_period(text: str) -> bool:
    """Whether ``text`` reads, as a whole, as an as-at date, a financial year, a month or a year."""
    from ..tools.periods import FINANCIAL_YEAR, MONTH_YEAR, YEAR, parse_date

    value = " ".join(str(text).split())
    if value.lower() in ("latest", "now", "current", "most recent"):
        return True
    if parse_date(value) is not None:
        return True
    return any(p.fullmatch(value) for p in (FINANCIAL_YEAR, MONTH_YEAR, YEAR))


def _tighten(schema: dict[str, Any], metrics: Sequence[str], areas: Sequence[str]) -> dict[str, Any]:
    """A tool's JSON schema, shorter and stricter (see the module docstring)."""
    properties: dict[str, Any] = {}
    for key, prop in schema.get("properties", {}).items():
        prop = {k: v for k, v in prop.items() if k not in ("title", "default")}
        options = [o for o in prop.pop("anyOf", []) if o.get("type") != "null"]
        if len(options) == 1:
            prop.update(options[0])
        if "items" in prop:
            prop["items"] = {k: v for k, v in prop["items"].items() if k != "title"}
        # An enum says what the values are: its description would only lengthen the prompt.
        if key == "metric":
            prop = {"type": "string", "enum": list(metrics)}
        elif key == "area" and areas:
            prop = {"type": "string", "enum": list(areas)}
        elif key == "areas" and areas:
            prop = {"type": "array", "items": {"type": "string", "enum": list(areas)}}
        properties[key] = prop
    tight: dict[str, Any] = {"type": "object", "properties": properties}
    if schema.get("required"):
        tight["required"] = list(schema["required"])
    return tight


def _assistant_message(requests: Sequence[ModelCall]) -> ChatMessage:
    return ChatMessage(
        role="assistant",
        content="",
        tool_calls=[
            {"id": r.id, "type": "function", "function": {"name": r.name, "arguments": r.arguments}} for r in requests
        ],
    )


def _tool_message(request: ModelCall, content: str) -> ChatMessage:
    return ChatMessage(role="tool", content=content, tool_call_id=request.id, name=request.name)


def _metrics_text(result: Any) -> str:
    rows = result if isinstance(result, list) else []
    return "\n".join(f"{m.get('name')}: {m.get('label')} ({m.get('unit')})" for m in rows if isinstance(m, dict))


def _arguments_text(call: ToolCall) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in call.arguments.items() if v is not None) or "no arguments"


def _canonical_json(raw: str) -> str:
    try:
        return json.dumps(json.loads(raw or "{}"), sort_keys=True)
    except json.JSONDecodeError:
        return raw


def _loose(raw: str) -> dict[str, Any]:
    """The model's arguments as given, for the record of a call that was refused."""
    try:
        parsed = json.loads(raw or "{}")
    except json.JSONDecodeError:
        return {"raw": raw}
    return _plain(parsed) if isinstance(parsed, dict) else {"raw": raw}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _validation_summary(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        parts = [f"{'.'.join(str(p) for p in e.get('loc', ())) or 'arguments'}: {e.get('msg')}" for e in errors()]
        return "; ".join(parts)
    return re.sub(r"\s+", " ", str(exc))
