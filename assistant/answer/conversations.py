"""Conversation history in SQLite, one row per turn, kept per user.

One job: remember each user's turns of a conversation so follow-ups can be read in
context. ``history`` returns only the asking user's turns: another user who guesses
or reuses a conversation id sees nothing of it.

>>> store = ConversationStore(settings.conversations_path)
>>> store.append("c1", "alice", "How many ...?", answer)
>>> store.history("c1", user="alice")
[('How many ...?', Answer(...))]
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from ..types import Answer

MAX_TURNS = 20  # history returned per conversation (the most recent turns)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL,
    user TEXT NOT NULL,
    question TEXT NOT NULL,
    answer_json TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_by_conversation ON turns (conversation_id, user, id);
"""


class ConversationStore:
    """Turns of conversations in a SQLite file (created on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False)
        with self._lock, self._conn:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def history(self, conversation_id: str, *, user: str) -> list[tuple[str, Answer]]:
        """The user's turns of a conversation, oldest first (at most ``MAX_TURNS``)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT question, answer_json FROM turns WHERE conversation_id = ? AND user = ? "
                "ORDER BY id DESC LIMIT ?",
                (conversation_id, user, MAX_TURNS),
            ).fetchall()
        return [(question, Answer.model_validate_json(data)) for question, data in reversed(rows)]

    def append(self, conversation_id: str, user: str, question: str, answer: Answer) -> None:
        """Record one turn."""
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT INTO turns (conversation_id, user, question, answer_json, created_at) VALUES (?, ?, ?, ?, ?)",
                (conversation_id, user, question, answer.model_dump_json(), time.time()),
            )
