"""PDF reader: pypdf, page by page, in its default ("plain") extraction mode.

Plain mode keeps table cells on one line ("Residential - External 4100 213,200")
and keeps each printed line as one line; layout mode pads lines with spaces and
blank lines and is three times slower, so it is not used.

Large PDFs can be read in page ranges by several processes at once: ingest asks
:meth:`PypdfReader.page_count`, gives each worker a range for :meth:`PypdfReader.read_range`
(each opens the file itself) and puts the parts back together with
:meth:`PypdfReader.combine`. Every page's text depends on that page alone, so the
result is exactly what :meth:`PypdfReader.read` returns for the whole file.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

from ...errors import EmptyDocument, UnreadableFile
from .base import RawDocument, clean_text, meta_value

logger = logging.getLogger(__name__)

# Library failures on damaged files: pypdf's own errors plus what its parser lets escape.
_PARSE_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, OSError)


class PypdfReader:
    """Reads ``.pdf`` files with pypdf."""

    extensions: tuple[str, ...] = (".pdf",)

    def read(self, path: Path) -> RawDocument:
        reader = self._open(path)
        raw = RawDocument(pages=self._extract(reader, path, 0, None), paginated=True, metadata=self._metadata(reader))
        return self.combine(path, [raw])

    # --- page ranges, for reading one large file in several processes ---------------------

    def page_count(self, path: Path) -> int:
        """Number of pages (opens the file and its page tree only)."""
        reader = self._open(path)
        try:
            return len(reader.pages)
        except _PARSE_ERRORS as exc:
            raise UnreadableFile(path, "corrupt PDF: text could not be extracted") from exc

    def read_range(self, path: Path, start: int, stop: int) -> RawDocument:
        """Pages ``start`` to ``stop - 1`` (0-based); the file's metadata with the first range.

        Not checked for text: pass every part, in page order, to :meth:`combine`.
        """
        reader = self._open(path)
        metadata = self._metadata(reader) if start == 0 else {}
        return RawDocument(pages=self._extract(reader, path, start, stop), paginated=True, metadata=metadata)

    def combine(self, path: Path, parts: list[RawDocument]) -> RawDocument:
        """The whole document from its parts in page order, with the whole-file checks."""
        pages = [page for part in parts for page in part.pages]
        if not pages:
            raise EmptyDocument(path, "PDF has no pages")
        metadata = next((part.metadata for part in parts if part.metadata), {})
        raw = RawDocument(pages=pages, paginated=True, metadata=metadata)
        if not raw.has_text:
            raise EmptyDocument(path, "no extractable text (image-only PDF?)")
        return raw

    def _open(self, path: Path) -> PdfReader:
        try:
            reader = PdfReader(path)
        except _PARSE_ERRORS as exc:
            raise UnreadableFile(path, "corrupt or truncated PDF") from exc
        if reader.is_encrypted:
            self._decrypt(reader, path)
        return reader

    @staticmethod
    def _extract(reader: PdfReader, path: Path, start: int, stop: int | None) -> list[str]:
        try:
            pages = reader.pages
            stop = len(pages) if stop is None else min(stop, len(pages))
            return [clean_text(pages[n].extract_text()) for n in range(start, stop)]
        except _PARSE_ERRORS as exc:
            raise UnreadableFile(path, "corrupt PDF: text could not be extracted") from exc

    @staticmethod
    def _decrypt(reader: PdfReader, path: Path) -> None:
        """Open PDFs protected only by an owner password (empty user password)."""
        try:
            opened = reader.decrypt("")
        except (FileNotDecryptedError, DependencyError, NotImplementedError) as exc:
            raise UnreadableFile(path, "PDF is encrypted") from exc
        except _PARSE_ERRORS as exc:
            raise UnreadableFile(path, "PDF is encrypted and could not be opened") from exc
        if opened == PasswordType.NOT_DECRYPTED:
            raise UnreadableFile(path, "PDF is encrypted")

    @staticmethod
    def _metadata(reader: PdfReader) -> dict[str, str]:
        try:
            info = reader.metadata
        except _PARSE_ERRORS:
            logger.debug("unreadable PDF document information", exc_info=True)
            return {}
        if info is None:
            return {}
        found = {
            "title": meta_value(info.get("/Title")),
            "author": meta_value(info.get("/Author")),
            "subject": meta_value(info.get("/Subject")),
            "created": meta_value(info.get("/CreationDate")),
        }
        return {key: value for key, value in found.items() if value}
