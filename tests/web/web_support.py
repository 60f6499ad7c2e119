"""Constants and helpers shared by the web tests (imported by name: tests/web is on sys.path)."""

from __future__ import annotations

from fastapi.testclient import TestClient

TOKEN = "s3cret-token-for-tests"
STAFF_TOKEN = "staff-token-for-tests"
QUESTION = "How many children were in care in Leicestershire on 31 March 2020?"


def doc_id_of(client: TestClient, source: str) -> str:
    """The document id of the paper whose file name is ``source``."""
    documents = client.get("/api/documents").json()["documents"]
    return str(next(d["doc_id"] for d in documents if d["source"] == source))
