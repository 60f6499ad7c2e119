"""File readers, registered by extension.

    >>> raw = read_file(Path("corpus/cic-health-annual-report-2019-20.pdf"))
    >>> raw.pages[0][:17]
    'EXECUTIVE SUMMARY'

Built-in readers register themselves exactly as an outside one would, with
:func:`register`. :func:`read_file` applies the checks every format shares (missing
file, zero bytes, unknown extension) and wraps unexpected library failures, so
callers only ever see ``IngestError`` subclasses.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ...errors import EmptyDocument, IngestError, UnreadableFile, UnsupportedFile
from .base import RawDocument, Reader
from .docx import DocxReader
from .html import HtmlReader
from .pdf import PypdfReader
from .txt import TextReader

__all__ = ["RawDocument", "Reader", "read_file", "reader_for", "register", "supported_extensions"]

logger = logging.getLogger(__name__)

_READERS: dict[str, Reader] = {}


def register(reader: Reader) -> None:
    """Use ``reader`` for each of its extensions (replacing any earlier reader)."""
    for extension in reader.extensions:
        _READERS[extension.lower()] = reader


def supported_extensions() -> frozenset[str]:
    return frozenset(_READERS)


def reader_for(path: Path) -> Reader:
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        kind = path.suffix or "no extension"
        raise UnsupportedFile(path, f"unsupported file type ({kind}); supported: {', '.join(sorted(_READERS))}")
    return reader


def read_file(path: Path) -> RawDocument:
    """Read ``path`` with the reader registered for its extension."""
    reader = reader_for(path)
    if not path.is_file():
        raise UnreadableFile(path, "no such file")
    if path.stat().st_size == 0:
        raise EmptyDocument(path, "empty file (0 bytes)")
    try:
        return reader.read(path)
    except IngestError:
        raise
    except OSError as exc:
        raise UnreadableFile(path, f"could not be read ({exc.strerror or exc})") from exc
    except Exception as exc:  # a library failing on a file it should have refused cleanly
        logger.warning("reader %s failed on %s", type(reader).__name__, path, exc_info=True)
        raise UnreadableFile(path, f"could not be read ({type(exc).__name__}: {exc})") from exc


for _builtin in (PypdfReader(), DocxReader(), HtmlReader(), TextReader()):
    register(_builtin)
