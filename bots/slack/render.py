"""Answers as Slack messages: Block Kit with mrkdwn, every piece of paper text escaped.

>>> message = render_answer(answer)
>>> client.chat_postMessage(channel=channel, thread_ts=ts, **message)

``render_answer`` returns ``{"text": ..., "blocks": [...]}``: ``text`` is the plain
fallback Slack shows in notifications, ``blocks`` the message itself:

* the answer, with its ``[n]`` markers;
* ":information_source: Not in the papers" and the closest documents when
  ``found`` is False;
* figures from KPI tools, each labelled with its source (only calls the answer used);
* a "Sources" context listing ``[n] Title, p.N: "quote"``;
* the footer "Check the source before quoting a figure."

Paper text is never trusted: ``&``, ``<`` and ``>`` are escaped as Slack asks, so a
paper containing ``<!channel>`` or ``<script>`` shows those characters and notifies
nobody; every mrkdwn object is ``verbatim`` so Slack does not auto-link names either.
Quotes are shortened to about 200 characters with an ellipsis, never otherwise changed.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.types import Answer, Citation, Hit, ToolCall

FOOTER = "Check the source before quoting a figure."
NOT_FOUND = ":information_source: *Not in the papers.*"
QUOTE_CHARS = 200
# Slack limits: 3000 characters per text object, 10 elements per context block, 50 blocks.
TEXT_LIMIT = 3000
CONTEXT_ELEMENTS = 10
MAX_BLOCKS = 50
MAX_RELATED = 5

_MENTION = re.compile(r"<([@#!][^>|]*)(?:\|([^>]*))?>")
_LINK = re.compile(r"<([^>|]+)(?:\|([^>]*))?>")


def escape(text: str) -> str:
    """Escape the three characters Slack reserves for control sequences."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shorten(quote: str, limit: int = QUOTE_CHARS) -> str:
    """The quote itself, or its first ~``limit`` characters (cut at a word) and an ellipsis."""
    quote = quote.strip()
    if len(quote) <= limit:
        return quote
    cut = quote[:limit]
    space = cut.rfind(" ")
    if space >= limit * 3 // 4:
        cut = cut[:space]
    return cut.rstrip() + "…"


def question_from_slack(text: str, bot_user_id: str | None = None) -> str:
    """A user's message as plain text: bot mentions dropped, links and names unwrapped,
    Slack's own ``&amp;``/``&lt;``/``&gt;`` decoded."""

    def mention(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@") and (bot_user_id is None or target[1:] == bot_user_id):
            return ""
        return label or ""

    text = _MENTION.sub(mention, text or "")
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text[:TEXT_LIMIT], "verbatim": True}


def _section(text: str) -> list[dict[str, Any]]:
    """One or more section blocks (each within Slack's 3000-character limit)."""
    blocks = []
    while text:
        part = text[:TEXT_LIMIT]
        if len(text) > TEXT_LIMIT and "\n" in part[TEXT_LIMIT // 2 :]:
            part = part[: part.rindex("\n") + 1]
        blocks.append({"type": "section", "text": _mrkdwn(part)})
        text = text[len(part) :]
    return blocks


def _context(label: str | None, items: list[str]) -> list[dict[str, Any]]:
    """Context blocks of mrkdwn elements, split at Slack's 10 elements per block."""
    elements = ([_mrkdwn(label)] if label else []) + [_mrkdwn(item) for item in items]
    return [
        {"type": "context", "elements": elements[i : i + CONTEXT_ELEMENTS]}
        for i in range(0, len(elements), CONTEXT_ELEMENTS)
    ]


def _page(page: int | None) -> str:
    return f", p.{page}" if page else ""


def citation_line(citation: Citation) -> str:
    """``[n] Title, p.N: "quote"``; a tool figure says where the figure comes from."""
    quote = escape(shorten(citation.quote))
    title = escape(citation.title)
    if citation.kind == "tool":
        source = escape(citation.source)
        label = title if citation.title == citation.source else f"{title} ({source})"
        return f'[{citation.n}] KPI data: {label}{_page(citation.page)}: "{quote}"'
    return f'[{citation.n}] {title}{_page(citation.page)}: "{quote}"'


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, int | float):
        return f"{value:,}"
    return str(value)


def tool_figure_lines(tool_calls: list[ToolCall]) -> list[str]:
    """One line per figure a KPI tool returned, labelled with its source.

    Only calls the answer used: a model call for another measure, council or period
    was run but not used (the notes say why), and its figure must not be shown.
    """
    lines = []
    for call in tool_calls:
        if not call.used:
            continue
        result = call.result if isinstance(call.result, dict) else {}
        if not result.get("found") or result.get("value") is None:
            continue
        figures = result.get("figures") or [result]
        for fig in figures:
            source = fig.get("source") or result.get("source") or "unknown source"
            where = f", p.{fig['page']}" if fig.get("page") else (f", line {fig['line']}" if fig.get("line") else "")
            kind = "live figure" if fig.get("kind") == "live" else "published figure"
            when = fig.get("as_at") or result.get("period") or ""
            label = result.get("label") or result.get("metric") or call.name
            area = result.get("area") or ""
            what = ", ".join(p for p in (label, area, when) if p)
            lines.append(escape(f"{what}: {_number(fig.get('value'))} ({kind}; source: {source}{where})"))
    return lines


def _related_line(hit: Hit) -> str:
    when = f"{hit.date.day} {hit.date:%B %Y}" if hit.date else ""
    date = f" ({when})" if when and when not in hit.title else ""
    return f"• {escape(hit.title)}{date}{_page(hit.page)}"


def render_answer(answer: Answer) -> dict[str, Any]:
    """The Slack message for an Answer: ``{"text": fallback, "blocks": [...]}``."""
    body = escape(answer.answer.strip())
    blocks: list[dict[str, Any]] = []
    if answer.found:
        blocks += _section(body or "_(empty answer)_")
        if not answer.verified:
            blocks += _context(None, [":warning: Parts of this answer could not be traced to a source."])
    else:
        blocks += _section(f"{NOT_FOUND}\n{body}" if body else NOT_FOUND)
        related = answer.related[:MAX_RELATED]
        if related:
            blocks += _context(None, ["*Closest documents:*\n" + "\n".join(_related_line(h) for h in related)])

    figures = tool_figure_lines(answer.tool_calls) if answer.found else []
    if figures:
        blocks += _context("*Figures from KPI data:*", figures)
    if answer.citations:
        blocks += _context("*Sources*", [citation_line(c) for c in answer.citations])
    if answer.notes:
        blocks += _context(None, [escape(note) for note in answer.notes])
    footer = {"type": "context", "elements": [_mrkdwn(FOOTER)]}
    blocks = blocks[: MAX_BLOCKS - 1] + [footer]

    fallback = body if answer.found else f"Not in the papers. {body}".strip()
    return {"text": fallback[:TEXT_LIMIT] or "Not in the papers.", "blocks": blocks}


def render_error(detail: str) -> dict[str, Any]:
    """A one-line problem report (bad question, index not ready)."""
    text = f":warning: {escape(detail)}"
    return {"text": text, "blocks": [{"type": "section", "text": _mrkdwn(text)}]}
