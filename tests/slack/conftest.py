"""Slack fixtures: the real Bolt app behind its Starlette mount, Slack's servers faked.

``slack`` posts signed requests to ``POST /slack/events`` of the real ASGI app (Bolt's
signature check, middleware and listeners all run); the bot's Web API calls and
``response_url`` posts land on ``fake_slack``, a local HTTP server.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_support import FakeSlack, slack_client_for
from starlette.testclient import TestClient

from assistant.config import Settings
from assistant.service import Assistant


@pytest.fixture(scope="session")
def fake_slack() -> Iterator[FakeSlack]:
    server = FakeSlack().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def slack(settings: Settings, assistant: Assistant, fake_slack: FakeSlack) -> Iterator[TestClient]:
    """The Slack app over the session index; Slack users see public papers only."""
    with slack_client_for(settings, assistant, fake_slack) as client:
        yield client
