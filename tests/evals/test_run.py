"""The evaluation report end to end on a few items, over the session's real index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evals.run import run_report

SEARCH_ITEMS = [
    {
        "id": "t-s1", "query": "number of children in care on 31 March 2020", "style": "natural",
        "source": "cic-health-annual-report-2019-20.pdf", "pages": [1, 13, 14, 15],
        "evidence": "The number of children in care on 31 March 2020 was 657", "split": "dev",
    },
    {
        "id": "t-s2", "query": "Ofsted inspection carried out over three weeks in September and October 2019",
        "style": "natural", "source": "cfosc-2020-01-21-agenda-pack.pdf", "pages": [28],
        "evidence": "The inspection was carried out over three weeks from 16 September to 4 October 2019",
        "split": "dev",
    },
    {
        "id": "t-s3", "query": "children placed in Ofsted residential children's homes on spot purchase arrangements",
        "style": "keyword", "source": "foi-leicester-city-lac-residential-placements.pdf", "pages": [2],
        "evidence": "placed in Ofsted residential children's homes by the local authority on spot purchase arrangements",
        "split": "holdout",
    },
    {
        "id": "t-s4", "query": "Virtual School Head contact email and telephone", "style": "keyword",
        "source": "cfosc-2018-11-05-virtual-school-report.pdf", "pages": [11],
        "evidence": "Tony Barnard, Virtual School Head", "split": "holdout",
    },
    {
        "id": "t-s5", "query": "budget for looked after children 2015-16", "style": "figure",
        "source": "foi-2015-leicester-city-looked-after-children.docx", "pages": [1],
        "evidence": "Budget for LAC inc Admin and Head of Service", "split": "dev",
    },
]  # fmt: skip

QA_ITEMS = [
    {
        "id": "t-q1", "question": "How many children were in care in Leicestershire on 31 March 2020?",
        "kind": "figure", "found": True, "answer_any": ["657"], "must_not": [],
        "source": "cic-health-annual-report-2019-20.pdf", "pages": [1], "split": "dev",
    },
    {
        "id": "t-q2", "question": "How many children under 17 does Leicester City Council place in Ofsted "
        "residential children's homes on spot purchase arrangements?",
        "kind": "foi", "found": True, "answer_any": ["62"], "must_not": [],
        "source": "foi-leicester-city-lac-residential-placements.pdf", "pages": [2], "split": "holdout",
    },
    {
        "id": "t-q3", "question": "How much did the council earn from parking fines in 2019?",
        "kind": "unanswerable", "found": False, "answer_any": [], "must_not": [], "source": None, "pages": [],
        "split": "dev",
    },
    {
        "id": "t-q4", "question": "How many Leicestershire children were in residential care on 31 March 2020?",
        "kind": "figure", "found": True, "answer_any": ["56"], "must_not": [],
        "source": "cic-health-annual-report-2019-20.pdf", "pages": [1], "conversation": "t1", "turn": 1,
        "split": "dev",
    },
    {
        "id": "t-q5", "question": "And the year before?", "kind": "figure", "found": True, "answer_any": ["52"],
        "must_not": [], "source": "cic-health-annual-report-2019-20.pdf", "pages": [1], "conversation": "t1",
        "turn": 2, "split": "dev",
    },
]  # fmt: skip


def _write(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf8")
    return path


def _fractions(node: Any, key: str = "") -> list[tuple[str, float]]:
    """Every share-like figure in the summary (latencies, counts and errors excluded)."""
    if isinstance(node, dict):
        return [f for k, v in node.items() for f in _fractions(v, f"{key}.{k}")]
    name = key.rsplit(".", 1)[-1]
    if isinstance(node, float) and not name.endswith("_ms") and name not in {"n", "errors"} and not name.endswith("_n"):
        return [(key, node)]
    return []


@pytest.fixture(scope="module")
def report(assistant, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("eval")
    return run_report(
        assistant.settings,
        service=assistant,
        peers=["bm25"],
        search_set=_write(folder / "search.jsonl", SEARCH_ITEMS),
        qa_set=_write(folder / "qa.jsonl", QA_ITEMS),
        out_dir=folder / "reports",
        progress=False,
    )


def test_writes_markdown_json_and_chart(report: dict[str, Any]) -> None:
    paths = {k: Path(v) for k, v in report["paths"].items()}
    assert paths["markdown"].read_text(encoding="utf8") == report["markdown"]
    assert json.loads(paths["json"].read_text(encoding="utf8"))["sets"] == {"search": 5, "qa": 5}
    assert paths["chart"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "## Retrieval — holdout (2 queries)" in report["markdown"]
    assert '"home"' in report["markdown"]  # the settings are printed with the figures


def test_splits_are_reported_separately(report: dict[str, Any]) -> None:
    results = report["summary"]["results"]
    assert list(results) == ["dev", "holdout", "all"]
    assert [results[s]["retrieval"]["ours"]["n"] for s in results] == [3, 2, 5]
    assert [results[s]["answers"]["n"] for s in results] == [4, 1, 5]
    assert report["summary"]["systems"] == ["ours", "bm25"]


def test_every_share_is_between_zero_and_one(report: dict[str, Any]) -> None:
    shares = _fractions(report["summary"]["results"])
    assert shares, "no metrics computed"
    assert all(0.0 <= value <= 1.0 for _, value in shares), [s for s in shares if not 0 <= s[1] <= 1]


def test_known_queries_find_their_page(report: dict[str, Any]) -> None:
    ours = {r["id"]: r for r in report["summary"]["items"]["search"] if r["system"] == "ours"}
    assert all(r["error"] is None for r in ours.values()), ours
    assert ours["t-s1"]["rank"] is not None and ours["t-s1"]["rank"] <= 3, ours["t-s1"]
    assert report["summary"]["results"]["all"]["retrieval"]["ours"]["recall@10"] >= 0.8
    bm25 = {r["id"]: r for r in report["summary"]["items"]["search"] if r["system"] == "bm25"}
    assert bm25["t-s1"]["rank"] is not None  # the plain peer finds the page with the exact words


def test_answers_are_scored_and_quotes_are_verbatim(report: dict[str, Any]) -> None:
    qa = {r["id"]: r for r in report["summary"]["items"]["qa"]}
    assert set(qa) == {"t-q1", "t-q2", "t-q3", "t-q4", "t-q5"}
    assert all(r["error"] is None for r in qa.values()), qa
    answers = report["summary"]["results"]["all"]["answers"]
    assert answers["conversation_n"] == 1
    if answers["quotes_n"]:
        assert answers["quotes_verbatim"] == 1.0  # CONTRACT.md: every quote is on its cited page
