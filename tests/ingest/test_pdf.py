"""PDF reader: real papers, compared with their plain-text seeds, and broken files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.errors import EmptyDocument, UnreadableFile
from assistant.ingest.readers import read_file

from .conftest import CORPUS, FILES

SEEDS = Path("/work/shared/seeds")
SEED_OF = {  # seed file -> the paper it is the text of
    "002_54fc20bee95c2d0a.txt": "cfosc-2020-01-21-agenda-pack.pdf",
    "003_ad2763cc20eca5fc.txt": "cic-health-annual-report-2019-20.pdf",
    "004_9d99f469b31aebda.txt": "cfosc-2018-11-05-virtual-school-report.pdf",
    "001_7754f5cc69e92b47.txt": "foi-leicester-city-lac-residential-placements.pdf",
}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9£%][a-z0-9,.£%]*[a-z0-9%]|[a-z0-9]", text.lower()))


def test_health_report_pages_and_key_sentence() -> None:
    raw = read_file(CORPUS / "cic-health-annual-report-2019-20.pdf")
    assert raw.paginated and len(raw.pages) == 61
    assert "The number of children in care on 31 March 2020 was 657." in raw.pages[0]
    assert raw.metadata["title"].startswith("Children in Care health annual report 2019-20")


def test_table_cells_stay_on_one_line() -> None:
    raw = read_file(CORPUS / "cic-health-annual-report-2019-20.pdf")
    lines = {line for page in raw.pages for line in page.splitlines()}
    assert "Residential - External 4100 213,200" in lines
    assert "High Cost IFA 1100 57,200" in lines


def test_page_text_is_clean() -> None:
    raw = read_file(CORPUS / "cfosc-2018-11-05-virtual-school-report.pdf")
    for page in raw.pages:
        assert page == page.strip("\n")
        assert not any(line != line.strip(" ") for line in page.splitlines())
        assert "\n\n\n" not in page


@pytest.mark.parametrize(("seed", "paper"), sorted(SEED_OF.items()))
def test_extraction_keeps_the_words_of_the_seed(prepared: dict, seed: str, paper: str) -> None:
    assert (SEEDS / seed).exists(), f"seed text {seed} missing: ../shared/seeds must sit beside the repo"
    expected = _words((SEEDS / seed).read_text(encoding="utf-8").replace("**", ""))
    got = _words("\n".join(page.text for page in prepared[paper][0].pages))
    recall = len(expected & got) / len(expected)
    assert recall > 0.95, sorted(expected - got)[:40]


def test_blank_first_page_is_kept_as_an_empty_page() -> None:
    raw = read_file(CORPUS / "foi-leicester-city-lac-residential-placements.pdf")
    assert raw.pages[0] == ""
    assert raw.pages[1].startswith("re: Looked After Children Placements")


def test_owner_password_only_pdf_opens() -> None:
    raw = read_file(FILES / "pdf" / "owner-password-only.pdf")
    assert "placements.desk@leicester.gov.uk" in raw.pages[1]


@pytest.mark.parametrize(
    ("name", "error", "reason"),
    [
        ("encrypted.pdf", UnreadableFile, "PDF is encrypted"),
        ("truncated.pdf", UnreadableFile, "corrupt or truncated PDF"),
        ("empty.pdf", EmptyDocument, "empty file (0 bytes)"),
        ("image-only.pdf", EmptyDocument, "no extractable text (image-only PDF?)"),
    ],
)
def test_broken_pdfs_raise_typed_errors(name: str, error: type[Exception], reason: str) -> None:
    with pytest.raises(error) as caught:
        read_file(FILES / "broken" / name)
    assert caught.value.reason == reason
    assert str(caught.value) == f"{name}: {reason}"


def test_library_errors_are_chained() -> None:
    with pytest.raises(UnreadableFile) as caught:
        read_file(FILES / "broken" / "truncated.pdf")
    assert caught.value.__cause__ is not None
