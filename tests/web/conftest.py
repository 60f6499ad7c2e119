"""Web fixtures: the real app over the session index, a real uvicorn server, Chromium.

``client`` drives the app in-process (``TestClient``); ``live_server`` serves it with
uvicorn on a free loopback port for the browser tests; ``page`` is a fresh tab of
the Debian Chromium, driven by Playwright (no browser downloads). ``tool_calling_app``
and ``tool_calling_server`` are the same over a composer whose LLM calls KPI tools
(a :class:`tests.answer.scripted_model.ScriptedModel`: one call that fits the question, one that does not).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_support import GOOD_CALL, MISFIT_CALL, STAFF_TOKEN, TOKEN

from assistant.answer.composer import Composer
from assistant.config import Settings
from assistant.service import Assistant
from assistant.web.app import create_app
from tests.answer.scripted_model import ScriptedModel

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def app(settings: Settings, assistant: Assistant) -> FastAPI:
    return create_app(settings, assistant, warm_up=False)


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture()
def secured_client(settings: Settings, assistant: Assistant) -> Iterator[TestClient]:
    """The same index behind API tokens: one plain, one in the `staff` group."""
    secured = Settings(
        **{
            **settings.model_dump(),
            "api_tokens": f"{TOKEN}=alice,{STAFF_TOKEN}=bob:staff",
        }
    )
    with TestClient(create_app(secured, assistant, warm_up=False)) as test_client:
        yield test_client


@pytest.fixture()
def scratch_client(scratch_settings: Settings) -> Iterator[TestClient]:
    """An app over an empty index of its own, for tests that add papers."""
    service = Assistant(scratch_settings)
    with TestClient(
        create_app(scratch_settings, service, warm_up=False)
    ) as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def tool_calling_app(settings: Settings, assistant: Assistant) -> FastAPI:
    """The app over the session index, answering with an LLM that calls KPI tools."""
    composer = Composer(settings, index=assistant.index, kpis=assistant.kpis)
    composer._provider, composer._provider_loaded = ScriptedModel([("get_kpi", MISFIT_CALL), ("get_kpi", GOOD_CALL)]), True
    service = Assistant(settings)
    # the session's components (cached properties), so the index is not opened twice
    service.__dict__.update(
        index=assistant.index, kpis=assistant.kpis, conversations=assistant.conversations, composer=composer
    )
    return create_app(settings, service, warm_up=False)


@pytest.fixture(scope="session")
def live_server(app: FastAPI) -> Iterator[str]:
    yield from serve(app)


@pytest.fixture(scope="session")
def tool_calling_server(tool_calling_app: FastAPI) -> Iterator[str]:
    yield from serve(tool_calling_app)


def serve(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port until the session ends."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"
        )
    )
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    assert CHROMIUM.exists(), "Debian chromium is not installed: run `make system-deps` (make test does)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert not errors, f"JavaScript errors: {errors}"
