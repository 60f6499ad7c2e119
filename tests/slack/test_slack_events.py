"""Signed Events API requests into the real Bolt app: what a Slack user sees in reply."""

from __future__ import annotations

import json
import time

from slack_support import BOT_USER, SIGNING_SECRET, FakeSlack, event_body, sign
from starlette.testclient import TestClient

QUESTION = "How many children were in care in Leicestershire on 31 March 2020?"


def post_event(slack: TestClient, event: dict, *, secret: str = SIGNING_SECRET, timestamp: int | None = None):
    body = event_body(event)
    headers = {"Content-Type": "application/json", **sign(body, secret, timestamp)}
    started = time.monotonic()
    response = slack.post("/slack/events", content=body.encode(), headers=headers)
    return response, time.monotonic() - started


def mention(text: str, channel: str, ts: str, thread_ts: str | None = None, user: str = "U0ALICE") -> dict:
    event = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER}> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def reply_in(fake_slack: FakeSlack, channel: str, thread_ts: str | None):
    return fake_slack.wait_for(
        lambda c: (
            c.method == "chat.postMessage" and c.data.get("channel") == channel and c.data.get("thread_ts") == thread_ts
        )
    )


def test_mention_is_answered_in_its_thread_with_sources(slack: TestClient, fake_slack: FakeSlack):
    response, seconds = post_event(slack, mention(QUESTION, "C0KIDS", "1700000000.000100"))
    assert response.status_code == 200
    assert seconds < 3, "Slack needs the acknowledgement within 3 seconds"

    reply = reply_in(fake_slack, "C0KIDS", "1700000000.000100")
    text = reply.visible_text()
    assert "657" in text
    sources = [b for b in reply.blocks() if b["type"] == "context" and "*Sources*" in json.dumps(b)]
    assert sources, reply.blocks()
    cited = json.dumps(sources)
    assert "[1]" in cited
    assert "Children in Care health annual report 2019-20, p.1: " in cited
    assert "657" in cited
    assert "Check the source before quoting a figure." in text
    assert reply.headers.get("Authorization") == "Bearer xoxb-test-token"


def test_follow_up_in_the_same_thread_keeps_context(slack: TestClient, fake_slack: FakeSlack):
    thread = "1700000100.000100"
    post_event(slack, mention(QUESTION, "C0FOLLOW", thread))
    first = reply_in(fake_slack, "C0FOLLOW", thread)
    assert "657" in first.visible_text()

    response, _ = post_event(slack, mention("and the year before?", "C0FOLLOW", "1700000160.000200", thread))
    assert response.status_code == 200
    follow_up = fake_slack.wait_for(
        lambda c: c.method == "chat.postMessage" and c.data.get("channel") == "C0FOLLOW" and c is not first
    )
    assert follow_up.data["thread_ts"] == thread
    # Read in context: children in care in Leicestershire on 31 March 2019 were 582.
    assert "582" in follow_up.visible_text()


def test_unanswerable_question_says_not_in_the_papers(slack: TestClient, fake_slack: FakeSlack):
    post_event(slack, mention("What was the council's budget for pothole repairs in 2031?", "C0TRAP", "1700000200.1"))
    reply = reply_in(fake_slack, "C0TRAP", "1700000200.1")
    assert ":information_source: *Not in the papers.*" in reply.visible_text()
    assert reply.data["text"].startswith("Not in the papers.")
    assert "Check the source before quoting a figure." in reply.visible_text()


def test_direct_message_is_answered_in_the_dm(slack: TestClient, fake_slack: FakeSlack):
    event = {
        "type": "message",
        "channel_type": "im",
        "user": "U0BOB",
        "text": QUESTION,
        "ts": "1700000300.000100",
        "channel": "D0BOB",
        "event_ts": "1700000300.000100",
    }
    response, _ = post_event(slack, event)
    assert response.status_code == 200
    reply = reply_in(fake_slack, "D0BOB", None)
    assert "657" in reply.visible_text()


def test_bot_messages_edits_and_channel_chatter_get_no_reply(slack: TestClient, fake_slack: FakeSlack):
    base = {"type": "message", "channel_type": "im", "user": "U0BOB", "text": QUESTION, "channel": "D0QUIET"}
    ignored = [
        {**base, "ts": "1.1", "bot_id": "B0PAPERS", "user": BOT_USER},  # our own reply
        {**base, "ts": "1.2", "bot_id": "B0OTHER", "subtype": "bot_message"},  # another bot
        {**base, "ts": "1.3", "subtype": "message_changed", "message": {"text": QUESTION}},  # an edit
        {**base, "ts": "1.4", "channel_type": "channel", "channel": "C0QUIET"},  # not a DM, no mention
    ]
    for event in ignored:
        response, _ = post_event(slack, event)
        assert response.status_code == 200  # acknowledged, so Slack does not retry
    time.sleep(1.5)
    assert fake_slack.messages(lambda c: c.data.get("channel") in ("D0QUIET", "C0QUIET")) == []


def test_bad_signature_is_rejected_and_nothing_is_posted(slack: TestClient, fake_slack: FakeSlack):
    wrong_secret, _ = post_event(slack, mention(QUESTION, "C0FORGED", "1.5"), secret="not-the-signing-secret")
    stale, _ = post_event(slack, mention(QUESTION, "C0FORGED", "1.6"), timestamp=int(time.time()) - 3600)
    body = event_body(mention(QUESTION, "C0FORGED", "1.7"))
    tampered = slack.post(
        "/slack/events",
        content=body.replace("C0FORGED", "C0FORGEX").encode(),
        headers={"Content-Type": "application/json", **sign(body)},
    )
    unsigned = slack.post("/slack/events", content=body.encode(), headers={"Content-Type": "application/json"})
    assert [r.status_code for r in (wrong_secret, stale, tampered, unsigned)] == [401, 401, 401, 401]
    time.sleep(1.5)
    assert fake_slack.messages(lambda c: str(c.data.get("channel", "")).startswith("C0FORGE")) == []


def test_url_verification_challenge_is_answered(slack: TestClient):
    body = json.dumps(
        {"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"}
    )
    response = slack.post(
        "/slack/events", content=body.encode(), headers={"Content-Type": "application/json", **sign(body)}
    )
    assert response.status_code == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in response.text


def test_a_new_thread_starts_a_new_conversation(slack: TestClient, fake_slack: FakeSlack):
    post_event(slack, mention("and the year before?", "C0FRESH", "1700000400.000100"))
    reply = reply_in(fake_slack, "C0FRESH", "1700000400.000100")
    assert "582" not in reply.visible_text()
