"""Structure-aware chunking of council papers.

    >>> chunks = Chunker(settings).chunk(document)
    >>> chunks[0].text == document.pages[chunks[0].page - 1].text[chunks[0].start:chunks[0].end]
    True

Each page is read as lines and grouped into blocks the way a reader sees them:

* headings (ALL CAPS lines, short title-like lines after a finished sentence,
  numbered headings such as "2.6 Children in care", "Agenda Item 8");
* council paragraphs ("12. ...", "- 2. ...", "b. ..."), bullet items and running
  prose, whose wrapped lines end where a sentence ends short of the margin;
* tables: runs of lines with tab-separated cells or columns of figures, with
  short label and header lines in between.

Blocks under one heading are merged while small, long ones are split at sentence
ends, and tables are split by rows. FOI responses are read as question/answer
units ("1.", "a.", "Q1" questions; "You asked:", "Answer:", "Response:" labels):
a question is kept with its answer in one chunk where they fit, and where they
don't, the answer's chunks carry the (shortened) question in their context. A chunk is always one contiguous slice of one
page (``chunk.text == page.text[start:end]``); what a chunk needs to be understood
alone (document title; council, type and date; section; a table's caption and
header row; an FOI answer's question) goes into
``chunk.context``, which retrieval prepends for embedding and keyword search.
Sizes are counted in the embedding model's word pieces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from tokenizers import Tokenizer

from ..config import Settings
from ..errors import ConfigError
from ..types import Chunk, Document
from .metadata import context_label

ChunkKind = Literal["text", "table", "list", "heading"]
LineKind = Literal["blank", "noise", "heading", "item", "bullet", "table", "text"]

# The embedding model reads 256 word pieces; keep context + text under this.
CONTEXT_AND_TEXT_TOKENS = 250
# A table this small (e.g. three "2013 - 520" lines) may share a chunk with prose.
_SMALL_TABLE_TOKENS = 40
# Header cells wrapped one per line ("Estimated", "Completion Date", "2020/21", "£000", ...).
_MAX_HEADER_LINES = 16
# Caps on each context part, in word pieces.
_TITLE_TOKENS, _SECTION_TOKENS, _CAPTION_TOKENS, _HEADER_TOKENS = 24, 20, 24, 40
_LABEL_TOKENS, _QUESTION_TOKENS = 24, 40

_BOILERPLATE = re.compile(
    r"^\s*(?:this page (?:is|has been) (?:intentionally|deliberately) (?:left )?blank\.?"
    r"|\[?blank page\]?)\s*$",
    re.IGNORECASE,
)
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.IGNORECASE)
_NUMBERED = re.compile(r"^(?:[-–•·*]\s+)?(?P<num>\d{1,3}|[a-z])[.)]\s+\S")
_DOTTED_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})+\.?\s+[A-Z]")
_BULLET = re.compile(r"^(?:[-–•·*▪●o]|\(?[ivx]{1,4}\))\s+\S")
_AGENDA_ITEM = re.compile(r"^(?:agenda item|item)\s+\d+[a-z]?\s*$", re.IGNORECASE)
_NOT_A_HEADING = re.compile(r"^(?:joint\s+)?report of\b|^(?:tel|telephone|email|e-mail|fax|contact)\b", re.IGNORECASE)
_NUMERIC_TOKEN = re.compile(r"^\(?[-–]?[£$€]?\d[\d,]*(?:\.\d+)?(?:[%km]|bn)?\)?$|^[-–]$|^£(?:000|m|k)$")
_TRAILING_FIGURES = re.compile(r"(?:\s+\(?-?[£$€]?\d[\d,]*(?:\.\d+)?%?\)?){2,}\s*$")
_CONTACT = re.compile(r"^(?:tel|telephone|t|textphone|fax|phone|mobile|direct dial)\b\.?:?", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“(]?[A-Z0-9•·-])")
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "cllr",
    "st",
    "no",
    "nos",
    "e.g",
    "i.e",
    "etc",
    "vs",
    "cf",
    "para",
    "paras",
    "ref",
    "approx",
    "inc",
    "co",
    "ltd",
    "prof",
    "rev",
    "fig",
    "figs",
    "p",
    "pp",
}
_TERMINAL = (".", "!", "?", ".)", '."', ".”", "?”")
# FOI responses: question markers ("1.", "a)", "Q1", "Question 2:"), the request/answer
# labels that open a new block, and the closing boilerplate after the last answer.
_QUESTION = re.compile(
    r"^(?:[-–•·*]\s+)?(?:(?P<num>\d{1,3}|[a-z])[.)]|(?:Q|Question|Request)\s*(?P<q>\d{1,3})\s*[.):]?)\s*\S",
    re.IGNORECASE,
)
_QA_LABEL = re.compile(
    r"^(?:(?:you asked|your (?:request|question)s?|request|questions?|(?:our )?(?:answer|response|reply)s?)\s*:"
    r"|(?:Q|Question|A|Answer)\s*\d{1,3}\b)",
    re.IGNORECASE,
)
_REQUEST_LABEL = re.compile(r"^(?:you asked|your (?:request|question)s?|request|questions?)\s*:", re.IGNORECASE)
_FOI_CLOSING = re.compile(
    r"^(?:you (?:may|can) re-?use|if you are (?:dis|un)?(?:satisfied|happy)|the legislation allows you"
    r"|you (?:also )?have the right|yours (?:sincerely|faithfully)|please (?:note|be aware) that the information commissioner"
    r"|information (?:is|has been) (?:supplied|released) under)",
    re.IGNORECASE,
)
_QA_CUE = re.compile(r"^\s*(?:you asked|your request)\s*:", re.IGNORECASE | re.MULTILINE)
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "from", "&"}


@dataclass
class _Line:
    start: int
    end: int
    text: str
    kind: LineKind = "text"


@dataclass
class _Block:
    start: int
    end: int
    kind: ChunkKind
    lines: list[_Line]
    paragraph: str | None = None
    section: str | None = None  # nearest heading, set by _Carry
    header: str | None = None  # tables: the header lines above the first data row
    caption: str | None = None  # tables: the sentence that introduces them
    after_boilerplate: bool = False  # follows a "left blank" line: never merged across it
    unit: int = 0  # FOI responses: which question/answer unit the block belongs to
    question: str | None = None  # FOI responses: the question this block answers (None for the question itself)
    asks: bool = False  # FOI responses: this block opens with a question marker


@dataclass
class _Group:
    blocks: list[_Block] = field(default_factory=list)
    tokens: int = 0

    @property
    def kind(self) -> ChunkKind:
        kinds = {b.kind for b in self.blocks}
        if "table" in kinds:
            return "table"
        if kinds == {"heading"}:
            return "heading"
        body = kinds - {"heading"}
        return "list" if body == {"list"} else "text"


@dataclass
class _Carry:
    """What flows from block to block and page to page: section, paragraph, open table."""

    section: str | None = None
    paragraph: str | None = None
    table: _Block | None = None
    # FOI question/answer units, carried across pages
    unit: int = 0
    question: str | None = None
    last_marker: str | None = None
    closing: bool = False  # in the closing boilerplate (re-use, complaints) after the answers
    list_marker: str | None = None  # a numbered list inside the current answer

    def apply(self, blocks: list[_Block]) -> None:
        for i, block in enumerate(blocks):
            if block.kind == "heading":
                self.section, self.paragraph = _heading_text(block), None
            elif block.kind == "table":
                if i == 0 and self.table is not None and not block.header:  # continued from the last page
                    block.header, block.caption = self.table.header, self.table.caption
            elif block.paragraph:
                self.paragraph = block.paragraph
            else:
                block.paragraph = self.paragraph
            block.section = self.section
        self.table = blocks[-1] if blocks and blocks[-1].kind == "table" else None


@lru_cache(maxsize=4)
def load_tokenizer(model_path: str) -> Tokenizer:
    """The embedding model's word-piece tokenizer (``tokenizer.json``), without truncation."""
    path = Path(model_path) / "tokenizer.json"
    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as exc:  # tokenizers raises a bare Exception for missing/invalid files
        raise ConfigError("ASSISTANT_EMBED_MODEL", f"no usable tokenizer.json at {path}") from exc
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


class Chunker:
    """Splits a :class:`Document` into retrieval chunks of at most ``chunk_max_tokens``."""

    def __init__(self, settings: Settings) -> None:
        self.max_tokens = settings.chunk_max_tokens
        self._tokenizer = load_tokenizer(settings.embed_model)
        self._budgets: dict[str, int] = {}  # context -> text budget; contexts repeat a lot

    def count_tokens(self, text: str) -> int:
        """Word pieces in ``text`` (no special tokens)."""
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def chunk(self, document: Document) -> list[Chunk]:
        chunks: list[Chunk] = []
        carry = _Carry()
        title = self._truncate(document.title, _TITLE_TOKENS)
        label = context_label(document.meta)
        head = f"{title}\n{self._truncate(label, _LABEL_TOKENS)}" if label else title
        qa = is_question_answer(document)
        for page in document.pages:
            blocks = _blocks(page.text, qa)
            carry.apply(blocks)
            if qa:
                _mark_questions(blocks, carry)
            groups = self._groups(blocks, head, qa)
            for group in groups:
                if group.kind == "heading" and len(groups) > 1:
                    continue  # a heading is carried as the section of what follows it
                chunks.extend(self._emit(document, page.number, page.text, group, head))
        return chunks

    # --- grouping -----------------------------------------------------------------

    def _groups(self, blocks: list[_Block], title: str, qa: bool = False) -> list[_Group]:
        """Merge small consecutive blocks under one heading; tables stay apart.

        In a question/answer document, a unit (question plus answer) is never merged
        with another, and is one group whenever it fits.
        """
        groups: list[_Group] = []
        current = _Group()
        fits = self._units_that_fit(blocks, title) if qa else set()
        for block in blocks:
            budget = self._budget(self._context(title, block.section, block, _question_of([*current.blocks, block])))
            tokens = self.count_tokens(_slice_text(block))
            if tokens == 0 and block.kind != "heading":
                continue
            if current.blocks and qa and current.blocks[-1].unit != block.unit:
                joins = False
            elif current.blocks and qa and block.unit in fits:
                joins = not block.after_boilerplate
            elif current.blocks and qa and block.asks:
                joins = False  # a question that does not fit with its answer starts a chunk
            elif current.blocks and qa:
                joins = not block.after_boilerplate and current.tokens + tokens <= budget
            else:
                joins = not current.blocks or self._can_join(current, block, tokens, budget)
            if not joins:
                groups.append(current)
                current = _Group()
            current.blocks.append(block)
            current.tokens += tokens
        if current.blocks:
            groups.append(current)
        return groups

    def _units_that_fit(self, blocks: list[_Block], title: str) -> set[int]:
        """FOI units (on this page) whose question and answer fit one chunk."""
        units: dict[int, list[_Block]] = {}
        for block in blocks:
            units.setdefault(block.unit, []).append(block)
        fits: set[int] = set()
        for unit, members in units.items():
            if any(b.after_boilerplate for b in members[1:]):
                continue
            table = next((b for b in members if b.kind == "table"), None)
            context = self._context(title, members[-1].section, table, _question_of(members))
            if self.count_tokens(_slice_text(_Block(0, 0, "text", [ln for b in members for ln in b.lines]))) <= (
                self._budget(context)
            ):
                fits.add(unit)
        return fits

    def _can_join(self, group: _Group, block: _Block, tokens: int, budget: int) -> bool:
        if block.after_boilerplate:
            return False
        if block.kind == "heading":
            return group.kind == "heading"
        if group.tokens + tokens > budget:
            return False
        if group.kind == "heading":
            return True
        if (block.kind == "table" or group.kind == "table") and min(tokens, group.tokens) >= _SMALL_TABLE_TOKENS:
            return False  # tables stay apart, unless one side is a scrap
        return group.tokens < self.max_tokens // 2  # merge tiny paragraphs only

    # --- emitting -----------------------------------------------------------------

    def _emit(self, document: Document, page: int, text: str, group: _Group, title: str) -> list[Chunk]:
        section = group.blocks[-1].section
        table = next((b for b in group.blocks if b.kind == "table"), None)
        context = self._context(title, section, table, _question_of(group.blocks))
        budget = self._budget(context)
        asked = next((b for b in group.blocks if b.asks), None)  # the question, in this group's text
        # Pieces of a split group that lose the question carry it in their context instead.
        carried = self._context(title, section, table, _question_text(asked)) if asked else context
        start, end = group.blocks[0].start, group.blocks[-1].end
        if group.tokens <= budget:
            spans = [(start, end)]
        elif table is not None:
            spans = self._split_rows(text, group, self._budget(carried))
        else:
            spans = self._split_sentences(text, group, self._budget(carried))
        numbers = list(dict.fromkeys(b.paragraph for b in group.blocks if b.paragraph))
        paragraph = None if not numbers else numbers[0] if len(numbers) == 1 else f"{numbers[0]}-{numbers[-1]}"
        out: list[Chunk] = []
        for span_start, span_end in spans:
            span_start, span_end = _trim(text, span_start, span_end)
            if span_end <= span_start:
                continue
            holds_question = asked is None or span_start <= asked.start < span_end
            out.append(
                Chunk(
                    chunk_id=f"{document.doc_id}:p{page}:{span_start}",
                    doc_id=document.doc_id,
                    page=page,
                    start=span_start,
                    end=span_end,
                    text=text[span_start:span_end],
                    section=section,
                    paragraph=paragraph,
                    kind=group.kind,
                    context=context if holds_question else carried,
                )
            )
        return out

    def _split_rows(self, text: str, group: _Group, budget: int) -> list[tuple[int, int]]:
        """Pack whole lines (table rows) into spans within ``budget``."""
        lines = [line for block in group.blocks for line in block.lines]
        return self._pack([(line.start, line.end) for line in lines], text, budget)

    def _split_sentences(self, text: str, group: _Group, budget: int) -> list[tuple[int, int]]:
        """Pack sentences and list items into spans within ``budget``; cut longer ones at word pieces."""
        start, end = group.blocks[0].start, group.blocks[-1].end
        ends = (m.end() for m in _SENTENCE_END.finditer(text, start, end) if _real_sentence_end(text, m))
        items = (line.start for b in group.blocks for line in b.lines if line.kind in ("item", "bullet"))
        cuts = sorted({start, end, *ends, *items})
        sentences = [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if text[a:b].strip()]
        return self._pack(sentences, text, budget)

    def _pack(self, pieces: list[tuple[int, int]], text: str, budget: int) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        span: tuple[int, int] | None = None
        used = 0
        for piece_start, piece_end in pieces:
            tokens = self.count_tokens(text[piece_start:piece_end])
            if tokens > budget:
                if span:
                    spans.append(span)
                    span, used = None, 0
                spans.extend(self._hard_split(text, piece_start, piece_end, budget))
                continue
            if span and used + tokens <= budget:
                span, used = (span[0], piece_end), used + tokens
            else:
                if span:
                    spans.append(span)
                span, used = (piece_start, piece_end), tokens
        if span:
            spans.append(span)
        return spans

    def _hard_split(self, text: str, start: int, end: int, budget: int) -> list[tuple[int, int]]:
        """Cut ``text[start:end]`` every ``budget`` word pieces, at a space where possible."""
        offsets = self._tokenizer.encode(text[start:end], add_special_tokens=False).offsets
        spans: list[tuple[int, int]] = []
        first = 0
        while first < len(offsets):
            last = min(first + budget, len(offsets)) - 1
            cut = offsets[last][1]
            if last + 1 < len(offsets):  # back off to the last token that ends a word
                for k in range(last, first, -1):
                    if offsets[k][1] < offsets[k + 1][0]:
                        last, cut = k, offsets[k][1]
                        break
            spans.append((start + offsets[first][0], start + cut))
            first = last + 1
        return spans

    # --- context -----------------------------------------------------------------

    def _context(self, title: str, section: str | None, table: _Block | None, question: str | None = None) -> str:
        """``title`` (document title and label), section, table caption and header, FOI question."""
        parts = [title]
        if section and section.casefold() not in title.casefold():
            parts.append(self._truncate(section, _SECTION_TOKENS))
        if question:
            parts.append(self._truncate(question, _QUESTION_TOKENS))
        if table is not None and table.kind == "table":
            if table.caption:
                parts.append(self._truncate(table.caption, _CAPTION_TOKENS))
            if table.header:
                parts.append(self._truncate(table.header, _HEADER_TOKENS))
        return "\n".join(parts)

    def _budget(self, context: str) -> int:
        """Word pieces left for the text once ``context`` is prepended."""
        if context not in self._budgets:
            room = CONTEXT_AND_TEXT_TOKENS - self.count_tokens(context) - 1
            self._budgets[context] = max(16, min(self.max_tokens, room))
        return self._budgets[context]

    def _truncate(self, text: str, tokens: int) -> str:
        text = " ".join(text.split())
        offsets = self._tokenizer.encode(text, add_special_tokens=False).offsets
        return text if len(offsets) <= tokens else text[: offsets[tokens - 1][1]] + "…"


# --- question/answer documents -----------------------------------------------------


def is_question_answer(document: Document) -> bool:
    """FOI responses, and any paper laid out as "You asked:" / "Your request:" then answers."""
    if document.meta.doc_type == "foi_response":
        return True
    return any(_QA_CUE.search(page.text) for page in document.pages[:3])


def _mark_questions(blocks: list[_Block], carry: _Carry) -> None:
    """Assign each block its question/answer unit and the question it answers.

    A unit opens at a question ("1.", "b)", "Q3", "Question 4:") whose marker follows
    the previous question's ("2" after "1", "c" after "b"; any "1"/"a"/"Q1" to begin),
    at a request label ("You asked:"), and at the closing boilerplate ("You may
    re-use ...", "If you are dissatisfied ..."). Numbered lists inside an answer
    restart their numbering and so stay part of it.
    """
    for block in blocks:
        first = block.lines[0].text.strip()
        marker = _question_marker(first)
        in_list = carry.list_marker is not None and marker is not None and _follows(carry.list_marker, marker, 1)
        if in_list and "?" not in _slice_text(block):
            carry.list_marker = marker
        elif marker is not None and _follows(carry.last_marker, marker):
            carry.unit += 1
            carry.last_marker = marker
            carry.question = _question_text(block)
            carry.closing, carry.list_marker = False, None
            block.asks = True
        elif marker in ("1", "a") and carry.last_marker is not None:
            carry.list_marker = marker  # "1." inside an answer: a list, not the first question again
        elif _REQUEST_LABEL.match(first) or (_FOI_CLOSING.match(first) and not carry.closing):
            carry.unit += 1
            carry.question = None
            carry.closing = bool(_FOI_CLOSING.match(first))
        block.unit = carry.unit
        block.question = None if block.asks else carry.question


def _question_marker(line: str) -> str | None:
    match = _QUESTION.match(line)
    if not match:
        return None
    return (match.group("num") or match.group("q")).lower()


def _follows(previous: str | None, marker: str, most: int = 2) -> bool:
    """``marker`` continues a sequence ("2" after "1", "c" after "b") that last reached ``previous``.

    Questions may skip one marker (a question lost to extraction): ``most`` = 2.
    """
    if previous is None:
        return marker in ("1", "a")
    if previous.isdigit() != marker.isdigit():
        return False
    step = int(marker) - int(previous) if marker.isdigit() else ord(marker) - ord(previous)
    return 1 <= step <= most


def _question_text(block: _Block | None) -> str | None:
    """The question a block opens with: up to its first "?", else its first paragraph."""
    if block is None:
        return None
    text = " ".join(" ".join(line.text.split()) for line in block.lines)
    end = text.find("?")
    return text[: end + 1] if end >= 0 else text


def _question_of(blocks: list[_Block]) -> str | None:
    """The question to carry in context: none when the question itself is among ``blocks``."""
    if any(b.asks for b in blocks):
        return None
    return next((b.question for b in blocks if b.question), None)


# --- lines and blocks ---------------------------------------------------------------


def _blocks(text: str, qa: bool = False) -> list[_Block]:
    """Blocks of one page, in order (``qa``: question/answer labels open blocks)."""
    lines = _classify(_split_lines(text), qa)
    width = _typical_width(lines)
    blocks: list[_Block] = []
    current: _Block | None = None
    previous: _Line | None = None
    barrier = False  # boilerplate seen: the next block must not merge with the one before
    for line in lines:
        if line.kind == "blank":
            if current is not None and current.kind != "table":  # a table runs on past blank lines
                current = None
        elif line.kind == "noise":
            current, barrier = None, True
        elif line.kind == "heading":
            blocks.append(_Block(line.start, line.end, "heading", [line]))
            current = None
        elif line.kind == "table":
            if current is None or current.kind != "table":
                blocks.append(current := _Block(line.start, line.end, "table", []))
            current.lines.append(line)
            current.end = line.end
        elif (
            line.kind == "text"
            and current is not None
            and current.kind in ("text", "list")
            and previous is not None
            and not _ends_paragraph(previous, width)
        ):
            current.lines.append(line)
            current.end = line.end
        else:
            number = _NUMBERED.match(line.text)
            kind: ChunkKind = "list" if line.kind == "bullet" else "text"
            blocks.append(current := _Block(line.start, line.end, kind, [line], number and number.group("num")))
        if blocks and barrier and blocks[-1].start >= line.start:
            blocks[-1].after_boilerplate, barrier = True, False
        previous = line
    _describe_tables(blocks)
    return blocks


def _split_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    start = 0
    for raw in text.split("\n"):
        lines.append(_Line(start, start + len(raw), raw))
        start += len(raw) + 1
    return lines


def _classify(lines: list[_Line], qa: bool = False) -> list[_Line]:
    """Give each line a kind; table runs absorb the labels and headers around them."""
    previous: _Line | None = None
    content = [i for i, line in enumerate(lines) if line.text.strip()]
    edges = set(content[:2] + content[-2:])  # where running headers and footers sit
    for i, line in enumerate(lines):
        stripped = line.text.strip()
        if not stripped:
            line.kind = "blank"
        elif _BOILERPLATE.match(stripped) or (
            _PAGE_NUMBER.match(stripped) and _is_page_number(stripped, i, edges, previous)
        ):
            line.kind = "noise"
        elif qa and (_QA_LABEL.match(stripped) or _FOI_CLOSING.match(stripped)):
            line.kind = "item"  # "Answer:", "You asked:", "Q3 ...", "You may re-use ..." open a block
        elif _is_table_row(stripped):
            line.kind = "table"
        elif _is_heading(stripped, previous):
            line.kind = "heading"
        elif _NUMBERED.match(stripped):
            line.kind = "item"
        elif _BULLET.match(stripped):
            line.kind = "bullet"
        else:
            line.kind = "text"
        if line.kind not in ("blank", "noise"):
            previous = line
    _absorb_table_labels(lines)
    return lines


def _is_page_number(line: str, index: int, edges: set[int], previous: _Line | None) -> bool:
    """True for "Page 3" anywhere; a bare "12" or "3 of 10" only at the top or bottom of a page.

    A bare figure mid-page, or right after a question or a label ("...?", "Answer:"),
    is content: an FOI answer ("62"), a year or a table cell.
    """
    if re.match(r"(?i)page\b", line):
        return True
    return index in edges and not (previous is not None and previous.text.rstrip().endswith(("?", ":")))


def _absorb_table_labels(lines: list[_Line]) -> None:
    """Short lines inside or just above a run of table rows belong to the table."""
    content = [line for line in lines if line.kind not in ("blank", "noise")]
    table_at = [i for i, line in enumerate(content) if line.kind == "table"]
    if len(table_at) < 2:
        for i in table_at:  # a lone "row" is just a line with figures in it
            content[i].kind = "text"
        return
    for i, line in enumerate(content):
        if line.kind == "table" or not _is_short_label(line.text):
            continue
        before = any(content[j].kind == "table" for j in range(max(0, i - 2), i))
        after = any(content[j].kind == "table" for j in range(i + 1, min(len(content), i + 4)))
        if before and after:
            line.kind = "table"
    for i in table_at:  # header lines directly above the first row of a run
        if i == 0 or content[i - 1].kind == "table":
            continue
        j = i - 1
        while j >= 0 and i - j <= _MAX_HEADER_LINES and _is_short_label(content[j].text):
            if not _adjacent(lines, content[j], content[j + 1]):
                break
            content[j].kind = "table"
            j -= 1
    runs = _runs([line.kind == "table" for line in content])
    for first, last in runs:  # a "table" of one row is prose with figures
        rows = [line for line in content[first : last + 1] if _is_table_row(line.text.strip())]
        if len(rows) < 2:
            for line in content[first : last + 1]:
                line.kind = "text"


def _adjacent(lines: list[_Line], upper: _Line, lower: _Line) -> bool:
    """No blank line between two content lines."""
    return all(line.kind != "blank" for line in lines if upper.end < line.start < lower.start)


def _runs(flags: list[bool]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i - 1))
            start = None
    return runs


def _describe_tables(blocks: list[_Block]) -> None:
    """Set each table's header lines and caption (the sentence that introduces it)."""
    for i, block in enumerate(blocks):
        if block.kind != "table":
            continue
        header: list[_Line] = []
        for line in block.lines:
            if _is_data_row(line.text) or (header and "\t" in line.text):
                break
            header.append(line)
            if "\t" in line.text:  # a tab table's first row is its header
                break
        if header and len(header) < len(block.lines):
            block.header = " ".join(" ".join(line.text.split()) for line in header)
        previous = blocks[i - 1] if i else None
        if previous is not None and previous.kind in ("text", "list"):
            block.caption = _caption(" ".join(line.text.strip() for line in previous.lines))


def _caption(text: str) -> str | None:
    """The sentence of a paragraph that introduces the table after it."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?:])\s+", text) if s.strip()]
    for sentence in reversed(sentences):
        if sentence.endswith(":") or re.search(r"\b(?:table|below|following|as follows)\b", sentence, re.I):
            return sentence
    return None


# --- line tests -------------------------------------------------------------------


def _is_table_row(line: str) -> bool:
    if "\t" in line.strip("\t"):
        return True
    if _CONTACT.match(line) or _NUMBERED.match(line) and not _TRAILING_FIGURES.search(line):
        return False
    tokens = line.split()
    numeric = sum(bool(_NUMERIC_TOKEN.match(t)) for t in tokens)
    if _TRAILING_FIGURES.search(line) and not re.search(r"\b(?:pages?|para(?:graph)?s?)\s+\d", line, re.I):
        return True
    return numeric >= 3 and numeric * 2 >= len(tokens)


def _is_data_row(line: str) -> bool:
    """A row with a label and at least one figure (not a header of years and units)."""
    if "\t" in line:
        return False
    tokens = line.split()
    has_label = any(re.search(r"[A-Za-z]{2}", t) and not _NUMERIC_TOKEN.match(t) and t not in ("£000",) for t in tokens)
    return has_label and bool(tokens) and bool(_NUMERIC_TOKEN.match(tokens[-1]))


def _is_short_label(line: str) -> bool:
    stripped = line.strip()
    return 0 < len(stripped) <= 40 and not stripped.endswith((".", ":", ";")) and not _NUMBERED.match(stripped)


def _is_heading(line: str, previous: _Line | None) -> bool:
    words = line.split()
    if (
        len(words) > 14
        or len(line) > 100
        or line.endswith((".", ",", ";", ":", "-", "–"))
        or _NOT_A_HEADING.match(line)
    ):
        return False
    if line.startswith("#") or _AGENDA_ITEM.match(line):
        return True
    after_break = (
        previous is None
        or previous.kind in ("heading", "table")
        or previous.text.rstrip().endswith(_TERMINAL)
        or _is_caps(previous.text)
    )
    if _DOTTED_HEADING.match(line):
        return after_break
    letters = [c for c in line if c.isalpha()]
    if _is_caps(line):
        return not _NUMBERED.match(line) and not _BULLET.match(line)
    if not after_break or not line[0].isupper() or len(letters) < 4 or line.endswith(")"):
        return False
    if _NUMBERED.match(line) or _BULLET.match(line) or len(words) > 10:
        return False
    significant = [w for w in words if w.lower() not in _SMALL_WORDS]
    capitalised = sum(w[0].isupper() or w[0].isdigit() for w in significant)
    return bool(significant) and capitalised / len(significant) >= 0.6


def _is_caps(line: str) -> bool:
    """An ALL CAPS line with at least one real word (not a postcode or reference)."""
    letters = [c for c in line if c.isalpha()]
    return bool(re.search(r"[A-Za-z]{3}", line)) and sum(c.isupper() for c in letters) / len(letters) >= 0.8


def _ends_paragraph(line: _Line, width: int) -> bool:
    """A wrapped line ends its paragraph where a sentence ends short of the margin."""
    stripped = line.text.rstrip()
    return stripped.endswith(_TERMINAL + (":",)) and len(stripped) < 0.85 * width


def _typical_width(lines: list[_Line]) -> int:
    lengths = sorted(len(line.text.rstrip()) for line in lines if line.kind == "text")
    return max(40, lengths[int(len(lengths) * 0.9)] if lengths else 0)


def _real_sentence_end(text: str, match: re.Match[str]) -> bool:
    """False after abbreviations ("Mr.", "e.g.") and initials ("H. J.")."""
    word = re.search(r"(\S+)$", text[: match.start() + 1])
    token = word.group(1).rstrip(".").lstrip("(\"'“").lower() if word else ""
    return not (token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()))


# --- small helpers ------------------------------------------------------------------


def _slice_text(block: _Block) -> str:
    return "\n".join(line.text for line in block.lines)


def _heading_text(block: _Block) -> str:
    return " ".join(block.lines[0].text.lstrip("# ").split())


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
