"""Peer retrievers of the evaluation report (evals/peers.py)."""

from __future__ import annotations

from evals.peers import PageText, PlainBM25, word_windows


def test_word_windows_stay_on_their_page_and_cover_it() -> None:
    words = [f"w{i}" for i in range(300)]
    pages = [PageText("a.pdf", 1, " ".join(words)), PageText("a.pdf", 2, "short page"), PageText("a.pdf", 3, "  ")]
    windows = word_windows(pages, size=120, stride=90)
    assert {w.page for w in windows} == {1, 2}
    covered = {word for w in windows if w.page == 1 for word in w.text.split()}
    assert covered == set(words)
    assert all(len(w.text.split()) <= 120 for w in windows)


def test_plain_bm25_ranks_the_page_with_the_terms() -> None:
    peer = PlainBM25()
    peer.build(
        [
            PageText("a.pdf", 1, "The Council budget for the year."),
            PageText("b.pdf", 4, "The number of children in care on 31 March 2020 was 657."),
        ]
    )
    hits = peer.search("children in care", k=5)
    assert (hits[0].source, hits[0].page) == ("b.pdf", 4)
    assert peer.search("zebra", k=5) == []  # no shared term: no match, not a zero-score filler
