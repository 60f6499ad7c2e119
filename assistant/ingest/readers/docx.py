"""DOCX reader: python-docx, paragraphs and tables in document order.

Paragraphs are separated by a blank line; a table becomes one line per row with
cells separated by tabs (merged cells once), so the chunker can keep it a table.
Word has no fixed pages, but a saved file records where the last render broke
them (``w:lastRenderedPageBreak``); those are used when present, else explicit page
breaks (``w:br w:type="page"``, ``w:pageBreakBefore``), else the file is one page.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError  # type: ignore[import-untyped]

from ...errors import EmptyDocument, UnreadableFile
from .base import RawDocument, clean_text, meta_value

_PAGE = "\f"  # internal page marker while assembling text
_RENDERED_BREAK = qn("w:lastRenderedPageBreak")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_BR_TYPE = qn("w:type")


class DocxReader:
    """Reads ``.docx`` files with python-docx."""

    extensions: tuple[str, ...] = (".docx",)

    def read(self, path: Path) -> RawDocument:
        try:
            document = docx.Document(str(path))
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, XMLSyntaxError, ValueError) as exc:
            raise UnreadableFile(path, "not a valid Word document (corrupt DOCX?)") from exc
        body = document.element.body
        rendered = any(True for _ in body.iter(_RENDERED_BREAK))
        blocks = list(self._blocks(document, rendered=rendered))
        pages = [clean_text(page) for page in "\n\n".join(blocks).split(_PAGE)]
        raw = RawDocument(pages=pages, paginated=len(pages) > 1, metadata=self._metadata(document))
        if not raw.has_text:
            raise EmptyDocument(path, "the document has no text")
        return raw

    def _blocks(self, document: DocxDocument, *, rendered: bool) -> Iterator[str]:
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                yield self._table_text(item)
            else:
                yield self._paragraph_text(item, rendered=rendered)

    @staticmethod
    def _paragraph_text(paragraph: Paragraph, *, rendered: bool) -> str:
        """Paragraph text with tabs, line breaks and page markers kept."""
        parts: list[str] = []
        ppr = paragraph._p.pPr
        if not rendered and ppr is not None and ppr.find(qn("w:pageBreakBefore")) is not None:
            parts.append(_PAGE)
        for node in paragraph._p.iter(_T, _TAB, _BR, _CR, _RENDERED_BREAK):
            if node.tag == _T:
                parts.append(node.text or "")
            elif node.tag == _TAB:
                parts.append("\t")
            elif node.tag == _RENDERED_BREAK:
                parts.append(_PAGE)
            elif node.tag == _BR and node.get(_BR_TYPE) == "page":
                parts.append("" if rendered else _PAGE)
            else:
                parts.append("\n")
        return "".join(parts)

    @staticmethod
    def _table_text(table: Table) -> str:
        rows: list[str] = []
        for row in table.rows:
            seen: set[int] = set()
            cells: list[str] = []
            for cell in row.cells:
                if id(cell._tc) in seen:  # a merged cell is repeated once per grid column
                    continue
                seen.add(id(cell._tc))
                cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
            if any(cells):
                rows.append("\t".join(cells))
        return "\n".join(rows)

    @staticmethod
    def _metadata(document: DocxDocument) -> dict[str, str]:
        props = document.core_properties
        found = {
            "title": meta_value(props.title),
            "author": meta_value(props.author),
            "subject": meta_value(props.subject),
            "created": props.created.date().isoformat() if props.created else None,
        }
        return {key: value for key, value in found.items() if value}
