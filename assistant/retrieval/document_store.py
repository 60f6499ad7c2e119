"""The document store: documents, their pages and chunks, in SQLite.

It is the index's source of truth. Chroma and the keyword index are derived from it:
a document is searchable only once its row says ``status = 'indexed'``, and the keyword
index is rebuilt from the chunks stored here. Every change bumps a ``generation``
counter, so a process holding derived state can tell that another process changed it.

>>> store = DocumentStore(settings.docstore_path)
>>> store.put_pending(document, chunks)      # one transaction
>>> store.mark_indexed(document.doc_id)
>>> store.get_page("foi-2015", 1).text
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import IndexNotReady
from ..types import Chunk, Document, DocumentMeta, Page

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    council TEXT,
    committee TEXT,
    date TEXT,
    period TEXT,
    access TEXT NOT NULL,
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    paginated INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'indexed')),
    ingested_at TEXT NOT NULL,
    pages INTEGER NOT NULL,
    chunks INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS pages (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (doc_id, number)
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    page INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    section TEXT,
    paragraph TEXT,
    kind TEXT NOT NULL,
    context TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (doc_id, seq);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO state (key, value) VALUES ('generation', 0);
"""

_CHUNK_COLUMNS = 'chunk_id, doc_id, page, start, "end", text, section, paragraph, kind, context'
_LISTED = (
    "doc_id", "title", "source", "doc_type", "date", "council", "committee", "period",
    "access", "pages", "chunks", "status", "ingested_at",
)  # fmt: skip


class DocumentStore:
    """Documents, pages and chunks in one SQLite file (WAL); safe to share between threads."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise IndexNotReady(f"{self.path}: cannot open the document store: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- writes -----------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("UPDATE state SET value = value + 1 WHERE key = 'generation'")
            self._db.execute("COMMIT")

    def put_pending(self, document: Document, chunks: Sequence[Chunk]) -> None:
        """Replace ``document`` (row, pages, chunks) in one transaction, with status 'pending'."""
        meta = document.meta
        with self._transaction() as db:
            db.execute("DELETE FROM documents WHERE doc_id = ?", (document.doc_id,))
            db.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'pending',?,?,?)",
                (
                    document.doc_id, meta.title, meta.doc_type, meta.council, meta.committee,
                    meta.date.isoformat() if meta.date else None, meta.period, meta.access,
                    document.source, document.path, document.content_hash, int(document.paginated),
                    dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    len(document.pages), len(chunks),
                ),
            )  # fmt: skip
            db.executemany(
                "INSERT INTO pages VALUES (?,?,?)",
                [(document.doc_id, p.number, p.text) for p in document.pages],
            )
            db.executemany(
                f"INSERT INTO chunks (seq, {_CHUNK_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (seq, c.chunk_id, c.doc_id, c.page, c.start, c.end, c.text, c.section,
                     c.paragraph, c.kind, c.context)
                    for seq, c in enumerate(chunks)
                ],
            )  # fmt: skip

    def mark_indexed(self, doc_id: str) -> None:
        with self._transaction() as db:
            db.execute("UPDATE documents SET status = 'indexed' WHERE doc_id = ?", (doc_id,))

    def delete(self, doc_id: str) -> bool:
        """Delete a document with its pages and chunks; False when it was not there."""
        with self._transaction() as db:
            return db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,)).rowcount > 0

    # --- reads ------------------------------------------------------------------
    def _all(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    def generation(self) -> int:
        """A counter bumped by every write, in any process."""
        return int(self._all("SELECT value FROM state WHERE key = 'generation'")[0][0])

    def count_documents(self) -> int:
        """Number of searchable (indexed) documents."""
        return int(self._all("SELECT count(*) FROM documents WHERE status = 'indexed'")[0][0])

    def list_documents(self) -> list[dict[str, Any]]:
        rows = self._all(f"SELECT {', '.join(_LISTED)} FROM documents ORDER BY date DESC, title")
        return [dict(row) for row in rows]

    def content_hash(self, doc_id: str) -> str | None:
        """The indexed version's hash; None when absent or not fully indexed."""
        rows = self._all("SELECT content_hash FROM documents WHERE doc_id = ? AND status = 'indexed'", (doc_id,))
        return rows[0][0] if rows else None

    def pending_doc_ids(self) -> list[str]:
        return [r[0] for r in self._all("SELECT doc_id FROM documents WHERE status = 'pending'")]

    def get_document(self, doc_id: str) -> Document | None:
        rows = self._all("SELECT * FROM documents WHERE doc_id = ?", (doc_id,))
        if not rows:
            return None
        pages = self._all("SELECT number, text FROM pages WHERE doc_id = ? ORDER BY number", (doc_id,))
        row = rows[0]
        return Document(
            doc_id=row["doc_id"],
            source=row["source"],
            path=row["path"],
            content_hash=row["content_hash"],
            meta=_meta(row),
            pages=tuple(Page(number=p["number"], text=p["text"]) for p in pages),
            paginated=bool(row["paginated"]),
        )

    def indexed_documents(self) -> dict[str, tuple[DocumentMeta, str]]:
        """``doc_id -> (meta, source)`` of every searchable document."""
        rows = self._all("SELECT * FROM documents WHERE status = 'indexed'")
        return {row["doc_id"]: (_meta(row), row["source"]) for row in rows}

    def get_page(self, doc_id: str, number: int) -> Page | None:
        rows = self._all("SELECT number, text FROM pages WHERE doc_id = ? AND number = ?", (doc_id, number))
        return Page(number=rows[0]["number"], text=rows[0]["text"]) if rows else None

    def chunks_for(self, doc_id: str) -> list[Chunk]:
        rows = self._all(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE doc_id = ? ORDER BY seq", (doc_id,))
        return [_chunk(r) for r in rows]

    def get_chunk(self, chunk_id: str) -> Chunk | None:
        rows = self._all(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE chunk_id = ?", (chunk_id,))
        return _chunk(rows[0]) if rows else None

    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        """The stored chunks among ``chunk_ids`` (missing ids are left out)."""
        out: dict[str, Chunk] = {}
        for i in range(0, len(chunk_ids), 500):
            batch = chunk_ids[i : i + 500]
            marks = ",".join("?" * len(batch))
            rows = self._all(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE chunk_id IN ({marks})", batch)
            out.update((r["chunk_id"], _chunk(r)) for r in rows)
        return out

    def iter_chunks(self) -> Iterator[Chunk]:
        """Chunks of every indexed document, in document and reading order."""
        rows = self._all(
            f"SELECT {', '.join('c.' + c for c in _CHUNK_COLUMNS.split(', '))} FROM chunks c "
            "JOIN documents d USING (doc_id) WHERE d.status = 'indexed' ORDER BY c.doc_id, c.seq"
        )
        return (_chunk(r) for r in rows)


def _meta(row: sqlite3.Row) -> DocumentMeta:
    return DocumentMeta(
        title=row["title"],
        doc_type=row["doc_type"],
        council=row["council"],
        committee=row["committee"],
        date=dt.date.fromisoformat(row["date"]) if row["date"] else None,
        period=row["period"],
        access=row["access"],
    )


def _chunk(row: sqlite3.Row) -> Chunk:
    return Chunk(
        chunk_id=row["chunk_id"],
        doc_id=row["doc_id"],
        page=row["page"],
        start=row["start"],
        end=row["end"],
        text=row["text"],
        section=row["section"],
        paragraph=row["paragraph"],
        kind=row["kind"],
        context=row["context"],
    )
