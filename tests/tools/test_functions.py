"""The KPI tools as LlamaIndex FunctionTools, and routed calls end to end."""

from __future__ import annotations

import json

import pytest
from llama_index.core.tools import FunctionTool

from assistant.errors import ToolError
from assistant.tools.functions import build_function_tools, run_tool
from assistant.tools.kpi_store import KpiStore
from assistant.tools.router import route


def test_build_function_tools_names_typed_schemas_and_docstrings(store: KpiStore) -> None:
    tools = build_function_tools(store)
    assert all(isinstance(t, FunctionTool) for t in tools)
    assert [t.metadata.name for t in tools] == ["list_metrics", "get_kpi", "kpi_trend", "compare_kpi"]
    by_name = {t.metadata.name: t for t in tools}
    get_kpi = by_name["get_kpi"].metadata.get_parameters_dict()
    assert get_kpi["required"] == ["metric", "area"]
    assert get_kpi["properties"]["metric"]["type"] == "string"
    assert "list_metrics" in get_kpi["properties"]["metric"]["description"]
    compare = by_name["compare_kpi"].metadata.get_parameters_dict()
    assert compare["required"] == ["metric"]
    assert "Get one KPI figure" in by_name["get_kpi"].metadata.description
    for tool in tools:
        assert tool.metadata.to_openai_tool()["function"]["description"]


def test_tool_call_returns_json_able_provenance(published_store: KpiStore) -> None:
    by_name = {t.metadata.name: t for t in build_function_tools(published_store)}
    output = by_name["get_kpi"].call(metric="cla_at_31_march", area="Leicestershire", period="31 March 2020")
    result = output.raw_output
    json.dumps(result)
    assert result["value"] == 657
    assert {"source", "page", "quote", "kind", "as_at", "loaded_at"} <= set(result)
    metrics = by_name["list_metrics"].call().raw_output
    assert {m["name"] for m in metrics} >= {"cla_at_31_march", "fte_staff"}


@pytest.mark.parametrize(
    ("question", "value", "quote"),
    [
        ("How many children were in care in Leicestershire on 31 March 2020?", 657, "The number of children in care on 31 March 2020 was 657."),
        ("How many looked after children did Leicester City have in 2015?", 549, "2015 – 549 LAC"),
        ("What was the budget for LAC in Leicester City in 2013-14?", 26_462_900, "2013-14 - £26,462,900"),
        ("What percentage of children in care in Leicestershire had a dental check in 2019-20?", 87.6, None),
    ],
)
def test_routed_questions_answer_from_the_papers(
    published_store: KpiStore, question: str, value: float, quote: str | None
) -> None:
    request = route(question)
    assert request is not None
    result = run_tool(published_store, request.name, request.arguments)
    assert isinstance(result, dict)
    assert result["value"] == value and result["kind"] == "published"
    if quote is not None:
        assert result["quote"] == quote


def test_run_tool_rejects_unknown_tools_and_arguments(store: KpiStore) -> None:
    with pytest.raises(ToolError, match="unknown tool 'drop_table'"):
        run_tool(store, "drop_table", {})
    with pytest.raises(ToolError, match="bad arguments"):
        run_tool(store, "get_kpi", {"metric": "cla_at_31_march", "sql": "1=1"})
    with pytest.raises(ToolError, match="unknown metric"):
        run_tool(store, "get_kpi", {"metric": "x; DROP TABLE observations", "area": "Leicestershire"})
