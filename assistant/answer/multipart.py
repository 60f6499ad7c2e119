"""Questions that ask two things at once, answered part by part.

One job: split "How many recommendations did Ofsted make, and by when is the action
plan due?" into its parts, and join the parts' extractive drafts into one answer with
one numbering of citations. A part the papers do not answer says so in its place,
so a half-answered question never reads as fully answered.

>>> split_parts("How many UASC did Leicestershire support, and what growth is proposed?")
['How many UASC did Leicestershire support?', 'What growth is proposed?']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from .extractive import Draft, key_terms, refusal_text
from .lexicon import councils_named, terms
from .question import QuestionFrame, parse_question

# ", and what ...", " and by when ...": a second question, not a list ("children and care leavers").
_JOIN = re.compile(
    r",?\s+and\s+(?:(?:with|for|in|from|to)\s+(?=(?:how|what|which)\b))?"
    r"(?=(?:by\s+when|what|how|when|who|which|where|why|whether)\b)|;\s*(?=[a-z]+\b)",
    re.I,
)
_MIN_PART_WORDS = 3
_MARKER = re.compile(r"\[(\d+)\]")


def split_parts(question: str) -> list[str]:
    """The separate questions in ``question`` (itself alone when it asks one thing)."""
    text = question.strip()
    pieces = [p.strip(" ,;?") for p in _JOIN.split(text)]
    if len(pieces) < 2 or any(len(p.split()) < _MIN_PART_WORDS for p in pieces):
        return [question]
    return [p[:1].upper() + p[1:] + "?" for p in pieces]


def part_frames(question: str, whole: QuestionFrame) -> list[QuestionFrame]:
    """A frame per part; a part that names no council or period takes the whole question's."""
    frames: list[QuestionFrame] = []
    named = _named_words(question)
    parts = split_parts(question)
    for i, part in enumerate(parts):
        if i:
            subject = _with_subject(part, parts[0])
            part = subject if subject != part else _with_referent(part, parts[0], frames[0])
        missing = [w for w in named if w.lower() not in part.lower()]
        if i and missing:
            part = f"{part.rstrip('?')} ({' '.join(missing)})?"  # "the action plan" of the Ofsted inspection
        frame = parse_question(part)
        if not frame.councils and whole.councils:
            frame = replace(frame, councils=whole.councils)
        frames.append(frame)
    return frames


_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
# "..., and how many at 31 March 2020?": a part that gives only a new period.
_ELLIPTICAL = re.compile(r"^(?P<wh>how\s+many|how\s+much|what)\s+(?P<rest>(?:at|on|in|during|for|by)\b.*)$", re.I)
# Where the first part's subject ends: its own period or source ("according to the
# November 2019 minutes", "at 31 March 2019", "in 2017-18").
_SUBJECT_END = re.compile(
    rf"\s+(?:according\s+to|as\s+at|at|on|in|during|for|by)\s+(?:the\s+)?(?:\d|(?:{_MONTHS})\b|20\d\d|q\d|quarter)",
    re.I,
)


# "How many girls?": a later part naming only what it counts.
_SHORT_PART = re.compile(r"^(?P<wh>how\s+many|how\s+much)\s+(?P<what>[a-z-]+(?:\s+[a-z-]+)?)$", re.I)
_ASKED_IN = re.compile(r"\b(?P<wh>how\s+many|how\s+much)\s+(?P<what>[a-z-]+(?:\s+[a-z-]+)?)(?=\s*$)", re.I)


def _with_subject(part: str, first: str) -> str:
    """An elliptical later part with the first part's subject put back.

    "How many at 31 March 2020?" after "How many children were in IFA placements
    according to the November 2019 minutes?" asks "How many children were in IFA
    placements at 31 March 2020?", not how many children were in care.
    """
    short = _SHORT_PART.match(part.rstrip("?").strip())
    asked = _ASKED_IN.search(first.rstrip("?")) if short else None
    if short and asked and asked["wh"].split()[-1].lower() == short["wh"].split()[-1].lower():
        # "... at the end of 2018-19 - how many boys? How many girls?": the girls of the same cohort.
        return f"{first.rstrip('?')[: asked.start()]}{short['wh']} {short['what']}{first.rstrip('?')[asked.end():]}?"
    m = _ELLIPTICAL.match(part.rstrip("?").strip())
    if not m or len(m["rest"].split()) > 6:
        return part
    subject = _SUBJECT_END.split(first.rstrip("?"), maxsplit=1)[0]
    if not re.match(rf"(?i){re.escape(m['wh'].split()[0])}", subject) or len(subject.split()) < 4:
        return part
    return f"{subject} {m['rest']}?"


# "..., and how many children did they care for?": "they" are the first part's subject.
_ANAPHOR = re.compile(r"\b(?:they|them|their|those|these|it|its)\b", re.I)
_SHORT_WORDS = 4  # "How many providers?": too short to name its own subject
_WH = frozenset({"how", "many", "much", "what", "which", "when", "who", "where", "there", "were", "was", "is", "are"})


def _with_referent(part: str, first: str, first_frame: QuestionFrame) -> str:
    """A later part with the first part's subject words added, when it refers back
    ("they", "those") or is too short to name its own subject ("how many providers?").

    "How many children did they care for?" after "how many connected carers were there"
    asks about the connected carers' children, not every child in care: the first
    part's content words go in brackets, so the part's evidence must be about them too.
    """
    if not _ANAPHOR.search(part) and len(part.split()) > _SHORT_WORDS:
        return part
    have, subject = terms(part), key_terms(first_frame)
    words = [
        w
        for w in re.findall(r"[A-Za-z][A-Za-z'-]+", first)
        if w.lower() not in _WH and terms(w) & subject and not terms(w) <= have and not councils_named(w)
    ]
    words = list(dict.fromkeys(words))
    return f"{part.rstrip('?')} ({' '.join(words)})?" if words else part


def _named_words(question: str) -> list[str]:
    """Capitalised names after the first word ("Ofsted", "UASC"), councils and months left out."""
    words = re.findall(r"(?<!^)\b[A-Z][A-Za-z0-9&]+\b", question.strip())
    return [w for w in dict.fromkeys(words) if not re.match(r"(?i)leicester|january|february|march|april|may|june|july|august|september|october|november|december", w)]


def join_drafts(whole: QuestionFrame, parts: Sequence[tuple[QuestionFrame, Draft]]) -> Draft:
    """One draft from the parts' drafts, citations renumbered in order.

    Unanswered parts keep their "The papers do not say ..." sentence; when no part is
    answered the result is the refusal of the whole question.
    """
    if not any(d.found for _, d in parts):
        rejections = [r for _, d in parts for r in d.rejections]
        return Draft(refusal_text(whole, rejections), False, [], [], rejections)
    texts: list[str] = []
    citations = []
    for frame, draft in parts:
        if not draft.found:
            texts.append(refusal_text(frame, draft.rejections))
            continue
        offset = len(citations)
        texts.append(_MARKER.sub(lambda m: f"[{int(m.group(1)) + offset}]", draft.text))
        citations.extend(c.model_copy(update={"n": c.n + offset}) for c in draft.citations)
    candidates = [c for _, d in parts for c in d.candidates]
    rejections = [r for _, d in parts for r in d.rejections]
    return Draft(" ".join(texts), True, citations, candidates, rejections)
