import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.retrieval import embeddings
from assistant.retrieval.embeddings import (
    INDEX_EMBEDDINGS_FILE,
    Embedder,
    OnnxBackend,
    TorchBackend,
    check_index_embeddings,
    ensure_onnx_export,
    load_backend,
    onnx_cache_folder,
    resolve_backend,
)

MODEL = Settings().embed_model
SENTENCES = [
    "How many children were in care in Leicestershire on 31 March 2020?",
    "The virtual school head's annual report to the scrutiny committee.",
    "Residential - External 4100 213,200",
    "Freedom of information request: looked after children placed out of area",
    "The meeting closed at 4.15 pm.",
    "Initial health assessments completed within 20 working days rose to 79%.",
]


def test_documents_are_normalised_rows(embedder: Embedder) -> None:
    vectors = embedder.embed_documents(["children in care", "the council's budget", "placements"])
    assert vectors.shape == (3, embedder.dimension) == (3, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.embed_documents([]).shape == (0, 384)


def test_query_embeddings_are_cached_and_read_only(embedder: Embedder) -> None:
    first = embedder.embed_query("How many children were in care on 31 March 2020?")
    assert embedder.embed_query("How many children were in care on 31 March 2020?") is first
    assert not first.flags.writeable
    similar = embedder.embed_query("number of looked after children at 31 March 2020")
    unrelated = embedder.embed_query("email address for complaints")
    assert float(first @ similar) > float(first @ unrelated)


def test_llama_index_adapter_uses_the_same_model(embedder: Embedder) -> None:
    adapter = embedder.as_llama_index()
    text = "Budget for LAC"
    assert np.allclose(adapter.get_text_embedding(text), embedder.embed_documents([text])[0], atol=1e-6)
    assert np.allclose(adapter.get_query_embedding(text), embedder.embed_query(text), atol=1e-6)
    assert len(adapter.get_text_embedding_batch(["a", "b"])) == 2


def test_backends_resolve_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_backend("auto") == "onnx-int8"  # onnxruntime is a project dependency
    assert [resolve_backend(b) for b in ("torch", "onnx", "onnx-int8")] == ["torch", "onnx", "onnx-int8"]
    monkeypatch.setattr(embeddings, "onnx_available", lambda: False)
    assert resolve_backend("auto") == "torch"
    with pytest.raises(ConfigError, match="ASSISTANT_EMBED_BACKEND"):
        resolve_backend("openvino")
    with pytest.raises(ConfigError, match="ASSISTANT_EMBED_MODEL"):
        Embedder(Settings(home=tmp_path, embed_model=str(tmp_path / "missing")))


# --- the ONNX export: real, from the bundled model, made once --------------------------------


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache holding a real export of the bundled model (made once for this module)."""
    cache = tmp_path_factory.mktemp("onnx-cache")
    ensure_onnx_export(MODEL, cache)
    return cache


@pytest.fixture(scope="module")
def torch_vectors() -> np.ndarray:
    return TorchBackend(MODEL).encode(SENTENCES, batch_size=4)


def test_export_is_cached_under_the_model_hash_and_reused(onnx_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = onnx_cache_folder(MODEL, onnx_cache)
    assert folder.parent == onnx_cache / "onnx"
    assert {p.name for p in folder.iterdir()} == {"export.json", "model.onnx", "model_qint8.onnx"}
    manifest = json.loads((folder / "export.json").read_text())
    assert manifest["model_fingerprint"] == folder.name.split("-")[0]
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no temporary folders left

    def no_export(*_: Any) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(embeddings, "_export_onnx", no_export)
    mtime = (folder / "model_qint8.onnx").stat().st_mtime_ns
    assert ensure_onnx_export(MODEL, onnx_cache) == folder
    backend = OnnxBackend(MODEL, onnx_cache)  # loads from the cache
    assert backend.path == folder / "model_qint8.onnx" and backend.path.stat().st_mtime_ns == mtime


@pytest.mark.parametrize("quantized", [True, False], ids=["int8", "fp32"])
def test_onnx_vectors_are_close_to_torch(onnx_cache: Path, torch_vectors: np.ndarray, quantized: bool) -> None:
    backend = OnnxBackend(MODEL, onnx_cache, quantized=quantized)
    vectors = backend.encode(SENTENCES, batch_size=4)  # several batches, padded, sorted by length
    assert vectors.shape == torch_vectors.shape and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(vectors * torch_vectors, axis=1)
    assert cosines.min() >= (0.98 if quantized else 0.9999), cosines
    # A text alone gets (nearly: int8 activation scales are set per batch) its vector in a batch.
    alone = backend.encode(SENTENCES[2:3], batch_size=4)[0]
    assert float(alone @ vectors[2]) >= (0.98 if quantized else 0.99999)


def test_a_failed_export_leaves_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(model_path: Path, out: Path) -> None:
        (out / "model.onnx").write_bytes(b"half written")
        raise RuntimeError("killed mid-export")

    monkeypatch.setattr(embeddings, "_export_onnx", crash)
    with pytest.raises(RuntimeError, match="mid-export"):
        ensure_onnx_export(MODEL, tmp_path)
    assert list((tmp_path / "onnx").iterdir()) == []


def test_falls_back_to_torch_once_when_onnx_cannot_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: Any) -> None:
        raise RuntimeError("no exporter here")

    monkeypatch.setattr(embeddings, "_export_onnx", broken)
    monkeypatch.setattr(embeddings, "_LOADED", {})  # this test's own loads, not the session's
    monkeypatch.setattr(embeddings, "_WARNED", set())
    embedder = Embedder(Settings(home=tmp_path, embed_backend="onnx-int8"))
    assert embedder.backend_name == "onnx-int8"  # asked for; nothing loaded yet
    vectors = embedder.embed_documents(SENTENCES[:2])
    assert embedder.backend_name == "torch" and isinstance(embedder.backend, TorchBackend)
    assert embedder.signature()["backend"] == "torch"
    assert vectors.shape == (2, 384)
    name, _ = load_backend("onnx-int8", MODEL, tmp_path / "cache")
    assert name == "torch"
    warnings = [r for r in caplog.records if "using torch" in r.getMessage()]
    assert len(warnings) == 1 and "no exporter here" in warnings[0].getMessage()


# --- one backend per index -----------------------------------------------------------------------


class _Stub:
    def __init__(self, backend: str, fingerprint: str = "abc") -> None:
        self._sig = {"backend": backend, "model": "/models/minilm", "model_fingerprint": fingerprint, "dimension": 384}

    def signature(self) -> dict[str, Any]:
        return dict(self._sig)


def test_the_index_records_its_backend_and_refuses_another(tmp_path: Path) -> None:
    int8, torch_ = _Stub("onnx-int8"), _Stub("torch")
    assert not check_index_embeddings(tmp_path, int8, has_documents=False, writing=False)  # nothing recorded yet
    assert not (tmp_path / INDEX_EMBEDDINGS_FILE).exists()
    assert check_index_embeddings(tmp_path, int8, has_documents=False, writing=True)
    assert json.loads((tmp_path / INDEX_EMBEDDINGS_FILE).read_text())["backend"] == "onnx-int8"
    assert check_index_embeddings(tmp_path, int8, has_documents=True, writing=False)
    with pytest.raises(ConfigError, match="ASSISTANT_EMBED_BACKEND=onnx-int8") as raised:
        check_index_embeddings(tmp_path, torch_, has_documents=True, writing=False)
    assert raised.value.field == "ASSISTANT_EMBED_BACKEND"
    with pytest.raises(ConfigError, match="ASSISTANT_EMBED_MODEL"):
        check_index_embeddings(tmp_path, _Stub("onnx-int8", "other-model"), has_documents=True, writing=True)
    # An emptied index may be rebuilt with another backend.
    assert check_index_embeddings(tmp_path, torch_, has_documents=False, writing=True)
    assert json.loads((tmp_path / INDEX_EMBEDDINGS_FILE).read_text())["backend"] == "torch"


def test_an_index_from_before_the_record_was_built_with_torch(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ASSISTANT_EMBED_BACKEND=torch"):
        check_index_embeddings(tmp_path, _Stub("onnx-int8"), has_documents=True, writing=False)
    assert check_index_embeddings(tmp_path, _Stub("torch"), has_documents=True, writing=True)
    assert json.loads((tmp_path / INDEX_EMBEDDINGS_FILE).read_text())["model_fingerprint"] == "abc"


def test_a_real_index_refuses_queries_from_another_backend(tmp_path: Path, embedder: Embedder) -> None:
    from assistant.config import LOCAL_OPERATOR
    from assistant.retrieval.index import Index
    from assistant.types import SearchFilters

    from .conftest import FOI_PLACEMENTS, build

    settings = Settings(home=tmp_path / "home")
    index = Index(settings, embedder=embedder)
    index.add(*build(FOI_PLACEMENTS, settings))
    recorded = json.loads((settings.home / INDEX_EMBEDDINGS_FILE).read_text())
    assert recorded["backend"] == embedder.backend_name
    other = "torch" if embedder.backend_name != "torch" else "onnx-int8"
    stub = _Stub(other, recorded["model_fingerprint"])
    reopened = Index(settings.model_copy(update={"embed_backend": other}), embedder=stub)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=f"ASSISTANT_EMBED_BACKEND={recorded['backend']}"):
        reopened.search("placements", filters=SearchFilters(), k=3, principal=LOCAL_OPERATOR)


# --- embedding in other processes ------------------------------------------------------------


def test_the_export_is_fused_and_quantised(onnx_cache: Path) -> None:
    manifest = json.loads((onnx_cache_folder(MODEL, onnx_cache) / "export.json").read_text())
    assert manifest["fusions"]["Attention"] == 6 and manifest["fusions"]["SkipLayerNormalization"] == 12
    assert manifest["check_cosine"]["model.onnx"] >= 0.9999 and manifest["check_cosine"]["model_qint8.onnx"] >= 0.98


def test_a_worker_embeds_as_its_embedder_and_never_exports(onnx_cache: Path, tmp_path: Path) -> None:
    from assistant.retrieval.embeddings import WorkerEmbedding

    in_process = OnnxBackend(MODEL, onnx_cache).encode(SENTENCES, batch_size=32)
    worker = WorkerEmbedding("onnx-int8", MODEL, onnx_cache, batch_size=32, threads=1)
    assert np.allclose(worker.encode(SENTENCES), in_process, atol=1e-4)  # one thread or two: same sums
    with pytest.raises(RuntimeError, match="no finished ONNX export"):
        WorkerEmbedding("onnx-int8", MODEL, tmp_path / "empty-cache", batch_size=32).encode(SENTENCES)
    assert not (tmp_path / "empty-cache").exists()


def test_workers_embed_only_with_an_onnx_backend(tmp_path: Path, embedder: Embedder) -> None:
    spec = embedder.for_workers(threads=1)
    assert spec is not None and (spec.backend, spec.threads) == (embedder.backend_name, 1) == ("onnx-int8", 1)
    torch_embedder = Embedder(Settings(home=tmp_path, embed_backend="torch"))
    assert torch_embedder.for_workers() is None  # loading torch in every worker costs more than it saves


def test_precomputed_vectors_stand_in_for_exactly_their_texts(embedder: Embedder) -> None:
    texts = SENTENCES[:2]
    given = np.eye(2, embedder.dimension, dtype=np.float32)
    with embedder.precomputed(texts, given) as record:
        assert np.array_equal(embedder.embed_documents(texts), given)
        assert not np.array_equal(embedder.embed_documents(texts[:1]), given[:1])  # other texts: the model
    assert record.used == 1
    assert not np.array_equal(embedder.embed_documents(texts), given)  # gone after the block
    with pytest.raises(ValueError, match="vectors for 2 texts"), embedder.precomputed(texts, given[:1]):
        pass
