"""The grounding check against real pages of the index."""

from __future__ import annotations

import pytest

from assistant.answer.grounding import GroundingCheck, split_sentences
from assistant.types import Citation, ToolCall

DOC = "cic-health-annual-report-2019-20"
QUOTE = "The number of children in care on 31 March 2020 was 657."


@pytest.fixture(scope="module")
def check(assistant) -> GroundingCheck:
    return GroundingCheck(assistant.index.docstore)


def citation(quote: str = QUOTE, page: int = 1, n: int = 1, **extra) -> Citation:
    return Citation(
        n=n,
        doc_id=DOC,
        title="Children in Care health annual report",
        source="x.pdf",
        page=page,
        quote=quote,
        **extra,
    )


def test_supported_answer_is_kept_and_start_recorded(check: GroundingCheck, assistant) -> None:
    grounded = check.check("There were 657 children in care on 31 March 2020 [1].", [citation()])
    assert grounded.verified
    assert grounded.text == "There were 657 children in care on 31 March 2020 [1]."
    (c,) = grounded.citations
    page = assistant.index.docstore.get_page(DOC, 1).text
    assert page[c.start : c.start + len(c.quote)] == c.quote


def test_invented_figure_is_removed(check: GroundingCheck) -> None:
    reply = (
        "There were 657 children in care on 31 March 2020 [1]. Of these, 1,204 were placed out of county [1]."
    )
    grounded = check.check(reply, [citation()])
    assert "1,204" not in grounded.text
    assert "657" in grounded.text
    assert grounded.removed == ["Of these, 1,204 were placed out of county [1]."]
    assert not grounded.verified


def test_wrong_percentage_and_date_are_removed(check: GroundingCheck) -> None:
    grounded = check.check("It rose by 657% [1]. It was counted on 31 March 2021 [1].", [citation()])
    assert grounded.text == ""
    assert len(grounded.removed) == 2


def test_quote_not_on_the_page_drops_the_citation(check: GroundingCheck) -> None:
    fake = citation("The number of children in care on 31 March 2020 was 700.")
    grounded = check.check("There were 700 children in care [1].", [fake])
    assert grounded.citations == []
    assert grounded.dropped_citations == [1]
    assert grounded.text == ""


def test_quote_on_another_page_is_not_accepted(check: GroundingCheck) -> None:
    grounded = check.check("There were 657 children in care [1].", [citation(page=2)])
    assert grounded.citations == []


def test_layout_whitespace_is_repaired_to_the_exact_slice(check: GroundingCheck, assistant) -> None:
    page = assistant.index.docstore.get_page(DOC, 1).text
    at = page.index("The previous end")
    exact = page[at : page.index("582", at) + 4]
    squashed = " ".join(exact.split())
    grounded = check.check("The previous count was 582 [1].", [citation(squashed)])
    (c,) = grounded.citations
    assert c.quote == exact and c.start == at


def test_tool_result_backs_a_figure(check: GroundingCheck) -> None:
    call = ToolCall(
        name="get_kpi",
        arguments={"metric": "cla_at_31_march"},
        result={"value": 702.0, "source": "kpis.csv", "kind": "live"},
    )
    live = Citation(
        n=1,
        doc_id="kpis.csv",
        title="kpis.csv",
        source="kpis.csv",
        page=None,
        quote="cla_at_31_march,Leicestershire,2021-03-31,702",
        kind="tool",
    )
    grounded = check.check("The live figure is 702 [1]. It was 703 [1].", [live], tool_calls=[call])
    assert grounded.text == "The live figure is 702 [1]."


def test_markers_renumbered_in_order_of_use(check: GroundingCheck) -> None:
    second = citation("The previous end", n=2)
    grounded = check.check("A [2]. B [1].", [citation(), second])
    assert grounded.text == "A [1]. B [2]."
    assert [c.quote for c in grounded.citations] == ["The previous end", QUOTE]


def test_split_sentences_keeps_markers_and_page_refs() -> None:
    assert split_sentences('657 in X (p. 11): "a." [1]. 582 in Y [2]. Done.') == [
        '657 in X (p. 11): "a." [1].',
        "582 in Y [2].",
        "Done.",
    ]


def test_a_quote_is_listed_once_even_when_a_tool_cites_the_same_page(assistant) -> None:
    """The passage and the published KPI figure read from it are one source, not two."""
    answer = assistant.ask("How many children were in care in Leicestershire on 31 March 2020?")
    assert answer.found and "657" in answer.answer
    keys = [(c.doc_id, c.page, c.quote) for c in answer.citations]
    assert len(keys) == len(set(keys))
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert "[1][1]" not in answer.answer.replace(" ", "")
