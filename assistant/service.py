"""The one service every edge calls: CLI, HTTP, web pages, Slack, evals.

Edges parse input, make one ``Assistant`` call and render the result; retrieval,
answering and tool logic live behind this class. Heavy parts (embedding model,
Chroma, LLM) load lazily on first use, so ``assistant --help`` and health checks
stay fast.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import LOCAL_OPERATOR, Principal, Settings
from .errors import AccessDenied, BadRequest, NotFound
from .types import Answer, Document, Hit, IngestResult, KpiObservation, SearchFilters

if TYPE_CHECKING:  # imported lazily at run time
    from .answer.composer import Composer
    from .answer.conversations import ConversationStore
    from .retrieval.index import Index
    from .tools.kpi_store import KpiStore


class Assistant:
    """Facade over ingest, index, answering and KPI tools.

    >>> assistant = Assistant(Settings(home=tmp_path))
    >>> assistant.ingest([Path("corpus")])
    >>> assistant.search("children in care 31 March 2020", k=5)
    >>> assistant.ask("How many children were in care in Leicestershire on 31 March 2020?")
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        settings.ensure_home()
        self._lock = threading.RLock()

    # --- components (lazy) ----------------------------------------------------
    @cached_property
    def index(self) -> "Index":
        from .retrieval.index import Index

        return Index(self.settings)

    @cached_property
    def kpis(self) -> "KpiStore":
        from .tools.kpi_store import KpiStore

        return KpiStore(self.settings)

    @cached_property
    def conversations(self) -> "ConversationStore":
        from .answer.conversations import ConversationStore

        return ConversationStore(self.settings.conversations_path)

    @cached_property
    def composer(self) -> "Composer":
        from .answer.composer import Composer

        return Composer(self.settings, index=self.index, kpis=self.kpis)

    def warm_up(self) -> None:
        """Load models and open stores now rather than on the first request."""
        self.index.warm_up()
        self.composer.warm_up()

    # --- ingest ---------------------------------------------------------------
    def ingest(
        self, paths: Iterable[Path | str], *, progress: bool = False, access: str | None = None
    ) -> list[IngestResult]:
        from .ingest.pipeline import IngestPipeline

        with self._lock:
            pipeline = IngestPipeline(self.settings, self.index, kpis=self.kpis)
            return pipeline.ingest([Path(p) for p in paths], progress=progress, access=access)

    def purge(self, doc_ids: Iterable[str]) -> list[str]:
        with self._lock:
            removed = [d for d in doc_ids if self.index.remove(d)]
            for doc_id in removed:
                self.kpis.remove_published(doc_id)
            if removed:
                self.index.finalize()
            return removed

    def is_indexed(self) -> bool:
        return self.index.docstore.count_documents() > 0

    # --- search and documents -------------------------------------------------
    def search(
        self,
        query: str,
        *,
        k: int | None = None,
        filters: SearchFilters | None = None,
        principal: Principal = LOCAL_OPERATOR,
        offset: int = 0,
        sort: str = "relevance",
    ) -> list[Hit]:
        query = (query or "").strip()
        if not query:
            raise BadRequest("query", "must not be empty")
        k = k or self.settings.top_k
        if not 1 <= k <= 100:
            raise BadRequest("k", "must be between 1 and 100")
        return self.index.search(
            query, filters=filters or SearchFilters(), k=k, principal=principal, offset=offset, sort=sort
        )

    def documents(self, principal: Principal = LOCAL_OPERATOR) -> list[dict[str, Any]]:
        return [d for d in self.index.docstore.list_documents() if principal.can_read(d.get("access"))]

    def document(self, doc_id: str, principal: Principal = LOCAL_OPERATOR) -> Document:
        doc = self.index.docstore.get_document(doc_id)
        if doc is None:
            raise NotFound(f"document {doc_id!r} is not in the index")
        if not principal.can_read(doc.meta.access):
            # Same answer as a missing document: do not reveal that it exists.
            raise NotFound(f"document {doc_id!r} is not in the index")
        return doc

    def document_file(self, doc_id: str, principal: Principal = LOCAL_OPERATOR) -> Path:
        """The original file of an indexed document; never a path outside the index."""
        doc = self.document(doc_id, principal)
        path = Path(doc.path)
        if not path.is_file():
            raise NotFound(f"the original file of {doc_id!r} is no longer available")
        return path

    # --- answers ----------------------------------------------------------------
    def ask(
        self,
        question: str,
        *,
        conversation_id: str | None = None,
        principal: Principal = LOCAL_OPERATOR,
    ) -> Answer:
        answer: Answer | None = None
        for event in self.ask_stream(question, conversation_id=conversation_id, principal=principal):
            if event["event"] == "answer":
                answer = event["data"]
        assert answer is not None
        return answer

    def ask_stream(
        self,
        question: str,
        *,
        conversation_id: str | None = None,
        principal: Principal = LOCAL_OPERATOR,
    ) -> Iterator[dict[str, Any]]:
        """Yield ``{"event": "status"|"token"|"answer", "data": ...}``; the last is the Answer."""
        question = (question or "").strip()
        if not question:
            raise BadRequest("question", "must not be empty")
        if len(question) > 4000:
            raise BadRequest("question", "must be at most 4000 characters")
        conversation_id = conversation_id or uuid.uuid4().hex
        history = self.conversations.history(conversation_id, user=principal.user)
        answer: Answer | None = None
        for event in self.composer.stream(question, history=history, principal=principal):
            if event["event"] == "answer":
                answer = event["data"].model_copy(update={"conversation_id": conversation_id})
                event = {"event": "answer", "data": answer}
            yield event
        assert answer is not None, "composer.stream must end with an answer event"
        self.conversations.append(conversation_id, principal.user, question, answer)

    # --- KPIs ---------------------------------------------------------------------
    def kpi_observations(
        self, metric: str | None = None, area: str | None = None
    ) -> list[KpiObservation]:
        return self.kpis.query(metric=metric, area=area)

    def load_kpis(self, path: Path) -> dict[str, Any]:
        return self.kpis.load_file(Path(path))

    def list_metrics(self) -> list[dict[str, Any]]:
        return self.kpis.list_metrics()

    # --- FOI ------------------------------------------------------------------------
    def foi_draft(self, request_text: str, principal: Principal = LOCAL_OPERATOR) -> dict[str, Any]:
        from .foi import draft_response

        if not (request_text or "").strip():
            raise BadRequest("request_text", "must not be empty")
        return draft_response(self, request_text, principal=principal)

    def check_access(self, principal: Principal, access: str | None) -> None:
        if not principal.can_read(access):
            raise AccessDenied("you do not have access to this document")
