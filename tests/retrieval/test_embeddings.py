import numpy as np
import pytest

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.retrieval.embeddings import Embedder, resolve_backend


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


def test_backends_resolve_by_name(tmp_path) -> None:
    assert resolve_backend("auto") == "torch" and resolve_backend("torch") == "torch"
    with pytest.raises(ConfigError, match="ASSISTANT_EMBED_BACKEND"):
        resolve_backend("onnx-int8")
    with pytest.raises(ConfigError, match="ASSISTANT_EMBED_MODEL"):
        Embedder(Settings(home=tmp_path, embed_model=str(tmp_path / "missing")))
