"""Answer prose: a direct lead sentence for a figure, then its supporting quote.

One job: write the figure answer the way an officer would, figure once, up front:

    657 children were in care in Leicestershire on 31 March 2020 [1][2]. The
    committee report says: "The number of children in care on 31 March 2020 was
    657." [1] The KPI store holds the same figure (live file live_kpis.csv [3]).

The lead sentence restates the question around the figure (only for question shapes
it can restate safely; otherwise "The papers give 657 [1]."). Every figure in it is
the cited passage's own or the question's, so the grounding check still applies.
"""

from __future__ import annotations

import re

from ..types import DOC_TYPE_LABELS

_HOW_MANY = re.compile(
    r"^how\s+many\s+(?P<np>.+?)\s+(?P<verb>were|was|are|is|have\s+been|had\s+been|will\s+be)\s+(?P<rest>.+)$",
    re.I,
)
_HOW_MANY_DID = re.compile(
    r"^how\s+many\s+(?P<np>.+?)\s+(?P<aux>did|does|do)\s+(?P<subj>.+?)\s+(?P<verb>have|employ|receive|get|"
    r"place|support|look\s+after|record|report)\b\s*(?P<rest>.*)$",
    re.I,
)
_SHARE_OF = re.compile(
    r"^what\s+(?:percentage|proportion|share)\s+of\s+(?P<np>.+?)\s+(?P<verb>were|was|are|is|had|have)\s+(?P<rest>.+)$",
    re.I,
)
_WHAT_WAS = re.compile(
    r"^what\s+(?P<verb>was|is|were|are|will\s+be)\s+(?P<np>(?:the\s+|[A-Z][\w ]*?['’]s\s+).+)$",
    re.I,
)
_HOW_MUCH_WAS = re.compile(r"^how\s+much\s+(?P<verb>was|is|were|are)\s+(?P<np>the\s+.+)$", re.I)
_PAST = {
    "have": "had",
    "employ": "employed",
    "receive": "received",
    "get": "got",
    "place": "placed",
    "support": "supported",
    "look after": "looked after",
    "record": "recorded",
    "report": "reported",
}
_PRESENT_3RD = {
    "have": "has",
    "employ": "employs",
    "receive": "receives",
    "get": "gets",
    "place": "places",
    "support": "supports",
    "look after": "looks after",
    "record": "records",
    "report": "reports",
}
# A question this long or with these words is not one figure's restatement.
_NOT_SIMPLE = re.compile(r"\b(?:and|or|compared|versus|vs|why|how\s+did|change|increase|decrease|each)\b", re.I)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def restate(question: str, figure: str) -> str | None:
    """The question turned into a statement of ``figure``; None when its shape is unknown.

    >>> restate("How many children were in care in Leicestershire on 31 March 2020?", "657")
    '657 children were in care in Leicestershire on 31 March 2020'
    >>> restate("What was the LAC budget in 2014-15?", "£25,627,200")
    'The LAC budget in 2014-15 was £25,627,200'
    """
    q = re.sub(r"\s+", " ", question).strip().rstrip("?.! ").strip()
    q = re.sub(r"^(?:and|so|but)\s+", "", q, flags=re.I)
    if not q or len(q) > 160 or _NOT_SIMPLE.search(q):
        return None
    m = _HOW_MANY.match(q)
    if m:
        rest = m["rest"]
        there = re.match(r"there\b\s*(.*)$", rest, re.I)
        if there:
            tail = f" {there[1]}" if there[1] else ""
            return f"There {m['verb'].lower()} {figure} {m['np']}{tail}"
        return f"{figure} {m['np']} {m['verb'].lower()} {rest}"
    m = _HOW_MANY_DID.match(q)
    if m:
        verb = re.sub(r"\s+", " ", m["verb"].lower())
        table = _PAST if m["aux"].lower() == "did" else _PRESENT_3RD
        rest = f" {m['rest']}" if m["rest"] else ""
        return f"{_upper_first(m['subj'])} {table[verb]} {figure} {m['np']}{rest}"
    m = _SHARE_OF.match(q)
    if m:
        return f"{figure} of {m['np']} {m['verb'].lower()} {m['rest']}"
    m = _WHAT_WAS.match(q) or _HOW_MUCH_WAS.match(q)
    if m:
        return f"{_upper_first(m['np'])} {m['verb'].lower()} {figure}"
    return None


def lead_sentence(question: str, figure: str, markers: str) -> str:
    """The answer's first sentence: the figure stated directly, with its citations."""
    statement = restate(question, figure) or f"The papers give {figure}"
    return f"{statement} {markers}."


def says(doc_type: str | None) -> str:
    """ "The committee report says:" for a passage of a document of ``doc_type``."""
    label = DOC_TYPE_LABELS.get(doc_type or "other", "Other")
    if label == "Other":
        return "The paper says:"
    if label == "Minutes":
        return "The minutes say:"
    return f"The {label[:3] + label[3:].lower() if label.startswith('FOI') else label.lower()} says:"
