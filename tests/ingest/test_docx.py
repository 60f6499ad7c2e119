"""DOCX reader: the real FOI response, plus documents built here for tables and pages."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK

from assistant.errors import UnreadableFile
from assistant.ingest.readers import read_file

from .conftest import CORPUS

FOI = CORPUS / "foi-2015-leicester-city-looked-after-children.docx"


def test_foi_response_text_and_properties() -> None:
    raw = read_file(FOI)
    assert len(raw.pages) == 1 and raw.paginated is False
    text = raw.pages[0]
    assert "2013-14 - £26,462,900" in text.splitlines()
    assert "Patrick Finegan" in text
    assert text.index("a. The name of the person") < text.index("Patrick Finegan") < text.index("b. The number")
    assert raw.metadata["title"] == "FOI response: looked after children (Leicester City Council)"


def _build(path: Path, *, page_break: bool) -> Path:
    document = docx.Document()
    document.core_properties.title = "Placement costs"
    document.add_paragraph("Placement costs 2019-20")
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(
        table.rows,
        [("Placement", "Weekly £", "Annual £"), ("SGO", "180", "9,360"), ("Residential - External", "4100", "213,200")],
        strict=True,
    ):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    after = document.add_paragraph("Notes follow the table.")
    if page_break:
        after.add_run().add_break(WD_BREAK.PAGE)
        after.add_run("Second page text.")
    document.save(path)
    return path


def test_tables_in_document_order_as_tab_separated_rows(tmp_path: Path) -> None:
    raw = read_file(_build(tmp_path / "costs.docx", page_break=False))
    lines = raw.pages[0].splitlines()
    assert lines[0] == "Placement costs 2019-20"
    assert "Residential - External\t4100\t213,200" in lines
    assert lines.index("SGO\t180\t9,360") < lines.index("Notes follow the table.")
    assert raw.metadata["title"] == "Placement costs"


def test_explicit_page_breaks_split_pages(tmp_path: Path) -> None:
    raw = read_file(_build(tmp_path / "paged.docx", page_break=True))
    assert raw.paginated and len(raw.pages) == 2
    assert raw.pages[0].endswith("Notes follow the table.")
    assert raw.pages[1] == "Second page text."


def test_corrupt_docx_is_unreadable(tmp_path: Path) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    with pytest.raises(UnreadableFile) as caught:
        read_file(bad)
    assert "not a valid Word document" in caught.value.reason
    assert caught.value.__cause__ is not None
