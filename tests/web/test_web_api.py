"""The JSON API over the real index of corpus/: CONTRACT.md shapes and figures.

POST /api/search -> {"hits": [Hit]}         POST /api/ask -> Answer
POST /api/ask/stream -> SSE, last `answer`   GET /api/documents[/{id}[/pages/{n}|/file]]
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_support import QUESTION, STAFF_TOKEN, TOKEN, doc_id_of

HIT_FIELDS = {
    "doc_id",
    "title",
    "source",
    "doc_type",
    "date",
    "page",
    "section",
    "text",
    "score",
}
ANSWER_FIELDS = {"answer", "found", "citations", "tool_calls", "conversation_id"}
CITATION_FIELDS = {"n", "doc_id", "title", "source", "page", "quote"}
CORPUS_SOURCES = {
    "cfosc-2018-11-05-virtual-school-report.pdf",
    "cfosc-2020-01-21-agenda-pack.pdf",
    "cic-health-annual-report-2019-20.pdf",
    "foi-2015-leicester-city-looked-after-children.docx",
    "foi-leicester-city-lac-residential-placements.pdf",
}


def assert_hit(hit: dict[str, Any]) -> None:
    assert HIT_FIELDS <= hit.keys()
    assert isinstance(hit["doc_id"], str) and hit["doc_id"]
    assert isinstance(hit["title"], str) and hit["title"]
    assert hit["source"] in CORPUS_SOURCES
    assert isinstance(hit["doc_type"], str)
    assert hit["date"] is None or dt.date.fromisoformat(hit["date"])
    assert hit["page"] is None or (isinstance(hit["page"], int) and hit["page"] >= 1)
    assert hit["section"] is None or isinstance(hit["section"], str)
    assert isinstance(hit["text"], str) and hit["text"].strip()
    assert isinstance(hit["score"], (int, float))


def page_text(client: TestClient, doc_id: str, page: int) -> str:
    response = client.get(f"/api/documents/{doc_id}/pages/{page}")
    assert response.status_code == 200, response.text
    return str(response.json()["text"])


def assert_answer(client: TestClient, answer: dict[str, Any]) -> None:
    assert ANSWER_FIELDS <= answer.keys()
    assert isinstance(answer["answer"], str) and answer["answer"]
    assert isinstance(answer["found"], bool)
    assert isinstance(answer["conversation_id"], str) and answer["conversation_id"]
    for call in answer["tool_calls"]:
        assert {"name", "arguments", "result"} <= call.keys() and isinstance(
            call["arguments"], dict
        )
    for citation in answer["citations"]:
        assert CITATION_FIELDS <= citation.keys()
        assert isinstance(citation["n"], int)
        if citation.get("kind", "passage") == "passage" and citation["page"]:
            # Every quote is a verbatim passage of the cited page of the cited document.
            assert citation["quote"] in page_text(
                client, citation["doc_id"], citation["page"]
            )


# --- search --------------------------------------------------------------------------
def test_search_returns_contract_hits(client: TestClient) -> None:
    response = client.post(
        "/api/search", json={"query": "children in care 31 March 2020", "k": 5}
    )
    assert response.status_code == 200
    body = response.json()
    assert 1 <= len(body["hits"]) <= 5
    for hit in body["hits"]:
        assert_hit(hit)
    assert body["total"] == len(body["hits"])


def test_search_filters_by_type_and_date(client: TestClient) -> None:
    foi = client.post(
        "/api/search",
        json={
            "query": "looked after children",
            "k": 10,
            "filters": {"doc_type": "foi_response"},
        },
    )
    assert foi.status_code == 200
    assert foi.json()["hits"] and {h["doc_type"] for h in foi.json()["hits"]} == {
        "foi_response"
    }

    dated = client.post(
        "/api/search",
        json={
            "query": "virtual school",
            "k": 10,
            "filters": {"since": "2019-01-01", "until": "2020-12-31"},
        },
    ).json()["hits"]
    assert dated
    assert all(h["date"] and "2019-01-01" <= h["date"] <= "2020-12-31" for h in dated)


def test_search_pages_with_offset(client: TestClient) -> None:
    first = client.post("/api/search", json={"query": "virtual school", "k": 4}).json()[
        "hits"
    ]
    second = client.post(
        "/api/search", json={"query": "virtual school", "k": 4, "offset": 4}
    ).json()["hits"]
    assert first and second
    assert not {(h["doc_id"], h["text"]) for h in first} & {
        (h["doc_id"], h["text"]) for h in second
    }


def test_search_rejects_an_empty_query(client: TestClient) -> None:
    response = client.post("/api/search", json={"query": " "})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "query"


# --- answers -------------------------------------------------------------------------
def test_ask_returns_a_cited_answer(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": QUESTION})
    assert response.status_code == 200
    answer = response.json()
    assert_answer(client, answer)
    assert answer["found"] is True
    assert answer["citations"]


def test_follow_up_keeps_the_conversation(client: TestClient) -> None:
    first = client.post("/api/ask", json={"question": QUESTION}).json()
    follow_up = client.post(
        "/api/ask",
        json={
            "question": "And how many had a health assessment?",
            "conversation_id": first["conversation_id"],
        },
    )
    assert follow_up.status_code == 200
    assert follow_up.json()["conversation_id"] == first["conversation_id"]


def test_ask_says_when_the_papers_hold_no_answer(client: TestClient) -> None:
    answer = client.post(
        "/api/ask", json={"question": "What is the recipe for a Victoria sponge cake?"}
    ).json()
    assert_answer(client, answer)
    assert answer["found"] is False


def parse_sse(body: str) -> list[tuple[str, Any]]:
    events = []
    for block in body.strip().split("\n\n"):
        name = next(
            line[7:] for line in block.splitlines() if line.startswith("event: ")
        )
        data = "\n".join(
            line[6:] for line in block.splitlines() if line.startswith("data: ")
        )
        events.append((name, json.loads(data)))
    return events


def test_ask_stream_ends_with_the_answer(client: TestClient) -> None:
    with client.stream(
        "POST", "/api/ask/stream", json={"question": QUESTION}
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        body = "".join(response.iter_text())
    events = parse_sse(body)
    assert events[-1][0] == "answer"
    assert {name for name, _ in events[:-1]} <= {"status", "token"}
    assert_answer(client, events[-1][1])
    assert events[-1][1]["found"] is True


def test_ask_stream_refuses_an_empty_question_before_streaming(
    client: TestClient,
) -> None:
    response = client.post("/api/ask/stream", json={"question": ""})
    assert response.status_code == 400
    assert response.json()["error"] == {
        "type": "BadRequest",
        "detail": "question: must not be empty",
        "field": "question",
    }


def test_foi_draft(client: TestClient) -> None:
    response = client.post(
        "/api/foi/draft",
        json={
            "request_text": "Please tell me how many looked after children Leicester City Council had in residential placements."
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert (
        isinstance(body["items"], list)
        and isinstance(body["draft"], str)
        and body["draft"]
    )


# --- documents -----------------------------------------------------------------------
def test_documents_lists_the_corpus(client: TestClient) -> None:
    documents = client.get("/api/documents").json()["documents"]
    assert {d["source"] for d in documents} == CORPUS_SOURCES
    assert all(d["pages"] >= 1 and d["status"] == "indexed" for d in documents)
    assert all("path" not in d for d in documents)


def test_document_has_pages_and_never_exposes_the_server_path(
    client: TestClient,
) -> None:
    doc_id = doc_id_of(client, "cic-health-annual-report-2019-20.pdf")
    body = client.get(f"/api/documents/{doc_id}").json()
    assert body["page_count"] == len(body["pages"]) > 1
    assert [p["number"] for p in body["pages"]] == list(
        range(1, body["page_count"] + 1)
    )
    assert "path" not in body and "/" not in json.dumps(body.get("source"))
    page = client.get(f"/api/documents/{doc_id}/pages/2").json()
    assert page["text"] == body["pages"][1]["text"]
    assert page["file_url"] == f"/api/documents/{doc_id}/file#page=2"
    missing = client.get(f"/api/documents/{doc_id}/pages/{body['page_count'] + 1}")
    assert missing.status_code == 404


def test_document_file_serves_pdfs_inline(client: TestClient) -> None:
    doc_id = doc_id_of(client, "cic-health-annual-report-2019-20.pdf")
    response = client.get(f"/api/documents/{doc_id}/file")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    assert response.content.startswith(b"%PDF")
    docx = client.get(
        f"/api/documents/{doc_id_of(client, 'foi-2015-leicester-city-looked-after-children.docx')}/file"
    )
    assert docx.status_code == 200 and docx.headers["content-disposition"].startswith(
        "attachment"
    )


@pytest.mark.parametrize(
    "doc_id", ["no-such-paper", "..", "etc-passwd", "..%2F..%2Fetc%2Fpasswd"]
)
def test_document_file_refuses_unknown_ids(client: TestClient, doc_id: str) -> None:
    response = client.get(f"/api/documents/{doc_id}/file")
    assert response.status_code in (404, 422)
    assert response.json()["error"]["type"] in ("NotFound", "ValidationError")
    assert b"root:" not in response.content


# --- KPIs ----------------------------------------------------------------------------
def test_kpis_and_metrics(client: TestClient) -> None:
    metrics = client.get("/api/metrics")
    assert metrics.status_code == 200 and isinstance(metrics.json()["metrics"], list)
    kpis = client.get("/api/kpis", params={"area": "Leicestershire"})
    assert kpis.status_code == 200
    for observation in kpis.json()["observations"]:
        assert {"metric", "area", "period_end", "value", "source"} <= observation.keys()


# --- uploads -------------------------------------------------------------------------
def test_upload_of_a_broken_pdf_returns_its_reason(scratch_client: TestClient) -> None:
    response = scratch_client.post(
        "/api/documents",
        files={
            "file": (
                "Minutes (draft).pdf",
                b"%PDF-1.4 this is not really a pdf",
                "application/pdf",
            )
        },
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["type"] == "IngestError"
    assert error["detail"].startswith(
        "Minutes-draft.pdf: "
    )  # the sanitised name, then the reason
    assert len(error["detail"]) > len("Minutes-draft.pdf: ")
    assert scratch_client.get("/api/documents").json() == {"documents": []}


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.txt", b""),
        ("program.exe", b"MZ\x90\x00binary"),
        ("../../escape.pdf", b"not a pdf"),
    ],
)
def test_upload_of_unreadable_files_is_refused(
    scratch_client: TestClient, name: str, content: bytes
) -> None:
    response = scratch_client.post("/api/documents", files={"file": (name, content)})
    assert response.status_code == 422
    assert response.json()["error"]["detail"]


def test_upload_indexes_a_paper_and_escapes_its_text(
    scratch_client: TestClient,
) -> None:
    paper = (
        b"Scrutiny committee minutes\n\n"
        b"The committee noted that 42 foster carers were approved in 2019. "
        b"<script>alert('owned')</script> <img src=x onerror=alert(1)>\n"
    )
    response = scratch_client.post(
        "/api/documents", files={"file": ("minutes <b>.txt", paper, "text/plain")}
    )
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["status"] == "indexed" and result["source"] == "minutes-b.txt"

    page = scratch_client.get(
        f"/documents/{result['doc_id']}", headers={"Accept": "text/html"}
    )
    assert page.status_code == 200
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;" in page.text
    assert "<script>alert" not in page.text and "<img src=x" not in page.text

    results = scratch_client.get(
        "/search", params={"q": "foster carers script"}, headers={"Accept": "text/html"}
    )
    assert "<mark>foster</mark>" in results.text
    assert (
        "&lt;<mark>script</mark>&gt;" in results.text
        and "<script>alert" not in results.text
    )

    again = scratch_client.post(
        "/api/documents", files={"file": ("minutes <b>.txt", paper, "text/plain")}
    )
    assert again.status_code == 201 and again.json()["status"] == "unchanged"


# --- access --------------------------------------------------------------------------
def test_api_needs_the_token_when_tokens_are_set(secured_client: TestClient) -> None:
    assert (
        secured_client.post("/api/search", json={"query": "virtual school"}).status_code
        == 401
    )
    ok = secured_client.post(
        "/api/search",
        json={"query": "virtual school"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert ok.status_code == 200 and ok.json()["hits"]
    assert secured_client.get("/healthz").json() == {"status": "ok"}


def test_only_staff_may_upload(secured_client: TestClient) -> None:
    files = {"file": ("broken.pdf", b"nope", "application/pdf")}
    plain = secured_client.post(
        "/api/documents", files=files, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert plain.status_code == 403
    staff = secured_client.post(
        "/api/documents",
        files=files,
        headers={"Authorization": f"Bearer {STAFF_TOKEN}"},
    )
    assert (
        staff.status_code == 422
    )  # allowed; the file itself is refused with its reason


def test_health_is_ok_over_the_corpus(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
