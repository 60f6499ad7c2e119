"""Request and response bodies of the JSON API (CONTRACT.md shapes, plus extras).

Stage values (``Hit``, ``Answer``, ``IngestResult``, ``KpiObservation``) come from
``assistant.types`` unchanged; this module only adds the HTTP envelopes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..types import Document, Hit, IngestResult, KpiObservation, SearchFilters


class _Request(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class FiltersIn(_Request):
    doc_type: str | None = Field(
        default=None, description="e.g. `minutes`, `foi_response`"
    )
    since: dt.date | None = Field(
        default=None, description="papers dated on or after (YYYY-MM-DD)"
    )
    until: dt.date | None = Field(
        default=None, description="papers dated on or before (YYYY-MM-DD)"
    )
    council: str | None = None
    committee: str | None = None

    def to_filters(self) -> SearchFilters:
        return SearchFilters(**{k: v or None for k, v in self.model_dump().items()})


class SearchRequest(_Request):
    query: str = Field(max_length=2000)
    k: int | None = Field(
        default=None,
        ge=1,
        le=100,
        description="number of hits (default: settings.top_k)",
    )
    filters: FiltersIn = FiltersIn()
    offset: int = Field(default=0, ge=0, le=10_000)
    sort: Literal["relevance", "date"] = "relevance"


class SearchResponse(BaseModel):
    hits: list[Hit]
    total: int = Field(description="hits in this response")
    query: str
    offset: int
    k: int


class AskRequest(_Request):
    question: str = Field(max_length=4000)
    conversation_id: str | None = Field(
        default=None, max_length=100, pattern=r"^[A-Za-z0-9_-]*$"
    )


class FoiDraftRequest(_Request):
    request_text: str = Field(max_length=20_000)


class DocumentSummary(BaseModel):
    """One row of the document list; the docstore's own fields pass through."""

    model_config = ConfigDict(extra="allow")

    doc_id: str
    title: str | None = None
    doc_type: str | None = None


class DocumentList(BaseModel):
    documents: list[DocumentSummary]


class PageOut(BaseModel):
    number: int
    text: str


class DocumentOut(BaseModel):
    """A document with its pages; the server path of the file is not exposed."""

    doc_id: str
    source: str
    title: str
    doc_type: str
    council: str | None
    committee: str | None
    date: dt.date | None
    period: str | None
    access: str
    paginated: bool
    page_count: int
    file_url: str
    pages: list[PageOut]

    @classmethod
    def of(cls, doc: Document, *, with_pages: bool = True) -> DocumentOut:
        meta = doc.meta
        return cls(
            doc_id=doc.doc_id,
            source=doc.source,
            title=meta.title,
            doc_type=meta.doc_type,
            council=meta.council,
            committee=meta.committee,
            date=meta.date,
            period=meta.period,
            access=meta.access,
            paginated=doc.paginated,
            page_count=len(doc.pages),
            file_url=f"/api/documents/{doc.doc_id}/file",
            pages=[PageOut(number=p.number, text=p.text) for p in doc.pages]
            if with_pages
            else [],
        )


class PageResponse(BaseModel):
    doc_id: str
    title: str
    source: str
    date: dt.date | None
    page: int
    page_count: int
    text: str
    file_url: str = Field(
        description="the original file, opened at this page where it is a PDF"
    )


class UploadResponse(BaseModel):
    result: IngestResult


class KpiResponse(BaseModel):
    observations: list[KpiObservation]


class MetricsResponse(BaseModel):
    metrics: list[dict[str, Any]]


class ErrorBody(BaseModel):
    type: str
    detail: str
    field: str | None = None


class ErrorResponse(BaseModel):
    """Every error: ``{"error": {"type", "detail", "field"?}}``."""

    error: ErrorBody


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse} for status in (400, 401, 403, 404, 413, 422, 503)
}
