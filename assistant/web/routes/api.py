"""The JSON API (CONTRACT.md). Each route: parse, one ``Assistant`` call, render.

Routes are plain ``def`` so FastAPI runs them in its threadpool: retrieval and
answering are CPU-bound and must not block the event loop. The answer stream is
pulled from the Assistant's generator in the threadpool too.
"""

from __future__ import annotations

import json
import logging
import mimetypes
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from ...errors import AssistantError, NotFound
from ...types import Answer, IngestResult
from ..deps import AssistantDep, PrincipalDep, SettingsDep, UploaderDep, api_principal
from ..schemas import (
    ERROR_RESPONSES,
    AskRequest,
    DocumentList,
    DocumentOut,
    DocumentSummary,
    FoiDraftRequest,
    KpiResponse,
    MetricsResponse,
    PageResponse,
    SearchRequest,
    SearchResponse,
)
from ..uploads import MAX_UPLOAD_BYTES, ingest_upload

log = logging.getLogger(__name__)

router = APIRouter(
    prefix="/api", dependencies=[Depends(api_principal)], responses=ERROR_RESPONSES
)

DocId = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$", description="document id")
]


@router.post("/search", tags=["search"], response_model=SearchResponse)
def search(
    body: SearchRequest, assistant: AssistantDep, principal: PrincipalDep
) -> SearchResponse:
    """Passages matching a query, best first (CONTRACT.md ``{"hits": [Hit]}``)."""
    hits = assistant.search(
        body.query,
        k=body.k,
        filters=body.filters.to_filters(),
        principal=principal,
        offset=body.offset,
        sort=body.sort,
    )
    return SearchResponse(
        hits=hits,
        total=len(hits),
        query=body.query,
        offset=body.offset,
        k=body.k or assistant.settings.top_k,
    )


@router.post("/ask", tags=["ask"], response_model=Answer)
def ask(body: AskRequest, assistant: AssistantDep, principal: PrincipalDep) -> Answer:
    """Answer a question from the papers, with page-level citations."""
    return assistant.ask(
        body.question, conversation_id=body.conversation_id, principal=principal
    )


@router.post(
    "/ask/stream",
    tags=["ask"],
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "status, token, then one answer event",
        }
    },
)
async def ask_stream(
    body: AskRequest, assistant: AssistantDep, principal: PrincipalDep
) -> StreamingResponse:
    """Server-sent events: ``status`` and ``token`` events, the last one ``answer``.

    A bad question fails before the stream starts (a JSON error); a failure later
    arrives as an ``error`` event.
    """
    events = assistant.ask_stream(
        body.question, conversation_id=body.conversation_id, principal=principal
    )
    first = await run_in_threadpool(next, events, None)
    return StreamingResponse(
        _sse_stream(first, events),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def sse_message(event: str, data: Any) -> str:
    payload = (
        data.model_dump(mode="json")
        if isinstance(data, BaseModel)
        else jsonable_encoder(data)
    )
    return f"event: {event}\ndata: {json.dumps(payload, ensure_ascii=False)}\n\n"


async def _sse_stream(
    first: dict[str, Any] | None, events: Iterator[dict[str, Any]]
) -> AsyncIterator[str]:
    if first is not None:
        yield sse_message(first["event"], first["data"])
    try:
        async for event in iterate_in_threadpool(events):
            yield sse_message(event["event"], event["data"])
    except AssistantError as exc:
        yield sse_message("error", exc.to_dict())
    except Exception:
        log.exception("answer stream failed")
        yield sse_message(
            "error",
            {"type": "InternalError", "detail": "the answer could not be completed"},
        )


@router.post("/foi/draft", tags=["foi"])
def foi_draft(
    body: FoiDraftRequest, assistant: AssistantDep, principal: PrincipalDep
) -> dict[str, Any]:
    """Draft an FOI response: the items asked for, what the papers hold, a draft letter."""
    return jsonable_encoder(assistant.foi_draft(body.request_text, principal=principal))


@router.get("/documents", tags=["documents"], response_model=DocumentList)
def documents(assistant: AssistantDep, principal: PrincipalDep) -> DocumentList:
    """The indexed papers this caller can read."""
    return DocumentList(
        documents=[
            DocumentSummary(**d)
            for d in jsonable_encoder(assistant.documents(principal))
        ]
    )


@router.get("/documents/{doc_id}", tags=["documents"], response_model=DocumentOut)
def document(
    doc_id: DocId, assistant: AssistantDep, principal: PrincipalDep
) -> DocumentOut:
    """One paper with the text of every page."""
    return DocumentOut.of(assistant.document(doc_id, principal))


@router.get(
    "/documents/{doc_id}/pages/{number}",
    tags=["documents"],
    response_model=PageResponse,
)
def document_page(
    doc_id: DocId,
    number: Annotated[int, Path(ge=1)],
    assistant: AssistantDep,
    principal: PrincipalDep,
) -> PageResponse:
    """The text of one page (1-based)."""
    doc = assistant.document(doc_id, principal)
    if number > len(doc.pages):
        raise NotFound(
            f"{doc.source} has {len(doc.pages)} pages; there is no page {number}"
        )
    page = doc.pages[number - 1]
    return PageResponse(
        doc_id=doc.doc_id,
        title=doc.title,
        source=doc.source,
        date=doc.meta.date,
        page=page.number,
        page_count=len(doc.pages),
        text=page.text,
        file_url=file_url(doc.doc_id, doc.source, page.number),
    )


def file_url(doc_id: str, source: str, page: int | None = None) -> str:
    """Link to the original file; PDFs open at ``page`` in the browser's viewer."""
    url = f"/api/documents/{doc_id}/file"
    return f"{url}#page={page}" if page and source.lower().endswith(".pdf") else url


@router.get(
    "/documents/{doc_id}/file",
    tags=["documents"],
    response_class=FileResponse,
    responses={
        200: {"content": {"application/pdf": {}, "application/octet-stream": {}}}
    },
)
def document_file(
    doc_id: DocId, assistant: AssistantDep, principal: PrincipalDep
) -> FileResponse:
    """The original file of an indexed paper: PDFs inline (``#page=N`` works), others as downloads."""
    path = assistant.document_file(doc_id, principal)
    is_pdf = path.suffix.lower() == ".pdf"
    media_type = (
        "application/pdf"
        if is_pdf
        else mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )
    if not is_pdf and media_type.startswith("text/html"):
        media_type = (
            "application/octet-stream"  # never render a paper's HTML on our origin
        )
    return FileResponse(
        path,
        media_type=media_type,
        filename=path.name,
        content_disposition_type="inline" if is_pdf else "attachment",
    )


@router.post(
    "/documents",
    tags=["documents"],
    response_model=IngestResult,
    status_code=201,
    max_body_size=MAX_UPLOAD_BYTES + 256 * 1024,
)
def upload_document(
    file: Annotated[
        UploadFile, File(description="PDF, DOCX, HTML or TXT, at most 50 MB")
    ],
    assistant: AssistantDep,
    settings: SettingsDep,
    principal: UploaderDep,
    access: Annotated[
        str, Form(description="access label; `public` or one of your groups")
    ] = "public",
) -> IngestResult:
    """Upload and index a paper. A file that cannot be read answers 422 with the reason."""
    return ingest_upload(
        assistant,
        settings,
        file.filename,
        file.file,
        access=access,
        principal=principal,
    )


@router.get("/kpis", tags=["kpis"], response_model=KpiResponse)
def kpis(
    assistant: AssistantDep,
    metric: Annotated[str | None, Query(max_length=200)] = None,
    area: Annotated[str | None, Query(max_length=200)] = None,
) -> KpiResponse:
    """KPI observations (published in the papers, or live), filtered by metric and area."""
    return KpiResponse(
        observations=assistant.kpi_observations(
            metric=metric or None, area=area or None
        )
    )


@router.get("/metrics", tags=["kpis"], response_model=MetricsResponse)
def metrics(assistant: AssistantDep) -> MetricsResponse:
    """The KPI metrics the tools know about."""
    return MetricsResponse(metrics=jsonable_encoder(assistant.list_metrics()))
