"""Split a page into answerable units: sentences, list items and table rows.

One job: cut page text into short spans *with their offsets*, so every unit is a
verbatim slice of the page (``page.text[unit.start:unit.end] == unit.text``) and can
be quoted and highlighted as it stands.

PDF text breaks lines mid-sentence; a line break ends a unit only where the layout
says so: a blank line, a bullet or numbered item on the next line, or a table row
(tabs or runs of spaces between cells).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_UNIT_CHARS = 420

_ABBREVIATIONS = frozenset(
    "e.g i.e etc no nos approx inc incl dr mr mrs ms st cllr para paras ref vs fig cf al jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9£•·▪●\-–])")
_ITEM_START = re.compile(r"\s*(?:[•·▪●◦\-–*]|\d{1,3}[.)]\s|[a-z][.)]\s|\(?[ivx]{1,4}\)\s|\(?[a-z]\)\s)")
_CAPITAL_START = re.compile(r"\s*[\"“(]?[A-Z0-9£]")
_ROW = re.compile(r"\t| {3,}")


@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence, list item or table row: a verbatim slice of its page."""

    start: int
    end: int
    text: str
    row: bool = False  # a table row or list line rather than running prose


def _line_breaks(text: str) -> list[tuple[int, bool]]:
    """Offsets where a new unit starts because of layout, and whether it is a row.

    A line starts a unit after a blank line, a heading or a line ending in ":", when
    it is a bullet or numbered item, or when it or the line before is a table row. A
    short line (well under the page's usual width) followed by a capital or a digit
    ends a paragraph.
    """
    cuts: list[tuple[int, bool]] = []
    lines = text.split("\n")
    lengths = sorted(len(line.rstrip()) for line in lines if line.strip())
    width = lengths[int(len(lengths) * 0.8)] if lengths else 0
    offset = 0
    previous_row = False
    for i, line in enumerate(lines):
        start = offset
        offset += len(line) + 1
        is_row = bool(_ROW.search(line.strip()))
        if i == 0:
            previous_row = is_row
            continue
        prev = lines[i - 1].rstrip()
        short_prev = (
            bool(prev)
            and len(prev) < 0.7 * width
            and not prev.endswith((",", ";", "-", "–", "and", "of", "the"))
        )
        if (
            not prev.strip()
            or is_row
            or previous_row
            or prev.endswith(":")
            or _ITEM_START.match(line)
            or (short_prev and _CAPITAL_START.match(line))
            or (prev.isupper() and len(prev) > 3)
        ):
            cuts.append((start, is_row))
        previous_row = is_row
    return cuts


def split_units(text: str, lo: int = 0, hi: int | None = None) -> list[Unit]:
    """Units of ``text[lo:hi]``, widened to whole sentences at both ends."""
    hi = len(text) if hi is None else hi
    lo, hi = _widen(text, lo, hi)
    segment = text[lo:hi]
    cuts: dict[int, bool] = {0: False}
    for offset, is_row in _line_breaks(segment):
        cuts[offset] = is_row
    for match in _SENTENCE_END.finditer(segment):
        if not _is_abbreviation(segment, match.start()):
            cuts.setdefault(match.end(), False)
    ordered = sorted(cuts)
    units: list[Unit] = []
    for i, begin in enumerate(ordered):
        end = ordered[i + 1] if i + 1 < len(ordered) else len(segment)
        for a, b in _cap(segment, begin, end):
            piece = segment[a:b]
            stripped = piece.strip()
            if len(stripped) < 3 or not re.search(r"[A-Za-z0-9]", stripped):
                continue
            s = lo + a + (len(piece) - len(piece.lstrip()))
            units.append(Unit(s, s + len(stripped), stripped, row=cuts[begin] or "\t" in stripped))
    return units


def _is_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([A-Za-z.]+)$", text[max(0, dot - 12) : dot])
    if not word:
        return False
    token = word.group(1).lower().strip(".")
    return token in _ABBREVIATIONS or len(token) == 1


def _widen(text: str, lo: int, hi: int) -> tuple[int, int]:
    """Move ``lo`` back and ``hi`` forward to the nearest sentence or paragraph edge."""
    limit = 300
    back = text[max(0, lo - limit) : lo]
    edge = max(back.rfind(". "), back.rfind(".\n"), back.rfind("\n\n"), back.rfind("? "))
    if lo > 0 and edge >= 0:
        lo = max(0, lo - limit) + edge + 2
    elif lo > 0 and lo - limit <= 0:
        lo = 0
    ahead = text[hi : hi + limit]
    found = re.search(r"[.!?](?=\s)|\n\s*\n", ahead)
    if hi < len(text) and (hi == 0 or text[hi - 1] not in ".!?\n"):
        hi = hi + found.end() if found else min(len(text), hi + limit)
    return lo, hi


def _cap(segment: str, a: int, b: int) -> list[tuple[int, int]]:
    """Split an over-long unit at semicolons or line breaks."""
    if b - a <= MAX_UNIT_CHARS:
        return [(a, b)]
    pieces: list[tuple[int, int]] = []
    start = a
    for match in re.finditer(r";\s+|\n", segment[a:b]):
        cut = a + match.end()
        if cut - start >= 80:
            pieces.append((start, cut))
            start = cut
    pieces.append((start, b))
    return pieces
