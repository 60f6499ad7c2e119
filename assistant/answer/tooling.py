"""KPI tool calls for the composer: route a question, call the tool, cite the result.

One job: the bridge between the deterministic router (``assistant.tools.router``)
and an :class:`~assistant.types.Answer`. A tool result is cited like a passage
(``Citation(kind="tool")``): a published figure cites the page and verbatim quote it
came from; a live figure cites its source file with ``page=None`` and the figure's
line as the quote. Where live and published figures differ, both are given and the
newer is named.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from ..errors import ToolError
from ..types import Citation, ToolCall

_UNIT_FORMAT = {
    "gbp": lambda v: f"£{v:,.0f}" if v == int(v) else f"£{v:,.2f}",
    "percent": lambda v: f"{v:g}%",
    "rate_per_10k": lambda v: f"{v:g} per 10,000 children",
    "fte": lambda v: f"{v:g} FTE",
}


def route_question(question: str) -> Any | None:
    """The router's tool request for ``question``, or None (no tool, or tools absent)."""
    try:
        from ..tools.catalogue import CATALOGUE
        from ..tools.router import route
    except ImportError:  # the tools package is optional for the composer
        return None
    return route(question, CATALOGUE)


def call_tool(kpis: Any, question: str) -> ToolCall | None:
    """Route ``question`` and run the tool it maps to; errors become a result."""
    if kpis is None:
        return None
    request = route_question(question)
    if request is None:
        return None
    name = str(getattr(request, "name", "") or request["name"])
    arguments = dict(getattr(request, "arguments", None) or request["arguments"])
    try:
        result = getattr(kpis, name)(**arguments)
    except ToolError as exc:
        result = {"error": exc.detail}
    return ToolCall(name=name, arguments=arguments, result=_plain(result))


def _plain(value: Any) -> Any:
    """A JSON-ready copy of a tool result (pydantic models and dates included)."""
    return json.loads(json.dumps(value, default=_default))


def _default(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def observations(result: Any) -> Iterator[dict[str, Any]]:
    """Every KPI observation (a dict with ``value`` and ``source``) inside a result."""
    if isinstance(result, dict):
        if "value" in result and "source" in result and isinstance(result.get("value"), (int, float)):
            yield result
            return
        for item in result.values():
            yield from observations(item)
    elif isinstance(result, list):
        for item in result:
            yield from observations(item)


def format_value(value: float, unit: str | None) -> str:
    fmt = _UNIT_FORMAT.get(unit or "count")
    if fmt is not None:
        return fmt(float(value))
    return f"{value:,.0f}" if float(value) == int(value) else f"{value:,g}"


def _as_date(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def describe(call: ToolCall, first_n: int, titles: dict[str, str]) -> tuple[str, list[Citation]]:
    """Sentences stating a tool call's figures, each cited, numbered from ``first_n``."""
    sentences: list[str] = []
    citations: list[Citation] = []
    seen: dict[tuple[str, str, str], list[tuple[dict[str, Any], int]]] = {}
    for obs in observations(call.result):
        n = first_n + len(citations)
        live = obs.get("kind") == "live"
        doc_id = obs.get("doc_id") or obs.get("source")
        page = None if live else obs.get("source_page")
        quote = obs.get("quote") or _figure_line(obs)
        if not live and (page is None or not obs.get("quote")):
            continue  # a published figure must carry its page and verbatim quote
        citations.append(
            Citation(
                n=n,
                doc_id=str(doc_id),
                title=titles.get(str(doc_id), str(obs.get("source"))),
                source=str(obs.get("source")),
                page=page,
                quote=str(quote),
                kind="tool",
            )
        )
        end = _as_date(obs.get("period_end"))
        when = f" at {end.day} {end:%B %Y}" if end else ""
        origin = f"live figure from {obs.get('source')}" if live else "published figure"
        sentences.append(
            f"{obs.get('metric')} for {obs.get('area')}{when}: "
            f"{format_value(obs['value'], obs.get('unit'))} ({origin}) [{n}]."
        )
        key = (str(obs.get("metric")), str(obs.get("area")), str(obs.get("period_end")))
        seen.setdefault(key, []).append((obs, n))
    for group in seen.values():
        kinds = {o.get("kind") for o, _ in group}
        values = {o.get("value") for o, _ in group}
        if {"live", "published"} <= kinds and len(values) > 1:
            live_n = next(n for o, n in group if o.get("kind") == "live")
            sentences.append(f"The live and published figures differ; the live figure [{live_n}] is the newer.")
    return " ".join(sentences), citations


def _figure_line(obs: dict[str, Any]) -> str:
    return ",".join(str(obs.get(k, "")) for k in ("metric", "area", "period_end", "value", "unit"))
