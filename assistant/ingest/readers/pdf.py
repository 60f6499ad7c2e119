"""PDF reader: pypdf, page by page, in its default ("plain") extraction mode.

Plain mode keeps table cells on one line ("Residential - External 4100 213,200")
and keeps each printed line as one line; layout mode pads lines with spaces and
blank lines and is three times slower, so it is not used.
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
        try:
            reader = PdfReader(path)
        except _PARSE_ERRORS as exc:
            raise UnreadableFile(path, "corrupt or truncated PDF") from exc
        if reader.is_encrypted:
            self._decrypt(reader, path)
        try:
            pages = [clean_text(page.extract_text()) for page in reader.pages]
        except _PARSE_ERRORS as exc:
            raise UnreadableFile(path, "corrupt PDF: text could not be extracted") from exc
        if not pages:
            raise EmptyDocument(path, "PDF has no pages")
        raw = RawDocument(pages=pages, paginated=True, metadata=self._metadata(reader))
        if not raw.has_text:
            raise EmptyDocument(path, "no extractable text (image-only PDF?)")
        return raw

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
