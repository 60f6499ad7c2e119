"""Deterministic question -> KPI tool call, for extractive mode (no model).

    >>> route("How many children were in care in Leicestershire on 31 March 2020?")
    ToolRequest(name='get_kpi', arguments={'metric': 'cla_at_31_march', 'area': 'Leicestershire', 'period': '2020-03-31'})
    >>> route("Has placement stability improved in the county since 2018?").name
    'kpi_trend'
    >>> route("What did Ofsted say about leadership?") is None
    True

A question is a KPI question when it names a catalogue metric (by synonym) and asks
for a figure ("how many", "percentage", "rate", "budget", "trend", "compare", ...).
Areas come from council names (``areas.find_areas``: "Leicester City"/"Leicester"/"the
city" and "Leicestershire"/"the county" are never confused); periods from dates,
financial years and years; "now", "currently", "latest" mean the latest figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from .areas import find_areas
from .catalogue import CATALOGUE, Catalogue
from .periods import DAY_MONTH_YEAR, FINANCIAL_YEAR, ISO_DATE, NUMERIC_DATE, YEAR, parse_period

ToolName = Literal["list_metrics", "get_kpi", "kpi_trend", "compare_kpi"]

_ASKS_FOR_FIGURE = re.compile(
    r"\b(?:how\s+many|how\s+much|number|numbers|percentage|per\s?cent|proportion|rate|figures?|total|count|"
    r"statistics?|stats|kpis?|budget|fte|staffing|trend|compare|comparison|versus|vs\.?|improv\w*|"
    r"increase\w*|decrease\w*|rise|risen|rose|fall|fell|fallen|change\w*|higher|lower|latest)\b|%",
    re.IGNORECASE,
)
_LIST_METRICS = re.compile(
    r"\b(?:which|what)\s+(?:kpis?|metrics|measures|indicators|figures)\s+(?:are|can|do|does)\b", re.IGNORECASE
)
_EXPLANATION = re.compile(r"^\s*(?:why|how\s+(?:does|did|do|is|are|will|can|should)|explain|describe)\b", re.IGNORECASE)
_COMPARE = re.compile(
    r"\b(?:compare[ds]?|comparison|versus|vs\.?|difference\s+between|(?:higher|lower|more|fewer)\s+than)\b",
    re.IGNORECASE,
)
_TREND = re.compile(
    r"\b(?:trend|trends|since|over\s+time|over\s+the\s+(?:years|period|last)|improv\w*|worsen\w*|deteriorat\w*|"
    r"changed?|increased|decreased|risen|rose|fallen|fell|between\s+\S+\s+and)\b",
    re.IGNORECASE,
)
_SINCE = re.compile(r"\b(?:since|from|after|between)\s+(?:the\s+)?$", re.IGNORECASE)
_UNTIL = re.compile(r"\b(?:until|till|to|before|and|up\s+to|through)\s+(?:the\s+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class ToolRequest:
    """A tool call the router chose: run it with ``functions.run_tool(store, name, arguments)``."""

    name: ToolName
    arguments: dict[str, Any] = field(default_factory=dict)


def _periods(question: str) -> list[tuple[int, str]]:
    """(offset, label) of every date, financial year or year in the question, in order."""
    spans: list[tuple[int, int, str]] = []
    for pattern in (DAY_MONTH_YEAR, ISO_DATE, NUMERIC_DATE, FINANCIAL_YEAR, YEAR):
        for match in pattern.finditer(question):
            if any(a <= match.start() < b or match.start() <= a < match.end() for a, b, _ in spans):
                continue
            period = parse_period(match.group(0))
            if period is not None:
                spans.append((match.start(), match.end(), period.label))
    return [(start, label) for start, _, label in sorted(spans)]


def route(question: str, catalogue: Catalogue = CATALOGUE) -> ToolRequest | None:
    """The KPI tool call that answers ``question``, or None when it is not a KPI question."""
    text = " ".join((question or "").split())
    if _LIST_METRICS.search(text):
        return ToolRequest("list_metrics")
    metric = catalogue.match(text)
    if metric is None or not _ASKS_FOR_FIGURE.search(text) or _EXPLANATION.match(text):
        return None
    areas = find_areas(text)
    periods = _periods(text)
    labels = [label for _, label in periods]

    if _COMPARE.search(text) or len(areas) > 1:
        arguments: dict[str, Any] = {"metric": metric.name, "areas": areas or None, "periods": labels or None}
        return ToolRequest("compare_kpi", arguments)
    if _TREND.search(text) and areas:
        since = until = None
        for offset, label in periods:
            lead = text[:offset]
            if _UNTIL.search(lead) and since is not None:
                until = label
            elif _SINCE.search(lead) or since is None:
                since = label
        return ToolRequest("kpi_trend", {"metric": metric.name, "area": areas[0], "since": since, "until": until})
    if not areas:
        return ToolRequest("compare_kpi", {"metric": metric.name, "areas": None, "periods": labels[:1] or None})
    if len(periods) > 1:
        return ToolRequest("compare_kpi", {"metric": metric.name, "areas": areas, "periods": labels})
    return ToolRequest("get_kpi", {"metric": metric.name, "area": areas[0], "period": labels[0] if labels else None})
