"""Chunking the real corpus: verbatim slices, sizes, sections, paragraphs and tables."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.config import Settings
from assistant.ingest.chunking import CONTEXT_AND_TEXT_TOKENS, Chunker
from assistant.types import Chunk, Document

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
    assert twelve.context == "Leicestershire Virtual School\nThe role of the Leicestershire Virtual School"


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
