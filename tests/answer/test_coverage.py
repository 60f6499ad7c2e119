"""Refuse rather than answer with a passage about something else (coverage and measure checks)."""

from __future__ import annotations

from assistant.answer.extractive import covers, key_terms, measure_terms, named_terms
from assistant.answer.lexicon import terms
from assistant.answer.question import parse_question


def test_named_entities_must_be_covered() -> None:
    frame = parse_question("How many young people took up the Curve Theatre cultural passport offer?")
    assert {"curve", "theatre"} <= named_terms(frame)
    # A sentence about young people and offers, without the named theatre, does not answer it.
    assert not covers(frame, terms("Young people took up the offer of a cultural passport."), frozenset())
    assert covers(
        frame, terms("Over 142 young people took up the Curve Theatre cultural passport offer."), frozenset()
    )


def test_text_question_needs_most_key_terms() -> None:
    frame = parse_question("Which software does Leicester City use to manage looked after children data?")
    assert "software" in key_terms(frame)
    assert "use" not in key_terms(frame)  # question framing, not subject
    assert not covers(frame, terms("Looked after children are supported by the virtual school."), frozenset())


def test_measure_terms_leave_out_common_words() -> None:
    frame = parse_question(
        "What share of Leicestershire children in care were with independent agency foster carers at 31 March 2020?"
    )
    assert measure_terms(frame) == {"agency", "foster", "independent"}


def test_figure_of_another_measure_is_not_given(assistant) -> None:
    answer = assistant.ask("What is the average annual cost of an external residential placement?")
    # "risen by over £300 p/w" is a weekly rise, not the average annual cost.
    assert "£300" not in answer.answer


def test_request_wording_is_not_an_answer(assistant) -> None:
    answer = assistant.ask(
        "Does Leicester City use a specific framework for residential placements of looked after children under 16?"
    )
    assert "please provide" not in answer.answer.lower()
