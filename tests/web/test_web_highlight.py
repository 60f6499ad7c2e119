"""assistant/web/highlight.py: everything escaped, only <mark> and citation links added."""

from __future__ import annotations

from assistant.web.highlight import (
    cite_links,
    find_quote,
    highlight_terms,
    mark_quote,
    query_terms,
    snippet,
)


def test_query_terms_drop_stopwords_and_keep_numbers() -> None:
    assert query_terms("How many children were in care on 31 March 2020?") == [
        "children",
        "march",
        "care",
        "2020",
        "31",
    ]


def test_highlight_terms_escapes_the_text_and_marks_whole_words() -> None:
    html = str(
        highlight_terms("<script>alert(1)</script> Children in care", ["child", "care"])
    )
    assert (
        html
        == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Children</mark> in <mark>care</mark>"
    )


def test_highlight_terms_escapes_a_term_that_looks_like_markup() -> None:
    assert str(highlight_terms("a <b> tag", ["b"])) == "a &lt;<mark>b</mark>&gt; tag"


def test_snippet_is_a_window_around_the_first_term() -> None:
    text = "filler " * 100 + "the virtual school headteacher " + "more " * 100
    short = snippet(text, ["virtual"], width=120)
    assert "virtual school" in short and short.startswith("… ") and short.endswith(" …")
    assert len(short) <= 126


def test_find_quote_prefers_the_given_offset_then_tolerates_white_space() -> None:
    text = "690 children. Later: 690 children.\nIn care"
    assert find_quote(text, "690 children", start=21) == (21, 33)
    assert find_quote(text, "690 children") == (0, 12)
    assert find_quote(text, "children. In care") == (25, 42)  # the page's line break
    assert find_quote(text, "690 adults") is None
    assert find_quote("a  b\nc", "a b c") == (0, 6)


def test_mark_quote_wraps_only_the_quote_and_escapes_the_rest() -> None:
    html = str(mark_quote("<i>x</i> there were 690 <b>", "there were 690"))
    assert (
        html
        == '&lt;i&gt;x&lt;/i&gt; <mark id="quote" class="app-quote" tabindex="-1">there were 690</mark> &lt;b&gt;'
    )
    assert str(mark_quote("<p>", "absent")) == "&lt;p&gt;"


def test_cite_links_link_known_markers_only() -> None:
    html = str(
        cite_links(
            "690 [1], rising [1, 2]. Unknown [9]. <b>",
            {1: "/documents/a?page=3&quote=x", 2: "/d/b"},
        )
    )
    assert (
        '<a class="app-cite" href="/documents/a?page=3&amp;quote=x" data-cite="1" aria-label="Source 1">[1]</a>'
        in html
    )
    assert html.count('class="app-cite"') == 3
    assert "Unknown [9]" in html and "&lt;b&gt;" in html
