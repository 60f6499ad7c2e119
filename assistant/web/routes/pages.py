"""Server-rendered pages: chat, search, documents, sign-in, API reference.

Search and documents work without JavaScript (plain GET forms and links); the chat
streams with JavaScript and falls back to a form POST rendered here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from ...config import Principal
from ...errors import AssistantError, NotFound
from ...types import SearchFilters
from ..deps import (
    TOKEN_COOKIE,
    AssistantDep,
    PagePrincipalDep,
    PageUploaderDep,
    SettingsDep,
    can_upload,
    get_settings,
    lookup_token,
)
from ..templating import templates
from ..uploads import MAX_UPLOAD_BYTES, allowed_access_labels, ingest_upload

router = APIRouter(include_in_schema=False)

SEARCH_PAGE_SIZE = 10


def render(
    request: Request,
    name: str,
    principal: Principal | None,
    status_code: int = 200,
    **context: Any,
) -> Response:
    settings = get_settings(request)
    base = {
        "principal": principal,
        "auth_enabled": bool(settings.tokens),
        "can_upload": principal is not None and can_upload(settings, principal),
        "active": context.pop("active", ""),
    }
    return templates.TemplateResponse(
        request, name, {**base, **context}, status_code=status_code
    )


# --- chat ----------------------------------------------------------------------------
@router.get("/")
def chat(request: Request, principal: PagePrincipalDep) -> Response:
    return render(
        request,
        "chat.html",
        principal,
        active="chat",
        question="",
        answer=None,
        error=None,
    )


@router.post("/")
def chat_submit(
    request: Request,
    assistant: AssistantDep,
    principal: PagePrincipalDep,
    question: Annotated[str, Form(max_length=4000)] = "",
    suggestion: Annotated[str, Form(max_length=4000)] = "",
    conversation_id: Annotated[
        str, Form(max_length=100, pattern=r"^[A-Za-z0-9_-]*$")
    ] = "",
) -> Response:
    """The chat without JavaScript: ask, then render the whole answer."""
    question = question.strip() or suggestion.strip()
    try:
        answer = assistant.ask(
            question, conversation_id=conversation_id or None, principal=principal
        )
    except AssistantError as exc:
        return render(
            request,
            "chat.html",
            principal,
            status_code=exc.status,
            active="chat",
            question=question,
            answer=None,
            error=exc.to_dict(),
        )
    return render(
        request,
        "chat.html",
        principal,
        active="chat",
        question=question,
        answer=answer,
        error=None,
    )


# --- search --------------------------------------------------------------------------
def _parse_date(value: str, label: str, errors: dict[str, str]) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors[label] = f"Enter a real date for ‘{label}’, for example 2020-01-21"
        return None


@router.get("/search")
def search_page(
    request: Request,
    assistant: AssistantDep,
    principal: PagePrincipalDep,
    q: Annotated[str, Query(max_length=2000)] = "",
    doc_type: str = "",
    committee: str = "",
    council: str = "",
    since: str = "",
    until: str = "",
    sort: str = "relevance",
    page: Annotated[int, Query(ge=1, le=500)] = 1,
) -> Response:
    errors: dict[str, str] = {}
    filters = SearchFilters(
        doc_type=doc_type or None,
        committee=committee or None,
        council=council or None,
        since=_parse_date(since, "from", errors),
        until=_parse_date(until, "to", errors),
    )
    sort = sort if sort in ("relevance", "date") else "relevance"
    papers = assistant.documents(principal)
    hits = []
    status = 200
    if q.strip() and not errors:
        try:
            hits = assistant.search(
                q,
                k=SEARCH_PAGE_SIZE + 1,
                filters=filters,
                principal=principal,
                offset=(page - 1) * SEARCH_PAGE_SIZE,
                sort=sort,
            )
        except AssistantError as exc:
            errors["q"] = exc.detail
            status = exc.status
    params = {
        "q": q,
        "doc_type": doc_type,
        "committee": committee,
        "council": council,
        "since": since,
        "until": until,
        "sort": sort,
    }
    return render(
        request,
        "search.html",
        principal,
        status_code=status,
        active="search",
        params=params,
        hits=hits[:SEARCH_PAGE_SIZE],
        has_next=len(hits) > SEARCH_PAGE_SIZE,
        page=page,
        page_size=SEARCH_PAGE_SIZE,
        errors=errors,
        options=_filter_options(papers),
        searched=bool(q.strip()),
    )


def _filter_options(papers: list[dict[str, Any]]) -> dict[str, list[str]]:
    def distinct(key: str) -> list[str]:
        return sorted({str(p[key]) for p in papers if p.get(key)})

    return {
        "doc_type": distinct("doc_type"),
        "committee": distinct("committee"),
        "council": distinct("council"),
    }


# --- documents -----------------------------------------------------------------------
@router.get("/documents")
def documents_page(
    request: Request, assistant: AssistantDep, principal: PagePrincipalDep
) -> Response:
    return _documents(request, assistant, principal)


def _documents(
    request: Request,
    assistant: Any,
    principal: Principal,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    context: dict[str, Any] = {"result": None, "upload_error": None, **extra}
    return render(
        request,
        "documents.html",
        principal,
        status_code=status_code,
        active="documents",
        papers=assistant.documents(principal),
        access_labels=allowed_access_labels(principal),
        max_upload_mb=MAX_UPLOAD_BYTES // (1024 * 1024),
        **context,
    )


@router.post("/documents", max_body_size=MAX_UPLOAD_BYTES + 256 * 1024)
def documents_upload(
    request: Request,
    assistant: AssistantDep,
    settings: SettingsDep,
    principal: PageUploaderDep,
    file: Annotated[UploadFile | None, File()] = None,
    access: Annotated[str, Form()] = "public",
) -> Response:
    """The upload form: ingest, then show the result or the reason it failed."""
    try:
        result = ingest_upload(
            assistant,
            settings,
            file.filename if file else None,
            file.file if file else None,  # type: ignore[arg-type]
            access=access,
            principal=principal,
        )
    except AssistantError as exc:
        return _documents(
            request,
            assistant,
            principal,
            status_code=exc.status,
            upload_error=exc.to_dict(),
        )
    return _documents(request, assistant, principal, status_code=201, result=result)


@router.get("/documents/{doc_id}")
def document_page(
    request: Request,
    doc_id: str,
    assistant: AssistantDep,
    principal: PagePrincipalDep,
    page: Annotated[int, Query(ge=1)] = 1,
    quote: Annotated[str, Query(max_length=2000)] = "",
    start: Annotated[int | None, Query(ge=0)] = None,
    q: Annotated[str, Query(max_length=2000)] = "",
) -> Response:
    """One page of a paper, the cited passage in ``<mark>``, search terms highlighted."""
    doc = assistant.document(doc_id, principal)
    if page > len(doc.pages):
        raise NotFound(
            f"{doc.source} has {len(doc.pages)} pages; there is no page {page}"
        )
    return render(
        request,
        "document.html",
        principal,
        active="documents",
        doc=doc,
        page=doc.pages[page - 1],
        page_count=len(doc.pages),
        quote=quote,
        start=start,
        q=q,
    )


# --- sign-in (only when tokens are configured) ----------------------------------------
def _safe_next(target: str | None) -> str:
    return (
        target
        if target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        else "/"
    )


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    if not get_settings(request).tokens:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", None, next=_safe_next(next), error=None)


@router.post("/login")
def login(
    request: Request,
    settings: SettingsDep,
    token: Annotated[str, Form(max_length=500)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    principal = lookup_token(settings, token.strip())
    if principal is None:
        return render(
            request,
            "login.html",
            None,
            status_code=401,
            next=_safe_next(next),
            error="That access token is not recognised. Check it and try again.",
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        TOKEN_COOKIE,
        token.strip(),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=12 * 3600,
        path="/",
    )
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(TOKEN_COOKIE, path="/")
    return response


# --- API reference (Swagger UI would need a CDN) --------------------------------------
@router.get("/docs")
def api_docs(request: Request) -> Response:
    schema = request.app.openapi()
    operations = [
        {
            "method": method.upper(),
            "path": path,
            "summary": op.get("summary", ""),
            "description": op.get("description", ""),
            "tags": op.get("tags", []),
        }
        for path, methods in schema.get("paths", {}).items()
        for method, op in methods.items()
    ]
    return render(
        request,
        "api_docs.html",
        None,
        active="",
        operations=operations,
        title=schema["info"]["title"],
    )
