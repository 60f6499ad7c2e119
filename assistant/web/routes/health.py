"""Health checks. Never need a token.

``{"status": "ok"}`` (200) once the index can answer; otherwise 503 with
``starting`` (models still loading) or ``empty`` (nothing ingested yet).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

log = logging.getLogger(__name__)

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Ready to answer?")
@router.get("/readyz", summary="Alias of /healthz")
def healthz(request: Request) -> JSONResponse:
    warmup = request.app.state.warmup
    if warmup.running:
        return JSONResponse({"status": "starting"}, status_code=503)
    try:
        indexed = request.app.state.assistant.is_indexed()
    except Exception as exc:  # noqa: BLE001 - store missing or still opening: not ready, never a 500
        log.warning("health check: index not ready: %s", exc)
        return JSONResponse(
            {"status": "starting", "detail": type(exc).__name__}, status_code=503
        )
    if not indexed:
        return JSONResponse({"status": "empty"}, status_code=503)
    return JSONResponse({"status": "ok"})
