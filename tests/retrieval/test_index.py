"""The index end to end: real papers, real model, real Chroma and bm25s on disk."""

import datetime as dt

import pytest

from assistant.config import ANONYMOUS, LOCAL_OPERATOR, Principal
from assistant.retrieval.index import Index
from assistant.retrieval.vector_store import VectorStore
from assistant.types import Hit, SearchFilters

from .conftest import FOI_2015, FOI_PLACEMENTS

ALL = SearchFilters()


def search(index: Index, query: str, k: int = 5, principal: Principal = LOCAL_OPERATOR, **kwargs) -> list[Hit]:
    filters = kwargs.pop("filters", ALL)
    return index.search(query, filters=filters, k=k, principal=principal, **kwargs)


def stored_copies(index: Index, doc_id: str) -> tuple[int, int, int]:
    """(chunks in SQLite, vectors in Chroma, rows in BM25) of one document."""
    index.catalog()
    return (
        len(index.docstore.chunks_for(doc_id)),
        len(index.vectors.chunk_ids(doc_id)),
        len(index.keyword.chunk_ids(doc_id)),
    )


# --- writes --------------------------------------------------------------------------------
def test_re_adding_a_document_leaves_no_duplicates(fresh_index: Index, make_doc) -> None:
    document, chunks = make_doc()
    for _ in range(3):
        fresh_index.add(document, chunks)
        fresh_index.finalize()
    assert stored_copies(fresh_index, document.doc_id) == (len(chunks),) * 3
    hits = search(fresh_index, "LAC budget", k=20)
    assert len({h.chunk_id for h in hits}) == len(hits)
    assert fresh_index.docstore.content_hash(document.doc_id) == document.content_hash


def test_a_new_version_replaces_the_old_one(fresh_index: Index, make_doc) -> None:
    document, chunks = make_doc()
    fresh_index.add(document, chunks)
    fresh_index.add(document.model_copy(update={"content_hash": "v2"}), chunks[:2])
    assert stored_copies(fresh_index, document.doc_id) == (2, 2, 2)
    assert set(fresh_index.vectors.chunk_ids(document.doc_id)) == {c.chunk_id for c in chunks[:2]}


def test_a_crash_between_sqlite_and_chroma_is_repaired_by_the_next_add(
    fresh_index: Index, make_doc, monkeypatch: pytest.MonkeyPatch
) -> None:
    placements, placement_chunks = make_doc(FOI_PLACEMENTS)
    fresh_index.add(placements, placement_chunks)
    document, chunks = make_doc()

    def crash(self: VectorStore, *args: object) -> None:
        raise RuntimeError("power cut")

    with monkeypatch.context() as patched:
        patched.setattr(VectorStore, "upsert", crash)
        with pytest.raises(RuntimeError, match="power cut"):
            fresh_index.add(document, chunks)

    # The index still answers, and the half-written document neither shows nor counts as done.
    assert fresh_index.docstore.pending_doc_ids() == [document.doc_id]
    assert fresh_index.docstore.content_hash(document.doc_id) is None
    assert {h.doc_id for h in search(fresh_index, "LAC budget", k=10)} <= {placements.doc_id}

    fresh_index.add(document, chunks)  # what the next ingest does
    fresh_index.finalize()
    assert fresh_index.docstore.pending_doc_ids() == []
    assert stored_copies(fresh_index, document.doc_id) == (len(chunks),) * 3
    assert any("£26,462,900" in h.text for h in search(fresh_index, "LAC budget", k=3))


def test_a_crash_after_the_vectors_are_written_is_repaired_too(
    fresh_index: Index, make_doc, monkeypatch: pytest.MonkeyPatch
) -> None:
    document, chunks = make_doc()
    with monkeypatch.context() as patched:
        patched.setattr(type(fresh_index.docstore), "mark_indexed", lambda self, doc_id: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            fresh_index.add(document, chunks)
    assert search(fresh_index, "LAC budget") == []
    fresh_index.add(document, chunks)
    assert stored_copies(fresh_index, document.doc_id) == (len(chunks),) * 3


def test_remove(fresh_index: Index, make_doc) -> None:
    document, chunks = make_doc()
    fresh_index.add(document, chunks)
    fresh_index.finalize()
    assert fresh_index.remove(document.doc_id) and not fresh_index.remove(document.doc_id)
    assert stored_copies(fresh_index, document.doc_id) == (0, 0, 0)
    assert search(fresh_index, "LAC budget") == []


def test_another_process_sees_changes_and_loads_the_persisted_keyword_index(
    fresh_index: Index, fresh_settings, embedder, make_doc
) -> None:
    document, chunks = make_doc()
    fresh_index.add(document, chunks)
    fresh_index.finalize()
    reader = Index(fresh_settings, embedder=embedder)
    reader.warm_up()
    assert reader.keyword.generation == reader.docstore.generation() and len(reader.keyword) == len(chunks)

    placements, placement_chunks = make_doc(FOI_PLACEMENTS)
    fresh_index.add(placements, placement_chunks)  # no finalize: the reader rebuilds what it needs
    assert search(reader, "email address for placement referrals")[0].doc_id == placements.doc_id


# --- access and filters -----------------------------------------------------------------------
def test_access_labels_hide_documents_from_outsiders(fresh_index: Index, make_doc) -> None:
    fresh_index.add(*make_doc(access="hr"))
    fresh_index.add(*make_doc(FOI_PLACEMENTS))
    fresh_index.finalize()
    for query in ("LAC budget", "Patrick Finegan", "looked after children"):
        assert all(h.source == FOI_PLACEMENTS.name for h in search(fresh_index, query, k=20, principal=ANONYMOUS))
        assert search(fresh_index, query, principal=Principal("outsider", {"finance"}), k=20) == search(
            fresh_index, query, principal=ANONYMOUS, k=20
        )
    for insider in (Principal("pat", {"hr"}), LOCAL_OPERATOR):
        assert any(h.source == FOI_2015.name for h in search(fresh_index, "LAC budget", principal=insider))
    retriever = fresh_index.retriever(principal=ANONYMOUS, similarity_top_k=20)
    assert all(n.node.metadata["access"] == "public" for n in retriever.retrieve("LAC budget"))


def test_filters(index: Index) -> None:
    assert {
        h.doc_type for h in search(index, "children in care", k=20, filters=SearchFilters(doc_type="foi_response"))
    } == {"foi_response"}
    since = dt.date(2019, 6, 1)
    dated = search(index, "children in care", k=20, filters=SearchFilters(since=since))
    assert dated and all(h.date is not None and h.date >= since for h in dated)
    until = search(index, "children in care", k=20, filters=SearchFilters(until=since))
    assert until and all(h.date is not None and h.date <= since for h in until)
    doc_id = dated[0].doc_id
    assert {h.doc_id for h in search(index, "budget", k=20, filters=SearchFilters(doc_ids=(doc_id,)))} == {doc_id}
    council = dated[0].council
    if council:
        assert {h.council for h in search(index, "budget", k=20, filters=SearchFilters(council=council.upper()))} == {
            council
        }
    assert search(index, "budget", filters=SearchFilters(doc_type="minutes", doc_ids=(doc_id,))) == []


# --- ranking -------------------------------------------------------------------------------
def test_lac_budget_finds_the_foi_budget_table(index: Index) -> None:
    hits = search(index, "LAC budget")
    assert any(h.source == FOI_2015.name and "£26,462,900" in h.text for h in hits)


def test_cla_finds_children_in_care_on_31_march_2020(index: Index) -> None:
    hits = search(index, "CLA 31 March 2020")
    assert any("657" in h.text and "31" in h.text for h in hits[:5])


def test_hits_carry_every_contract_field(index: Index) -> None:
    for hit in search(index, "virtual school pupil premium", k=10):
        page = index.docstore.get_page(hit.doc_id, hit.page)
        assert page is not None and page.text[hit.start : hit.end] == hit.text
        assert hit.title and hit.source.endswith((".pdf", ".docx")) and hit.doc_type and hit.chunk_id
        assert 0 < hit.score <= 1.0
        dumped = hit.model_dump(mode="json")
        assert {"doc_id", "title", "source", "doc_type", "date", "page", "section", "text", "score"} <= set(dumped)


def test_offset_pages_through_one_ranking(index: Index) -> None:
    ten = search(index, "care leavers accommodation", k=10)
    assert [h.chunk_id for h in search(index, "care leavers accommodation", k=5, offset=5)] == [
        h.chunk_id for h in ten[5:]
    ]
    scores = [h.score for h in ten]
    assert scores == sorted(scores, reverse=True)


def test_date_sort_is_newest_first_among_relevant_hits(index: Index) -> None:
    hits = search(index, "looked after children numbers", k=10, sort="date")
    dates = [h.date or dt.date.min for h in hits]
    assert len(hits) > 1 and dates == sorted(dates, reverse=True)
    relevant = {h.chunk_id for h in search(index, "looked after children numbers", k=50)}
    assert {h.chunk_id for h in hits} <= relevant


def test_bad_arguments(index: Index) -> None:
    from assistant.errors import BadRequest

    with pytest.raises(BadRequest, match="sort"):
        search(index, "budget", sort="alphabetical")
    with pytest.raises(BadRequest, match="offset"):
        search(index, "budget", offset=-1)
    assert search(index, "   ") == []
