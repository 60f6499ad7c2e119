"""The ``/ask-papers`` slash command: acknowledged within the request, answered via response_url."""

from __future__ import annotations

import json
import time

from slack_support import FakeSlack, command_body, sign
from starlette.testclient import TestClient

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def post_command(slack: TestClient, text: str, response_url: str):
    body = command_body(text, response_url)
    started = time.monotonic()
    response = slack.post("/slack/events", content=body.encode(), headers={**FORM, **sign(body)})
    return response, time.monotonic() - started


def test_command_acks_at_once_then_posts_the_answer(slack: TestClient, fake_slack: FakeSlack):
    url = fake_slack.response_url("cla-2020")
    response, seconds = post_command(slack, "How many children were in care in Leicestershire on 31 March 2020?", url)

    assert response.status_code == 200
    assert seconds < 3
    assert "Looking in the papers" in response.text  # the acknowledgement, shown only to the asker

    answer = fake_slack.wait_for(lambda c: c.path == "/respond/cla-2020")
    assert answer.data["response_type"] == "in_channel"
    assert "657" in answer.visible_text()
    assert "*Sources*" in json.dumps(answer.data["blocks"])
    assert "Check the source before quoting a figure." in answer.visible_text()


def test_command_without_a_question_explains_itself(slack: TestClient, fake_slack: FakeSlack):
    url = fake_slack.response_url("empty")
    response, _ = post_command(slack, "   ", url)
    assert response.status_code == 200
    assert "/ask-papers" in response.text
    time.sleep(1)
    assert fake_slack.messages(lambda c: c.path == "/respond/empty") == []


def test_forged_command_is_rejected(slack: TestClient, fake_slack: FakeSlack):
    url = fake_slack.response_url("forged")
    body = command_body("How many children were in care?", url)
    response = slack.post("/slack/events", content=body.encode(), headers={**FORM, **sign(body, "wrong-secret")})
    assert response.status_code == 401
    time.sleep(1)
    assert fake_slack.messages(lambda c: c.path == "/respond/forged") == []
