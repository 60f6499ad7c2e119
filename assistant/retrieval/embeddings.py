"""Sentence embeddings with the bundled all-MiniLM-L6-v2, loaded by path, on CPU.

>>> embedder = Embedder(settings)
>>> embedder.embed_documents(["children in care", "budget"]).shape
(2, 384)
>>> embedder.embed_query("How many children were in care?")  # cached, normalised

The model runs behind a small backend interface (:class:`EmbeddingBackend`) chosen by
``settings.embed_backend``:

- ``onnx-int8`` (what ``auto`` picks where onnxruntime is installed): the model exported
  locally to ONNX and dynamically quantised to int8, run by onnxruntime; about twice
  torch's speed, retrieval quality within a point of fp32. The export is made once from
  the local model folder (never downloaded) into ``settings.cache_dir/onnx/<model-hash>``;
- ``onnx``: the same export in fp32;
- ``torch``: sentence-transformers on torch.

An ONNX backend that cannot load (onnxruntime missing, export failure) logs once and
falls back to torch. Vectors from different backends must not be mixed in one index:
:func:`check_index_embeddings` records the backend and model in the index's home and
refuses a mismatch. :class:`LlamaIndexEmbedding` lets LlamaIndex components share the
same loaded model.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ..config import Settings
from ..errors import ConfigError, IndexNotReady

if TYPE_CHECKING:  # LlamaIndex costs ~2 s to import; embedding a query needs none of it
    from .llama_embedding import LlamaIndexEmbedding

logger = logging.getLogger(__name__)

_QUERY_CACHE_SIZE = 256


class EmbeddingBackend(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text."""

    dimension: int

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray: ...


class TorchBackend:
    """sentence-transformers on torch, CPU, one intra-op thread.

    One thread, because on small shared CPU hosts (web server, ingest workers, other
    processes) OpenMP threads spin-waiting on each other cost far more than they
    gain: on 2 busy cores a query took 1.2 s with 2 threads and 0.07 s with 1.
    """

    def __init__(self, model_path: str, cache_dir: Path | None = None) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(1)

        try:
            self._model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ConfigError("ASSISTANT_EMBED_MODEL", f"cannot load {model_path!r}: {exc}") from exc
        self.dimension = int(self._model.get_embedding_dimension() or 0)

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        vectors = self._model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


# Backend name -> factory(model_path, cache_dir). "auto" picks the first available of _AUTO_ORDER.
BACKENDS: dict[str, Callable[[str, Path], EmbeddingBackend]] = {
    "onnx-int8": lambda model_path, cache_dir: OnnxBackend(model_path, cache_dir, quantized=True),
    "onnx": lambda model_path, cache_dir: OnnxBackend(model_path, cache_dir, quantized=False),
    "torch": TorchBackend,
}
_AUTO_ORDER = ("onnx-int8", "torch")
_ONNX_BACKENDS = frozenset({"onnx-int8", "onnx"})


def onnx_available() -> bool:
    """Whether onnxruntime and tokenizers are installed (checked without importing them)."""
    return all(importlib.util.find_spec(name) is not None for name in ("onnxruntime", "tokenizers"))


def resolve_backend(name: str) -> str:
    """The registered backend ``name`` stands for; ConfigError when there is none.

    ``auto`` is ``onnx-int8`` where onnxruntime is installed, else ``torch``. A named ONNX
    backend resolves to itself; if it then cannot load, :class:`Embedder` falls back to torch.
    """
    if name == "auto":
        available = [b for b in _AUTO_ORDER if b in BACKENDS and (b not in _ONNX_BACKENDS or onnx_available())]
        return available[0] if available else "torch"
    if name not in BACKENDS:
        raise ConfigError(
            "ASSISTANT_EMBED_BACKEND", f"{name!r} is not available; use one of: auto, {', '.join(BACKENDS)}"
        )
    return name


# --- ONNX ---------------------------------------------------------------------------------

ONNX_EXPORT_VERSION = 1  # bump whenever the export recipe below changes: old caches are then ignored
_FP32_FILE = "model.onnx"
_INT8_FILE = "model_qint8.onnx"
_EXPORT_MANIFEST = "export.json"  # written last: a folder without it is not a finished export
_ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_EXPORT_CHECK_SENTENCES = (
    "How many children were in care in Leicestershire on 31 March 2020?",
    "The virtual school supports looked after children's education.",
    "Residential placements budget 2019/20",
)
_EXPORT_MIN_COSINE = 0.95  # int8 vs the model itself on the check sentences; ~0.99 in practice
_STALE_TMP_S = 3600.0
_ONNX_MAX_BATCH = 8  # smaller batches pad less; measured faster than 32 on CPU


def model_fingerprint(model_path: str | Path) -> str:
    """A stable id of the model's contents, cheap enough for every start.

    Hashes the small config and tokenizer files whole and, for the weights, their names,
    sizes and first and last MiB (not mtimes: a reinstall of the same model keeps its id).
    """
    folder = Path(model_path)
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        rel = path.relative_to(folder).as_posix()
        if rel.startswith("onnx/") or path.suffix.lower() == ".md":
            continue
        size = path.stat().st_size
        digest.update(f"{rel}\0{size}\0".encode())
        with path.open("rb") as handle:
            if size <= 4 << 20:
                digest.update(handle.read())
            else:
                digest.update(handle.read(1 << 20))
                handle.seek(-(1 << 20), os.SEEK_END)
                digest.update(handle.read())
    return digest.hexdigest()[:16]


def onnx_cache_folder(model_path: str | Path, cache_dir: Path) -> Path:
    """Where the ONNX export of ``model_path`` lives: ``cache_dir/onnx/<model-hash>-v<n>``."""
    return Path(cache_dir) / "onnx" / f"{model_fingerprint(model_path)}-v{ONNX_EXPORT_VERSION}"


def ensure_onnx_export(model_path: str | Path, cache_dir: Path) -> Path:
    """The folder holding the fp32 and int8 ONNX exports of the local model, made once.

    The export is built in a temporary folder beside the final one and renamed into place
    only when complete (manifest written last), so a crash or a failure mid-export never
    leaves a folder that looks finished. Two processes exporting at once both succeed;
    the second rename loses and its copy is discarded. Never downloads anything.
    """
    final = onnx_cache_folder(model_path, cache_dir)
    if (final / _EXPORT_MANIFEST).is_file():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_tmp(final)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    try:
        tmp.chmod(0o755)
        started = time.perf_counter()
        _export_onnx(Path(model_path), tmp)
        if final.exists() and not (final / _EXPORT_MANIFEST).is_file():
            shutil.rmtree(final, ignore_errors=True)  # an unfinished folder from elsewhere
        try:
            os.rename(tmp, final)
        except OSError:
            if not (final / _EXPORT_MANIFEST).is_file():
                raise
            logger.info("another process finished the ONNX export first; using %s", final)
        else:
            logger.info(
                "exported %s to ONNX (fp32 + int8) in %.1f s: %s", model_path, time.perf_counter() - started, final
            )
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return final


def _remove_stale_tmp(final: Path) -> None:
    """Temporary folders left by exports that crashed (older than an hour)."""
    now = time.time()
    for stale in final.parent.glob(f".{final.name}.*.tmp"):
        try:
            if now - stale.stat().st_mtime > _STALE_TMP_S:
                shutil.rmtree(stale, ignore_errors=True)
        except OSError:
            pass


def _export_onnx(model_path: Path, out: Path) -> None:
    """torch -> ONNX (fp32), then onnxruntime dynamic int8 quantisation, then a check."""
    import warnings

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic  # type: ignore[import-untyped]
    from transformers import AutoModel, AutoTokenizer

    model = AutoModel.from_pretrained(str(model_path), local_files_only=True).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(model_path), local_files_only=True)

    class _Encoder(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    def encode(sentences: list[str]) -> dict[str, Any]:
        batch = dict(tokenizer(sentences, padding=True, return_tensors="pt"))
        batch.setdefault("token_type_ids", torch.zeros_like(batch["input_ids"]))
        return batch

    # Traced on one batch, checked on a padded batch of another shape: dynamic axes work.
    traced = encode([_EXPORT_CHECK_SENTENCES[0]] * 2)
    args = tuple(traced[name] for name in _ONNX_INPUTS)
    sample = encode(list(_EXPORT_CHECK_SENTENCES))
    axes = {name: {0: "batch", 1: "tokens"} for name in (*_ONNX_INPUTS, "last_hidden_state")}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        # Computed before exporting: after tracing, the torch model's outputs drift.
        reference = model(**{name: sample[name] for name in _ONNX_INPUTS}).last_hidden_state.numpy()
        torch.onnx.export(
            _Encoder(model),
            args,
            str(out / _FP32_FILE),
            input_names=list(_ONNX_INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,  # the TorchScript exporter: needs no onnxscript
        )
        # Same weight format as sentence-transformers' export_dynamic_quantized_onnx_model
        # (QInt8 per-channel weights, uint8 activations computed at run time).
        quantize_dynamic(str(out / _FP32_FILE), str(out / _INT8_FILE), weight_type=QuantType.QInt8, per_channel=True)

    mask = sample["attention_mask"].numpy()
    expected = _mean_pool(reference, mask)
    feeds = {name: sample[name].numpy().astype(np.int64) for name in _ONNX_INPUTS}
    for file in (_FP32_FILE, _INT8_FILE):
        got = _mean_pool(_session(out / file).run(None, feeds)[0], mask)
        cosine = float(np.min(np.sum(expected * got, axis=1)))
        if not np.isfinite(cosine) or cosine < _EXPORT_MIN_COSINE:
            raise RuntimeError(f"ONNX export check failed: {file} cosine {cosine:.3f} to the original model")
    manifest = {
        "model_path": str(model_path),
        "model_fingerprint": model_fingerprint(model_path),
        "export_version": ONNX_EXPORT_VERSION,
        "files": {"onnx": _FP32_FILE, "onnx-int8": _INT8_FILE},
        "quantization": "onnxruntime quantize_dynamic, QInt8 weights, per channel",
        "torch": torch.__version__,
    }
    (out / _EXPORT_MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf8")


def _session(path: Path) -> Any:
    import onnxruntime as ort  # type: ignore[import-untyped]

    options = ort.SessionOptions()
    # Two threads, but idle ones sleep instead of spin-waiting: spinning is what made more
    # than one torch thread slow on busy shared cores (see TorchBackend). Measured on 2
    # cores: ~29 chunks/s with 2 non-spinning threads against ~17/s with 1.
    options.intra_op_num_threads = max(1, min(2, os.cpu_count() or 1))
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of the real tokens' vectors, L2-normalised (sentence-transformers' Pooling + Normalize)."""
    weights = mask[..., None].astype(np.float32)
    summed = (hidden.astype(np.float32) * weights).sum(axis=1)
    pooled = summed / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


class OnnxBackend:
    """The same model exported to ONNX and run by onnxruntime (two non-spinning threads).

    ``quantized`` picks the int8 export (about twice torch's speed on CPU, cosine ~0.99 to
    fp32); otherwise the fp32 export. Tokenising uses the model's own ``tokenizer.json``
    and pooling its sentence-transformers config, so vectors match :class:`TorchBackend`.
    Neither torch nor sentence-transformers is imported unless the export must be built.
    """

    def __init__(self, model_path: str, cache_dir: Path, *, quantized: bool = True) -> None:
        from tokenizers import Tokenizer

        folder = Path(model_path)
        self._check_pooling(folder)
        tokenizer_file = folder / "tokenizer.json"
        if not tokenizer_file.is_file():
            raise ConfigError("ASSISTANT_EMBED_MODEL", f"{model_path!r} has no tokenizer.json for the ONNX backend")
        export = ensure_onnx_export(folder, cache_dir)
        self.path = export / (_INT8_FILE if quantized else _FP32_FILE)
        self._session = _session(self.path)
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.dimension = int(self._session.get_outputs()[0].shape[-1])
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
        tokenizer.enable_truncation(max_length=self._max_length(folder))
        pad_token = "[PAD]" if tokenizer.token_to_id("[PAD]") is not None else "<pad>"
        tokenizer.enable_padding(pad_id=tokenizer.token_to_id(pad_token) or 0, pad_token=pad_token)
        self._tokenizer = tokenizer
        self._lock = threading.Lock()

    @staticmethod
    def _check_pooling(folder: Path) -> None:
        config = folder / "1_Pooling" / "config.json"
        if config.is_file():
            pooling = json.loads(config.read_text(encoding="utf8"))
            modes = [k for k, v in pooling.items() if k.startswith("pooling_mode") and v]
            if modes != ["pooling_mode_mean_tokens"]:
                raise ConfigError("ASSISTANT_EMBED_MODEL", f"ONNX backend supports mean pooling only, not {modes}")

    @staticmethod
    def _max_length(folder: Path) -> int:
        config = folder / "sentence_bert_config.json"
        if config.is_file():
            value = json.loads(config.read_text(encoding="utf8")).get("max_seq_length")
            if value:
                return int(value)
        return 256

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # Longest first, as sentence-transformers does: batches of similar length pad less.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        step = max(1, min(batch_size, _ONNX_MAX_BATCH))
        for start in range(0, len(order), step):
            rows = order[start : start + step]
            encodings = self._tokenizer.encode_batch([texts[i] for i in rows])
            ids = np.asarray([e.ids for e in encodings], dtype=np.int64)
            mask = np.asarray([e.attention_mask for e in encodings], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            feeds = {name: value for name, value in feeds.items() if name in self._inputs}
            hidden = self._session.run(None, feeds)[0]
            out[rows] = _mean_pool(hidden, mask)
        return out


# One loaded model per (backend, model) in a process, shared by every Embedder.
_LOADED: dict[tuple[str, str], tuple[str, EmbeddingBackend]] = {}
_LOADED_LOCK = threading.Lock()
_WARNED: set[tuple[str, str]] = set()


def load_backend(name: str, model_path: str, cache_dir: Path, *, shared: bool = True) -> tuple[str, EmbeddingBackend]:
    """(backend actually used, loaded backend) for ``name``.

    An ONNX backend that cannot load (onnxruntime missing, export failed) falls back to
    torch, with one warning per process. Loaded backends are shared process-wide.
    """
    key = (name, str(model_path))
    with _LOADED_LOCK:
        if shared and key in _LOADED:
            return _LOADED[key]
        if name in _ONNX_BACKENDS:
            try:
                loaded: tuple[str, EmbeddingBackend] = (name, BACKENDS[name](model_path, cache_dir))
            except Exception as exc:  # noqa: BLE001 - any failure: torch still gives right answers
                if key not in _WARNED:
                    _WARNED.add(key)
                    logger.warning(
                        "embedding backend %s unavailable (%s: %s); using torch", name, type(exc).__name__, exc
                    )
                loaded = ("torch", BACKENDS["torch"](model_path, cache_dir))
        else:
            loaded = (name, BACKENDS[name](model_path, cache_dir))
        if shared:
            _LOADED[key] = loaded
        return loaded


# --- which backend built an index ----------------------------------------------------------

INDEX_EMBEDDINGS_FILE = "embeddings.json"


def check_index_embeddings(home: Path, embedder: Embedder, *, has_documents: bool, writing: bool) -> bool:
    """Make sure an index is only ever embedded and queried with one backend and model.

    ``home/embeddings.json`` records the backend and model the index's vectors came from;
    it is written when an empty index gets its first document. An index without the
    file but with documents predates it and was built with torch. A mismatch raises a
    ConfigError naming the setting to change; returns True once the record matches.
    """
    path = Path(home) / INDEX_EMBEDDINGS_FILE
    try:
        recorded: dict[str, Any] | None = json.loads(path.read_text(encoding="utf8"))
    except FileNotFoundError:
        recorded = None
    except (OSError, ValueError):
        recorded = None if not has_documents else {"backend": "unknown"}
    if not has_documents:
        if writing:
            _write_json_atomic(path, embedder.signature())
            return True
        return False
    if recorded is None:
        recorded = {"backend": "torch", "model_fingerprint": None}  # indexes from before this file
    current = embedder.signature()
    if recorded.get("backend") != current["backend"]:
        raise ConfigError(
            "ASSISTANT_EMBED_BACKEND",
            f"the index in {home} was embedded with the {recorded.get('backend')!r} backend but this run "
            f"uses {current['backend']!r}; set ASSISTANT_EMBED_BACKEND={recorded.get('backend')} "
            f"or ingest again into a new ASSISTANT_HOME (or delete {home})",
        )
    if recorded.get("model_fingerprint") not in (None, current["model_fingerprint"]):
        raise ConfigError(
            "ASSISTANT_EMBED_MODEL",
            f"the index in {home} was embedded with model {recorded.get('model')!r} but this run uses "
            f"{current['model']!r}; use that model or ingest again into a new ASSISTANT_HOME",
        )
    if recorded.get("model_fingerprint") is None and writing:
        _write_json_atomic(path, current)
    return True


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2), encoding="utf8")
    os.replace(tmp, path)


class Embedder:
    """Lazily loaded embedding model with an LRU cache for query vectors.

    ``backend_name`` is the backend asked for until the model loads, then the one
    actually in use (``torch`` after a fallback).
    """

    def __init__(self, settings: Settings) -> None:
        if not settings.embed_model or not Path(settings.embed_model).exists():
            raise ConfigError("ASSISTANT_EMBED_MODEL", f"no model at {settings.embed_model!r}")
        self.model_path = settings.embed_model
        self.cache_dir = settings.cache_dir
        self.backend_name = resolve_backend(settings.embed_backend)
        self.batch_size = settings.embed_batch_size
        self._backend: EmbeddingBackend | None = None
        self._load_lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._signature: dict[str, Any] | None = None

    @property
    def backend(self) -> EmbeddingBackend:
        if self._backend is None:
            with self._load_lock:
                if self._backend is None:
                    name, backend = load_backend(self.backend_name, self.model_path, self.cache_dir)
                    self.backend_name = name
                    self._backend = backend
        return self._backend

    def signature(self) -> dict[str, Any]:
        """What vectors from this embedder are: backend in use, model, dimension (loads the model)."""
        if self._signature is None:
            dimension = self.dimension  # loads, and settles backend_name
            self._signature = {
                "backend": self.backend_name,
                "model": self.model_path,
                "model_fingerprint": model_fingerprint(self.model_path),
                "dimension": dimension,
            }
        return dict(self._signature)

    @property
    def dimension(self) -> int:
        return self.backend.dimension

    def warm_up(self) -> None:
        """Load the model and run it once."""
        self.embed_query("warm up")

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dimension)`` normalised vectors."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        try:
            return self.backend.encode(texts, self.batch_size)
        except RuntimeError as exc:
            raise IndexNotReady(f"embedding model failed: {exc}") from exc

    def embed_query(self, text: str) -> np.ndarray:
        """One normalised vector; repeated queries come from the cache."""
        with self._cache_lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        vector: np.ndarray = self.embed_documents([text])[0]
        vector.setflags(write=False)
        with self._cache_lock:
            self._cache[text] = vector
            if len(self._cache) > _QUERY_CACHE_SIZE:
                self._cache.popitem(last=False)
        return vector

    def as_llama_index(self) -> LlamaIndexEmbedding:
        from .llama_embedding import LlamaIndexEmbedding

        return LlamaIndexEmbedding(self)


def __getattr__(name: str) -> Any:
    """``LlamaIndexEmbedding`` lives in :mod:`.llama_embedding`: importing it imports LlamaIndex."""
    if name == "LlamaIndexEmbedding":
        from .llama_embedding import LlamaIndexEmbedding

        return LlamaIndexEmbedding
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
