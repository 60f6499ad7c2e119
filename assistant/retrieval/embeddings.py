"""Sentence embeddings with the bundled all-MiniLM-L6-v2, loaded by path, on CPU.

>>> embedder = Embedder(settings)
>>> embedder.embed_documents(["children in care", "budget"]).shape
(2, 384)
>>> embedder.embed_query("How many children were in care?")  # cached, normalised

The model runs behind a small backend interface (:class:`EmbeddingBackend`) chosen by
``settings.embed_backend``:

- ``onnx-int8`` (what ``auto`` picks where onnxruntime is installed): the model exported
  locally to ONNX, its BERT operators fused and dynamically quantised to int8, run by
  onnxruntime; ~50-60 chunks/s on 2 cores against torch's ~12, retrieval quality on
  the dev set within a point of fp32 (``python -m bench.quality``). The export is made
  once from the local model folder (never downloaded) into
  ``settings.cache_dir/onnx/<model-hash>-v<n>`` (~15 s);
- ``onnx``: the same fused export in fp32;
- ``torch``: sentence-transformers on torch.

An ONNX backend that cannot load (onnxruntime missing, export failure) logs once and
falls back to torch. Vectors from different backends must not be mixed in one index:
:func:`check_index_embeddings` records the backend and model in the index's home and
refuses a mismatch. :class:`LlamaIndexEmbedding` lets LlamaIndex components share the
same loaded model. Ingest embeds in its worker processes with :class:`WorkerEmbedding`
(same backend, one thread each) and hands the vectors to the index through
:meth:`Embedder.precomputed`.
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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
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

ONNX_EXPORT_VERSION = 2  # bump whenever the export recipe below changes: old caches are then ignored
_FP32_FILE = "model.onnx"
_INT8_FILE = "model_qint8.onnx"
_TRACED_FILE = "traced.onnx"  # the unfused graph; removed once fused
_EXPORT_MANIFEST = "export.json"  # written last: a folder without it is not a finished export
_ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_EXPORT_CHECK_SENTENCES = (
    "How many children were in care in Leicestershire on 31 March 2020?",
    "The virtual school supports looked after children's education.",
    "Residential placements budget 2019/20",
)
_EXPORT_MIN_COSINE = 0.95  # int8 vs the model itself on the check sentences; ~0.99 in practice
_STALE_TMP_S = 3600.0
# Texts are batched by token count, so padding costs little at any size; on 2 cores 8 and
# 16 measured the same, 32 slower (a larger working set per operator).
_ONNX_MAX_BATCH = 8


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
    """torch -> ONNX (fp32), BERT operator fusions, dynamic int8 quantisation, then a check.

    The model is traced with eager attention: that graph is the pattern onnxruntime's
    transformer optimizer fuses (embeddings + layer norm, one ``Attention`` operator per
    layer, bias + GELU, skip + layer norm); the SDPA graph is not recognised. The fused
    fp32 graph is then quantised (int8 per-channel weights, 7-bit range: this CPU class,
    AVX2 without VNNI, saturates on full-range int8). Both files are checked against the
    torch model on a padded batch.
    """
    import warnings

    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic  # type: ignore[import-untyped]
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    bar = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # no "Loading weights" bar in the middle of `assistant ingest`
    try:
        model = AutoModel.from_pretrained(str(model_path), local_files_only=True, attn_implementation="eager")
    except (TypeError, ValueError):  # a model class without the choice: its default graph, maybe unfused
        model = AutoModel.from_pretrained(str(model_path), local_files_only=True)
    finally:
        if bar:
            hf_logging.enable_progress_bar()
    model.eval()
    tokenizer = _load_tokenizer(model_path)

    class _Encoder(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    def encode(sentences: list[str]) -> dict[str, Any]:
        ids, mask = _pad([e.ids for e in tokenizer.encode_batch(sentences)])
        return {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}

    # Traced on one batch, checked on a padded batch of another shape: dynamic axes work.
    traced = encode([_EXPORT_CHECK_SENTENCES[0]] * 2)
    args = tuple(torch.from_numpy(traced[name]) for name in _ONNX_INPUTS)
    sample = encode(list(_EXPORT_CHECK_SENTENCES))
    axes = {name: {0: "batch", 1: "tokens"} for name in (*_ONNX_INPUTS, "last_hidden_state")}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        # Computed before exporting: after tracing, the torch model's outputs drift.
        reference = model(**{name: torch.from_numpy(sample[name]) for name in _ONNX_INPUTS}).last_hidden_state.numpy()
        torch.onnx.export(
            _Encoder(model),
            args,
            str(out / _TRACED_FILE),
            input_names=list(_ONNX_INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,  # the TorchScript exporter: needs no onnxscript
        )
        fusions = _fuse(out / _TRACED_FILE, out / _FP32_FILE, model.config)
        (out / _TRACED_FILE).unlink()
        root = logging.getLogger()
        quiet = _DropRecords("pre-processing before quantization")  # advice for static quantisation
        root.addFilter(quiet)
        try:
            quantize_dynamic(
                str(out / _FP32_FILE),
                str(out / _INT8_FILE),
                weight_type=QuantType.QInt8,
                per_channel=True,
                reduce_range=True,
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # for the fused operators' outputs
            )
        finally:
            root.removeFilter(quiet)

    mask = sample["attention_mask"]
    expected = _mean_pool(reference, mask)
    cosines = {}
    for file in (_FP32_FILE, _INT8_FILE):
        got = _mean_pool(_session(out / file).run(None, sample)[0], mask)
        cosine = float(np.min(np.sum(expected * got, axis=1)))
        if not np.isfinite(cosine) or cosine < _EXPORT_MIN_COSINE:
            raise RuntimeError(f"ONNX export check failed: {file} cosine {cosine:.3f} to the original model")
        cosines[file] = round(cosine, 5)
    manifest = {
        "model_path": str(model_path),
        "model_fingerprint": model_fingerprint(model_path),
        "export_version": ONNX_EXPORT_VERSION,
        "files": {"onnx": _FP32_FILE, "onnx-int8": _INT8_FILE},
        "fusions": fusions,
        "quantization": "onnxruntime quantize_dynamic, QInt8 weights, per channel, reduced range",
        "check_cosine": cosines,
        "torch": torch.__version__,
    }
    (out / _EXPORT_MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf8")


class _DropRecords(logging.Filter):
    """Drops log records whose message contains ``text``."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def filter(self, record: logging.LogRecord) -> bool:
        return self.text not in record.getMessage()


def _fuse(traced: Path, fused: Path, config: Any) -> dict[str, int]:
    """onnxruntime's transformer fusions for BERT-style encoders; the graph unchanged otherwise.

    Returns the count of each fused operator (all zero when the graph was left as it was).
    """
    try:
        from onnxruntime.transformers.optimizer import optimize_model  # type: ignore[import-untyped]

        optimized = optimize_model(
            str(traced),
            model_type="bert",
            num_heads=int(getattr(config, "num_attention_heads", 0) or 0),
            hidden_size=int(getattr(config, "hidden_size", 0) or 0),
            opt_level=0,  # the Python fusions only; onnxruntime optimises the rest when it loads
        )
        counts = {k: int(v) for k, v in optimized.get_fused_operator_statistics().items() if v}
        optimized.save_model_to_file(str(fused))
    except Exception as exc:  # noqa: BLE001 - unfused is slower, never wrong
        logger.info("ONNX fusions not applied (%s: %s); using the traced graph", type(exc).__name__, exc)
        shutil.copyfile(traced, fused)
        return {}
    return counts


def _load_tokenizer(model_path: str | Path) -> Any:
    """The model's fast tokenizer (``tokenizer.json``), truncating at its max_seq_length, unpadded."""
    from tokenizers import Tokenizer

    folder = Path(model_path)
    tokenizer_file = folder / "tokenizer.json"
    if not tokenizer_file.is_file():
        raise ConfigError("ASSISTANT_EMBED_MODEL", f"{str(model_path)!r} has no tokenizer.json for the ONNX backend")
    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    tokenizer.enable_truncation(max_length=_max_length(folder))
    tokenizer.no_padding()  # each batch is padded to its own longest text by _pad
    return tokenizer


def _max_length(folder: Path) -> int:
    config = folder / "sentence_bert_config.json"
    if config.is_file():
        value = json.loads(config.read_text(encoding="utf8")).get("max_seq_length")
        if value:
            return int(value)
    return 256


def _pad(rows: Sequence[Sequence[int]], pad_id: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(input_ids, attention_mask) as int64 arrays, right-padded to the longest row."""
    width = max((len(row) for row in rows), default=0)
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for n, row in enumerate(rows):
        ids[n, : len(row)] = row
        mask[n, : len(row)] = 1
    return ids, mask


def _session(path: Path, threads: int | None = None) -> Any:
    """An onnxruntime CPU session; ``threads`` intra-op threads (default: up to 2)."""
    import onnxruntime as ort  # type: ignore[import-untyped]

    options = ort.SessionOptions()
    # Up to two threads, but idle ones sleep instead of spin-waiting: spinning is what made
    # more than one torch thread slow on busy shared cores (see TorchBackend). Ingest
    # workers ask for one each: on 2 idle cores two 1-thread processes embed about as fast
    # as one 2-thread session (~50 chunks/s), on busy cores three times as fast (no thread
    # waits at every operator for a descheduled sibling).
    options.intra_op_num_threads = threads or max(1, min(2, os.cpu_count() or 1))
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
    """The same model exported to ONNX and run by onnxruntime (up to two non-spinning threads).

    ``quantized`` picks the int8 export (about four times torch's speed on CPU, cosine
    ~0.99 to fp32); otherwise the fp32 export. Tokenising uses the model's own
    ``tokenizer.json`` and pooling its sentence-transformers config, so vectors match
    :class:`TorchBackend`.
    Texts are tokenised once, sorted by token count and batched, so a batch pads little.
    Neither torch nor sentence-transformers is imported unless the export must be built.
    """

    def __init__(self, model_path: str, cache_dir: Path, *, quantized: bool = True, threads: int | None = None) -> None:
        folder = Path(model_path)
        self._check_pooling(folder)
        self._tokenizer = _load_tokenizer(folder)
        pad_token = "[PAD]" if self._tokenizer.token_to_id("[PAD]") is not None else "<pad>"
        self._pad_id = self._tokenizer.token_to_id(pad_token) or 0
        export = ensure_onnx_export(folder, cache_dir)
        self.cache_dir = Path(cache_dir)  # where the export is (the process may share this backend)
        self.path = export / (_INT8_FILE if quantized else _FP32_FILE)
        self._session = _session(self.path, threads)
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.dimension = int(self._session.get_outputs()[0].shape[-1])

    @staticmethod
    def _check_pooling(folder: Path) -> None:
        config = folder / "1_Pooling" / "config.json"
        if config.is_file():
            pooling = json.loads(config.read_text(encoding="utf8"))
            modes = [k for k, v in pooling.items() if k.startswith("pooling_mode") and v]
            if modes != ["pooling_mode_mean_tokens"]:
                raise ConfigError("ASSISTANT_EMBED_MODEL", f"ONNX backend supports mean pooling only, not {modes}")

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        tokens = [encoding.ids for encoding in self._tokenizer.encode_batch(list(texts))]
        # Longest first, by tokens (not characters): neighbours have near-equal lengths, so
        # a batch pads ~1% instead of ~25% (measured on the corpus's chunks).
        order = sorted(range(len(texts)), key=lambda i: -len(tokens[i]))
        step = max(1, min(batch_size, _ONNX_MAX_BATCH))
        for start in range(0, len(order), step):
            rows = order[start : start + step]
            ids, mask = _pad([tokens[i] for i in rows], self._pad_id)
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


# --- embedding in other processes (ingest workers) -------------------------------------------

# Backends loaded by WorkerEmbedding.encode in this process: (backend, model, cache, threads) -> backend.
_WORKER_BACKENDS: dict[tuple[str, str, str, int], EmbeddingBackend] = {}


@dataclass(frozen=True)
class WorkerEmbedding:
    """How another process embeds exactly as an :class:`Embedder` does (picklable).

    Made by :meth:`Embedder.for_workers` once that embedder's model is loaded, so the ONNX
    export already exists: a worker only reads it, never exports, and never falls back to
    another backend (its vectors would not match the index's). Any failure raises.
    """

    backend: str
    model_path: str
    cache_dir: Path
    batch_size: int
    threads: int = 1

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dimension)`` normalised vectors; the model loads once per process."""
        key = (self.backend, self.model_path, str(self.cache_dir), self.threads)
        backend = _WORKER_BACKENDS.get(key)
        if backend is None:
            if self.backend not in _ONNX_BACKENDS:
                raise ValueError(f"only ONNX backends embed in workers, not {self.backend!r}")
            if not (onnx_cache_folder(self.model_path, self.cache_dir) / _EXPORT_MANIFEST).is_file():
                raise RuntimeError(f"no finished ONNX export of {self.model_path} in {self.cache_dir}")
            quantized = self.backend == "onnx-int8"
            backend = OnnxBackend(self.model_path, self.cache_dir, quantized=quantized, threads=self.threads)
            _WORKER_BACKENDS[key] = backend
        return backend.encode(texts, self.batch_size)


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


@dataclass
class Precomputed:
    """Vectors made elsewhere for some texts (see :meth:`Embedder.precomputed`), and how
    many times :meth:`Embedder.embed_documents` returned them."""

    vectors: np.ndarray
    used: int = 0


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
        self._precomputed: dict[tuple[str, ...], Precomputed] = {}

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
        if self._precomputed:
            with self._cache_lock:
                known = self._precomputed.get(tuple(texts))
            if known is not None:
                known.used += 1
                return known.vectors.copy()
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

    def for_workers(self, threads: int = 1) -> WorkerEmbedding | None:
        """How other processes (ingest workers) embed exactly as this embedder does, or None
        when its backend is not worth loading in each of them (torch).

        Loads the model here first, so any ONNX export is made once, by this process.
        """
        backend = self.signature()["backend"]
        if backend not in _ONNX_BACKENDS:
            return None
        # The loaded backend may be shared with an embedder of another home: its cache holds the export.
        cache_dir = getattr(self.backend, "cache_dir", None) or self.cache_dir
        return WorkerEmbedding(backend, str(self.model_path), Path(cache_dir), self.batch_size, max(1, threads))

    @contextmanager
    def precomputed(self, texts: Sequence[str], vectors: np.ndarray) -> Iterator[Precomputed]:
        """Within the block, :meth:`embed_documents` of exactly ``texts`` returns ``vectors``.

        For vectors computed in other processes by :meth:`for_workers`'s recipe (same backend,
        same model), so that ``Index.add`` stores them without running the model again. Any
        other texts are embedded as usual; the yielded record counts how often they were used.
        """
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.shape != (len(texts), self.dimension):
            raise ValueError(f"{vectors.shape} vectors for {len(texts)} texts of dimension {self.dimension}")
        key = tuple(texts)
        known = Precomputed(vectors)
        with self._cache_lock:
            self._precomputed[key] = known
        try:
            yield known
        finally:
            with self._cache_lock:
                self._precomputed.pop(key, None)

    def as_llama_index(self) -> LlamaIndexEmbedding:
        from .llama_embedding import LlamaIndexEmbedding

        return LlamaIndexEmbedding(self)


def __getattr__(name: str) -> Any:
    """``LlamaIndexEmbedding`` lives in :mod:`.llama_embedding`: importing it imports LlamaIndex."""
    if name == "LlamaIndexEmbedding":
        from .llama_embedding import LlamaIndexEmbedding

        return LlamaIndexEmbedding
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
