"""Stand-ins for Slack itself: request signing and a local Web API server.

``FakeSlack`` is a tiny HTTP server on 127.0.0.1 playing https://slack.com/api/ and the
slash command ``response_url``: it records every call and answers ``{"ok": true}``.
Everything else in the Slack tests is real: Bolt, the signature check, the index.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from slack_sdk import WebClient
from starlette.testclient import TestClient

from assistant.config import Settings
from assistant.service import Assistant
from bots.slack import create_asgi_app, create_slack_app

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
BOT_USER = "UBOTPAPERS"
TEAM = "T0COUNCIL"


def sign(body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends: ``v0=`` HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


_event_counter = iter(range(1, 10**9))


def event_body(event: dict[str, Any]) -> str:
    """An Events API ``event_callback`` envelope, as JSON text."""
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM,
            "api_app_id": "A0PAPERS",
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{next(_event_counter):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        }
    )


def command_body(text: str, response_url: str, user_id: str = "U0ALICE", channel_id: str = "C0GENERAL") -> str:
    """A slash command as Slack posts it: form-encoded."""
    return urllib.parse.urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM,
            "team_domain": "council",
            "channel_id": channel_id,
            "channel_name": "general",
            "user_id": user_id,
            "user_name": "alice",
            "command": "/ask-papers",
            "text": text,
            "api_app_id": "A0PAPERS",
            "response_url": response_url,
            "trigger_id": "1234.5678.abcdef",
        }
    )


@dataclass
class Call:
    path: str
    data: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def method(self) -> str:
        """The Web API method (``chat.postMessage``) or ``response_url`` for webhooks."""
        return self.path.removeprefix("/api/") if self.path.startswith("/api/") else "response_url"

    def visible_text(self) -> str:
        """Everything a Slack user could read in the message: fallback text and blocks."""
        parts = [str(self.data.get("text") or "")]
        blocks = self.data.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        for block in blocks:
            if "text" in block:
                parts.append(block["text"]["text"])
            for element in block.get("elements", []):
                parts.append(element.get("text", ""))
        return "\n".join(parts)

    def blocks(self) -> list[dict[str, Any]]:
        blocks = self.data.get("blocks") or []
        return json.loads(blocks) if isinstance(blocks, str) else blocks


class FakeSlack:
    """A local stand-in for slack.com's Web API and for response URLs."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._cond = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    data = json.loads(raw or "{}")
                else:
                    data = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
                call = Call(self.path, data, dict(self.headers))
                with fake._cond:
                    fake.calls.append(call)
                    fake._cond.notify_all()
                if call.method == "auth.test":
                    reply: dict[str, Any] = {
                        "ok": True,
                        "url": "https://council.slack.com/",
                        "team": "Council",
                        "user": "papers",
                        "team_id": TEAM,
                        "user_id": BOT_USER,
                        "bot_id": "B0PAPERS",
                    }
                else:
                    reply = {"ok": True, "channel": data.get("channel"), "ts": f"{time.time():.6f}"}
                payload = json.dumps(reply).encode() if call.method != "response_url" else b"ok"
                self.send_response(200)
                self.send_header("Content-Type", "application/json" if call.method != "response_url" else "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.api_url = f"http://127.0.0.1:{self.port}/api/"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def response_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/respond/{name}"

    def messages(self, where: Callable[[Call], bool] = lambda c: True) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method in ("chat.postMessage", "response_url") and where(c)]

    def wait_for(self, where: Callable[[Call], bool], timeout: float = 180.0) -> Call:
        """The first posted message matching ``where``, waiting up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls if c.method in ("chat.postMessage", "response_url") and where(c)]
                if found:
                    return found[0]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no such Slack message within {timeout}s; calls: {self.calls!r}")
                self._cond.wait(left)


def slack_client_for(
    settings: Settings, assistant: Assistant, fake_slack: FakeSlack, access_groups: str = ""
) -> TestClient:
    """A TestClient on the real Slack mount; the bot's Web API calls go to ``fake_slack``."""
    slack_settings = settings.model_copy(
        update={
            "slack_bot_token": BOT_TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_access_groups": access_groups,
        }
    )
    web = WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url)
    return TestClient(create_asgi_app(create_slack_app(slack_settings, assistant, client=web)))
