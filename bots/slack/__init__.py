"""The Slack bot: ``create_slack_app(settings, assistant)``; run with ``python -m bots.slack``."""

from .app import COMMAND, EVENTS_PATH, create_asgi_app, create_slack_app, slack_principal
from .render import escape, render_answer

__all__ = [
    "COMMAND",
    "EVENTS_PATH",
    "create_asgi_app",
    "create_slack_app",
    "escape",
    "render_answer",
    "slack_principal",
]
