"""Ingest: files and folders in, indexed documents and per-file results out.

    >>> pipeline = IngestPipeline(settings, index, kpis=kpis)
    >>> [r.status for r in pipeline.ingest([Path("corpus")])]
    ['indexed', 'indexed', 'indexed', 'indexed', 'indexed']
    >>> [r.status for r in pipeline.ingest([Path("corpus")])]
    ['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']

For each file: hash its bytes; skip it when the index already holds exactly this
version (``unchanged``); otherwise read, extract metadata and chunk it (in worker
processes: one task per file, and a large PDF split into page ranges read by several
workers at once so the biggest file does not hold up the batch), embed its chunks (in
the same workers, in slices, when the index's embedder runs on ONNX: every core embeds
while the rest of the batch is still being read), then hand it to the index, one
document at a time, which replaces any earlier version under the same ``doc_id``
(``updated``). Writing stays in this process and keeps the index's crash-safe order.
A file that cannot be read becomes ``failed`` with a one-line reason and the batch
goes on; a document whose vectors could not be made in a worker is embedded here.

Folders are walked recursively. Hidden files, ``README.md``, ``manifest.*`` and
anything under a ``kpis/`` folder (KPI data, not papers) are passed over, as are
files no reader handles; a file named explicitly with an unsupported type fails.
"""

from __future__ import annotations

import hashlib
import logging
import math
import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, Self

from ..config import Settings
from ..errors import AssistantError, ConfigError, EmptyDocument, IngestError, UnreadableFile
from ..types import Chunk, Document, IngestResult, IngestStatus, Page
from .chunking import Chunker
from .metadata import (
    MANIFEST_NAMES,
    apply_overrides,
    doc_id_for,
    extract_metadata,
    find_manifest,
    load_manifest,
)
from .readers import RawDocument, read_file, reader_for, supported_extensions

logger = logging.getLogger(__name__)

SKIPPED_NAMES = frozenset({"readme.md", *MANIFEST_NAMES})
SKIPPED_FOLDERS = frozenset({"kpis"})

# Page-range splitting of large PDFs across ingest workers.
SPLIT_MIN_PAGES = 12  # files with fewer pages are read whole, by one worker
RANGE_MIN_PAGES = 6  # no range is shorter than this (each worker re-opens the file)
RANGES_PER_WORKER = 3  # aim for about this many tasks per worker, for balance

# Embedding in the ingest workers: chunks per task (about a second of work each, so the
# last document's slices spread over every worker).
EMBED_SLICE = 32


class _DocumentStore(Protocol):
    def content_hash(self, doc_id: str) -> str | None: ...

    def get_document(self, doc_id: str) -> Document | None: ...


class IndexLike(Protocol):
    """What ingest needs from ``retrieval.index.Index``."""

    @property
    def docstore(self) -> _DocumentStore: ...

    def add(self, document: Document, chunks: Sequence[Chunk]) -> None: ...

    def remove(self, doc_id: str) -> bool: ...

    def finalize(self) -> None: ...


class KpiSink(Protocol):
    """What ingest needs from ``tools.kpi_store.KpiStore``: published figures per document."""

    def replace_published(self, document: Document) -> Any: ...


@dataclass(frozen=True)
class _Job:
    """One file to read and chunk (picklable: it crosses into worker processes)."""

    order: int
    path: Path
    doc_id: str
    content_hash: str
    overrides: dict[str, Any] = field(default_factory=dict)
    previous_hash: str | None = None


@dataclass(frozen=True)
class _Prepared:
    job: _Job
    document: Document | None = None
    chunks: tuple[Chunk, ...] = ()
    reason: str | None = None
    seconds: float = 0.0
    # (embedded texts, their vectors) made in the workers; None: the index embeds the chunks
    embedded: tuple[tuple[str, ...], Any] | None = None


@dataclass(frozen=True)
class _Slice:
    """Vectors for some of one document's chunk texts (a worker task's result)."""

    order: int
    rows: tuple[int, ...]
    vectors: Any = None
    reason: str | None = None
    seconds: float = 0.0


def embed_slice(embedding: Any, order: int, rows: tuple[int, ...], texts: list[str]) -> _Slice:
    """Embed one slice of a document's texts (a worker task); failures come back as ``reason``."""
    started = time.perf_counter()
    try:
        vectors = embedding.encode(texts)
    except Exception as exc:  # the document is then embedded in the main process instead
        logger.debug("embedding in a worker failed", exc_info=True)
        return _Slice(order, rows, reason=f"{type(exc).__name__}: {exc}")
    return _Slice(order, rows, vectors, seconds=time.perf_counter() - started)


@dataclass
class _Embedding:
    """A prepared document waiting for its slices of vectors."""

    prepared: _Prepared
    texts: tuple[str, ...]
    left: int
    slices: list[_Slice] = field(default_factory=list)
    failed: bool = False


def prepare(job: _Job, settings: Settings) -> _Prepared:
    """Read, describe and chunk one file. Runs in a worker process; never raises."""
    started = time.perf_counter()
    try:
        raw = read_file(job.path)
    except AssistantError as exc:
        return _Prepared(job, reason=_reason(exc), seconds=time.perf_counter() - started)
    except Exception as exc:  # a bug or library failure on one file must not sink the batch
        logger.exception("could not read %s", job.path)
        return _Prepared(
            job, reason=f"could not be read ({type(exc).__name__}: {exc})", seconds=time.perf_counter() - started
        )
    return finish(job, raw, settings, seconds=time.perf_counter() - started)


def finish(job: _Job, raw: RawDocument, settings: Settings, *, seconds: float = 0.0) -> _Prepared:
    """Describe and chunk a file already read. Runs in a worker process; never raises."""
    started = time.perf_counter() - seconds
    try:
        meta = apply_overrides(extract_metadata(raw, job.path), job.overrides)
        document = Document(
            doc_id=job.doc_id,
            source=job.path.name,
            path=str(job.path),
            content_hash=job.content_hash,
            meta=meta,
            pages=tuple(Page(number=n, text=text) for n, text in enumerate(raw.pages, start=1)),
            paginated=raw.paginated,
        )
        chunks = Chunker(settings).chunk(document)
        if not chunks:
            raise EmptyDocument(job.path, "no text left once blank and boilerplate pages are removed")
    except AssistantError as exc:
        return _Prepared(job, reason=_reason(exc), seconds=time.perf_counter() - started)
    except Exception as exc:  # a bug or library failure on one file must not sink the batch
        logger.exception("could not prepare %s", job.path)
        return _Prepared(
            job, reason=f"could not be read ({type(exc).__name__}: {exc})", seconds=time.perf_counter() - started
        )
    return _Prepared(job, document, tuple(chunks), seconds=time.perf_counter() - started)


@dataclass(frozen=True)
class _Part:
    """Pages ``start`` to ``stop - 1`` of a job's file: read by one worker."""

    job: _Job
    start: int
    stop: int
    raw: RawDocument | None = None
    reason: str | None = None
    seconds: float = 0.0


def read_part(part: _Part) -> _Part:
    """Read one page range (a worker task); failures come back as ``reason``, never raised."""
    started = time.perf_counter()
    reader: Any = reader_for(part.job.path)
    try:
        raw = reader.read_range(part.job.path, part.start, part.stop)
    except AssistantError as exc:
        return _Part(part.job, part.start, part.stop, reason=_reason(exc), seconds=time.perf_counter() - started)
    except Exception as exc:  # as in prepare()
        logger.exception("could not read pages %d-%d of %s", part.start + 1, part.stop, part.job.path)
        reason = f"could not be read ({type(exc).__name__}: {exc})"
        return _Part(part.job, part.start, part.stop, reason=reason, seconds=time.perf_counter() - started)
    return _Part(part.job, part.start, part.stop, raw=raw, seconds=time.perf_counter() - started)


def combine_parts(job: _Job, parts: list[_Part], settings: Settings) -> _Prepared:
    """A split file's parts (any order) put back together, then described and chunked."""
    started = time.perf_counter()
    parts = sorted(parts, key=lambda p: p.start)
    seconds = sum(p.seconds for p in parts)
    failed = next((p for p in parts if p.raw is None), None)
    if failed is not None:
        return _Prepared(job, reason=failed.reason or "could not be read", seconds=seconds)
    reader: Any = reader_for(job.path)
    try:
        raw = reader.combine(job.path, [p.raw for p in parts])
    except AssistantError as exc:
        return _Prepared(job, reason=_reason(exc), seconds=seconds + time.perf_counter() - started)
    return finish(job, raw, settings, seconds=seconds + time.perf_counter() - started)


def plan_ranges(pages: int, range_pages: int) -> list[tuple[int, int]]:
    """``[(start, stop), ...]`` covering ``range(pages)`` in order, in near-equal ranges."""
    count = max(1, math.ceil(pages / max(1, range_pages)))
    bounds = [round(i * pages / count) for i in range(count + 1)]
    return [(bounds[i], bounds[i + 1]) for i in range(count) if bounds[i] < bounds[i + 1]]


class IngestPipeline:
    """Turns files into indexed documents; see the module docstring."""

    def __init__(self, settings: Settings, index: IndexLike, kpis: KpiSink | None = None) -> None:
        if settings.ingest_workers < 1:
            raise ValueError("ingest_workers must be at least 1")
        self.settings = settings
        self.index = index
        self.kpis = kpis
        self._manifests: dict[Path, dict[str, dict[str, Any]]] = {}

    # --- public -------------------------------------------------------------------

    def ingest(self, paths: list[Path], *, progress: bool = False, access: str | None = None) -> list[IngestResult]:
        """Ingest files and folders; one result per file, in the order found.

        ``access`` labels every document whose manifest entry does not set one.
        """
        results: dict[int, IngestResult] = {}
        jobs: list[_Job] = []
        claimed: dict[str, Path] = {}  # doc_id -> file, to catch two files with one id
        for order, (path, root) in enumerate(self._expand(paths)):
            if root is None:
                results[order] = _failed(path, "no such file or folder")
                continue
            try:
                job = self._plan(order, path, root, access)
            except (IngestError, ConfigError) as exc:  # unreadable file, or a bad manifest entry for it
                results[order] = _failed(path, _reason(exc))
                continue
            if (other := claimed.setdefault(job.doc_id, path)) != path:
                results[order] = _failed(path, f"same document id {job.doc_id!r} as {other.name}; rename one")
            elif self._unchanged(job):
                results[order] = IngestResult(path=str(path), source=path.name, status="unchanged", doc_id=job.doc_id)
            else:
                jobs.append(job)
        with _Progress(progress, total=len(jobs)) as bar:
            added = False
            for prepared in self._prepare_all(jobs):
                results[prepared.job.order] = result = self._store(prepared)
                added = added or result.status in ("indexed", "updated")
                bar.advance(prepared.job.path.name)
            if added:
                self.index.finalize()
        return [results[order] for order in sorted(results)]

    def purge(self, doc_ids: Iterable[str]) -> list[str]:
        """Remove documents from the index; returns the ids that were there."""
        removed = [doc_id for doc_id in doc_ids if self.index.remove(doc_id)]
        if removed:
            self.index.finalize()
        return removed

    # --- planning -----------------------------------------------------------------

    def _expand(self, paths: Iterable[Path]) -> list[tuple[Path, Path | None]]:
        """(file, folder it was found in) for every file to consider; (path, None) if missing."""
        found: list[tuple[Path, Path | None]] = []
        seen: set[Path] = set()
        for given in paths:
            path = Path(given).expanduser().resolve()
            candidates: list[tuple[Path, Path | None]]
            if path.is_dir():
                candidates = [(file, path) for file in sorted(path.rglob("*")) if self._wanted(file, path)]
            elif path.is_file():
                candidates = [(path, path.parent)]
            else:
                candidates = [(path, None)]
            for file, root in candidates:
                if file not in seen:
                    seen.add(file)
                    found.append((file, root))
        return found

    @staticmethod
    def _wanted(file: Path, root: Path) -> bool:
        relative = file.relative_to(root)
        if not file.is_file() or any(part.startswith(".") for part in relative.parts):
            return False
        if file.name.lower() in SKIPPED_NAMES or SKIPPED_FOLDERS & {p.lower() for p in relative.parts[:-1]}:
            return False
        if file.suffix.lower() not in supported_extensions():
            logger.info("skipping %s: no reader for %s files", file, file.suffix or "extension-less")
            return False
        return True

    def _plan(self, order: int, path: Path, root: Path, access: str | None) -> _Job:
        reader_for(path)  # unsupported types fail here, before the file is even hashed
        digest = hashlib.sha256()
        try:
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError as exc:
            raise UnreadableFile(path, f"could not be read ({exc.strerror or exc})") from exc
        overrides = dict(self._overrides(path, root))
        if access is not None:
            overrides.setdefault("access", access)
        doc_id = doc_id_for(path)
        return _Job(order, path, doc_id, digest.hexdigest(), overrides, self.index.docstore.content_hash(doc_id))

    def _unchanged(self, job: _Job) -> bool:
        """Same bytes and, when a manifest or caller sets fields, the same values for those."""
        if job.previous_hash != job.content_hash:
            return False
        if not job.overrides:
            return True
        stored = self.index.docstore.get_document(job.doc_id)
        if stored is None:
            return False
        wanted = apply_overrides(stored.meta, job.overrides)
        return wanted == stored.meta

    def _overrides(self, path: Path, root: Path) -> dict[str, Any]:
        """Manifest fields for ``path``: settings.manifest, then the folder's own manifest."""
        merged: dict[str, Any] = {}
        sources: list[Path | None] = [self.settings.manifest]
        sources += [find_manifest(folder) for folder in dict.fromkeys((root, path.parent))]
        for manifest in filter(None, sources):
            manifest = Path(manifest).resolve()
            if manifest not in self._manifests:
                self._manifests[manifest] = load_manifest(manifest)
            merged.update(self._manifests[manifest].get(path.name, {}))
        return merged

    # --- work -----------------------------------------------------------------------

    def _prepare_all(self, jobs: list[_Job]) -> Iterator[_Prepared]:
        """Prepared files as they finish: in worker processes, or here for a single file."""
        workers = min(self.settings.ingest_workers, len(jobs))
        page_counts = self._page_counts(jobs) if self.settings.ingest_workers > 1 else {}
        if len(jobs) == 1 and page_counts.get(jobs[0].order, 0) >= SPLIT_MIN_PAGES:
            workers = self.settings.ingest_workers  # one big PDF: its ranges use every worker
        if workers <= 1:
            yield from (prepare(job, self.settings) for job in jobs)
            return
        range_pages = self._range_pages(jobs, page_counts, workers)
        # "spawn": the parent may hold model threads (torch, onnxruntime) that fork would copy.
        context = multiprocessing.get_context("spawn")
        pending = {job.order: job for job in jobs}
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                tasks: list[tuple[int, Any, Any]] = []  # (pages, function, argument)
                parts_left: dict[int, int] = {}
                for job in jobs:
                    pages = page_counts.get(job.order, 0)
                    ranges = plan_ranges(pages, range_pages) if pages >= SPLIT_MIN_PAGES else []
                    if len(ranges) > 1:
                        parts_left[job.order] = len(ranges)
                        tasks += [(stop - start, read_part, _Part(job, start, stop)) for start, stop in ranges]
                    else:
                        tasks.append((page_counts.get(job.order, 1), prepare, job))
                # Longest first: the pool then finishes close to together.
                tasks.sort(key=lambda task: -task[0])
                running: set[Future[Any]] = {
                    pool.submit(function, argument, self.settings)
                    if function is prepare
                    else pool.submit(function, argument)
                    for _, function, argument in tasks
                }
                # Loaded here while the workers read (a first run makes the ONNX export now).
                embedding = self._worker_embedding(workers)
                parts: dict[int, list[_Part]] = {}
                embeddings: dict[int, _Embedding] = {}
                while running:
                    done, running = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        outcome = future.result()
                        if isinstance(outcome, _Part):
                            order = outcome.job.order
                            parts.setdefault(order, []).append(outcome)
                            parts_left[order] -= 1
                            if parts_left[order] == 0:
                                running.add(pool.submit(combine_parts, outcome.job, parts.pop(order), self.settings))
                            continue
                        if isinstance(outcome, _Slice):
                            ready = self._collect(embeddings, outcome)
                            if ready is None:
                                continue
                            if ready.embedded is None and embedding is not None:
                                logger.warning(
                                    "embedding in the ingest workers failed (%s); embedding in this process",
                                    outcome.reason or "see the log",
                                )
                                embedding = None
                            outcome = ready
                        elif embedding is not None and outcome.document is not None and outcome.chunks:
                            running |= self._embed_in_workers(pool, embedding, outcome, embeddings)
                            continue
                        del pending[outcome.job.order]
                        yield outcome
        except BrokenProcessPool:
            # A worker died (killed, out of memory) or could not start (a script without an
            # ``if __name__ == "__main__"`` guard): finish the batch here instead.
            logger.warning("ingest worker pool failed; reading %d file(s) in-process", len(pending), exc_info=True)
            yield from (prepare(job, self.settings) for job in pending.values())

    def _worker_embedding(self, workers: int) -> Any:
        """How the workers embed chunks (``embeddings.WorkerEmbedding``), or None: the index
        embeds them in this process (an index without an embedder, a torch backend, or a
        model that cannot load, which the index then reports per document)."""
        try:
            embedder: Any = getattr(self.index, "embedder", None)
            if not hasattr(embedder, "for_workers") or not hasattr(embedder, "precomputed"):
                return None
            return embedder.for_workers(threads=max(1, (os.cpu_count() or 1) // workers))
        except Exception:  # index.add raises the same error, where it is reported per document
            logger.debug("no embedding in the ingest workers", exc_info=True)
            return None

    @staticmethod
    def _embed_in_workers(
        pool: ProcessPoolExecutor, embedding: Any, prepared: _Prepared, embeddings: dict[int, _Embedding]
    ) -> set[Future[Any]]:
        """Submit ``prepared``'s chunk texts in slices of similar length; returns the tasks."""
        from ..retrieval.nodes import search_text

        texts = tuple(search_text(chunk) for chunk in prepared.chunks)  # what Index.add embeds
        longest_first = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        slices = [tuple(longest_first[i : i + EMBED_SLICE]) for i in range(0, len(texts), EMBED_SLICE)]
        order = prepared.job.order
        embeddings[order] = _Embedding(prepared, texts, left=len(slices))
        return {pool.submit(embed_slice, embedding, order, rows, [texts[i] for i in rows]) for rows in slices}

    @staticmethod
    def _collect(embeddings: dict[int, _Embedding], done: _Slice) -> _Prepared | None:
        """The document once all its slices are back (without vectors if one failed)."""
        entry = embeddings[done.order]
        entry.left -= 1
        if done.vectors is None:
            entry.failed = True
        else:
            entry.slices.append(done)
        if entry.left:
            return None
        del embeddings[done.order]
        if entry.failed:
            return entry.prepared
        import numpy as np

        rows = [row for part in entry.slices for row in part.rows]
        vectors = np.empty((len(rows), entry.slices[0].vectors.shape[1]), dtype=np.float32)
        vectors[rows] = np.concatenate([part.vectors for part in entry.slices])
        seconds = entry.prepared.seconds + sum(part.seconds for part in entry.slices)
        return replace(entry.prepared, embedded=(entry.texts, vectors), seconds=seconds)

    @staticmethod
    def _page_counts(jobs: list[_Job]) -> dict[int, int]:
        """job order -> page count, for files whose reader can read page ranges."""
        counts: dict[int, int] = {}
        for job in jobs:
            reader: Any = reader_for(job.path)
            if not all(hasattr(reader, name) for name in ("page_count", "read_range", "combine")):
                continue
            try:
                counts[job.order] = int(reader.page_count(job.path))
            except Exception:  # read whole instead: that reports the failure properly
                logger.debug("could not count the pages of %s", job.path, exc_info=True)
        return counts

    @staticmethod
    def _range_pages(jobs: list[_Job], page_counts: dict[int, int], workers: int) -> int:
        """Pages per range: about RANGES_PER_WORKER tasks per worker over the whole batch."""
        total = sum(page_counts.get(job.order, 1) for job in jobs)
        return max(RANGE_MIN_PAGES, math.ceil(total / (workers * RANGES_PER_WORKER)))

    def _store(self, prepared: _Prepared) -> IngestResult:
        job, document = prepared.job, prepared.document
        if document is None:
            return _failed(
                job.path, prepared.reason or "could not be read", doc_id=job.doc_id, seconds=prepared.seconds
            )
        started = time.perf_counter()
        try:
            if prepared.embedded is not None:
                texts, vectors = prepared.embedded
                index: Any = self.index  # one with an embedder: _worker_embedding checked
                with index.embedder.precomputed(texts, vectors) as given:
                    index.add(document, list(prepared.chunks))
                if not given.used:  # the index embedded other texts: right, but the work was wasted
                    logger.warning("%s: vectors made in the ingest workers went unused", job.path.name)
            else:
                self.index.add(document, list(prepared.chunks))
        except Exception as exc:  # one document the index refuses must not stop the others
            logger.exception("indexing %s failed", job.path)
            return _failed(
                job.path,
                f"could not be indexed ({exc})",
                doc_id=job.doc_id,
                seconds=prepared.seconds + time.perf_counter() - started,
            )
        if self.kpis is not None:
            try:
                self.kpis.replace_published(document)
            except Exception:  # published figures are a bonus; the paper is indexed regardless
                logger.exception("could not record published KPI figures from %s", job.path)
        status: IngestStatus = "updated" if job.previous_hash else "indexed"
        return IngestResult(
            path=str(job.path),
            source=document.source,
            status=status,
            doc_id=document.doc_id,
            title=document.title,
            doc_type=document.meta.doc_type,
            pages=len(document.pages),
            chunks=len(prepared.chunks),
            seconds=round(prepared.seconds + time.perf_counter() - started, 3),
        )


class _Progress:
    """A rich progress bar on stderr, or nothing."""

    def __init__(self, enabled: bool, total: int) -> None:
        self._bar: Any = None
        if enabled and total:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                TextColumn("[bold]ingest[/] {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
            )
            self._task = self._bar.add_task("", total=total)

    def __enter__(self) -> Self:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def advance(self, name: str) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=name)


def _reason(exc: AssistantError) -> str:
    return exc.reason if isinstance(exc, IngestError) else exc.detail


def _failed(path: Path, reason: str, *, doc_id: str | None = None, seconds: float = 0.0) -> IngestResult:
    return IngestResult(
        path=str(path), source=path.name, status="failed", doc_id=doc_id, reason=reason, seconds=round(seconds, 3)
    )
