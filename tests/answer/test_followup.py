"""Follow-up questions rewritten into standalone ones."""

from __future__ import annotations

import pytest

from assistant.answer.followup import is_follow_up, rewrite, standalone_history

BASE = "How many children were in care in Leicestershire on 31 March 2020?"


@pytest.mark.parametrize(
    ("follow_up", "expected"),
    [
        ("and the year before?", "How many children were in care in Leicestershire on 31 March 2019?"),
        ("And the previous year?", "How many children were in care in Leicestershire on 31 March 2019?"),
        ("what about Leicester City?", "How many children were in care in Leicester City on 31 March 2020?"),
        ("And in 2019?", "How many children were in care in Leicestershire on 31 March 2019?"),
    ],
)
def test_rewrite_carries_over_and_replaces(follow_up: str, expected: str) -> None:
    assert rewrite(follow_up, [BASE]) == expected


def test_standalone_question_is_left_alone() -> None:
    question = "What was the LAC budget in 2014-15?"
    assert not is_follow_up(question)
    assert rewrite(question, [BASE]) == question


def test_no_history_no_rewrite() -> None:
    assert rewrite("and the year before?", []) == "and the year before?"


def test_history_is_rewritten_turn_by_turn() -> None:
    assert standalone_history(
        ["What was the LAC budget in 2014-15?", "and the year before?", "and the year before?"]
    ) == [
        "What was the LAC budget in 2014-15?",
        "What was the LAC budget in 2013-14?",
        "What was the LAC budget in 2012-13?",
    ]


def test_follow_up_in_its_own_words_keeps_council_and_period() -> None:
    from assistant.answer.followup import rewrite

    previous = ["How many children were adopted in Leicestershire in 2019/20?"]
    assert rewrite("And how many adopters were approved?", previous) == (
        "How many adopters were approved in Leicestershire in 2019/20?"
    )
