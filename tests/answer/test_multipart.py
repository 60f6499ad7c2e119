"""Questions asking two things: split, each part answered or refused in its place."""

from __future__ import annotations

import re

from assistant.answer.multipart import split_parts

from .test_extractive import assert_figures_grounded, assert_quotes_verbatim


def test_split_on_a_second_question_word_only() -> None:
    assert split_parts("How many recommendations did Ofsted make, and by when is the action plan due?") == [
        "How many recommendations did Ofsted make?",
        "By when is the action plan due?",
    ]
    # "children and care leavers" is one subject, not two questions
    assert split_parts("How many children and care leavers did Leicestershire support in March 2020?") == [
        "How many children and care leavers did Leicestershire support in March 2020?"
    ]
    assert split_parts("How did persistent absence change from 2017-18 to 2018-19?") == [
        "How did persistent absence change from 2017-18 to 2018-19?"
    ]


def test_both_parts_answered_each_cited(assistant) -> None:
    answer = assistant.ask(
        "How many unaccompanied asylum-seeking children and care leavers did Leicestershire support in "
        "March 2020, and what UASC budget growth is proposed for 2020/21?"
    )
    assert answer.found
    assert "105" in answer.answer and "£0.75m" in answer.answer
    assert {c.doc_id for c in answer.citations} == {"cic-health-annual-report-2019-20", "cfosc-2020-01-21-agenda-pack"}
    assert "[1]" in answer.answer and "[2]" in answer.answer
    assert_quotes_verbatim(assistant, answer)
    assert_figures_grounded(answer)


def test_unanswered_part_says_so_in_its_place(assistant) -> None:
    answer = assistant.ask(
        "How many recommendations did Ofsted make in the 2019 inspection, and by when is the action plan due?"
    )
    assert answer.found
    assert "10th February 2020" in answer.answer or "10 February 2020" in answer.answer
    # a part without evidence is refused in words, never filled with a guess
    if "six" not in answer.answer.lower() and "6" not in answer.answer:
        assert "do not say how many recommendations" in answer.answer
    assert_quotes_verbatim(assistant, answer)


def test_a_part_giving_only_a_new_period_keeps_the_first_parts_subject(assistant) -> None:
    from assistant.answer.multipart import _with_subject

    first = "How many children were in independent fostering agency placements according to the November 2019 minutes?"
    assert _with_subject("How many at 31 March 2020?", first) == (
        "How many children were in independent fostering agency placements at 31 March 2020?"
    )
    assert _with_subject("What is the budget for 2021/22?", first) == "What is the budget for 2021/22?"  # not elliptical
    answer = assistant.ask(
        "How many Leicestershire children were in independent fostering agency placements according to the "
        "November 2019 scrutiny minutes, and how many at 31 March 2020?"
    )
    # The second part asks about IFA placements: never answered with all children in care
    # (657) or all foster placements (466), least of all restated as IFA placements.
    assert "657" not in answer.answer
    assert "466 Leicestershire children were in independent" not in answer.answer
    assert_quotes_verbatim(assistant, answer)


def test_each_period_of_a_from_to_sentence_gets_its_own_figure(assistant) -> None:
    # "... decreased from 12.32% (50 pupils) in 2017-18 to 9.58% (41 pupils) in 2018-19":
    # 9.58% is 2018-19's (the period after it), though 2017-18 is written nearer to it.
    answer = assistant.ask(
        "What share of Leicestershire looked after children received a fixed term exclusion in 2016-17, 2017-18 and 2018-19?"
    )
    assert answer.found
    stated = answer.answer.split(" says:")[0]
    for figure, period in (("9.83%", "2016-17"), ("12.32%", "2017-18"), ("9.58%", "2018-19")):
        assert f"{figure} in {period}" in stated
    assert "do not give the figure" not in answer.answer
    assert_quotes_verbatim(assistant, answer)
    assert_figures_grounded(answer)


def test_how_many_boys_and_how_many_girls_gives_each_its_own_figure(assistant) -> None:
    answer = assistant.ask("School-age children in care at the end of 2018-19 - how many boys and how many girls?")
    assert answer.found
    stated = re.sub(r'says:\s*"[^"]*"', " ", answer.answer)
    assert "203" in stated and "175" in stated and "378" not in stated


def test_a_part_that_refers_back_carries_the_first_parts_subject(assistant) -> None:
    from assistant.answer.multipart import part_frames
    from assistant.answer.question import parse_question

    question = (
        "At the 5 November 2019 scrutiny meeting, how many connected carers were there "
        "and how many children did they care for?"
    )
    second = part_frames(question, parse_question(question))[1].text
    assert "connected carers" in second  # "they" are the connected carers
    # "and with how many providers?" is a second question too, about the first one's places
    question = "supported lodgings - how many internal places do we have now, and with how many providers?"
    frames = part_frames(question, parse_question(question))
    assert len(frames) == 2 and "lodgings" in frames[1].text.lower()
    # the bare "how many children" is never answered with every child in care (657)
    answer = assistant.ask(
        "At the 5 November 2019 scrutiny meeting, how many connected carers were there "
        "and how many children did they care for?"
    )
    assert "657" not in answer.answer
    answer = assistant.ask(question)
    assert answer.found and "27" in answer.answer and "23" in answer.answer
    assert_quotes_verbatim(assistant, answer)
