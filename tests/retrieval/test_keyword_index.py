from pathlib import Path

from assistant.retrieval.keyword_index import KeywordIndex, query_tokens, tokenize
from assistant.types import Chunk


def chunk(doc_id: str, n: int, text: str, context: str = "") -> Chunk:
    return Chunk(
        chunk_id=f"{doc_id}:p1:{n}", doc_id=doc_id, page=1, start=n, end=n + len(text), text=text, context=context
    )


def test_tokenizer_keeps_numbers_amounts_and_years() -> None:
    tokens = tokenize("Budget 2013-14: £26,462,900; 233.69fte on 31st March 2020; £1.2m in 2019/2020")
    assert {"26462900", "233.69", "fte", "31", "2020", "1.2m", "2013-14", "2013", "2019-20", "2019"} <= set(tokens)
    assert "2013/14" not in tokens


def test_tokenizer_drops_stopwords_stems_and_tags_concepts() -> None:
    assert tokenize("How many placements were there?") == ["placement"]
    assert tokenize("Children in care") == ["children", "care", "syn:lac"]


def test_query_tokens_are_distinct() -> None:
    assert query_tokens("care care CLA LAC") == ["care", "cla", "lac", "syn:lac"]


def test_search_filters_by_document_and_round_trips(tmp_path: Path) -> None:
    index = KeywordIndex(tmp_path / "bm25")
    index.build(
        [
            chunk("foi", 0, "Budget for LAC 2015-16 £26,021,400"),
            chunk("foi", 50, "Software: Liquid Logic"),
            chunk("report", 0, "The number of children in care on 31 March 2020 was 657", "Health report"),
        ],
        generation=3,
    )
    assert index.search("looked after children budget", k=5)[0][0] == "foi:p1:0"
    assert index.search("CLA 31 March 2020", k=5)[0][0] == "report:p1:0"
    assert [c for c, _ in index.search("CLA 31 March 2020", k=5, doc_ids={"foi"})] == ["foi:p1:0"]
    assert index.search("unrelated words", k=5) == []
    index.save()

    loaded = KeywordIndex(tmp_path / "bm25")
    assert loaded.load() and loaded.generation == 3 and len(loaded) == 3
    assert loaded.search("Liquid Logic software", k=1)[0][0] == "foi:p1:50"


def test_empty_index_saves_loads_and_finds_nothing(tmp_path: Path) -> None:
    index = KeywordIndex(tmp_path / "bm25")
    assert not index.load()
    index.build([], generation=1)
    index.save()
    assert index.load() and index.search("anything", k=5) == []
