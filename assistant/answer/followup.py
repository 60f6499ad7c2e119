"""Rewrite a follow-up question into a standalone one, deterministically.

One job: "and the year before?" after "How many children were in care in
Leicestershire on 31 March 2020?" becomes "How many children were in care in
Leicestershire on 31 March 2019?". The previous question's metric, council and
period carry over; the follow-up replaces what it changes.

>>> rewrite("what about Leicester City?", ["How many children were in care in Leicestershire on 31 March 2020?"])
'How many children were in care in Leicester City on 31 March 2020?'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .figures import extract_figures, shift_years
from .lexicon import COUNCILS, councils_named, terms
from .question import parse_question

_FOLLOW_UP_START = re.compile(
    r"^\s*(?:and|but|also|what\s+about|how\s+about|same\s+for|then|so|or|and\s+what\s+about|ok(?:ay)?,?)\b",
    re.I,
)
_BACK = re.compile(
    r"\b(?:the\s+)?(?:year|twelve\s+months)\s+(?:before|earlier|prior)|\b(?:previous|prior|last|preceding)\s+year\b|\ba\s+year\s+(?:before|earlier)\b",
    re.I,
)
_FORWARD = re.compile(
    r"\b(?:the\s+)?year\s+(?:after|later)|\b(?:next|following)\s+year\b|\ba\s+year\s+later\b", re.I
)
_PRONOUN = re.compile(r"\b(?:that|it|this|they|them|those|these|there|then)\b", re.I)
_COUNCIL_TEXT = re.compile(
    r"\b(?:in|for|at|by)?\s*(?:the\s+)?(?:leicester\s+city(?:\s+council)?|leicestershire(?:\s+county\s+council)?|leicester(?!shire)|the\s+city|the\s+county)\b",
    re.I,
)
_SHORT_NAMES = {"leicester_city": "Leicester City", "leicestershire": "Leicestershire"}


def is_follow_up(question: str) -> bool:
    """Whether a question leans on the previous one (it cannot stand alone)."""
    words = re.findall(r"[A-Za-z0-9]+", question)
    if _FOLLOW_UP_START.match(question) or _BACK.search(question) or _FORWARD.search(question):
        return True
    content = terms(question)
    if len(words) <= 5 and not (content - {"number"}):
        return True  # "In 2019?", "For Leicester City?"
    return len(words) <= 6 and bool(_PRONOUN.search(question)) and len(content) <= 1


def rewrite(question: str, previous: Sequence[str]) -> str:
    """``question`` as a standalone question, given the standalone questions before it."""
    if not previous or not is_follow_up(question):
        return question
    base = previous[-1].strip()
    follow = parse_question(question)
    result = base

    # Council: replace the previous one, or add it.
    if follow.councils:
        name = " or ".join(_SHORT_NAMES[c] for c in sorted(follow.councils))
        if councils_named(base, question=True):
            result = _COUNCIL_TEXT.sub(lambda m: _council_replacement(m.group(0), name), result, count=1)
        else:
            result = _append(result, f"in {name}")

    # Period: shift by a year, or replace with the one named.
    if _BACK.search(question):
        result = shift_years(result, -1)
    elif _FORWARD.search(question):
        result = shift_years(result, +1)
    elif follow.has_period:
        result = _replace_period(result, question)

    # Metric: "what about residential care?" swaps the subject, keeping council and period.
    shifted = bool(_BACK.search(question) or _FORWARD.search(question))
    new_terms = set() if shifted else follow.terms - {"number"}
    if new_terms and not (new_terms <= parse_question(base).terms):
        head_pattern = r"^\s*(how\s+many|how\s+much|what\s+(?:was|is|were|are)(?:\s+the)?|when|who)\b"
        head = re.match(head_pattern, base, re.I)
        subject = _strip_context(question)
        if subject and re.match(head_pattern, subject, re.I):
            head = re.match(r"", "")  # "and how many adopters were approved?" asks in its own words
        if head and subject:
            base_frame = parse_question(result)
            tail = " ".join(filter(None, [_council_phrase(base_frame.councils), _period_phrase(result)]))
            words = f"{head.group(0).strip()} {subject}".strip()
            result = f"{words[:1].upper()}{words[1:]} {tail}".strip() + "?"
    return re.sub(r"\s+", " ", result).strip()


def standalone_history(questions: Sequence[str]) -> list[str]:
    """Each question of a conversation rewritten against the ones before it."""
    out: list[str] = []
    for q in questions:
        out.append(rewrite(q, out))
    return out


def _council_replacement(matched: str, name: str) -> str:
    prep = re.match(r"\s*(in|for|at|by)\b", matched, re.I)
    return f"{prep.group(1)} {name}" if prep else name


def _append(question: str, phrase: str) -> str:
    return question.rstrip(" ?.") + f" {phrase}?"


def _replace_period(base: str, follow_up: str) -> str:
    new = [f for f in extract_figures(follow_up) if f.kind in ("date", "month", "fy") or f.is_year]
    old = [f for f in extract_figures(base) if f.kind in ("date", "month", "fy") or f.is_year]
    if not new:
        return base
    if not old:
        return _append(base, f"in {new[0].raw}")
    target, replacement = old[0], new[0]
    if target.kind == "date" and replacement.is_year:
        # "31 March 2020" + "2019" -> "31 March 2019"
        text = re.sub(r"(?:19|20)\d\d", replacement.raw, target.raw)
        return base[: target.start] + text + base[target.end :]
    return base[: target.start] + replacement.raw + base[target.end :]


def _strip_context(question: str) -> str:
    text = _FOLLOW_UP_START.sub("", question)
    text = _COUNCIL_TEXT.sub(" ", text)
    for fig in sorted(extract_figures(text), key=lambda f: -f.start):
        if fig.kind in ("date", "month", "fy") or fig.is_year:
            text = text[: fig.start] + text[fig.end :]
    text = re.sub(r"\b(?:in|on|at|for)\s*(?=[?.]|$)", " ", text)
    return re.sub(r"\s+", " ", text).strip(" ?.,")


def _council_phrase(councils: frozenset[str]) -> str:
    return f"in {' or '.join(_SHORT_NAMES[c] for c in sorted(councils))}" if councils else ""


def _period_phrase(question: str) -> str:
    figs = [f for f in extract_figures(question) if f.kind in ("date", "month", "fy") or f.is_year]
    if not figs:
        return ""
    f = figs[0]
    return f"on {f.raw}" if f.kind == "date" else f"in {f.raw}"


__all__ = ["COUNCILS", "is_follow_up", "rewrite", "standalone_history"]
