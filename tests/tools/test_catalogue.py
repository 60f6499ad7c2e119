"""The metric catalogue: standard names, lookup, close-match errors, units."""

from __future__ import annotations

import pytest

from assistant.errors import ToolError
from assistant.tools.catalogue import CATALOGUE, normalise_unit

STANDARD_NAMES = {
    "cla_at_31_march",
    "cla_rate_per_10k",
    "cla_starts",
    "placements_3plus_pct",
    "long_term_stability_pct",
    "residential_placements",
    "care_leavers_eet_19_21_pct",
    "health_assessment_pct",
    "dental_check_pct",
    "uasc_count",
    "pep_up_to_date_pct",
    "lac_budget_gbp",
    "fte_staff",
}


def test_catalogue_has_the_standard_metric_names() -> None:
    assert set(CATALOGUE.names) == STANDARD_NAMES


def test_every_metric_is_described_with_definition_unit_and_synonyms() -> None:
    for entry in CATALOGUE.describe():
        assert entry["definition"] and entry["label"]
        assert entry["unit"] in {"count", "percent", "rate_per_10k", "gbp", "fte"}
        assert entry["synonyms"]


def test_unknown_metric_names_close_matches() -> None:
    with pytest.raises(ToolError, match="cla_at_31_march"):
        CATALOGUE.get("cla_at_31_mar")
    with pytest.raises(ToolError, match="dental_check_pct"):
        CATALOGUE.get("dental checks")


def test_unknown_metric_with_no_close_match_lists_valid_names() -> None:
    with pytest.raises(ToolError, match="valid metrics: .*fte_staff"):
        CATALOGUE.get("zzzz")


def test_get_is_case_and_space_insensitive() -> None:
    assert CATALOGUE.get("  CLA_AT_31_MARCH ").name == "cla_at_31_march"


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("How many looked after children were there?", "cla_at_31_march"),
        ("children were in care", "cla_at_31_march"),
        ("the rate per 10,000 children in care", "cla_rate_per_10k"),
        ("children in care with a dental check", "dental_check_pct"),
        ("children in residential care", "residential_placements"),
        ("three or more placements", "placements_3plus_pct"),
        ("the budget for LAC", "lac_budget_gbp"),
        ("unaccompanied asylum-seeking children", "uasc_count"),
    ],
)
def test_match_prefers_the_most_specific_metric(text: str, metric: str) -> None:
    found = CATALOGUE.match(text)
    assert found is not None and found.name == metric


def test_context_words_are_required_where_a_synonym_is_generic() -> None:
    assert CATALOGUE.match("the school transport budget") is None
    assert CATALOGUE.match("30.9% of PEPs needed remedial action") is None


def test_normalise_unit() -> None:
    pct = CATALOGUE.get("dental_check_pct")
    assert normalise_unit("%", pct) == "percent"
    assert normalise_unit("", pct) == "percent"
    with pytest.raises(ValueError, match="does not match"):
        normalise_unit("count", pct)
    with pytest.raises(ValueError, match="unknown unit"):
        normalise_unit("parsecs", pct)
