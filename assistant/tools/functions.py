"""The KPI tools the assistant (or a model) can call: plain typed functions bound to a
``KpiStore``; each docstring is what the model sees.

    >>> tools = build_function_tools(store)          # LlamaIndex FunctionTools
    >>> [t.metadata.name for t in tools]
    ['list_metrics', 'get_kpi', 'kpi_trend', 'compare_kpi']
    >>> run_tool(store, "get_kpi", {"metric": "cla_at_31_march", "area": "Leicestershire"})

All tools are read-only. Arguments are validated by the store: an unknown metric raises
``ToolError`` naming the closest catalogue names; a period that cannot be read raises
``ToolError``. Results are JSON-able dicts with provenance for every figure.
"""

# No ``from __future__ import annotations`` here: LlamaIndex builds each tool's schema
# from the live annotations of the signatures below.
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from ..errors import ToolError
from .kpi_store import KpiStore

if TYPE_CHECKING:  # imported in build_function_tools: run_tool (the ask path) needs no LlamaIndex
    from llama_index.core.tools import FunctionTool

ToolFunction = Callable[..., Any]

_METRIC = "Catalogue metric name, e.g. 'cla_at_31_march' (see list_metrics)"
_AREA = "Council area: 'Leicester City' or 'Leicestershire'"
_PERIOD = "An as-at date ('31 March 2020', '2020-03-31'), a financial year ('2019-20') or a year ('2015')"


def kpi_functions(store: KpiStore) -> dict[str, ToolFunction]:
    """The four tool functions, bound to ``store``, by name."""

    def list_metrics() -> list[dict[str, Any]]:
        """List the KPI metrics that can be looked up: name, label, definition, unit
        (count, percent, rate_per_10k, gbp, fte), synonyms, and whether higher or lower
        is better. Call this first when unsure which metric name to use."""
        return store.list_metrics()

    def get_kpi(
        metric: Annotated[str, _METRIC],
        area: Annotated[str, _AREA],
        period: Annotated[str | None, _PERIOD + "; omit for the latest figure"] = None,
    ) -> dict[str, Any]:
        """Get one KPI figure for a council area and period (the latest when no period is
        given). Returns the value with its source, page or line, verbatim quote, kind
        (published in a paper, or live) and as-at date; 'conflict' says when a live and a
        published figure differ and which is newer; 'notes' says when live figures are
        unavailable."""
        return store.get_kpi(metric, area, period)

    def kpi_trend(
        metric: Annotated[str, _METRIC],
        area: Annotated[str, _AREA],
        since: Annotated[str | None, "Earliest period to include; " + _PERIOD] = None,
        until: Annotated[str | None, "Latest period to include; " + _PERIOD] = None,
    ) -> dict[str, Any]:
        """Get a KPI over time for one council area: one point per as-at date (oldest
        first, each with its source and quote) and the overall change, including whether
        it is an improvement for metrics where higher or lower is better."""
        return store.kpi_trend(metric, area, since, until)

    def compare_kpi(
        metric: Annotated[str, _METRIC],
        areas: Annotated[list[str] | None, "Council areas to compare; omit for every area with figures"] = None,
        periods: Annotated[list[str] | None, "Periods to compare; omit for the latest. " + _PERIOD] = None,
    ) -> dict[str, Any]:
        """Compare a KPI across council areas and/or periods, side by side, each figure
        with its source and quote; 'difference' is the second minus the first when
        exactly two figures are found."""
        return store.compare_kpi(metric, areas, periods)

    return {f.__name__: f for f in (list_metrics, get_kpi, kpi_trend, compare_kpi)}


def build_function_tools(store: KpiStore) -> "list[FunctionTool]":
    """The KPI tools as LlamaIndex ``FunctionTool``s (typed schemas from the signatures)."""
    from llama_index.core.tools import FunctionTool

    return [FunctionTool.from_defaults(fn=fn) for fn in kpi_functions(store).values()]


def run_tool(store: KpiStore, name: str, arguments: dict[str, Any]) -> dict[str, Any] | list[dict[str, Any]]:
    """Call the tool ``name`` with ``arguments`` (as routed or as a model asked)."""
    functions = kpi_functions(store)
    if name not in functions:
        raise ToolError(f"unknown tool {name!r}; tools: {', '.join(functions)}")
    try:
        return functions[name](**arguments)  # type: ignore[no-any-return]
    except TypeError as exc:
        raise ToolError(f"{name}: bad arguments {sorted(arguments)}: {exc}") from exc
