"""The KPI catalogue: standard metric names (as DfE / LAIT use them), what they mean,
their unit and the words people use for them.

    >>> CATALOGUE.get("cla_at_31_march").unit
    'count'
    >>> CATALOGUE.match("How many looked after children had a dental check?").name
    'dental_check_pct'

``list_metrics`` returns :meth:`Catalogue.describe`; the question router and the
published-figure extractor match text with :meth:`Metric.synonym_pattern`. Unknown
names raise ``ToolError`` listing the closest valid names.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

from ..errors import ToolError

Unit = Literal["count", "percent", "rate_per_10k", "gbp", "fte"]
UNITS: tuple[str, ...] = Unit.__args__  # type: ignore[attr-defined]

# Spellings accepted for a unit in live files, mapped to the catalogue's unit.
UNIT_ALIASES: dict[str, str] = {
    "count": "count",
    "number": "count",
    "n": "count",
    "percent": "percent",
    "pct": "percent",
    "%": "percent",
    "percentage": "percent",
    "rate_per_10k": "rate_per_10k",
    "per 10,000": "rate_per_10k",
    "per_10k": "rate_per_10k",
    "rate": "rate_per_10k",
    "gbp": "gbp",
    "£": "gbp",
    "pounds": "gbp",
    "fte": "fte",
}


def _phrase_regex(phrase: str) -> str:
    """A synonym as a regex: any whitespace run, optional plural, word-bounded."""
    words = [re.escape(w) for w in phrase.split()]
    body = r"[\s\-]+".join(words)
    return rf"(?<![A-Za-z-]){body}s?(?![\w])"


@dataclass(frozen=True)
class Metric:
    """One catalogue entry."""

    name: str
    label: str
    definition: str
    unit: Unit
    synonyms: tuple[str, ...]
    # Day and month every published figure must be dated at (stock counts at 31 March).
    as_at: tuple[int, int] | None = None
    # Which direction is an improvement, where one is (None for volumes like counts).
    better: Literal["higher", "lower"] | None = None
    # Words that must also occur in a sentence before a published figure is read as
    # this metric (e.g. a rate per 10,000 only counts when it is about children in care).
    context: tuple[str, ...] = ()
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        alternatives = sorted(self.synonyms, key=len, reverse=True)
        pattern = re.compile("|".join(_phrase_regex(s) for s in alternatives), re.IGNORECASE)
        object.__setattr__(self, "_pattern", pattern)

    @property
    def synonym_pattern(self) -> re.Pattern[str]:
        return self._pattern

    def mentioned_in(self, text: str) -> bool:
        """True when ``text`` names this metric (and its required context, if any)."""
        if not self._pattern.search(text):
            return False
        return not self.context or any(
            re.search(_phrase_regex(word), text, re.IGNORECASE) for word in self.context
        )

    def describe(self) -> dict[str, object]:
        return {
            "name": self.name,
            "label": self.label,
            "definition": self.definition,
            "unit": self.unit,
            "synonyms": list(self.synonyms),
            "better": self.better,
        }


_CIC = ("children in care", "looked after children", "children looked after", "LAC", "CiC", "CLA")

METRICS: tuple[Metric, ...] = (
    # Ordered most specific first: the router takes the first metric a question names,
    # and almost every question says "children in care".
    Metric(
        "cla_rate_per_10k",
        "Children in care per 10,000 children",
        "Children looked after at 31 March per 10,000 children aged under 18 in the area.",
        "rate_per_10k",
        ("rate per 10,000", "per 10,000", "per 10000", "rate of children in care", "cla rate", "lac rate"),
        as_at=(3, 31),
        context=_CIC,
    ),
    Metric(
        "placements_3plus_pct",
        "Three or more placements in the year",
        "Percentage of children looked after at 31 March with three or more placements during the year.",
        "percent",
        (
            "3 placements or more",
            "three placements or more",
            "3 or more placements",
            "three or more placements",
            "3+ placements",
            "placement moves",
            "short term placement stability",
            "short-term stability",
        ),
        better="lower",
    ),
    Metric(
        "long_term_stability_pct",
        "Long-term placement stability",
        "Percentage of children looked after for 2.5 years or more (under 16) who had been in the "
        "same placement for at least 2 years.",
        "percent",
        ("long term stability", "long term placement stability", "long-term stability", "placement stability"),
        better="higher",
    ),
    Metric(
        "residential_placements",
        "Children in residential placements",
        "Number of children looked after placed in residential children's homes.",
        "count",
        (
            "residential placements",
            "residential placement",
            "residential care",
            "residential children's homes",
            "residential children’s homes",
            "residential homes",
            "children's homes",
        ),
    ),
    Metric(
        "care_leavers_eet_19_21_pct",
        "Care leavers in education, employment or training",
        "Percentage of care leavers aged 19 to 21 in education, employment or training.",
        "percent",
        (
            "care leavers in education, employment or training",
            "care leavers in EET",
            "care leavers EET",
            "care leavers in education",
            "care leavers in employment",
            "education, employment or training",
        ),
        context=("care leaver",),
        better="higher",
    ),
    Metric(
        "health_assessment_pct",
        "Annual health assessments",
        "Percentage of children looked after for 12 months or more whose annual health "
        "assessment was up to date.",
        "percent",
        ("annual health assessment", "health assessments", "health assessment", "health checks", "health check"),
        better="higher",
    ),
    Metric(
        "dental_check_pct",
        "Dental checks",
        "Percentage of children looked after for 12 months or more who had their teeth checked by a dentist.",
        "percent",
        ("dental check", "dental checks", "teeth checked", "dental health checks", "dental"),
        better="higher",
    ),
    Metric(
        "pep_up_to_date_pct",
        "Personal education plans up to date",
        "Percentage of children looked after of school age with an up-to-date personal education plan (PEP).",
        "percent",
        ("personal education plans", "personal education plan", "PEP", "PEPs"),
        context=("up to date", "up-to-date", "in date", "in-date", "completed", "completion", "timely", "in timescale"),
        better="higher",
    ),
    Metric(
        "uasc_count",
        "Unaccompanied asylum-seeking children in care",
        "Number of unaccompanied asylum-seeking children looked after at 31 March.",
        "count",
        ("unaccompanied asylum seeking children", "unaccompanied asylum-seeking children", "UASC"),
        as_at=(3, 31),
    ),
    Metric(
        "cla_starts",
        "Children starting to be looked after",
        "Number of children who started to be looked after during the year ending 31 March.",
        "count",
        (
            "started to be looked after",
            "started to be in care",
            "came into care",
            "coming into care",
            "entered care",
            "new entrants to care",
            "cla starts",
            "lac starts",
        ),
    ),
    Metric(
        "lac_budget_gbp",
        "Budget for looked after children",
        "Annual budget of the council's looked-after-children service, in pounds.",
        "gbp",
        (
            "budget for LAC",
            "LAC budget",
            "budget for looked after children",
            "looked after children budget",
            "budget for children in care",
            "children in care budget",
            "budget",
        ),
        context=_CIC,
    ),
    Metric(
        "fte_staff",
        "Staff (full-time equivalent)",
        "Full-time-equivalent staff working directly with looked after children.",
        "fte",
        ("fte", "full time equivalent", "staff", "staffing", "social workers"),
        context=_CIC,
    ),
    Metric(
        "cla_at_31_march",
        "Children in care at 31 March",
        "Number of children looked after by the council at 31 March (DfE SSDA903 return).",
        "count",
        ("children in care", "looked after children", "children looked after", "LAC", "CiC", "CLA", "in care", "looked after"),
        as_at=(3, 31),
    ),
)


class Catalogue:
    """Lookup over the metrics: by exact name, by close match, by words in text."""

    def __init__(self, metrics: tuple[Metric, ...] = METRICS) -> None:
        self.metrics = metrics
        self._by_name = {m.name: m for m in metrics}

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.metrics]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def get(self, name: str) -> Metric:
        """The metric called ``name``; ``ToolError`` naming the closest valid names otherwise."""
        key = (name or "").strip().lower()
        if key in self._by_name:
            return self._by_name[key]
        close = difflib.get_close_matches(key, self.names, n=3, cutoff=0.4)
        by_synonym = self.match(key)
        if by_synonym is not None and by_synonym.name not in close:
            close.insert(0, by_synonym.name)
        hint = f"; did you mean {', '.join(close)}?" if close else f"; valid metrics: {', '.join(self.names)}"
        raise ToolError(f"unknown metric {name!r}{hint}")

    def match(self, text: str) -> Metric | None:
        """The most specific metric whose synonyms occur in ``text`` (catalogue order)."""
        for metric in self.metrics:
            if metric.mentioned_in(text):
                return metric
        return None

    def describe(self) -> list[dict[str, object]]:
        return [m.describe() for m in self.metrics]


CATALOGUE = Catalogue()


def normalise_unit(raw: str, metric: Metric) -> str:
    """A unit as written in a live file -> the catalogue unit; ``ValueError`` if it disagrees."""
    text = (raw or "").strip().lower()
    if not text:
        return metric.unit
    unit = UNIT_ALIASES.get(text)
    if unit is None:
        raise ValueError(f"unknown unit {raw!r} (use one of {', '.join(UNITS)})")
    if unit != metric.unit:
        raise ValueError(f"unit {raw!r} does not match {metric.name} (measured in {metric.unit})")
    return unit
