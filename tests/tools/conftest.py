"""Fixtures for the KPI tools: real corpus Documents, real SQLite stores, and one
throwaway PostgreSQL cluster per test session (initdb + pg_ctl on a free port)."""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from assistant.config import Settings
from assistant.tools.kpi_store import KpiStore
from assistant.types import Document, DocumentMeta, Page

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

# What corpus/README.md states about each paper. Neither FOI response carries a date.
CORPUS_META: dict[str, DocumentMeta] = {
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

LIVE_HEADER = "metric,area,period_end,value,unit,source\n"


def _pages(path: Path) -> tuple[Page, ...]:
    if path.suffix == ".docx":
        text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
        return (Page(number=1, text=text),)
    reader = PdfReader(str(path))
    return tuple(Page(number=i, text=p.extract_text() or "") for i, p in enumerate(reader.pages, start=1))


def _document(name: str, pages: tuple[Page, ...], **meta_changes: object) -> Document:
    path = CORPUS / name
    return Document(
        doc_id=path.stem,
        source=path.name,
        path=str(path),
        content_hash=hashlib.sha256(path.read_bytes()).hexdigest(),
        meta=CORPUS_META[name].model_copy(update=meta_changes),
        pages=pages,
        paginated=path.suffix != ".docx",
    )


@pytest.fixture(scope="session")
def corpus_pages() -> dict[str, tuple[Page, ...]]:
    """Page text of every corpus paper, read with pypdf / python-docx."""
    return {name: _pages(CORPUS / name) for name in CORPUS_META}


@pytest.fixture(scope="session")
def corpus_document(corpus_pages: dict[str, tuple[Page, ...]]) -> Callable[..., Document]:
    """``corpus_document(name, **meta_changes)`` -> the paper as a Document."""

    def build(name: str, **meta_changes: object) -> Document:
        return _document(name, corpus_pages[name], **meta_changes)

    return build


@pytest.fixture()
def kpi_settings(tmp_path: Path) -> Settings:
    """Settings with an empty home and an empty live folder of their own."""
    (tmp_path / "kpis").mkdir()
    return Settings(home=tmp_path / "home", corpus_dir=tmp_path / "corpus", kpi_dir=tmp_path / "kpis")


@pytest.fixture()
def store(kpi_settings: Settings) -> KpiStore:
    return KpiStore(kpi_settings)


@pytest.fixture()
def published_store(store: KpiStore, corpus_document: Callable[..., Document]) -> KpiStore:
    """A store holding the published figures of every corpus paper."""
    for name in CORPUS_META:
        store.replace_published(corpus_document(name))
    return store


@pytest.fixture()
def write_live(kpi_settings: Settings) -> Callable[..., Path]:
    """``write_live(rows, name="live.csv")``: a CSV with the standard header in the live folder."""

    def write(rows: str, name: str = "live.csv") -> Path:
        assert kpi_settings.kpi_dir is not None
        path = kpi_settings.kpi_dir / name
        path.write_text(LIVE_HEADER + rows, encoding="utf-8")
        return path

    return write


# --- PostgreSQL -------------------------------------------------------------------
def _pg_bindir() -> Path:
    initdb = shutil.which("initdb") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)), None)
    assert initdb, "PostgreSQL server binaries (initdb, pg_ctl) are required: `make system-deps`"
    return Path(initdb).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for the session; yields a SQLAlchemy URL.

    initdb refuses to run as root, so under root the cluster runs as the ``postgres``
    system user, in a temporary directory it owns."""
    bindir = _pg_bindir()
    base = Path(tempfile.mkdtemp(prefix="kpi-pg-"))
    data, log = base / "data", base / "server.log"
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base, "postgres", "postgres")
    port = free_port()

    def run(*args: str | Path) -> None:
        subprocess.run([*as_user, *map(str, args)], check=True, capture_output=True, timeout=120)

    run(bindir / "initdb", "-D", data, "-U", "kpi", "--auth=trust", "-E", "UTF8", "--no-sync")
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(bindir / "pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "-t", "60", "start")
    try:
        yield f"postgresql+psycopg://kpi@127.0.0.1:{port}/postgres"
    finally:
        run(bindir / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)
