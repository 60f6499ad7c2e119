"""The `assistant` command, driven through click's CliRunner on the real index."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.cli import main


@pytest.fixture()
def run(assistant, settings):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), obj={"settings": settings, "assistant": assistant})

    return invoke


def test_search_json_hits_carry_contract_fields(run):
    result = run("search", "children in care on 31 March 2020", "-k", "3", "--json")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)["hits"]
    assert 1 <= len(hits) <= 3
    for field in ("doc_id", "title", "source", "doc_type", "date", "page", "section", "text", "score"):
        assert field in hits[0]
    assert any("657" in h["text"] for h in hits)


def test_search_type_filter_keeps_only_that_type(run):
    result = run("search", "looked after children budget", "--type", "foi_response", "--json")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)["hits"]
    assert hits and {h["doc_type"] for h in hits} == {"foi_response"}


def test_search_date_filter_excludes_older_papers(run):
    result = run("search", "virtual school", "--since", "2019-01-01", "--json")
    assert result.exit_code == 0, result.output
    for hit in json.loads(result.output)["hits"]:
        assert hit["date"] is None or hit["date"] >= "2019-01-01"


def test_ask_json_answer_has_verified_citations(run, assistant):
    result = run("ask", "How many children were in care in Leicestershire on 31 March 2020?", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["found"] is True
    assert "657" in answer["answer"]
    assert answer["conversation_id"]
    for citation in answer["citations"]:
        if citation["page"] is not None and citation.get("kind", "passage") == "passage":
            page = assistant.index.docstore.get_page(citation["doc_id"], citation["page"])
            assert citation["quote"] in page.text


def test_ingest_reports_unchanged_on_rerun(run, corpus_dir):
    result = run("ingest", str(corpus_dir), "--json")
    assert result.exit_code == 0, result.output
    statuses = {r["source"]: r["status"] for r in json.loads(result.output)["results"]}
    assert statuses and set(statuses.values()) == {"unchanged"}


def test_empty_query_is_one_line_error_exit_1(run):
    result = run("search", "   ")
    assert result.exit_code == 1
    assert "query" in result.output
    assert "Traceback" not in result.output


def test_ingest_of_nothing_readable_exits_1(run, tmp_path):
    bad = tmp_path / "notes.xyz"
    bad.write_text("not a paper")
    result = run("ingest", str(bad), "--json")
    assert result.exit_code == 1
    (entry,) = json.loads(result.output)["results"]
    assert entry["status"] == "failed" and entry["reason"]


def test_kpi_load_reports_bad_rows_by_line_and_loads_the_rest(scratch_settings, tmp_path):
    path = tmp_path / "dashboard.csv"
    path.write_text(
        "metric,area,period_end,value,unit,source\n"
        "cla_at_31_march,Leicestershire,2021-13-01,700,count,dashboard\n"
        "uasc_count,Leicestershire,2021-03-31,not-a-number,count,dashboard\n"
        "cla_at_31_march,Leicester City,2016-03-31,600,count,dashboard\n",
        encoding="utf-8",
    )
    # a home of its own: loaded figures must not leak into the shared index's KPI store
    result = CliRunner().invoke(main, ["kpi", "load", str(path)], obj={"settings": scratch_settings})
    assert result.exit_code == 0, result.output
    assert "loaded 1 observations" in result.output
    assert "dashboard.csv line 2" in result.output and "dashboard.csv line 3" in result.output
