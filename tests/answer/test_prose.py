"""Answer prose: the figure once, up front, then its quote; agreeing tool figures folded in."""

from __future__ import annotations

import re

from assistant.answer.grounding import split_sentences
from assistant.answer.prose import restate
from assistant.answer.question import parse_question

from .test_extractive import assert_figures_grounded, assert_quotes_verbatim

Q_2020 = "How many children were in care in Leicestershire on 31 March 2020?"


def test_restate_turns_the_question_into_a_statement() -> None:
    assert restate(Q_2020, "657") == "657 children were in care in Leicestershire on 31 March 2020"
    assert restate("What was the LAC budget in 2014-15?", "£25,627,200") == "The LAC budget in 2014-15 was £25,627,200"
    assert restate("How many X and Y were there?", "5") is None  # not one figure's statement


def test_figure_answer_leads_with_a_direct_sentence(assistant) -> None:
    answer = assistant.ask(Q_2020)
    assert answer.found and answer.verified
    lead = split_sentences(answer.answer)[0]
    assert lead.startswith("657 children were in care in Leicestershire on 31 March 2020 [1]")
    assert lead.count("657") == 1
    # 657 appears in the lead and in the supporting quote only: no tool restatement
    assert answer.answer.count("657") == 2
    assert "(published figure)" not in answer.answer and "(live figure" not in answer.answer
    assert_quotes_verbatim(assistant, answer)
    assert_figures_grounded(answer)


def test_quote_starts_at_the_sentence_not_the_heading(assistant) -> None:
    answer = assistant.ask(Q_2020)
    first = answer.citations[0]
    assert first.quote.startswith("The number of children in care on 31 March 2020 was 657.")
    assert "key messages" not in answer.answer


def test_agreeing_tool_figures_are_folded_and_still_cited(assistant) -> None:
    answer = assistant.ask(Q_2020)
    tool_citations = [c for c in answer.citations if c.kind == "tool"]
    assert answer.tool_calls and tool_citations
    for c in tool_citations:
        assert f"[{c.n}]" in answer.answer  # every tool citation is used
        if c.page is not None:  # published: verbatim on its page, cited in the lead sentence
            assert c.quote in assistant.index.docstore.get_page(c.doc_id, c.page).text
            assert f"[{c.n}]" in split_sentences(answer.answer)[0]
        else:  # live: one short line naming the file
            assert re.search(rf"KPI store holds the same figure \(live file {re.escape(c.source)} \[{c.n}\]\)", answer.answer)


def test_another_councils_area_is_refused_without_a_figure(assistant) -> None:
    answer = assistant.ask("How many children were in care in Nottinghamshire at 31 March 2020?")
    assert not answer.found
    assert "657" not in answer.answer
    assert answer.citations == [] and answer.tool_calls == []
    assert parse_question("Children in care in Nottinghamshire?").foreign


def test_tool_figure_of_another_kind_is_not_offered(assistant) -> None:
    # a percentage question: the KPI store's count of children in care is not its answer
    answer = assistant.ask("By what percentage did the number of children in care in Leicestershire rise in 2019/20?")
    assert "657 (published figure)" not in answer.answer
    assert not [c for c in answer.citations if c.kind == "tool"]


def test_several_periods_answered_one_figure_each(assistant) -> None:
    answer = assistant.ask(
        "How did the number of children in care in Leicestershire change between 31 March 2019 and 31 March 2020?"
    )
    assert answer.found
    assert "657" in answer.answer and re.search(r"\b58[25]\b", answer.answer)
    assert "10,000" not in answer.answer
    assert_quotes_verbatim(assistant, answer)
    assert_figures_grounded(answer)
