"""``python -m bots.slack [--host HOST] [--port PORT]``: serve the Slack bot over HTTP.

Slack sends events and slash commands to ``POST /slack/events`` (set it as the Request
URL of Event Subscriptions and of ``/ask-papers``). Reads ``ASSISTANT_*`` settings:
ASSISTANT_SLACK_BOT_TOKEN, ASSISTANT_SLACK_SIGNING_SECRET, ASSISTANT_SLACK_ACCESS_GROUPS
and the assistant's own (ASSISTANT_HOME, ...). Default port: ASSISTANT_PORT + 1.
"""

from __future__ import annotations

import argparse
import logging
import sys

from assistant.errors import AssistantError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bots.slack", description="Serve the Slack bot at POST /slack/events."
    )
    parser.add_argument("--host", help="bind address (default: ASSISTANT_HOST)")
    parser.add_argument("--port", type=int, help="port (default: ASSISTANT_PORT + 1)")
    args = parser.parse_args(argv)
    try:
        import uvicorn

        from assistant.config import Settings
        from assistant.service import Assistant

        from .app import create_asgi_app, create_slack_app

        settings = Settings()
        slack_app = create_slack_app(settings, Assistant(settings))
    except AssistantError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    logging.basicConfig(level=logging.INFO)
    host = args.host or settings.host
    port = args.port or settings.port + 1
    uvicorn.run(create_asgi_app(slack_app), host=host, port=port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
