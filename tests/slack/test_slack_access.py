"""Papers of our own, through Slack: hostile text is escaped end to end, access labels hold.

A small index of two papers: a public one whose text contains ``<!channel>`` and
``<script>``, and one labelled ``staff``. Slack users see public papers only unless
ASSISTANT_SLACK_ACCESS_GROUPS gives them more.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_support import BOT_USER, FakeSlack, event_body, sign, slack_client_for
from starlette.testclient import TestClient

from assistant.config import Settings
from assistant.service import Assistant
from bots.slack import slack_principal

PUBLIC_PAPER = """Highways maintenance briefing

The pothole repair budget for 2021-22 was £1,234,000 <!channel> <script>alert(1)</script> & more.
"""
STAFF_PAPER = """Workforce briefing (staff only)

Agency social worker spend in 2022-23 was £987,654 across the children's service.
"""


@pytest.fixture(scope="module")
def own_papers(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Assistant]:
    root = tmp_path_factory.mktemp("slack-papers")
    (root / "public").mkdir()
    (root / "staff").mkdir()
    (root / "public" / "highways-briefing.txt").write_text(PUBLIC_PAPER, encoding="utf-8")
    (root / "staff" / "workforce-briefing.txt").write_text(STAFF_PAPER, encoding="utf-8")
    settings = Settings(home=root / "home", corpus_dir=root / "public", ingest_workers=1)
    service = Assistant(settings)
    assert all(r.status == "indexed" for r in service.ingest([root / "public"]))
    assert all(r.status == "indexed" for r in service.ingest([root / "staff"], access="staff"))
    return settings, service


@pytest.fixture(scope="module")
def public_slack(own_papers, fake_slack: FakeSlack) -> Iterator[TestClient]:
    with slack_client_for(*own_papers, fake_slack) as client:
        yield client


@pytest.fixture(scope="module")
def staff_slack(own_papers, fake_slack: FakeSlack) -> Iterator[TestClient]:
    with slack_client_for(*own_papers, fake_slack, access_groups="staff, finance") as client:
        yield client


def ask(slack: TestClient, fake_slack: FakeSlack, question: str, channel: str, ts: str):
    event = {
        "type": "app_mention",
        "user": "U0CAROL",
        "text": f"<@{BOT_USER}> {question}",
        "ts": ts,
        "channel": channel,
    }
    body = event_body(event)
    response = slack.post(
        "/slack/events", content=body.encode(), headers={"Content-Type": "application/json", **sign(body)}
    )
    assert response.status_code == 200
    return fake_slack.wait_for(lambda c: c.method == "chat.postMessage" and c.data.get("channel") == channel)


def test_paper_text_with_channel_mention_is_escaped(public_slack: TestClient, fake_slack: FakeSlack):
    reply = ask(public_slack, fake_slack, "What was the pothole repair budget for 2021-22?", "C0ROADS", "2.1")
    text = reply.visible_text()
    assert "1,234,000" in text
    assert "&lt;!channel&gt;" in text  # shown as text, notifies nobody
    assert "<!channel>" not in text and "<script>" not in text
    assert "<" not in text and ">" not in text


def test_slack_users_see_public_papers_only_by_default(public_slack: TestClient, fake_slack: FakeSlack):
    reply = ask(public_slack, fake_slack, "What was agency social worker spend in 2022-23?", "C0HR", "2.2")
    text = reply.visible_text()
    assert "987,654" not in text
    assert "Not in the papers" in text
    assert "Workforce briefing" not in text  # not even named among the closest documents


def test_configured_groups_open_labelled_papers(staff_slack: TestClient, fake_slack: FakeSlack):
    reply = ask(staff_slack, fake_slack, "What was agency social worker spend in 2022-23?", "C0HRSTAFF", "2.3")
    assert "987,654" in reply.visible_text()


def test_slack_principal():
    settings = Settings(slack_access_groups=" staff ,, foi")
    principal = slack_principal(settings, "U0DAVE")
    assert principal.user == "slack:U0DAVE"
    assert principal.groups == {"public", "staff", "foi"}
    assert slack_principal(Settings(), "U0ERIN").groups == {"public"}
    assert not slack_principal(Settings(), "U0ERIN").can_read("staff")
