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


# A model call that does not fit QUESTION: the right council and measure, the year before.
# The store holds a real figure for it (582 at 31 March 2019) that must never be shown.
GOOD_CALL = '{"metric": "cla_at_31_march", "area": "Leicestershire", "period": "2020-03-31"}'
MISFIT_CALL = '{"metric": "cla_at_31_march", "area": "Leicestershire", "period": "2019"}'
