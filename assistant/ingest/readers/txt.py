"""Plain text and Markdown reader: one unpaginated page, or pages split on form feeds.

Text converted from PDFs (``pdftotext``) marks page ends with a form feed; when one
is present the pages are kept and the document counts as paginated.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import EmptyDocument, UnreadableFile
from .base import RawDocument, clean_text

_CONTROL_LIMIT = 0.01  # share of control characters above which text is taken as binary
_ALLOWED_CONTROLS = set("\t\n\r\f")


def decode_text(path: Path) -> str:
    """File bytes as text (UTF-8, else Windows-1252); binary content is refused."""
    data = path.read_bytes()
    if b"\x00" in data:
        raise UnreadableFile(path, "not a text file (binary content)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise UnreadableFile(path, "not a text file (binary content)") from exc
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in _ALLOWED_CONTROLS)
    if text and controls / len(text) > _CONTROL_LIMIT:
        raise UnreadableFile(path, "not a text file (binary content)")
    return text


class TextReader:
    """Reads ``.txt`` and Markdown files."""

    extensions: tuple[str, ...] = (".txt", ".text", ".md", ".markdown")

    def read(self, path: Path) -> RawDocument:
        text = decode_text(path)
        pages = [clean_text(page) for page in text.split("\f")]
        if pages and not pages[-1]:  # a trailing form feed ends the last page, it adds none
            pages.pop()
        raw = RawDocument(pages=pages or [""], paginated=len(pages) > 1)
        if not raw.has_text:
            raise EmptyDocument(path, "the file has no text")
        return raw
