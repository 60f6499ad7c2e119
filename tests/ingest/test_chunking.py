"""Chunking the real corpus: verbatim slices, sizes, sections, paragraphs and tables."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.config import Settings
from assistant.ingest.chunking import CONTEXT_AND_TEXT_TOKENS, Chunker
from assistant.types import Chunk, Document, DocumentMeta, Page

Prepared = dict[str, tuple[Document, tuple[Chunk, ...]]]


def _find(chunks: tuple[Chunk, ...], needle: str) -> Chunk:
    found = [c for c in chunks if needle in c.text]
    assert found, f"no chunk contains {needle!r}"
    return found[0]


def test_every_chunk_is_a_verbatim_slice_of_its_page(prepared: Prepared) -> None:
    for document, chunks in prepared.values():
        assert chunks
        for chunk in chunks:
            page = document.pages[chunk.page - 1]
            assert chunk.text == page.text[chunk.start : chunk.end]
            assert chunk.text == chunk.text.strip() and chunk.text
            assert chunk.chunk_id == f"{document.doc_id}:p{chunk.page}:{chunk.start}"
        assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_chunks_fit_the_embedding_model(prepared: Prepared, chunker: Chunker, ingest_settings: Settings) -> None:
    for _, chunks in prepared.values():
        for chunk in chunks:
            assert chunker.count_tokens(chunk.text) <= ingest_settings.chunk_max_tokens
            assert chunker.count_tokens(f"{chunk.context}\n{chunk.text}") <= CONTEXT_AND_TEXT_TOKENS


def test_smaller_limit_splits_long_paragraphs_at_sentences(prepared: Prepared, tmp_path: Path) -> None:
    small = Chunker(Settings(home=tmp_path, chunk_max_tokens=64))
    document, _ = prepared["cfosc-2018-11-05-virtual-school-report.pdf"]
    chunks = small.chunk(document)
    for chunk in chunks:
        assert small.count_tokens(chunk.text) <= 64
        assert chunk.text == document.pages[chunk.page - 1].text[chunk.start : chunk.end]
    pieces = [c for c in chunks if c.paragraph == "12"]
    assert len(pieces) >= 2
    assert all(re.search(r"[.)\"”]$", c.text) for c in pieces[:-1]), [c.text[-30:] for c in pieces]


def test_key_sentence_is_in_one_chunk_on_the_right_page(prepared: Prepared) -> None:
    _, chunks = prepared["cic-health-annual-report-2019-20.pdf"]
    chunk = _find(chunks, "The number of children in care on 31 March 2020 was 657")
    assert chunk.page == 1
    assert chunk.section == "EXECUTIVE SUMMARY"
    assert chunk.context.startswith("Children in Care health annual report 2019-20")


def test_numbered_paragraphs_and_headings(prepared: Prepared) -> None:
    _, chunks = prepared["cfosc-2018-11-05-virtual-school-report.pdf"]
    purpose = _find(chunks, "1. The purpose of this report")
    assert purpose.paragraph == "1" and purpose.section == "Purpose of the Report"
    twelve = _find(chunks, "- 12. In line with legislation")
    assert twelve.paragraph == "12" and twelve.page == 2
    assert twelve.section == "The role of the Leicestershire Virtual School"
    assert twelve.context == (
        "Leicestershire Virtual School\n"
        "Leicestershire County Council, Committee report, 5 November 2018\n"
        "The role of the Leicestershire Virtual School"
    )


def test_bullets_carry_the_paragraph_they_belong_to(prepared: Prepared) -> None:
    _, chunks = prepared["cfosc-2018-11-05-virtual-school-report.pdf"]
    chunk = _find(chunks, "- manage the Pupil Premium Plus funding for children in care;")
    assert chunk.paragraph is not None and chunk.paragraph.startswith("3")


def test_table_chunks_carry_caption_and_header(prepared: Prepared) -> None:
    _, chunks = prepared["cfosc-2020-01-21-agenda-pack.pdf"]
    table = _find(chunks, "Proposed/Provisional net budget 80,914 84,444 88,094 91,944")
    assert table.kind == "table"
    assert "The table below summarises the proposed 2020/21 revenue budget" in table.context
    assert "2020/21 £000 2021/22 £000 2022/23 £000 2023/24 £000" in table.context


def test_table_rows_split_by_row_keep_their_header(prepared: Prepared) -> None:
    _, chunks = prepared["cic-health-annual-report-2019-20.pdf"]
    row = _find(chunks, "Residential - External 4100 213,200")
    assert row.kind == "table"
    assert "Avg Weekly Cost £ Avg Annual Cost £" in row.context
    assert "\nResidential - External 4100 213,200" in f"\n{row.text}"  # whole rows, never cut


def test_docx_budget_rows_are_findable(prepared: Prepared) -> None:
    _, chunks = prepared["foi-2015-leicester-city-looked-after-children.docx"]
    chunk = _find(chunks, "2013-14 - £26,462,900")
    assert chunk.page == 1
    assert "2016-17 - £26,021,400" in chunk.text


def test_boilerplate_is_never_a_chunk(prepared: Prepared) -> None:
    document, chunks = prepared["cfosc-2020-01-21-agenda-pack.pdf"]
    assert any("intentionally left blank" in page.text for page in document.pages)
    assert not any("intentionally left blank" in c.text for c in chunks)


def test_blank_pages_have_no_chunks(prepared: Prepared) -> None:
    _, chunks = prepared["foi-leicester-city-lac-residential-placements.pdf"]
    assert {c.page for c in chunks} == {2}


def test_sections_carry_across_pages(prepared: Prepared) -> None:
    _, chunks = prepared["cic-health-annual-report-2019-20.pdf"]
    page_two = [c for c in chunks if c.page == 2]
    assert page_two[0].section == "EXECUTIVE SUMMARY"


# --- council, type and date in context --------------------------------------------


def test_every_chunk_context_names_its_council(prepared: Prepared, chunker: Chunker) -> None:
    for document, chunks in prepared.values():
        assert document.meta.council
        for chunk in chunks:
            assert document.meta.council in chunk.context, (document.source, chunk.context)
            assert chunk.context.startswith(chunker._truncate(document.title, 24))


def test_context_names_type_and_date_without_repeating_the_title(prepared: Prepared) -> None:
    _, chunks = prepared["foi-2015-leicester-city-looked-after-children.docx"]
    assert chunks[0].context.splitlines()[1] == "Leicester City Council, 2015"  # "FOI response" is in the title
    _, chunks = prepared["cic-health-annual-report-2019-20.pdf"]
    assert chunks[0].context.splitlines()[1] == "Leicestershire County Council"  # type and period are in the title


# --- FOI question/answer units ----------------------------------------------------


def test_foi_answer_is_kept_with_its_question(prepared: Prepared) -> None:
    _, chunks = prepared["foi-leicester-city-lac-residential-placements.pdf"]
    chunk = _find(chunks, "on spot purchase arrangements?")
    assert "5. How many children under 17 years old (inclusive)" in chunk.text
    assert re.search(r"\n62$", chunk.text)  # the answer: a bare figure mid-page is not a page number
    assert "Open Government Licence" not in chunk.text  # closing boilerplate is apart
    answer = _find(chunks, "placements.desk@leicester.gov.uk")
    assert answer.text.startswith("2. General generic departmental email address")
    assert answer.paragraph == "2"


def test_foi_questions_are_not_merged(prepared: Prepared) -> None:
    _, chunks = prepared["foi-2015-leicester-city-looked-after-children.docx"]
    head = _find(chunks, "a. The name of the person heading the local authority’s virtual school")
    assert "Patrick Finegan" in head.text and "b. The number" not in head.text
    budget = _find(chunks, "2013-14 - £26,462,900")
    assert budget.text.startswith("d. The budget that the local authority has had")
    assert budget.paragraph == "d"


def test_split_foi_answers_carry_their_question(prepared: Prepared, tmp_path: Path) -> None:
    small = Chunker(Settings(home=tmp_path, chunk_max_tokens=40))
    document, _ = prepared["foi-2015-leicester-city-looked-after-children.docx"]
    chunks = small.chunk(document)
    rows = _find(tuple(chunks), "2013-14 - £26,462,900")
    assert "d. The budget that the local authority has had" not in rows.text
    assert "\nd. The budget that the local authority has had" in rows.context
    for chunk in chunks:
        assert chunk.text == document.pages[chunk.page - 1].text[chunk.start : chunk.end]
        assert small.count_tokens(f"{chunk.context}\n{chunk.text}") <= CONTEXT_AND_TEXT_TOKENS
    question = next(c for c in chunks if c.text.startswith("d. The budget"))
    assert "d. The budget" not in question.context  # the question is not repeated where it is text
    document, _ = prepared["foi-leicester-city-lac-residential-placements.pdf"]
    chunks = small.chunk(document)
    refusal = _find(tuple(chunks), "Principle 1-fair, lawful and transparent")
    assert "1. Name, direct email address, and direct dial contact number" in refusal.context


def _foi(text: str) -> Document:
    meta = DocumentMeta(title="FOI response: Foster carers", doc_type="foi_response", council="Rutland County Council")
    return Document(
        doc_id="foi",
        source="foi.txt",
        path="/tmp/foi.txt",
        content_hash="x",
        meta=meta,
        pages=(Page(number=1, text=text),),
    )


def test_foi_markers_in_other_layouts(chunker: Chunker) -> None:
    text = (
        "Request reference: 1234\n\n"
        "Q1 How many foster carers were approved in 2022/23?\n"
        "Response: 41\n\n"
        "Q2 How many fostering households left the service in the year?\n"
        "Answer:\n"
        "17\n\n"
        "If you are unhappy with this response you may ask for an internal review.\n"
    )
    chunks = chunker.chunk(_foi(text))
    q1 = _find(tuple(chunks), "Response: 41")
    assert q1.text.startswith("Q1 How many foster carers") and "Q2" not in q1.text
    q2 = _find(tuple(chunks), "17")
    assert q2.text.startswith("Q2 How many fostering households") and "internal review" not in q2.text
    assert all("Rutland County Council" in c.context for c in chunks)


def test_numbered_lists_inside_an_answer_stay_with_it(chunker: Chunker) -> None:
    text = (
        "You asked:\n"
        "1. Which agencies supply your residential placements?\n"
        "The agencies used were:\n"
        "1. Alpha Care Ltd\n"
        "2. Beta Homes Ltd\n"
        "2. What was the total spend?\n"
        "£4.2m\n"
    )
    chunks = chunker.chunk(_foi(text))
    first = _find(tuple(chunks), "Beta Homes Ltd")
    assert first.text.startswith("1. Which agencies") and "total spend" not in first.text
    assert _find(tuple(chunks), "£4.2m").text.startswith("2. What was the total spend?")
