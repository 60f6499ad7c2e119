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
from collections.abc import Callable
from dataclasses import dataclass, field
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
        from ..tools.router import route
    except ImportError:  # the tools package is optional for the composer
        return None
    return route(question)


def call_tool(kpis: Any, question: str) -> ToolCall | None:
    """Route ``question`` and run the tool it maps to; a tool error becomes the result."""
    if kpis is None:
        return None
    request = route_question(question)
    if request is None or request.name == "list_metrics":
        return None
    from ..tools.functions import run_tool

    arguments = dict(request.arguments)
    try:
        result = run_tool(kpis, request.name, arguments)
    except ToolError as exc:
        result = {"error": exc.detail, "found": False}
    return ToolCall(name=request.name, arguments=arguments, result=_plain(result))


def _plain(value: Any) -> Any:
    """A JSON-ready copy of a tool result (pydantic models and dates included)."""
    return json.loads(json.dumps(value, default=_default))


def _default(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def observations(result: Any) -> list[dict[str, Any]]:
    """Every distinct figure (a dict with ``value``, ``source`` and ``as_at``) in a result."""
    found: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("value"), (int, float)) and node.get("source") and node.get("as_at"):
                key = tuple(node.get(k) for k in ("kind", "source", "page", "line", "value", "as_at"))
                if key not in seen:
                    seen.add(key)
                    found.append(node)
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(result)
    return found


def format_value(value: float, unit: str | None) -> str:
    """A figure as people write it: £26,021,400, 12.9%, 657."""
    fmt = _UNIT_FORMAT.get(unit or "count")
    if fmt is not None:
        return fmt(float(value))
    return f"{value:,.0f}" if float(value) == int(value) else f"{value:,g}"


def _as_date(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


@dataclass
class ToolFigure:
    """One citable figure of a tool result: the observation, its citation, a sentence."""

    obs: dict[str, Any]
    citation: Citation
    sentence: str
    live: bool
    value_text: str
    when: str


def tool_figures(call: ToolCall, first_n: int, titles: Callable[[str], str | None]) -> list[ToolFigure]:
    """The citable figures of a tool call, numbered from ``first_n``.

    Published figures without a page and verbatim quote are left out (they could not
    be cited); live figures cite their file with ``page=None``.
    """
    result = call.result if isinstance(call.result, dict) else {"figures": call.result}
    label = _label(call)
    out: list[ToolFigure] = []
    for obs in observations(call.result):
        live = obs.get("kind") == "live"
        if not live and (obs.get("page") is None or not obs.get("quote") or not obs.get("doc_id")):
            continue
        n = first_n + len(out)
        source = str(obs["source"])
        doc_id = source if live else str(obs["doc_id"])
        line = f"line {obs['line']}: " if live and obs.get("line") else ""
        citation = Citation(
            n=n,
            doc_id=doc_id,
            title=titles(doc_id) or source,
            source=source,
            page=None if live else int(obs["page"]),
            quote=str(obs.get("quote") or f"{line}{_figure_line(obs, label)}"),
            kind="tool",
        )
        period = str(obs.get("period") or result.get("period") or "")
        end = _as_date(obs.get("as_at"))
        if period and _as_date(period) is None and period != "latest":
            when = f" in {period}"  # a financial or academic year, "2014-15"
        else:
            when = f" at {end.day} {end:%B %Y}" if end else ""
        area = obs.get("area") or result.get("area") or call.arguments.get("area") or ""
        origin = f"live figure from {source}" if live else "published figure"
        value_text = format_value(obs["value"], obs.get("unit"))
        sentence = f"{label}{f' for {area}' if area else ''}{when}: {value_text} ({origin}) [{n}]."
        out.append(ToolFigure(obs, citation, sentence, live, value_text, when))
    return out


def _label(call: ToolCall) -> str:
    result = call.result if isinstance(call.result, dict) else {}
    return str(result.get("label") or result.get("metric") or call.arguments.get("metric", "KPI"))


def describe(call: ToolCall, first_n: int, titles: Callable[[str], str | None]) -> tuple[str, list[Citation]]:
    """Sentences stating a tool call's figures, each cited, numbered from ``first_n``."""
    result = call.result if isinstance(call.result, dict) else {"figures": call.result}
    entries = tool_figures(call, first_n, titles)
    sentences = [e.sentence for e in entries]
    n_of = {
        (e.obs.get("kind"), e.obs.get("source"), e.obs.get("value"), e.obs.get("as_at")): e.citation.n
        for e in entries
    }
    conflict = result.get("conflict")
    if isinstance(conflict, dict) and conflict.get("newer") in ("live", "published"):
        newer = conflict[conflict["newer"]]
        key = (newer.get("kind"), newer.get("source"), newer.get("value"), newer.get("as_at"))
        if key in n_of:
            sentences.append(
                f"The live and published figures differ; the {conflict['newer']} figure [{n_of[key]}] is the newer."
            )
    return " ".join(sentences), [e.citation for e in entries]


def _same(a: float, b: float) -> bool:
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))


@dataclass
class Folded:
    """Tool figures folded into a passage answer."""

    lead_markers: list[int] = field(default_factory=list)  # agreeing published figures
    text: str = ""  # the short line(s) after the quote
    citations: list[Citation] = field(default_factory=list)


def fold(
    call: ToolCall,
    first_n: int,
    titles: Callable[[str], str | None],
    value: float,
    passage_date: dt.date | None = None,
) -> Folded:
    """Fold a tool call's figures into an answer whose cited passage gives ``value``.

    A tool figure equal to the passage's is not restated: a published one joins the
    lead sentence's citations, a live one gets one short line. A different figure is
    spelled out with which of the two is newer.
    """
    folded = Folded()
    entries = tool_figures(call, first_n, titles)
    folded.citations = [e.citation for e in entries]
    live_same = [e for e in entries if e.live and _same(e.obs["value"], value)]
    differ = [e for e in entries if not _same(e.obs["value"], value)]
    folded.lead_markers = [e.citation.n for e in entries if not e.live and _same(e.obs["value"], value)]
    lines: list[str] = []
    if live_same:
        files = "; ".join(f"live file {e.citation.source} [{e.citation.n}]" for e in live_same)
        lines.append(f"The KPI store holds the same figure ({files}).")
    for e in differ:
        origin = f"live file {e.citation.source}" if e.live else "published figure"
        lines.append(f"The KPI store gives a different figure{e.when}: {e.value_text} ({origin}) [{e.citation.n}].")
        as_at = _as_date(e.obs.get("as_at"))
        loaded = _as_date(e.obs.get("loaded_at")) if e.live else None
        tool_date = max(filter(None, [as_at, loaded]), default=None)
        if passage_date is not None and tool_date is not None and tool_date != passage_date:
            newer = "KPI store figure" if tool_date > passage_date else "paper's figure"
            lines.append(f"The {newer} is the newer.")
        elif e.live:
            lines.append("The live figure is the newer.")
    folded.text = " ".join(lines)
    return folded


def _figure_line(obs: dict[str, Any], label: str) -> str:
    return f"{label}: {obs.get('value')} ({obs.get('unit') or 'count'}) as at {obs.get('as_at')}"
