"""The `assistant` command, driven through click's CliRunner on the real index."""

from __future__ import annotations

import json
import os
import subprocess
import sys

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


# Runs exactly what the installed `assistant` script runs, then names the libraries it imported.
_COLD_START = """
import json, sys
from assistant.cli import main
main(sys.argv[1:], standalone_mode=False)
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""
# Not needed to search or answer: model training/export stacks, LlamaIndex, Chroma's Python
# client (queries go to its engine directly), SQL, the web app and charts.
_NOT_ON_THE_ASK_PATH = (
    "torch", "sentence_transformers", "transformers", "llama_index", "chromadb", "sqlalchemy", "fastapi",
    "matplotlib",
)  # fmt: skip


def _cold(settings, *args: str) -> tuple[str, set[str]]:
    env = {**os.environ, "ASSISTANT_HOME": str(settings.home), "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir)}
    done = subprocess.run(
        [sys.executable, "-c", _COLD_START, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    modules = set(json.loads(done.stderr.strip().splitlines()[-1]))
    return done.stdout, {m.split(".")[0] for m in modules}


def test_ask_in_a_new_process_loads_no_library_it_does_not_need(assistant, settings):
    question = "How many children were in care in Leicestershire on 31 March 2020?"
    stdout, loaded = _cold(settings, "ask", question, "--json")
    assert not loaded & set(_NOT_ON_THE_ASK_PATH), sorted(loaded & set(_NOT_ON_THE_ASK_PATH))
    answer = json.loads(stdout)
    # the same answer and citations as a process that opened Chroma through its client
    expected = assistant.ask(question)
    assert (answer["answer"], answer["found"]) == (expected.answer, expected.found)
    assert answer["citations"] == [c.model_dump(mode="json") for c in expected.citations]


def test_search_in_a_new_process_gives_the_same_hits(assistant, settings):
    query = "LAC budget 2014-15"
    stdout, loaded = _cold(settings, "search", query, "-k", "5", "--json")
    assert not loaded & set(_NOT_ON_THE_ASK_PATH), sorted(loaded & set(_NOT_ON_THE_ASK_PATH))
    hits = json.loads(stdout)["hits"]
    expected = [h.model_dump(mode="json") for h in assistant.search(query, k=5)]
    assert [h["chunk_id"] for h in hits] == [h["chunk_id"] for h in expected]
    # int8 kernels round differently with the thread count (one in a CLI process): scores
    # agree to about 1e-3, the hits and their order exactly
    assert [h["score"] for h in hits] == pytest.approx([h["score"] for h in expected], abs=2e-3)
