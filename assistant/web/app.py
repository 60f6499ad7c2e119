"""The web app: JSON API under ``/api``, server-rendered pages, health checks.

    app = create_app(settings)            # builds its own Assistant
    check_bind_safety(settings)           # before binding; the CLI `serve` calls it
    uvicorn.run(app, host=settings.host, port=settings.port)

Routes are thin: parse, one ``Assistant`` call, render. Everything the routes share
(the Assistant, the caller's ``Principal``) comes from ``deps.py``.

Access without tokens: when ``ASSISTANT_API_TOKENS`` is empty the caller is
``config.ANONYMOUS`` and sees only documents labelled ``public``; such a server may
only bind to a loopback address (``check_bind_safety``).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..config import Settings
from ..errors import AssistantError, ConfigError
from ..service import Assistant
from .deps import LoginRequired, Warmup
from .routes import api, health, pages
from .templating import templates

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
# JSON bodies are small; the upload routes raise their own limit (routes/api.py).
MAX_JSON_BODY = 1 * 1024 * 1024

CONTENT_SECURITY_POLICY = "; ".join(  # noqa: FLY002 - one directive a line
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'self'",  # PDFs of the papers open inline
        "frame-src 'self'",
        "frame-ancestors 'self'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
)


def check_bind_safety(settings: Settings) -> None:
    """Refuse to serve a non-loopback address without API tokens.

    Without ``ASSISTANT_API_TOKENS`` anyone who can reach the port could read the
    papers and upload files, so only ``127.0.0.1``/``::1``/``localhost`` are allowed.
    """
    if settings.tokens or _is_loopback(settings.host):
        return
    raise ConfigError(
        "ASSISTANT_HOST",
        f"binding to {settings.host!r} without ASSISTANT_API_TOKENS would expose the "
        "papers to the network; set ASSISTANT_API_TOKENS or use 127.0.0.1",
    )


def _is_loopback(host: str) -> bool:
    host = host.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def create_app(
    settings: Settings, assistant: Assistant | None = None, *, warm_up: bool = True
) -> FastAPI:
    """Build the app. ``assistant`` defaults to ``Assistant(settings)``.

    With ``warm_up`` the models load in a background thread at start-up;
    ``/healthz`` answers ``starting`` until they have.
    """
    service = assistant if assistant is not None else Assistant(settings)
    warmup = Warmup(service, enabled=warm_up)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        warmup.start()
        yield

    app = FastAPI(
        title="Council papers assistant",
        summary="Search and question UK council papers, with page-level citations.",
        version="0.1.0",
        lifespan=lifespan,
        max_body_size=MAX_JSON_BODY,
        # Swagger UI would load from a CDN; /docs is rendered here from the schema.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.assistant = service
    app.state.warmup = warmup

    app.include_router(health.router)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    app.add_exception_handler(AssistantError, _assistant_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(LoginRequired, _login_required)  # type: ignore[arg-type]
    app.add_middleware(SecurityHeaders)
    return app


# --- error handlers: one JSON shape for /api, an HTML page elsewhere ------------------
def _wants_json(request: Request) -> bool:
    path = request.url.path
    return (
        path.startswith("/api/")
        or path in ("/healthz", "/readyz")
        or ("text/html" not in request.headers.get("accept", ""))
    )


def error_response(
    request: Request, status: int, error: Mapping[str, object]
) -> Response:
    headers = (
        {"WWW-Authenticate": 'Bearer realm="assistant"'} if status == 401 else None
    )
    if _wants_json(request):
        return JSONResponse({"error": dict(error)}, status_code=status, headers=headers)
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "error": error},
        status_code=status,
        headers=headers,
    )


async def _assistant_error(request: Request, exc: AssistantError) -> Response:
    if exc.status >= 500:
        log.error(
            "%s on %s %s: %s",
            type(exc).__name__,
            request.method,
            request.url.path,
            exc.detail,
        )
    return error_response(request, exc.status, exc.to_dict())


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    first = exc.errors()[0] if exc.errors() else {}
    location = [
        str(part)
        for part in first.get("loc", ())
        if part not in ("body", "query", "path", "form")
    ]
    field = ".".join(location) or None
    error: dict[str, object] = {
        "type": "ValidationError",
        "detail": f"{field or 'request'}: {first.get('msg', 'invalid')}",
    }
    if field:
        error["field"] = field
    return error_response(request, 422, error)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    names = {404: "NotFound", 405: "MethodNotAllowed", 413: "PayloadTooLarge"}
    error = {"type": names.get(exc.status_code, "HTTPError"), "detail": str(exc.detail)}
    response = error_response(request, exc.status_code, error)
    for key, value in (exc.headers or {}).items():
        response.headers.setdefault(key, value)
    return response


async def _login_required(request: Request, exc: LoginRequired) -> Response:
    return RedirectResponse(exc.login_url, status_code=303)


# --- security headers and same-origin POSTs ------------------------------------------
class SecurityHeaders:
    """Pure ASGI middleware (streams pass through untouched).

    Adds CSP and friends to every response and refuses cross-site form posts: a
    browser POST whose ``Origin`` is not this server is a CSRF attempt, including on a
    token-less local server.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1")
            for k, v in scope["headers"]
        }
        if scope["method"] not in ("GET", "HEAD", "OPTIONS") and not _same_origin(
            scope, headers
        ):
            response = JSONResponse(
                {
                    "error": {
                        "type": "AccessDenied",
                        "detail": "cross-site request refused",
                    }
                },
                status_code=403,
            )
            await response(scope, receive, send)
            return
        csp = CONTENT_SECURITY_POLICY

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                present = {k.lower() for k, _ in raw}
                for name, value in (
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"SAMEORIGIN"),
                    (
                        b"permissions-policy",
                        b"camera=(), microphone=(), geolocation=()",
                    ),
                ):
                    if name not in present:
                        raw.append((name, value))
                message["headers"] = raw
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _same_origin(scope: Scope, headers: dict[str, str]) -> bool:
    origin = headers.get("origin")
    if not origin or origin == "null" and "sec-fetch-site" not in headers:
        return True  # not a browser cross-site request (curl, httpx, TestClient)
    host = headers.get("host", "")
    scheme = scope.get("scheme", "http")
    return origin in (f"{scheme}://{host}", f"http://{host}", f"https://{host}")
