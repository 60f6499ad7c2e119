"""Question -> tool call, deterministically."""

from __future__ import annotations

import pytest

from assistant.tools.areas import canonical_area, find_areas
from assistant.tools.router import ToolRequest, route


@pytest.mark.parametrize(
    "question",
    [
        "What did Ofsted say about leadership?",
        "What is the Virtual School?",
        "Who heads the virtual school in Leicester City?",
        "Why did the number of children in care increase?",
        "Summarise the SEND inspection findings",
        "",
    ],
)
def test_not_a_kpi_question(question: str) -> None:
    assert route(question) is None


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "How many children were in care in Leicestershire on 31 March 2020?",
            ToolRequest("get_kpi", {"metric": "cla_at_31_march", "area": "Leicestershire", "period": "2020-03-31"}),
        ),
        (
            "How many looked after children did Leicester City have in 2014?",
            ToolRequest("get_kpi", {"metric": "cla_at_31_march", "area": "Leicester City", "period": "2014"}),
        ),
        (
            "What was the budget for looked after children in Leicester in 2014-15?",
            ToolRequest("get_kpi", {"metric": "lac_budget_gbp", "area": "Leicester City", "period": "2014-15"}),
        ),
        (
            "What percentage of children in care in the county had a dental check in 2019/20?",
            ToolRequest("get_kpi", {"metric": "dental_check_pct", "area": "Leicestershire", "period": "2019-20"}),
        ),
        (
            "How many children in care are there currently in Leicester City?",
            ToolRequest("get_kpi", {"metric": "cla_at_31_march", "area": "Leicester City", "period": None}),
        ),
        (
            "What is the latest rate per 10,000 of children in care in Leicestershire?",
            ToolRequest("get_kpi", {"metric": "cla_rate_per_10k", "area": "Leicestershire", "period": None}),
        ),
        (
            "Has long-term stability improved in Leicestershire since 2018?",
            ToolRequest(
                "kpi_trend",
                {"metric": "long_term_stability_pct", "area": "Leicestershire", "since": "2018", "until": None},
            ),
        ),
        (
            "What is the trend in LAC numbers in Leicester City between 2013 and 2015?",
            ToolRequest("kpi_trend", {"metric": "cla_at_31_march", "area": "Leicester City", "since": "2013", "until": "2015"}),
        ),
        (
            "Compare the number of children in care in Leicester City and Leicestershire",
            ToolRequest(
                "compare_kpi",
                {"metric": "cla_at_31_march", "areas": ["Leicester City", "Leicestershire"], "periods": None},
            ),
        ),
        (
            "Health assessment percentage in Leicestershire in 2018/19 and 2019/20",
            ToolRequest(
                "compare_kpi",
                {"metric": "health_assessment_pct", "areas": ["Leicestershire"], "periods": ["2018-19", "2019-20"]},
            ),
        ),
        (
            "How many children were in care on 31 March 2020?",
            ToolRequest("compare_kpi", {"metric": "cla_at_31_march", "areas": None, "periods": ["2020-03-31"]}),
        ),
        ("Which metrics are available?", ToolRequest("list_metrics")),
    ],
)
def test_routes_kpi_questions(question: str, expected: ToolRequest) -> None:
    assert route(question) == expected


def test_leicester_city_and_leicestershire_are_never_confused() -> None:
    city = route("How many LAC did Leicester City Council have in 2015?")
    county = route("How many LAC did Leicestershire County Council have in 2015?")
    assert city is not None and city.arguments["area"] == "Leicester City"
    assert county is not None and county.arguments["area"] == "Leicestershire"


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("Leicester City Council", "Leicester City"),
        ("Leicester", "Leicester City"),
        ("the city", "Leicester City"),
        ("Leicestershire County Council", "Leicestershire"),
        ("Leicestershire (County Council and health partners)", "Leicestershire"),
        ("the county", "Leicestershire"),
        ("Nottinghamshire County Council", "Nottinghamshire"),
        ("  ", None),
    ],
)
def test_canonical_area(name: str, canonical: str | None) -> None:
    assert canonical_area(name) == canonical


def test_find_areas_keeps_order_and_does_not_read_leicestershire_as_leicester() -> None:
    assert find_areas("Leicestershire's and Leicester's children") == ["Leicestershire", "Leicester City"]
    assert find_areas("Leicestershire only") == ["Leicestershire"]
