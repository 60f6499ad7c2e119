"""The one place where our types meet LlamaIndex nodes.

``chunk_to_node`` builds a ``TextNode`` (id = chunk_id, text = the verbatim passage,
document and chunk fields in flat metadata); ``node_to_hit`` reads one back as a
``Hit``. Nothing outside ``retrieval/`` sees a node. ``chunk_to_hit`` gives the same
``Hit`` straight from the chunk, without building a node: searches use it, so a
command that only searches never imports LlamaIndex (seconds of a cold start).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..types import Chunk, DocumentMeta, Hit

if TYPE_CHECKING:  # imported when a node is built: llama_index.core costs ~2 s to import
    from llama_index.core.schema import BaseNode, TextNode

_LLM_VISIBLE = frozenset({"title", "page", "section"})


def search_text(chunk: Chunk) -> str:
    """What is embedded and keyword-indexed: the context prefix, then the passage."""
    return f"{chunk.context}\n{chunk.text}" if chunk.context else chunk.text


def chunk_to_node(chunk: Chunk, meta: DocumentMeta, source: str) -> TextNode:
    """A ``TextNode`` carrying ``chunk`` and its document's metadata."""
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    metadata: dict[str, str | int | float | None] = {
        "doc_id": chunk.doc_id,
        "title": meta.title,
        "source": source,
        "doc_type": meta.doc_type,
        "date": meta.date.isoformat() if meta.date else None,
        "council": meta.council,
        "committee": meta.committee,
        "access": meta.access,
        "page": chunk.page,
        "section": chunk.section,
        "paragraph": chunk.paragraph,
        "start": chunk.start,
        "end": chunk.end,
        "kind": chunk.kind,
        "context": chunk.context,
    }
    return TextNode(
        id_=chunk.chunk_id,
        text=chunk.text,
        metadata=metadata,
        start_char_idx=chunk.start,
        end_char_idx=chunk.end,
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=chunk.doc_id)},
        excluded_embed_metadata_keys=list(metadata),
        excluded_llm_metadata_keys=[key for key in metadata if key not in _LLM_VISIBLE],
    )


def node_to_hit(node: BaseNode, score: float) -> Hit:
    """The ``Hit`` for a node made by :func:`chunk_to_node`."""
    m = node.metadata
    return Hit(
        doc_id=m["doc_id"],
        title=m["title"],
        source=m["source"],
        doc_type=m["doc_type"],
        date=dt.date.fromisoformat(m["date"]) if m.get("date") else None,
        page=m["page"],
        section=m.get("section"),
        text=node.get_content(),
        score=round(float(score), 6),
        chunk_id=node.node_id,
        council=m.get("council"),
        committee=m.get("committee"),
        paragraph=m.get("paragraph"),
        start=m["start"],
        end=m["end"],
        kind=m["kind"],
        context=m.get("context") or "",
    )


def chunk_to_hit(chunk: Chunk, meta: DocumentMeta, source: str, score: float) -> Hit:
    """The ``Hit`` that ``node_to_hit(chunk_to_node(chunk, meta, source), score)`` gives."""
    return Hit(
        doc_id=chunk.doc_id,
        title=meta.title,
        source=source,
        doc_type=meta.doc_type,
        date=meta.date,
        page=chunk.page,
        section=chunk.section,
        text=chunk.text,
        score=round(float(score), 6),
        chunk_id=chunk.chunk_id,
        council=meta.council,
        committee=meta.committee,
        paragraph=chunk.paragraph,
        start=chunk.start,
        end=chunk.end,
        kind=chunk.kind,
        context=chunk.context or "",
    )
