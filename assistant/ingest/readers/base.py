"""What every reader returns, and the text clean-up they share.

A reader turns one file into a :class:`RawDocument`: the text of each page plus any
metadata the file itself declares (PDF ``/Title``, DOCX core properties, HTML
``<title>``). The cleaned page text is canonical: chunk offsets and citation quotes
are taken from exactly this string, so readers normalise it once, here, and nobody
rewrites it later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

_SPACES = " \u00a0\u2007\u202f"
_BLANK_RUN = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class RawDocument:
    """A file's text before metadata extraction and chunking."""

    pages: list[str]
    paginated: bool = True  # False where the format has no real pages (TXT, HTML)
    metadata: dict[str, str] = field(default_factory=dict)  # e.g. {"title": ..., "author": ...}

    @property
    def has_text(self) -> bool:
        return any(page.strip() for page in self.pages)


class Reader(Protocol):
    """Reads one file format. Registered by extension in ``readers/__init__.py``."""

    extensions: tuple[str, ...]  # lower-case, with the dot: (".pdf",)

    def read(self, path: Path) -> RawDocument:
        """Return the file's pages; raise an ``IngestError`` subclass if it cannot."""
        ...


def clean_text(text: str) -> str:
    """Normalise line ends and whitespace without touching words or tabs.

    Non-breaking spaces become spaces, spaces at either end of a line go, runs of
    blank lines shrink to one, and leading/trailing blank lines are dropped.
    Tabs survive: they separate table cells.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    for space in _SPACES[1:]:
        text = text.replace(space, " ")
    lines = [line.strip(" ") for line in text.split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip("\n")


def meta_value(value: object) -> str | None:
    """A metadata value as a stripped string, or None when empty."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
