import pytest

from assistant.errors import ConfigError
from assistant.retrieval.fusion import Fusion, FusionMode

KEYWORD = [("a", 10.0), ("b", 6.0), ("c", 2.0)]
DENSE = [("c", 0.70), ("d", 0.60), ("a", 0.50)]


def test_from_str_lists_the_valid_modes() -> None:
    assert FusionMode.from_str(" RRF ") is FusionMode.RRF
    with pytest.raises(ConfigError, match="weighted, rrf, bm25, dense"):
        FusionMode.from_str("max")


def test_weighted_min_max_normalises_each_side() -> None:
    fused = dict(Fusion(FusionMode.WEIGHTED, keyword_weight=0.6, dense_weight=0.4).fuse(keyword=KEYWORD, dense=DENSE))
    assert fused["a"] == pytest.approx(0.6)  # best keyword, worst dense
    assert fused["c"] == pytest.approx(0.4)  # worst keyword, best dense
    assert fused["b"] == pytest.approx(0.6 * 0.5)
    assert fused["d"] == pytest.approx(0.4 * 0.5)


def test_weighted_puts_keyword_first_on_ties() -> None:
    fused = Fusion(FusionMode.WEIGHTED, keyword_weight=0.5, dense_weight=0.5).fuse(
        keyword=[("k", 3.0), ("x", 1.0)], dense=[("v", 0.9), ("y", 0.1)]
    )
    assert [key for key, _ in fused][:2] == ["k", "v"]


def test_rrf_rewards_agreement() -> None:
    fused = Fusion(FusionMode.RRF, keyword_weight=1, dense_weight=1).fuse(keyword=KEYWORD, dense=DENSE)
    assert fused[0][0] in {"a", "c"} and {k for k, _ in fused} == {"a", "b", "c", "d"}


def test_single_side_modes() -> None:
    assert Fusion(FusionMode.BM25, keyword_weight=1, dense_weight=1).fuse(keyword=KEYWORD, dense=DENSE) == KEYWORD
    assert Fusion(FusionMode.DENSE, keyword_weight=1, dense_weight=1).fuse(keyword=KEYWORD, dense=DENSE) == DENSE


def test_weights_are_checked() -> None:
    with pytest.raises(ConfigError):
        Fusion(FusionMode.WEIGHTED, keyword_weight=0, dense_weight=0)
