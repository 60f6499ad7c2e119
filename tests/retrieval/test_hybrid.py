from llama_index.core.schema import NodeWithScore

from assistant.config import LOCAL_OPERATOR
from assistant.retrieval.hybrid import HybridRetriever, _distinct
from assistant.retrieval.index import Index
from assistant.types import Chunk, Page, SearchFilters

from .conftest import FOI_2015

TABLE = "Budget for LAC inc Admin and Head of Service 2013-14 £26,462,900 2014-15 £25,627,200 2015-16 £26,021,400"


def chunk(doc_id: str, page: int, text: str) -> Chunk:
    return Chunk(chunk_id=f"{doc_id}:p{page}:0", doc_id=doc_id, page=page, start=0, end=len(text), text=text)


def test_distinct_keeps_the_better_of_near_duplicates() -> None:
    ranked = [
        (chunk("a", 1, TABLE), 0.9),
        (chunk("a", 2, TABLE.upper().replace(" ", "  ")), 0.8),  # same text, other page
        (chunk("b", 1, TABLE + " 2016-17"), 0.7),  # another paper quoting it: >90% shared words
        (chunk("a", 3, "Software: Liquid Logic"), 0.6),
    ]
    assert [(c.doc_id, c.page) for c, _ in _distinct(ranked, limit=10)] == [("a", 1), ("a", 3)]
    assert len(_distinct(ranked, limit=1)) == 1


def test_search_drops_a_repeated_passage(fresh_index: Index, make_doc) -> None:
    document, chunks = make_doc()
    page = document.pages[0]
    repeated = document.model_copy(update={"pages": (page, Page(number=2, text=page.text))})
    copies = chunks + [c.model_copy(update={"page": 2, "chunk_id": f"{c.doc_id}:p2:{c.start}"}) for c in chunks]
    fresh_index.add(repeated, copies)
    fresh_index.finalize()
    hits = fresh_index.search("LAC budget", filters=SearchFilters(), k=20, principal=LOCAL_OPERATOR)
    texts = [h.text for h in hits]
    assert len(texts) == len(set(texts)) == len(chunks)


def test_is_a_llama_index_retriever(index: Index) -> None:
    retriever = index.retriever(principal=LOCAL_OPERATOR, similarity_top_k=3)
    assert isinstance(retriever, HybridRetriever)
    results = retriever.retrieve("How many children were in care on 31 March 2020?")
    assert len(results) == 3 and all(isinstance(r, NodeWithScore) for r in results)
    assert results[0].node.metadata["source"] and results[0].node.node_id.startswith(results[0].node.metadata["doc_id"])
    assert [r.node.node_id for r in results] == [
        h.chunk_id
        for h in index.search(
            "How many children were in care on 31 March 2020?", filters=SearchFilters(), k=3, principal=LOCAL_OPERATOR
        )
    ]


def test_filters_given_to_the_retriever_apply(index: Index) -> None:
    retriever = index.retriever(
        principal=LOCAL_OPERATOR, filters=SearchFilters(doc_ids=(FOI_2015.stem,)), similarity_top_k=5
    )
    assert {r.node.metadata["doc_id"] for r in retriever.retrieve("budget")} == {FOI_2015.stem}
