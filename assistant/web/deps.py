"""Dependencies shared by the routes, as ``Annotated`` aliases.

    def search(body: SearchRequest, assistant: AssistantDep, principal: PrincipalDep): ...

Who is calling:

* ``ASSISTANT_API_TOKENS`` set: ``/api/*`` needs ``Authorization: Bearer <token>`` (the
  pages' own scripts send the ``assistant_token`` cookie set by ``/login`` instead);
  the token's ``Principal`` is passed to every Assistant call. Pages without a valid
  cookie redirect to ``/login``.
* No tokens (local development, loopback only): the caller is ``ANONYMOUS``, who sees
  only documents labelled ``public``. Uploads are allowed there, as the operator is
  the only one who can reach the server.
"""

from __future__ import annotations

import hmac
import logging
import threading
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request

from ..config import ANONYMOUS, Principal, Settings
from ..errors import AccessDenied, Unauthenticated
from ..service import Assistant

log = logging.getLogger(__name__)

TOKEN_COOKIE = "assistant_token"
# Groups allowed to upload papers when tokens are configured ("*" is everyone's operator).
UPLOAD_GROUPS = frozenset({"staff", "*"})


class Warmup:
    """Loads models in a background thread; requests wait for it briefly."""

    WAIT_SECONDS = 300.0

    def __init__(self, assistant: Assistant, *, enabled: bool = True) -> None:
        self.assistant = assistant
        self.enabled = enabled
        self.done = threading.Event()
        self.error: str | None = None
        self._thread: threading.Thread | None = None
        if not enabled:
            self.done.set()

    def start(self) -> None:
        if self.done.is_set() or self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._run, name="assistant-warm-up", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        try:
            self.assistant.warm_up()
        except Exception as exc:  # noqa: BLE001 - the first request retries lazily and reports properly
            self.error = f"{type(exc).__name__}: {exc}"
            log.warning("warm-up failed: %s", self.error)
        finally:
            self.done.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and not self.done.is_set()

    def wait(self) -> None:
        if self._thread is not None:
            self.done.wait(self.WAIT_SECONDS)


class LoginRequired(Exception):
    """A page needs a signed-in user; answered with a redirect to ``/login``."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.login_url = f"/login?next={quote(next_url, safe='/')}"


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_assistant(request: Request) -> Assistant:
    # Sync dependency: FastAPI runs it in the threadpool, so waiting is harmless.
    request.app.state.warmup.wait()
    return request.app.state.assistant  # type: ignore[no-any-return]


def lookup_token(settings: Settings, token: str | None) -> Principal | None:
    """The principal of ``token``, compared in constant time."""
    if not token:
        return None
    for known, principal in settings.tokens.items():
        if hmac.compare_digest(known.encode(), token.encode()):
            return principal
    return None


def _bearer(request: Request) -> str | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


def api_principal(request: Request) -> Principal:
    """``/api/*`` caller: bearer token (or the login cookie) when tokens are set."""
    settings = get_settings(request)
    if not settings.tokens:
        return ANONYMOUS
    token = _bearer(request) or request.cookies.get(TOKEN_COOKIE)
    principal = lookup_token(settings, token)
    if principal is None:
        detail = (
            "invalid bearer token"
            if token
            else "missing `Authorization: Bearer <token>` header"
        )
        raise Unauthenticated(detail)
    return principal


def page_principal(request: Request) -> Principal:
    """Page caller: the login cookie when tokens are set, else a redirect to /login."""
    settings = get_settings(request)
    if not settings.tokens:
        return ANONYMOUS
    principal = lookup_token(settings, request.cookies.get(TOKEN_COOKIE))
    if principal is None:
        target = request.url.path + (
            f"?{request.url.query}" if request.url.query else ""
        )
        raise LoginRequired(target)
    return principal


def can_upload(settings: Settings, principal: Principal) -> bool:
    return not settings.tokens or bool(principal.groups & UPLOAD_GROUPS)


def uploader(
    request: Request, principal: Annotated[Principal, Depends(api_principal)]
) -> Principal:
    if not can_upload(get_settings(request), principal):
        raise AccessDenied("uploading papers needs a token in the `staff` group")
    return principal


def page_uploader(
    request: Request, principal: Annotated[Principal, Depends(page_principal)]
) -> Principal:
    if not can_upload(get_settings(request), principal):
        raise AccessDenied("uploading papers needs a token in the `staff` group")
    return principal


SettingsDep = Annotated[Settings, Depends(get_settings)]
AssistantDep = Annotated[Assistant, Depends(get_assistant)]
PrincipalDep = Annotated[Principal, Depends(api_principal)]
PagePrincipalDep = Annotated[Principal, Depends(page_principal)]
UploaderDep = Annotated[Principal, Depends(uploader)]
PageUploaderDep = Annotated[Principal, Depends(page_uploader)]
