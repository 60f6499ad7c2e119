"""The Slack edge: a Bolt app whose handlers parse, make one ``Assistant.ask`` call, render.

    slack_app = create_slack_app(settings, assistant)
    asgi_app = create_asgi_app(slack_app)        # POST /slack/events, GET /healthz
    uvicorn.run(asgi_app, host=settings.host, port=settings.port + 1)

What it answers:

* ``app_mention`` in a channel: the reply goes in the thread; the conversation id is
  derived from the channel and the thread, so a follow-up in the thread ("and the
  year before?") is read in context;
* direct messages (``message`` events in an IM channel);
* the slash command ``/ask-papers``: acknowledged at once, the answer follows through
  the command's ``response_url``.

Messages from bots (this one included) and message subtypes (edits, deletions, joins)
are ignored, so the bot never answers itself. Every Slack user asks as
``Principal("slack:<user id>", ASSISTANT_SLACK_ACCESS_GROUPS)``: public papers only
unless groups are configured.

Slack must hear back within 3 seconds: Bolt acknowledges events before the listener
runs (``process_before_response=False``) and the listener runs in Bolt's thread pool.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from assistant.config import Principal, Settings
from assistant.errors import AssistantError, ConfigError
from assistant.service import Assistant
from assistant.types import Answer

from .render import escape, question_from_slack, render_answer, render_error

log = logging.getLogger(__name__)

COMMAND = "/ask-papers"
EVENTS_PATH = "/slack/events"
USAGE = (
    "Ask me about the council papers, e.g. `/ask-papers How many children were in care in "
    "Leicestershire on 31 March 2020?` or mention me with a question."
)
FAILED = "Sorry, something went wrong while answering. Please try again later."


def slack_principal(settings: Settings, user_id: str) -> Principal:
    """Who a Slack user is to the assistant: ``slack:<id>`` in the configured groups."""
    groups = {g.strip() for g in settings.slack_access_groups.split(",") if g.strip()}
    return Principal(f"slack:{user_id}", groups)


def conversation_id(team_id: str | None, channel: str, thread_ts: str) -> str:
    """One conversation per Slack thread (or per DM when not in a thread)."""
    return f"slack:{team_id or '-'}:{channel}:{thread_ts}"


class _SeenEvents:
    """Event ids already handled, so Slack's retries do not produce a second reply."""

    def __init__(self, size: int = 1000) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def first_time(self, event_id: str | None) -> bool:
        if not event_id:
            return True
        with self._lock:
            if event_id in self._ids:
                return False
            self._ids[event_id] = None
            while len(self._ids) > self._size:
                self._ids.popitem(last=False)
            return True


def _is_from_bot_or_edit(event: dict[str, Any]) -> bool:
    return bool(event.get("bot_id") or event.get("subtype") or event.get("bot_profile"))


def create_slack_app(settings: Settings, assistant: Assistant, *, client: WebClient | None = None) -> App:
    """The Bolt app. ``client`` replaces the Web API client (tests point it at a local server)."""
    if not settings.slack_signing_secret:
        raise ConfigError("ASSISTANT_SLACK_SIGNING_SECRET", "must be set to verify requests from Slack")
    if client is None:
        if not settings.slack_bot_token:
            raise ConfigError("ASSISTANT_SLACK_BOT_TOKEN", "must be set (the app's xoxb- bot token)")
        client = WebClient(token=settings.slack_bot_token)
    app = App(
        signing_secret=settings.slack_signing_secret,
        client=client,
        token_verification_enabled=False,  # auth.test runs on the first request, not at start-up
        process_before_response=False,
    )
    seen = _SeenEvents()

    def answer_for(question: str, user_id: str, conv_id: str | None) -> dict[str, Any]:
        """The one Assistant call, rendered; errors become a message, never a silence."""
        if not question:
            return {"text": USAGE}
        try:
            answer: Answer = assistant.ask(
                question, conversation_id=conv_id, principal=slack_principal(settings, user_id)
            )
        except AssistantError as exc:
            return render_error(exc.detail)
        except Exception:  # a reply saying so beats silence in the channel
            log.exception("Slack: answering %r failed", question)
            return render_error(FAILED)
        return render_answer(answer)

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], body: dict[str, Any], context: Any, client: WebClient) -> None:
        channel = event.get("channel", "")
        if _is_from_bot_or_edit(event) or channel.startswith("D") or not seen.first_time(body.get("event_id")):
            return  # a DM arrives as a `message` event too; answered there
        thread_ts = event.get("thread_ts") or event["ts"]
        question = question_from_slack(event.get("text", ""), context.bot_user_id)
        message = answer_for(question, event.get("user", ""), conversation_id(context.team_id, channel, thread_ts))
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, unfurl_links=False, **message)

    @app.event("message")
    def on_message(event: dict[str, Any], body: dict[str, Any], context: Any, client: WebClient) -> None:
        # Every message event is acknowledged; only a person's new message in a DM is answered.
        if event.get("channel_type") != "im" or _is_from_bot_or_edit(event):
            return
        if not seen.first_time(body.get("event_id")):
            return
        thread_ts = event.get("thread_ts")
        channel = event["channel"]
        question = question_from_slack(event.get("text", ""), context.bot_user_id)
        message = answer_for(
            question, event.get("user", ""), conversation_id(context.team_id, channel, thread_ts or "dm")
        )
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, unfurl_links=False, **message)

    @app.command(COMMAND)
    def on_command(ack: Any, command: dict[str, Any], respond: Any) -> None:
        question = question_from_slack(command.get("text", ""))
        if not question:
            ack(text=USAGE)
            return
        ack(text=f":mag: Looking in the papers: _{escape(question)}_")
        message = answer_for(question, command.get("user_id", ""), None)
        respond(response_type="in_channel", unfurl_links=False, **message)

    return app


def create_asgi_app(slack_app: App) -> Starlette:
    """An ASGI app serving the Bolt app at ``POST /slack/events`` (and ``GET /healthz``).

    Bolt's Starlette adapter converts the request; ``dispatch`` (signature check, then
    the listeners) runs in a worker thread so the event loop never blocks on it.
    """

    async def events(request: Request) -> Response:
        body = await request.body()
        bolt_response: BoltResponse = await run_in_threadpool(slack_app.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[Route(EVENTS_PATH, events, methods=["POST"]), Route("/healthz", healthz, methods=["GET"])])
