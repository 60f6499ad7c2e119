"""HTML, plain text and Markdown readers, and files no reader should accept."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import UnreadableFile, UnsupportedFile
from assistant.ingest.readers import read_file, reader_for, supported_extensions

from .conftest import FILES


def test_html_keeps_visible_text_and_drops_scripts() -> None:
    raw = read_file(FILES / "html" / "committee-page.html")
    text = raw.pages[0]
    assert raw.paginated is False and len(raw.pages) == 1
    assert "The Committee noted that 657 children were in care on 31 March 2020." in text
    assert "tracker" not in text and "injected text" not in text and "font-family" not in text
    assert "Home" not in text  # navigation is not content
    assert raw.metadata["title"] == "Children and Families Overview and Scrutiny Committee - 3 March 2020"


def test_html_blocks_and_tables_become_lines() -> None:
    lines = read_file(FILES / "html" / "committee-page.html").pages[0].splitlines()
    assert "Date: Tuesday, 3 March 2020 at 2.00 pm, County Hall, Glenfield." in lines  # <b> stays inline
    assert "Foster care\t466" in lines
    assert "First bullet point" in lines and "Second bullet point" in lines


def test_text_splits_pages_on_form_feed() -> None:
    raw = read_file(FILES / "txt" / "report-with-pages.txt")
    assert raw.paginated and len(raw.pages) == 2
    assert raw.pages[1].startswith("Page two starts here.")


def test_markdown_is_one_unpaginated_page() -> None:
    raw = read_file(FILES / "txt" / "briefing.md")
    assert raw.paginated is False and raw.pages[0].startswith("# Care leaver offer briefing")


def test_windows_1252_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes("Budget \u00a326,462,900 \u2013 2013-14".encode("cp1252"))
    assert read_file(path).pages == ["Budget £26,462,900 – 2013-14"]


def test_binary_named_txt_is_refused() -> None:
    with pytest.raises(UnreadableFile) as caught:
        read_file(FILES / "broken" / "binary.txt")
    assert caught.value.reason == "not a text file (binary content)"


def test_unknown_extension_is_unsupported() -> None:
    with pytest.raises(UnsupportedFile) as caught:
        read_file(FILES / "broken" / "notes.xyz")
    assert caught.value.reason.startswith("unsupported file type (.xyz)")


def test_registry_covers_every_format() -> None:
    assert {".pdf", ".docx", ".html", ".htm", ".txt", ".md"} <= supported_extensions()
    assert type(reader_for(Path("A.PDF"))).__name__ == "PypdfReader"
