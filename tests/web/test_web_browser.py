"""End to end in real headless Chromium against a real uvicorn server.

Asks a question and watches the answer stream in, opens a citation and finds the
quote highlighted on its page, searches with a filter, uploads a broken file. The
chat test also takes a screenshot; with UPDATE_SCREENSHOT=1 it refreshes the README's
docs/screenshot-chat.png.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from web_support import QUESTION

pytestmark = pytest.mark.slow

README_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot-chat.png"

# Counts how often the streaming answer's text grows while the answer is still busy.
WATCH_STREAM = """
() => {
  window.__streamGrowth = 0;
  const thread = document.getElementById("thread");
  new MutationObserver((records) => {
    for (const r of records) {
      const article = r.target.closest ? r.target.closest("[data-answer]") : r.target.parentElement.closest("[data-answer]");
      if (article && article.getAttribute("aria-busy") === "true" && r.type === "childList") window.__streamGrowth++;
    }
  }).observe(thread, { childList: true, subtree: true, characterData: true });
}
"""


def ask(page: Any, base: str, question: str) -> None:
    page.goto(base + "/")
    page.evaluate(WATCH_STREAM)
    page.get_by_label("Your question").fill(question)
    page.get_by_role("button", name="Ask", exact=True).click()
    page.wait_for_selector("[data-answer][aria-busy=false]", timeout=120_000)


def test_chat_streams_an_answer_and_opens_the_cited_passage(
    page: Any, live_server: str, tmp_path: Path
) -> None:
    ask(page, live_server, QUESTION)
    assert (
        page.evaluate("window.__streamGrowth") >= 2
    )  # tokens arrived before the final answer
    answer = page.locator("[data-answer]").last
    assert answer.locator(".app-error-summary").count() == 0
    citation = answer.locator("a.app-cite").first
    citation.wait_for()
    assert re.fullmatch(r"\[\d+\]", citation.inner_text())
    assert page.locator("#status").inner_text().startswith("Answer ready")

    # The same citation as the API sees it: which page, which quote.
    href = citation.get_attribute("href")
    assert href and href.startswith("/documents/")
    cited_page = int(re.search(r"[?&]page=(\d+)", href).group(1))  # type: ignore[union-attr]

    citation.click()
    panel = page.locator("#source-panel")
    mark = panel.locator("mark")
    mark.wait_for()
    page.evaluate("window.scrollTo(0, 0)")
    shot = README_SCREENSHOT if os.environ.get("UPDATE_SCREENSHOT") == "1" else tmp_path / "chat.png"
    assert len(page.screenshot(path=str(shot), full_page=True)) > 10_000
    quote = answer.locator(".app-source__quote").first.inner_text()
    assert " ".join(mark.inner_text().split()) == " ".join(quote.split())
    assert f"Page {cited_page} of" in panel.inner_text()
    assert panel.get_by_role("link", name=re.compile("Open the original")).count() == 1

    page.keyboard.press("Escape")
    assert panel.is_hidden()

    # Without the panel: the document view at that page, the quote in <mark>.
    page.goto(live_server + href)
    marked = page.locator("mark#quote")
    assert " ".join(marked.inner_text().split()) == " ".join(quote.split())
    assert f"Page {cited_page} of" in page.locator("main").inner_text()


def test_follow_up_keeps_the_conversation_id(page: Any, live_server: str) -> None:
    ask(page, live_server, QUESTION)
    first = page.locator("#conversation_id").input_value()
    assert first
    page.get_by_label("Ask a follow-up question").fill("And on 31 March 2019?")
    page.get_by_role("button", name="Ask", exact=True).click()
    page.locator("[data-answer][aria-busy=false]").nth(1).wait_for(timeout=120_000)
    assert page.locator("#conversation_id").input_value() == first
    assert page.locator(".app-turn").count() == 2


def test_not_in_the_papers_is_stated_plainly(page: Any, live_server: str) -> None:
    question = "What is the recipe for a Victoria sponge cake?"
    expected = httpx.post(
        live_server + "/api/ask", json={"question": question}, timeout=120
    ).json()
    ask(page, live_server, question)
    shown = page.locator("[data-answer]").last.inner_text()
    assert ("Not in the papers" in shown) is (not expected["found"])
    assert not expected["found"], "the papers hold no cake recipes"


def test_search_with_a_filter(page: Any, live_server: str) -> None:
    page.goto(live_server + "/search")
    page.get_by_label("Search for").fill("looked after children")
    page.get_by_label("Document type").select_option("foi_response")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_selector(".app-result")
    assert "doc_type=foi_response" in page.url
    tags = page.locator(".app-result .app-tag").all_inner_texts()
    assert tags and set(tags) == {"FOI response"}
    assert page.locator(".app-result mark").count() > 0

    page.locator(".app-result__title a").first.click()
    assert page.locator("#page-text").is_visible()
    assert page.locator("#page-text mark").count() > 0


def test_upload_of_a_bad_file_shows_its_reason(
    page: Any, live_server: str, tmp_path: Path
) -> None:
    broken = tmp_path / "broken-agenda.pdf"
    broken.write_bytes(b"%PDF-1.7\nthis file was cut short")
    page.goto(live_server + "/documents")
    page.get_by_label("Upload a file").set_input_files(str(broken))
    page.get_by_role("button", name="Add the paper").click()
    reason = page.locator("#upload-reason")
    reason.wait_for()
    assert reason.inner_text().startswith("broken-agenda.pdf: ")
    assert page.locator(".app-error-summary").evaluate(
        "el => el === document.activeElement"
    )
    # Nothing was added.
    documents = httpx.get(live_server + "/api/documents").json()["documents"]
    assert "broken-agenda.pdf" not in {d["source"] for d in documents}


def test_the_pages_work_from_the_keyboard(page: Any, live_server: str) -> None:
    page.goto(live_server + "/search")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_figures_looked_up_lists_only_the_calls_the_answer_used(page: Any, tool_calling_server: str) -> None:
    """The model called get_kpi twice: for the question's date (657) and for the year
    before (582, a real figure of the wrong period). Only the first is listed; the
    other is counted in a muted line pointing at the note that says why."""
    ask(page, tool_calling_server, QUESTION)
    answer = page.locator("[data-answer]").last
    notes = answer.locator(".app-inset").all_inner_texts()
    assert any("call (" in n and "was not used: its figure is dated 2019-03-31" in n for n in notes), notes

    figures = answer.locator("details.app-figures")
    summary = figures.locator("summary").first
    assert summary.inner_text() == "Figures looked up (1)"
    summary.click()
    tools = figures.locator(".app-tool")
    assert tools.count() == 1
    rows = dict(zip(tools.locator("dt").all_inner_texts(), tools.locator("dd").all_inner_texts(), strict=True))
    assert rows == {"Metric": "cla_at_31_march", "Area": "Leicestershire", "Period": "2020-03-31"}
    tools.locator("summary", has_text="Show the data returned").click()
    data = json.loads(tools.locator("pre").inner_text())
    assert data["value"] == 657 and {f["as_at"] for f in data["figures"]} == {"2020-03-31"}
    assert '"as_at": "2019-03-31"' not in figures.text_content()  # the unused call's figure, nowhere

    unused = answer.locator(".app-figures__unused")
    assert unused.is_visible()
    assert unused.inner_text() == "1 look-up not used (see notes)"
