"""Documents built straight from the real corpus files (pypdf / python-docx), with the
metadata a manifest would give them, for tests of published-figure extraction."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import docx
from pypdf import PdfReader

from assistant.types import Document, DocumentMeta, Page

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

# What the corpus README states about each paper. The two FOI responses carry no date.
META: dict[str, DocumentMeta] = {
    "cfosc-2018-11-05-virtual-school-report.pdf": DocumentMeta(
        title="Leicestershire Virtual School",
        doc_type="committee_report",
        council="Leicestershire County Council",
        date=dt.date(2018, 11, 5),
    ),
    "cfosc-2020-01-21-agenda-pack.pdf": DocumentMeta(
        title="Children and Families Overview and Scrutiny Committee - 21 January 2020",
        doc_type="agenda_pack",
        council="Leicestershire County Council",
        date=dt.date(2020, 1, 21),
    ),
    "cic-health-annual-report-2019-20.pdf": DocumentMeta(
        title="Children in Care health annual report 2019-20",
        doc_type="annual_report",
        council="Leicestershire County Council",
        period="2019-20",
    ),
    "foi-2015-leicester-city-looked-after-children.docx": DocumentMeta(
        title="FOI response: looked after children",
        doc_type="foi_response",
        council="Leicester City Council",
    ),
    "foi-leicester-city-lac-residential-placements.pdf": DocumentMeta(
        title="FOI response: Looked After Children placements",
        doc_type="foi_response",
        council="Leicester City Council",
    ),
}


def _pages(path: Path) -> tuple[Page, ...]:
    if path.suffix == ".docx":
        text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
        return (Page(number=1, text=text),)
    reader = PdfReader(str(path))
    return tuple(Page(number=i, text=page.extract_text() or "") for i, page in enumerate(reader.pages, start=1))


def corpus_document(name: str, **meta_changes: object) -> Document:
    """The corpus paper ``name`` as a Document; ``meta_changes`` override its metadata."""
    path = CORPUS / name
    return Document(
        doc_id=path.stem,
        source=path.name,
        path=str(path),
        content_hash=hashlib.sha256(path.read_bytes()).hexdigest(),
        meta=META[name].model_copy(update=meta_changes),
        pages=_pages(path),
        paginated=path.suffix != ".docx",
    )
