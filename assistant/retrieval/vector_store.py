"""Dense vectors of chunks in an embedded Chroma (cosine space), behind LlamaIndex's
``ChromaVectorStore``.

Embeddings are always computed by our :class:`~.embeddings.Embedder` and passed in;
the collection has no embedding function, so Chroma never fetches a model.

>>> store = VectorStore(settings.chroma_dir)
>>> store.delete_document("foi-2015"); store.upsert(nodes, vectors)
>>> store.query(vector, k=50, doc_ids=["foi-2015"])   # [(chunk_id, cosine), ...]
>>> VectorStoreIndex.from_vector_store(store.store, embed_model=embedder.as_llama_index())

What a search costs to start matters (``assistant ask`` answers within 3 s of
launch), so reads and writes take different roads to the same engine:

- ``query`` in a process that has not opened the collection through Chroma's client
  asks Chroma's Rust engine directly (:class:`_EngineReader`), exactly as the client
  would; importing ``chromadb`` (the client) alone costs about a second;
- everything else (writes, ``count``, ``chunk_ids``, ``open``/``warm_up``) uses the
  ``chromadb`` client, and from then on this process's queries of that folder do too,
  so one engine per folder and process sees every write;
- ``store`` (and so ``upsert``, which converts nodes with LlamaIndex's own metadata
  rules) imports LlamaIndex on first use.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import IndexNotReady

if TYPE_CHECKING:
    from llama_index.core.schema import TextNode
    from llama_index.vector_stores.chroma import ChromaVectorStore

logger = logging.getLogger(__name__)

COLLECTION = "chunks"
_SQLITE_FILE = "chroma.sqlite3"  # chromadb.api.rust.RustBindingsAPI: <persist_directory>/chroma.sqlite3
_TENANT = "default_tenant"  # chromadb.config.DEFAULT_TENANT
_DATABASE = "default_database"  # chromadb.config.DEFAULT_DATABASE


def _is_chroma_error(exc: BaseException) -> bool:
    # A ChromaError can only have been raised once chromadb.errors was imported.
    errors = sys.modules.get("chromadb.errors")
    return errors is not None and isinstance(exc, errors.ChromaError)


@contextmanager
def _chroma_errors(action: str) -> Iterator[None]:
    """Turn Chroma's errors into ours, keeping the cause."""
    try:
        yield
    except (ValueError, RuntimeError, OSError) as exc:
        raise IndexNotReady(f"vector store: cannot {action}: {exc}") from exc
    except Exception as exc:
        if _is_chroma_error(exc):
            raise IndexNotReady(f"vector store: cannot {action}: {exc}") from exc
        raise


class _EngineReader:
    """Nearest-neighbour queries of an existing collection, straight to Chroma's engine.

    ``chromadb.PersistentClient`` is a Python layer over ``chromadb_rust_bindings``;
    this builds the engine as ``chromadb.api.rust.RustBindingsAPI.start`` does (same
    SQLite file, migration mode and HNSW cache size as the default settings) and makes
    the call ``RustBindingsAPI._query`` makes, without importing ``chromadb``. Raises
    whatever the engine raises when it cannot: callers then use the client.
    """

    def __init__(self, path: Path) -> None:
        import resource

        import chromadb_rust_bindings as rust  # type: ignore[import-untyped]

        config = rust.SqliteDBConfig(
            hash_type=rust.MigrationHash.MD5,  # chromadb's default migrations_hash_algorithm
            migration_mode=rust.MigrationMode.Apply,  # chromadb's default migrations
            url=str(path / _SQLITE_FILE),
        )
        self._bindings = rust.Bindings(
            allow_reset=False,
            sqlite_db_config=config,
            persist_path=str(path),
            hnsw_cache_size=resource.getrlimit(resource.RLIMIT_NOFILE)[0] // 5,  # as RustBindingsAPI
        )
        self._collection_id = str(self._bindings.get_collection(COLLECTION, _TENANT, _DATABASE).id)

    def query(self, vector: np.ndarray, k: int, where: dict[str, Any] | None) -> tuple[list[str], list[float]]:
        result = self._bindings.query(
            self._collection_id, None, [vector], k, json.dumps(where) if where else None, None,
            ["distances"], _TENANT, _DATABASE,
        )  # fmt: skip
        return list(result.ids[0]), list((result.distances or [[]])[0])


# Per folder (real path), in this process: the engine reader, or None once the client was
# opened there or the reader could not be set up. Guarded by _READERS_LOCK.
_READERS: dict[str, _EngineReader | None] = {}
_READERS_LOCK = threading.Lock()


def _reader(path: Path) -> _EngineReader | None:
    key = os.path.realpath(path)
    with _READERS_LOCK:
        if key not in _READERS:
            reader = None
            if (path / _SQLITE_FILE).is_file():
                try:
                    reader = _EngineReader(path)
                except Exception as exc:  # noqa: BLE001 - any failure: the client answers instead
                    logger.debug("vector store %s: querying through the chromadb client (%s)", path, exc)
            _READERS[key] = reader
        return _READERS[key]


def _client_opened(path: Path) -> None:
    """From now on this process queries ``path`` through the client, which sees its writes."""
    with _READERS_LOCK:
        _READERS[os.path.realpath(path)] = None


class VectorStore:
    """One Chroma collection of chunk vectors; opened lazily, thread-safe."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._collection: Any = None  # chromadb.Collection
        self._store: ChromaVectorStore | None = None
        self._lock = threading.Lock()

    def open(self) -> None:
        """Open (or create) the persistent collection."""
        if self._collection is not None:
            return
        with self._lock:
            if self._collection is not None:
                return
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            _client_opened(self.path)
            self.path.mkdir(parents=True, exist_ok=True)
            with _chroma_errors(f"open {self.path}"):
                client = chromadb.PersistentClient(
                    path=str(self.path), settings=ChromaSettings(anonymized_telemetry=False)
                )
                self._collection = client.get_or_create_collection(
                    COLLECTION, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
                )

    @property
    def collection(self) -> Any:
        """The Chroma collection (``chromadb.Collection``)."""
        self.open()
        return self._collection

    @property
    def store(self) -> ChromaVectorStore:
        """The LlamaIndex vector store over the collection (imports LlamaIndex)."""
        if self._store is None:
            collection = self.collection
            from llama_index.vector_stores.chroma import ChromaVectorStore

            with self._lock:
                if self._store is None:
                    self._store = ChromaVectorStore(chroma_collection=collection)
        return self._store

    def count(self) -> int:
        with _chroma_errors("count vectors"):
            return int(self.collection.count())

    def chunk_ids(self, doc_id: str) -> list[str]:
        """Ids of the vectors stored for ``doc_id``."""
        with _chroma_errors(f"list vectors of {doc_id!r}"):
            return list(self.collection.get(where={"document_id": doc_id}, include=[])["ids"])

    def delete_document(self, doc_id: str) -> None:
        """Delete every vector of ``doc_id`` (a no-op when there is none)."""
        with _chroma_errors(f"delete vectors of {doc_id!r}"):
            self.store.delete(ref_doc_id=doc_id)

    def upsert(self, nodes: Sequence[TextNode], vectors: np.ndarray) -> None:
        """Insert or overwrite ``nodes`` (ids = chunk ids) with their ``vectors``."""
        if not nodes:
            return
        if len(nodes) != len(vectors):
            raise ValueError(f"{len(nodes)} nodes but {len(vectors)} vectors")
        from llama_index.core.vector_stores.utils import node_to_metadata_dict

        metadatas = []
        for node in nodes:
            metadata = node_to_metadata_dict(node, remove_text=True, flat_metadata=True)
            metadatas.append({k: ("" if v is None else v) for k, v in metadata.items()})
        with _chroma_errors("store vectors"):
            self.store.client.upsert(
                ids=[n.node_id for n in nodes],
                embeddings=vectors.astype(np.float32),
                metadatas=metadatas,
                documents=[n.get_content() for n in nodes],
            )

    def query(self, vector: np.ndarray, *, k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """The ``k`` nearest chunks as ``(chunk_id, cosine similarity)``, best first,
        optionally only among the chunks of ``doc_ids``.

        Asks for ids and distances only: the passages themselves come from the document
        store, and decoding LlamaIndex's node JSON for 50 results would cost more than
        the nearest-neighbour search. Goes straight to Chroma's engine unless this
        process opened the collection through the client (see the module docstring).
        """
        if doc_ids is not None and not doc_ids:
            return []
        where = {"document_id": {"$in": list(doc_ids)}} if doc_ids is not None else None
        vector = vector.astype(np.float32)
        reader = _reader(self.path) if self._collection is None else None
        with _chroma_errors("query vectors"):
            if reader is not None:
                ids, distances = reader.query(vector, k, where)
            else:
                result = self.collection.query(
                    query_embeddings=[vector], n_results=k, where=where, include=["distances"]
                )
                ids, distances = result["ids"][0], (result["distances"] or [[]])[0]
        return [(chunk_id, 1.0 - float(d)) for chunk_id, d in zip(ids, distances, strict=True)]
