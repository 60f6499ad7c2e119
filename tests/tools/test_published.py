"""Published figures read from the real corpus papers: right figure, area, date, page,
and a verbatim quote; nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from assistant.tools.kpi_store import KpiStore
from assistant.tools.published import extract
from assistant.types import Document, DocumentMeta, KpiObservation, Page

HEALTH = "cic-health-annual-report-2019-20.pdf"
FOI_2015 = "foi-2015-leicester-city-looked-after-children.docx"
FOI_RESIDENTIAL = "foi-leicester-city-lac-residential-placements.pdf"
PAPERS = (
    "cfosc-2018-11-05-virtual-school-report.pdf",
    "cfosc-2020-01-21-agenda-pack.pdf",
    HEALTH,
    FOI_2015,
    FOI_RESIDENTIAL,
)
D = dt.date

# Every figure extraction finds in the corpus: (metric, area, period_start, period_end, value, page).
EXPECTED = {
    ("cla_at_31_march", "Leicestershire", None, D(2020, 3, 31), 657, 1),
    ("cla_rate_per_10k", "Leicestershire", None, D(2020, 3, 31), 46.9, 1),
    ("residential_placements", "Leicestershire", None, D(2020, 3, 31), 56, 1),
    ("residential_placements", "Leicestershire", None, D(2019, 3, 31), 52, 1),
    ("placements_3plus_pct", "Leicestershire", D(2019, 4, 1), D(2020, 3, 31), 8.7, 1),
    ("long_term_stability_pct", "Leicestershire", D(2019, 4, 1), D(2020, 3, 31), 62, 2),
    ("health_assessment_pct", "Leicestershire", D(2019, 4, 1), D(2020, 3, 31), 92, 2),
    ("health_assessment_pct", "Leicestershire", D(2018, 4, 1), D(2019, 3, 31), 82, 2),
    ("dental_check_pct", "Leicestershire", D(2019, 4, 1), D(2020, 3, 31), 87.6, 3),
    ("care_leavers_eet_19_21_pct", "Leicestershire", D(2019, 4, 1), D(2020, 3, 31), 64.2, 3),
    ("cla_at_31_march", "Leicestershire", None, D(2019, 3, 31), 582, 13),
    ("cla_at_31_march", "Leicester City", None, D(2013, 3, 31), 520, 1),
    ("cla_at_31_march", "Leicester City", None, D(2014, 3, 31), 530, 1),
    ("cla_at_31_march", "Leicester City", None, D(2015, 3, 31), 549, 1),
    ("lac_budget_gbp", "Leicester City", D(2013, 4, 1), D(2014, 3, 31), 26_462_900, 1),
    ("lac_budget_gbp", "Leicester City", D(2014, 4, 1), D(2015, 3, 31), 25_627_200, 1),
    ("lac_budget_gbp", "Leicester City", D(2015, 4, 1), D(2016, 3, 31), 26_021_400, 1),
    ("lac_budget_gbp", "Leicester City", D(2016, 4, 1), D(2017, 3, 31), 26_021_400, 1),
}


def _key(obs: KpiObservation) -> tuple[object, ...]:
    return (obs.metric, obs.area, obs.period_start, obs.period_end, obs.value, obs.source_page)


@pytest.fixture(scope="module")
def extracted(corpus_document: Callable[..., Document]) -> dict[str, list[KpiObservation]]:
    return {name: extract(corpus_document(name)) for name in PAPERS}


def test_corpus_yields_exactly_the_known_figures(extracted: dict[str, list[KpiObservation]]) -> None:
    found = {_key(o) for observations in extracted.values() for o in observations}
    assert found == EXPECTED


def test_every_quote_is_verbatim_on_its_page(
    extracted: dict[str, list[KpiObservation]], corpus_document: Callable[..., Document]
) -> None:
    for name, observations in extracted.items():
        pages = {p.number: p.text for p in corpus_document(name).pages}
        for obs in observations:
            assert obs.kind == "published" and obs.doc_id and obs.source == name
            assert obs.quote and obs.quote in pages[obs.source_page]


def test_657_children_in_care_leicestershire_31_march_2020(extracted: dict[str, list[KpiObservation]]) -> None:
    [obs] = [o for o in extracted[HEALTH] if o.metric == "cla_at_31_march" and o.value == 657]
    assert obs.area == "Leicestershire"
    assert obs.period_end == D(2020, 3, 31)
    assert obs.source_page == 1
    assert obs.quote == "The number of children in care on 31 March 2020 was 657."


def test_leicester_city_lac_by_year(extracted: dict[str, list[KpiObservation]]) -> None:
    lac = {o.period_end.year: (o.value, o.quote) for o in extracted[FOI_2015] if o.metric == "cla_at_31_march"}
    assert lac == {2013: (520, "2013 – 520 LAC"), 2014: (530, "2014 – 530 LAC"), 2015: (549, "2015 – 549 LAC")}
    assert all(o.area == "Leicester City" for o in extracted[FOI_2015])


def test_no_leicester_city_figure_is_recorded_as_leicestershire(extracted: dict[str, list[KpiObservation]]) -> None:
    for name, observations in extracted.items():
        expected_area = "Leicester City" if "leicester-city" in name else "Leicestershire"
        assert {o.area for o in observations} <= {expected_area}
    county_counts = {o.value for n in PAPERS if "leicester-city" not in n for o in extracted[n] if o.unit != "percent"}
    assert not county_counts & {520, 530, 549, 62, 233.69, 26_462_900}


def test_comparators_are_not_recorded(extracted: dict[str, list[KpiObservation]]) -> None:
    values = {o.value for o in extracted[HEALTH]}
    # statistical-neighbour averages, last year's figures, targets, national average
    assert not values & {52.8, 52.78, 11.9, 7.7, 65, 66, 91.8, 50, 9}


def test_undated_current_figures_need_the_document_date(corpus_document: Callable[..., Document]) -> None:
    """An FOI's "currently" / undated figures are as at the response date: none without one."""
    assert extract(corpus_document(FOI_RESIDENTIAL)) == []
    [placed] = extract(corpus_document(FOI_RESIDENTIAL, date=D(2019, 5, 2)))
    assert (placed.metric, placed.area, placed.value, placed.period_end) == (
        "residential_placements", "Leicester City", 62, D(2019, 5, 2)
    )
    assert placed.quote.startswith("5. How many children under 17 years old") and placed.quote.endswith("?\n62")
    staff = [o for o in extract(corpus_document(FOI_2015, date=D(2015, 6, 1))) if o.metric == "fte_staff"]
    assert [(o.value, o.period_end) for o in staff] == [(233.69, D(2015, 6, 1))]
    assert "233.69fte" in staff[0].quote


def _doc(text: str, council: str | None = "Leicestershire County Council", **meta: object) -> Document:
    return Document(
        doc_id="synthetic",
        source="synthetic.txt",
        path="/synthetic.txt",
        content_hash="0",
        meta=DocumentMeta(title="Synthetic", council=council, **meta),  # type: ignore[arg-type]
        pages=(Page(number=1, text=text),),
        paginated=False,
    )


@pytest.mark.parametrize(
    "text",
    [
        "The national average is 9% of children in residential care.",
        "There are currently 64 children in care in Early Years Settings.",
        "Leicester City had 620 children in care at 31 March 2020.",
        "The number of children in care rose by 75 at 31 March 2020.",
        "Each CiC can apply for up to £150 each year from the budget.",
        "Of these, 373 (56.8%) were looked after under a Full Care Order at 31 March 2020.",
        "In 2019 there were 657 children in care.",
    ],
)
def test_precision_rules(text: str) -> None:
    assert extract(_doc(text)) == []


def test_no_council_means_no_figures() -> None:
    assert extract(_doc("The number of children in care on 31 March 2020 was 657.", council=None)) == []


def test_replace_published_replaces_per_document(store: KpiStore, corpus_document: Callable[..., Document]) -> None:
    health = corpus_document(HEALTH)
    assert store.replace_published(health) == 11
    assert store.replace_published(health) == 11
    assert store.replace_published(corpus_document(FOI_2015)) == 7
    assert len(store.query(metric="cla_at_31_march")) == 5  # 657, 582, 520, 530, 549
    emptied = health.model_copy(update={"pages": (Page(number=1, text="Nothing to see."),)})
    assert store.replace_published(emptied) == 0
    assert {o.area for o in store.query()} == {"Leicester City"}
    assert store.remove_published(FOI_2015.removesuffix(".docx")) == 7
    assert store.query() == []
