"""HTML reader: BeautifulSoup, visible text only, one unpaginated page.

Scripts, styles and other non-content elements are dropped. Block elements end a
line (paragraphs and headings also leave a blank line), table cells are separated
by tabs, and runs of spaces inside a line are collapsed as a browser would.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag

from ...errors import EmptyDocument
from .base import RawDocument, clean_text, meta_value
from .txt import decode_text

_DROP = ("script", "style", "noscript", "template", "svg", "canvas", "iframe", "head", "nav")
_PARAGRAPH = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "ul",
    "ol",
    "dl",
    "pre",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "figure",
    "form",
}
_LINE = {"div", "li", "tr", "dt", "dd", "caption", "figcaption", "address", "hr"}
_CELL = {"td", "th"}
_INLINE_SPACE = re.compile(r"[ \t\r\n\f\v]+")


class HtmlReader:
    """Reads ``.html``/``.htm`` files with BeautifulSoup."""

    extensions: tuple[str, ...] = (".html", ".htm")

    def read(self, path: Path) -> RawDocument:
        soup = BeautifulSoup(decode_text(path), "html.parser")
        metadata = self._metadata(soup)
        for element in soup(_DROP):
            element.decompose()
        text = clean_text(self._text(soup))
        if not text.strip():
            raise EmptyDocument(path, "the page has no visible text")
        return RawDocument(pages=[text], paginated=False, metadata=metadata)

    @staticmethod
    def _text(soup: BeautifulSoup) -> str:
        """Visible text with block structure turned into newlines and tabs."""
        parts: list[str] = []
        for node in soup.descendants:
            if isinstance(node, (Comment, Doctype)):
                continue
            if isinstance(node, NavigableString):
                parts.append(_INLINE_SPACE.sub(" ", str(node)))
            elif not isinstance(node, Tag):
                continue
            elif node.name == "br":
                parts.append("\n")
            elif node.name in _PARAGRAPH:
                parts.append("\n\n")
            elif node.name in _LINE:
                parts.append("\n")
            elif node.name in _CELL and node.find_previous_sibling(_CELL) is not None:
                parts.append("\t")
        return "".join(parts)

    @staticmethod
    def _metadata(soup: BeautifulSoup) -> dict[str, str]:
        found: dict[str, str | None] = {"title": meta_value(soup.title.string if soup.title else None)}
        for name, key in (
            ("description", "subject"),
            ("author", "author"),
            ("dc.date", "created"),
            ("date", "created"),
            ("article:published_time", "created"),
        ):
            tag = soup.find("meta", attrs={"name": re.compile(f"^{re.escape(name)}$", re.IGNORECASE)}) or soup.find(
                "meta", attrs={"property": name}
            )
            if tag is not None and not found.get(key):
                found[key] = meta_value(tag.get("content"))
        return {key: value for key, value in found.items() if value}
