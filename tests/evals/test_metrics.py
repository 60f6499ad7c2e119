"""Scoring rules of the evaluation report (evals/metrics.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from evals import metrics


@pytest.mark.parametrize(
    ("haystack", "needle", "expected"),
    [
        ("The number of children in care on 31 March 2020 was 657.", "657", True),
        ("There were 8 inspectors.", "8", True),
        ("In 2018 the count rose.", "8", False),  # not inside a year
        ("620 children", "62", False),  # not inside a larger figure
        ("62.5% of children", "62", False),  # not the integer part of a decimal
        ("Budget 2015-16 - £26,021,400", "£26021400", True),  # thousands separators ignored
        ("Requires   Improvement", "requires improvement", True),  # case and whitespace
        ("the Council\u2019s response", "council's response", True),  # typographic apostrophe
    ],
)
def test_contains_matches_whole_figures_and_words(haystack: str, needle: str, expected: bool) -> None:
    assert metrics.contains(haystack, needle) is expected


def test_numbers_in_ignores_citation_markers() -> None:
    found = metrics.numbers_in("657 children [1] and £26,021,400 [2, 3] at 46.9 per 10,000")
    assert found == {Decimal("657"), Decimal("26021400"), Decimal("46.9"), Decimal("10000")}


def test_untraced_figures_compares_values_not_spelling() -> None:
    assert metrics.untraced_figures("It was 26,021,400 [1].", ["budget 26021400.0"]) == set()
    assert metrics.untraced_figures("It was 657 [1].", ["was 582"]) == {Decimal("657")}


def test_judge_answer_rules() -> None:
    ok = metrics.judge_answer("There were 657 [1].", True, expected_found=True, answer_any=["657"])
    assert ok.correct
    wrong = metrics.judge_answer("There were 582 [1].", True, expected_found=True, answer_any=["657"])
    assert not wrong.correct and wrong.missing
    refused = metrics.judge_answer("The papers do not say.", False, expected_found=False)
    assert refused.correct
    answered_trap = metrics.judge_answer("It was 52.", True, expected_found=False, must_not=["52"])
    assert not answered_trap.correct and answered_trap.forbidden == ("52",)
    partial = metrics.judge_answer("Good and 657", True, expected_found=True, answer_all=["Good", "Requires Improvement"])
    assert not partial.correct and partial.missing == ("Requires Improvement",)


def test_rank_metrics() -> None:
    assert metrics.recall_at_k([False, False, True], 2) == 0.0
    assert metrics.recall_at_k([False, False, True], 3) == 1.0
    assert metrics.reciprocal_rank([False, True], 10) == 0.5
    assert metrics.reciprocal_rank([False] * 12 + [True], 10) == 0.0
    assert metrics.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert metrics.percentile([], 50) is None


def test_an_expected_figure_must_be_stated_not_only_quoted() -> None:
    # The lead states 22.2%; 46.15% (the figure asked for) is only in the supporting quote.
    text = (
        'The papers give 22.2% [1]. The annual report says: "4/18 (22.2%) achieved the expected standard '
        'compared to 46.15% in 2018." [1]'
    )
    assert not metrics.judge_answer(text, True, expected_found=True, answer_any=["46.15%"]).correct
    assert metrics.judge_answer(text, True, expected_found=True, answer_any=["22.2%"]).correct
    # A wrong council's figure inside a quote still counts against the answer.
    assert metrics.judge_answer(text, True, expected_found=True, answer_any=["22.2%"], must_not=["46.15%"]).forbidden
