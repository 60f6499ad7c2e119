"""The extractive composer on the real index of corpus/ (user-visible behaviour)."""

from __future__ import annotations

import re

from assistant.answer.figures import evidence_keys, supports
from assistant.answer.grounding import answer_figures
from assistant.types import Answer


def assert_quotes_verbatim(assistant, answer: Answer) -> None:
    for c in answer.citations:
        if c.page is None:
            continue
        page = assistant.index.docstore.get_page(c.doc_id, c.page)
        assert page is not None
        assert c.quote in page.text
        assert page.text[c.start : c.start + len(c.quote)] == c.quote


def assert_figures_grounded(answer: Answer) -> None:
    evidence = set().union(*(evidence_keys(c.quote) | evidence_keys(c.title) for c in answer.citations))
    for figure in answer_figures(answer.answer):
        assert supports(figure, evidence), figure


def test_children_in_care_leicestershire_2020(assistant) -> None:
    answer = assistant.ask("How many children were in care in Leicestershire on 31 March 2020?")
    assert answer.found and answer.verified
    assert "657" in answer.answer
    assert answer.mode == "extractive"
    assert re.search(r"\[1\]", answer.answer)
    assert answer.citations[0].doc_id == "cic-health-annual-report-2019-20"
    assert_quotes_verbatim(assistant, answer)
    assert_figures_grounded(answer)
    assert len(answer.answer) < 400  # a sentence, not a pasted chunk


def test_other_council_is_a_trap(assistant) -> None:
    answer = assistant.ask("How many children were in care in Leicester City on 31 March 2020?")
    assert not answer.found
    assert "657" not in answer.answer
    assert answer.answer.startswith("The papers do not say")
    assert answer.citations == []
    assert answer.related


def test_lac_budget_2014_15(assistant) -> None:
    answer = assistant.ask("What was the LAC budget in 2014-15?")
    assert answer.found
    assert "£25,627,200" in answer.answer
    assert "£26,462,900" not in answer.answer  # the neighbouring year's row
    assert answer.citations[0].doc_id == "foi-2015-leicester-city-looked-after-children"
    assert_quotes_verbatim(assistant, answer)


def test_disagreeing_papers_both_shown_and_cited(assistant) -> None:
    answer = assistant.ask("How many children were in care in Leicestershire on 31 March 2019?")
    assert answer.found
    assert "582" in answer.answer and "585" in answer.answer
    assert {c.doc_id for c in answer.citations} == {
        "cic-health-annual-report-2019-20",
        "cfosc-2020-01-21-agenda-pack",
    }
    assert "657" not in answer.answer.split('"')[0]  # the 2020 figure is not offered as the answer
    assert_quotes_verbatim(assistant, answer)
    assert_figures_grounded(answer)


def test_who_question_answers_with_the_published_name(assistant) -> None:
    answer = assistant.ask("Who heads the Leicester City virtual school?")
    assert answer.found
    assert "Patrick Finegan" in answer.answer
    assert_quotes_verbatim(assistant, answer)


def test_unanswerable_refuses_with_related_documents(assistant) -> None:
    answer = assistant.ask("How many libraries did Leicestershire close in 2019?")
    assert not answer.found
    assert answer.answer.startswith("The papers do not say")
    assert answer.citations == []
    assert 1 <= len(answer.related) <= 3
    assert len({h.doc_id for h in answer.related}) == len(answer.related)


def test_stream_ends_with_the_answer(assistant) -> None:
    events = list(assistant.ask_stream("What was the LAC budget in 2014-15?"))
    kinds = [e["event"] for e in events]
    assert kinds[0] == "status" and kinds[-1] == "answer"
    assert "token" in kinds
    tokens = "".join(e["data"] for e in events if e["event"] == "token")
    assert tokens == events[-1]["data"].answer


def test_table_cell_read_as_grid_and_row_quoted():
    """A table question gets the cell at (row, column named by the question), row quoted."""
    from assistant.answer.extractive import _grid_cell, _table_lines
    from assistant.answer.question import parse_question
    from assistant.answer.sentences import split_units
    from assistant.types import Hit

    page = "Avg Weekly\nCost £\nAvg Annual\nCost £\nSGO 180 9,360\n16 + - External 1250 65,000\nResidential - External 4100 213,200\n"
    hit = Hit(doc_id="d", title="T", source="s", doc_type="report", page=15, text=page, score=1.0, kind="table",
              context="T\nLeicestershire County Council\nAvg Weekly Cost £ Avg Annual Cost £")
    rows = {u.text: u for u in _table_lines(split_units(page))}
    row = rows["Residential - External 4100 213,200"]
    assert page[row.start:row.end] == row.text  # the row line is quoted verbatim
    annual = _grid_cell(parse_question("What is the average annual cost of an external residential placement?"), hit, row)
    assert annual is not None and annual[0] is not None and annual[0].raw == "213,200"
    weekly = _grid_cell(parse_question("What is the average weekly cost of an external residential placement?"), hit, row)
    assert weekly is not None and weekly[0] is not None and weekly[0].raw == "4100"
    ambiguous = _grid_cell(parse_question("What is the average cost of an external residential placement?"), hit, row)
    assert ambiguous == (None, False)  # no column named: refuse rather than guess


def test_foi_reply_under_the_matching_request(assistant) -> None:
    answer = assistant.ask("Which software does Leicester City use to manage looked after children data?")
    assert answer.found
    for product in ("ONE system", "Liquid Logic", "Datanet"):
        assert product in answer.answer
    assert "The names of any software" not in answer.answer  # the reply, not the request
    assert answer.citations[0].doc_id == "foi-2015-leicester-city-looked-after-children"
    assert_quotes_verbatim(assistant, answer)


def test_grade_question_gives_the_councils_grade_not_national_shares(assistant) -> None:
    answer = assistant.ask("What overall effectiveness grade did Ofsted give Leicestershire's children's services in 2019?")
    assert answer.found
    assert "requires improvement" in answer.answer
    assert "councils in England" not in answer.answer  # a national comparison is not Leicestershire's grade
    assert "inadequate" not in answer.answer and "outstanding" not in answer.answer


def test_table_header_on_the_page_before_picks_the_year_column(assistant) -> None:
    answer = assistant.ask("What saving is planned from reducing social care placement costs in 2021/22?")
    assert answer.found
    assert "2,200" in answer.answer
    for other_year in ("1,500", "2,900", "3,600"):
        assert f"give {other_year}" not in answer.answer
    assert answer.citations[0].page == 26
    assert_quotes_verbatim(assistant, answer)
    # The table's columns are "£000": 2,200 is £2.2m, so the unit is said, never "£2,200".
    assert "2,200 (in £ thousands" in answer.answer
    assert "£2,200" not in answer.answer
    assert answer.verified and not answer.removed


def test_money_scale_is_read_from_the_table_heading_only() -> None:
    from assistant.answer.extractive import money_scale

    heading = "References SAVINGS 2020/21 2021/22\n£000 £000\n* items unchanged"
    assert money_scale(heading, "CF1 Eff New Departmental Operating Model -100 -100") == "£ thousands"
    assert money_scale(heading, "G9 Unaccompanied Asylum Seeking Children £0.75m") == ""  # the row says £ itself
    prose = "Gross Cost £000\nThe committee noted the report and asked for further detail on the capital programme."
    assert money_scale(prose, "Provision of places 19,180") == ""  # the heading belongs to an earlier table


def test_a_line_item_asked_for_is_never_answered_with_the_total(assistant) -> None:
    answer = assistant.ask("What is the proposed 2020/21 net budget for Children in Care in Leicestershire?")
    # the department's "Proposed/Provisional net budget 80,914" is another line of the table
    assert "80,914" not in answer.answer
    if answer.found:
        assert "41,018" in answer.answer


def test_current_figure_takes_the_papers_month(assistant) -> None:
    answer = assistant.ask(
        "How many care leavers aged 18 to 25 does Leicestershire currently have, according to the "
        "January 2020 care leaver offer report?"
    )
    assert answer.found and "283" in answer.answer
    assert answer.citations[0].page == 56


def test_a_count_taken_from_a_share_of_a_base_is_the_subset(assistant) -> None:
    # "47 (27.6%) of the 170 children leaving care ... went to live with parents or relatives"
    # sits above a table of court orders: the answer is 47, not a row of that table.
    answer = assistant.ask(
        "Of the children who stopped being looked after in 2019/20, how many went to live with their parents or relatives?"
    )
    assert answer.found
    assert "47" in answer.answer
    assert "Placement Order" not in answer.answer and "give 27" not in answer.answer
    assert answer.citations[0].page == 25
    assert_quotes_verbatim(assistant, answer)


def test_a_school_year_asked_for_is_never_answered_with_all_pupils(assistant) -> None:
    answer = assistant.ask("How many Year 10 children in care were given a fixed term exclusion in 2017-18?")
    # "12.32% (50 pupils) in 2017-18" counts every year group: never restated as Year 10's.
    assert "50 Year 10" not in answer.answer
    if answer.found:
        assert "14" in answer.answer


def test_which_other_councils_names_the_partner_councils(assistant) -> None:
    answer = assistant.ask("Which other councils is Leicestershire working with to match children with adoptive families?")
    assert answer.found
    assert "Leicester City" in answer.answer and "Lincolnshire" in answer.answer
    assert "Scorecard" not in answer.answer
    assert_quotes_verbatim(assistant, answer)


def _stated(answer: Answer) -> str:
    """The answer without its supporting quotes: what it states in its own words."""
    return re.sub(r'\bsays?:\s*"[^"]*"', " ", answer.answer)


def test_a_comparison_period_gives_the_compared_figure(assistant) -> None:
    # "4/18 (22.2%) achieved ... compared to 46.15% in 2018": 2018's figure is 46.15%.
    answer = assistant.ask(
        "What percentage of Leicestershire children in care reached the expected standard in reading, "
        "writing and maths at KS1 in 2018?"
    )
    assert answer.found
    assert "46.15%" in _stated(answer) and "22.2%" not in _stated(answer)


def test_a_total_before_its_breakdown_is_the_count(assistant) -> None:
    # "... there were 378 Leicestershire children of statutory school age in care: 203 boys and 175 girls."
    answer = assistant.ask(
        "How many Leicestershire children of statutory school age were in care at the end of the 2018-19 academic year?"
    )
    assert answer.found
    assert "378" in _stated(answer) and "203" not in _stated(answer)


def test_who_runs_a_service_names_the_provider(assistant) -> None:
    answer = assistant.ask("Who runs MISTLE, the therapeutic support service for looked after children?")
    assert answer.found
    assert "Family Action" in answer.answer


def test_send_the_verb_is_not_send_the_acronym() -> None:
    from assistant.answer.question import parse_question

    assert "send" not in parse_question("How many inspectors did Ofsted send in 2019?").terms
    assert "send" in parse_question("How many SEND places will the programme create?").terms
    assert "send" in parse_question("What is the special educational needs budget?").terms


def test_a_figure_is_restated_in_the_questions_words_only_when_its_quote_says_all_of_them(assistant) -> None:
    from assistant.answer.extractive import _quote_covers
    from assistant.answer.question import parse_question
    from assistant.config import LOCAL_OPERATOR

    plain = parse_question("How many children in care were in foster placements at 31 March 2020?")
    hits = assistant.composer._search(plain, LOCAL_OPERATOR)
    candidates, _ = assistant.composer.extractive.candidates(plain, hits)
    foster = next(c for c in candidates if c.figure is not None and c.figure.raw == "466")
    assert _quote_covers(plain, foster)
    # The same sentence does not say "independent agency": restating 466 as that would claim more.
    narrower = parse_question("How many children in care were in independent agency foster placements at 31 March 2020?")
    assert not _quote_covers(narrower, foster)


def test_a_subset_count_is_not_its_base(assistant) -> None:
    # "Of the 657 children in care at 31st March 2020, a total of 466 (71%) were placed in foster placements"
    answer = assistant.ask("How many children in care were in foster placements at 31 March 2020?")
    assert answer.found
    assert "466" in _stated(answer) and "657" not in _stated(answer)


def test_another_councils_passage_is_passed_over_whole_but_still_explains_the_refusal(assistant) -> None:
    from assistant.answer.question import parse_question
    from assistant.config import LOCAL_OPERATOR

    composer, extractive = assistant.composer, assistant.composer.extractive
    city = parse_question("How many children were in care in Leicester City on 31 March 2020?")
    county = parse_question("How many children were in care in Leicestershire on 31 March 2020?")
    hit = next(h for h in composer._search(city, LOCAL_OPERATOR) if "657" in h.text)
    page = extractive._page_text(hit)
    lo, hi = extractive._span(hit, page)
    rejections: list = []
    assert extractive._other_council(city, hit, page[lo:hi], rejections)
    assert [r.council for r in rejections] == ["leicestershire"]  # "the closest figures are for Leicestershire"
    assert not extractive._other_council(county, hit, page[lo:hi], [])


def test_a_figure_that_includes_what_the_question_leaves_out_is_not_the_answer(assistant) -> None:
    # Only "UASC CIC and Care Leavers March 2020: 105" is published: not UASC in care alone.
    answer = assistant.ask(
        "How many unaccompanied asylum-seeking children were in Leicestershire's care at the end of March 2020, "
        "not counting care leavers?"
    )
    assert "105" not in _stated(answer)


def test_a_month_followed_by_two_digits_is_a_date_not_a_count(assistant) -> None:
    # "... started the role in March 20 We currently have 40 independent visitors": never "20".
    answer = assistant.ask("What's the target for the number of independent visitors?")
    assert "give 20" not in answer.answer
    assert "40" not in _stated(answer)  # the current number is not the target


def test_which_system_asks_for_a_name_and_an_average_for_a_number() -> None:
    from assistant.answer.question import answer_type

    assert answer_type("Which case recording system does Leicestershire County Council use?") == "name"
    assert answer_type("Which software does Leicester City use to manage looked after children data?") == "name"
    assert answer_type("What's the average social worker caseload in Leicestershire now?") == "count"
    assert answer_type("What is the average weekly cost of a 16+ external placement?") == "money"


def test_a_difference_is_not_the_count_asked_for(assistant) -> None:
    # "schools ... wrote up 28 more PEPs in Spring term 2020 than they did in Spring term 2019"
    answer = assistant.ask("How many PEP meetings were held in the spring term 2020?")
    stated = re.sub(r'"[^"]*"', "", answer.answer)  # the answer's own words, quotes left out
    assert not re.search(r"\b28\b", stated)


def test_a_row_of_bare_cells_under_a_period_header_is_not_read_by_guessing_the_column(assistant) -> None:
    # "2019 2020 / Total number of Leicestershire children / 98 96": 98 is not 2020's figure
    answer = assistant.ask("How many Leicestershire children in care went missing in 2019, and in 2020?")
    assert "98 in 2020" not in answer.answer
    assert_quotes_verbatim(assistant, answer)
