"""Council-domain synonyms: abbreviations and their spelled-out forms.

Each group is one *concept*. Any surface form found in a text yields the concept's
tag (``"syn:lac"``); the keyword index adds tags to both chunks and queries, so
"LAC budget" matches a passage about "children in care" without diluting the query
with every spelled-out variant. For dense search, :func:`expand_query` appends the
full name of each abbreviation the query uses, which a general model understands.

>>> concept_tags("CLA on 31 March 2020")
['syn:lac']
>>> expand_query("LAC budget")
'LAC budget (looked after children)'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Concept:
    """One idea and its surface forms.

    ``abbreviations`` match case-insensitively, except those in ``strict`` which match
    only as written (``SEND`` is an abbreviation, "send" is a verb). ``phrases`` match
    case-insensitively with any run of spaces or hyphens between words.
    """

    key: str
    name: str  # the spelled-out form appended to dense queries
    abbreviations: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    strict: tuple[str, ...] = ()

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        loose = [re.escape(a) for a in self.abbreviations if a not in self.strict]
        loose += [r"[\s-]+".join(map(re.escape, p.split())) for p in self.phrases]
        parts = [rf"(?i:{'|'.join(loose)})"] if loose else []
        parts += [re.escape(a) for a in self.strict]
        return re.compile(rf"(?<![\w-])(?:{'|'.join(parts)})(?![\w-])")

    @cached_property
    def abbreviation_pattern(self) -> re.Pattern[str] | None:
        loose = [re.escape(a) for a in self.abbreviations if a not in self.strict]
        parts = [rf"(?i:{'|'.join(loose)})"] if loose else []
        parts += [re.escape(a) for a in self.strict]
        return re.compile(rf"(?<![\w-])(?:{'|'.join(parts)})(?![\w-])") if parts else None

    @property
    def tag(self) -> str:
        return f"syn:{self.key}"


CONCEPTS: tuple[Concept, ...] = (
    Concept(
        "lac",
        "looked after children",
        abbreviations=("LAC", "CLA", "CiC", "LAC's", "CLA's"),
        phrases=(
            "looked after children",
            "looked after child",
            "children looked after",
            "child looked after",
            "children in care",
            "child in care",
            "looked after young people",
        ),
    ),
    Concept(
        "send",
        "special educational needs and disabilities",
        abbreviations=("SEND", "SEN", "SEND's"),
        strict=("SEND", "SEN", "SEND's"),
        phrases=(
            "special educational needs and disabilities",
            "special educational needs and disability",
            "special educational needs",
            "special educational need",
        ),
    ),
    Concept(
        "ehcp",
        "education, health and care plan",
        abbreviations=("EHCP", "EHCPs", "EHC plan", "EHC plans"),
        phrases=(
            "education health and care plan",
            "education health and care plans",
            "education, health and care plan",
            "education, health and care plans",
        ),
    ),
    Concept(
        "uasc",
        "unaccompanied asylum-seeking children",
        abbreviations=("UASC",),
        phrases=(
            "unaccompanied asylum seeking children",
            "unaccompanied asylum seeking child",
            "unaccompanied children",
        ),
    ),
    Concept(
        "neet",
        "not in education, employment or training",
        abbreviations=("NEET",),
        phrases=("not in education employment or training", "not in education, employment or training"),
    ),
    Concept(
        "eet",
        "in education, employment or training",
        abbreviations=("EET",),
        phrases=("in education employment or training", "in education, employment or training"),
    ),
    Concept(
        "pep",
        "personal education plan",
        abbreviations=("PEP", "PEPs", "ePEP", "ePEPs"),
        strict=("PEP", "PEPs", "ePEP", "ePEPs"),
        phrases=("personal education plan", "personal education plans"),
    ),
    Concept(
        "mtfs",
        "medium term financial strategy",
        abbreviations=("MTFS",),
        phrases=("medium term financial strategy", "medium term financial plan"),
    ),
    Concept(
        "ilacs",
        "inspection of local authority children's services",
        abbreviations=("ILACS",),
        phrases=(
            "inspection of local authority children's services",
            "inspection of local authority childrens services",
        ),
    ),
    Concept(
        "vs",
        "virtual school",
        abbreviations=("VS",),
        strict=("VS",),
        phrases=("virtual school", "virtual schools", "virtual school head", "VSH"),
    ),
    Concept(
        "iro",
        "independent reviewing officer",
        abbreviations=("IRO", "IROs"),
        phrases=("independent reviewing officer", "independent reviewing officers"),
    ),
    Concept(
        "sgo",
        "special guardianship order",
        abbreviations=("SGO", "SGOs"),
        phrases=("special guardianship order", "special guardianship orders", "special guardianship"),
    ),
    Concept(
        "camhs",
        "child and adolescent mental health services",
        abbreviations=("CAMHS",),
        phrases=(
            "child and adolescent mental health service",
            "child and adolescent mental health services",
            "children and young people's mental health services",
        ),
    ),
    Concept(
        "sdq",
        "strengths and difficulties questionnaire",
        abbreviations=("SDQ", "SDQs"),
        phrases=("strengths and difficulties questionnaire", "strengths and difficulties questionnaires"),
    ),
    Concept(
        "iha",
        "initial health assessment",
        abbreviations=("IHA", "IHAs"),
        phrases=("initial health assessment", "initial health assessments"),
    ),
    Concept(
        "rha",
        "review health assessment",
        abbreviations=("RHA", "RHAs"),
        phrases=("review health assessment", "review health assessments"),
    ),
    Concept(
        "foi",
        "freedom of information",
        abbreviations=("FOI", "FOIA"),
        phrases=("freedom of information", "freedom of information act"),
    ),
    Concept(
        "ofsted",
        "office for standards in education",
        abbreviations=("Ofsted",),
        phrases=("office for standards in education",),
    ),
    Concept(
        "fte",
        "full time equivalent",
        abbreviations=("FTE",),
        phrases=("full time equivalent", "full-time equivalent"),
    ),
    Concept(
        "ks",
        "key stage",
        abbreviations=("KS",),
        strict=("KS",),
        phrases=("key stage",),
    ),
    Concept(
        "care_leaver",
        "care leavers",
        phrases=("care leaver", "care leavers", "care experienced", "former relevant children", "leaving care"),
    ),
    Concept(
        "residential",
        "residential placements",
        phrases=(
            "residential placement",
            "residential placements",
            "children's home",
            "children's homes",
            "residential home",
            "residential homes",
            "residential care",
        ),
    ),
    Concept(
        "fostering",
        "foster care",
        phrases=("foster care", "foster carer", "foster carers", "fostering", "foster placement", "foster placements"),
    ),
    Concept(
        "scrutiny",
        "overview and scrutiny committee",
        abbreviations=("OSC", "CFOSC"),
        phrases=("overview and scrutiny committee", "scrutiny committee"),
    ),
)


def concept_tags(text: str) -> list[str]:
    """One tag per occurrence of any concept's surface form in ``text``."""
    tags: list[str] = []
    for concept in CONCEPTS:
        tags.extend(concept.tag for _ in concept.pattern.finditer(text))
    return tags


def expand_query(query: str) -> str:
    """``query`` with the full name of each abbreviation it uses appended, for dense search."""
    names = [
        c.name
        for c in CONCEPTS
        if c.abbreviation_pattern is not None
        and c.abbreviation_pattern.search(query)
        and c.name.lower() not in query.lower()
    ]
    return f"{query} ({'; '.join(names)})" if names else query
