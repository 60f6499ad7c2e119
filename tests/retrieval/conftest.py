"""Fixtures for retrieval tests: the real corpus in a real index (Chroma, MiniLM, bm25s).

Documents are read by the project's readers and cut into passages by a plain
line-packing splitter here, so these tests exercise retrieval on its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.retrieval.index import Index
from assistant.types import Chunk, Document, DocumentMeta, Page

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
LEICESTER = "Leicester City Council"
LEICESTERSHIRE = "Leicestershire County Council"
CFOSC = "Children and Families Overview and Scrutiny Committee"

META: dict[str, DocumentMeta] = {
    "cfosc-2018-11-05-virtual-school-report.pdf": DocumentMeta(
        title="Leicestershire Virtual School", doc_type="committee_report", council=LEICESTERSHIRE,
        committee=CFOSC, date=dt.date(2018, 11, 5),
    ),
    "cfosc-2020-01-21-agenda-pack.pdf": DocumentMeta(
        title="Children and Families Overview and Scrutiny Committee agenda, 21 January 2020",
        doc_type="agenda_pack", council=LEICESTERSHIRE, committee=CFOSC, date=dt.date(2020, 1, 21),
    ),
    "cic-health-annual-report-2019-20.pdf": DocumentMeta(
        title="Children in Care health annual report 2019-20", doc_type="annual_report",
        council=LEICESTERSHIRE, date=dt.date(2020, 3, 31), period="2019-20",
    ),
    "foi-2015-leicester-city-looked-after-children.docx": DocumentMeta(
        title="FOI response: looked after children", doc_type="foi_response", council=LEICESTER,
        date=dt.date(2015, 6, 1),
    ),
    "foi-leicester-city-lac-residential-placements.pdf": DocumentMeta(
        title="FOI response: residential placements for looked after children", doc_type="foi_response",
        council=LEICESTER,
    ),
}  # fmt: skip

_LINE = re.compile(r"[^\n]+")
_WORDS_PER_CHUNK = 110


def doc_id_of(source: str) -> str:
    return Path(source).stem


def split_page(doc_id: str, page: Page, context: str) -> Iterator[Chunk]:
    """Pack whole lines into passages of about ``_WORDS_PER_CHUNK`` words."""
    lines = [m for m in _LINE.finditer(page.text) if m.group().strip()]
    group: list[re.Match[str]] = []
    words = 0
    for i, line in enumerate(lines):
        group.append(line)
        words += len(line.group().split())
        last = i == len(lines) - 1
        if last or words >= _WORDS_PER_CHUNK:
            start, end = group[0].start(), group[-1].end()
            yield Chunk(
                chunk_id=f"{doc_id}:p{page.number}:{start}", doc_id=doc_id, page=page.number,
                start=start, end=end, text=page.text[start:end], context=context,
            )  # fmt: skip
            group, words = [], 0


def build(path: Path, meta: DocumentMeta | None = None, doc_id: str | None = None) -> tuple[Document, list[Chunk]]:
    """A Document and its Chunks for one corpus file."""
    from assistant.ingest.readers import read_file

    raw = read_file(path)
    meta = meta or META[path.name]
    doc_id = doc_id or doc_id_of(path.name)
    pages = tuple(Page(number=n, text=text) for n, text in enumerate(raw.pages, start=1) if text.strip())
    document = Document(
        doc_id=doc_id, source=path.name, path=str(path), meta=meta, pages=pages, paginated=raw.paginated,
        content_hash=hashlib.sha256(path.read_bytes()).hexdigest(),
    )  # fmt: skip
    context = f"{meta.title} ({meta.council})" if meta.council else meta.title
    chunks = [c for page in pages for c in split_page(doc_id, page, context)]
    return document, chunks


@pytest.fixture(scope="session")
def corpus_docs() -> dict[str, tuple[Document, list[Chunk]]]:
    """Every corpus paper as (Document, Chunks), keyed by file name."""
    return {name: build(CORPUS / name) for name in sorted(META)}


@pytest.fixture(scope="session")
def index(tmp_path_factory: pytest.TempPathFactory, corpus_docs) -> Index:
    """A shared, read-only index of the whole corpus."""
    built = Index(Settings(home=tmp_path_factory.mktemp("retrieval-home")))
    for document, chunks in corpus_docs.values():
        built.add(document, chunks)
    built.finalize()
    built.warm_up()
    return built


@pytest.fixture()
def make_index(tmp_path: Path) -> Callable[..., Index]:
    """A fresh, empty index in its own home, sharing the loaded model with ``index``."""

    def make(shared: Index | None = None, **overrides: object) -> Index:
        fresh = Index(Settings(home=tmp_path / "home", **overrides))
        if shared is not None:
            fresh._embedder = shared.embedder
        return fresh

    return make
