"""When papers "give different figures": only for one measure, council and period.

Small hand-made papers (no index): two figures are shown as a disagreement only when
they count the same thing; otherwise the best-matching figure is answered alone.
"""

from __future__ import annotations

import datetime as dt

from assistant.answer.extractive import ExtractiveComposer
from assistant.answer.question import parse_question
from assistant.types import Hit, Page

LEICS = "Leicestershire County Council"


class _Store:
    def __init__(self, pages: dict[str, str]) -> None:
        self.pages = pages

    def get_page(self, doc_id: str, n: int) -> Page | None:
        text = self.pages.get(doc_id)
        return Page(number=n, text=text) if text is not None and n == 1 else None

    def get_document(self, doc_id: str):
        return None


def _hit(doc_id: str, text: str, title: str, doc_type: str, date: dt.date, score: float) -> Hit:
    return Hit(
        doc_id=doc_id, title=title, source=f"{doc_id}.pdf", doc_type=doc_type, date=date, page=1,
        text=text, score=score, council=LEICS, start=0, end=len(text),
    )  # fmt: skip


def _answer(question: str, papers: list[tuple[str, str, str, str, dt.date]]):
    store = _Store({doc_id: text for doc_id, text, *_ in papers})
    hits = [
        _hit(doc_id, text, title, doc_type, date, 1.0 - i / 10)
        for i, (doc_id, text, title, doc_type, date) in enumerate(papers)
    ]
    return ExtractiveComposer(store).compose(parse_question(question), hits)


AGENDA = ("agenda", "Agenda: Children and Families Overview and Scrutiny Committee, 21 January 2020", "agenda", dt.date(2020, 1, 21))
HEALTH = ("health", "Children in Care health annual report 2019-20", "annual_report", dt.date(2020, 7, 1))


def test_subgroup_figure_is_not_a_disagreement() -> None:
    """A UASC count under a "new arrivals" heading is not another value of all care leavers."""
    draft = _answer(
        "How many care leavers does Leicestershire have?",
        [
            (AGENDA[0], "There are currently 283 care leavers aged between 18 and 25 in Leicestershire.", *AGENDA[1:]),
            (
                HEALTH[0],
                "There has been a steady increase in new arrivals since 2015, reflected below:\n"
                "UASC CIC and Care Leavers November 2015: 55\nUASC CIC and Care Leavers April 2019: 85\n",
                *HEALTH[1:],
            ),
        ],
    )
    assert draft.found
    assert "different figures" not in draft.text
    assert "283" in draft.text
    assert "55" not in draft.text and "85" not in draft.text
    assert [c.doc_id for c in draft.citations] == ["agenda"]
    # The figure counts a narrower group than asked: not restated as "has 283 care leavers".
    assert draft.text.startswith("The papers give 283 [1].")
    assert "aged between 18 and 25" in draft.text


def test_figures_for_different_dates_are_not_a_disagreement() -> None:
    draft = _answer(
        "How many children are in care in Leicestershire?",
        [
            (AGENDA[0], "The number of children in care on 31 March 2019 was 582.", *AGENDA[1:]),
            (HEALTH[0], "The number of children in care on 31 March 2020 was 657.", *HEALTH[1:]),
        ],
    )
    assert draft.found
    assert "different figures" not in draft.text
    assert len(draft.citations) == 1


def test_same_measure_disagreement_cites_each_figure_without_titles_in_prose() -> None:
    draft = _answer(
        "How many children were in care in Leicestershire on 31 March 2019?",
        [
            (HEALTH[0], "The number of children in care on 31 March 2019 was 582.", *HEALTH[1:]),
            (AGENDA[0], "Leicestershire's Looked After Children (LAC) number at 31/3/2019 was 585.", *AGENDA[1:]),
        ],
    )
    assert draft.found
    assert draft.text.startswith("The papers give different figures: 582 [1]; 585 [2].")
    assert {c.doc_id for c in draft.citations} == {"health", "agenda"}
    # Titles, their dates and page numbers are the citations' job, not the prose's.
    assert "21 January" not in draft.text and "(p." not in draft.text and "Agenda:" not in draft.text
    assert '"The number of children in care on 31 March 2019 was 582." [1]' in draft.text


def test_per_period_answer_shows_another_papers_figure_for_a_period() -> None:
    draft = _answer(
        "How did the number of children in care in Leicestershire change between 31 March 2019 and 31 March 2020?",
        [
            (AGENDA[0], "Leicestershire's Looked After Children (LAC) number at 31/3/2019 was 585.", *AGENDA[1:]),
            (
                HEALTH[0],
                "The number of children in care on 31 March 2019 was 582. "
                "The number of children in care on 31 March 2020 was 657.",
                *HEALTH[1:],
            ),
        ],
    )
    assert draft.found
    assert all(n in draft.text for n in ("582", "585", "657"))
    assert "Another paper gives" in draft.text
    assert len(draft.citations) == 3


def test_total_introducing_a_breakdown_is_not_one_lines_figure() -> None:
    draft = _answer(
        "What is the proposed 2020/21 net budget for Children in Care?",
        [(AGENDA[0], "The proposed net budget for 2020/21 totals £90.9m and is distributed as follows:", *AGENDA[1:])],
    )
    assert not draft.found
    assert "£90.9m" not in draft.text


def test_foi_request_item_is_not_its_own_answer() -> None:
    draft = _answer(
        "Which software does Leicester City use to manage looked after children data?",
        [(
            "foi",
            "e. The names of any software products or modules used to manage the local authority's looked "
            "after children data with regard to fulfilling legal obligations.\n\nf. A list of services.",
            "FOI response", "foi_response", dt.date(2015, 6, 1),
        )],
    )
    assert "The names of any software" not in draft.text
