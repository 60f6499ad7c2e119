"""Stage-to-stage values, in one place.

    reader.read(path)            -> Document (with Pages)
    chunking.chunk(document)     -> list[Chunk]   (offsets into Page.text)
    retriever.search(q, filters) -> list[Hit]
    composer.answer(q, hits)     -> Answer (Citations, ToolCalls)
    pipeline.ingest(paths)       -> list[IngestResult]
    tools                         -> KpiObservation

All are frozen pydantic models. ``Hit``, ``Citation`` and ``Answer`` dump to the JSON
of ``../shared/CONTRACT.md`` (extra fields are allowed there, never renamed ones).

Invariant relied on by grounding: ``Chunk.text == page.text[Chunk.start:Chunk.end]``
and every ``Citation.quote`` is a substring of the cited ``Page.text``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

DocType = Literal[
    "foi_response",
    "agenda_pack",
    "minutes",
    "committee_report",
    "inspection_report",
    "annual_report",
    "action_plan",
    "other",
]
DOC_TYPES: tuple[str, ...] = DocType.__args__  # type: ignore[attr-defined]

DOC_TYPE_LABELS: dict[str, str] = {
    "foi_response": "FOI response",
    "agenda_pack": "Agenda pack",
    "minutes": "Minutes",
    "committee_report": "Committee report",
    "inspection_report": "Inspection report",
    "annual_report": "Annual report",
    "action_plan": "Action plan",
    "other": "Other",
}

IngestStatus = Literal["indexed", "unchanged", "updated", "failed", "purged"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Page(_Frozen):
    number: int = Field(ge=1, description="1-based page number")
    text: str


class DocumentMeta(_Frozen):
    """Metadata about a paper; extracted from content, overridable by a manifest."""

    title: str
    doc_type: DocType = "other"
    council: str | None = None  # "Leicester City Council" | "Leicestershire County Council" | ...
    committee: str | None = None
    date: dt.date | None = None  # meeting / report / response date
    period: str | None = None  # e.g. "2019-20" for annual reports
    access: str = "public"  # access label: a group name; "public" is visible to everyone


class Document(_Frozen):
    doc_id: str  # stable: derived from the file name (slug), not from content
    source: str  # file name, e.g. "cfosc-2020-01-21-agenda-pack.pdf"
    path: str  # absolute path of the ingested file
    content_hash: str  # sha256 of the file bytes
    meta: DocumentMeta
    pages: tuple[Page, ...]
    paginated: bool = True  # False where the format has no real pages (TXT, HTML)

    @property
    def title(self) -> str:
        return self.meta.title


class Chunk(_Frozen):
    chunk_id: str  # f"{doc_id}:p{page}:{start}"
    doc_id: str
    page: int = Field(ge=1)
    start: int = Field(ge=0)  # character offsets into Page.text
    end: int
    text: str  # == page.text[start:end], verbatim
    section: str | None = None  # nearest heading (may come from an earlier page)
    paragraph: str | None = None  # council paragraph number, e.g. "12"
    kind: Literal["text", "table", "list", "heading"] = "text"
    context: str = ""  # prefix for embedding/keyword search: title, section, table caption+header


class SearchFilters(_Frozen):
    doc_type: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    council: str | None = None
    committee: str | None = None
    doc_ids: tuple[str, ...] | None = None


class Hit(BaseModel):
    """A search result (CONTRACT.md `Hit`, plus extras)."""

    model_config = ConfigDict(frozen=True)

    doc_id: str
    title: str
    source: str
    doc_type: str
    date: dt.date | None = None
    page: int | None = None
    section: str | None = None
    text: str
    score: float
    # extras
    chunk_id: str | None = None
    council: str | None = None
    committee: str | None = None
    paragraph: str | None = None
    start: int | None = None
    end: int | None = None
    kind: str = "text"
    context: str = ""


class Citation(BaseModel):
    model_config = ConfigDict(frozen=True)

    n: int
    doc_id: str
    title: str
    source: str
    page: int | None
    quote: str  # verbatim substring of the cited page's text
    # extras
    date: dt.date | None = None
    doc_type: str | None = None
    start: int | None = None  # offset of quote in page text (for highlighting)
    kind: Literal["passage", "tool"] = "passage"


class ToolCall(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    arguments: dict[str, Any]
    result: Any
    caller: Literal["router", "model"] = "router"  # who chose the call: the question router or the LLM
    # Whether the answer used this call's result: False for a model call that was run but
    # did not fit the question (another measure, council or period), failed or found no
    # figure. Shown to users only when True; the notes say why a call was not used.
    used: bool = True


class Answer(BaseModel):
    answer: str  # prose with [n] markers
    found: bool
    citations: list[Citation] = []
    tool_calls: list[ToolCall] = []
    conversation_id: str = ""
    # extras
    verified: bool = True  # every figure traced to a citation or tool result
    mode: str = "extractive"  # "extractive" | "llm:<provider>" | "llm-fallback"
    removed: list[str] = []  # sentences dropped by the grounding check
    related: list[Hit] = []  # closest documents, shown when found is False
    notes: list[str] = []  # e.g. "live figures unavailable"


class IngestResult(BaseModel):
    path: str
    source: str
    status: IngestStatus
    doc_id: str | None = None
    title: str | None = None
    doc_type: str | None = None
    pages: int = 0
    chunks: int = 0
    reason: str | None = None  # set when status == "failed"
    seconds: float = 0.0


class KpiObservation(BaseModel):
    model_config = ConfigDict(frozen=True)

    metric: str
    area: str
    period_start: dt.date | None = None
    period_end: dt.date  # or the as-at date
    value: float
    unit: str = "count"
    source: str  # file name or DSN label or document source
    source_page: int | None = None
    source_line: int | None = None  # line of a live CSV/XLSX file (header is line 1)
    quote: str | None = None
    doc_id: str | None = None
    kind: Literal["published", "live"] = "published"
    loaded_at: dt.datetime | None = None
