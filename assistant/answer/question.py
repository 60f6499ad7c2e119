"""What a question asks: its answer type, terms, council and period.

One job: read a standalone question into a :class:`QuestionFrame` that the extractive
composer scores evidence against.

>>> frame = parse_question("How many children were in care in Leicestershire on 31 March 2020?")
>>> frame.answer_type, sorted(frame.councils), sorted(frame.dates)
('count', ['leicestershire'], ['2020-03-31'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .figures import extract_figures
from .lexicon import COUNCILS, councils_named, other_areas_named, terms

_TYPES: list[tuple[str, re.Pattern[str]]] = [
    ("rate", re.compile(r"\brate\s+(?:of\s+.+?\s+)?per\b|\bper\s+10,?000\b", re.I)),
    ("percent", re.compile(r"\bpercentage\b|\bproportion\b|\bper\s?cent\b|%|\bwhat\s+share\b|\b(?:attendance|absence|conversion|pass)\s+rate\b", re.I)),
    (
        "money",
        re.compile(
            r"\bhow\s+much\b|\bbudget|\bcost|\bspen[dt]|\bexpenditure\b|\bfunding\b|£|\boverspend|\bsavings?\b|"
            r"\bwhat\s+(?:budget\s+)?growth\b",
            re.I,
        ),
    ),
    ("count", re.compile(r"\bhow\s+many\b|\bnumber\s+of\b|\bhow\s+big\b|\bcount\b|\btotal\b", re.I)),
    ("count", re.compile(r"\bwhat(?:\s+is|'s|\s+was)\s+the\s+(?:average|mean|median)\s+(?!\w*\s*(?:cost|spend|price|fee))", re.I)),
    ("any", re.compile(r"\bscore\b|\battainment\s+8\b", re.I)),
    (
        "judgement",
        re.compile(
            r"\b(?:what|which)\s+(?:\w+\s+){0,3}(?:grade|grading|judge?ments?|rating)\b|"
            r"\bhow\s+(?:was|were|did|has|have)\b.{0,80}\b(?:rated|judged|graded)\b",
            re.I,
        ),
    ),
    ("frequency", re.compile(r"^\s*(?:and\s+)?how\s+(?:often|frequently)\b|\bwhat\s+frequency\b", re.I)),
    (
        "date",
        re.compile(
            r"^\s*(?:and\s+)?(?:by\s+)?when\b|\bwhat\s+date\b|\bwhich\s+date\b|\bwhat\s+year\b|\bwhich\s+year\b", re.I
        ),
    ),
    # "Which case recording system does ... use?": the name of a product or organisation.
    (
        "name",
        re.compile(
            r"\b(?:which|what)\s+(?:\w+\s+){0,2}(?:system|software|product|package|company|provider|"
            r"organisation|organization|charity|supplier|platform|tool)s?\b",
            re.I,
        ),
    ),
    (
        "person",
        re.compile(
            r"^\s*(?:and\s+)?who\b|\bname\s+of\s+the\s+(?:person|officer|head|manager|lead)\b|\bwho\s+(?:is|was|heads|leads)\b",
            re.I,
        ),
    ),
]
FIGURE_TYPES = frozenset({"count", "money", "percent", "rate", "any"})  # "any": per-period parts


@dataclass(frozen=True)
class QuestionFrame:
    """A parsed standalone question."""

    text: str
    answer_type: str  # "count" | "money" | "percent" | "rate" | "any" | "date" | "person" | "judgement" | "frequency" | "text"
    terms: frozenset[str]
    councils: frozenset[str] = frozenset()
    dates: frozenset[str] = frozenset()  # ISO as-at dates named
    months: frozenset[str] = frozenset()  # "2019-03"
    fys: frozenset[str] = frozenset()  # start years of financial/academic years named
    years: frozenset[str] = frozenset()  # bare years named
    figures: frozenset[str] = field(default=frozenset())  # every figure key in the question
    other_areas: tuple[str, ...] = ()  # other councils' areas named ("Nottinghamshire")

    @property
    def foreign(self) -> bool:
        """Whether the question is about another council's area only."""
        return bool(self.other_areas) and not self.councils

    @property
    def wants_figure(self) -> bool:
        return self.answer_type in FIGURE_TYPES

    @property
    def has_period(self) -> bool:
        return bool(self.dates or self.months or self.fys or self.years)

    @property
    def council_names(self) -> list[str]:
        return [COUNCILS[c] for c in sorted(self.councils)]


def answer_type(question: str) -> str:
    """The kind of answer a question wants; the first matching rule wins."""
    for name, pattern in _TYPES:
        if pattern.search(question):
            return name
    return "text"


def _terms(question: str) -> frozenset[str]:
    """The question's terms; a lower-case "send" is the verb, not SEND ("did Ofsted send")."""
    found = terms(question)
    if "send" in found and not (re.search(r"\bSEND\b", question) or re.search(r"special\s+educational", question, re.I)):
        found = found - {"send"}
    return found


def parse_question(question: str) -> QuestionFrame:
    """Read ``question`` into a :class:`QuestionFrame`."""
    figures = extract_figures(question)
    return QuestionFrame(
        text=question,
        answer_type=answer_type(question),
        terms=_terms(question),
        councils=councils_named(question, question=True),
        dates=frozenset(f.value for f in figures if f.kind == "date"),
        months=frozenset(f.value for f in figures if f.kind == "month"),
        fys=frozenset(f.value for f in figures if f.kind == "fy"),
        years=frozenset(f.value for f in figures if f.is_year),
        figures=frozenset(f.key for f in figures),
        other_areas=tuple(other_areas_named(question)),
    )
