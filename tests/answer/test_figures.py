"""Figures: extraction, canonical keys, evidence matching, year shifting."""

from __future__ import annotations

import pytest

from assistant.answer.figures import evidence_keys, extract_figures, shift_years, supports


def keys(text: str) -> list[str]:
    return [f.key for f in extract_figures(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2014-15 - £25,627,200", ["fy:2014", "money:25627200"]),
        ("LAC number at 31/3/2019 was 585", ["date:2019-03-31", "number:585"]),
        ("582 children in care on 31st March 2019", ["number:582", "date:2019-03-31"]),
        ("£4.25m 2020/21", ["money:4250000", "fy:2020"]),
        ("an increase of 12.9%", ["percent:12.9"]),
        ("233.69fte (LAC service", ["number:233.69"]),
        ("loaded 2024-05-01T10:00:00", ["date:2024-05-01"]),
        ("G1 - Social Care Placements", ["ref:G1"]),
    ],
)
def test_extract_figures(text: str, expected: list[str]) -> None:
    assert keys(text) == expected


def test_same_date_written_differently_supports() -> None:
    evidence = evidence_keys("Looked After Children (LAC) number at 31/3/2019 was 585")
    (date,) = [f for f in extract_figures("on 31 March 2019") if f.kind == "date"]
    assert supports(date, evidence)


def test_money_backed_by_plain_number_in_a_table_but_not_the_reverse_for_percent() -> None:
    evidence = evidence_keys("C&FS 0-5 Learning 2,275,674")
    (money,) = extract_figures("£2,275,674")
    assert supports(money, evidence)
    (percent,) = extract_figures("657%")
    assert not supports(percent, evidence_keys("was 657."))


def test_invented_figure_is_not_supported() -> None:
    evidence = evidence_keys("The number of children in care on 31 March 2020 was 657.")
    (invented,) = extract_figures("1,234")
    assert not supports(invented, evidence)


def test_shift_years() -> None:
    assert shift_years("in Leicestershire on 31 March 2020?", -1) == "in Leicestershire on 31 March 2019?"
    assert shift_years("What was the LAC budget in 2014-15?", -1) == "What was the LAC budget in 2013-14?"
    assert shift_years("at 31/3/2019 and in 2020", 1) == "at 31/3/2020 and in 2021"


def test_counts_written_as_words() -> None:
    from assistant.answer.figures import extract_figures

    keys = [f.key for f in extract_figures("Six recommendations had been set out; a two-year plan; one of ten")]
    assert keys == ["number:6", "number:10"]  # "two-year" is not a count, "one" is left out


def test_a_short_financial_year_is_a_period_not_a_number() -> None:
    # "based on 18/19 activity" is 2018/19, never the figure 18.
    assert [(f.kind, f.value) for f in extract_figures("based on 18/19 activity")] == [("fy", "2018")]
    assert [f.kind for f in extract_figures("4/18 (22.2%) achieved")] == ["number", "number", "percent"]  # a fraction
    assert [f.kind for f in extract_figures("12/15 children")] == ["number", "number"]  # not a year pair
