"""Conversation history: per-user isolation and follow-ups in context."""

from __future__ import annotations

from pathlib import Path

from assistant.answer.conversations import ConversationStore
from assistant.config import Principal
from assistant.types import Answer


def test_history_is_per_user(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3")
    store.append("c1", "alice", "Q1", Answer(answer="A1", found=True))
    store.append("c1", "bob", "secret", Answer(answer="B1", found=True))
    store.append("c1", "alice", "Q2", Answer(answer="A2", found=False))
    assert [(q, a.answer) for q, a in store.history("c1", user="alice")] == [("Q1", "A1"), ("Q2", "A2")]
    assert [q for q, _ in store.history("c1", user="bob")] == ["secret"]
    assert store.history("c1", user="mallory") == []
    assert store.history("other", user="alice") == []


def test_history_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    ConversationStore(path).append("c1", "alice", "Q1", Answer(answer="A1", found=True))
    assert ConversationStore(path).history("c1", user="alice")[0][0] == "Q1"


def test_follow_up_understood_in_context(assistant) -> None:
    first = assistant.ask(
        "How many children were in care in Leicestershire on 31 March 2020?", conversation_id="conv-fu"
    )
    assert "657" in first.answer
    before = assistant.ask("and the year before?", conversation_id="conv-fu")
    assert before.found
    assert "582" in before.answer
    assert any("31 March 2019" in note for note in before.notes)
    city = assistant.ask("what about Leicester City?", conversation_id="conv-fu")
    assert not city.found  # the papers hold no Leicester City figure for 31 March 2019
    assert "582" not in city.answer and "585" not in city.answer


def test_follow_up_of_another_user_is_not_in_context(assistant) -> None:
    assistant.ask(
        "What was the LAC budget in 2014-15?", conversation_id="conv-shared", principal=Principal("alice")
    )
    answer = assistant.ask("and the year before?", conversation_id="conv-shared", principal=Principal("bob"))
    assert "£26,462,900" not in answer.answer
    assert not any(note.startswith("Read as") for note in answer.notes)
