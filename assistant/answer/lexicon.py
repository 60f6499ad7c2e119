"""Words of council papers: synonyms, stop words, councils and content terms.

One job: turn a text into the comparable *terms* the extractive composer and the
grounding check count, so "LAC", "CLA", "CiC", "looked after children" and
"children in care" are one concept, and "Leicester City" is never "Leicestershire".
"""

from __future__ import annotations

import re
from functools import lru_cache

from .figures import MONTHS

# Phrase -> concept token. Longest phrases are matched first; the concept token
# replaces the phrase, so "children in care" counts once, as ``cic``.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "cic": (
        "children in care",
        "child in care",
        "children and young people in care",
        "looked after children",
        "looked-after children",
        "looked after child",
        "children looked after",
        "child looked after",
        "looked after",
        "lac",
        "cla",
        "cic",
        "in care",
    ),
    "careleaver": ("care leavers", "care leaver", "care-leavers", "care experienced young people"),
    "virtualschool": ("virtual school", "virtual schools", "vs"),
    "headteacher": ("virtual school head", "headteacher", "head teacher", "head of the virtual school"),
    "budget": (
        "budget",
        "budgets",
        "spend",
        "spending",
        "expenditure",
        "cost",
        "costs",
        "funding",
        "allocation",
    ),
    "staff": ("staff", "stuff", "staffing", "fte", "full time equivalent", "employees", "workers"),
    "placement": ("placements", "placement", "placed"),
    "residential": (
        "residential homes",
        "residential home",
        "children's homes",
        "childrens homes",
        "residential",
    ),
    "foster": ("foster care", "fostering", "foster carers", "foster", "fostered"),
    "uasc": ("unaccompanied asylum seeking children", "unaccompanied asylum-seeking children", "uasc"),
    "iha": ("initial health assessments", "initial health assessment", "iha", "ihas"),
    "rha": ("review health assessments", "review health assessment", "rha", "rhas"),
    "sdq": ("strengths and difficulties questionnaire", "sdq", "sdqs"),
    "neet": ("not in education, employment or training", "neet"),
    "eet": ("education, employment or training", "education employment or training", "eet"),
    "pep": ("personal education plans", "personal education plan", "pep", "peps"),
    "send": ("special educational needs and disabilities", "special educational needs", "send"),
    "ofsted": ("ofsted",),
    "ks1": ("key stage 1", "key stage one", "ks1"),
    "ks2": ("key stage 2", "key stage two", "ks2"),
    "ks4": ("key stage 4", "key stage four", "ks4"),
    "mtfs": ("medium term financial strategy", "mtfs"),
    "q1": ("quarter 1", "quarter one", "first quarter", "q1"),
    "q2": ("quarter 2", "quarter two", "second quarter", "q2"),
    "q3": ("quarter 3", "quarter three", "third quarter", "q3"),
    "q4": ("quarter 4", "quarter four", "fourth quarter", "q4"),
    "number": ("number of", "numbers of", "how many", "count", "total"),
}

COUNCILS: dict[str, str] = {
    "leicester_city": "Leicester City Council",
    "leicestershire": "Leicestershire County Council",
}
# In papers only an explicit name counts ("Leicester" alone is also a hospital trust,
# a university, a city); in questions "Leicester" and "the city"/"the county" count too.
_COUNCIL_PATTERNS: dict[str, re.Pattern[str]] = {
    "leicester_city": re.compile(r"\bleicester\s+city\b", re.I),
    "leicestershire": re.compile(r"\bleicestershire\b", re.I),
}
_QUESTION_PATTERNS: dict[str, re.Pattern[str]] = {
    "leicester_city": re.compile(r"\bleicester(?!shire)\b|\bthe\s+city\b|\bcity\s+council\b", re.I),
    "leicestershire": re.compile(r"\bleicestershire\b|\bthe\s+county\b|\bcounty\s+council\b", re.I),
}
# Mentions that name both councils together (health partners) are not a council claim.
_JOINT = re.compile(
    r"leicester\s*,\s*leicestershire|leicester,?\s+leicestershire\s+and\s+rutland|\bLLR\b", re.I
)

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my no nor not now of off on once only or other our out over own same she should
    so some such than that the their them then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would you your
    many much give tell show please papers paper say says said according council councils
    also per year years end figure figures latest current currently were date dates
    like there's what's whats did does city county whose among amongst within""".split()
)

_WORD = re.compile(r"[a-z][a-z0-9'’-]*|\d+(?:[.,]\d+)*", re.I)


@lru_cache(maxsize=1)
def _phrase_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    lookup = {phrase: concept for concept, phrases in _SYNONYMS.items() for phrase in phrases}
    ordered = sorted(lookup, key=len, reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ordered) + r")\b", re.I)
    return pattern, lookup


# Stems that say the same thing ("rose", "increased", "rise" -> "rise"), after stemming.
_SAME_STEM: dict[str, str] = {
    **dict.fromkeys(("increase", "increas", "ris", "rose", "risen"), "rise"),
    **dict.fromkeys(("decrease", "decreas", "fell", "fallen", "drop", "fall"), "fall"),
    **dict.fromkeys(("avg", "averag", "average"), "average"),
    **dict.fromkeys(("reduce", "reduc", "reduction"), "reduc"),
    **dict.fromkeys(("led", "lead", "lead"), "lead"),
    **dict.fromkeys(("achiev", "achieve", "reach", "attain"), "achieve"),
    **dict.fromkeys(("judgement", "judgment", "grade", "grad", "rat", "rating"), "judgement"),
}


def stem(word: str) -> str:
    """A light English stemmer: plural and common suffixes, good enough for overlap."""
    stemmed = _stem(word)
    return _SAME_STEM.get(stemmed, stemmed)


def _stem(word: str) -> str:
    word = word.lower().strip("'’-")
    for suffix, repl in (
        ("ies", "y"),
        ("sses", "ss"),
        ("ings", ""),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                break
            if suffix == "es" and not word.endswith(("ches", "shes", "xes", "zes", "oes")):
                continue  # "services" -> "service" (by "s"), like "service"
            base = word[: -len(suffix)] + repl
            if suffix in ("ing", "ings", "ed") and re.search(r"([b-df-hj-km-np-rtv-z])\1$", base) and base[-2:] not in ("ll", "ss", "zz"):
                base = base[:-1]  # "planning" -> "plan", "dropped" -> "drop"
            return base
    return word


@lru_cache(maxsize=4096)
def terms(text: str) -> frozenset[str]:
    """Content terms of ``text``: concept tokens for known phrases, stems otherwise.

    Numbers, council names and stop words are not terms; the component words of a
    concept phrase are kept too (stemmed), so partial matches still count.
    """
    pattern, lookup = _phrase_pattern()
    out: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        out.add(lookup[match.group(0).lower()])
        return " "

    rest = pattern.sub(replace, text.replace("\n", " "))
    text_words = _WORD.findall(text)
    for word in _WORD.findall(rest) + [w for w in text_words if w.lower() in ("children", "child", "care")]:
        low = re.sub(r"['’]s?$", "", word.lower())
        if (
            low in STOPWORDS
            or low in MONTHS
            or low[0].isdigit()
            or low in ("leicester", "leicestershire", "rutland")
        ):
            continue
        if len(low) < 2:
            continue
        out.add(stem(low))
    return frozenset(out)


def councils_named(text: str, *, question: bool = False) -> frozenset[str]:
    """Council ids a text names on its own (not a joint Leicester/Leicestershire mention).

    ``question=True`` reads a user's question, where "Leicester" and "the city" mean
    Leicester City Council and "the county" means Leicestershire County Council.
    """
    cleaned = _JOINT.sub(" ", text)
    patterns = _QUESTION_PATTERNS if question else _COUNCIL_PATTERNS
    return frozenset(cid for cid, pat in patterns.items() if pat.search(cleaned))


def council_id(name: str | None) -> str | None:
    """The council id of a metadata value such as "Leicester City Council"."""
    if not name:
        return None
    named = councils_named(name)
    return next(iter(named)) if len(named) == 1 else None


def expansions(text: str) -> list[str]:
    """Other wordings of the concepts in ``text``, for widening a keyword search."""
    pattern, lookup = _phrase_pattern()
    concepts = {lookup[m.group(0).lower()] for m in pattern.finditer(text)}
    extra: list[str] = []
    for concept in sorted(concepts - {"number"}):
        extra.extend(p for p in _SYNONYMS[concept][:4] if p.lower() not in text.lower())
    return extra


# Other English local authorities: a question about one of them is not answered from
# Leicester's or Leicestershire's papers (never one council's figure for another).
_OTHER_AREAS = re.compile(
    r"\b(?:(?!leicester)[A-Z][a-z]+shire|Nottingham|Derby|Rutland|Coventry|Birmingham|Northampton|Lincoln|"
    r"Peterborough|Sheffield|Manchester|Liverpool|Leeds|Bristol|London|Kent|Essex|Surrey|Norfolk|Suffolk|"
    r"Devon|Cornwall|Cumbria|Durham|Dorset|Somerset|Wolverhampton|Walsall|Sandwell|Dudley|Stoke|Hull|York|"
    r"Bradford|Newcastle|Sunderland|Bolton|Wigan|Solihull|Warwick|Luton|Milton\s+Keynes|Southampton|"
    r"Portsmouth|Plymouth|Brighton|Cardiff|Swansea|Glasgow|Edinburgh|Belfast|Wales|Scotland)\b"
)


def other_areas_named(question: str) -> list[str]:
    """Local authority areas other than Leicester and Leicestershire named in a question."""
    return [m.group(0) for m in _OTHER_AREAS.finditer(question) if not m.group(0).lower().startswith("leicester")]
