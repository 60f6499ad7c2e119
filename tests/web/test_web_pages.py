"""Server-rendered pages over the real index, without JavaScript (plain forms and links)."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from web_support import QUESTION, doc_id_of

HTML = {"Accept": "text/html"}


def test_chat_page_has_a_labelled_question_box_and_skip_link(
    client: TestClient,
) -> None:
    page = client.get("/", headers=HTML)
    assert page.status_code == 200
    assert '<label class="app-label" for="question">' in page.text
    assert 'href="#main-content"' in page.text and 'id="main-content"' in page.text
    assert 'aria-live="polite"' in page.text


def test_chat_without_javascript_renders_the_answer(client: TestClient) -> None:
    page = client.post("/", data={"question": QUESTION}, headers=HTML)
    assert page.status_code == 200
    assert 'class="app-cite"' in page.text  # [n] markers are links to the cited passage
    assert "Sources" in page.text
    conversation = re.search(
        r'name="conversation_id" id="conversation_id" value="([^"]+)"', page.text
    )
    assert conversation and conversation.group(1)
    follow_up = client.post(
        "/",
        data={
            "question": "What about the year before?",
            "conversation_id": conversation.group(1),
        },
        headers=HTML,
    )
    assert follow_up.status_code == 200
    assert f'value="{conversation.group(1)}"' in follow_up.text


def test_chat_without_javascript_shows_a_problem_for_an_empty_question(
    client: TestClient,
) -> None:
    page = client.post("/", data={"question": "  "}, headers=HTML)
    assert page.status_code == 400
    assert "There is a problem" in page.text


def test_search_page_filters_highlights_and_links_to_pages(client: TestClient) -> None:
    page = client.get(
        "/search",
        params={"q": "virtual school", "doc_type": "committee_report"},
        headers=HTML,
    )
    assert page.status_code == 200
    assert "Results 1 to" in page.text
    assert re.search(r"<mark>virtual</mark>", page.text, re.IGNORECASE)
    types = re.findall(r'<span class="app-tag app-tag--grey">([^<]+)</span>', page.text)
    assert types and set(types) == {"Committee report"}
    assert re.search(
        r'href="/documents/[^"?]+\?page=\d+&amp;q=virtual(?:%20|\+)school#page-text"',
        page.text,
    )
    assert '<option value="committee_report" selected>' in page.text


def test_search_page_explains_a_bad_date(client: TestClient) -> None:
    page = client.get(
        "/search", params={"q": "care", "since": "31/03/2020"}, headers=HTML
    )
    assert page.status_code == 200
    assert "Enter a real date" in page.text


def test_search_page_paginates(client: TestClient) -> None:
    first = client.get("/search", params={"q": "children"}, headers=HTML)
    assert 'rel="next"' in first.text
    second = client.get("/search", params={"q": "children", "page": 2}, headers=HTML)
    assert "Results 11 to" in second.text and 'rel="prev"' in second.text


def test_documents_page_lists_papers_and_offers_upload(client: TestClient) -> None:
    page = client.get("/documents", headers=HTML)
    assert page.status_code == 200
    assert "5 papers in the index." in page.text
    assert "Children in Care" in page.text or "children in care" in page.text.lower()
    assert 'enctype="multipart/form-data"' in page.text


def test_document_page_highlights_the_quote_on_its_page(client: TestClient) -> None:
    doc_id = doc_id_of(client, "cic-health-annual-report-2019-20.pdf")
    text = client.get(f"/api/documents/{doc_id}/pages/2").json()["text"]
    quote = " ".join(text.split()[5:15])
    page = client.get(
        f"/documents/{doc_id}", params={"page": 2, "quote": quote}, headers=HTML
    )
    assert page.status_code == 200
    marked = re.search(
        r'<mark id="quote" class="app-quote" tabindex="-1">(.*?)</mark>',
        page.text,
        re.DOTALL,
    )
    assert marked and " ".join(html.unescape(marked.group(1)).split()) == quote
    assert f'href="/api/documents/{doc_id}/file#page=2"' in page.text
    assert "Page 2 of" in page.text


def test_document_page_for_an_unknown_paper_is_a_404_page(client: TestClient) -> None:
    page = client.get("/documents/not-a-paper", headers=HTML)
    assert page.status_code == 404
    assert "Page not found" in page.text


def test_upload_form_shows_the_reason_a_file_failed(scratch_client: TestClient) -> None:
    page = scratch_client.post(
        "/documents",
        files={"file": ("agenda.pdf", b"garbage", "application/pdf")},
        headers=HTML,
    )
    assert page.status_code == 422
    assert "The paper could not be added" in page.text
    assert re.search(r'id="upload-reason">agenda\.pdf: [^<]+</a>', page.text)


def test_chat_without_javascript_lists_only_the_figures_the_answer_used(tool_calling_app) -> None:  # type: ignore[no-untyped-def]
    """The model's call for the year before (31 March 2019) was run but not used: it is counted, not shown."""
    with TestClient(tool_calling_app) as client:
        page = client.post("/", data={"question": QUESTION}, headers=HTML)
    assert page.status_code == 200
    figures = html.unescape(page.text.split('<details class="app-details app-figures">', 1)[1].split("</article>", 1)[0])
    assert "<summary>Figures looked up (1)</summary>" in figures
    assert figures.count('class="app-tool"') == 1
    assert '"as_at": "2020-03-31"' in figures and "2019-03-31" not in figures
    assert '<p class="app-hint app-figures__unused">1 look-up not used (see notes)</p>' in figures
